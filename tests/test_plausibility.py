"""Plausibility at the write boundary on the 3×3 grid: impossible values refused, doubtful ones need confirming."""

import pandas as pd
import pytest

from sozialraum.analysis.confidentiality import published
from sozialraum.errors import InputError
from sozialraum.io.plausibility import PlausibilityWarning, clean_sentinels
from sozialraum.store import replace_source
from sozialraum.store.write import check_sources
from sozialraum.testing import dump_store, grid_batch

COLS = ["level", "area_key", "indicator", "period", "value", "numerator", "denominator", "flag"]
KEYS = [f"r{r}c{c}" for r in range(3) for c in range(3)]


def _obs(rows):
    frame = pd.DataFrame([(lv, k, i, p, v, None, None, None) for lv, k, i, p, v in rows], columns=COLS)
    frame["file"] = "daten.csv"
    frame["row"] = range(2, len(frame) + 2)
    frame["column"] = frame["indicator"].map(lambda i: {"ew_gesamt": "Einwohner", "rlb": "RLB"}.get(i, i))
    return frame


def _grid(values: dict, period="2024", level="zelle"):
    """values: indicator -> list of 9 cell values."""
    return [(level, k, ind, period, v) for ind, vs in values.items() for k, v in zip(KEYS, vs)]


GOOD = {"ew_gesamt": [1000.0] * 9, "rlb": [100.0 + i for i in range(9)]}


def _loaded(store):
    source, batch = grid_batch(_obs(_grid(GOOD)))
    replace_source(store, source, batch)
    return source


def _problems(exc):
    return [str(p) for p in exc.value.problems]


def test_plausible_data_is_written_unflagged(store):
    _loaded(store)
    assert store.execute("SELECT count(*) FROM observations WHERE flag = 'doubtful'").fetchone()[0] == 0


def test_negative_count_is_an_error_naming_file_row_column_value(store):
    values = {**GOOD, "rlb": [100.0] * 8 + [-5.0]}
    source, batch = grid_batch(_obs(_grid(values)))
    with pytest.raises(InputError) as exc:
        replace_source(store, source, batch)
    assert not isinstance(exc.value, PlausibilityWarning)
    text = "\n".join(_problems(exc))
    # rows: 9 ew_gesamt rows (2..10), then rlb r0c0..r2c2 (11..19): r2c2 is row 19
    assert "daten.csv, Zeile 19, Spalte 'RLB': negativer Wert −5" in text
    assert store.execute("SELECT count(*) FROM observations").fetchone()[0] == 0


def test_store_unchanged_on_error(store):
    source = _loaded(store)
    before = dump_store(store)
    bad = {**GOOD, "rlb": [100.0] * 8 + [5000.0]}  # rlb > ew_gesamt
    with pytest.raises(InputError) as exc:
        replace_source(store, source, grid_batch(_obs(_grid(bad)))[1])
    assert "rlb = 5.000 ist größer als ew_gesamt = 1.000" in "\n".join(_problems(exc))
    assert dump_store(store) == before


def test_subgroup_above_total_is_error(store):
    values = {**GOOD, "ew_u15": [100.0] * 4 + [1500.0] + [100.0] * 4}
    source, batch = grid_batch(_obs(_grid(values)))
    with pytest.raises(InputError) as exc:
        replace_source(store, source, batch)
    text = "\n".join(_problems(exc))
    assert "ew_u15 = 1.500 ist größer als ew_gesamt = 1.000" in text and "'r1c1'" in text


def test_rate_above_100_and_numerator_above_denominator(store):
    source, batch = grid_batch(_obs(_grid(GOOD)))
    replace_source(store, source, batch)
    obs = pd.DataFrame([("zelle", "r0c0", "mss_s1", "2024", 500.0, None, None, None),
                        ("zelle", "r0c1", "mss_s1", "2024", 5.0, 12.0, 10.0, None)], columns=COLS)
    from sozialraum.store import Batch, SourceInfo

    with pytest.raises(InputError) as exc:
        replace_source(store, SourceInfo("mss", "MSS", files=("mss.csv",)), Batch(observations=obs))
    text = "\n".join(_problems(exc))
    assert "Quote 500 % liegt außerhalb von 0–100 %" in text
    assert "Zähler 12 ist größer als der Nenner 10" in text
    assert "mss.csv" in text


def test_child_above_given_parent_is_error(store):
    rows = _grid(GOOD) + [("stadt", "stadt", "ew_gesamt", "2024", 900.0)]
    source, batch = grid_batch(_obs(rows))
    with pytest.raises(InputError) as exc:
        replace_source(store, source, batch)
    assert "ist größer als im Obergebiet 'stadt' (stadt) = 900" in "\n".join(_problems(exc))


def test_children_not_adding_up_is_a_warning_then_flagged(store):
    rows = _grid(GOOD) + [("zeile", "row0", "ew_gesamt", "2024", 3500.0)]  # children sum to 3000
    source, batch = grid_batch(_obs(rows))
    before = dump_store(store)
    with pytest.raises(PlausibilityWarning) as exc:
        replace_source(store, source, batch)
    assert "ergeben zusammen 3.000" in "\n".join(_problems(exc)) and "angegeben sind 3.500" in str(exc.value)
    assert dump_store(store) == before
    replace_source(store, source, batch, confirm_warnings=True)
    flag = store.execute("SELECT flag FROM observations WHERE level='zeile' AND area_key='row0' "
                         "AND indicator='ew_gesamt'").fetchone()[0]
    assert flag == "doubtful"
    # the rate built on the doubtful total is doubtful too, and published() keeps the flag
    pub = published(store, "zeile", indicators=["ew_gesamt", "sgb2_quote"])
    got = dict(zip(zip(pub["area_key"], pub["indicator"]), pub["flag"]))
    assert got[("row0", "ew_gesamt")] == "doubtful" and got[("row0", "sgb2_quote")] == "doubtful"
    assert got[("row1", "ew_gesamt")] is None


def test_percentage_column_mapped_to_count_is_a_warning(store):
    values = {"ew_gesamt": [1000.0] * 9, "rlb": [12.5, 13.1, 8.0, 9.2, 10.0, 11.4, 7.7, 6.1, 5.5]}
    obs = _obs(_grid(values))
    obs.loc[obs["indicator"] == "rlb", "column"] = "SGB-II-Quote %"
    source, batch = grid_batch(obs)
    with pytest.raises(PlausibilityWarning) as exc:
        replace_source(store, source, batch)
    assert "Spalte 'SGB-II-Quote %'" in str(exc.value) and "Quote in %" in str(exc.value)


def test_factor_ten_against_other_periods_is_a_warning(store):
    from sozialraum.store import Batch, SourceInfo

    _loaded(store)
    rows = _grid({"ew_gesamt": [1000.0] * 4 + [10000.0] + [1000.0] * 4, "rlb": [100.0] * 9}, period="2025")
    update = (SourceInfo("update", "2025", files=("2025.csv",)), Batch(observations=_obs(rows)))
    with pytest.raises(PlausibilityWarning) as exc:
        replace_source(store, *update)
    text = str(exc.value)
    assert "ew_gesamt = 10.000 weicht stark von den anderen Zeiträumen ab (Median 1.000: 2024)" in text
    report = check_sources(store, [update])
    assert report.doubtful == {("zelle", "r1c1", "ew_gesamt", "2025")} and not report.errors


def test_glued_digits_above_all_others_is_a_warning(store):
    values = {"ew_gesamt": [1000.0] * 8 + [2036643.0]}
    source, batch = grid_batch(_obs(_grid(values)))
    with pytest.raises(PlausibilityWarning) as exc:
        replace_source(store, source, batch)
    assert "größer als alle anderen 8 Gebiete der Ebene zusammen (8.000)" in str(exc.value)


def test_sentinels_become_no_value(store):
    values = {"ew_gesamt": [1000.0] * 7 + [-9999.0, 99999.0], "rlb": [100.0] * 8 + [-1.0]}
    source, batch = grid_batch(_obs(_grid(values)))
    _, notes = clean_sentinels(batch.observations)
    assert len(notes) == 3 and "Wert −9.999 als Platzhalter" in str(notes[0])
    replace_source(store, source, batch)
    rows = store.execute("SELECT area_key, indicator, value, flag FROM observations WHERE level='zelle' "
                         "AND flag IS NOT NULL ORDER BY 1, 2").fetchall()
    assert ("r2c1", "ew_gesamt", None, "missing") in rows and ("r2c2", "rlb", None, "missing") in rows


def test_change_indicator_may_be_minus_one(store):
    obs = _obs(_grid({"ew_gesamt": [1000.0] * 9}) + [("zelle", "r0c0", "mss_d1", "2024", -1.0)])
    cleaned, notes = clean_sentinels(obs)
    assert notes == [] and cleaned["value"].iloc[-1] == -1.0


def test_dry_run_writes_nothing(store):
    values = {**GOOD, "rlb": [100.0] * 8 + [-5.0]}
    source, batch = grid_batch(_obs(_grid(values)))
    before = dump_store(store)
    report = check_sources(store, [(source, batch)])
    assert len(report.errors) == 1 and not report.ok
    assert dump_store(store) == before


def test_doubtful_values_are_marked_in_tooltips_profile_and_report(store):
    from sozialraum.export.report_context import cell
    from sozialraum.indicators.registry import INDICATORS
    from sozialraum.maps.data import indicator_input
    from sozialraum.profile import profile_table

    rows = _grid(GOOD) + [("zeile", "row0", "ew_gesamt", "2024", 3500.0)]
    source, batch = grid_batch(_obs(rows))
    replace_source(store, source, batch, confirm_warnings=True)
    pub = published(store, "zeile", period="2024")
    inp = indicator_input(["row0", "row1"], pub, INDICATORS["ew_gesamt"])
    assert inp.tooltip["Einwohner/innen"] == ["3.500 (unsicher)", "3.000"]
    table = profile_table(pub[pub["area_key"] == "row0"], {})
    assert table.set_index("Kennzahl").loc["SGB-II-Quote", "Gebiet"].endswith("(unsicher)")
    assert cell(3500.0, "doubtful", 0) == "3.500 (unsicher)"


def test_negative_capacity_of_a_provider_is_refused(store):
    import geopandas as gpd
    from shapely.geometry import Point

    from sozialraum.store import Batch, SourceInfo

    points = gpd.GeoDataFrame({"provider_id": ["k1", "k2"], "service_type": ["kita", "kita"], "name": ["A", "B"],
                               "capacity": [40.0, -5.0]}, geometry=[Point(400500, 5600500)] * 2, crs="EPSG:25832")
    with pytest.raises(InputError, match="kitas.csv, Spalte 'capacity': negative Kapazität -5 bei 'k2'"):
        replace_source(store, SourceInfo("kitas", "Kitas", files=("kitas.csv",)), Batch(points={"providers": points}))
    assert store.execute("SELECT count(*) FROM providers").fetchone()[0] == 0
