"""recipes/schmalkalden-meiningen.toml on ../shared/reference (skipped when absent): 39 Gemeinden of Kreis 16066,
their 2022 population against the Kreis figure, the Kreis indicators, the two Jobcenter sites, and the pages."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sozialraum.store import connect

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT.parent / "shared" / "reference"
APP = str(ROOT / "app.py")

pytestmark = [pytest.mark.reference]


@pytest.fixture(scope="module")
def kreis(tmp_path_factory):
    if not REFERENCE.is_dir():
        pytest.skip(f"reference data not found at {REFERENCE}")
    from sozialraum.io.recipe import run_recipe

    path = tmp_path_factory.mktemp("sm") / "sm.duckdb"
    con = connect(path)
    report = run_recipe(con, ROOT / "recipes" / "schmalkalden-meiningen.toml", REFERENCE)
    con.close()
    old = os.environ.get("SOZIALRAUM_DB")
    os.environ["SOZIALRAUM_DB"] = str(path)
    yield path, report
    if old is None:
        os.environ.pop("SOZIALRAUM_DB", None)
    else:
        os.environ["SOZIALRAUM_DB"] = old


def _con(path):
    return connect(path, read_only=True)


def test_39_gemeinden_in_one_kreis(kreis):
    con = _con(kreis[0])
    counts = dict(con.execute("SELECT level, count(*) FROM areas GROUP BY 1").fetchall())
    assert counts == {"gemeinde": 39, "kreis": 1}
    assert con.execute("SELECT DISTINCT parent_key FROM areas WHERE level='gemeinde'").fetchall() == [("16066",)]
    names = {n for (n,) in con.execute("SELECT name FROM areas WHERE level='gemeinde'").fetchall()}
    assert {"Meiningen", "Schmalkalden", "Zella-Mehlis", "Birx"} <= names
    # the Gemeinden tile their Kreis within the generalisation of VG5000
    ratio = con.execute("SELECT sum(area_m2) / (SELECT area_m2 FROM areas WHERE level='kreis') FROM areas "
                        "WHERE level='gemeinde'").fetchone()[0]
    assert ratio == pytest.approx(1.0, abs=0.02)
    con.close()


def test_population_sums_to_the_kreis_figure(kreis):
    con = _con(kreis[0])
    gem = con.execute("SELECT count(*), sum(value) FROM observations WHERE level='gemeinde' "
                      "AND indicator='ew_gesamt' AND period='2022-12-31' AND NOT derived").fetchone()
    kr = con.execute("SELECT value FROM observations WHERE level='kreis' AND indicator='ew_gesamt' "
                     "AND NOT derived").fetchone()[0]
    assert gem == (39, 123_939) and kr == 123_939
    meiningen = con.execute("SELECT o.value FROM observations o JOIN areas a USING (level, area_key) "
                            "WHERE a.name='Meiningen' AND o.indicator='ew_gesamt'").fetchone()[0]
    assert meiningen == 24_745
    got = dict(con.execute("SELECT indicator, value FROM observations WHERE level='kreis' "
                           "AND indicator IN ('gisd_score', 'arbeitslose')").fetchall())
    assert got["gisd_score"] == pytest.approx(0.65372, abs=1e-5)
    assert got["arbeitslose"] > 0
    con.close()


def test_two_jobcenter_sites_inside_their_towns(kreis):
    from sozialraum.io.points import within_areas
    from sozialraum.store import read

    con = _con(kreis[0])
    sites = read.jobcenter_sites(con)
    assert sorted(sites["site_type"]) == ["geschaeftsstelle", "hauptsitz"]
    import geopandas as gpd

    gem = read.areas(con, "gemeinde")
    pts = gpd.GeoDataFrame(sites, geometry=gpd.points_from_xy(sites["x"], sites["y"]), crs=gem.crs)
    where = within_areas(pts, gem)
    names = dict(zip(gem["area_key"], gem["name"]))
    assert sorted(names[k] for k in where) == ["Meiningen", "Schmalkalden"]
    con.close()


def test_area_filter_without_match_is_a_german_error(reference_dir):
    from sozialraum.errors import InputError
    from sozialraum.io.shapes import read_areas

    with pytest.raises(InputError, match="Kein Gebiet erfüllt den Filter"):
        read_areas(reference_dir / "germany-vg5000-2021/shp_epsg31467/VG5000_GEM.shp", key="ARS", name="GEN",
                   target_epsg=25832, filters={"SN_K": "999"})


def _run(page: str, query: dict):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=120)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_need_page_renders(kreis):
    at = _run("app_pages/bedarf.py", {"level": "gemeinde", "indicator": "ew_gesamt"})
    assert not any("Fiktive Beispieldaten" in w.value for w in at.warning)
    assert at.title


def test_reach_page_renders(kreis):
    at = _run("app_pages/angebote.py", {"level": "gemeinde"})
    assert at.title


def _copy(kreis, tmp_path):
    """A copy of the store (the app pages of this module may hold the original open in another mode)."""
    import shutil

    path = tmp_path / "sm-copy.duckdb"
    shutil.copy(kreis[0], path)
    return connect(path, read_only=True)


def test_one_estimated_venue_per_gemeinde(kreis, tmp_path):
    """The recipe gives each Gemeinde one candidate venue at a point inside it, named as an estimated location."""
    import geopandas as gpd

    from sozialraum.io.points import within_areas
    from sozialraum.store import read

    con = _copy(kreis, tmp_path)
    venues = read.candidate_venues(con)
    gem = read.areas(con, "gemeinde")
    con.close()
    assert len(venues) == 39 and set(venues["venue_type"]) == {"gemeindehaus"}
    assert all(n.endswith(": Gemeindezentrum (Lage geschätzt)") for n in venues["name"])
    pts = gpd.GeoDataFrame(venues, geometry=gpd.points_from_xy(venues["x"], venues["y"]), crs=gem.crs)
    where = within_areas(pts, gem)
    names = dict(zip(gem["area_key"], gem["name"]))
    # each venue lies inside the Gemeinde its name says
    assert [names[k] for k in where] == [n.split(":")[0] for n in venues["name"]]


def test_mobile_page_on_the_kreis_plans_a_rota_for_the_residents(kreis):
    """With estimated venues and the residents as the stand-in target group the page plans a rota (Luftlinie,
    labelled), and the reach tab measures the 39 Gemeinden against the two Jobcenter towns."""
    at = _run("app_pages/rota.py", {"level": "gemeinde"})
    assert not at.warning, [w.value for w in at.warning]
    assert any("Einwohnerzahlen" in c.value for c in at.caption)  # residents stand in for the target group
    assert any("Luftlinie" in i.value for i in at.info)
    sessions = at.dataframe[0].value
    assert len(sessions) >= 2 and all("(Lage geschätzt)" in v for v in sessions["Ort"])
    at.radio(key="rota_view").set_value("reach").run()
    assert not at.exception
    table = next(d.value for d in at.dataframe if "Bus/zu Fuß" in d.value.columns)
    assert len(table) == 39


def test_report_pdf_has_the_rota(kreis, tmp_path):
    """The Kreis's PDF report has the section „Mobile Beratung“ (rural store: by default), with its timetable of
    estimated venues, the k-curve of staff days and the straight-line travel model named as such."""
    import shutil
    import subprocess

    from sozialraum.export.report import build_report

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    con = _copy(kreis, tmp_path)
    try:
        result = build_report(con, tmp_path / "sm.pdf", with_siting=False)
    finally:
        con.close()
    text = subprocess.run(["pdftotext", "-layout", str(result.path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Mobile Beratung: Wochenplan" in text and "Nutzen jedes weiteren Einsatztags" in text
    assert "Gemeindezentrum (Lage" in text and "Einwohner/innen (Ersatz für die Zielgruppe" in text
    assert "Luftlinie" in text and "Was exakt ist und was nicht" in text
    assert "Schmalkalden-Meiningen" in text
