"""The need index and need map on a city the project did not shape (tests/city_fixture.py) and on the grid:
every unscored area says why, the status is scored without complete dynamics, coarser levels say where the
published rates live, a period without ``rlb`` does not crash the confidentiality gate, the map fits the bulk."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from city_fixture import DOT_RATE, ISLAND, NO_2022, NO_RESIDENTS, SMALL, city_areas, city_batch
from sozialraum.analysis.need_index import mss_index, need_index_for_store
from sozialraum.store import replace_source
from sozialraum.testing import grid_batch


@pytest.fixture
def city(store):
    replace_source(store, *city_batch())
    return store


def test_a_period_with_counts_but_without_rlb_passes_the_gate(city):
    from sozialraum.analysis.confidentiality import published

    # 2024 has `bg` counts but none of rlb/elb/nef (the additive group rlb = elb + nef): this raised KeyError 'rlb'
    for level in ("ortsteil", "stadtteil", "bezirk"):
        rows = published(city, level, period="2024", indicators=["ew_gesamt", "rlb", "sgb2_quote"])
        assert "rlb" not in set(rows["indicator"])
    assert published(city, "stadtteil", period="2024", indicators=["bg"])["value"].notna().all()


def test_finest_level_with_data_is_not_the_first_by_name(city):
    from sozialraum.analysis.data_gaps import finest_level
    from sozialraum.store import read

    # imported as separate systems, each rank 0 (city_fixture): the store ranks them by their parent links now,
    # so a selectbox lists the finest first (it once listed "bezirk", the first by name)
    levels = read.levels(city)
    assert list(levels["level"]) == ["ortsteil", "stadtteil", "bezirk"] and list(levels["rank"]) == [0, 1, 2]
    assert finest_level(city) == "ortsteil"


def test_every_unscored_area_says_why_and_status_does_not_wait_for_dynamics(city):
    out = need_index_for_store(city, "ortsteil", "2024").set_index("area_key")
    assert out.attrs["status"] == ["sgb2_quote", "kinderarmut"]  # the MSS rates present (alo_quote is not)
    unscored = set(out.index[~out["scored"]])
    assert unscored == {*NO_RESIDENTS, SMALL, DOT_RATE}
    assert out["scored"].sum() == 20
    for key in NO_RESIDENTS:
        assert out.loc[key, "reason"] == "Einwohnerzahl 2024 fehlt (Mindestgröße nicht prüfbar)"
    assert out.loc[SMALL, "reason"] == "unter 300 Einwohner/innen"
    assert out.loc[DOT_RATE, "reason"] == "SGB-II-Quote 2024 fehlt"
    assert out.loc[out["scored"], "reason"].eq("").all()
    # kinderarmut has no 2022: no dynamics anywhere, each scored area says which input is missing for which year
    assert out["dynamics_class"].eq("").all()
    assert out.loc["010101", "dynamics_reason"] == "Kinderarmut (SGB II unter 15) 2022 fehlt"
    assert out.loc[NO_2022[0], "dynamics_reason"] == ("SGB-II-Quote 2022 fehlt; Kinderarmut (SGB II unter 15) "
                                                      "2022 fehlt")
    assert any("Kinderarmut" in n and "2022" in n for n in out.attrs["notes"])
    assert out.loc[out["scored"], "code"].isin(["1", "2", "3", "4"]).all()


def test_status_index_is_the_mss_method_on_the_scored_areas(city):
    from city_fixture import city_observations

    out = need_index_for_store(city, "ortsteil", "2024").set_index("area_key")
    obs = city_observations()
    wide = obs[obs["period"] == "2024"].pivot(index="area_key", columns="indicator", values="value")
    rows = wide.loc[out.index[out["scored"]], ["sgb2_quote", "kinderarmut"]]
    z = (rows - rows.mean()) / rows.std(ddof=1)
    total = z.sum(axis=1)
    expected = total / total.std(ddof=1)
    assert out.loc[rows.index, "status_index"].to_numpy() == pytest.approx(expected.to_numpy())


def test_the_user_picks_the_index_indicators(city):
    from sozialraum.analysis.need_index import need_choices

    choices = need_choices(city, "ortsteil", "2024")
    assert choices.available == ("sgb2_quote", "kinderarmut")
    assert choices.default == ("sgb2_quote", "kinderarmut")
    only_child = need_index_for_store(city, "ortsteil", "2024", status=["kinderarmut"]).set_index("area_key")
    assert only_child.attrs["status"] == ["kinderarmut"]
    assert only_child.loc[DOT_RATE, "scored"]  # its missing SGB-II-Quote no longer matters
    assert only_child["scored"].sum() == 21


def test_a_coarser_level_says_that_only_the_finest_level_has_published_rates(city):
    from sozialraum.analysis.need_index import need_choices

    assert need_choices(city, "stadtteil", "2024").available == ()
    out = need_index_for_store(city, "stadtteil", "2024")
    assert not out["scored"].any()
    assert out["reason"].eq("SGB-II-Quote, Kinderarmut (SGB II unter 15) nur auf Ebene Ortsteil veröffentlicht").all()
    notes = " ".join(out.attrs["notes"])
    assert "SGB-II-Quote und Kinderarmut (SGB II unter 15) liegen für 2024 nur als veröffentlichte Quoten auf der Ebene Ortsteil" in notes


def _grid_obs(drop: str | None = None) -> pd.DataFrame:
    rows = []
    for i, key in enumerate(f"r{r}c{c}" for r in range(3) for c in range(3)):
        ew = 1000.0 + 100 * i
        for ind, v in {"ew_gesamt": ew, "ew_15_64": 0.6 * ew, "ew_u15": 0.2 * ew, "rlb": 50.0 + 10 * i,
                       "alo_sgb2": 20.0 + 3 * i, "rlb_u15": 10.0 + 2 * (i % 4)}.items():
            if (key, ind) != (drop, "rlb"):
                rows.append(("zelle", key, ind, "2024", v, None, None, None))
    return pd.DataFrame(rows, columns=["level", "area_key", "indicator", "period", "value", "numerator",
                                       "denominator", "flag"])


def test_a_coarser_level_is_scored_from_aggregated_counts(store):
    replace_source(store, *grid_batch(_grid_obs()))
    rows = need_index_for_store(store, "zeile", "2024").set_index("area_key")
    assert rows["scored"].all() and rows.attrs["status"] == ["alo_quote", "sgb2_quote", "kinderarmut"]


def test_a_blank_parent_names_the_child_without_data(store):
    replace_source(store, *grid_batch(_grid_obs(drop="r0c1")))
    rows = need_index_for_store(store, "zeile", "2024").set_index("area_key")
    assert not rows.loc["row0", "scored"]
    assert rows.loc["row0", "reason"] == "SGB-II-Quote 2024 fehlt (Angabe fehlt für Zelle r0c1)"
    assert rows.loc[["row1", "row2"], "scored"].all()


def test_an_impossible_rate_is_not_scored(store):
    # the write boundary refuses such values now; a store written before it may still hold one
    replace_source(store, *grid_batch(_grid_obs()))
    store.execute("UPDATE observations SET value = 277.8 WHERE level = 'zelle' AND area_key = 'r2c2' "
                  "AND indicator = 'sgb2_quote'")
    rows = need_index_for_store(store, "zelle", "2024").set_index("area_key")
    assert not rows.loc["r2c2", "scored"]
    assert "ungültig" in rows.loc["r2c2", "reason"] and "außerhalb 0–100 %" in rows.loc["r2c2", "reason"]
    assert rows["scored"].sum() == 8


def test_mss_index_can_score_status_without_dynamics():
    p = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    f = pd.DataFrame({"S1": p, "S3": p, "S4": p, "D1": [1.0, np.nan, 0.0, 2.0, 1.0], "D3": p, "D4": p})
    strict = mss_index(f)
    assert list(strict["scored"]) == [True, False, True, True, True]  # the MSS reference: all values needed
    loose = mss_index(f, dynamics_optional=True)
    assert loose["scored"].all()
    assert loose["status_index"].to_numpy() == pytest.approx((p - 3) / np.sqrt(2.5))
    assert loose.loc[1, "dynamics_class"] == "" and loose.loc[1, "code"] == "2"
    assert loose.loc[[0, 2, 3, 4], "dynamics_class"].ne("").all()


# ---------------------------------------------------------------------------------------------- need view
def test_need_view_says_which_children_leave_a_parent_blank(city):
    from sozialraum.views.need import gap_note, need_layer, summary

    layer = need_layer(city, "stadtteil", "ew_gesamt", "2024")
    assert int((~layer.shown).sum()) == 3
    note = gap_note(layer, "Stadtteil")
    assert note.startswith("3 von 7 Gebieten der Ebene Stadtteil ohne Daten")
    for key in NO_RESIDENTS:
        assert f"Angabe fehlt für Ortsteil {key}" in note
    assert len(summary(layer)) == 3


def test_need_view_tooltips_and_table_carry_the_reason(city):
    from sozialraum.views.need import NEED_INDEX, draw, need_layer, ranking

    layer = need_layer(city, "ortsteil", NEED_INDEX, "2024")
    html = draw(layer).get_root().render()
    assert "nicht bewertet: unter 300 Einwohner/innen" in html
    assert "nicht bewertet: Einwohnerzahl 2024 fehlt (Mindestgr" in html  # (ö may be JSON-escaped)
    table = ranking(layer).set_index("Schlüssel")
    assert table.loc[DOT_RATE, "Warum ohne Wert"] == "SGB-II-Quote 2024 fehlt"
    assert table.loc["010101", "Warum ohne Wert"] == ""
    empty = need_layer(city, "stadtteil", NEED_INDEX, "2024")
    assert not empty.shown.any() and any("nur als veröffentlichte Quote" in n for n in empty.notes)


def test_map_fits_the_bulk_of_the_areas_not_the_island():
    from sozialraum.maps.base import bulk_bounds
    from sozialraum.testing import grid_areas

    areas = city_areas().to_crs(4326)
    for level in ("ortsteil", "stadtteil", "bezirk"):  # the island alone, or inside a district's multipolygon
        part = areas[areas["level"] == level]
        island = areas[areas["area_key"] == ISLAND].geometry.iloc[0]
        _, miny, _, maxy = bulk_bounds(part)
        assert maxy < island.bounds[1]  # the island lies north of the fitted box
        assert maxy - miny < 0.1 < part.total_bounds[3] - part.total_bounds[1]
    grid = grid_areas().to_crs(4326)
    cells = grid[grid["level"] == "zelle"]
    assert bulk_bounds(cells) == tuple(float(v) for v in cells.total_bounds)  # nothing far out: all areas


def test_need_index_export_sheet_has_the_reason_column(city):
    from sozialraum.export.tables import need_index_sheet

    sheet = need_index_sheet(city, "ortsteil", "2024")
    headers = {c.key: c.header for c in sheet.columns}
    assert headers["reason"] == "Grund (nicht bewertet)"
    rows = sheet.values.set_index("area_key")
    assert rows.loc[SMALL, "reason"] == "unter 300 Einwohner/innen" and rows.loc["010101", "reason"] == ""
    assert "sgb2_quote, kinderarmut" in " ".join(sheet.notes)


def test_an_own_rate_can_make_up_the_index_and_be_mapped(city):
    """A city's own indicator (declared in the store's indicators table, not in the registry)."""
    from sozialraum.analysis.need_index import need_choices
    from sozialraum.views.need import need_layer

    city.execute("INSERT INTO indicators VALUES ('eigen_wohngeld', 'Wohngeldquote', 'Housing benefit rate', '%', "
                 "'rate', 'higher_is_worse', NULL, NULL, 'none', NULL, FALSE, 'Eigene Kennzahl')")
    keys = [f"0{b}0{s}0{i}" for b in (1, 2) for s in (1, 2, 3) for i in (1, 2, 3, 4)]
    for n, key in enumerate(keys):
        city.execute("INSERT INTO observations VALUES ('ortsteil', ?, 'eigen_wohngeld', '2024', ?, NULL, NULL, "
                     "NULL, 'sandstadt', FALSE)", [key, 3.0 + n % 5])
    assert "eigen_wohngeld" in need_choices(city, "ortsteil", "2024").available
    out = need_index_for_store(city, "ortsteil", "2024", status=["eigen_wohngeld"]).set_index("area_key")
    assert out.loc[ISLAND, "reason"] == "Wohngeldquote 2024 fehlt"
    assert out["scored"].sum() == 24 - len(NO_RESIDENTS) - 1  # all but the island, unknown residents, small
    layer = need_layer(city, "ortsteil", "eigen_wohngeld", "2024")
    assert layer.input.title == "Wohngeldquote (%)" and int(layer.shown.sum()) == 24


def test_report_opens_on_the_finest_level_and_says_why_areas_are_not_scored(city):
    from sozialraum.export.document import Document
    from sozialraum.export.report_context import make_context
    from sozialraum.export.report_sections import need_section, ranking_frame

    ctx = make_context(city)
    assert (ctx.level, ctx.period, ctx.need_error) == ("ortsteil", "2024", "")
    frame, _ = ranking_frame(ctx)
    rows = frame.set_index("area_key")
    assert rows.loc[SMALL, "Statusklasse"] == "nicht bewertet: unter 300 Einwohner/innen"
    coarse = make_context(city, "stadtteil")
    assert "nur als veröffentlichte Quoten auf der Ebene Ortsteil" in coarse.need_error
    doc = Document("t")
    need_section(coarse, doc)
    assert "nur als veröffentlichte Quoten auf der Ebene Ortsteil" in "".join(doc.sections)


def test_profile_references_follow_parent_links_across_separately_imported_levels(city):
    from city_fixture import city_observations

    from sozialraum.views.profile import references

    refs = references(city, "ortsteil", "2024", "020101")
    assert [t for t, _ in refs] == ["Stadtteil: Stadtteil 0201", "Bezirk: Süd", "Stadt"]
    ew = {t: rows.set_index("indicator")["value"].get("ew_gesamt") for t, rows in refs}
    obs = city_observations()
    parts = obs[(obs["indicator"] == "ew_gesamt") & obs["area_key"].str.startswith("0201")]["value"]
    assert ew["Stadtteil: Stadtteil 0201"] == pytest.approx(parts.sum())  # all four children known
    assert np.isnan(ew["Bezirk: Süd"]) and np.isnan(ew["Stadt"])  # 020201 has no residents


def test_exports_default_to_the_finest_level_with_data(city):
    from sozialraum.export.tables import default_level

    assert default_level(city) == "ortsteil"
