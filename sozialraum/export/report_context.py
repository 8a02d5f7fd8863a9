"""What every report section needs: the store, the chosen level and period, published values, the need index.

All numbers come from ``published()`` (the confidentiality gate) or ``need_index_for_store`` (which reads
published values itself); sections format them with ``cell()``, which prints ``*`` for a suppressed cell.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sozialraum.export.sheet import SUPPRESSED_SIGN, german_display
from sozialraum.store.connection import read_sql

_HERE = Path(__file__).parent
MISSING_SIGN = "–"


@dataclass
class ReportContext:
    con: object
    level: str
    level_label: str
    period: str
    threshold: float
    city: str
    fictional: bool
    areas_web: object  # GeoDataFrame EPSG:4326, ordered by area_key
    published: pd.DataFrame  # long, this level and period, gate applied
    need: pd.DataFrame | None  # need index by area_key (None when it cannot be computed)
    need_error: str = ""
    need_layer: object = None  # sozialraum.views.need.NeedLayer of the need index (the map as the app draws it)
    basemap: str = "none"
    palette: str = "standard"
    created: dt.date = field(default_factory=dt.date.today)
    settings: dict = field(default_factory=dict)

    @property
    def names(self) -> dict[str, str]:
        return dict(zip(self.areas_web["area_key"], self.areas_web["name"]))

    def value(self, area_key: str, indicator: str) -> tuple[float, str | None]:
        """(value, flag) of one published cell; (NaN, 'missing') when absent."""
        rows = self.published[(self.published["area_key"] == area_key) & (self.published["indicator"] == indicator)]
        if rows.empty:
            return np.nan, "missing"
        r = rows.iloc[0]
        return float(r["value"]) if pd.notna(r["value"]) else np.nan, r["flag"]

    def wide(self) -> pd.DataFrame:
        """Published values, one row per area_key, one column per indicator."""
        return self.published.pivot(index="area_key", columns="indicator", values="value")


def cell(value, flag=None, decimals: int = 1) -> str:
    """Report text of one number: German format, ``*`` when suppressed, ``–`` when missing, „(unsicher)“ after a
    confirmed doubtful value (flag ``doubtful``, see ``sozialraum.io.plausibility``)."""
    if flag == "suppressed":
        return SUPPRESSED_SIGN
    if value is None or pd.isna(value):
        return MISSING_SIGN
    text = german_display(float(value), decimals)
    text = text.replace("-", "\u2212") if text.startswith("-") else text
    return f"{text} (unsicher)" if flag == "doubtful" else text


def format_date(day: dt.date) -> str:
    months = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
              "November", "Dezember"]
    return f"{day.day}. {months[day.month - 1]} {day.year}"


def city_name(con, level: str) -> str:
    rows = con.execute(read_sql("city_name.sql", _HERE), {"level": level}).fetchall()
    if len(rows) == 1:
        return rows[0][0]
    from sozialraum.store import read

    src = read.sources(con)
    return str(src["title"].iloc[0]).split(" – ")[0].strip() if len(src) else "Stadt"


def make_context(con, level: str | None = None, period: str | None = None, *, threshold: float | None = None,
                 basemap: str | None = None, palette: str = "standard",
                 settings: dict | None = None) -> ReportContext:
    """Collect what the sections share (level and period default to the finest level and its latest period)."""
    from sozialraum.analysis.confidentiality import published
    from sozialraum.export.tables import default_level, default_period, level_label
    from sozialraum.settings import resolve
    from sozialraum.store import read

    values = resolve(settings)
    level = level or default_level(con)
    label = level_label(con, level)
    period = period or default_period(con, level)
    threshold = float(values["suppression_threshold"] if threshold is None else threshold)
    values["suppression_threshold"] = threshold
    areas_web = read.areas(con, level, web=True)
    need, need_error, layer = None, "", None
    try:
        from sozialraum.views.need import NEED_INDEX, need_layer

        layer = need_layer(con, level, NEED_INDEX, period, min_population=values["min_population"],
                           threshold=threshold, areas=areas_web)
        need = layer.need
        if not layer.shown.any():
            need_error = " ".join(layer.notes) or "keine bewertbaren Gebiete"
    except Exception as exc:  # noqa: BLE001 - the report says why the need index is missing instead of failing
        need_error = str(exc) or type(exc).__name__
    return ReportContext(
        con=con, level=level, level_label=label, period=period, threshold=threshold,
        city=city_name(con, level), fictional=read.is_fictional(con), areas_web=areas_web,
        published=published(con, level, period=period, threshold=threshold),
        need=need, need_error=need_error, need_layer=layer, basemap=basemap or values["basemap"],
        palette=palette, settings=values,
    )
