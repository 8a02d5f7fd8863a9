"""Reach polygons ("isochrones") of sites on any travel model: the area from which a site is reached within the
budget, as the travel model itself measures it — so a catchment on a street network follows the bridges, and
the river bank without one stays outside, where a circle would cover it.

How: a square grid of probe points (``spacing_m``) is laid over the disc that the mode can reach at most
(``reach_bound_m``: the network's fastest speed × budget; nothing beyond can be reached), the travel model gives
the minutes from every probe to the site (``travel.minutes(probes, sites, budget)``: the same direction and the
same model as demand → site in coverage and siting), and the grid cells of the reached probes are merged into one
polygon per site. The grid widens with the reach (at least ``reach / CELLS_PER_RADIUS``: a bike's or a car's
catchment is drawn with coarser cells, so each site needs about the same few thousand probes) and can be clipped
to a box (the study area: a car's 15-minute disc reaches far beyond the city on the map).

Public transport (``TransitModel``) is the exception: Valhalla draws multimodal isochrones itself, and the
transit model's own reach is read off those same polygons, so they are used as they are (clipped to the box).

Pure on arrays (coordinates in the store's metric CRS) and a travel model; shapely geometries out.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import sparse

TRANSIT_BOUND_KMH = 80.0  # public transport: no trip within the budget gets farther than this speed allows
CELLS_PER_RADIUS = 25  # the grid is at least reach / 25 wide: about 2,000 probes per site at most


def reach_bound_m(travel, budget_min: float) -> float:
    """Straight-line distance beyond which the travel model cannot reach anything within ``budget_min``."""
    radius = getattr(travel, "radius_m", None)
    if radius is not None and radius(budget_min) is not None:
        return float(radius(budget_min))  # straight-line model: the circle itself
    bound = getattr(travel, "reach_bound_m", None)
    if bound is not None:
        return float(bound(budget_min))
    return float(budget_min) * TRANSIT_BOUND_KMH * 1000.0 / 60.0


def probe_grid(centres_xy, radius_m: float, spacing_m: float) -> np.ndarray:
    """Points of the square grid (multiples of ``spacing_m``) within ``radius_m`` of any centre."""
    from scipy.spatial import cKDTree

    c = np.asarray(centres_xy, dtype="float64").reshape(-1, 2)
    if not len(c) or radius_m <= 0 or spacing_m <= 0:
        return np.empty((0, 2))
    lo = np.floor((c.min(axis=0) - radius_m) / spacing_m)
    hi = np.ceil((c.max(axis=0) + radius_m) / spacing_m)
    xs = np.arange(lo[0], hi[0] + 1) * spacing_m
    ys = np.arange(lo[1], hi[1] + 1) * spacing_m
    gx, gy = np.meshgrid(xs, ys)
    pts = np.c_[gx.ravel(), gy.ravel()]
    near, _ = cKDTree(c).query(pts, k=1, distance_upper_bound=radius_m * (1 + 1e-9))
    return pts[np.isfinite(near)]


def cells_polygon(points_xy, spacing_m: float):
    """The union of the ``spacing_m`` squares centred on the points (shapely), None for no points."""
    import shapely
    from shapely.ops import unary_union

    p = np.asarray(points_xy, dtype="float64").reshape(-1, 2)
    if not len(p):
        return None
    half = float(spacing_m) / 2.0 * 1.001  # a hair of overlap so neighbouring cells merge
    boxes = shapely.box(p[:, 0] - half, p[:, 1] - half, p[:, 0] + half, p[:, 1] + half)
    return unary_union(boxes).simplify(spacing_m / 4.0)


def isochrones(travel, sites_xy, budget_min: float, *, spacing_m: float = 100.0, clip_box=None,
               max_probes: int = 40_000) -> list:
    """Per site (rows of ``sites_xy``, metric CRS): the polygon of grid cells from which the site is reached
    within ``budget_min`` on ``travel``, or None when no probe reaches it. ``clip_box``: (xmin, ymin, xmax, ymax)
    outside which no probe is laid."""
    sites = np.asarray(sites_xy, dtype="float64").reshape(-1, 2)
    if not len(sites):
        return []
    if getattr(travel, "mode", None) == "transit" and hasattr(travel, "depart"):
        return _transit_isochrones(travel, sites, float(budget_min), clip_box)
    bound = reach_bound_m(travel, float(budget_min))
    if not bound > 0:
        return [None] * len(sites)
    spacing = max(float(spacing_m), bound / CELLS_PER_RADIUS)
    # and never more than max_probes over all discs (overlapping discs count twice: a safe upper estimate)
    spacing = max(spacing, math.sqrt(len(sites) * math.pi * (bound + spacing) ** 2 / max(1, int(max_probes))))
    probes = probe_grid(sites, bound + spacing, spacing)
    if clip_box is not None:
        x0, y0, x1, y1 = (float(v) for v in clip_box)
        inside = (probes[:, 0] >= x0) & (probes[:, 0] <= x1) & (probes[:, 1] >= y0) & (probes[:, 1] <= y1)
        probes = probes[inside]
    if not len(probes):
        return [None] * len(sites)
    reach = sparse.csc_matrix(travel.minutes(probes, sites, float(budget_min)))
    out = []
    for j in range(len(sites)):
        rows = reach.indices[reach.indptr[j]:reach.indptr[j + 1]]
        out.append(cells_polygon(probes[rows], spacing) if len(rows) else None)
    return out


def _transit_isochrones(travel, sites: np.ndarray, budget_min: float, clip_box) -> list:
    """Valhalla's multimodal isochrone of each site (departing at the model's time), in the sites' CRS."""
    import shapely
    from pyproj import Transformer

    from sozialraum.network import valhalla_engine

    act = valhalla_engine.actor(travel.network_dir)
    to_xy = Transformer.from_crs(4326, travel.epsg, always_xy=True)
    box = shapely.box(*clip_box) if clip_box is not None else None
    out = []
    for lonlat in travel.lonlat(sites):
        try:
            polys = valhalla_engine.isochrones(act, lonlat, [budget_min], travel.depart, travel.max_walk_m)
        except RuntimeError:  # no street near the site: nothing reaches it
            out.append(None)
            continue
        poly = next(iter(polys.values()), None)
        poly = None if poly is None or poly.is_empty else shapely.transform(
            poly, lambda c: np.column_stack(to_xy.transform(c[:, 0], c[:, 1])))
        if poly is not None and box is not None:
            poly = poly.intersection(box)
        out.append(None if poly is None or poly.is_empty else poly)
    return out
