"""Level ranks follow the parent links, and a key that belongs to another source gives a German message."""

from __future__ import annotations

import pytest

from sozialraum.errors import InputError
from sozialraum.store.write import level_ranks


def test_level_ranks_from_parent_links():
    got = level_ranks([("teil", "bezirk", "teil", 0), ("bezirk", None, "bezirk", 0), ("block", "teil", "block", -1),
                       ("allein", None, "allein", -3)])
    assert got == {"block": ("bezirk", 0), "teil": ("bezirk", 1), "bezirk": ("bezirk", 2), "allein": ("allein", 0)}
    # branches of different depth: a parent sits one above its highest child
    got = level_ranks([("a", None, "h", 5), ("b", "a", "x", 0), ("c", "b", "y", 0), ("d", "a", "z", 0)])
    assert got == {"a": ("h", 2), "b": ("h", 1), "c": ("h", 0), "d": ("h", 0)}
    # a cycle does not hang
    assert set(level_ranks([("p", "q", "p", 0), ("q", "p", "q", 0)])) == {"p", "q"}


def _areas(level, keys, parent=None):
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import box

    gdf = gpd.GeoDataFrame({"level": level, "area_key": keys, "name": keys,
                            "parent_key": [parent.get(k) if parent else None for k in keys]},
                           geometry=[box(500_000 + i * 100, 5_700_000, 500_100 + i * 100, 5_700_100)
                                     for i in range(len(keys))], crs="EPSG:25832")
    levels = pd.DataFrame([{"level": level, "label": level.title(), "hierarchy": level, "rank": 0,
                            "parent_level": "bezirk" if parent else None}])
    return levels, gdf


def test_store_ranks_a_level_imported_under_its_parent():
    from sozialraum.store import SourceInfo, connect, read, replace_source
    from sozialraum.store.write import Batch

    con = connect(":memory:")
    lv, gdf = _areas("bezirk", ["N"])
    replace_source(con, SourceInfo("bez", "Bezirke"), Batch(levels=lv, areas=gdf))
    lv, gdf = _areas("teil", ["N1", "N2"], parent={"N1": "N", "N2": "N"})
    replace_source(con, SourceInfo("teile", "Teile"), Batch(levels=lv, areas=gdf))
    levels = read.levels(con).set_index("level")
    assert levels.loc["teil", "rank"] == 0 and levels.loc["bezirk", "rank"] == 1
    assert set(levels["hierarchy"]) == {"bezirk"}


def test_key_of_another_source_is_named_in_german():
    from sozialraum.store import SourceInfo, connect, replace_source
    from sozialraum.store.write import Batch

    con = connect(":memory:")
    lv, gdf = _areas("bezirk", ["N", "S"])
    replace_source(con, SourceInfo("bez", "Bezirke 2020", files=("bezirke.geojson",)), Batch(levels=lv, areas=gdf))
    before = con.execute("SELECT count(*) FROM areas").fetchone()
    lv, gdf = _areas("bezirk", ["S"])
    with pytest.raises(InputError) as exc:
        replace_source(con, SourceInfo("bez2", "Bezirke neu", files=("neu.geojson",)), Batch(levels=lv, areas=gdf))
    text = str(exc.value)
    assert "Gebietsebene 'bezirk' gehört schon zur Quelle 'bez' („Bezirke 2020“)" in text
    assert "Gebiet 'S' auf Ebene 'bezirk'" in text and "Städte & Datenstände" in text
    assert "Constraint" not in text and "Duplicate" not in text
    assert exc.value.problems[0].file == "neu.geojson"
    assert con.execute("SELECT count(*) FROM areas").fetchone() == before
    assert con.execute("SELECT source_id FROM sources ORDER BY 1").fetchall() == [("bez",)]


def test_value_of_another_source_is_named_in_german():
    import pandas as pd

    from sozialraum.store import SourceInfo, connect, replace_source
    from sozialraum.store.write import Batch

    con = connect(":memory:")
    lv, gdf = _areas("bezirk", ["N", "S"])
    replace_source(con, SourceInfo("bez", "Bezirke"), Batch(levels=lv, areas=gdf))

    def obs(value):
        return pd.DataFrame({"level": "bezirk", "area_key": ["N"], "indicator": "ew_gesamt", "period": "2024",
                             "value": [value], "numerator": [float("nan")], "denominator": [float("nan")],
                             "flag": [None]})

    replace_source(con, SourceInfo("atlas", "Sozialatlas 2024"), Batch(observations=obs(1000.0)))
    with pytest.raises(InputError) as exc:
        replace_source(con, SourceInfo("atlas_neu", "Sozialatlas neu", files=("neu.csv",)),
                       Batch(observations=obs(1200.0)))
    (problem,) = exc.value.problems
    assert problem.problem.startswith("Wert 'ew_gesamt' für Gebiet 'N' (Ebene 'bezirk'), Zeitraum 2024 gehört schon "
                                      "zur Quelle 'atlas' („Sozialatlas 2024“)")
    assert "unter der Kennung 'atlas' laden" in problem.problem
    assert con.execute("SELECT value, source_id FROM observations WHERE NOT derived").fetchall() == [(1000.0, "atlas")]
