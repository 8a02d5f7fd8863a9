"""The files a network is built from are checked before the engine sees them (German errors for bad, empty, wrong-
area files), the GTFS feed is recorded as its own source with its licence, and that source reaches the report's
source list. The tiny town of test_network_store (6 × 6 streets, 100 m blocks) is the extract."""

from __future__ import annotations

import zipfile

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box
from test_network_store import DX, DY, LAT0, LON0, _store, _town_osm

from sozialraum.errors import InputError


def _gtfs(path, *, feed_info: str | None = None, agency: str = "agency_id,agency_name,agency_url,agency_timezone\n"
          "a1,Verkehrsbetriebe Musterort,https://vb.example,Europe/Berlin\n", stops: bool = True):
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("agency.txt", agency)
        if feed_info is not None:
            zf.writestr("feed_info.txt", feed_info)
        zf.writestr("stops.txt", "stop_id,stop_name,stop_lat,stop_lon\n" + ("s1,Markt,50.5,9.3\n" if stops else ""))
        zf.writestr("routes.txt", "route_id,agency_id,route_short_name,route_type\nr1,a1,1,3\n")
        zf.writestr("trips.txt", "route_id,service_id,trip_id\nr1,wk,t1\n")
        zf.writestr("stop_times.txt", "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
                                      "t1,08:00:00,08:00:00,s1,1\n")
        zf.writestr("calendar.txt", "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,"
                                    "start_date,end_date\nwk,1,1,1,1,1,0,0,20260302,20261213\n")
    return path


def test_check_osm_file_refuses_what_is_no_extract(tmp_path):
    from sozialraum.network.feeds import check_osm_file

    assert check_osm_file(_town_osm(tmp_path / "town.osm.pbf")) == "pbf"
    (tmp_path / "leer.osm.pbf").write_bytes(b"")
    with pytest.raises(InputError, match="leer"):
        check_osm_file(tmp_path / "leer.osm.pbf")
    with pytest.raises(InputError, match="ZIP-Archiv, kein OpenStreetMap-Auszug"):
        check_osm_file(_gtfs(tmp_path / "fahrplan.osm.pbf"))
    (tmp_path / "tabelle.osm.pbf").write_text("id;name\n1;Markt\n" * 10, encoding="utf-8")
    with pytest.raises(InputError, match="kein OpenStreetMap-Auszug im PBF-Format"):
        check_osm_file(tmp_path / "tabelle.osm.pbf")


def test_a_truncated_download_is_refused_in_german(tmp_path):
    from sozialraum.network import build_network

    whole = _town_osm(tmp_path / "town.osm.pbf").read_bytes()
    cut = tmp_path / "abgebrochen.osm.pbf"
    cut.write_bytes(whole[: len(whole) // 2])
    con = _store(tmp_path / "s.duckdb")
    try:
        with pytest.raises(InputError, match="lässt sich nicht lesen"):
            build_network(cut, con=con, margin_m=300, modes=("walk",))
        assert con.execute("SELECT count(*) FROM sources WHERE source_id = 'osm_netz'").fetchone()[0] == 0
    finally:
        con.close()


def test_an_extract_that_covers_only_part_of_the_store_is_refused(tmp_path):
    """Two areas: one over the town, one 5 km east with no streets in the extract → 50 % < 75 % covered."""
    from sozialraum.network import build_network
    from sozialraum.store import Batch, SourceInfo, replace_source

    con = _store(tmp_path / "s.duckdb")
    try:
        east = gpd.GeoSeries([box(LON0 + 0.07, LAT0, LON0 + 0.07 + 5 * DX, LAT0 + 5 * DY)], crs=4326).to_crs(25832)
        far = gpd.GeoDataFrame({"level": ["ort"], "area_key": ["2"], "name": ["Weiler Ost"], "parent_key": [None]},
                               geometry=east.values, crs=25832)
        replace_source(con, SourceInfo("ost", "Ost", fictional=True), Batch(areas=far))
        with pytest.raises(InputError, match=r"nur 50 % der Gebiete.*Weiler Ost"):
            build_network(_town_osm(tmp_path / "town.osm.pbf"), con=con, margin_m=300, modes=("walk",))
        assert con.execute("SELECT count(*) FROM sources WHERE source_id = 'osm_netz'").fetchone()[0] == 0
    finally:
        con.close()


def test_feed_meta_reads_publisher_licence_and_dates(tmp_path):
    from sozialraum.network.feeds import read_feed_meta

    meta = read_feed_meta(_gtfs(tmp_path / "f.zip", feed_info="feed_publisher_name,feed_publisher_url,feed_lang,"
                                                            "feed_license\nVerbund Nord,https://vn.example,de,"
                                                            "CC BY 4.0\n"))
    assert (meta.publisher, meta.url, meta.licence) == ("Verbund Nord", "https://vn.example", "CC BY 4.0")
    assert meta.agencies == ("Verkehrsbetriebe Musterort",) and (meta.first, meta.last) == ("20260302", "20261213")
    assert meta.attribution == "Fahrplandaten: Verbund Nord, Verkehrsbetriebe Musterort"
    bare = read_feed_meta(_gtfs(tmp_path / "g.zip"))
    assert bare.licence is None and bare.publisher is None
    assert bare.attribution == "Fahrplandaten: Verkehrsbetriebe Musterort"


def test_feed_meta_refuses_what_is_no_feed(tmp_path):
    from sozialraum.network.feeds import read_feed_meta

    (tmp_path / "x.zip").write_text("kein zip")
    with pytest.raises(InputError, match="kein ZIP-Archiv"):
        read_feed_meta(tmp_path / "x.zip")
    with zipfile.ZipFile(tmp_path / "y.zip", "w") as zf:
        zf.writestr("stops.txt", "stop_id\n")
    with pytest.raises(InputError, match="fehlen routes.txt, trips.txt, stop_times.txt"):
        read_feed_meta(tmp_path / "y.zip")
    with pytest.raises(InputError, match="keine Haltestellen"):
        read_feed_meta(_gtfs(tmp_path / "z.zip", stops=False))


def test_the_feed_is_a_source_with_the_licence_the_user_gave_and_reaches_the_report(tmp_path):
    from sozialraum.export.report_methods import attributions, sources_frame
    from sozialraum.network.build import GTFS_SOURCE_ID, record_feed
    from sozialraum.network.feeds import read_feed_meta
    from sozialraum.store import read

    con = _store(tmp_path / "s.duckdb")
    try:
        meta = read_feed_meta(_gtfs(tmp_path / "fahrplan.zip"))
        record_feed(con, meta, "fahrplan.zip", "CC BY 4.0 (Verkehrsbetriebe Musterort)")
        src = read.sources(con).set_index("source_id").loc[GTFS_SOURCE_ID]
        assert src["licence"] == "CC BY 4.0 (Verkehrsbetriebe Musterort)"
        assert src["attribution"] == "Fahrplandaten: Verkehrsbetriebe Musterort"
        assert src["reference_date"] == "2026-03-02" and "fahrplan.zip" in str(src["files"])
        shown = sources_frame(read.sources(con))
        assert "CC BY 4.0 (Verkehrsbetriebe Musterort)" in shown["Lizenz"].tolist()
        assert "Fahrplandaten: Verkehrsbetriebe Musterort" in attributions(read.sources(con))
        record_feed(con, meta, "fahrplan.zip")  # no licence given and none in the feed: said so, not left blank
        assert read.sources(con).set_index("source_id").loc[GTFS_SOURCE_ID, "licence"].startswith("nicht angegeben")
        record_feed(con, None, None)  # rebuilt without a feed: the feed's source goes
        assert GTFS_SOURCE_ID not in read.sources(con)["source_id"].tolist()
    finally:
        con.close()


def test_progress_is_reported_step_by_step(tmp_path):
    from sozialraum.network import build_network

    con = _store(tmp_path / "s.duckdb")
    seen = []
    try:
        build_network(_town_osm(tmp_path / "town.osm.pbf"), con=con, margin_m=300, modes=("walk", "car"),
                      algorithm="MLD", progress=lambda text, share: seen.append((text, share)))
    finally:
        con.close()
    texts = [t for t, _ in seen]
    assert texts[0] == "Dateien prüfen" and texts[-1] == "Fertig"
    assert "Netz bauen: zu Fuß" in texts and "Netz bauen: Auto" in texts
    shares = [s for _, s in seen]
    assert shares == sorted(shares) and shares[-1] == 1.0
    assert isinstance(pd.Series(shares).iloc[0], float)


def test_a_build_that_fails_in_the_engine_leaves_no_half_network(tmp_path, monkeypatch):
    """The old network's description and matrices go before the engine overwrites its files: a failure then means
    "no network" (labelled straight line), never old metadata over new files."""
    from sozialraum.network import build_network, osrm_engine, read_info, store_network_dir

    con = _store(tmp_path / "s.duckdb")
    try:
        osm = _town_osm(tmp_path / "town.osm.pbf")
        info = build_network(osm, con=con, margin_m=300, modes=("walk",), algorithm="MLD")
        assert store_network_dir(con) == info.path

        def broken(*args, **kwargs):
            raise InputError("osrm-extract (walk) ist fehlgeschlagen (Rückgabewert 1)")

        monkeypatch.setattr(osrm_engine, "build", broken)
        with pytest.raises(InputError, match="osrm-extract"):
            build_network(osm, con=con, margin_m=300, modes=("walk",), algorithm="MLD")
        assert read_info(info.path) is None and store_network_dir(con) is None
    finally:
        con.close()
