"""Lagrangian upper bound of the capped p-median's savings, with reduced-cost elimination (pure core on arrays).

In savings form (``pmedian_savings``) the p-median is: open k of the free columns y_j, let each row i take at
most one open column, maximise Σ s_ij x_ij. Relaxing "at most one" with multipliers λ_i ≥ 0 gives, for every λ,

    U(λ) = Σ_i λ_i + (sum of the k largest ρ_j),   ρ_j = Σ_i max(0, s_ij − λ_i),

an upper bound of the best savings (open the k columns with the largest ρ; each row takes every open column
that saves more than its λ_i). Its minimum over λ equals the LP relaxation's value, and on city instances the
LP is (nearly) integral: the bound meets the savings of the local-search answer. ρ is one pass over the stored
pairs; λ moves by deflected subgradient steps with the Polyak step towards the best known savings.

**Elimination.** At the best λ found, opening a column j outside the k largest (ρ_(k) the k-th largest) gives
at most U − ρ_(k) + ρ_j. When that is no more than the incumbent's savings V, no solution better than V uses j:
the column is dropped and later steps run on fewer pairs (the dominant speed-up at Berlin size: 540 columns
→ k within a few hundred steps). Any solution is then either within the survivors (bounded by U on them) or
no better than V, so max(U_survivors, V) is a proven upper bound of the whole instance. When only k columns
survive, their own savings are that bound and the incumbent is proven optimal.

The open sets of the relaxation are good seeds: when one saves more than the incumbent, the local search
(``interchange``) starts from it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from sozialraum.siting.pmedian_savings import Savings, column_sums, interchange, saved

# step rule, chosen by measurement on Berlin (k = 2…12; bench/bench_siting.py): first step factor 3, halved after
# 10 steps without a better bound, direction deflected by half the previous one. Factor 1 or 2, halving after
# 5 or 30 steps, no deflection or a "serious step" rule (always stepping from the best multipliers) each took
# 2–10 times as many steps on some k, or stalled above 0.1 %. A stall (step factor below 1e-3) restarts from
# the best multipliers with factor 1, at most twice; then HiGHS takes over. Starting from the multipliers of
# k − 1 (instead of the savings of the start answer) stalled more often (Berlin, people 65+: k = 11, 12), and
# so did leaving for HiGHS after 100 steps that did not halve the gap: HiGHS needed longer on 25–190 survivors.
STEP0, PATIENCE, DEFLECT, RESTARTS = 3.0, 10, 0.5, 2


@dataclass(frozen=True)
class BoundRun:
    upper: float  # proven upper bound of the best savings over all free candidates
    best: tuple[int, ...]  # candidate indices (free) of the best solution found
    best_saved: float  # its savings
    survivors: np.ndarray  # candidate indices not excluded by the reduced-cost tests
    multipliers: np.ndarray  # λ per demand row at the best bound (a warm start for a related instance)
    iterations: int


def _smax(sv: Savings) -> np.ndarray:
    out = np.zeros(sv.n_rows)
    np.maximum.at(out, sv.rows, sv.s)
    return out


def _segments(sv: Savings, pos) -> np.ndarray:
    """Pair indices of the column segments ``pos``."""
    starts, ends = sv.ptr[pos], sv.ptr[np.asarray(pos) + 1]
    lens = ends - starts
    return np.repeat(starts - np.concatenate([[0], np.cumsum(lens)[:-1]]), lens) + np.arange(lens.sum())


def lagrange(sv: Savings, k: int, best: tuple[int, ...], best_saved: float, *, start=None, stop: float = 0.0,
             tol: float = 0.0, deadline: float | None = None, max_iter: int = 20000, check_every: int = 5
             ) -> BoundRun:
    """Subgradient steps with elimination until the upper bound is within ``stop`` (absolute savings) of the
    best known savings, the steps stall, ``max_iter`` or ``deadline`` (``time.perf_counter()``) is reached.

    ``best``: a feasible answer (k free candidate indices) and ``best_saved`` its savings. ``start``: initial
    multipliers (per demand row). ``tol``: absolute slack for floating-point noise in the tests.
    """
    work = sv
    best = tuple(int(j) for j in best)
    lam = np.zeros(sv.n_rows) if start is None else np.asarray(start, dtype="float64").copy()
    smax = _smax(work)
    lam = np.clip(lam, 0.0, smax)
    upper_red, u_lam, u_rho, u_top = np.inf, lam.copy(), None, None
    mu, stall, it, step, restarts = STEP0, 0, 0, np.zeros(sv.n_rows), 0
    tried: set = {tuple(sorted(best))}
    col = work.col_of_pair()
    red = np.empty(len(work.s))

    def bound():
        return max(upper_red, best_saved + tol)

    for it in range(1, max_iter + 1):
        q = work.n_cols
        if q <= k:  # the survivors themselves are the only candidates for a better answer
            upper_red = saved(work, np.arange(q)) if q else 0.0
            break
        if len(red) != len(work.s):
            red = np.empty(len(work.s))
        np.take(lam, work.rows, out=red)  # red = max(0, s − λ[row]) without temporaries
        np.subtract(work.s, red, out=red)
        np.maximum(red, 0.0, out=red)
        rho = column_sums(work, red)
        part = np.argpartition(-rho, k)
        top = part[:k]
        value = float(lam.sum() + rho[top].sum())
        if value < upper_red - 1e-15 * abs(value):
            upper_red, u_lam, u_rho, u_top, stall = value, lam.copy(), rho, top.copy(), 0
        else:
            stall += 1
            if stall >= PATIENCE:
                mu, stall = mu / 2.0, 0
        if bound() - best_saved <= stop or (deadline is not None and time.perf_counter() > deadline):
            break
        if mu < 1e-3:  # the steps stalled: restart from the best multipliers with a fresh step size
            if restarts >= RESTARTS:
                break
            restarts, mu, lam, step = restarts + 1, STEP0 / 3, u_lam.copy(), np.zeros(sv.n_rows)
            continue
        if it % check_every == 0 or it == 1:  # (step 1: warm-started multipliers may eliminate at once)
            key = tuple(sorted(work.cols[top].tolist()))
            if key not in tried:
                tried.add(key)
                got = saved(work, top)
                if got > best_saved * (1 - 2e-3):  # close to the incumbent: worth a local search
                    pos, got = interchange(work, top, col_of_pair=col, deadline=deadline)
                    if got > best_saved + tol:
                        best, best_saved = tuple(int(j) for j in work.cols[pos]), got
            keep = np.ones(q, dtype=bool)
            out = np.ones(q, dtype=bool)
            out[u_top] = False
            rk = float(u_rho[u_top].min())
            keep[out & (upper_red - rk + u_rho <= best_saved + tol)] = False
            # the incumbent's columns stay (its savings are evaluated on the survivors in local searches)
            keep[np.isin(work.cols, best)] = True
            if not keep.all():
                work = work.keep_columns(keep)
                col = work.col_of_pair()
                smax = _smax(work)
                lam = np.minimum(lam, smax)
                upper_red, u_rho, u_top, step = np.inf, None, None, np.zeros(sv.n_rows)
                continue
        idx = _segments(work, top)
        g = 1.0 - np.bincount(work.rows[idx[red[idx] > 0]], minlength=sv.n_rows)
        g[((g > 0) & (lam <= 0.0)) | ((g < 0) & (lam >= smax))] = 0.0
        if not g.any():  # the relaxed answer is feasible: U = its savings, nothing better exists among survivors
            break
        step = g + DEFLECT * step
        norm = float(step @ step)
        if norm <= 0:
            break
        lam = np.clip(lam - mu * max(value - best_saved, 1e-12 * max(1.0, value)) / norm * step, 0.0, smax)
    if upper_red == np.inf:  # stopped right after an elimination: evaluate the bound once on the survivors
        if work.n_cols <= k:
            upper_red = saved(work, np.arange(work.n_cols)) if work.n_cols else 0.0
        else:
            rho = column_sums(work, np.maximum(work.s - lam[work.rows], 0.0))
            upper_red, u_lam = float(lam.sum() + np.sort(rho)[-k:].sum()), lam.copy()
    return BoundRun(bound(), best, best_saved, work.cols.copy(), u_lam, it)
