"""Write a GTFS feed (a zip of CSV tables) byte-for-byte deterministically.

``write_gtfs(path, tables)``: ``tables`` maps file names (``"stops.txt"``) to DataFrames. The required files
(agency, stops, routes, trips, stop_times, calendar) and their required columns must be there; files are written
in a fixed order, UTF-8 without BOM, ``\\n`` line ends, with a fixed timestamp in the zip, so the same feed gives
the same bytes; a feed that ``feed_problems`` finds fault with is refused. ``gtfs_time(seconds)`` formats
service times (``25:10:00`` after midnight is allowed).
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


def seconds(text: str) -> int:
    """Seconds after midnight of a GTFS time such as ``25:10:00``."""
    h, m, s = (int(x) for x in text.split(":"))
    return h * 3600 + m * 60 + s


def _seconds(times: pd.Series) -> pd.Series:
    """Seconds after midnight, NaN where a time is not H:MM:SS."""
    parts = times.astype(str).str.extract(r"^(\d{1,3}):([0-5]\d):([0-5]\d)$").apply(pd.to_numeric)
    return parts[0] * 3600 + parts[1] * 60 + parts[2]


def feed_problems(tables: dict[str, pd.DataFrame]) -> list[str]:
    """What is wrong with a feed (empty list: nothing found): required files and columns, references between
    the tables, times monotonic within each trip, calendar dates. Tables as read with ``dtype=str``."""
    problems = []
    for name, cols in REQUIRED.items():
        if name not in tables:
            problems.append(f"{name} missing")
            continue
        problems += [f"{name}: column {c} missing" for c in cols if c not in tables[name].columns]
        problems += [f"{name}: empty values in {c}" for c in cols if c in tables[name] and tables[name][c].isna().any()]
    if problems:
        return problems
    stops, routes, trips, st, cal = (tables[n] for n in ("stops.txt", "routes.txt", "trips.txt", "stop_times.txt",
                                                          "calendar.txt"))
    services = set(cal.service_id)
    if "calendar_dates.txt" in tables:
        services |= set(tables["calendar_dates.txt"].service_id)
    for frame, key in ((stops, "stop_id"), (routes, "route_id"), (trips, "trip_id")):
        if frame[key].duplicated().any():
            problems.append(f"duplicate {key}")
    problems += [f"trip {t}: unknown route" for t in trips.trip_id[~trips.route_id.isin(routes.route_id)]]
    problems += [f"trip {t}: unknown service" for t in trips.trip_id[~trips.service_id.isin(services)]]
    problems += ["stop_times: unknown stop"] * int((~st.stop_id.isin(stops.stop_id)).sum() > 0)
    problems += ["stop_times: unknown trip"] * int((~st.trip_id.isin(trips.trip_id)).sum() > 0)
    if "shape_id" in trips:
        known = set(tables["shapes.txt"].shape_id) if "shapes.txt" in tables else set()
        if not trips.shape_id.dropna().isin(known).all():
            problems.append("trips: unknown shape_id")
    lat, lon = stops.stop_lat.astype(float), stops.stop_lon.astype(float)
    if not (lat.between(-90, 90).all() and lon.between(-180, 180).all()):
        problems.append("stop coordinates out of range")
    s = st.assign(t=_seconds(st.arrival_time), d=_seconds(st.departure_time), q=st.stop_sequence.astype(int))
    if s.t.isna().any() or s.d.isna().any():
        return problems + ["stop_times: a time is not H:MM:SS"]
    s = s.sort_values(["trip_id", "q"])
    same = s.trip_id.eq(s.trip_id.shift())
    if (s.d < s.t).any() or ((s.t < s.d.shift()) & same).any() or ((s.q <= s.q.shift()) & same).any():
        problems.append("stop_times not monotonic within a trip")
    if (s.groupby("trip_id").size() < 2).any():
        problems.append("a trip with fewer than two stops")
    for col in ("start_date", "end_date"):
        if pd.to_datetime(cal[col], format="%Y%m%d", errors="coerce").isna().any():
            problems.append(f"calendar {col} not YYYYMMDD")
    if (cal.start_date > cal.end_date).any():
        problems.append("calendar ends before it starts")
    if not cal[["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]].isin(
            ["0", "1"]).all().all():
        problems.append("calendar weekday flags not 0/1")
    if "calendar_dates.txt" in tables:
        cd = tables["calendar_dates.txt"]
        if pd.to_datetime(cd.date, format="%Y%m%d", errors="coerce").isna().any() or \
                not cd.exception_type.isin(["1", "2"]).all():
            problems.append("calendar_dates invalid")
    return problems


def write_gtfs(path: str | Path, tables: dict[str, pd.DataFrame]) -> Path:
    path = Path(path)
    for name, columns in REQUIRED.items():
        if name not in tables:
            raise ValueError(f"GTFS: {name} fehlt")
        missing = [c for c in columns if c not in tables[name].columns]
        if missing:
            raise ValueError(f"GTFS {name}: Spalte(n) {', '.join(missing)} fehlen")
    as_text = {n: t.astype(str).where(t.notna(), None) for n, t in tables.items()}
    problems = feed_problems(as_text)
    if problems:
        raise ValueError("GTFS: " + "; ".join(problems[:5]))
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
