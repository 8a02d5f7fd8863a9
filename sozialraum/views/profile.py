"""The area profile's comparison columns composed once: the area's parent, grandparent … (following the levels'
parent links, also across separately imported levels) and the city total. The Gebietsprofil page adds caching
and formatting, the PDF report its table layout.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sozialraum.store.connection import read_sql

_HERE = Path(__file__).parent
COLUMNS = ["indicator", "value", "flag"]


def _names(con, level: str) -> pd.DataFrame:
    return con.execute(read_sql("area_names.sql", _HERE), {"level": level}).df().set_index("area_key")


def references(con, level: str, period: str, area_key: str, *, threshold: float | None = None,
               city_title: str = "Stadt") -> list[tuple[str, pd.DataFrame]]:
    """(column title, published rows ``indicator, value, flag``) for each ancestor of ``area_key`` (parent first,
    titled "Stadtteil: Name") and, when the top level has more than one area, the city total (counts summed,
    rates re-derived from summed counts; NaN where any part is missing or suppressed)."""
    from sozialraum.analysis.confidentiality import published
    from sozialraum.profile import totals
    from sozialraum.store import read

    levels = read.levels(con)
    parent_level = {lv: p for lv, p in zip(levels["level"], levels["parent_level"]) if isinstance(p, str)}
    labels = dict(zip(levels["level"], levels["label"]))
    out: list[tuple[str, pd.DataFrame]] = []
    key = _names(con, level)["parent_key"].get(area_key)
    lv, seen, top_rows = parent_level.get(level), {level}, None
    while lv is not None and lv not in seen and isinstance(key, str):
        seen.add(lv)
        names = _names(con, lv)
        rows = published(con, lv, period=period, threshold=threshold)
        title = f"{labels.get(lv, lv)}: {names['name'].get(key, key)}"
        out.append((title, rows.loc[rows["area_key"] == key, COLUMNS].reset_index(drop=True)))
        top_rows = rows
        key = names["parent_key"].get(key)
        lv = parent_level.get(lv)
    if top_rows is None:
        top_rows = published(con, level, period=period, threshold=threshold)
    if top_rows["area_key"].nunique() > 1:
        city = totals(top_rows, list(dict.fromkeys(top_rows["indicator"])))
        out.append((city_title, pd.DataFrame({"indicator": list(city), "value": list(city.values()),
                                              "flag": None})))
    return out
