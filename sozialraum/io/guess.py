"""First guesses for the import wizard (pure): which column finds the areas and how; which period a file is about.

``guess_template(keys) -> str | None`` — a key template such as ``"STGT{:02d}"`` when the area keys are a common
prefix plus a zero-padded number.
``best_key_column(raw, areas) -> (column, method_text, matched)`` — the column and method (``schluessel``,
``name``, ``vorlage:…``) that match the most rows; (None, "name", 0) when nothing matches.
``guess_period(grid) -> str`` — a year named in the title rows above the table ("Stand 31.12.2022" → "2022"),
or "" when there is none.
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
            n = int((match_rows(raw[col], areas, parse_method(m)).frame["status"] == "matched").sum())
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
