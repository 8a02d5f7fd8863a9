"""Matrices cached per (network, mode, parameters, points): hashed ``.npz`` files beside the network.

A matrix for a budget answers every smaller budget too (its pairs are filtered), so changing the budget on a
page downwards reads from the cache. A matrix for a set of targets answers every subset of them (its columns are
picked, ``load_columns``): a page that filters the providers by type or association reads the matrix of all
providers (and of the candidate venues) that ``sozialraum.network.warm`` computed in advance.
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


def family_key(network_id: str, mode: str, params: dict, origins: np.ndarray) -> str:
    """The key of all matrices from ``origins`` (any targets) on one network, mode and parameters."""
    return key(network_id, mode, params, origins, np.zeros((0, 2)))[:20]


def _rounded(targets) -> np.ndarray:
    return np.ascontiguousarray(np.round(np.asarray(targets, dtype="float64").reshape(-1, 2), 7))


def targets_key(targets) -> str:
    a = _rounded(targets)
    return hashlib.sha256(str(a.shape).encode() + a.tobytes()).hexdigest()[:16]


def load_columns(folder: Path, family: str, targets, budget_min: float) -> sparse.csr_matrix | None:
    """The cached matrix from the family's origins to ``targets``: saved for exactly these targets, or the columns
    of a matrix saved for a superset of them (smallest budget ≥ ``budget_min``); None when there is none."""
    folder = Path(folder)
    hit = load(folder, f"{family}-{targets_key(targets)}", budget_min)
    if hit is not None or not folder.exists():
        return hit
    want = [tuple(r) for r in _rounded(targets).tolist()]
    for tpath in sorted(folder.glob(f"{family}-*.targets.npy")):
        try:
            have = np.load(tpath)
        except (OSError, ValueError):
            continue
        index = {}
        for j, r in enumerate(have.tolist()):
            index.setdefault(tuple(r), j)
        cols = [index.get(r) for r in want]
        if any(c is None for c in cols):
            continue
        m = load(folder, tpath.name[: -len(".targets.npy")], budget_min)
        if m is None:
            continue
        out = m[:, np.asarray(cols, dtype=np.int64)].tocsr()
        out.sort_indices()
        return out
    return None


def save_columns(folder: Path, family: str, targets, budget_min: float, matrix: sparse.csr_matrix) -> None:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    k = f"{family}-{targets_key(targets)}"
    tpath = folder / f"{k}.targets.npy"
    if not tpath.exists():
        tmp = folder / f".{k}.tmp.npy"
        np.save(tmp, _rounded(targets))
        tmp.replace(tpath)
    save(folder, k, budget_min, matrix)


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


def prune(folder: Path, max_mb: float) -> int:
    """Delete the oldest matrices (by modification time) until ``folder`` holds at most ``max_mb``; the number of
    matrices deleted (a deleted matrix is computed again when it is needed)."""
    folder = Path(folder)
    files = sorted(folder.glob("*.npz"), key=lambda p: p.stat().st_mtime, reverse=True) if folder.exists() else []
    total, removed = 0, 0
    for path in files:
        total += path.stat().st_size
        if total > max_mb * 1024 * 1024:
            path.unlink(missing_ok=True)
            removed += 1
    live = {p.name.rsplit("_", 1)[0] for p in folder.glob("*.npz")} if folder.exists() else set()
    for tpath in folder.glob("*.targets.npy") if folder.exists() else ():
        if tpath.name[: -len(".targets.npy")] not in live:
            tpath.unlink(missing_ok=True)
    return removed
