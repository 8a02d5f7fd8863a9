"""Travel-model helpers of the refined p-median: true values of a site set, widening and extending lists."""

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


def _true_value(travel, origins, targets, w, sel):
    """Weighted true cost of site set ``sel`` (nearest chosen site by the travel model), assignment, costs."""
    true = sparse.csr_matrix(travel.nearest(origins, _subset(targets, sel), 1))
    idx, cost = nearest_assignment(true, range(len(sel)))
    cost = np.where(cost <= ZERO_MINUTES, 0.0, cost)
    return float(np.sum(w * cost)), sel[idx], cost


def _widen(lists, rest, rows, n_row, origins, targets, travel, fixed):
    """Replace the lists of ``rows`` by their ``n_row`` nearest candidates (plus fixed) and update the rest bound."""
    keep = lists.tocoo()
    mask = ~np.isin(keep.row, rows)
    r_parts, c_parts, v_parts = [keep.row[mask]], [keep.col[mask]], [keep.data[mask]]
    rest = rest.copy()
    for n_new in np.unique(n_row[rows]):
        group = rows[n_row[rows] == n_new]
        near = sparse.csr_matrix(travel.nearest(_subset(origins, group), targets, int(n_new), always=fixed)).tocoo()
        r_parts.append(group[near.row])
        c_parts.append(near.col)
        v_parts.append(near.data)
        if n_new >= lists.shape[1]:
            rest[group] = np.inf
        else:
            rest[group] = _row_max(sparse.csr_matrix(travel.nearest(_subset(origins, group), targets, int(n_new))))
    out = sparse.csr_matrix((np.concatenate(v_parts), (np.concatenate(r_parts), np.concatenate(c_parts))),
                            shape=lists.shape)
    out.sum_duplicates()
    out.sort_indices()
    return out, rest


def _subset(targets, sel):
    if targets is None:
        return sel
    arr = np.asarray(targets)
    return arr[sel]


def _add_entries(lists, extra, origins, targets, travel):
    """Add (row, candidate) pairs of ``extra`` to ``lists`` with their true costs from the travel model."""
    coo = extra.tocoo()
    have = lists.multiply(extra).tocoo()
    new = set(zip(coo.row.tolist(), coo.col.tolist())) - set(zip(have.row.tolist(), have.col.tolist()))
    if not new:
        return lists
    rows, cols = np.array(sorted(new)).T
    values = np.empty(len(rows))
    for j in np.unique(cols):
        sel = cols == j
        block = sparse.csr_matrix(travel.nearest(_subset(origins, rows[sel]), _subset(targets, np.array([j])), 1))
        values[sel] = block.toarray().ravel()
    add = sparse.csr_matrix((np.maximum(values, ZERO_MINUTES), (rows, cols)), shape=lists.shape)
    out = (lists + add).tocsr()
    out.sort_indices()
    return out
