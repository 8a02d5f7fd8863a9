"""Checks of the files a network is built from, before the engine sees them, and what a GTFS feed says about itself
(publisher, licence, service dates) so that the feed is recorded as a source with its licence.

* ``check_osm_file(path)``: an OSM PBF (its first block is an ``OSMHeader``) or OSM XML; German ``InputError``
  otherwise (empty, another file type, a truncated download).
* ``read_feed_meta(path) -> FeedMeta``: publisher, URL, licence (the non-standard ``feed_license`` column of
  ``feed_info.txt`` that some publishers add, else none: the user enters it), agencies, attributions, dates.
"""

from __future__ import annotations

import csv
import io
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

from sozialraum.errors import InputError

GTFS_REQUIRED = ("stops.txt", "routes.txt", "trips.txt", "stop_times.txt")
LICENCE_COLUMNS = ("feed_license", "feed_licence", "license", "licence", "feed_license_url")


def check_osm_file(path) -> str:
    """"pbf" or "xml" for a readable OSM file; ``InputError`` (German) for anything else."""
    path = Path(path)
    name = path.name
    try:
        size = path.stat().st_size
        with open(path, "rb") as f:
            head = f.read(64)
    except OSError as exc:
        raise InputError(f"Die Datei lässt sich nicht lesen ({exc.strerror}).", file=name) from None
    if size == 0:
        raise InputError("Die Datei ist leer.", file=name)
    if head.lstrip().startswith(b"<?xml") or head.lstrip().startswith(b"<osm"):
        return "xml"
    if head[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        raise InputError("Das ist ein ZIP-Archiv, kein OpenStreetMap-Auszug (.osm.pbf). Ein GTFS-Fahrplan gehört "
                         "in das Feld „Fahrplan“.", file=name)
    if len(head) < 8:
        raise InputError("Die Datei ist zu kurz für einen OpenStreetMap-Auszug.", file=name)
    (length,) = struct.unpack(">I", head[:4])
    if not 0 < length < 64 * 1024 or b"OSMHeader" not in head[4:4 + min(length, 60)]:
        raise InputError("Die Datei ist kein OpenStreetMap-Auszug im PBF-Format (erwartet: .osm.pbf, z. B. von "
                         "download.geofabrik.de).", file=name)
    return "pbf"


@dataclass(frozen=True)
class FeedMeta:
    publisher: str | None
    url: str | None
    licence: str | None  # only when the feed states one (feed_info.txt)
    agencies: tuple[str, ...]
    attributions: tuple[str, ...]
    first: str | None  # YYYYMMDD
    last: str | None
    n_stops: int
    n_routes: int

    @property
    def attribution(self) -> str:
        """What to print beside maps and in reports that use the feed."""
        names = list(dict.fromkeys([*self.attributions, *([self.publisher] if self.publisher else []),
                                    *self.agencies[:3]]))
        more = " u. a." if len(self.agencies) > 3 else ""
        return "Fahrplandaten: " + (", ".join(names) + more if names else "Herausgeber nicht angegeben")


def _rows(zf: zipfile.ZipFile, names: dict, file: str) -> list[dict]:
    if file not in names:
        return []
    text = zf.read(names[file]).decode("utf-8-sig", errors="replace")
    return [{(k or "").strip(): (v or "").strip() for k, v in r.items()} for r in csv.DictReader(io.StringIO(text))]


def read_feed_meta(path) -> FeedMeta:
    """What the GTFS zip at ``path`` says about itself; ``InputError`` (German) for a file that is no GTFS feed."""
    path = Path(path)
    name = path.name
    try:
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile):
        raise InputError("Die Datei ist kein ZIP-Archiv; ein GTFS-Fahrplan ist eine .zip-Datei mit stops.txt, "
                         "routes.txt, trips.txt und stop_times.txt.", file=name) from None
    with zf:
        names = {Path(n).name: n for n in zf.namelist() if n.endswith(".txt") and not n.endswith("/")}
        missing = [f for f in GTFS_REQUIRED if f not in names]
        if missing:
            raise InputError(f"Im GTFS-Fahrplan fehlen {', '.join(missing)}.", file=name)
        info = (_rows(zf, names, "feed_info.txt") or [{}])[0]
        agencies = tuple(dict.fromkeys(r.get("agency_name", "") for r in _rows(zf, names, "agency.txt")
                                       if r.get("agency_name")))
        attributions = tuple(dict.fromkeys(r.get("organization_name", "")
                                           for r in _rows(zf, names, "attributions.txt")
                                           if r.get("organization_name")))
        stops = _rows(zf, names, "stops.txt")
        routes = _rows(zf, names, "routes.txt")
        dates = [d for r in _rows(zf, names, "calendar.txt") for d in (r.get("start_date"), r.get("end_date"))]
        dates += [r.get("date") for r in _rows(zf, names, "calendar_dates.txt")]
    if not stops or not routes:
        raise InputError("Der GTFS-Fahrplan enthält keine Haltestellen oder keine Linien.", file=name)
    dates = sorted(d for d in dates if d and d.isdigit() and len(d) == 8)
    licence = next((info[c] for c in LICENCE_COLUMNS if info.get(c)), None)
    return FeedMeta(info.get("feed_publisher_name") or None, info.get("feed_publisher_url") or None, licence,
                    agencies, attributions, dates[0] if dates else None, dates[-1] if dates else None,
                    len(stops), len(routes))
