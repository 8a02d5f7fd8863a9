"""Berlin end to end: recipes/berlin.toml on ../shared/reference (skipped when the data is absent).

The database is built once per module (about 5 s) in a temporary folder.
"""

from pathlib import Path

import pandas as pd
import pytest

from sozialraum.store import connect
from sozialraum.store.assign import assign_points

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT.parent / "shared" / "reference"
RECIPE = ROOT / "recipes" / "berlin.toml"

pytestmark = pytest.mark.reference


@pytest.fixture(scope="module")
def berlin(tmp_path_factory):
    if not REFERENCE.is_dir():
        pytest.skip(f"reference data not found at {REFERENCE}")
    from sozialraum.io.recipe import run_recipe

    db = tmp_path_factory.mktemp("berlin") / "berlin.duckdb"
    con = connect(db)
    report = run_recipe(con, RECIPE, REFERENCE)
    yield con, db, report
    con.close()


def _raw(name, **kw):
    return pd.read_csv(REFERENCE / name, dtype=str, **kw)


def test_levels_and_area_counts(berlin):
    con, _, _ = berlin
    counts = dict(con.execute("SELECT level, count(*) FROM areas GROUP BY 1").fetchall())
    assert counts == {"berlin_plr": 542, "berlin_bzr": 143, "berlin_pgr": 58, "berlin_bez": 12}
    assert con.execute("SELECT value FROM store_meta WHERE key='metric_epsg'").fetchone() == ("25833",)
    # the Bezirk keys were cut to two characters and every PLR's parent chain ends in one of them
    bez = {r[0] for r in con.execute("SELECT area_key FROM areas WHERE level='berlin_bez'").fetchall()}
    assert bez == {f"{i:02d}" for i in range(1, 13)}
    orphans = con.execute("SELECT count(*) FROM areas c JOIN area_levels l USING (level) "
                          "WHERE l.parent_level IS NOT NULL AND c.parent_key NOT IN "
                          "(SELECT area_key FROM areas p WHERE p.level = l.parent_level)").fetchone()[0]
    assert orphans == 0
    # area of Berlin ≈ 891 km²
    total = con.execute("SELECT sum(area_m2) FROM areas WHERE level='berlin_plr'").fetchone()[0]
    assert 880e6 < total < 900e6


def test_every_plr_has_population_both_years(berlin):
    con, _, _ = berlin
    for period, total in [("2022", 3_850_809), ("2024", 3_897_145)]:
        n, s = con.execute("SELECT count(value), sum(value) FROM observations WHERE level='berlin_plr' "
                           "AND indicator='ew_gesamt' AND period=?", [period]).fetchone()
        assert (n, s) == (542, total)
        # the age groups add up to the total (u25 is deliberately not mapped: 18-27 straddles 25)
        parts = con.execute("SELECT sum(value) FROM observations WHERE level='berlin_plr' AND period=? "
                            "AND indicator IN ('ew_u15', 'ew_15_64', 'ew_65plus')", [period]).fetchone()[0]
        assert parts == total


def test_counts_roll_up(berlin):
    con, _, _ = berlin
    plr = pd.DataFrame(con.execute("SELECT area_key, value FROM observations WHERE level='berlin_plr' "
                                   "AND indicator='ew_gesamt' AND period='2024'").fetchall(), columns=["k", "v"])
    expected = plr.groupby(plr["k"].str[:2])["v"].sum().to_dict()
    got = dict(con.execute("SELECT area_key, value FROM observations WHERE level='berlin_bez' "
                           "AND indicator='ew_gesamt' AND period='2024'").fetchall())
    assert got == expected
    bzr = plr.groupby(plr["k"].str[:6])["v"].sum()
    got = dict(con.execute("SELECT area_key, value FROM observations WHERE level='berlin_bzr' "
                           "AND indicator='ew_gesamt' AND period='2024'").fetchall())
    assert got == bzr.to_dict()


def test_mss_invalid_rows_flagged_not_numbers(berlin):
    con, _, _ = berlin
    mss = _raw("berlin-mss-2021/mss2021_indexindikatoren_plr.csv")
    context = _raw("berlin-mss-2021/mss2021_kontextindikatoren_plr.csv")
    invalid = set(mss.loc[mss["KOM"] != "gültig", "PLR_ID"])
    assert invalid and invalid == set(context.loc[context["KOM"] != "gültig", "PLR_ID"])
    n_mss = con.execute("SELECT count(DISTINCT indicator) FROM observations WHERE indicator LIKE 'mss_%'").fetchone()[0]
    assert n_mss == 6 + 14  # S1 S3 S4 D1 D3 D4 and the 14 context indicators published on the 2021 PLR
    flagged = con.execute("SELECT area_key, count(*) FILTER (WHERE value IS NULL AND flag = 'missing') "
                          "FROM observations WHERE indicator LIKE 'mss_%' GROUP BY 1").fetchall()
    assert {k for k, n in flagged if n == n_mss} == invalid
    assert {k for k, n in flagged if n not in (0, n_mss)} == set()
    low = con.execute("SELECT min(value) FROM observations WHERE indicator LIKE 'mss_%'").fetchone()[0]
    assert low > -100
    s1 = dict(con.execute("SELECT area_key, value FROM observations WHERE indicator='mss_s1'").fetchall())
    assert s1["01100101"] == pytest.approx(4.22594)
    k01 = con.execute("SELECT value FROM observations WHERE indicator='mss_k01' AND area_key='01100101'").fetchone()
    assert k01[0] == pytest.approx(float(context.loc[context["PLR_ID"] == "01100101", "KI_01"].iloc[0]))
    assert con.execute("SELECT DISTINCT period FROM observations WHERE indicator='mss_s1'").fetchall() == \
        [("2020-12-31",)]


def test_kitas_land_in_their_planungsraum(berlin):
    con, _, _ = berlin
    kitas = _raw("berlin-kitas/kitaliste_2026-06_geocodiert.csv")
    kitas["point_id"] = "kita:" + kitas["id"]
    assigned = assign_points(con, "berlin_plr", "providers")
    merged = kitas.merge(assigned, on="point_id", how="left")
    assert len(merged) == 2893
    assert (merged["area_key"] == merged["geojson_feature_id"]).mean() >= 0.98
    cap, traeger = con.execute("SELECT sum(capacity), count(traeger) FROM providers "
                               "WHERE service_type='kita'").fetchone()
    assert (cap, traeger) == (199_851, 2893)


def test_osm_points_all_inside_berlin(berlin):
    con, _, _ = berlin
    for table in ["candidate_venues", "jobcenter_sites"]:
        a = assign_points(con, "berlin_plr", table)
        assert len(a) > 0 and a["area_key"].notna().all()
    prov = assign_points(con, "berlin_plr", "providers")
    osm = prov[prov["point_id"].str.startswith(("osm-bib:", "osm-stz:"))]
    assert len(osm) == 540 and osm["area_key"].notna().all()
    # every OSM point in Berlin is kept: the extract's own PLR column says which ones are inside
    libs = _raw("berlin-poi-osm/berlin-poi-2026-03-libraries.csv")
    venues = con.execute("SELECT count(*) FROM candidate_venues WHERE venue_type='bibliothek'").fetchone()[0]
    assert venues == (libs["geojson_feature_id"] != "0").sum()
    types = dict(con.execute("SELECT site_type, count(*) FROM jobcenter_sites GROUP BY 1").fetchall())
    assert set(types) == {"agentur", "geschaeftsstelle"} and sum(types.values()) == 14


def test_care_homes_and_youth_centres(berlin):
    con, _, _ = berlin
    got = dict(con.execute("SELECT service_type, count(*) FROM providers GROUP BY 1").fetchall())
    assert got["pflege"] == 274 and got["jugend"] == 407
    verbaende = dict(con.execute("SELECT dachverband, count(*) FROM providers WHERE service_type='pflege' "
                                 "GROUP BY 1").fetchall())
    assert verbaende["Diakonie"] == 46 and verbaende["Caritas"] == 17
    places = con.execute("SELECT sum(capacity) FROM providers WHERE service_type='pflege'").fetchone()[0]
    assert places == 31_154


def test_rerun_does_not_duplicate(berlin):
    from sozialraum.io.recipe import run_recipe

    con, _, _ = berlin
    tables = ["areas", "observations", "providers", "candidate_venues", "jobcenter_sites", "sources"]
    before = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
    run_recipe(con, RECIPE, REFERENCE)
    after = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
    assert after == before
