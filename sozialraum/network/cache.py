"""Matrices cached per (network, mode, parameters, points): hashed ``.npz`` files beside the network.

A matrix for a budget answers every smaller budget too (its pairs are filtered), so changing the budget on a
page downwards reads from the cache.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
from scipy import sparse


def key(network_id: str, mode: str, params: dict, origins: np.ndarray, targets: np.ndarray) -> str:
    h = hashlib.sha256()
    h.update(json.dumps([network_id, mode, params], sort_keys=True, default=str).encode())
    for arr in (origins, targets):
        a = np.ascontiguousarray(np.round(np.asarray(arr, dtype="float64"), 7))
        h.update(str(a.shape).encode())
        h.update(a.tobytes())
    return h.hexdigest()[:32]


def load(folder: Path, k: str, budget_min: float) -> sparse.csr_matrix | None:
    """The cached matrix of the smallest budget ≥ ``budget_min``, filtered to ``budget_min`` (None if none)."""
    best = None
    for path in Path(folder).glob(f"{k}_*.npz"):
        try:
            b = float(path.stem.rsplit("_", 1)[1])
        except ValueError:
            continue
        if b >= budget_min and (best is None or b < best[0]):
            best = (b, path)
    if best is None:
        return None
    try:
        m = sparse.load_npz(best[1]).tocsr()
    except (OSError, ValueError):
        return None
    if best[0] > budget_min:
        m = m.tocoo()
        keep = m.data <= budget_min
        m = sparse.csr_matrix((m.data[keep], (m.row[keep], m.col[keep])), shape=m.shape)
        m.sort_indices()
    return m


def save(folder: Path, k: str, budget_min: float, matrix: sparse.csr_matrix) -> None:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{k}_{float(budget_min):g}.tmp.npz"
    sparse.save_npz(tmp, matrix.tocsr(), compressed=False)
    tmp.replace(folder / f"{k}_{float(budget_min):g}.npz")
