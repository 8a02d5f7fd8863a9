"""Shared pieces of the siting models: the result type, input checks, evaluation and tie canonicalisation."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from sozialraum.errors import SolverError

MODELS = {  # German label: "short name: what it does"
    "mclp": "Maximale Abdeckung: k Standorte, möglichst viele Menschen in Reichweite",
    "pmedian": "p-Median: k Standorte, im Mittel möglichst kurze Wege",
    "lscp": "Mengenüberdeckung: möglichst wenige Standorte, alle in Reichweite",
    "mclp_cap": "Abdeckung mit Kapazität: k Standorte, möglichst viele Menschen in Reichweite und in den Sprechstunden",
}
MODELS_EN = {
    "mclp": "Maximal covering: k sites, most people within reach",
    "pmedian": "p-median: k sites, shortest mean walk",
    "lscp": "Set cover: fewest sites, everyone within reach",
    "mclp_cap": "Capacitated covering: k sites, most people within reach and within the consultation hours",
}


@dataclass(frozen=True)
class SitingResult:
    model: str  # 'mclp' | 'pmedian' | 'lscp'
    selected: tuple[int, ...]  # candidate indices (fixed ones included), ascending
    objective: float  # mclp: covered weight; pmedian: weighted travel (incl. rest penalties); lscp: number of sites
    covered_weight: float  # weight of demand points with a selected site within reach
    total_weight: float
    assignment: np.ndarray  # per demand point: index of the nearest selected candidate (within reach), -1 = none
    solve_seconds: float
    status: str  # 'optimal' | 'time_limit'
    gap: float
    fixed: tuple[int, ...] = ()
    n_unassigned: int = 0  # p-median model: demand points (weight > 0) on the rest option
    bound: float = float("nan")  # p-median: a proven lower bound of the optimum
    extra: dict = field(default_factory=dict, compare=False, repr=False)  # p-median: warm start for a next run

    @property
    def covered_share(self) -> float:
        return self.covered_weight / self.total_weight if self.total_weight > 0 else float("nan")

    @property
    def new_sites(self) -> tuple[int, ...]:
        return tuple(j for j in self.selected if j not in set(self.fixed))


# ----------------------------------------------------------------------------------------------- inputs
def pattern(matrix) -> sparse.csr_matrix:
    """0/1 CSR of the stored entries (reachability), with explicit False/0 of a *boolean* matrix removed."""
    m = sparse.csr_matrix(matrix)
    if m.dtype == bool:
        m = m.copy()
        m.eliminate_zeros()
    out = sparse.csr_matrix((np.ones(m.nnz), m.indices.copy(), m.indptr.copy()), shape=m.shape)
    out.sum_duplicates()
    return out


def _weights(weights, n: int) -> np.ndarray:
    w = np.ones(n) if weights is None else np.asarray(weights, dtype="float64")
    if w.shape != (n,):
        raise ValueError(f"Gewichte: erwartet {n} Werte (einen je Nachfragepunkt), erhalten {w.shape}")
    if not np.isfinite(w).all() or (w < 0).any():
        raise ValueError("Gewichte müssen endliche Zahlen ≥ 0 sein")
    return w


def _fixed(fixed, n_cand: int) -> np.ndarray:
    f = np.unique(np.asarray(list(fixed), dtype=np.int64))
    if len(f) and (f.min() < 0 or f.max() >= n_cand):
        raise ValueError(f"Feste Standorte: Index außerhalb 0..{n_cand - 1}")
    return f


def _check_k(k: int, n_free: int) -> int:
    k = int(k)
    if k < 0:
        raise ValueError("k (Zahl neuer Standorte) darf nicht negativ sein")
    if k > n_free:
        raise SolverError(f"Es sollen {k} neue Standorte gewählt werden, es gibt aber nur {n_free} freie Kandidaten.")
    return k


def listed_pmedian_input(cost, weights, k: int, fixed) -> tuple:
    """The checked input of a p-median on listed pairs: (cost as CSR with sorted indices, weights, fixed, k);
    at least one site must open (k ≥ 1 or a fixed site)."""
    c = sparse.csr_matrix(cost, dtype="float64")
    c.sort_indices()
    n_dem, n_cand = c.shape
    w = _weights(weights, n_dem)
    f = _fixed(fixed, n_cand)
    k = _check_k(k, n_cand - len(f))
    if k + len(f) == 0:
        raise ValueError("p-Median: mindestens ein Standort (k ≥ 1 oder ein fester Standort) ist nötig")
    return c, w, f, k


def _limit(time_limit):
    if time_limit is None:
        from sozialraum.settings import default

        time_limit = default("solver_time_limit_s")
    return float(time_limit)


# ------------------------------------------------------------------------------------------ evaluation
def covered_mask(cover_pattern: sparse.csr_matrix, selected) -> np.ndarray:
    sel = np.zeros(cover_pattern.shape[1])
    sel[list(selected)] = 1.0
    return (cover_pattern @ sel) > 0


def nearest_assignment(cost: sparse.csr_matrix, selected) -> tuple[np.ndarray, np.ndarray]:
    """Per row: the selected column with the smallest stored cost (ties → lowest index) and that cost.

    Rows without a stored entry in a selected column get ``-1`` and ``inf``.
    """
    cost = sparse.csr_matrix(cost)
    n = cost.shape[0]
    best, best_cost = np.full(n, -1, dtype=np.int64), np.full(n, np.inf)
    is_sel = np.zeros(cost.shape[1], dtype=bool)
    is_sel[list(selected)] = True
    rows = np.repeat(np.arange(n), np.diff(cost.indptr))
    keep = is_sel[cost.indices]
    r, c, v = rows[keep], cost.indices[keep], cost.data[keep]
    if len(r):
        order = np.lexsort((c, v, r))  # by row, then cost, then column index
        r, c, v = r[order], c[order], v[order]
        first = np.ones(len(r), dtype=bool)
        first[1:] = r[1:] != r[:-1]
        best[r[first]], best_cost[r[first]] = c[first], v[first]
    return best, best_cost


# ---------------------------------------------------------------------------------- tie canonicalisation
def _canonical(selected: set[int], fixed: set[int], n_cand: int, score, maximize: bool, tol: float) -> set[int]:
    """Swap each new site for the lowest-index candidate that scores as well; ``score(rest)`` gives, for the
    set ``rest``, the objective of ``rest ∪ {j}`` for every candidate j (an array of length n_cand)."""
    sel = set(selected)
    changed = True
    rounds = 0
    while changed and rounds < 5:
        changed, rounds = False, rounds + 1
        for s in sorted(sel - fixed):
            rest = sel - {s}
            values = score(rest)
            current = values[s]
            ok = values >= current - tol if maximize else values <= current + tol
            ok[list(sel)] = False
            ok[list(fixed)] = False
            lower = np.flatnonzero(ok[:s])
            if len(lower):
                sel = rest | {int(lower[0])}
                changed = True
    return sel
