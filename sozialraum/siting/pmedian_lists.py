"""Travel-model side of the p-median: per-point candidate lists that make the capped model exact, and true values.

A point's cost in any plan is at most the cost to its nearest fixed site, so its list only needs the candidates
nearer than that (``CandidateLists.exact_behind_fixed``): lists start at the ``nearest`` candidates and are
widened (×2 at a time) for the points whose last listed candidate is still nearer than their nearest fixed site. Such a
point is then exact: its cap is the nearest fixed site. A point without a reachable fixed site keeps its list and
gets the cost of its last listed candidate as cap, a lower bound of every unlisted one ("rest option"); the
driver widens those lists where a plan's true cost is beyond the cap (``widen``). On a network the search for
the nearest sites stops at a horizon (``search_horizon``, e.g. 60 minutes on foot): a longer way counts as
that many minutes, so every plan is priced the same way (the point is shown as not served).
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from sozialraum.access.travel import ZERO_MINUTES
from sozialraum.siting.core import nearest_assignment


def _row_max(cost: sparse.csr_matrix) -> np.ndarray:
    out = np.zeros(cost.shape[0])
    nz = np.diff(cost.indptr) > 0
    if cost.nnz:
        out[nz] = np.maximum.reduceat(cost.data, cost.indptr[:-1][nz])
    return out


def _row_min(cost: sparse.csr_matrix) -> np.ndarray:
    out = np.full(cost.shape[0], np.inf)
    nz = np.diff(cost.indptr) > 0
    if cost.nnz:
        out[nz] = np.minimum.reduceat(cost.data, cost.indptr[:-1][nz])
    return out


def _subset(targets, sel):
    if targets is None:
        return np.asarray(sel, dtype=np.int64)
    return np.asarray(targets)[np.asarray(sel, dtype=np.int64)]


def search_horizon(travel) -> float:
    """Minutes beyond which the travel model's ``nearest`` finds nothing (a network search stops there; inf for
    the straight line and for a given matrix). The p-median counts a longer way as this many minutes."""
    from sozialraum.access.travel import NEAREST_BUDGET_MIN, NetworkModel, TransitModel

    if isinstance(travel, NetworkModel):
        return float(NEAREST_BUDGET_MIN[travel.mode])
    if isinstance(travel, TransitModel):
        return float(NEAREST_BUDGET_MIN["transit"])
    return float("inf")


def true_costs(travel, origins, targets, sel) -> tuple[np.ndarray, np.ndarray]:
    """Per point: the nearest of the sites ``sel`` by the travel model (−1: none reachable) and its cost (inf)."""
    sel = np.asarray(sel, dtype=np.int64)
    near = sparse.csr_matrix(travel.nearest(origins, _subset(targets, sel), 1))
    idx, cost = nearest_assignment(near, range(len(sel)))
    cost = np.where(cost <= ZERO_MINUTES, 0.0, cost)
    return np.where(idx >= 0, sel[np.maximum(idx, 0)], -1), cost


class CandidateLists:
    """Listed pairs (CSR minutes), the rest bound per point and the fixed-site cost per point, widened on demand."""

    def __init__(self, travel, origins, targets, weights, fixed, nearest: int):
        self.travel, self.origins, self.targets = travel, origins, targets
        self.w = np.asarray(weights, dtype="float64")
        self.fixed = np.asarray(sorted({int(j) for j in fixed}), dtype=np.int64)
        self.horizon = search_horizon(travel)
        self.lists = sparse.csr_matrix(travel.nearest(origins, targets, max(int(nearest), 1)))
        self.n_cand = self.lists.shape[1]
        self.n_row = np.full(self.lists.shape[0], min(int(nearest), self.n_cand), dtype=np.int64)
        self.rest, self.rest_exact = self._rest(self.lists, self.n_row)
        self._savings = None
        if len(self.fixed):
            fc = sparse.csr_matrix(travel.nearest(origins, _subset(targets, self.fixed), len(self.fixed)))
            self.fixed_cost = np.minimum(_row_min(fc), self.horizon)
        else:
            self.fixed_cost = np.full(self.lists.shape[0], self.horizon)
        self.exact_behind_fixed()

    def _rest(self, lists, n_row):
        """Per point: a lower bound of every unlisted candidate — the last listed cost — and whether it is exact
        for the capped cost: everything is listed, or the list is shorter than asked for (the rest lies beyond
        the search horizon, and a cost is counted at most at the horizon)."""
        short = (np.diff(lists.indptr) < n_row) | (n_row >= self.n_cand)
        return np.where(short, self.horizon, _row_max(lists)), short

    def exact_behind_fixed(self) -> None:
        """Widen the lists until every candidate nearer than the point's nearest fixed site is listed."""
        while True:
            need = np.flatnonzero((self.rest < self.fixed_cost) & np.isfinite(self.fixed_cost) & ~self.rest_exact
                                  & (self.n_row < self.n_cand) & (self.w > 0))
            if not len(need):
                return
            self.widen(need, factor=2)

    def widen(self, rows, factor: int = 2) -> None:
        """Replace the lists of ``rows`` by their ``factor`` × as many nearest candidates."""
        rows = np.asarray(rows, dtype=np.int64)
        self.n_row[rows] = np.minimum(self.n_row[rows] * factor, self.n_cand)
        keep = self.lists.tocoo()
        mask = ~np.isin(keep.row, rows)
        r_parts, c_parts, v_parts = [keep.row[mask]], [keep.col[mask]], [keep.data[mask]]
        rest, exact = self.rest.copy(), self.rest_exact.copy()
        for n_new in np.unique(self.n_row[rows]):
            group = rows[self.n_row[rows] == n_new]
            near = sparse.csr_matrix(self.travel.nearest(_subset(self.origins, group), self.targets, int(n_new)))
            coo = near.tocoo()
            r_parts.append(group[coo.row])
            c_parts.append(coo.col)
            v_parts.append(coo.data)
            rest[group], exact[group] = self._rest(near, np.full(len(group), n_new))
        out = sparse.csr_matrix((np.concatenate(v_parts), (np.concatenate(r_parts), np.concatenate(c_parts))),
                                shape=self.lists.shape)
        out.sum_duplicates()
        out.sort_indices()
        self.lists, self.rest, self.rest_exact, self._savings = out, rest, exact, None

    def savings(self):
        """The savings form of the current lists and caps (kept until the lists are widened)."""
        from sozialraum.siting.pmedian_savings import build_savings

        if self._savings is None:
            cap, _ = self.caps()
            self._savings = build_savings(self.lists, cap, self.w, self.fixed)
        return self._savings

    def caps(self) -> tuple[np.ndarray, np.ndarray]:
        """Per point: the cap (nearest fixed site, or the rest bound when that is nearer; a fully listed point
        without fixed site: its farthest candidate) and whether the cap is only a lower bound (rest option)."""
        cap = np.minimum(self.fixed_cost, self.rest)
        by_rest = (self.rest < self.fixed_cost) & ~self.rest_exact
        full = ~np.isfinite(cap) & (np.diff(self.lists.indptr) > 0)
        cap = np.where(full, _row_max(self.lists), cap)
        return np.where(cap <= ZERO_MINUTES, 0.0, cap), by_rest
