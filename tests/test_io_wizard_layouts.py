"""Layout detection, matching and parsing gaps on the wizard fixtures (one test per real-world layout)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

import wizard_fixtures as wf
from sozialraum.errors import InputError
from sozialraum.io import layout, loader
from sozialraum.io.matching import match_rows, normalise, parse_method
from sozialraum.io.tables import expand_years, parse_number, year_groups

AREAS = dict(wf.NAMES)
TOTALS = ["Kleinstadt", *wf.BEZIRK_NAMES.values()]


@pytest.fixture
def files(tmp_path):
    out = wf.write_csvs(tmp_path)
    out["profile"] = wf.write_profile(tmp_path)
    return out


def stats(path, **options):
    return loader.statistics_part(path, level="stadtteil", areas=AREAS, totals=TOTALS, **options)


def by_key(frame, indicator, period=None):
    f = frame[frame["indicator"] == indicator]
    if period is not None:
        f = f[f["period"] == period]
    return dict(zip(f["area_key"], f["value"]))


def test_normalise_names():
    assert normalise("04 Westliche Höhe") == normalise("Westliche_Höhe") == normalise("WESTLICHE HOEHE")
    assert normalise("Gut-Moor") == "gut moor"
    assert normalise("Straße") == "strasse"
    assert normalise("Stadtteil Altstadt") == "altstadt"


def test_profile_layout_is_found(files):
    grid = layout.read_grid(files["profile"], "Profile 2022")
    lay = layout.detect_layout(grid)
    assert lay.header_rows == (4, 5)
    assert (lay.first_row, lay.last_row) == (6, 15)  # 6 Stadtteile, merged unit, 2 Bezirke, city
    assert lay.columns[:3] == ("Stadtteil", "Bevölkerung insgesamt", "Bevölkerung unter 15 Jahre")
    assert lay.columns[4] == "SGB II Leistungsberechtigte"
    assert any("über der Tabelle" in n for n in lay.notes) and any("unter der Tabelle" in n for n in lay.notes)
    assert layout.sheet_names(files["profile"]) == ["Hinweise", "Profile 2022"]


def test_profile_imports_by_name_skipping_totals_and_reporting_merged(files):
    frame = stats(files["profile"], key="Stadtteil", match="name", on_unmatched="skip", header_row=None,
                  sheet="Profile 2022", period="2022",
                  indicators={"ew_gesamt": "Bevölkerung insgesamt", "rlb": "SGB II Leistungsberechtigte",
                              "sgb2_quote": "SGB II Quote in %"})
    ew = by_key(frame, "ew_gesamt")
    assert ew == {k: wf.EW[k] for k in ["STGT01", "STGT02", "STGT03", "STGT04", "STGT05", "STGT06"]}
    rlb = frame[(frame["indicator"] == "rlb")].set_index("area_key")
    assert math.isnan(rlb.loc["STGT03", "value"]) and rlb.loc["STGT03", "flag"] == "missing"  # the "." marker
    assert by_key(frame, "sgb2_quote")["STGT01"] == pytest.approx(17.4)
    notes = " ".join(frame.attrs["notes"])
    assert "Neuland und Gut Moor" in notes and "zusammengefasste Gebiete" in notes
    assert "Kleinstadt insgesamt" in notes and "Bezirk Süd" in notes and "Summenzeile" in notes


def test_profile_stop_policy_lists_the_merged_unit(files):
    with pytest.raises(InputError) as exc:
        stats(files["profile"], key="Stadtteil", match="name", header_row=None, sheet="Profile 2022",
              period="2022", indicators={"ew_gesamt": "Bevölkerung insgesamt"})
    assert [p.row for p in exc.value.problems] == [12]  # totals are left out; only the merged unit stops it
    assert "zusammengefasste" in exc.value.problems[0].problem


def test_name_keyed_csv_by_name_and_by_template(files):
    by_name = stats(files["namen"], key="Stadtteil", match="name", on_unmatched="skip", period="2022",
                    indicators={"ew_gesamt": "Einwohner", "rlb": "Leistungsberechtigte SGB II"})
    assert by_key(by_name, "ew_gesamt") == wf.EW and by_key(by_name, "rlb") == wf.RLB
    assert any("Summenzeile" in n for n in by_name.attrs["notes"])
    by_template = stats(files["namen"], key="Nr", match="vorlage:STGT{:02d}", on_unmatched="skip",
                        period="2022", indicators={"ew_gesamt": "Einwohner"})
    assert by_key(by_template, "ew_gesamt") == wf.EW


def test_unmatched_names_are_listed_with_suggestions():
    cells = pd.Series({2: "Altstadt", 3: "Westliche Hoehe", 4: "Nordvirtel", 5: "", 6: "Hafen"})
    table = match_rows(cells, AREAS, parse_method("name"), totals=TOTALS)
    status = dict(zip(table.frame["row"], table.frame["status"]))
    assert status == {2: "matched", 3: "matched", 4: "unmatched", 5: "empty", 6: "unmatched"}
    sugg = dict(zip(table.frame["row"], table.frame["suggestions"]))
    assert "Nordviertel (STGT02)" in sugg[4] and sugg[6] == ""
    with pytest.raises(ValueError):
        parse_method("vorlage:STGT{:02d")


def test_sum_rows_are_recognised_without_a_total_name():
    cells = pd.Series({2: "Altstadt", 3: "Nordviertel", 4: "Am Bach", 5: "Teil A", 6: "Westliche Höhe",
                       7: "Südstadt", 8: "Neuland", 9: "Teil B", 10: "Hafen"})
    values = pd.Series({2: 10.0, 3: 20.0, 4: 5.0, 5: 35.0, 6: 6.0, 7: 7.0, 8: 1.0, 9: 14.0, 10: 3.0})
    table = match_rows(cells, AREAS, "name", values=values)
    assert list(table.frame["status"]) == ["matched"] * 3 + ["total"] + ["matched"] * 3 + ["total", "unmatched"]


def test_ambiguous_names():
    table = match_rows(pd.Series({2: "Mitte"}), {"A1": "Mitte", "B1": "Mitte"}, "name")
    assert table.frame["status"].iloc[0] == "ambiguous" and "A1" in table.frame["suggestions"].iloc[0]


def test_comma_csv_with_quoted_decimal_commas_and_thousands_dots(files):
    frame = stats(files["komma"], key="Stadtteil", match="name", period="2022",
                  indicators={"ew_gesamt": "Einwohner", "sgb2_quote": "SGB-II-Quote"})
    assert by_key(frame, "ew_gesamt") == wf.EW
    assert by_key(frame, "sgb2_quote") == pytest.approx({k: wf.komma_rate(k) for k in wf.NAMES})


def test_headerless_csv(files):
    frame = stats(files["ohne_kopf"], key="Spalte 1", header_row=0, period="2022",
                  indicators={"ew_gesamt": "Spalte 3", "rlb": "Spalte 4"})
    assert by_key(frame, "ew_gesamt") == wf.EW and by_key(frame, "rlb") == wf.RLB
    auto = layout.detect_layout(layout.read_grid(files["ohne_kopf"]))
    assert auto.header_rows == () and auto.first_row == 1


def test_years_across_columns_become_periods(files):
    assert expand_years("EW_{jahr}", ["Schlüssel", "EW_2020", "EW_2022", "SGB II 2020"]) == {
        "2020": "EW_2020", "2022": "EW_2022"}
    groups = year_groups(["Schlüssel", "EW_2020", "EW_2022", "SGB II 2020", "SGB II 2022"])
    assert set(groups) == {"EW_{jahr}", "SGB II {jahr}"}
    frame = stats(files["jahre"], key="Schlüssel", indicators={"ew_gesamt": "EW_{jahr}", "rlb": "SGB II {jahr}"})
    assert sorted(frame["period"].unique()) == ["2020", "2022"]
    assert by_key(frame, "ew_gesamt", "2022") == wf.EW
    assert by_key(frame, "rlb", "2020") == {k: v + 10 for k, v in wf.RLB.items()}


def test_pdf_glued_numbers_are_refused_or_flagged(files):
    with pytest.raises(InputError) as exc:
        stats(files["pdf"], key="Stadtteil", match="name", period="2022",
              indicators={"ew_gesamt": "Einwohner", "rlb": "Leistungsberechtigte"})
    [p] = exc.value.problems
    assert (p.row, p.column) == (5, "Leistungsberechtigte") and "zusammengeklebte" in p.problem
    frame = stats(files["pdf"], key="Stadtteil", match="name", period="2022", indicators={"ew_gesamt": "Einwohner"})
    ew = frame.set_index("area_key")  # kept as read, with a note; the write boundary's plausibility check warns
    assert ew.loc["STGT02", "value"] == 4120380 and ew.loc["STGT02", "flag"] is None
    assert any("Zeile 3" in n and "zusammengeklebt" in n for n in frame.attrs["notes"])


def test_parse_number_markers_and_glue():
    assert parse_number("2.370", ",") == (2370.0, None)
    assert parse_number("1 234", ",") == (1234.0, None)
    assert parse_number("*")[1] == "suppressed"
    for marker in (".", "-", "x"):
        assert parse_number(marker)[1] == "missing"
    for glued in ("2036 643", "2.036643", "48,312,5"):
        with pytest.raises(ValueError, match="zusammengeklebte"):
            parse_number(glued, ",")


def test_bezirk_total_row_is_not_taken_for_the_stadtteil_of_the_same_name():
    areas = {"T1": "Wandsbek", "T2": "Marienthal"}
    cells = pd.Series({2: "Wandsbek", 3: "Marienthal", 4: "Bezirk Wandsbek", 5: "Hamburg insgesamt"})
    table = match_rows(cells, areas, "name", totals=["Wandsbek", "Hamburg"])
    assert list(table.frame["status"]) == ["matched", "matched", "total", "total"]
    assert table.keys().tolist() == ["T1", "T2", None, None]


def test_group_headings_inside_the_table(tmp_path):
    text = ("Sozialatlas 2022\n\nStadtteil;Einwohner;SGB II\nBezirk Nord;;\nAltstadt;2370;412\nNordviertel;4120;380\n"
            "\nBezirk Süd;;\nSüdstadt;5010;1033\nÖstliche Höhe;2780;250\n\nQuelle: Stadt\n")
    path = tmp_path / "gruppen.csv"
    path.write_text(text, encoding="utf-8")
    lay = layout.detect_layout(layout.read_grid(path))
    assert (lay.header_rows, lay.first_row, lay.last_row) == ((3,), 4, 10)
    frame = stats(path, key="Stadtteil", match="name", period="2022", header_row=None,
                  indicators={"ew_gesamt": "Einwohner", "rlb": "SGB II"})
    assert by_key(frame, "ew_gesamt") == {k: wf.EW[k] for k in ("STGT01", "STGT02", "STGT05", "STGT06")}
    assert any("Bezirk Nord" in n and "Summenzeile" in n for n in frame.attrs["notes"])


def test_one_row_per_area_and_year_with_a_period_column(tmp_path):
    path = tmp_path / "lang.csv"
    path.write_text("Stadtteil;Jahr;Einwohner\nAltstadt;2021;2300\nAltstadt;2022;2370\nAm_Bach;2021;1800\n"
                    "Am_Bach;2022;1850\nSumme;2022;4220\n", encoding="utf-8")
    frame = stats(path, key="Stadtteil", match="name", period_column="Jahr", indicators={"ew_gesamt": "Einwohner"})
    assert by_key(frame, "ew_gesamt", "2022") == {"STGT01": 2370, "STGT03": 1850}
    assert by_key(frame, "ew_gesamt", "2021") == {"STGT01": 2300, "STGT03": 1800}
