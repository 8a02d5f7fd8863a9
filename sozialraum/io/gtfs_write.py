"""Write a GTFS feed (a zip of CSV tables) byte-for-byte deterministically.

``write_gtfs(path, tables)``: ``tables`` maps file names (``"stops.txt"``) to DataFrames. The required files
(agency, stops, routes, trips, stop_times, calendar) and their required columns must be there; files are written
in a fixed order, UTF-8 without BOM, ``\\n`` line ends, with a fixed timestamp in the zip, so the same feed gives
the same bytes. ``gtfs_time(seconds)`` formats service times (``25:10:00`` after midnight is allowed).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd

REQUIRED = {
    "agency.txt": ("agency_name", "agency_url", "agency_timezone"),
    "stops.txt": ("stop_id", "stop_name", "stop_lat", "stop_lon"),
    "routes.txt": ("route_id", "route_type"),
    "trips.txt": ("route_id", "service_id", "trip_id"),
    "stop_times.txt": ("trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence"),
    "calendar.txt": ("service_id", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
                     "start_date", "end_date"),
}
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def gtfs_time(seconds: int) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def write_gtfs(path: str | Path, tables: dict[str, pd.DataFrame]) -> Path:
    path = Path(path)
    for name, columns in REQUIRED.items():
        if name not in tables:
            raise ValueError(f"GTFS: {name} fehlt")
        missing = [c for c in columns if c not in tables[name].columns]
        if missing:
            raise ValueError(f"GTFS {name}: Spalte(n) {', '.join(missing)} fehlen")
    order = list(REQUIRED) + sorted(n for n in tables if n not in REQUIRED)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name in order:
            text = tables[name].to_csv(index=False, lineterminator="\n")
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, text.encode("utf-8"))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buf.getvalue())
    return path
