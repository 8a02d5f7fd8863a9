"""Valhalla (``pyvalhalla``) for public transport: GTFS → transit tiles (``valhalla_ingest_transit``,
``valhalla_convert_transit``, ``valhalla_build_tiles``, all inside the wheel, offline) and multimodal routes and
isochrones in process. Valhalla's matrix does not do multimodal costing, so reach is read off isochrones."""

from __future__ import annotations

import functools
import json
import subprocess
import zipfile
from pathlib import Path

from sozialraum.errors import InputError

TRANSIT = "transit"  # sub-folder of the network folder


def _bin(name: str) -> Path:
    try:
        import valhalla
    except ImportError as exc:  # pragma: no cover - declared dependency
        raise InputError("Das Paket pyvalhalla (für ÖPNV-Fahrpläne) ist nicht installiert.") from exc
    return Path(valhalla.__file__).parent / "bin" / name


def _unzip_gtfs(gtfs_zip: Path, dest: Path) -> dict:
    """The feed's .txt files, flat, into ``dest``; the calendar's first and last date (YYYYMMDD)."""
    import csv
    import io

    dest.mkdir(parents=True, exist_ok=True)
    try:
        zf = zipfile.ZipFile(gtfs_zip)
    except (OSError, zipfile.BadZipFile) as exc:
        raise InputError(f"{Path(gtfs_zip).name}: kein lesbares ZIP-Archiv (GTFS erwartet)") from exc
    with zf:
        names = {Path(n).name: n for n in zf.namelist() if n.endswith(".txt") and not n.endswith("/")}
        missing = [f for f in ("stops.txt", "routes.txt", "trips.txt", "stop_times.txt") if f not in names]
        if missing:
            raise InputError(f"{Path(gtfs_zip).name}: im GTFS-Fahrplan fehlen {', '.join(missing)}")
        for name, member in names.items():
            (dest / name).write_bytes(zf.read(member))
    dates = []
    if (dest / "calendar.txt").exists():
        rows = csv.DictReader(io.StringIO((dest / "calendar.txt").read_text(encoding="utf-8-sig")))
        for r in rows:
            dates += [r.get("start_date", ""), r.get("end_date", "")]
    dates = sorted(d for d in dates if d and d.isdigit())
    return {"first": dates[0] if dates else None, "last": dates[-1] if dates else None}


def build_transit(osm_pbf: Path, gtfs_zip: Path, out_dir: Path) -> dict:
    """Transit tiles for ``gtfs_zip`` on the streets of ``osm_pbf`` in ``out_dir/transit``; the feed's dates."""
    from valhalla.config import get_config

    root = Path(out_dir) / TRANSIT
    for sub in ("gtfs/feed", "tiles", "transit"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    dates = _unzip_gtfs(Path(gtfs_zip), root / "gtfs" / "feed")
    cfg = get_config(tile_extract="", tile_dir=str(root / "tiles"))
    cfg["mjolnir"]["tile_extract"] = ""
    cfg["mjolnir"]["transit_dir"] = str((root / "transit").resolve())
    cfg["mjolnir"]["transit_feeds_dir"] = str((root / "gtfs").resolve())
    cfg["service_limits"]["isochrone"]["max_locations"] = 1
    (root / "valhalla.json").write_text(json.dumps(cfg), encoding="utf-8")
    for args in (["valhalla_ingest_transit"], ["valhalla_convert_transit"],
                 ["valhalla_build_tiles", str(Path(osm_pbf).resolve())]):
        proc = subprocess.run([str(_bin(args[0])), "-c", "valhalla.json", *args[1:]], cwd=root,
                              capture_output=True, text=True)
        if proc.returncode != 0:
            tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-5:])
            raise InputError(f"{args[0]} ist fehlgeschlagen (Rückgabewert {proc.returncode}):\n{tail}")
    return dates


def built(network_dir: Path) -> bool:
    return (Path(network_dir) / TRANSIT / "valhalla.json").exists() and \
        any((Path(network_dir) / TRANSIT / "tiles").iterdir())


@functools.lru_cache(maxsize=4)
def _actor(config: str, stamp: float):
    import valhalla

    return valhalla.Actor(config)


def actor(network_dir: Path):
    cfg = Path(network_dir) / TRANSIT / "valhalla.json"
    if not cfg.exists():
        raise InputError(f"Kein ÖPNV-Netz unter {network_dir} (mit --gtfs bauen).")
    return _actor(str(cfg), cfg.stat().st_mtime)


def costing(max_walk_m: float) -> dict:
    return {"pedestrian": {"transit_start_end_max_distance": int(max_walk_m)}}


def route(act, a_lonlat, b_lonlat, depart: str, max_walk_m: float = 2000) -> dict:
    """Multimodal trip A → B departing at ``depart`` (ISO, local time): minutes and the legs' travel types."""
    req = {"locations": [{"lon": float(a_lonlat[0]), "lat": float(a_lonlat[1])},
                         {"lon": float(b_lonlat[0]), "lat": float(b_lonlat[1])}],
           "costing": "multimodal", "costing_options": costing(max_walk_m),
           "date_time": {"type": 1, "value": depart}}
    r = act.route(req)
    man = r["trip"]["legs"][0]["maneuvers"]
    transit = [m["transit_info"].get("short_name") or m["transit_info"].get("onestop_id")
               for m in man if m.get("transit_info")]
    return {"minutes": r["trip"]["summary"]["time"] / 60.0, "types": [m.get("travel_type") for m in man],
            "lines": transit}


def isochrones(act, lonlat, minutes: list[float], depart: str, max_walk_m: float) -> dict:
    """Polygons (shapely, WGS84) reached from ``lonlat`` within each of ``minutes`` (at most 4)."""
    from shapely.geometry import shape

    req = {"locations": [{"lon": float(lonlat[0]), "lat": float(lonlat[1])}], "costing": "multimodal",
           "costing_options": costing(max_walk_m), "date_time": {"type": 1, "value": depart},
           "contours": [{"time": float(m)} for m in minutes], "polygons": True}
    iso = act.isochrone(req)
    return {float(f["properties"]["contour"]): shape(f["geometry"]) for f in iso["features"]}
