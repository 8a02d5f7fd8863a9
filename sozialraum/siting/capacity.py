"""Capacities, capacitated coverage and the expected caseload per site (pure core on arrays).

Capacity of a site (people of the target group it can serve in a year)::

    capacity = consultation hours per week × consultations per hour × working weeks per year
               / consultations per person and year

with the hours per week set per site type (main Jobcenter sites — ``hauptsitz``, ``geschaeftsstelle`` — their
own, every other site the outreach hours; settings ``site_hours_jobcenter``, ``site_hours_outreach``,
``cases_per_hour``, ``working_weeks``, ``contacts_per_person_year``).

**Uptake** (``site_uptake``): at a main Jobcenter site every person assigned to it is a case; an outreach office
complements the Jobcenter and is used by a share of the target group within its reach (setting
``outreach_uptake_pct``). Cases = people assigned × uptake; a site's room for people within reach is its
capacity ÷ uptake (what the capacitated model uses).

**Maximal capacitated covering** (``solve_capacitated``): open ``k`` new sites (plus the fixed ones) and assign
demand — divisibly, people not points — to open sites within reach so that no site gets more than its capacity;
maximise the people assigned. HiGHS on the merged demand points of ``sozialraum.siting.mclp`` (points that reach
the same candidates are interchangeable here too: any assignment of the merged row splits back in proportion to
the weights). Besides ``Σ_j a_rj ≤ W_r`` and ``Σ_r a_rj ≤ cap_j·x_j`` the model carries ``a_rj ≤ W_r·x_j``, which
makes its LP relaxation much tighter.

**Caseload** (``caseload``): for any plan, the people of each target group assigned to each site (nearest chosen
site within reach, or the capacitated assignment), and the staff hours per week that follow:
``people × consultations per person and year / working weeks / consultations per hour``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from sozialraum.siting._highs import solve_mip
from sozialraum.siting.core import _check_k, _fixed, _limit, _weights, pattern
from sozialraum.siting.mclp import reduce_cover

MAIN_JOBCENTER_TYPES = ("hauptsitz", "geschaeftsstelle")


def site_capacity(site_types, settings: dict | None = None) -> np.ndarray:
    """People per year each site can serve (see the module docstring); ``site_types`` one per candidate."""
    from sozialraum.settings import resolve

    s = resolve(settings)
    types = np.asarray(site_types, dtype=object).astype(str)
    hours = np.where(np.isin(types, MAIN_JOBCENTER_TYPES), float(s["site_hours_jobcenter"]),
                     float(s["site_hours_outreach"]))
    return hours * float(s["cases_per_hour"]) * float(s["working_weeks"]) / float(s["contacts_per_person_year"])


def site_uptake(site_types, settings: dict | None = None) -> np.ndarray:
    """Share of the people assigned to each site that become its cases: 1 at main Jobcenter sites, the outreach
    uptake (``outreach_uptake_pct`` / 100) elsewhere."""
    from sozialraum.settings import resolve

    s = resolve(settings)
    types = np.asarray(site_types, dtype=object).astype(str)
    return np.where(np.isin(types, MAIN_JOBCENTER_TYPES), 1.0, float(s["outreach_uptake_pct"]) / 100.0)


def staff_hours_per_week(people, settings: dict | None = None):
    """Consultation hours per week that ``people`` of the target group need."""
    from sozialraum.settings import resolve

    s = resolve(settings)
    return (np.asarray(people, dtype="float64") * float(s["contacts_per_person_year"])
            / float(s["working_weeks"]) / float(s["cases_per_hour"]))


@dataclass(frozen=True)
class CapacitatedResult:
    selected: tuple[int, ...]  # fixed included, ascending
    fixed: tuple[int, ...]
    served_weight: float  # people assigned within reach and capacity
    reachable_weight: float  # people within reach of an open site (what the uncapacitated MCLP counts)
    total_weight: float
    load: np.ndarray  # per candidate: people assigned (0 for closed sites)
    capacity: np.ndarray
    flows: sparse.csr_matrix  # demand points × candidates: people of point i assigned to site j
    status: str
    gap: float
    solve_seconds: float

    @property
    def served_share(self) -> float:
        return self.served_weight / self.total_weight if self.total_weight > 0 else float("nan")


def solve_capacitated(cover, weights, k: int, capacity, fixed=(), time_limit: float | None = None, *,
                      mip_rel_gap: float = 1e-9) -> CapacitatedResult:
    """Maximal capacitated covering (see the module docstring). ``capacity``: people per candidate (≥ 0)."""
    p = pattern(cover)
    n_dem, n_cand = p.shape
    w = _weights(weights, n_dem)
    cap = np.asarray(capacity, dtype="float64")
    if cap.shape != (n_cand,) or not np.isfinite(cap).all() or (cap < 0).any():
        raise ValueError(f"Kapazitäten: erwartet {n_cand} endliche Werte ≥ 0 (einen je Kandidat)")
    f = _fixed(fixed, n_cand)
    k = _check_k(k, n_cand - len(f))
    t0 = time.perf_counter()
    red = reduce_cover(p, w, np.array([], dtype=np.int64))  # merge only: a fixed site may be full
    m = red.matrix.tocoo()
    n_rows, n_e = red.matrix.shape[0], m.nnz
    wr = red.weights
    e = np.arange(n_e)
    # columns: x (n_cand) | a_e (n_e);  rows: demand (n_rows) | capacity (n_cand) | link (n_e) | cardinality
    a = sparse.vstack([
        sparse.hstack([sparse.csr_matrix((n_rows, n_cand)),
                       sparse.csr_matrix((np.ones(n_e), (m.row, e)), shape=(n_rows, n_e))]),
        sparse.hstack([sparse.diags(-cap), sparse.csr_matrix((np.ones(n_e), (m.col, e)), shape=(n_cand, n_e))]),
        sparse.hstack([sparse.csr_matrix((-wr[m.row], (e, m.col)), shape=(n_e, n_cand)),
                       sparse.identity(n_e, format="csr")]),
        sparse.hstack([sparse.csr_matrix(np.where(np.isin(np.arange(n_cand), f), 0.0, 1.0)[None, :]),
                       sparse.csr_matrix((1, n_e))]),
    ], format="csc")
    lower = np.zeros(n_cand + n_e)
    lower[f] = 1.0
    upper = np.concatenate([np.ones(n_cand), wr[m.row]])
    row_lo = np.concatenate([np.full(n_rows + n_cand + n_e, -np.inf), [k]])
    row_up = np.concatenate([wr, np.zeros(n_cand + n_e), [k]])
    ans = solve_mip(a, np.concatenate([np.zeros(n_cand), np.ones(n_e)]), lower, upper, row_lo, row_up,
                    np.arange(n_cand), maximize=True, time_limit=_limit(time_limit), mip_rel_gap=mip_rel_gap,
                    what="Abdeckung mit Kapazität")
    x = ans.x[:n_cand] > 0.5
    flow_e = np.clip(ans.x[n_cand:], 0.0, None) * x[m.col]
    # back to demand points: each point gets its merged row's flow in proportion to its weight
    pts = np.flatnonzero(red.members >= 0)
    r_of = red.members[pts]
    share = w[pts] / wr[r_of]
    row_flows = sparse.csr_matrix((flow_e, (m.row, m.col)), shape=(n_rows, n_cand))
    flows = sparse.csr_matrix(sparse.diags(np.bincount(pts, weights=share, minlength=n_dem))
                              @ sparse.csr_matrix((np.ones(len(pts)), (pts, r_of)), shape=(n_dem, n_rows))
                              @ row_flows)
    selected = tuple(np.flatnonzero(x).tolist())
    sel = np.zeros(n_cand)
    sel[list(selected)] = 1.0
    reachable = float(w[(p @ sel) > 0].sum())
    load = np.asarray(flows.sum(axis=0)).ravel()
    return CapacitatedResult(selected, tuple(f.tolist()), float(flow_e.sum()), reachable, float(w.sum()), load, cap,
                             flows, ans.status, ans.gap, time.perf_counter() - t0)


def nearest_flows(assignment, weights, n_cand: int) -> sparse.csr_matrix:
    """Flows of an uncapacitated plan: each demand point's whole weight to its assigned site (-1 = none)."""
    a = np.asarray(assignment, dtype=np.int64)
    w = np.asarray(weights, dtype="float64")
    ok = a >= 0
    return sparse.csr_matrix((w[ok], (np.flatnonzero(ok), a[ok])), shape=(len(a), n_cand))


def caseload(flows, groups: dict, selected, capacity=None, settings: dict | None = None, uptake=None) -> pd.DataFrame:
    """Expected caseload per chosen site and target group, and the staff hours per week it needs.

    ``flows``: demand points × candidates, the people of the *planning* group assigned (``solve_capacitated``'s
    flows or ``nearest_flows``). ``groups``: name → weights per demand point of each target group on the same
    points; a point's assignment is shared out in proportion: group people at site j = Σ_i flow_ij / w_i · g_i,
    with w the planning group's weights (the first group in ``groups``). ``uptake``: per candidate the share of
    those people that become cases (``site_uptake``; default 1). Rows: candidate, group, people, cases,
    staff_hours_week (for the cases), and with ``capacity`` the site's capacity (cases per year) and its
    utilisation by the planning group's cases.
    """
    names = list(groups)
    if not names:
        raise ValueError("mindestens eine Zielgruppe nötig")
    fl = sparse.csr_matrix(flows)
    base = np.asarray(groups[names[0]], dtype="float64")
    frac = sparse.diags(np.divide(1.0, base, out=np.zeros_like(base), where=base > 0)) @ fl  # share of each point
    rows = []
    sel = [int(j) for j in selected]
    for name in names:
        g = np.asarray(groups[name], dtype="float64")
        per_site = np.asarray(frac.T @ g).ravel()
        for j in sel:
            rows.append({"candidate": j, "group": name, "people": float(per_site[j])})
    out = pd.DataFrame(rows, columns=["candidate", "group", "people"])
    share = np.ones(fl.shape[1]) if uptake is None else np.asarray(uptake, dtype="float64")
    out["cases"] = out["people"] * share[out["candidate"].to_numpy(dtype=np.int64)] if len(out) else 0.0
    out["staff_hours_week"] = staff_hours_per_week(out["cases"], settings)
    if capacity is not None:
        cap = np.asarray(capacity, dtype="float64")
        first = out[out["group"] == names[0]].set_index("candidate")["cases"]
        out["capacity"] = out["candidate"].map(lambda j: float(cap[j]))
        out["utilisation"] = out["candidate"].map(lambda j: float(first[j] / cap[j]) if cap[j] > 0 else np.nan)
    return out
