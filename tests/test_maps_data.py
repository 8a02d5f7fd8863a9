"""Map inputs and profile helpers on hand-made published frames (answers worked out by hand)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sozialraum import profile
from sozialraum.indicators.registry import get
from sozialraum.maps.data import indicator_input, need_input


def published_rows(rows):
    return pd.DataFrame(rows, columns=["area_key", "indicator", "period", "value", "numerator", "denominator",
                                       "flag", "source_id"])


RATES = published_rows([
    ("a", "sgb2_quote", "2024", 12.5, 25.0, 200.0, None, "s"),
    ("b", "sgb2_quote", "2024", np.nan, np.nan, np.nan, "suppressed", "s"),
    ("c", "sgb2_quote", "2024", np.nan, np.nan, np.nan, "not_scored", "s"),
    ("a", "sgb2_quote", "2022", 99.0, 1.0, 1.0, None, "s"),  # other period: ignored
])


def test_indicator_input_aligns_with_the_areas_and_masks_reasons():
    inp = indicator_input(["c", "a", "b", "d"], RATES, get("sgb2_quote"), period="2024")
    assert np.isnan(inp.values[0]) and inp.values[1] == 12.5 and np.isnan(inp.values[2]) and np.isnan(inp.values[3])
    assert inp.suppressed.tolist() == [False, False, True, False]
    assert inp.unscored.tolist() == [True, False, False, False]
    texts = inp.tooltip["SGB-II-Quote"]
    assert texts[1] == "12,5 %" and texts[2] == "gesperrt" and texts[3] == "keine Angabe"
    assert inp.tooltip["Zähler / Nenner"][1] == "25 / 200"
    assert inp.tooltip["Zähler / Nenner"][2] == "–"
    assert inp.title == "SGB-II-Quote (%)"


def test_indicator_input_counts_have_no_decimals():
    rows = published_rows([("a", "rlb", "2024", 1234.0, None, None, None, "s")])
    inp = indicator_input(["a"], rows, get("rlb"), period="2024")
    assert inp.tooltip["Regelleistungsberechtigte (SGB II)"] == ["1.234"]


def test_need_input_marks_unscored_areas():
    need = pd.DataFrame({"area_key": ["a", "b"], "status_index": [1.7, 0.2], "status_class": ["sehr niedrig", None],
                         "dynamics_class": ["negativ", None], "scored": [True, False]})
    inp = need_input(["b", "a"], need)
    assert inp.unscored.tolist() == [True, False]
    assert np.isnan(inp.values[0]) and inp.values[1] == 1.7
    assert inp.tooltip["Statusindex"] == ["keine Angabe", "1,70"]
    assert inp.tooltip["Statusklasse"] == ["–", "sehr niedrig"]


def test_nearest_by_type_by_hand():
    providers = pd.DataFrame({
        "service_type": ["kita", "kita", "suchtberatung"],
        "name": ["Kita nah", "Kita fern", "Sucht"],
        "x": [300.0, 0.0, -3000.0], "y": [400.0, 2000.0, -4000.0],
    })
    # detour 1.2 at 6 km/h = 100 m per minute: 500 m → 6 min, 2000 m → 24 min, 5000 m → 60 min
    out = profile.nearest_by_type(0.0, 0.0, providers, detour=1.2, speed_kmh=6.0, budget_min=15)
    kita = out.set_index("service_type").loc["kita"]
    assert kita["Nächstes Angebot"] == "Kita nah"
    assert kita["Entfernung_m"] == pytest.approx(500.0)
    assert kita["Gehminuten"] == pytest.approx(6.0)
    assert kita["Anzahl_im_Zeitbudget"] == 1
    sucht = out.set_index("service_type").loc["suchtberatung"]
    assert sucht["Gehminuten"] == pytest.approx(60.0) and sucht["Anzahl_im_Zeitbudget"] == 0
    assert list(out["service_type"]) == ["kita", "suchtberatung"]  # registry order
    assert profile.nearest_by_type(0, 0, providers.iloc[0:0], detour=1, speed_kmh=5, budget_min=5).empty


def test_totals_sum_counts_and_rederive_rates():
    rows = published_rows([
        ("n", "rlb", "2024", 10.0, None, None, None, "s"),
        ("s", "rlb", "2024", 20.0, None, None, None, "s"),
        ("n", "sgb2_quote", "2024", 10.0, 10.0, 100.0, None, "s"),
        ("s", "sgb2_quote", "2024", 20.0 / 3, 20.0, 300.0, None, "s"),
    ])
    out = profile.totals(rows, ["rlb", "sgb2_quote", "elb"])
    assert out["rlb"] == 30.0
    assert out["sgb2_quote"] == pytest.approx(7.5)  # (10 + 20) / (100 + 300) * 100, not the mean of rates
    assert np.isnan(out["elb"])
    rows.loc[1, ["value", "flag"]] = [np.nan, "suppressed"]
    assert np.isnan(profile.totals(rows, ["rlb"])["rlb"])  # a suppressed part hides the sum


def test_rank_of():
    values = pd.Series({"a": 1.0, "b": 3.0, "c": np.nan, "d": 3.0})
    assert profile.rank_of(values, "b") == (1, 3)
    assert profile.rank_of(values, "d") == (1, 3)
    assert profile.rank_of(values, "a") == (3, 3)
    assert profile.rank_of(values, "c") is None
    assert profile.rank_of(values, "a", descending=False) == (1, 3)


def test_lineage_on_the_grid_levels():
    from sozialraum.testing import grid_levels

    levels = grid_levels()
    assert profile.lineage(levels, "zelle") == profile.Lineage("zeile", "stadt")
    assert profile.lineage(levels, "zeile") == profile.Lineage("stadt", "stadt")
    assert profile.lineage(levels, "stadt") == profile.Lineage(None, None)


def test_profile_table_formats_area_and_references():
    area = published_rows([("a", "sgb2_quote", "2024", 12.5, 25, 200, None, "s"),
                           ("a", "rlb", "2024", np.nan, np.nan, np.nan, "suppressed", "s")])
    city = pd.DataFrame({"indicator": ["sgb2_quote"], "value": [7.26], "flag": [None]})
    table = profile.profile_table(area, {"Stadt": city, "Bezirk": None})
    by = table.set_index("Kennzahl")
    assert by.loc["SGB-II-Quote", "Gebiet"] == "12,5 %"
    assert by.loc["SGB-II-Quote", "Stadt"] == "7,3 %"
    assert by.loc["Regelleistungsberechtigte (SGB II)", "Gebiet"] == "gesperrt"
    assert by.loc["SGB-II-Quote", "Bezirk"] == "–"
    assert list(table["Kennzahl"]) == ["Regelleistungsberechtigte (SGB II)", "SGB-II-Quote"]  # registry order


def test_distance_text():
    assert profile.distance_text(850) == "850 m"
    assert profile.distance_text(1260) == "1,3 km"
