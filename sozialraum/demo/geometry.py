"""Irregular nested areas: fine Voronoi blocks grown into Planungsräume, Stadtteile and Regionen.

The city is tiled into a few thousand small Voronoi blocks (denser where more people live). Each level is a
partition of the blocks grown from seeds by a multi-source shortest-path search over the block adjacency graph,
so every area is contiguous by construction; coarser areas are grown *within* their parent, so nesting is
exact, and every shape is the union of its blocks.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np

from sozialraum.demo.plan import CityPlan

GRID = 0.01  # coordinate precision (m) shared by every union, so shared edges match exactly


@dataclass(frozen=True)
class Blocks:
    geoms: np.ndarray  # shapely Polygons
    xy: np.ndarray  # (n, 2) centroids
    area_km2: np.ndarray
    density: np.ndarray  # residents per km² from the plan
    neighbours: tuple[np.ndarray, ...]  # neighbour indices per block
    costs: tuple[np.ndarray, ...]  # edge costs aligned with neighbours


def make_blocks(plan: CityPlan, rng: np.random.Generator, n: int = 3200) -> Blocks:
    """Voronoi blocks of ``n`` seeds drawn with probability ~ sqrt(density), clipped to the outline."""
    import shapely

    outline = plan.outline()
    xmin, ymin, xmax, ymax = outline.bounds
    pts = np.zeros((0, 2))
    while len(pts) < n:
        cand = np.column_stack([rng.uniform(xmin, xmax, 4 * n), rng.uniform(ymin, ymax, 4 * n)])
        cand = cand[shapely.contains_xy(outline, cand[:, 0], cand[:, 1])]
        w = np.sqrt(plan.density(cand[:, 0], cand[:, 1]) + 600.0)
        keep = rng.uniform(0, w.max(), len(cand)) < w
        pts = np.vstack([pts, cand[keep]])
    pts = pts[:n]
    cells = shapely.voronoi_polygons(shapely.multipoints(pts), extend_to=outline.envelope.buffer(1000),
                                     ordered=True)
    cells = shapely.get_parts(cells)
    shapely.prepare(outline)
    edge = ~shapely.within(cells, outline)
    cells[edge] = shapely.intersection(cells[edge], outline)
    cells = shapely.set_precision(cells, GRID)
    cells = np.array([_largest_part(c) for c in cells], dtype=object)
    cells = cells[(~shapely.is_empty(cells)) & (shapely.area(cells) > 1.0)]
    cells = cells[_main_component(cells)]  # drop slivers cut off by a ragged edge
    xy = shapely.get_coordinates(shapely.centroid(cells))
    area_km2 = shapely.area(cells) / 1e6
    density = plan.density(xy[:, 0], xy[:, 1])
    i, j = _edges(cells)
    neighbours, costs = _adjacency(i, j, len(cells), xy, density, rng)
    return Blocks(cells, xy, area_km2, density, neighbours, costs)


def _main_component(cells) -> np.ndarray:
    """Mask of the blocks in the largest edge-connected group."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    i, j = _edges(cells)
    n = len(cells)
    _, comp = connected_components(coo_matrix((np.ones(len(i)), (i, j)), shape=(n, n)), directed=False)
    return comp == np.argmax(np.bincount(comp))


def _largest_part(geom):
    import shapely

    if geom.geom_type == "Polygon":
        return geom
    parts = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon"]
    return max(parts, key=lambda p: p.area) if parts else shapely.Polygon()


def _edges(cells) -> tuple[np.ndarray, np.ndarray]:
    """Pairs i < j of blocks sharing an edge (two common vertices on the precision grid)."""
    import pandas as pd
    import shapely

    coords, owner = shapely.get_coordinates(cells, return_index=True)
    _, vertex = np.unique(np.round(coords / GRID).astype(np.int64), axis=0, return_inverse=True)
    pairs = pd.DataFrame({"v": vertex.ravel(), "c": owner}).drop_duplicates()
    both = pairs.merge(pairs, on="v")
    both = both[both.c_x < both.c_y]
    shared = both.groupby(["c_x", "c_y"]).size()
    shared = shared[shared >= 2]
    return shared.index.get_level_values(0).to_numpy(), shared.index.get_level_values(1).to_numpy()


def _adjacency(i, j, n, xy, density, rng):
    """Neighbour lists with edge costs = centroid distance × sqrt(density) × jitter; the jitter makes the
    boundaries irregular, the density term makes areas in dense quarters smaller."""
    dist = np.hypot(*(xy[i] - xy[j]).T)
    cost = dist * np.sqrt(0.5 * (density[i] + density[j]) + 400.0) * rng.uniform(0.7, 1.5, len(i))
    order = np.lexsort((np.concatenate([j, i]), np.concatenate([i, j])))
    src = np.concatenate([i, j])[order]
    dst = np.concatenate([j, i])[order]
    cst = np.concatenate([cost, cost])[order]
    starts = np.searchsorted(src, np.arange(n + 1))
    neighbours = tuple(dst[starts[k]:starts[k + 1]] for k in range(n))
    costs = tuple(cst[starts[k]:starts[k + 1]] for k in range(n))
    return neighbours, costs


def grow(blocks: Blocks, seeds: list[int], allowed: np.ndarray | None = None,
         factors: list[float] | None = None) -> np.ndarray:
    """Label each allowed block with the index of the seed that reaches it first (multi-source Dijkstra).

    A block is claimed from a neighbour with the same label, so every label is a contiguous set of blocks.
    ``factors`` scale each seed's costs (a larger factor gives a smaller area). Unreached blocks keep -1.
    """
    n = len(blocks.geoms)
    allowed = np.ones(n, dtype=bool) if allowed is None else allowed
    factors = [1.0] * len(seeds) if factors is None else factors
    label = np.full(n, -1, dtype=int)
    heap = [(0.0, s, k) for k, s in enumerate(seeds)]
    heapq.heapify(heap)
    while heap:
        d, node, k = heapq.heappop(heap)
        if label[node] >= 0:
            continue
        label[node] = k
        for nb, c in zip(blocks.neighbours[node], blocks.costs[node]):
            if allowed[nb] and label[nb] < 0:
                heapq.heappush(heap, (d + c * factors[k], int(nb), k))
    return label


def spread_seeds(blocks: Blocks, members: np.ndarray, weights: np.ndarray, k: int,
                 rng: np.random.Generator, fixed: list[int] = (), iterations: int = 12) -> list[int]:
    """``k`` well-spread seed blocks among ``members``: weighted k-means, then the nearest distinct blocks.

    ``fixed`` blocks are seeds already (e.g. special zones); they count towards ``k`` and stay put.
    """
    fixed = list(fixed)
    free = k - len(fixed)
    if free <= 0:
        return fixed[:k]
    xy = blocks.xy[members]
    w = weights[members] + 1e-9
    centres = xy[rng.choice(len(members), size=free, replace=False, p=w / w.sum())]
    anchors = blocks.xy[fixed] if fixed else np.zeros((0, 2))
    for _ in range(iterations):
        allc = np.vstack([anchors, centres])
        nearest = np.argmin(((xy[:, None, :] - allc[None, :, :]) ** 2).sum(-1), axis=1)
        for c in range(free):
            sel = nearest == len(anchors) + c
            if sel.any():
                centres[c] = (xy[sel] * w[sel, None]).sum(0) / w[sel].sum()
    chosen = list(fixed)
    for c in centres:
        order = np.argsort(((xy - c) ** 2).sum(1))
        for idx in order:
            if members[idx] not in chosen:
                chosen.append(int(members[idx]))
                break
    return chosen


def nearest_block(blocks: Blocks, x: float, y: float, members: np.ndarray | None = None) -> int:
    members = np.arange(len(blocks.geoms)) if members is None else members
    d = (blocks.xy[members, 0] - x) ** 2 + (blocks.xy[members, 1] - y) ** 2
    return int(members[np.argmin(d)])


def union_by_label(geoms: np.ndarray, label: np.ndarray, n: int) -> np.ndarray:
    """Union of the geometries of each label 0..n-1 on the shared precision grid."""
    import shapely

    order = np.argsort(label, kind="stable")
    starts = np.searchsorted(label[order], np.arange(n + 1))
    out = []
    for k in range(n):
        parts = geoms[order[starts[k]:starts[k + 1]]]
        union = shapely.coverage_union_all(parts)  # fast: the blocks tile the city edge to edge
        if not union.is_valid or union.geom_type != "Polygon":
            union = shapely.union_all(parts, grid_size=GRID)
        out.append(union)
    return np.array(out, dtype=object)


def allocate(total: int, shares: np.ndarray, minimum: int, maximum: int | None = None) -> np.ndarray:
    """Integer counts summing to ``total`` proportional to ``shares`` with bounds (largest remainder)."""
    shares = np.asarray(shares, dtype=float)
    raw = shares / shares.sum() * total
    counts = np.clip(np.floor(raw).astype(int), minimum, maximum if maximum is not None else total)
    while counts.sum() != total:
        gap = raw - counts
        if counts.sum() < total:
            ok = counts < (maximum if maximum is not None else total)
            counts[np.flatnonzero(ok)[np.argmax(gap[ok])]] += 1
        else:
            ok = counts > minimum
            counts[np.flatnonzero(ok)[np.argmin(gap[ok])]] -= 1
    return counts
