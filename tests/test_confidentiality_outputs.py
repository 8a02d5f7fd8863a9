"""Adversarial audit: no suppressed cell's raw value leaves the system by any output path.

The demo city (Musterstadt) has SGB II counts of 1 and 2 on purpose. For every suppressed cell of the gate
(``published()``) the raw stored value is known here; each output — the map tooltips the pages hand to
``st_folium``, the page tables, metrics and charts, the area profile, the coverage and blind-spot tables, the
siting plan (frames, JSON, stored scenario), CSV/XLSX/GeoPackage exports, the report tables and the CLI — is
then checked where it shows that cell: a suppression sign, never the raw value.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil

import numpy as np
import pandas as pd
import pytest

from test_app_pages_store import rerun, run_app, store_env

LEVEL = "ms_planungsraum"
PERIOD = "2024-12-31"
LEVELS = ("ms_planungsraum", "ms_stadtteil", "ms_region")
HIDDEN_TEXT = {"gesperrt", "–", "*", ""}


# --------------------------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def demo_path(tmp_path_factory):
    """One demo store for the module (the app's own connection), plus a closed copy for the CLI."""
    from sozialraum.demo import build_demo_db

    folder = tmp_path_factory.mktemp("vertraulich")
    path = folder / "demo.duckdb"
    build_demo_db(path)
    from sozialraum.demo.network import network_dir

    for name in ("cli.duckdb", "twin.duckdb"):  # each copy with the demo's street network beside it
        shutil.copy(path, folder / name)
        shutil.copytree(network_dir(path), network_dir(folder / name))
    yield from store_env(path)


@pytest.fixture(scope="module")
def con(demo_path):
    from app_pages import common

    return common._root_connection(str(demo_path.resolve())).cursor()  # the app's own connection


@pytest.fixture(scope="module")
def hidden(con) -> dict[tuple[str, str, str, str], float]:
    """(level, area_key, indicator, period) → raw stored value of every cell the gate suppresses."""
    from sozialraum.analysis.confidentiality import published
    from sozialraum.store import read

    out = {}
    for level in LEVELS:
        raw = read.observations(con, level)
        pub = published(con, level)
        both = raw.merge(pub, on=["area_key", "indicator", "period"], suffixes=("", "_pub"))
        assert len(both) == len(raw)
        sup = both[both["flag_pub"] == "suppressed"]
        assert sup["value_pub"].isna().all() and sup["numerator_pub"].isna().all()
        out.update({(level, a, i, p): v for a, i, p, v in zip(sup["area_key"], sup["indicator"], sup["period"],
                                                            sup["value"])})
    return out


def cells(hidden, level=LEVEL, period=PERIOD, indicator=None) -> dict[str, dict[str, float]]:
    """area_key → {indicator: raw value} of the suppressed cells of one level and period."""
    out: dict[str, dict[str, float]] = {}
    for (lv, area, ind, per), v in hidden.items():
        if lv == level and per == period and (indicator is None or ind == indicator):
            out.setdefault(area, {})[ind] = v
    return out


def german(value: float, decimals: int) -> str:
    from sozialraum.analysis.classify import format_number

    return format_number(float(value), decimals)


def raw_texts(ind: str, value: float) -> set[str]:
    """The ways a page or export would print ``value`` of ``ind``."""
    from sozialraum.indicators.registry import INDICATORS

    dec = 0 if INDICATORS[ind].kind == "count" else 1
    return {german(value, dec), f"{value:.{dec}f}", german(value, 2)}


def names(con) -> dict[str, str]:
    from sozialraum.store import read

    areas = read.areas(con, LEVEL, web=True)
    return dict(zip(areas["area_key"], areas["name"]))


# --------------------------------------------------------------------------------------------- the gate itself
def test_demo_has_small_counts_and_the_gate_hides_them_with_complements(con, hidden):
    from sozialraum.indicators.registry import INDICATORS
    from sozialraum.store import read

    raw = read.observations(con, LEVEL)
    counts = raw[raw["indicator"].map(lambda k: INDICATORS[k].suppressible)]
    small = {(LEVEL, a, i, p) for a, i, p, v in zip(counts["area_key"], counts["indicator"], counts["period"],
                                                   counts["value"]) if 0 < v < 3}
    assert len(small) >= 10 and small <= set(hidden)
    assert any(v >= 3 for k, v in hidden.items() if INDICATORS[k[2]].kind == "count"), "secondary suppression"
    assert cells(hidden), "the latest period has suppressed cells (the pages show it by default)"


def test_no_suppressed_count_follows_from_what_all_levels_publish(con, hidden):
    """Parent totals minus published children, an area's rlb minus elb or nef, chained over every level the
    pages show together (Planungsraum, Stadtteil, Region; the city total is the sum of published regions)."""
    from sozialraum.analysis.confidentiality import published
    from sozialraum.analysis.suppression import Equation, eliminate
    from sozialraum.indicators.registry import ADDITIVE_GROUPS, INDICATORS
    from sozialraum.store import read

    counts = [k for k, i in INDICATORS.items() if i.kind == "count" and i.suppressible]
    for period in read.periods(con, level=LEVEL):
        pos, known = {}, []
        for level in LEVELS:
            pub = published(con, level, period=period, indicators=counts)
            for a, i, v in zip(pub["area_key"], pub["indicator"], pub["value"]):
                pos[(level, a, i)] = len(pos)
                known.append(np.isfinite(v))
        eqs = []
        for child, parent in zip(LEVELS[:-1], LEVELS[1:]):
            kids: dict[str, list[str]] = {}
            for a, p in read.parent_map(con, child).items():
                kids.setdefault(p, []).append(a)
            for p, members in kids.items():
                for ind in counts:
                    if (parent, p, ind) in pos:
                        eqs.append(Equation(pos[(parent, p, ind)], tuple(pos[(child, m, ind)] for m in members
                                                                         if (child, m, ind) in pos)))
        for (level, a, ind), j in list(pos.items()):
            if ind in ADDITIVE_GROUPS and all((level, a, m) in pos for m in ADDITIVE_GROUPS[ind]):
                eqs.append(Equation(j, tuple(pos[(level, a, m)] for m in ADDITIVE_GROUPS[ind])))
        keys = list(pos)
        revealed, _ = eliminate(~np.array(known), eqs)
        leaked = [keys[c] for c in revealed if (keys[c][0], keys[c][1], keys[c][2], period) in hidden]
        assert not leaked, (period, leaked[:5])
        # the check has teeth: with the primary cells alone hidden, differencing gets some of them back
        primary = np.array([0 < hidden.get((lv, a, i, period), 0) < 3 for lv, a, i in keys])
        if primary.any():
            back, _ = eliminate(primary, eqs)
            assert any(primary[c] for c in back), period


# --------------------------------------------------------------------------------------------- maps
def _features(html: str) -> dict[str, dict]:
    """area_key → properties of the area features of a rendered folium map."""
    out = {}
    for text in re.findall(r'"properties":\s*(\{[^{}]*\})', html):
        props = json.loads(text)
        if "area_key" in props:
            out[props["area_key"]] = props
    return out


def _assert_map_hides(html: str, suppressed: dict[str, dict[str, float]], indicator: str):
    feats = _features(html)
    assert set(suppressed) <= set(feats)
    for area, vals in suppressed.items():
        props = feats[area]
        tips = [str(v) for k, v in props.items() if re.fullmatch(r"t\d+", k)]
        assert tips and all(t in HIDDEN_TEXT for t in tips), (area, props)
        assert str(props.get("hinweis", "")).startswith("gesperrt"), (area, props)
        blob = json.dumps(props, ensure_ascii=False)
        for text in raw_texts(indicator, vals[indicator]):
            assert not re.search(rf"(?<![\d,.]){re.escape(text)}(?![\d,])", blob), (area, text, props)


def test_need_map_builders_hide_every_suppressed_cell(con, hidden):
    """The builders the pages use (maps.data.indicator_input → maps.choropleth) for every indicator and period
    with suppressed cells: suppressed areas carry 'gesperrt' and no number (not even a numerator/denominator)."""
    from sozialraum.analysis.classify import classify
    from sozialraum.analysis.confidentiality import published
    from sozialraum.indicators.registry import get
    from sozialraum.maps.choropleth import choropleth
    from sozialraum.maps.data import indicator_input
    from sozialraum.store import read

    areas = read.areas(con, LEVEL, web=True)
    keys = areas["area_key"].tolist()
    pairs = sorted({(ind, per) for (lv, _, ind, per) in hidden if lv == LEVEL})
    assert len(pairs) >= 20
    for period in sorted({p for _, p in pairs}):
        pub = published(con, LEVEL, period=period)
        for ind in sorted({i for i, p in pairs if p == period}):
            inp = indicator_input(keys, pub, get(ind), period=period)
            m = choropleth(areas, inp.values, classify(inp.values, "quantiles", 5), tooltip_fields=inp.tooltip,
                           suppressed_mask=inp.suppressed, unscored_mask=inp.unscored, title=inp.title)
            _assert_map_hides(m.get_root().render(), cells(hidden, period=period, indicator=ind), ind)


@pytest.fixture
def captured_maps(monkeypatch):
    """Record the HTML of every folium map a page hands to st_folium."""
    import streamlit_folium

    seen: list[str] = []

    def fake(m, **kw):
        if kw.get("feature_group_to_add") is not None:  # the data layer sent beside the base map
            kw["feature_group_to_add"].add_to(m)
        seen.append(m.get_root().render())
        return None

    monkeypatch.setattr(streamlit_folium, "st_folium", fake)
    return seen


@pytest.mark.parametrize("indicator", ["rlb", "sgb2_quote"])
def test_bedarf_page_map_and_table_show_no_suppressed_value(demo_path, hidden, captured_maps, indicator):
    at = run_app("app_pages/bedarf.py", {"view": {"level": LEVEL, "indicator": indicator, "period": PERIOD}})
    suppressed = cells(hidden, indicator=indicator)
    assert suppressed and captured_maps
    _assert_map_hides(captured_maps[-1], suppressed, indicator)
    [table] = [d.value for d in at.dataframe if "Schlüssel" in d.value.columns]
    rows = table.set_index("Schlüssel")
    for area, vals in suppressed.items():
        assert rows.loc[area, "Wert"] == "gesperrt" and rows.loc[area, "Klasse"] == "", rows.loc[area]
    shown = set(rows["Wert"]) - {"gesperrt", "keine Angabe"}
    assert shown, "published values are shown"


# --------------------------------------------------------------------------------------------- area profile
def test_profile_table_and_time_series_hide_the_area_s_suppressed_cells(demo_path, con, hidden, captured_maps):
    from app_pages.common import format_period
    from sozialraum.indicators.registry import INDICATORS

    area = "030103"  # an industrial area with a single SGB II recipient
    mine = cells(hidden)[area]
    assert {"rlb", "sgb2_quote"} <= set(mine)
    at = run_app("app_pages/profil.py", {"view": {"level": LEVEL, "area": area, "period": PERIOD}})
    [table] = [d.value for d in at.dataframe if "Kennzahl" in d.value.columns]
    by_label = table.set_index("Kennzahl")
    for ind, raw in mine.items():
        assert by_label.loc[INDICATORS[ind].label_de, "Gebiet"] == "gesperrt", ind
    # the time series of the SGB II rate: this area's line has gaps where the gate suppresses it
    charts = at.get("plotly_chart")
    assert charts
    fig = json.loads(charts[0].proto.spec)
    series = next(t for t in fig["data"] if t.get("name") == names(con)[area])
    shown = dict(zip(series["x"], _numbers(series["y"])))
    suppressed_periods = {p for (lv, a, i, p) in hidden if lv == LEVEL and a == area and i == "sgb2_quote"}
    assert suppressed_periods and {format_period(p) for p in suppressed_periods} <= set(shown)
    for period in suppressed_periods:
        assert np.isnan(shown[format_period(period)]), (period, shown)
    others = [t for t in fig["data"] if t.get("name") != names(con)[area]]
    assert others and all(np.isfinite(_numbers(t["y"])).any() for t in others)  # published series are drawn


def _numbers(values) -> np.ndarray:
    """Plotly array (a list or the binary form {'dtype', 'bdata'}) as floats, None → NaN."""
    import base64

    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).astype(float)
    return np.array([np.nan if v is None else v for v in values], dtype=float)


# --------------------------------------------------------------------------------------------- services
def test_coverage_and_blind_spots_never_count_suppressed_areas(con, hidden):
    from sozialraum.access.present import published_counts
    from sozialraum.access.store_adapter import coverage_for_store, need_gap_for_store

    suppressed = set(cells(hidden, indicator="rlb"))
    pub = published_counts(con, LEVEL, PERIOD, "rlb")
    cov = coverage_for_store(con, LEVEL, PERIOD, "rlb", budget_min=60)
    per = cov.per_area
    mine = per[per["area_key"].isin(suppressed)]
    assert len(mine) and mine["target"].isna().all() and mine["covered"].isna().all()
    assert (mine["share"] > 0).any()  # the areas are within reach: the blanking is what hides them
    rest = per[~per["area_key"].isin(suppressed)]
    assert (rest["target"].to_numpy() == rest["area_key"].map(pub).to_numpy()).all()
    assert (rest["covered"].dropna() % 10 == 0).all() and (cov.city[["target", "covered"]] % 10 == 0).all().all()
    gaps = need_gap_for_store(con, LEVEL, PERIOD, budget_min=5)
    assert gaps.loc[gaps["area_key"].isin(suppressed), "uncovered"].isna().all()
    assert (gaps["uncovered"].dropna() % 10 == 0).all()


def _differencing_attack(per_area: pd.DataFrame, city_share: dict, total: float, counts: pd.Series) -> dict:
    """What an outsider can do with city-wide coverage shares: per service type, share × total (the published
    sum of the regions) minus the published areas' share × count leaves the suppressed areas' share × count;
    per-area shares follow from public geometry and providers. Least squares over the types → the counts."""
    unknown = counts[counts.isna()].index.tolist()
    rows, rhs = [], []
    for stype, part in per_area.groupby("service_type"):
        share = part.set_index("area_key")["share"]
        rows.append([share.get(a, 0.0) for a in unknown])
        rhs.append(city_share[stype] * total - float((share * counts).drop(unknown, errors="ignore").sum()))
    solution, *_ = np.linalg.lstsq(np.array(rows), np.array(rhs), rcond=None)
    return dict(zip(unknown, solution))


def test_coverage_shares_are_the_same_for_stores_that_publish_the_same(con, twin):
    """The coverage model runs on safe weights (published counts, stand-ins for suppressed cells): its exact
    city-wide and per-area shares are identical for two stores that differ only in suppressed cells, so the
    differencing attack (share × total minus the published areas) finds the same numbers in both — the
    stand-ins, not the suppressed counts. The chart the page sends carries one decimal anyway."""
    from sozialraum.access.present import published_counts
    from sozialraum.access.store_adapter import coverage_for_store
    from sozialraum.analysis.confidentiality import published
    from sozialraum.charts.access import coverage_bar

    guesses = []
    for c in (con, twin):
        counts = published_counts(c, LEVEL, PERIOD, "rlb_u15")
        total = float(published(c, "ms_region", period=PERIOD, indicators=["rlb_u15"])["value"].sum())
        cov = coverage_for_store(c, LEVEL, PERIOD, "rlb_u15")
        guesses.append((cov, _differencing_attack(cov.per_area, dict(zip(cov.city["service_type"],
                                                                         cov.city["share"])), total, counts)))
    (cov, guess), (cov_twin, guess_twin) = guesses
    pd.testing.assert_frame_equal(cov.per_area, cov_twin.per_area)
    pd.testing.assert_frame_equal(cov.city, cov_twin.city)
    assert guess == guess_twin  # 030103 holds 1 in one store and 2 in the other: the attack cannot tell
    fig = coverage_bar(cov.city, label="service_label")
    pct = _numbers(fig.data[0].x)
    assert len(pct) and np.array_equal(pct, np.round(pct, 1))


@pytest.fixture(scope="module")
def twin(demo_path, hidden):
    """A second store that publishes exactly the same: one child under 15 in SGB II moves between the two
    suppressed cells of Stadtteil 0301 (030101: 97 → 96, 030103: 1 → 2)."""
    from sozialraum.store import connect

    moved = {"030101": -1, "030103": +1}
    assert all((LEVEL, k, "rlb_u15", PERIOD) in hidden for k in moved)
    c = connect(demo_path.parent / "twin.duckdb")
    for key, delta in moved.items():
        c.execute("UPDATE observations SET value = value + ? WHERE level = ? AND area_key = ? "
                  "AND indicator = 'rlb_u15' AND period = ?", [delta, LEVEL, key, PERIOD])
    yield c
    c.close()


def test_2sfca_shows_the_same_for_stores_that_publish_the_same(con, twin):
    """Places per 100 children as the page prints them (one decimal) must not tell 1 from 2 in a suppressed
    cell: on raw counts, a single child moved between suppressed areas changed the Kita values shown."""
    from sozialraum.access.store_adapter import fca_for_store
    from sozialraum.analysis.confidentiality import published

    for level in LEVELS:
        pd.testing.assert_frame_equal(published(con, level, period=PERIOD), published(twin, level, period=PERIOD))
    for stype in ("kita", "familienzentrum", "jugend"):
        shown = [[("–" if pd.isna(v) else german(v, 1)) for v in
                  fca_for_store(c, LEVEL, PERIOD, "rlb_u15", service_types=[stype], scale=100.0)["value"]]
                 for c in (con, twin)]
        assert shown[0] == shown[1], stype
        assert sum(v != "–" for v in shown[0]) > 50


def test_angebote_page_coverage_table_says_gesperrt(demo_path, con, hidden, captured_maps):
    at = run_app("app_pages/angebote.py", {"view": {"level": LEVEL, "period": PERIOD}})
    at.radio(key="angebote_view").set_value("abdeckung")
    at = rerun(at)
    [per] = [d.value for d in at.dataframe if "Gebiet" in d.value.columns and "Zielgruppe" in d.value.columns]
    area_names = names(con)
    suppressed = {area_names[a]: v["rlb"] for a, v in cells(hidden, indicator="rlb").items()}
    mine = per[per["Gebiet"].isin(suppressed)]
    assert len(mine) and (mine["Zielgruppe"] == "gesperrt").all() and (mine["in Reichweite"] == "gesperrt").all()
    people = [x for col in ("Zielgruppe", "in Reichweite") for x in per[col] if x != "gesperrt"]
    assert people and all(x.startswith("≈ ") for x in people)
    fig = json.loads(at.get("plotly_chart")[0].proto.spec)
    pct = _numbers(fig["data"][0]["x"])
    assert len(pct) and np.array_equal(pct, np.round(pct, 1))  # no exact shares reach the browser


# --------------------------------------------------------------------------------------------- siting
@pytest.fixture(scope="module")
def plan(con):
    from sozialraum.siting.plan import plan_sites

    # a long walk, so the areas with suppressed counts are served and must be blanked, not just absent
    return plan_sites(con, level=LEVEL, period=PERIOD, target_indicator="rlb", budget_min=40, k=2, k_curve_max=3)


def _people_numbers(plan) -> list[float]:
    vals = [plan.summary["covered"], plan.summary["total"]]
    for frame, cols in ((plan.sites, ["covered", "marginal_gain"]), (plan.explanation, ["covered", "marginal_gain"]),
                        (plan.area_service, ["covered_after", "gain"]), (plan.site_areas, ["people"]),
                        (plan.k_curve, ["covered", "added"])):
        for c in cols:
            vals += [float(v) for v in pd.to_numeric(frame[c], errors="coerce").dropna()]
    vals += [int(x) for t in plan.explanation["areas"] for x in re.findall(r"≈ (\d+)", str(t))]
    return vals


def _assert_plan_hides(plan, con, hidden):
    from sozialraum.access.present import published_counts

    suppressed = set(cells(hidden, indicator="rlb"))
    svc = plan.area_service.set_index("area_key")
    assert suppressed <= set(svc.index)
    assert svc.loc[sorted(suppressed), ["target", "covered_after", "gain"]].isna().all().all()
    sa = plan.site_areas[plan.site_areas["area_key"].isin(suppressed)]
    assert len(sa), "a suppressed area is served by a site"
    assert pd.to_numeric(sa["people"], errors="coerce").isna().all()
    area_names = names(con)
    for text in plan.explanation["areas"]:
        for a in suppressed:
            assert f"{area_names[a]} (≈" not in str(text), text
    pub = published_counts(con, LEVEL, PERIOD, "rlb")
    other = svc.drop(index=sorted(suppressed))
    assert (other["target"].to_numpy() == other.index.map(pub).to_numpy()).all()
    numbers = _people_numbers(plan)
    assert numbers and all(v % 10 == 0 for v in numbers), [v for v in numbers if v % 10][:5]


def test_siting_plan_frames_json_and_stored_scenario_hide_suppressed_areas(con, hidden, plan):
    from sozialraum.siting import scenarios
    from sozialraum.siting.plan import SitingPlan

    _assert_plan_hides(plan, con, hidden)
    again = SitingPlan.from_json(plan.to_json())
    _assert_plan_hides(again, con, hidden)
    sid = scenarios.save(con, "Geheimhaltungsprüfung", plan)
    _assert_plan_hides(scenarios.load(con, sid), con, hidden)
    scenarios.delete(con, sid)


def test_siting_charts_carry_one_decimal_percentages(plan):
    from sozialraum.charts.siting import k_curve_chart, scenario_compare_chart

    fig = k_curve_chart(plan.k_curve, chosen_k=2, baseline=plan.summary["covered_share_fixed_only"])
    values = np.concatenate([_numbers(t.y) for t in fig.data] + [[s.y0 for s in fig.layout.shapes]])
    assert len(values) >= 4 and np.array_equal(values, np.round(values, 1))
    frame = pd.DataFrame({"name": ["A"], "covered_share": [plan.summary["covered_share"]]})
    bars = _numbers(scenario_compare_chart(frame).data[0].y)
    assert np.array_equal(bars, np.round(bars, 1))


# --------------------------------------------------------------------------------------------- exports
def _check_sheet_rows(rows: list[dict], header: dict[str, str], suppressed: dict[str, dict[str, float]], *,
                      key_col: str, geo: bool = False):
    seen = 0
    by_key = {str(r[key_col]): r for r in rows}
    for area, vals in suppressed.items():
        row = by_key[area]
        for ind in vals:
            v = row[header[ind]] if not geo else row[ind]
            if geo:
                assert v is None or (isinstance(v, float) and np.isnan(v)), (area, ind, v)
            else:
                assert v == "*", (area, ind, v)
            seen += 1
    assert seen


@pytest.mark.parametrize("period", ["2020-12-31", "2022-12-31", PERIOD])
def test_csv_and_xlsx_exports_show_a_star_for_every_suppressed_cell(con, hidden, period, tmp_path):
    from openpyxl import load_workbook

    from sozialraum.export.data_export import export_data
    from sozialraum.export.tables import indicator_sheet

    suppressed = cells(hidden, period=period)
    assert suppressed
    header = {c.key: c.header for c in indicator_sheet(con, LEVEL, period).columns}
    path = export_data(con, "indicators", "csv", tmp_path / "k.csv", level=LEVEL, period=period)
    rows = list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig")), delimiter=";"))
    _check_sheet_rows(rows, header, suppressed, key_col="Gebietsschlüssel")
    ws = load_workbook(export_data(con, "areas", "xlsx", tmp_path / "k.xlsx", level=LEVEL, period=period)).worksheets[0]
    heads = [c.value for c in ws[1]]
    xrows = [dict(zip(heads, r)) for r in ws.iter_rows(min_row=2, values_only=True)]
    _check_sheet_rows(xrows, header, suppressed, key_col="Gebietsschlüssel")


def test_geopackage_export_has_null_for_every_suppressed_cell(con, hidden, tmp_path):
    import pyogrio

    from sozialraum.export.data_export import export_data

    gpkg = export_data(con, "areas", "gpkg", tmp_path / "g.gpkg", level=LEVEL, period=PERIOD)
    layer = next(name for name, _ in pyogrio.list_layers(gpkg) if name != "felder")
    gdf = pyogrio.read_dataframe(gpkg, layer=layer)
    rows = [dict(r) for _, r in gdf.drop(columns="geometry").iterrows()]
    _check_sheet_rows(rows, {}, cells(hidden), key_col="area_key", geo=True)


def test_report_ranking_and_profile_tables_print_a_star(con, hidden):
    from sozialraum.export.document import Document
    from sozialraum.export.report_context import make_context
    from sozialraum.export.report_sections import RANK_HEADERS, profile_section, ranking_frame

    ctx = make_context(con, LEVEL, PERIOD)
    ranking, _ = ranking_frame(ctx)
    suppressed = cells(hidden)
    rows = ranking.set_index("area_key")
    checked = 0
    for area, vals in suppressed.items():
        for ind, header in RANK_HEADERS.items():
            if ind in vals and header in rows.columns:
                assert rows.loc[area, header] == "*", (area, ind)
                checked += 1
    assert checked
    doc = Document("Test")
    profile_section(ctx, doc, ["030103"], ranking)
    html = doc.html()
    from sozialraum.indicators.registry import INDICATORS

    for ind in suppressed["030103"]:
        spec = INDICATORS[ind]
        label = spec.label_de + ("" if spec.kind == "count" else f" ({spec.unit})")
        row = re.search(rf"<tr><td[^>]*>{re.escape(label.replace('&', '&amp;'))}</td><td[^>]*>([^<]*)</td>", html)
        assert row and row.group(1) == "*", (ind, row and row.group(0))


# --------------------------------------------------------------------------------------------- CLI
def test_cli_export_and_hotspots_write_no_suppressed_value(demo_path, hidden, tmp_path):
    from click.testing import CliRunner

    from sozialraum.cli import cli

    db = str(demo_path.parent / "cli.duckdb")  # a closed copy: the app holds the first file open
    runner = CliRunner()
    out = tmp_path / "k.csv"
    res = runner.invoke(cli, ["export", "--what", "indicators", "--format", "csv", "--level", LEVEL, "--period",
                              PERIOD, "--out", str(out), "--db", db])
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig")), delimiter=";"))
    from sozialraum.export.tables import _header
    from sozialraum.indicators.registry import INDICATORS

    header = {k: _header(spec) for k, spec in INDICATORS.items()}
    _check_sheet_rows(rows, header, cells(hidden), key_col="Gebietsschlüssel")
    hot = tmp_path / "hot.csv"
    res = runner.invoke(cli, ["hotspots", "--db", db, "--level", LEVEL, "--indicator", "sgb2_quote", "--period",
                              PERIOD, "--out", str(hot)])
    assert res.exit_code == 0, res.output
    frame = pd.read_csv(hot, dtype={"area_key": str})
    suppressed = cells(hidden, indicator="sgb2_quote")
    mine = frame[frame["area_key"].isin(suppressed)]
    assert len(mine) == len(suppressed) and mine["value"].isna().all()
