"""A small "foreign" city that the project's own code did not shape: the layout a planner brings along.

- Levels ``bezirk`` (2) → ``stadtteil`` (7) → ``ortsteil`` (25), keys ``01`` / ``0101`` / ``010101``;
  alphabetically the coarsest level (Bezirk) comes first, the finest with data is ``ortsteil``.
- Ortsteile are 1,5 km squares on a 6 × 4 grid (EPSG:25832), plus one island Ortsteil ``010701`` (its own
  Stadtteil ``0107``, Bezirk 01) 100 km north of the city: it must stay reachable without setting the zoom.
- Period 2024: published rates only (``sgb2_quote``, ``kinderarmut`` as the statistical office prints them,
  no counts behind them, no ``rlb``), residents ``ew_gesamt`` for all Ortsteile but three (``010102``,
  ``010302``, ``020201`` — children of three different Stadtteile), ``bg`` counts (but no ``rlb``, ``elb``, ``nef``), one Ortsteil with 150
  residents (``020301``), one rate printed as "." (``020102`` sgb2_quote missing).
- Period 2022: published ``sgb2_quote`` for every Ortsteil but ``010201`` and ``020302``; no kinderarmut.

Answers by hand: the 2024 need index on Ortsteil scores the Ortsteile with both rates, known residents ≥ 300
(25 − 3 unknown residents − 1 small − 1 missing rate = 20); the dynamics cannot be scored (kinderarmut has
no 2022 values); Stadtteil and Bezirk have no rates in 2024 (only the finest level has published rates) and
3 of 7 Stadtteile have no residents because a child lacks them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

EPSG = 25832
ORIGIN = (480_000.0, 5_880_000.0)
SIZE = 1500.0
ISLAND_OFFSET = 100_000.0  # metres north of the city
NO_RESIDENTS = ("010102", "010302", "020201")
SMALL = "020301"
DOT_RATE = "020102"
NO_2022 = ("010201", "020302")
ISLAND = "010701"


def _layout() -> pd.DataFrame:
    """Ortsteile: key, name, stadtteil, bezirk, (col, row)."""
    rows = []
    # Bezirk 01 north (grid rows 2-3), Bezirk 02 south (rows 0-1); Stadtteil = 2×2 block of Ortsteile
    for col in range(6):
        for row in range(4):
            bezirk = 1 if row >= 2 else 2
            st_no = col // 2 + 1
            within = (row % 2) * 2 + col % 2 + 1
            key = f"{bezirk:02d}{st_no:02d}{within:02d}"
            rows.append((key, f"Ortsteil {key}", key[:4], key[:2], col, row))
    rows.append((ISLAND, "Insel Sandwerder", "0107", "01", None, None))
    return pd.DataFrame(rows, columns=["area_key", "name", "stadtteil", "bezirk", "col", "row"])


def city_areas():
    import geopandas as gpd
    from shapely.geometry import box
    from shapely.ops import unary_union

    x0, y0 = ORIGIN
    ot = _layout()
    geoms = []
    for r in ot.itertuples():
        if r.area_key == ISLAND:
            cx, cy = x0 + 3 * SIZE, y0 + ISLAND_OFFSET
            geoms.append(box(cx, cy, cx + 800, cy + 500))
        else:
            geoms.append(box(x0 + r.col * SIZE, y0 + r.row * SIZE, x0 + (r.col + 1) * SIZE,
                             y0 + (r.row + 1) * SIZE))
    ot = ot.assign(geometry=geoms)
    rows = [("ortsteil", r.area_key, r.name, r.stadtteil, r.geometry) for r in ot.itertuples()]
    for key, part in ot.groupby("stadtteil"):
        name = "Insel Sandwerder" if key == "0107" else f"Stadtteil {key}"
        rows.append(("stadtteil", key, name, key[:2], unary_union(list(part.geometry))))
    for key, part in ot.groupby("bezirk"):
        rows.append(("bezirk", key, {"01": "Nord", "02": "Süd"}[key], None, unary_union(list(part.geometry))))
    return gpd.GeoDataFrame(pd.DataFrame(rows, columns=["level", "area_key", "name", "parent_key", "geometry"]),
                            geometry="geometry", crs=f"EPSG:{EPSG}")


def city_levels() -> pd.DataFrame:
    # as three separate `sozialraum import-areas` calls leave them: each level its own system, rank 0, only the
    # parent level links them (so the levels sort alphabetically: Bezirk first)
    return pd.DataFrame({"level": ["bezirk", "stadtteil", "ortsteil"],
                         "label": ["Bezirk", "Stadtteil", "Ortsteil"], "hierarchy": ["bezirk", "stadtteil", "ortsteil"],
                         "rank": [0, 0, 0], "parent_level": [None, "bezirk", "stadtteil"]})


def city_observations() -> pd.DataFrame:
    ot = _layout()
    rows = []
    for i, key in enumerate(ot["area_key"]):
        base = 4.0 + (i * 7) % 17  # 4 … 20 %
        ew = 150.0 if key == SMALL else 1000.0 + 137 * i
        if key not in NO_RESIDENTS:
            rows.append((key, "ew_gesamt", "2024", ew, None))
        rows.append((key, "bg", "2024", round(ew * base / 250), None))  # a count, but no rlb/elb/nef
        if key == DOT_RATE:
            rows.append((key, "sgb2_quote", "2024", np.nan, "missing"))
        else:
            rows.append((key, "sgb2_quote", "2024", base, None))
        rows.append((key, "kinderarmut", "2024", round(base * 1.6 + (i % 3), 1), None))
        if key not in NO_2022:
            rows.append((key, "sgb2_quote", "2022", base - 0.5 + (i % 4) * 0.4, None))
    frame = pd.DataFrame(rows, columns=["area_key", "indicator", "period", "value", "flag"])
    return frame.assign(level="ortsteil", numerator=np.nan, denominator=np.nan)[
        ["level", "area_key", "indicator", "period", "value", "numerator", "denominator", "flag"]]


def city_batch():
    from sozialraum.store.write import Batch, SourceInfo

    source = SourceInfo("sandstadt", "Sandstadt – Stadtteilprofile (Testdaten)", publisher="Tests",
                        licence="CC0", attribution="Testdaten Sandstadt", fictional=False)
    return source, Batch(levels=city_levels(), areas=city_areas(), observations=city_observations())


def build_city_store(path: str | Path) -> Path:
    from sozialraum.store import connect
    from sozialraum.store.write import replace_source

    path = Path(path)
    con = connect(path)
    replace_source(con, *city_batch())
    con.close()
    return path
