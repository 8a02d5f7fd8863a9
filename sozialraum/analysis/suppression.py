"""Primary and secondary cell suppression on plain arrays (the pure core of the confidentiality gate).

A table is a vector of cell values (NaN = not available, e.g. already suppressed in the input or missing) and a
list of additive identities ``total = sum(parts)`` between cells (a parent and its children, an area's total
and its groups). The attacker knows every published cell and every identity. A suppressed cell is safe when no
linear combination of the identities determines it.

Algorithm (deterministic):

1. primary: suppressible cells with ``0 < value < threshold`` (0 is publishable);
2. local pass: an identity whose only unpublished cell is protected gets a complementary suppression;
3. elimination pass: the attacker repeatedly solves identities with exactly one unknown; if that reveals a
   protected cell, a published cell of the revealing identity is suppressed (if it has none, the cells that
   were revealed on the way become protected themselves, so their identities get complements);
4. exact pass: per connected block of unknown cells, the null space of the identities restricted to the
   unknowns says which unknowns are determined (a combination of several identities can reveal a cell that no
   single identity does); a determined protected cell gets a complement in its neighbourhood.

Complementary cells are chosen smallest non-zero value first (zeros last), ties by cell index.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Equation:
    """``cells[total] == sum(cells[parts])``."""

    total: int
    parts: tuple[int, ...]

    @property
    def cells(self) -> tuple[int, ...]:
        return (self.total, *self.parts)


@dataclass(frozen=True)
class SuppressionResult:
    primary: np.ndarray  # bool: suppressed because 0 < value < threshold
    secondary: np.ndarray  # bool: suppressed so that no protected cell can be recomputed
    protected: np.ndarray  # bool: cells that must stay unrecoverable (input-suppressed, primary, secondary, ...)

    @property
    def suppressed(self) -> np.ndarray:
        return self.primary | self.secondary


def primary_mask(values: np.ndarray, threshold: float, suppressible: np.ndarray | None = None) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    with np.errstate(invalid="ignore"):
        mask = (values > 0) & (values < threshold)
    if suppressible is not None:
        mask &= np.asarray(suppressible, dtype=bool)
    return mask


def _choice_key(values: np.ndarray, cell: int) -> tuple:
    v = values[cell]
    return (v == 0, v, cell)


def _incidence(n: int, equations: list[Equation]) -> list[list[int]]:
    by_cell: list[list[int]] = [[] for _ in range(n)]
    for k, eq in enumerate(equations):
        for c in eq.cells:
            by_cell[c].append(k)
    return by_cell


def eliminate(unknown: np.ndarray, equations: list[Equation], by_cell: list[list[int]] | None = None
              ) -> tuple[list[int], dict[int, int]]:
    """Solve identities with one unknown until none is left. Returns (cells in order revealed, cell -> equation)."""
    unknown = np.asarray(unknown, dtype=bool).copy()
    by_cell = by_cell if by_cell is not None else _incidence(len(unknown), equations)
    count = np.array([sum(1 for c in eq.cells if unknown[c]) for eq in equations], dtype=int)
    queue = deque(k for k in range(len(equations)) if count[k] == 1)
    order: list[int] = []
    revealed_by: dict[int, int] = {}
    while queue:
        k = queue.popleft()
        if count[k] != 1:
            continue
        cell = next(c for c in equations[k].cells if unknown[c])
        unknown[cell] = False
        order.append(cell)
        revealed_by[cell] = k
        for k2 in by_cell[cell]:
            count[k2] -= 1
            if count[k2] == 1:
                queue.append(k2)
    return order, revealed_by


def determined(unknown: np.ndarray, equations: list[Equation], tol: float = 1e-9) -> np.ndarray:
    """Exact test: which unknown cells are fixed by the identities and the known cells (bool per cell)."""
    unknown = np.asarray(unknown, dtype=bool)
    n = len(unknown)
    parent = list(range(n))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    rows = []
    for eq in equations:
        u = [c for c in eq.cells if unknown[c]]
        if not u:
            continue
        rows.append(eq)
        for c in u[1:]:
            ra, rb = find(u[0]), find(c)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    out = np.zeros(n, dtype=bool)
    blocks: dict[int, list[Equation]] = {}
    for eq in rows:
        first = next(c for c in eq.cells if unknown[c])
        blocks.setdefault(find(first), []).append(eq)
    for eqs in blocks.values():
        cols = sorted({c for eq in eqs for c in eq.cells if unknown[c]})
        pos = {c: i for i, c in enumerate(cols)}
        m = np.zeros((len(eqs), len(cols)))
        for r, eq in enumerate(eqs):
            if unknown[eq.total]:
                m[r, pos[eq.total]] += 1.0
            for c in eq.parts:
                if unknown[c]:
                    m[r, pos[c]] -= 1.0
        _, s, vt = np.linalg.svd(m)
        rank = int((s > tol * max(1.0, s[0] if len(s) else 1.0)).sum())
        null = vt[rank:]  # rows span the null space
        if null.shape[0] == 0:
            fixed = np.ones(len(cols), dtype=bool)
        else:
            fixed = np.abs(null).max(axis=0) < 1e-7
        out[np.array(cols)[fixed]] = True
    return out


def suppress_table(values, equations: list[Equation], *, threshold: float = 3,
                   suppressible=None, protected=None, max_rounds: int = 100_000) -> SuppressionResult:
    """Primary and secondary suppression of one table.

    ``values``: cell values, NaN where nothing is published anyway (missing or suppressed in the input).
    ``protected``: extra cells that must stay unrecoverable (e.g. flagged 'suppressed' in the input).
    ``suppressible``: cells the threshold applies to (default all).
    """
    values = np.asarray(values, dtype=float)
    n = len(values)
    primary = primary_mask(values, threshold, suppressible)
    protect = primary.copy()
    if protected is not None:
        protect |= np.asarray(protected, dtype=bool)
    secondary = np.zeros(n, dtype=bool)
    unknown = np.isnan(values) | primary
    by_cell = _incidence(n, equations)

    def suppress(cell: int) -> None:
        secondary[cell] = True
        protect[cell] = True
        unknown[cell] = True

    def best(cells) -> int | None:
        cands = [c for c in cells if not unknown[c]]
        return min(cands, key=lambda c: _choice_key(values, c)) if cands else None

    # 2. local pass over single identities
    changed = True
    while changed:
        changed = False
        for eq in equations:
            u = [c for c in eq.cells if unknown[c]]
            if len(u) == 1 and protect[u[0]]:
                c = best(eq.cells)
                if c is not None:
                    suppress(c)
                    changed = True

    for _ in range(max_rounds):
        # 3. elimination pass
        order, revealed_by = eliminate(unknown, equations, by_cell)
        hit = next((c for c in order if protect[c]), None)
        if hit is not None:
            eq = equations[revealed_by[hit]]
            c = best(eq.cells)
            if c is not None:
                suppress(c)
            else:
                for other in eq.cells:
                    if other != hit:
                        protect[other] = True
            continue
        # 4. exact pass
        fixed = determined(unknown, equations) & protect & unknown
        hits = np.flatnonzero(fixed)
        if len(hits) == 0:
            break
        c = _neighbourhood_complement(int(hits[0]), equations, by_cell, unknown, values)
        if c is None:  # nothing left to suppress anywhere near: protect what is reachable
            break
        suppress(c)
    else:  # pragma: no cover - safety net
        raise RuntimeError("Sekundäre Geheimhaltung konvergiert nicht")
    return SuppressionResult(primary=primary, secondary=secondary, protected=protect)


def _neighbourhood_complement(cell: int, equations, by_cell, unknown, values) -> int | None:
    """Smallest published cell in the identities around ``cell``, widening ring by ring through unknowns."""
    seen_cells = {cell}
    frontier = [cell]
    seen_eqs: set[int] = set()
    while frontier:
        ring_eqs = sorted({k for c in frontier for k in by_cell[c]} - seen_eqs)
        seen_eqs.update(ring_eqs)
        cands = [c for k in ring_eqs for c in equations[k].cells if not unknown[c]]
        if cands:
            return min(cands, key=lambda c: _choice_key(values, c))
        frontier = [c for k in ring_eqs for c in equations[k].cells if c not in seen_cells]
        seen_cells.update(frontier)
    return None
