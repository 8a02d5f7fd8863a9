"""Travel-time matrices on a built network, only for pairs that can lie within the budget.

A pair farther apart in a straight line than the mode's fastest speed × budget cannot be within the budget, so
the engine is asked only about tiles of origins and the targets around them (a KD-tree on a local metric
projection). Minutes = engine seconds rescaled to the chosen speed + the way from each point to the street it was
placed on (at walking speed), or a direct walk (straight × 1.3) to a target nearer than the streets: network
minutes are never below straight-line minutes at the mode's fastest speed.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

DIRECT_DETOUR = 1.3  # a straight walk off the streets (only to targets nearer than the streets)
MAX_BLOCK = 2000  # origins per engine call (bounds memory of one Table response)


def local_xy(lonlat: np.ndarray, lon0: float, lat0: float) -> np.ndarray:
    """Equirectangular metres around (lon0, lat0): accurate to well under 1 % within a Kreis."""
    lonlat = np.asarray(lonlat, dtype="float64").reshape(-1, 2)
    return np.c_[(lonlat[:, 0] - lon0) * 111_320.0 * np.cos(np.radians(lat0)), (lonlat[:, 1] - lat0) * 110_574.0]


def budget_matrix(table, origins_ll: np.ndarray, targets_ll: np.ndarray, budget_min: float, *, scale: float,
                  access_m_per_min: float, max_m_per_min: float) -> sparse.csr_matrix:
    """Sparse minutes (origins × targets) for every pair within ``budget_min``.

    ``table(src_ll, dst_ll) -> (seconds, metres, snap_src_m, snap_dst_m)`` is the engine; ``scale`` rescales its
    seconds to the chosen speed; ``access_m_per_min`` is the speed on the way to and from the street;
    ``max_m_per_min`` the mode's fastest speed (only pairs within that straight-line reach are asked).
    """
    from scipy.spatial import cKDTree

    from sozialraum.access.travel import _dedupe

    n, m = len(origins_ll), len(targets_ll)
    shape = (n, m)
    if not n or not m or budget_min < 0:
        return sparse.csr_matrix(shape, dtype="float64")
    both = np.concatenate([origins_ll, targets_ll])
    lon0, lat0 = float(np.mean(both[:, 0])), float(np.mean(both[:, 1]))
    oxy, txy = local_xy(origins_ll, lon0, lat0), local_xy(targets_ll, lon0, lat0)
    reach = budget_min * max_m_per_min * 1.01 + 1.0
    # Tiles of ORIGINS, each asked once against the targets near its tile: every origin is searched from once
    # (the engine's cost grows with the number of searches), targets (few) are repeated in neighbouring tiles.
    cell = max(reach, 250.0)
    tree = cKDTree(txy)
    keys = np.floor(oxy / cell).astype(np.int64)
    order = np.lexsort((keys[:, 1], keys[:, 0]))
    ks = keys[order]
    cuts = np.flatnonzero(np.any(ks[1:] != ks[:-1], axis=1)) + 1
    rows, cols, vals = [], [], []
    for group in np.split(order, cuts):
        centre = (keys[group[0]] + 0.5) * cell
        near = np.sort(np.asarray(tree.query_ball_point(centre, reach + cell * 0.7072), dtype=np.int64))
        if not len(near):
            continue
        for start in range(0, len(group), MAX_BLOCK):
            src = group[start:start + MAX_BLOCK]
            secs, _metres, snap_s, snap_t = table(origins_ll[src], targets_ll[near])
            minutes = secs / 60.0 * scale + (snap_s[:, None] + snap_t[None, :]) / access_m_per_min
            # a target nearer than the streets (same point, same park): walk there directly, straight × 1.3
            direct = np.hypot(oxy[src, None, 0] - txy[None, near, 0], oxy[src, None, 1] - txy[None, near, 1])
            off_street = direct * DIRECT_DETOUR <= snap_s[:, None] + snap_t[None, :]
            minutes = np.where(off_street, np.fmin(direct * DIRECT_DETOUR / access_m_per_min, minutes), minutes)
            r, c = np.nonzero(minutes <= budget_min)  # NaN (no route) compares False
            rows.append(src[r])
            cols.append(near[c])
            vals.append(minutes[r, c])
    if not rows:
        return sparse.csr_matrix(shape, dtype="float64")
    return _dedupe(np.concatenate(rows), np.concatenate(cols), np.concatenate(vals), shape)
