"""Catchment polygons on the network: the cells of the demand grid from which a provider is within the budget.

OSRM gives no isochrones, but the reach matrix (demand points × providers) already says which demand points reach
each provider; the union of their grid cells is the provider's catchment where people live (parks, industry and
water without demand points stay outside — unlike a circle, which covers them).
"""

from __future__ import annotations

import numpy as np
from scipy import sparse


def catchment_polygons(reach, demand_xy, cell_m: float) -> list:
    """Per target column of ``reach`` (sparse, demand × targets): the union of the ``cell_m`` squares around the
    demand points that reach it (shapely geometry in the demand points' CRS), or None when none does."""
    import shapely
    from shapely.ops import unary_union

    reach = sparse.csc_matrix(reach)
    xy = np.asarray(demand_xy, dtype="float64")
    half = float(cell_m) / 2.0 * 1.001  # a hair of overlap so neighbouring cells merge
    out = []
    for j in range(reach.shape[1]):
        rows = reach.indices[reach.indptr[j]:reach.indptr[j + 1]]
        if not len(rows):
            out.append(None)
            continue
        p = xy[rows]
        boxes = shapely.box(p[:, 0] - half, p[:, 1] - half, p[:, 0] + half, p[:, 1] + half)
        out.append(unary_union(boxes).simplify(cell_m / 4.0))
    return out


def catchments_frame(reach, demand_xy, cell_m: float, targets, crs):
    """GeoDataFrame (WGS84) of the targets' catchments: the targets' columns (e.g. service_type, name) + geometry;
    targets without any reached demand point are left out."""
    import geopandas as gpd

    polys = catchment_polygons(reach, demand_xy, cell_m)
    keep = [i for i, g in enumerate(polys) if g is not None]
    frame = targets.iloc[keep].drop(columns=[c for c in ("geometry",) if c in targets.columns]).reset_index(drop=True)
    return gpd.GeoDataFrame(frame, geometry=[polys[i] for i in keep], crs=crs).to_crs(4326)
