"""Build the street network of a store once: clip the OSM extract, run the engine's build tools for each
mode, write ``network.json`` and record the network as a source (ODbL, with its attribution) in the store."""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from sozialraum.errors import InputError

MODES = ("walk", "bike", "car")
SOURCE_ID = "osm_netz"
GTFS_SOURCE_ID = "oepnv_fahrplan"
MODE_NAMES = {"walk": "zu Fuß", "bike": "Fahrrad", "car": "Auto", "transit": "ÖPNV"}
COVER_RADIUS_M = 2000.0  # an area counts as covered when a street node lies within this of its inner point
COVER_MIN_SHARE = 0.75  # refuse an extract that covers fewer of the store's areas
ATTRIBUTION = "© OpenStreetMap-Mitwirkende"
LICENCE = "ODbL 1.0 (Open Database License)"
META = "network.json"
DEFAULT_MARGIN_M = 3000.0


@dataclass(frozen=True)
class NetworkInfo:
    path: Path
    network_id: str
    modes: tuple[str, ...]
    osm_file: str
    box: tuple[float, float, float, float] | None
    epsg: int | None
    build_seconds: dict[str, float] = field(default_factory=dict)
    fictional: bool = False
    transit_dates: tuple[str | None, str | None] = (None, None)  # the GTFS calendar's first and last day

    def base(self, mode: str) -> Path:
        return self.path / mode / "network.osrm"


def db_file(con) -> Path | None:
    """The file of the store ``con`` is connected to (None for an in-memory store)."""
    row = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    return Path(row[0]).resolve() if row and row[0] else None


def default_dir(con) -> Path | None:
    """Where a store's network lives: beside the database file, ``<stem>.network/`` (where the demo also writes
    its OSM and GTFS files, ``sozialraum.demo.network.network_dir``)."""
    from sozialraum.store.snapshots import store_of

    f = db_file(con)
    if f is not None and store_of(f) is not None:  # a snapshot of a store folder data/<stadt>/: data/<stadt>.network
        f = store_of(f)
    return f.with_name(f.stem + ".network") if f else None


def read_info(path: Path | str) -> NetworkInfo | None:
    meta = Path(path) / META
    if not meta.exists():
        return None
    try:
        d = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    from sozialraum.network import valhalla_engine
    from sozialraum.network.osrm_engine import built

    modes = tuple(m for m in d.get("modes", ()) if (m == "transit" and valhalla_engine.built(Path(path)))
                  or (m != "transit" and built(Path(path) / m / "network.osrm")))
    box = tuple(d["box"]) if d.get("box") else None
    return NetworkInfo(Path(path), d["network_id"], modes, d.get("osm_file", ""), box, d.get("epsg"),
                       d.get("build_seconds", {}), bool(d.get("fictional", False)),
                       tuple(d.get("transit_dates") or (None, None)))


def store_network_dir(con) -> Path | None:
    """The network built for this store (recorded as source ``osm_netz`` and present beside the database)."""
    try:
        row = con.execute("SELECT count(*) FROM sources WHERE source_id = ?", [SOURCE_ID]).fetchone()
    except Exception:  # noqa: BLE001 - a store without the sources table has no network
        return None
    path = default_dir(con)
    if not row or not row[0] or path is None:
        return None
    info = read_info(path)
    return path if info is not None and info.modes else None


def store_box(con, margin_m: float = DEFAULT_MARGIN_M) -> tuple[float, float, float, float] | None:
    from sozialraum.store.connection import metric_epsg

    epsg = metric_epsg(con)
    row = con.execute("SELECT min(ST_XMin(geom)), min(ST_YMin(geom)), max(ST_XMax(geom)), max(ST_YMax(geom)) "
                      "FROM areas").fetchone()
    if epsg is None or row is None or row[0] is None:
        return None
    from pyproj import Transformer

    t = Transformer.from_crs(int(epsg), 4326, always_xy=True)
    x0, y0, x1, y1 = row[0] - margin_m, row[1] - margin_m, row[2] + margin_m, row[3] + margin_m
    lons, lats = t.transform([x0, x0, x1, x1], [y0, y1, y0, y1])
    return (min(lons), min(lats), max(lons), max(lats))


def _network_id(osm_path: Path, box, modes) -> str:
    h = hashlib.sha256()
    st = osm_path.stat()
    h.update(f"{osm_path.name}|{st.st_size}|{st.st_mtime_ns}|{box}|{modes}|{time.time_ns()}".encode())
    return h.hexdigest()[:16]


def build_network(osm_path, gtfs_path=None, *, con=None, clip_to="store", margin_m: float = DEFAULT_MARGIN_M,
                  out_dir=None, modes=MODES, fictional: bool = False, threads: int = 2,
                  algorithm: str = "CH", epsg: int | None = None, gtfs_licence: str | None = None,
                  progress=None) -> NetworkInfo:
    """Build the network for ``modes`` from an OSM extract (``.osm.pbf`` or ``.osm``) into ``out_dir``.

    ``clip_to``: "store" (the areas of ``con`` plus ``margin_m``; no clipping when the store has no areas), a box
    (lon0, lat0, lon1, lat1) or None (the whole extract); only PBF files are clipped (``.osm`` XML is used
    whole). ``out_dir``: default beside the database of ``con``.
    ``algorithm``: "CH" (default: slower build, matrices 2–4 times faster) or "MLD" (build in seconds on any
    network; the demo uses it, its generated street grid contracts very slowly). See docs/ROUTING.md.
    With ``con`` the network is recorded as source ``osm_netz`` (licence ODbL, attribution
    "© OpenStreetMap-Mitwirkende"). ``gtfs_path``: a GTFS zip; public transport ("transit") is then built with
    Valhalla on the same (unclipped, PBF) extract. ``epsg``: the metric CRS of the points the network will be
    asked about (default: the store's; recorded in ``network.json``). ``gtfs_licence``: the feed's licence as
    the user states it (default: what ``feed_info.txt`` says, else "nicht angegeben"); the feed is recorded as
    source ``oepnv_fahrplan``. ``progress(text, share)``: called before each step (for a progress bar).
    Refused (``InputError``, German, nothing built): a file that is no OSM extract, a GTFS zip without its
    tables, an extract with no streets around the store's areas or covering fewer than 75 % of them.
    """
    from sozialraum.network.feeds import check_osm_file, read_feed_meta

    def step(text: str, share: float) -> None:
        if progress is not None:
            progress(text, share)

    from sozialraum.network import osrm_engine
    from sozialraum.network.clip import clip_osm

    osm_path = Path(osm_path)
    if gtfs_path is not None and not Path(gtfs_path).exists():
        raise InputError(f"GTFS-Datei nicht gefunden: {gtfs_path}")
    if gtfs_path is not None and not osm_path.name.endswith(".pbf"):
        raise InputError("Für ÖPNV (GTFS) wird der OSM-Auszug als .osm.pbf gebraucht.")
    if not osm_path.exists():
        raise InputError(f"OSM-Datei nicht gefunden: {osm_path}")
    if not (osm_path.name.endswith(".pbf") or osm_path.name.endswith(".osm")):
        raise InputError(f"{osm_path.name}: erwartet wird ein OpenStreetMap-Auszug (.osm.pbf oder .osm).")
    step("Dateien prüfen", 0.0)
    check_osm_file(osm_path)
    feed = read_feed_meta(gtfs_path) if gtfs_path is not None else None
    bad = [m for m in modes if m not in MODES]
    if bad:
        raise InputError(f"Unbekannte Verkehrsmittel: {', '.join(bad)} (möglich: {', '.join(MODES)})")
    if out_dir is None:
        out_dir = default_dir(con) if con is not None else None
        if out_dir is None:
            raise InputError("Kein Zielordner für das Netz: eine Datenbankdatei oder out_dir angeben.")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    box = None
    if not osm_path.name.endswith(".pbf"):
        clip_to = None  # OSM XML (small hand-made files): used whole, DuckDB reads only PBF
    if isinstance(clip_to, str) and clip_to == "store":
        box = store_box(con, margin_m) if con is not None else None
    elif clip_to is not None:
        box = tuple(float(v) for v in clip_to)
    if con is not None and epsg is None:
        from sozialraum.store.connection import metric_epsg

        epsg = metric_epsg(con)
    seconds: dict[str, float] = {}
    t0 = time.perf_counter()
    osrm_engine.engine.cache_clear()  # this process lets go of engines on files that are about to be rebuilt
    source = osm_path
    if box is not None:
        step("Auszug auf das Gebiet zuschneiden", 0.05)
        source = out_dir / "clipped.osm"
        counts = clip_osm(osm_path, box, source)
        if counts["ways"] == 0:
            source.unlink(missing_ok=True)
            raise InputError(f"{osm_path.name}: im Gebiet der Datenbank (mit {margin_m:g} m Rand) liegen keine "
                             "Straßen. Passt der OSM-Auszug zu den Gebieten?")
        if con is not None and isinstance(clip_to, str):
            try:
                check_coverage(con, counts["lonlat"], osm_path.name)
            except InputError:
                source.unlink(missing_ok=True)
                raise
    seconds["clip"] = round(time.perf_counter() - t0, 3)
    # From here on the engine overwrites the old network's files: drop its description and matrices first, so that
    # a build that fails now leaves no network (reach falls back to the labelled straight line), never a mix.
    (out_dir / META).unlink(missing_ok=True)
    for stale in (out_dir / "matrices").glob("*.np[yz]") if (out_dir / "matrices").exists() else ():
        stale.unlink()
    n_steps = len(modes) + (1 if gtfs_path is not None else 0)
    for i, mode in enumerate(modes):
        step(f"Netz bauen: {MODE_NAMES[mode]}", 0.1 + 0.9 * i / max(n_steps, 1))
        t = time.perf_counter()
        osrm_engine.build(source, out_dir, mode, threads=threads, algorithm=algorithm)
        seconds[mode] = round(time.perf_counter() - t, 3)
    if box is not None:
        source.unlink(missing_ok=True)
    dates = (None, None)
    if gtfs_path is not None:
        from sozialraum.network import valhalla_engine

        step("ÖPNV-Fahrplan einbauen", 0.1 + 0.9 * len(modes) / max(n_steps, 1))
        t = time.perf_counter()
        d = valhalla_engine.build_transit(osm_path, Path(gtfs_path), out_dir)
        dates = (d["first"], d["last"])
        seconds["transit"] = round(time.perf_counter() - t, 3)
        modes = (*modes, "transit")
    info = NetworkInfo(out_dir, _network_id(osm_path, box, modes), tuple(modes), osm_path.name, box, epsg,
                       seconds, fictional, dates)
    (out_dir / META).write_text(json.dumps({
        "network_id": info.network_id, "engine": f"osrm-bindings ({algorithm})", "modes": list(modes),
        "osm_file": osm_path.name, "box": list(box) if box else None, "epsg": epsg, "build_seconds": seconds,
        "fictional": fictional, "attribution": ATTRIBUTION, "licence": LICENCE, "transit_dates": list(dates),
    }, indent=1), encoding="utf-8")
    if con is not None:
        record_source(con, info, Path(gtfs_path).name if gtfs_path is not None else None)
        record_feed(con, feed, Path(gtfs_path).name if gtfs_path is not None else None, gtfs_licence, fictional)
    step("Fertig", 1.0)
    return info


def check_coverage(con, lonlat, name: str) -> None:
    """``InputError`` when the street nodes ``lonlat`` leave more than a quarter of the store's areas (finest
    level) without a street within ``COVER_RADIUS_M`` of their inner point: the extract is of another area, or cut
    off."""
    import numpy as np
    from scipy.spatial import cKDTree

    from sozialraum.network.matrix import local_xy
    from sozialraum.store.connection import read_sql

    rows = con.execute(read_sql("coverage.sql", Path(__file__).parent)).fetchall()
    if not rows or not len(lonlat):
        return
    pts = np.array([[r[1], r[2]] for r in rows], dtype="float64")
    lon0, lat0 = float(pts[:, 0].mean()), float(pts[:, 1].mean())
    dist, _ = cKDTree(local_xy(lonlat, lon0, lat0)).query(local_xy(pts, lon0, lat0), k=1)
    bare = [rows[i][0] for i in np.flatnonzero(dist > COVER_RADIUS_M)]
    share = 1 - len(bare) / len(rows)
    if share < COVER_MIN_SHARE:
        shown = ", ".join(str(b) for b in bare[:5]) + (" …" if len(bare) > 5 else "")
        raise InputError(f"{name}: der OpenStreetMap-Auszug deckt nur {share:.0%} der Gebiete ab – ohne Straßen "
                         f"sind {len(bare)} von {len(rows)} Gebieten ({shown}). Bitte einen Auszug wählen, der die "
                         "ganze Stadt oder den ganzen Kreis enthält.".replace("%", " %"))


def record_feed(con, feed, gtfs_name: str | None, licence: str | None = None, fictional: bool = False) -> None:
    """The GTFS feed as source ``oepnv_fahrplan`` with its licence and attribution (removed when the network was
    built without a feed)."""
    from sozialraum.store.write import Batch, SourceInfo, replace_source

    if feed is None:
        if con.execute("SELECT count(*) FROM sources WHERE source_id = ?", [GTFS_SOURCE_ID]).fetchone()[0]:
            from sozialraum.store.manage import delete_source

            delete_source(con, GTFS_SOURCE_ID)
        return
    date = f"{feed.first[:4]}-{feed.first[4:6]}-{feed.first[6:]}" if feed.first else time.strftime("%Y-%m-%d")
    text = (licence or "").strip() or feed.licence or "nicht angegeben (bitte beim Herausgeber erfragen)"
    replace_source(con, SourceInfo(
        source_id=GTFS_SOURCE_ID,
        title="ÖPNV-Fahrplan (GTFS)" + (" (fiktiv, vom Programm erzeugt)" if fictional else ""),
        publisher=feed.publisher or (", ".join(feed.agencies[:3]) or None), licence="CC0" if fictional else text,
        attribution=("Fiktiver, vom Programm erzeugter Fahrplan" if fictional else feed.attribution),
        reference_date=date, url=feed.url, files=(gtfs_name,) if gtfs_name else (), fictional=fictional), Batch())


def record_source(con, info: NetworkInfo, gtfs_name: str | None = None) -> None:
    from sozialraum.store.write import Batch, SourceInfo, replace_source

    title = "Straßen- und Wegenetz (OpenStreetMap)" if not info.fictional else \
        "Straßen- und Wegenetz (fiktiv, vom Programm erzeugt, im OpenStreetMap-Format)"
    replace_source(con, SourceInfo(
        source_id=SOURCE_ID, title=title,
        publisher="Sozialraum-Projekt (generiert)" if info.fictional else "OpenStreetMap-Mitwirkende",
        licence="CC0" if info.fictional else LICENCE,
        attribution=("Fiktives, vom Programm erzeugtes Straßennetz und Fahrplan (keine OpenStreetMap-Daten)"
                     if info.fictional else ATTRIBUTION),
        reference_date=time.strftime("%Y-%m-%d"),
        url=None if info.fictional else "https://www.openstreetmap.org/copyright",
        files=(info.osm_file, *((gtfs_name,) if gtfs_name else ())), fictional=info.fictional), Batch())
