"""Column suggestions, first guesses, own indicators and written recipes of the import wizard."""

from __future__ import annotations

import tomllib

import pandas as pd
import pytest

import wizard_fixtures as wf
from sozialraum.errors import InputError
from sozialraum.indicators.registry import INDICATORS
from sozialraum.io.columns import indicators_for_kind, suggest_indicator, value_kind
from sozialraum.io.guess import best_key_column, guess_period, guess_template
from sozialraum.io.layout import read_grid


@pytest.mark.parametrize("name, kind, indicator", [
    ("Bevölkerung insgesamt", "count", "ew_gesamt"),
    ("Einwohner", "count", "ew_gesamt"),
    ("Bevölkerung unter 15 Jahre", "count", "ew_u15"),
    ("Einwohner 65 Jahre und älter", "count", "ew_65plus"),
    ("SGB II Leistungsberechtigte", "count", "rlb"),
    ("Leistungsberechtigte SGB II unter 15", "count", "rlb_u15"),
    ("Bedarfsgemeinschaften", "count", "bg"),
    ("Arbeitslose SGB II", "count", "alo_sgb2"),
    ("Arbeitslose", "count", "arbeitslose"),
    ("SGB-II-Quote", "rate", "sgb2_quote"),
    ("SGB II Quote in %", "rate", "sgb2_quote"),
    ("Kinderarmut", "rate", "kinderarmut"),
    ("Arbeitslosenquote", "rate", "alo_quote"),
    ("Bevölkerung Anteil unter 15 in %", "rate", None),
    ("Spalte 3", "count", None),
])
def test_suggestions_from_german_column_names(name, kind, indicator):
    assert value_kind(name) == kind
    assert suggest_indicator(name, kind) == indicator


def test_share_kind_from_values_and_indicator_lists():
    assert value_kind("Anteil SGB II", [0.12, 0.3, 0.05]) == "share"
    assert value_kind("Anteil SGB II", [12.0, 30.0]) == "rate"
    rates = indicators_for_kind("rate", INDICATORS)
    assert {"sgb2_quote", "kinderarmut", "alo_quote", "mss_s1"} <= set(rates) and "rlb" not in rates
    assert "ew_gesamt" in indicators_for_kind("count", INDICATORS)


def test_guesses(tmp_path):
    assert guess_template(["STGT01", "STGT02", "STGT13"]) == "STGT{:02d}"
    assert guess_template(["A1", "B2"]) is None
    raw = pd.DataFrame({"Nr": ["1", "4", "Summe"], "Name": ["01 Altstadt", "Westliche_Höhe", "Kleinstadt"]},
                       index=[2, 3, 4])
    col, method, n = best_key_column(raw, wf.NAMES)
    assert n == 2 and (col, method) in {("Nr", "vorlage:STGT{:02d}"), ("Name", "name")}
    assert guess_period(read_grid(wf.write_profile(tmp_path), "Profile 2022"), 4) == "2022"


def test_own_indicator_declared_restored_and_imported(tmp_path):
    from sozialraum.indicators.own import declare, own, restore
    from sozialraum.io import loader
    from sozialraum.store import connect
    from sozialraum.store.connection import init_schema

    con = connect(":memory:")
    key = declare(con, "Anteil Ein-Personen-Haushalte", "%", "neutral", "rate")
    assert key == "eigen_anteil_ein_personen_haushalte" and len(own(con)) == 1
    init_schema(con)  # rewrites `indicators` from the registry and puts the own ones back (every start)
    assert con.execute("SELECT count(*) FROM indicators WHERE indicator = ?", [key]).fetchone() == (1,)
    restore(con)  # idempotent
    assert con.execute("SELECT count(*) FROM indicators WHERE indicator = ?", [key]).fetchone() == (1,)
    assert key in loader.known_indicators(con)
    assert con.execute("SELECT aggregation FROM indicators WHERE indicator = ?", [key]).fetchone() == ("none",)
    with pytest.raises(InputError):
        declare(con, "  ", "", "neutral", "rate")


def test_written_recipe_is_valid_toml_and_reads_back(tmp_path):
    from sozialraum.io.recipe import load_recipe
    from sozialraum.io.recipe_toml import dump, statistics_recipe
    from sozialraum.store import SourceInfo

    entry = {"file": "profile.xlsx", "level": "stadtteil", "key": "Stadtteil", "sheet": "Profile 2022",
             "header_row": "auto", "match": "name", "on_unmatched": "skip", "period": "2022",
             "indicators": {"ew_gesamt": "Bevölkerung insgesamt", "rlb": ["A", "B"]}, "scale": {"kinderarmut": 100.0}}
    text = dump(statistics_recipe(SourceInfo("p-2022", "Profil „2022\"", licence="dl-de/by-2-0"), entry))
    doc = tomllib.loads(text)
    assert doc["source"][0]["statistics"][0] == entry
    assert doc["source"][0]["title"] == "Profil „2022\"" and doc["source"][0]["licence"] == "dl-de/by-2-0"
    path = tmp_path / "r.toml"
    path.write_text(text, encoding="utf-8")
    assert load_recipe(path)["source"][0]["id"] == "p-2022"  # every option is one the recipe reader knows


def test_published_rate_is_kept_and_not_summed_upwards():
    from sozialraum.store import connect, replace_source
    from sozialraum.store.write import Batch, SourceInfo
    from sozialraum.testing import grid_batch

    con = connect(":memory:")
    replace_source(con, *grid_batch())
    rows = [("zelle", f"r0c{c}", "sgb2_quote", "2024", v, None, None, None) for c, v in enumerate([10.0, 20.0, 30.0])]
    rows += [("zelle", "r0c0", "rlb", "2024", 50.0, None, None, None),
             ("zelle", "r0c0", "ew_gesamt", "2024", 1000.0, None, None, None)]
    obs = pd.DataFrame(rows, columns=["level", "area_key", "indicator", "period", "value", "numerator", "denominator",
                                      "flag"])
    replace_source(con, SourceInfo("quoten", "Quoten"), Batch(observations=obs))
    got = dict(((lv, k), (v, n, d)) for lv, k, v, n, d in con.execute(
        "SELECT level, area_key, value, numerator, denominator FROM observations WHERE indicator = 'sgb2_quote'"
    ).fetchall())
    assert got[("zelle", "r0c0")] == (10.0, None, None)  # published 10 %, not re-derived from 50/1000 = 5 %
    assert got[("zelle", "r0c1")] == (20.0, None, None)
    assert got[("zeile", "row0")][0] is None  # never 10+20+30 = 60: rates do not add up; the counts are incomplete
