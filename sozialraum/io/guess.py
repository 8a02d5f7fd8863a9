"""First guesses for the import wizard (pure): which column finds the areas and how; which period a file is about.

``guess_template(keys) -> str | None`` — a key template such as ``"STGT{:02d}"`` when the area keys are a common
prefix plus a zero-padded number.
``best_key_column(raw, areas) -> (column, method_text, matched)`` — the column and method (``schluessel``,
``name``, ``vorlage:…``) that match the most rows; (None, "name", 0) when nothing matches.
``guess_period(grid) -> str`` — a year named in the title rows above the table ("Stand 31.12.2022" → "2022"),
or "" when there is none.
``point_columns(columns) -> dict[field, column]`` — suggestions for a points table (x, y, name, type, traeger,
id, address) from German and English column names; only suggestions, the wizard preselects nothing.
``point_crs(raw, x, y, store_epsg=None) -> str | None`` — "EPSG:4326" when the values are degrees inside
Germany, the store's (or a German UTM/Gauß-Krüger) EPSG when they are metres of that size; None when unclear.
"""

from __future__ import annotations

import re
from collections import Counter

import pandas as pd

from sozialraum.io.matching import match_rows, parse_method


def guess_template(keys) -> str | None:
    parts = [re.fullmatch(r"(.*?)(\d+)", str(k)) for k in keys]
    if not parts or not all(parts):
        return None
    prefixes = Counter(m.group(1) for m in parts)
    widths = Counter(len(m.group(2)) for m in parts)
    prefix, n = prefixes.most_common(1)[0]
    if n < len(parts) or len(widths) != 1:
        return None
    width = next(iter(widths))
    return f"{prefix}{{:0{width}d}}" if width > 1 else f"{prefix}{{}}"


def best_key_column(raw: pd.DataFrame, areas: dict[str, str]) -> tuple[str | None, str, int]:
    methods = ["schluessel", "name"]
    template = guess_template(areas)
    if template:
        methods.append(f"vorlage:{template}")
    best: tuple[str | None, str, int] = (None, "name", 0)
    for col in raw.columns:
        for m in methods:
            # a repeated key (a long table: one row per area and indicator or year) still finds its area
            n = int(match_rows(raw[col], areas, parse_method(m)).frame["status"].isin(("matched", "duplicate")).sum())
            if n > best[2]:
                best = (col, m, n)
    return best


def guess_period(grid, above_row: int | None = None) -> str:
    rows = grid.rows[: (above_row - 1) if above_row else 10]
    for row in rows:
        for cell in row:
            if isinstance(cell, str):
                m = re.search(r"\b((?:19|20)\d\d)\b", cell)
                if m:
                    return m.group(1)
    return ""


POINT_PATTERNS = {
    "x": r"lon|lng|long|longitude|l(ae|ä)nge(ngrad)?|x|x_?coord.*|rechtswert|ostwert|easting|utm_?x|rw",
    "y": r"lat|latitude|breite(ngrad)?|y|y_?coord.*|hochwert|nordwert|northing|utm_?y|hw",
    "name": r"name|bezeichnung|einrichtung|titel|standort(name)?|ort|name der einrichtung",
    "type": r"typ|type|art|kategorie|angebotsart|ortsart|einrichtungsart|service_type|venue_type|site_type",
    "traeger": r"tr(ae|ä)ger(in)?|betreiber|anbieter|operator",
    "id": r"id|kennung|nr|nummer|lfd\.? ?nr\.?",
    "address": r"adresse|anschrift|stra(ss|ß)e|address",
}


def point_columns(columns) -> dict[str, str]:
    out: dict[str, str] = {}
    for fld, pattern in POINT_PATTERNS.items():
        for c in columns:
            if c not in out.values() and re.fullmatch(pattern, str(c).strip(), re.IGNORECASE):
                out[fld] = c
                break
    return out


def point_crs(raw: pd.DataFrame, x: str | None, y: str | None, store_epsg: int | None = None) -> str | None:
    if not x or not y or x not in raw.columns or y not in raw.columns:
        return None

    def numbers(col):
        vals = []
        for cell in raw[col]:
            text = str(cell).strip().replace(" ", "")
            if text.count(",") == 1 and "." not in text:
                text = text.replace(",", ".")
            try:
                vals.append(float(text))
            except ValueError:
                continue
        return [v for v in vals if v == v]

    xs, ys = numbers(x), numbers(y)
    if not xs or not ys:
        return None
    if all(5 <= v <= 16 for v in xs) and all(47 <= v <= 56 for v in ys):
        return "EPSG:4326"
    if all(200_000 <= v <= 1_000_000 for v in xs) and all(5_200_000 <= v <= 6_200_000 for v in ys):
        return f"EPSG:{store_epsg}" if store_epsg in (25832, 25833) else "EPSG:25832"
    if all(2_000_000 <= v <= 6_000_000 for v in xs) and all(5_200_000 <= v <= 6_200_000 for v in ys):
        zone = int(sorted(xs)[len(xs) // 2] // 1_000_000)
        return {2: "EPSG:31466", 3: "EPSG:31467", 4: "EPSG:31468", 5: "EPSG:31469"}.get(zone)
    return None
