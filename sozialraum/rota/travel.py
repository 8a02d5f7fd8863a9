"""Travel for the rota without a road network or timetable: straight line × a rural detour factor.

This is the labelled fallback (``FALLBACK_NOTE``); a caller with real car/bus travel times passes its own
matrices to ``sozialraum.rota.model`` instead. Bus availability by time of day: service windows (minutes after
midnight); a session is reachable by bus when the trip there (leaving ``minutes`` before the start) and the trip
back (leaving at the end) both fall into a window. Walking needs no bus and counts at any time.
"""

from __future__ import annotations

import re

import numpy as np

from sozialraum.errors import InputError

FALLBACK_NOTE = ("Reisezeiten geschätzt: Luftlinie × ländlicher Umwegfaktor bei Durchschnittsgeschwindigkeit "
                 "(kein Straßennetz, kein Fahrplan)")


def straight_minutes(a_xy, b_xy, *, detour: float, speed_kmh: float) -> np.ndarray:
    """(len(a), len(b)) minutes: straight-line metres (metric CRS) × ``detour`` at ``speed_kmh``."""
    a = np.asarray(a_xy, dtype="float64").reshape(-1, 2)
    b = np.asarray(b_xy, dtype="float64").reshape(-1, 2)
    dist = np.hypot(a[:, None, 0] - b[None, :, 0], a[:, None, 1] - b[None, :, 1])
    return dist * float(detour) / (float(speed_kmh) * 1000.0 / 60.0)


def clock(text: str) -> float:
    """'08:30' → 510 minutes after midnight."""
    m = re.fullmatch(r"\s*(\d{1,2})[:.](\d{2})\s*", str(text))
    if not m or int(m.group(1)) > 24 or int(m.group(2)) > 59:
        raise InputError(f"Uhrzeit {text!r} nicht lesbar (erwartet z. B. 08:30).")
    return int(m.group(1)) * 60.0 + int(m.group(2))


def clock_text(minutes: float) -> str:
    m = round(minutes)
    return f"{m // 60:02d}:{m % 60:02d}"


def windows(text: str) -> list[tuple[float, float]]:
    """'06:00-13:00, 15:00-18:00' → [(360, 780), (900, 1080)]."""
    out = []
    for part in str(text).split(","):
        if not part.strip():
            continue
        bits = re.split(r"\s*[-–]\s*", part.strip())
        if len(bits) != 2:
            raise InputError(f"Zeitfenster {part.strip()!r} nicht lesbar (erwartet z. B. 06:00-13:00).")
        lo, hi = clock(bits[0]), clock(bits[1])
        if hi <= lo:
            raise InputError(f"Zeitfenster {part.strip()!r}: das Ende liegt nicht nach dem Beginn.")
        out.append((lo, hi))
    return out


def _runs(times: np.ndarray, service: list[tuple[float, float]]) -> np.ndarray:
    ok = np.zeros(times.shape, dtype=bool)
    for lo, hi in service:
        ok |= (times >= lo) & (times <= hi)
    return ok


def slot_reach(bus_min: np.ndarray, walk_min: np.ndarray, slot_start, slot_end, *, budget_min: float,
               service: list[tuple[float, float]]) -> np.ndarray:
    """bool (n, m, T): village i reaches a session at venue v in slot t within ``budget_min`` — on foot at any
    time, or by bus when the trips there and back run (``service`` windows)."""
    bus = np.asarray(bus_min, dtype="float64")
    walk = np.asarray(walk_min, dtype="float64")
    start = np.asarray(slot_start, dtype="float64")
    end = np.asarray(slot_end, dtype="float64")
    there = _runs(start[None, None, :] - bus[:, :, None], service)
    back = _runs(np.broadcast_to(end[None, None, :], there.shape), service)
    by_bus = (bus[:, :, None] <= budget_min) & there & back
    on_foot = np.broadcast_to((walk <= budget_min)[:, :, None], by_bus.shape)
    return by_bus | on_foot
