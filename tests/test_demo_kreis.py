"""The Musterkreis: a fictional rural Kreis built by ``sozialraum demo --kreis`` — store, network files, feed."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from sozialraum.demo.network import network_dir
from sozialraum.demo_kreis.build import GTFS_FILE, OSM_FILE, generate, write_network
from sozialraum.io.gtfs_write import feed_problems, seconds

LAST = "2024-12-31"
COUNTS = ("rlb", "elb", "nef", "rlb_u15", "rlb_u25", "elb_langzeit", "bg", "bg_alleinerziehend", "alo_sgb2")


@pytest.fixture(scope="module")
def kreis_db(tmp_path_factory):
    from sozialraum.cli import cli

    path = tmp_path_factory.mktemp("kreis") / "kreis.duckdb"
    result = CliRunner().invoke(cli, ["demo", "--kreis", "--db", str(path)])
    assert result.exit_code == 0, result.output
    assert "Musterkreis" in result.output and "erfunden" in result.output
    return path


@pytest.fixture(scope="module")
def con(kreis_db):
    from sozialraum.store import connect

    c = connect(kreis_db)
    yield c
    c.close()


def _wide(con, level, period=LAST):
    from sozialraum.store import read

    obs = read.observations(con, level, period=period)
    return obs.pivot_table(index="area_key", columns="indicator", values="value")


def test_levels_size_and_fictional_label(con):
    from sozialraum.store import read

    lv = read.levels(con).set_index("level")
    assert list(lv.loc[["mk_ortsteil", "mk_gemeinde", "mk_kreis"], "rank"]) == [0, 1, 2]
    n_gem = len(read.areas(con, "mk_gemeinde"))
    n_ot = len(read.areas(con, "mk_ortsteil"))
    assert 20 <= n_gem <= 30 and n_ot >= 60
    kreis = _wide(con, "mk_kreis")
    assert 120_000 <= kreis.ew_gesamt.iloc[0] <= 140_000
    assert read.is_fictional(con)
    assert "fiktiv" in read.sources(con).title.iloc[0]


def test_nesting_is_exact(con):
    import shapely

    from sozialraum.store import read

    ot, gm, kr = (read.areas(con, lv) for lv in ("mk_ortsteil", "mk_gemeinde", "mk_kreis"))
    assert set(ot.parent_key) == set(gm.area_key) and set(gm.parent_key) == set(kr.area_key)
    for g in gm.itertuples():
        children = shapely.union_all(ot.geometry[ot.parent_key == g.area_key].to_numpy())
        assert children.symmetric_difference(g.geometry).area < 1.0
    assert shapely.union_all(gm.geometry.to_numpy()).symmetric_difference(kr.geometry.iloc[0]).area < 1.0
    overlap = shapely.union_all(ot.geometry.to_numpy()).area
    assert overlap == pytest.approx(ot.geometry.area.sum(), rel=1e-6)  # Ortsteile do not overlap
    assert all(k.startswith(p) for k, p in zip(ot.area_key, ot.parent_key))
    assert gm.area_key.str.startswith("99001").all()


def test_counts_consistent_and_rolled_up(con):
    ot, gm, kr = (_wide(con, lv) for lv in ("mk_ortsteil", "mk_gemeinde", "mk_kreis"))
    assert (ot.rlb == ot.elb + ot.nef).all()
    assert (ot.rlb_u15 <= ot.rlb_u25).all() and (ot.rlb_u25 <= ot.rlb).all() and (ot.rlb_u15 <= ot.ew_u15).all()
    assert (ot.elb_langzeit <= ot.elb).all() and (ot.bg <= ot.rlb).all() and (ot.bg_alleinerziehend <= ot.bg).all()
    parent = pd.Series(ot.index.str[:8], index=ot.index)
    for col in ("ew_gesamt", "rlb", "bg_alleinerziehend"):
        assert (ot[col].groupby(parent).sum() == gm[col]).all()
        assert gm[col].sum() == kr[col].iloc[0]
    assert (ot[list(COUNTS)] % 1 == 0).all().all()


def test_rural_pattern(con):
    from sozialraum.demo_kreis.build import generate

    info = generate().info
    gm = _wide(con, "mk_gemeinde")
    rate = gm.rlb / gm.ew_gesamt
    towns = rate[rate.index.isin(info["town_gemeinden"])]
    villages = rate[~rate.index.isin(info["town_gemeinden"])]
    assert towns.min() > 1.8 * villages.median()
    ot = _wide(con, "mk_ortsteil")
    ot_rate = ot.rlb / ot.ew_gesamt
    ind = ot_rate[info["industrial_villages"]]
    assert (ind > ot_rate.median()).all()
    assert 0.05 < gm.rlb.sum() / gm.ew_gesamt.sum() < 0.08
    assert (ot.ew_gesamt < 300).sum() >= 5  # small villages: small cells


def test_suppression_on_small_cells(con):
    from sozialraum.analysis.confidentiality import published

    raw = _wide(con, "mk_ortsteil")
    assert ((raw[list(COUNTS)] > 0) & (raw[list(COUNTS)] < 3)).sum().sum() >= 10  # there is something to hide
    pub = published(con, "mk_ortsteil", period=LAST)
    counts = pub[pub.indicator.isin(COUNTS)]
    assert not counts.value.between(0.5, 2.5).any()  # no 1 or 2 shown
    sup = counts[counts.flag == "suppressed"]
    assert len(sup) >= 10
    # no suppressed cell can be recomputed from its Gemeinde's published total and its published siblings
    gpub = published(con, "mk_gemeinde", period=LAST)
    gval = gpub.set_index(["area_key", "indicator"]).value
    sup = sup.assign(gemeinde=sup.area_key.str[:8])
    for (g, ind), cells in sup.groupby(["gemeinde", "indicator"]):
        assert len(cells) >= 2 or np.isnan(gval.get((g, ind), np.nan))


def _located(con, table):
    import geopandas as gpd

    from sozialraum.store import read

    pts = getattr(read, table)(con)
    ot = read.areas(con, "mk_ortsteil")[["area_key", "parent_key", "geometry"]]
    pts = gpd.GeoDataFrame(pts, geometry=gpd.points_from_xy(pts.x, pts.y), crs=ot.crs)
    joined = gpd.sjoin(pts, ot, predicate="within", how="left")
    assert joined.area_key.notna().all()  # every point inside the Kreis, in exactly one Ortsteil
    assert len(joined) == len(pts)
    return joined


def test_services_in_towns_and_venues_in_villages(con):
    info = generate().info
    towns = set(info["town_gemeinden"])
    prov = _located(con, "providers")
    in_town = prov.parent_key.isin(towns)
    counselling = prov.service_type.isin(["schuldnerberatung", "suchtberatung", "psychosozial"])
    assert counselling.sum() >= 5 and in_town[counselling].all()
    assert in_town[prov.service_type == "sozialberatung"].mean() >= 0.6
    assert in_town[prov.service_type == "kita"].mean() < 0.5  # Kitas are everywhere
    sites = _located(con, "jobcenter_sites")
    assert len(sites) == 2 and set(sites.parent_key) == towns
    venues = _located(con, "candidate_venues")
    assert {"buergeramt", "gemeindehaus", "pfarrsaal", "bibliothek", "familienzentrum"} <= set(venues.venue_type)
    village_halls = venues[venues.venue_type.isin(["gemeindehaus", "pfarrsaal"])]
    assert (~village_halls.parent_key.isin(towns)).mean() >= 0.8
    town_halls = venues[venues.venue_type == "buergeramt"]
    assert set(town_halls.parent_key) == set(_wide(con, "mk_gemeinde").index)  # one per Gemeinde


def test_same_seed_same_kreis_and_files(tmp_path):
    a, b = generate(2024), generate(2024)
    pd.testing.assert_frame_equal(a.batch.observations, b.batch.observations)
    assert a.info == b.info
    write_network(tmp_path / "a", a)
    write_network(tmp_path / "b", b)
    for name in (OSM_FILE, GTFS_FILE):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert generate(5).info["residents"] != a.info["residents"]


@pytest.fixture(scope="module")
def osm(kreis_db):
    from sozialraum.store import connect

    c = connect(":memory:")
    path = network_dir(kreis_db) / OSM_FILE
    nodes = c.execute(f"SELECT id, lon, lat FROM ST_ReadOSM('{path}') WHERE kind = 'node'").df().set_index("id")
    ways = c.execute(f"SELECT id, tags, refs FROM ST_ReadOSM('{path}') WHERE kind = 'way'").df()
    c.close()
    ways["tags"] = ways.tags.map(dict)
    ways["refs"] = ways.refs.map(list)
    return nodes, ways


def test_road_network(osm, con):
    import shapely
    from pyproj import Transformer
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    from sozialraum.store import read

    nodes, ways = osm
    hw = ways.tags.map(lambda t: t.get("highway"))
    assert {"motorway", "motorway_link", "primary", "secondary", "tertiary", "unclassified", "residential",
            "track"} <= set(hw)
    assert ways.tags[hw == "primary"].map(lambda t: t.get("ref", "")).str.startswith("B ").mean() > 0.9
    car = ways[hw.isin(["primary", "secondary", "tertiary", "unclassified", "residential"])]
    ids = np.unique(np.concatenate(car.refs.map(np.asarray).to_numpy()))
    pos = pd.Series(np.arange(len(ids)), index=ids)
    a = np.concatenate([pos[np.asarray(r[:-1])].to_numpy() for r in car.refs])
    b = np.concatenate([pos[np.asarray(r[1:])].to_numpy() for r in car.refs])
    _, comp = connected_components(coo_matrix((np.ones(len(a)), (a, b)), shape=(len(ids),) * 2), directed=False)
    # every Ortsteil's centre (the Jobcenter sites too) lies on a road of the one car network
    tr = Transformer.from_crs("EPSG:25832", "EPSG:4326", always_xy=True)
    lon, lat = tr.transform(*read.areas(con, "mk_ortsteil").geometry.representative_point().get_coordinates().T.values)
    car_xy = nodes.loc[ids, ["lon", "lat"]].to_numpy()
    nearest = [int(np.argmin(np.hypot(car_xy[:, 0] - x, car_xy[:, 1] - y))) for x, y in zip(lon, lat)]
    assert len(set(comp[nearest])) == 1
    # the motorway shares no node with any road: only its ramps reach the feeder roads
    motor = set(np.concatenate(ways.refs[hw == "motorway"].map(np.asarray).to_numpy()).tolist())
    assert not motor & set(ids.tolist())
    ramp = set(np.concatenate(ways.refs[hw == "motorway_link"].map(np.asarray).to_numpy()).tolist())
    assert 1 <= len(ramp & set(ids.tolist())) <= 4
    # roads cross rivers only on bridges
    line = {i: shapely.LineString(nodes.loc[r, ["lon", "lat"]].to_numpy()) for i, r in zip(ways.id, ways.refs)}
    river = shapely.union_all([line[i] for i in ways.id[ways.tags.map(lambda t: "waterway" in t)]])
    roads = ways[hw.notna() & ~hw.isin(["motorway", "motorway_link"])]
    crossing = roads[[line[i].intersects(river) for i in roads.id]]
    assert len(crossing) >= 5 and all(t.get("bridge") == "yes" for t in crossing.tags)


@pytest.fixture(scope="module")
def feed(kreis_db):
    with zipfile.ZipFile(network_dir(kreis_db) / GTFS_FILE) as zf:
        return {n: pd.read_csv(io.BytesIO(zf.read(n)), dtype=str) for n in zf.namelist()}


def _trips_on(feed, day: dt.date) -> pd.DataFrame:
    cal, cd = feed["calendar.txt"], feed["calendar_dates.txt"]
    weekday = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")[day.weekday()]
    ymd = day.strftime("%Y%m%d")
    active = set(cal.service_id[(cal[weekday] == "1") & (cal.start_date <= ymd) & (cal.end_date >= ymd)])
    active |= set(cd.service_id[(cd.date == ymd) & (cd.exception_type == "1")])
    active -= set(cd.service_id[(cd.date == ymd) & (cd.exception_type == "2")])
    trips = feed["trips.txt"]
    return trips[trips.service_id.isin(active)]


def test_sparse_bus_network_with_a_school_day_pattern(feed):
    assert feed_problems(feed) == []
    school_day = _trips_on(feed, dt.date(2026, 3, 3))  # a Tuesday in term time
    holiday = _trips_on(feed, dt.date(2026, 7, 14))  # a Tuesday in the summer holidays
    saturday = _trips_on(feed, dt.date(2026, 3, 7))
    sunday = _trips_on(feed, dt.date(2026, 3, 8))
    good_friday = _trips_on(feed, dt.date(2026, 4, 3))
    assert len(school_day) > 1.3 * len(holiday) > len(saturday) > len(sunday) > 0
    assert len(good_friday) == len(sunday)
    st = feed["stop_times.txt"]
    first = st[st.stop_sequence == "1"].set_index("trip_id").departure_time.map(seconds)
    evening = first[school_day.trip_id] >= 19 * 3600
    assert 0 < evening.sum() <= 0.12 * len(school_day)  # few trips in the evening
    served_sunday = set(st.stop_id[st.trip_id.isin(sunday.trip_id)])
    assert len(served_sunday) < 0.5 * len(feed["stops.txt"])  # most stops see no bus on Sundays
    assert feed["routes.txt"].route_type.eq("3").all()


def test_some_villages_have_no_bus(kreis_db, con):
    from sozialraum.store import read

    info = generate().info
    assert info["levels"]["mk_ortsteil"] == len(read.areas(con, "mk_ortsteil"))
    facts = write_network(kreis_db.parent / "again", generate())
    assert 0 < facts["bus"]["places_without_bus"] < 0.5 * info["levels"]["mk_ortsteil"]


def test_osrm_drives_between_the_towns(kreis_db, tmp_path, con):
    """OSRM's own extractor reads the file; the car time between the two Jobcenter sites is plausible: never
    faster than the straight line at motorway speed, and not a detour over the whole Kreis."""
    import shutil
    import subprocess
    from pathlib import Path

    from pyproj import Transformer

    from sozialraum.store import read

    osrm = pytest.importorskip("osrm")
    pkg = Path(osrm.__file__).parent
    shutil.copy(network_dir(kreis_db) / OSM_FILE, tmp_path / OSM_FILE)
    base = tmp_path / OSM_FILE.replace(".osm.pbf", ".osrm")
    subprocess.run([str(pkg / "bin/osrm-extract"), "-p", str(pkg / "share/profiles/car.lua"), str(tmp_path / OSM_FILE)],
                   check=True, capture_output=True, cwd=tmp_path)
    for tool in ("osrm-partition", "osrm-customize"):
        subprocess.run([str(pkg / "bin" / tool), str(base)], check=True, capture_output=True, cwd=tmp_path)
    engine = osrm.OSRM(storage_config=str(base), algorithm="MLD", use_shared_memory=False)
    sites = read.jobcenter_sites(con)
    tr = Transformer.from_crs("EPSG:25832", "EPSG:4326", always_xy=True)
    coords = [tuple(map(float, tr.transform(x, y))) for x, y in zip(sites.x, sites.y)]
    res = engine.Table(osrm.TableParameters(coordinates=coords, annotations=["duration", "distance"]))
    minutes = float(res["durations"][0][1]) / 60
    straight_km = float(np.hypot(sites.x[0] - sites.x[1], sites.y[0] - sites.y[1])) / 1000
    assert minutes >= straight_km / 130 * 60
    assert float(res["distances"][0][1]) / 1000 < 2.0 * straight_km
    assert minutes < 45


def test_a_store_with_other_data_is_not_overwritten(tmp_path):
    from sozialraum.cli import cli
    from sozialraum.store import connect, read, replace_source
    from sozialraum.testing import grid_batch

    path = tmp_path / "mine.duckdb"
    con = connect(path)
    replace_source(con, *grid_batch())
    con.close()
    result = CliRunner().invoke(cli, ["demo", "--kreis", "--db", str(path)])
    assert result.exit_code != 0 and "den Musterkreis" in str(result.exception)
    assert not network_dir(path).exists()
    result = CliRunner().invoke(cli, ["demo", "--kreis", "--db", str(path), "--keep-other-sources"])
    assert result.exit_code == 0, result.output
    con = connect(path, read_only=True)
    try:
        assert set(read.sources(con).source_id) == {"gitter", "musterkreis", "osm_netz",
                                                         "oepnv_fahrplan"}  # the other data stay
    finally:
        con.close()
    assert (network_dir(path) / OSM_FILE).exists()


def test_profile_time_series_names_the_kreis_not_a_city(tmp_path, monkeypatch):
    """The Kreis is the one top area: the profile's time series titles its line as the table's last column does
    ("Kreis: Musterkreis"), not "Stadt"."""
    import json
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    from sozialraum.demo_kreis.build import build_kreis_db

    path = tmp_path / "kreis.duckdb"
    build_kreis_db(path, routing=False)
    monkeypatch.setenv("SOZIALRAUM_DB", str(path))
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=120)
    at.query_params["level"] = "mk_ortsteil"
    at.run()
    at.switch_page("app_pages/profil.py").run()
    assert not at.exception, [e.value for e in at.exception]
    [table] = [d.value for d in at.dataframe if "Kennzahl" in d.value.columns]
    top = list(table.columns)[-1]
    assert top.startswith("Kreis: ")
    names = {trace.get("name") for chart in at.get("plotly_chart")
             for trace in json.loads(chart.proto.spec).get("data", [])}
    assert top in names and "Stadt" not in names
