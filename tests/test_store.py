"""The store on the 3×3 grid: all-or-nothing writes, re-imports replace, counts roll up, rates re-derive."""

import pandas as pd
import pytest

from sozialraum.errors import InputError
from sozialraum.store import SourceInfo, Batch, replace_source
from sozialraum.testing import grid_batch


def _obs(values: dict[str, tuple[float, float]], period="2024"):
    rows = []
    for key, (rlb, ew) in values.items():
        rows.append(("zelle", key, "rlb", period, rlb, None, None, None))
        rows.append(("zelle", key, "ew_gesamt", period, ew, None, None, None))
    return pd.DataFrame(rows, columns=["level", "area_key", "indicator", "period", "value", "numerator",
                                       "denominator", "flag"])


CELLS = {f"r{r}c{c}": (10.0 * (r + 1), 100.0) for r in range(3) for c in range(3)}


def test_counts_roll_up_and_rates_rederive(store):
    source, batch = grid_batch(_obs(CELLS))
    replace_source(store, source, batch)
    # row r has 3 cells of 10*(r+1) recipients and 100 residents -> 30*(r+1) of 300 = 10*(r+1) %
    got = dict(store.execute("SELECT area_key, value FROM observations WHERE level='zeile' AND indicator='rlb'")
               .fetchall())
    assert got == {"row0": 30.0, "row1": 60.0, "row2": 90.0}
    city = store.execute("SELECT value, numerator, denominator FROM observations "
                         "WHERE level='stadt' AND indicator='sgb2_quote'").fetchone()
    # 180 of 900 = 20 %, not the mean of cell rates computed any other way
    assert city == (pytest.approx(20.0), 180.0, 900.0)
    assert store.execute("SELECT value FROM observations WHERE area_key='r2c1' AND indicator='sgb2_quote'"
                         ).fetchone()[0] == pytest.approx(30.0)


def test_reimport_replaces_not_duplicates(store):
    source, batch = grid_batch(_obs(CELLS))
    replace_source(store, source, batch)
    n1 = store.execute("SELECT count(*) FROM observations").fetchone()[0]
    replace_source(store, source, batch)
    assert store.execute("SELECT count(*) FROM observations").fetchone()[0] == n1
    assert store.execute("SELECT count(*) FROM areas").fetchone()[0] == 13


def test_missing_child_makes_parent_missing(store):
    cells = dict(CELLS)
    obs = _obs(cells)
    obs.loc[(obs.area_key == "r0c0") & (obs.indicator == "rlb"), ["value", "flag"]] = [None, "suppressed"]
    source, batch = grid_batch(obs)
    replace_source(store, source, batch)
    row0 = store.execute("SELECT value, flag FROM observations WHERE level='zeile' AND area_key='row0' "
                         "AND indicator='rlb'").fetchone()
    assert row0 == (None, "missing")


def test_unknown_area_key_leaves_store_unchanged(store):
    source, batch = grid_batch(_obs(CELLS))
    replace_source(store, source, batch)
    before = store.execute("SELECT count(*), sum(value) FROM observations").fetchone()
    bad = _obs({"r9c9": (1.0, 10.0)})
    with pytest.raises(InputError, match="r9c9"):
        replace_source(store, SourceInfo("extra", "Extra"), Batch(observations=bad))
    assert store.execute("SELECT count(*), sum(value) FROM observations").fetchone() == before
    assert store.execute("SELECT count(*) FROM sources WHERE source_id='extra'").fetchone()[0] == 0


def test_duplicate_keys_rejected(store):
    source, batch = grid_batch()
    areas = pd.concat([batch.areas, batch.areas.iloc[[0]]])
    with pytest.raises(InputError, match="doppelte Schlüssel"):
        replace_source(store, source, Batch(levels=batch.levels, areas=areas))
    assert store.execute("SELECT count(*) FROM areas").fetchone()[0] == 0


def test_geographic_crs_rejected(store):
    source, batch = grid_batch()
    with pytest.raises(InputError, match="metrisches CRS"):
        replace_source(store, source, Batch(levels=batch.levels, areas=batch.areas.to_crs(4326)))


def test_web_geometry_is_lonlat(store):
    source, batch = grid_batch()
    replace_source(store, source, batch)
    lon, lat = store.execute("SELECT ST_X(ST_Centroid(geom_wgs84)), ST_Y(ST_Centroid(geom_wgs84)) FROM areas "
                             "WHERE area_key='stadt'").fetchone()
    # EPSG:25832 (400 km E, 5600 km N) lies near 7.6° E, 50.5° N
    assert 7 < lon < 8.5 and 50 < lat < 51
