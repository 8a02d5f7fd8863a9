"""Demand points: the target group of each area spread over a regular grid clipped to the area.

Areas are coarse: a big Planungsraum half inside a walking radius is neither in nor out. So each area's count
(all SGB II recipients, under-25s, single parents, …) is split over points of a regular grid (``spacing_m``,
one global grid aligned to multiples of the spacing, points at cell centres) that fall inside the area. An area
too small to hold a grid point gets one point at its representative point (always inside the polygon).

Weights: equal shares by default. With a residential-land layer, each point's share is the residential land
inside its grid cell and inside the area; if an area has no residential land at all, equal shares are used.
The weights of an area always add up to the area's count exactly (the remainder of floating-point division is
put on the area's largest point). Areas without a count (NaN) get weight 0 and are listed in
``.attrs["ohne_gewicht"]``.

The weights given here must be safe to publish through every figure derived from them: on a store they come
from ``sozialraum.access.present.safe_counts`` (published counts, suppressed cells replaced by a stand-in
computed from published numbers), never from the raw counts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sozialraum.errors import InputError

COLUMNS = ["point_id", "area_key", "x", "y", "weight"]


def grid_in_polygon(geom, spacing_m: float) -> np.ndarray:
    """(n, 2) cell-centre points of the global ``spacing_m`` grid inside ``geom``; the representative point
    when none falls inside."""
    import shapely

    minx, miny, maxx, maxy = geom.bounds
    s = float(spacing_m)
    xs = np.arange(np.floor(minx / s) * s + s / 2, maxx, s)
    ys = np.arange(np.floor(miny / s) * s + s / 2, maxy, s)
    if len(xs) and len(ys):
        gx, gy = np.meshgrid(xs, ys)
        gx, gy = gx.ravel(), gy.ravel()
        shapely.prepare(geom)
        inside = shapely.contains_xy(geom, gx, gy)
        if inside.any():
            return np.column_stack([gx[inside], gy[inside]])
    rp = geom.representative_point()
    return np.array([[rp.x, rp.y]])


def split_weight(total: float, shares) -> np.ndarray:
    """Split ``total`` over points in proportion to ``shares`` (equal if all are 0); sums to ``total`` exactly
    up to the last bit (the remainder goes to the largest share)."""
    shares = np.asarray(shares, dtype="float64")
    if not len(shares):
        return shares
    if not np.isfinite(total) or total == 0:
        return np.zeros(len(shares))
    if not (shares > 0).any():
        shares = np.ones(len(shares))
    w = total * shares / shares.sum()
    big = int(np.argmax(shares))
    for _ in range(4):  # put the rounding remainder on the largest point until the sum is exact
        rest = total - w.sum()
        if rest == 0:
            break
        w[big] += rest
    return w


def _residential_shares(points: np.ndarray, geom, residential, spacing_m: float) -> np.ndarray:
    import shapely

    h = spacing_m / 2
    cells = shapely.box(points[:, 0] - h, points[:, 1] - h, points[:, 0] + h, points[:, 1] + h)
    land = shapely.intersection(geom, residential)
    if land.is_empty:
        return np.zeros(len(points))
    return shapely.area(shapely.intersection(cells, land))


def demand_points(areas_gdf, weights, spacing_m: float | None = None, *, key: str = "area_key",
                  residential=None) -> pd.DataFrame:
    """Frame ``point_id, area_key, x, y, weight`` (x/y in the areas' metric CRS).

    ``weights``: mapping or Series area_key → count of the target group. ``residential``: optional
    GeoDataFrame of residential-land polygons (same CRS) that steers the split inside each area.
    """
    import shapely

    if spacing_m is None:
        from sozialraum.settings import default

        spacing_m = default("demand_grid_m")
    if not spacing_m or spacing_m <= 0:
        raise ValueError("Rasterweite der Nachfragepunkte muss positiv sein")
    _check_metric(areas_gdf, "Gebiete")
    if key not in areas_gdf.columns:
        raise InputError(f"Gebiete: Spalte {key!r} fehlt", file=None)
    res_union = None
    if residential is not None:
        _check_metric(residential, "Wohnbauflächen")
        if residential.crs != areas_gdf.crs:
            raise InputError(f"Wohnbauflächen: CRS {residential.crs} passt nicht zu den Gebieten ({areas_gdf.crs})")
        res_union = shapely.union_all(residential.geometry.values)
    counts = pd.Series(weights, dtype="float64") if not isinstance(weights, pd.Series) else weights.astype("float64")
    counts.index = counts.index.astype(str)
    keys, xs, ys, ws, no_weight = [], [], [], [], []
    for area_key, geom in zip(areas_gdf[key].astype(str), areas_gdf.geometry.values):
        if geom is None or geom.is_empty:
            continue
        pts = grid_in_polygon(geom, spacing_m)
        total = counts.get(area_key, np.nan)
        if not np.isfinite(total):
            no_weight.append(area_key)
            total = 0.0
        shares = (_residential_shares(pts, geom, res_union, spacing_m) if res_union is not None and len(pts) > 1
                  else np.ones(len(pts)))
        keys.append(np.full(len(pts), area_key, dtype=object))
        xs.append(pts[:, 0])
        ys.append(pts[:, 1])
        ws.append(split_weight(float(total), shares))
    # one frame at the end (a frame per area cost most of the time at 542 areas)
    out = (pd.DataFrame({"area_key": np.concatenate(keys), "x": np.concatenate(xs), "y": np.concatenate(ys),
                         "weight": np.concatenate(ws)}) if keys else pd.DataFrame(columns=COLUMNS[1:]))
    out.insert(0, "point_id", np.arange(len(out)))
    out.attrs["ohne_gewicht"] = no_weight
    out.attrs["crs"] = str(areas_gdf.crs)
    return out[COLUMNS]


def _check_metric(gdf, what: str) -> None:
    if getattr(gdf, "crs", None) is None:
        raise InputError(f"{what}: kein Koordinatenbezugssystem (CRS) angegeben")
    if not gdf.crs.is_projected:
        raise InputError(f"{what}: erwartet ein metrisches CRS (z. B. EPSG:25832), erhalten {gdf.crs}")
