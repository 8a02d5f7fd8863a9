"""The embedded demo city Musterstadt: deterministic, nested, plausible, consistent counts, fictional."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest
import shapely

from sozialraum.demo import DEFAULT_SEED, build_demo_db, generate
from sozialraum.demo.plan import make_plan
from sozialraum.services import (COOPERATION_FORMS, JOBCENTER_SITE_TYPES, SERVICE_TYPES, UMBRELLA_ASSOCIATIONS,
                                 VENUE_TYPES)
from sozialraum.store import connect, metric_epsg
from sozialraum.store import read

PLR, ST, REG = "ms_planungsraum", "ms_stadtteil", "ms_region"
LAST = "2024-12-31"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    start = time.perf_counter()
    info = build_demo_db(path)
    print(f"\nMusterstadt generated and written in {time.perf_counter() - start:.2f} s")
    con = connect(path, read_only=True)
    yield con, info
    con.close()


@pytest.fixture(scope="module")
def counts(demo):
    """Planungsraum counts wide: one row per area and period, imported (not derived) values."""
    con, _ = demo
    long = con.execute("SELECT area_key, period, indicator, value FROM observations "
                       "WHERE level = ? AND NOT derived", [PLR]).df()
    return long.pivot_table(index=["area_key", "period"], columns="indicator", values="value").reset_index()


def _tables(batch) -> dict[str, pd.DataFrame]:
    out = {"levels": batch.levels, "observations": batch.observations.reset_index(drop=True),
           "areas": batch.areas.assign(wkt=batch.areas.geometry.to_wkt()).drop(columns="geometry")}
    for name, gdf in batch.points.items():
        out[name] = gdf.assign(wkt=gdf.geometry.to_wkt()).drop(columns="geometry")
    return out


def test_same_seed_same_city_other_seed_other_city(demo):
    _, info = demo
    a, _ = generate(DEFAULT_SEED)
    b, _ = generate(DEFAULT_SEED)
    c, _ = generate(DEFAULT_SEED + 1)
    ta, tb, tc = _tables(a), _tables(b), _tables(c)
    for name in ta:
        pd.testing.assert_frame_equal(ta[name], tb[name])
    assert not ta["areas"]["wkt"].equals(tc["areas"]["wkt"])
    assert not ta["observations"]["value"].equals(tc["observations"]["value"])
    # the store written by the fixture holds exactly the generated city
    assert info["residents"] == int(ta["observations"].query("indicator == 'ew_gesamt' and period == @LAST")
                                    ["value"].sum())


def test_three_nested_levels(demo):
    con, info = demo
    lv = read.levels(con).set_index("level")
    assert lv.loc[[PLR, ST, REG], "rank"].tolist() == [0, 1, 2]
    assert set(lv.loc[[PLR, ST, REG], "hierarchy"]) == {"musterstadt"}
    assert lv.loc[PLR, "label"] == "Planungsraum" and lv.loc[PLR, "parent_level"] == ST
    assert 90 <= lv.loc[PLR, "n_areas"] <= 110
    assert lv.loc[ST, "n_areas"] == 23 and lv.loc[REG, "n_areas"] == 8
    for level in (PLR, ST, REG):
        gdf = read.areas(con, level)
        assert gdf.area_key.str.fullmatch(r"\d+").all() and gdf.name.is_unique
        assert shapely.is_valid(gdf.geometry.values).all()
        assert (gdf.geom_type == "Polygon").all(), f"{level}: every area is one contiguous polygon"
    assert info["levels"] == {PLR: lv.loc[PLR, "n_areas"], ST: 23, REG: 8}


@pytest.mark.parametrize("child, parent", [(PLR, ST), (ST, REG)])
def test_children_tile_their_parent_exactly(demo, child, parent):
    con, _ = demo
    kids = read.areas(con, child)
    parents = read.areas(con, parent).set_index("area_key")
    assert kids.parent_key.isin(parents.index).all()
    assert kids.apply(lambda r: r.area_key.startswith(r.parent_key), axis=1).all()
    for key, group in kids.groupby("parent_key"):
        outer = parents.geometry[key]
        assert all(outer.buffer(0.05).contains(g) for g in group.geometry)
        union = shapely.union_all(group.geometry.values, grid_size=0.01)
        assert shapely.symmetric_difference(union, outer).area < 1.0, f"{child} {key}"
    # siblings do not overlap: their areas add up to the parent's
    assert kids.area.sum() == pytest.approx(parents.area.sum(), rel=1e-9)


def test_city_is_irregular_and_metric(demo):
    con, _ = demo
    assert metric_epsg(con) == 25832
    city = shapely.union_all(read.areas(con, REG).geometry.values)
    hull = shapely.convex_hull(city)
    assert 80e6 < city.area < 180e6
    assert city.area / hull.area < 0.985  # not a circle or a square
    x, y = city.centroid.x, city.centroid.y
    assert 380_000 < x < 620_000 and 5_450_000 < y < 5_800_000  # west/central Germany in UTM 32


def test_population_and_small_areas(demo, counts):
    last = counts[counts.period == LAST]
    assert 250_000 <= last.ew_gesamt.sum() <= 300_000
    small = last[last.ew_gesamt < 300]
    assert 2 <= len(small) <= 8
    assert sorted(counts.period.unique()) == ["2020-12-31", "2022-12-31", "2024-12-31"]
    assert len(counts) == 3 * len(last)


def test_density_highest_in_the_centre(demo):
    con, _ = demo
    dens = con.execute(
        "SELECT a.area_key, o.value / (a.area_m2 / 1e6) AS d FROM areas a JOIN observations o USING (level, area_key) "
        "WHERE a.level = ? AND o.indicator = 'ew_gesamt' AND o.period = ? ORDER BY d DESC", [REG, LAST]).df()
    assert dens.area_key.iloc[0] == "01"


def test_counts_are_consistent_integers(counts):
    c = counts
    cols = [col for col in c.columns if col not in ("area_key", "period")]
    values = c[cols].to_numpy()
    assert not np.isnan(values).any() and (values >= 0).all() and (values == np.round(values)).all()
    assert (c.ew_u15 + c.ew_15_64 + c.ew_65plus == c.ew_gesamt).all()
    assert (c.ew_u15 <= c.ew_u25).all()
    assert (c.rlb == c.elb + c.nef).all()
    assert (c.rlb_u15 <= c.rlb).all() and (c.rlb_u15 <= c.ew_u15).all()
    assert (c.rlb_u25 >= c.rlb_u15).all() and (c.rlb_u25 <= c.ew_u25).all() and (c.rlb_u25 <= c.rlb).all()
    assert (c.elb <= c.ew_15_64).all()
    assert (c.elb_langzeit <= c.elb).all() and (c.alo_sgb2 <= c.elb).all()
    assert (c.bg <= c.rlb).all() and (c.bg_alleinerziehend <= c.bg).all()
    assert ((c.rlb > 0) == (c.bg > 0)).all()


def test_small_cells_need_suppression(counts):
    assert counts.rlb.isin([1, 2]).any()
    small = counts[["rlb_u15", "rlb_u25", "bg_alleinerziehend", "alo_sgb2", "elb_langzeit"]]
    assert small.isin([1, 2]).sum().sum() >= 5


def test_sgb2_rate_and_where_it_concentrates(demo):
    con, info = demo
    city = con.execute("SELECT value FROM observations WHERE level = ? AND indicator = 'sgb2_quote' "
                       "AND period = ?", [REG, LAST]).df()
    rlb, ew = con.execute("SELECT sum(numerator), sum(denominator) FROM observations WHERE level = ? "
                          "AND indicator = 'sgb2_quote' AND period = ?", [REG, LAST]).fetchone()
    assert 10.0 <= rlb / ew * 100 <= 12.0
    assert city.value.max() > 1.3 * rlb / ew * 100  # Regionen differ
    rate = con.execute("SELECT area_key, value, denominator FROM observations WHERE level = ? "
                       "AND indicator = 'sgb2_quote' AND period = ? AND denominator >= 300", [PLR, LAST]).df()
    top = rate.nlargest(int(np.ceil(len(rate) / 10)), "value")
    assert set(top.area_key) <= set(info["focus_areas"])
    assert 25.0 <= top.value.max() <= 40.0
    assert rate.value.min() < 4.0  # affluent quarters


def test_quarters_change_differently_over_time(demo):
    con, _ = demo
    rate = con.execute("SELECT area_key, period, value FROM observations WHERE level = ? "
                       "AND indicator = 'sgb2_quote' AND denominator >= 300", [PLR]).df()
    wide = rate.pivot(index="area_key", columns="period", values="value")
    change = wide[LAST] - wide["2022-12-31"]
    assert change.min() < -1.0 and change.max() > 1.0
    assert change.std() > 0.5


def test_providers_cover_every_service_type(demo):
    con, _ = demo
    prov = read.providers(con)
    assert set(prov.service_type) == set(SERVICE_TYPES)
    free = prov[prov.service_type != "jobcenter"]
    assert free.dachverband.isin(UMBRELLA_ASSOCIATIONS).all()
    assert free.kooperation.isin(COOPERATION_FORMS).all()
    kita = prov[prov.service_type == "kita"]
    assert (kita.capacity > 0).all() and (kita.capacity_unit == "Plätze").all()
    assert prov.opening_hours.notna().all() and prov.address.notna().all()
    assert prov.barrier_free.any() and not prov.barrier_free.all()
    city = shapely.union_all(read.areas(con, REG).geometry.values)
    assert shapely.contains_xy(city, prov.x, prov.y).all()


def test_counselling_is_dense_in_the_centre(demo):
    con, _ = demo
    prov = read.providers(con)
    centre = read.areas(con, REG).set_index("area_key").geometry["01"]
    counselling = prov[prov.service_type.isin(["schuldnerberatung", "suchtberatung", "psychosozial"])]
    inside = shapely.contains_xy(centre, counselling.x, counselling.y).mean()
    residents_share = _share_of_residents(con, "01")
    assert inside > residents_share + 0.15


def _share_of_residents(con, region):
    ew = con.execute("SELECT area_key, value FROM observations WHERE level = ? AND indicator = 'ew_gesamt' "
                     "AND period = ?", [REG, LAST]).df().set_index("area_key").value
    return ew[region] / ew.sum()


def test_jobcenter_sites_and_venues(demo):
    con, info = demo
    sites = read.jobcenter_sites(con)
    assert sorted(sites.site_type) == ["geschaeftsstelle"] * 3 + ["hauptsitz"]
    assert set(sites.site_type) <= set(JOBCENTER_SITE_TYPES)
    venues = read.candidate_venues(con)
    assert 35 <= len(venues) <= 70
    assert set(venues.venue_type) == set(VENUE_TYPES) - {"gemeindehaus", "pfarrsaal"}  # village halls: Kreis
    assert venues.barrier_free.notna().all() and venues.barrier_free.any()
    plr = read.areas(con, PLR)
    focus = plr[plr.area_key.isin(info["focus_areas"])]
    in_focus = shapely.contains_xy(shapely.union_all(focus.geometry.values), venues.x, venues.y)
    assert in_focus.sum() >= 3  # outreach venues inside the poor quarters


def test_source_is_fictional(demo):
    con, _ = demo
    src = read.sources(con).set_index("source_id")
    # the demo data and its (generated, fictional) street network built through sozialraum.network
    assert set(src.index) == {"musterstadt", "osm_netz", "oepnv_fahrplan"} and src.fictional.all()
    assert src.loc["oepnv_fahrplan", "licence"] == "CC0" and "Fiktiv" in src.loc["oepnv_fahrplan", "attribution"]
    assert "fiktiv" in src.loc["musterstadt", "title"] and src.loc["musterstadt", "licence"] == "CC0"
    # no OSM data in it, so no OSM attribution: it says it is generated
    assert "OpenStreetMap-Mitwirkende" not in src.loc["osm_netz", "attribution"]
    assert "Fiktiv" in src.loc["osm_netz", "attribution"] and src.loc["osm_netz", "licence"] == "CC0"
    assert read.is_fictional(con)


def test_plan_outline_is_deterministic():
    a = make_plan(np.random.default_rng(5)).outline()
    b = make_plan(np.random.default_rng(5)).outline()
    assert a.equals(b) and a.is_valid


def _path_blocks(n: int):
    """n blocks in a row (0-1-2-…), each edge costing 1: a graph whose growth can be worked out by hand."""
    from sozialraum.demo.geometry import Blocks

    neighbours = tuple(np.array([j for j in (i - 1, i + 1) if 0 <= j < n]) for i in range(n))
    costs = tuple(np.ones(len(nb)) for nb in neighbours)
    return Blocks(np.empty(n, dtype=object), np.column_stack([np.arange(n), np.zeros(n)]).astype(float),
                  np.ones(n), np.ones(n), neighbours, costs)


def test_grow_on_a_path_by_hand():
    from sozialraum.demo.geometry import grow

    blocks = _path_blocks(5)
    # equal seeds at both ends: the middle block is a tie, won by the first seed
    assert grow(blocks, [0, 4]).tolist() == [0, 0, 0, 1, 1]
    # the second seed travels at half cost: it reaches block 2 at 1.0 (< 2.0) and block 1 at 1.5 (> 1.0)
    assert grow(blocks, [0, 4], factors=[1.0, 0.5]).tolist() == [0, 0, 1, 1, 1]
    # a block that is not allowed stops the growth: nothing beyond it is reached
    allowed = np.array([True, True, False, True, True])
    assert grow(blocks, [0], allowed=allowed).tolist() == [0, 0, -1, -1, -1]


def test_allocate_by_hand():
    from sozialraum.demo.geometry import allocate

    assert allocate(8, np.array([1.0, 1.0, 2.0]), minimum=1).tolist() == [2, 2, 4]
    # the minimum wins over proportionality, the total still holds
    assert allocate(10, np.array([0.0, 1.0, 9.0]), minimum=2).tolist() == [2, 2, 6]
    assert allocate(7, np.array([5.0, 1.0, 1.0]), minimum=2, maximum=3).tolist() == [3, 2, 2]


def test_region_names_follow_the_compass():
    from sozialraum.demo.names import compass8, region_names

    assert [compass8(b) for b in (0, 44, 90, 181, 300, 359)] == ["Nord", "Nordost", "Ost", "Süd", "Nordwest",
                                                                  "Nord"]
    names = region_names(np.array([0.0, 10.0, 95.0, 185.0, 270.0]), np.array([True, False, False, False, False]))
    assert names == ["Innenstadt", "Nord", "Ost", "Süd", "West"]


def test_cli_builds_the_demo_and_says_it_is_fictional(tmp_path):
    from click.testing import CliRunner

    from sozialraum.cli.demo_cmd import demo as demo_command

    path = tmp_path / "cli.duckdb"
    path.write_text("not a database")  # an existing file that is no store is replaced only with --force
    result = CliRunner().invoke(demo_command, ["--db", str(path), "--seed", "7"])
    assert result.exit_code != 0 and "keine Sozialraum-Datenbank" in str(result.exception)
    assert path.read_text() == "not a database"
    result = CliRunner().invoke(demo_command, ["--db", str(path), "--seed", "7", "--force"])
    assert result.exit_code == 0, result.output
    assert "Planungsräume" in result.output and "erfunden" in result.output and "Startwert 7" in result.output
    con = connect(path, read_only=True)
    try:
        assert read.is_fictional(con)
        n = con.execute("SELECT count(*) FROM areas WHERE level = 'ms_stadtteil'").fetchone()[0]
        assert n == 23
    finally:
        con.close()
