"""Turn published values (after the confidentiality gate) into what a choropleth needs, aligned with the areas.

Pure pandas/numpy: values, suppressed/unscored masks and preformatted German tooltip strings.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sozialraum.analysis.classify import format_number

SUPPRESSED_TEXT = "gesperrt"
MISSING_TEXT = "keine Angabe"
DOUBTFUL_TEXT = "(unsicher)"  # a confirmed doubtful value (flag 'doubtful', see sozialraum.io.plausibility)


@dataclass(frozen=True)
class MapInput:
    values: np.ndarray  # float per area, NaN where nothing can be shown
    suppressed: np.ndarray  # bool per area
    unscored: np.ndarray  # bool per area
    tooltip: dict[str, list[str]]  # label -> text per area
    title: str  # legend title (label and unit)
    unit: str


def decimals_for(kind: str, unit: str) -> int:
    if kind == "count":
        return 0
    if unit == "Index" or kind == "index":
        return 2
    return 1


def unit_suffix(unit: str) -> str:
    return "" if unit in ("", "Personen", "Index") else f" {unit}"


def format_value(value, decimals: int, unit: str = "", flag=None) -> str:
    if flag == "suppressed":
        return SUPPRESSED_TEXT
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return MISSING_TEXT
    text = format_number(float(value), decimals) + unit_suffix(unit)
    return f"{text} {DOUBTFUL_TEXT}" if flag == "doubtful" else text


def indicator_input(area_keys, published: pd.DataFrame, indicator, *, period: str | None = None,
                    lang: str = "de") -> MapInput:
    """Map input for one indicator from ``published`` (columns of confidentiality.published) at ``period``.

    ``indicator``: a registry Indicator (label_de/label_en, unit, kind, numerator, denominator).
    """
    rows = published[published["indicator"] == indicator.key]
    if period is not None:
        rows = rows[rows["period"] == period]
    rows = rows.drop_duplicates("area_key").set_index("area_key")
    keys = pd.Index([str(k) for k in area_keys])
    rows = rows.reindex(keys)
    values = rows["value"].to_numpy(dtype=float)
    flags = rows["flag"].astype(object).where(rows["flag"].notna(), None).to_numpy()
    suppressed = flags == "suppressed"
    unscored = flags == "not_scored"
    values = np.where(suppressed | unscored, np.nan, values)
    dec = decimals_for(indicator.kind, indicator.unit)
    label = indicator.label_en if lang == "en" else indicator.label_de
    tooltip = {label: [format_value(v, dec, indicator.unit, f) for v, f in zip(values, flags)]}
    if indicator.kind == "rate":
        num = rows["numerator"].to_numpy(dtype=float)
        den = rows["denominator"].to_numpy(dtype=float)
        ok = ~suppressed & np.isfinite(num) & np.isfinite(den)
        tooltip["Zähler / Nenner" if lang == "de" else "Numerator / denominator"] = [
            f"{format_number(n, 0)} / {format_number(d, 0)}" if good else "–"
            for n, d, good in zip(num, den, ok)]
    unit = indicator.unit
    title = f"{label} ({unit})" if unit and unit != "Personen" else label
    return MapInput(values, suppressed, unscored, tooltip, title, unit)


NEED_CLASS_TEXT = {
    "de": "Sozialindex (MSS-Statusindex)",
    "en": "Need index (MSS status index)",
}


def need_input(area_keys, need: pd.DataFrame, *, lang: str = "de") -> MapInput:
    """Map input for the need index frame (area_key, status_index, status_class, dynamics_class, scored)."""
    keys = pd.Index([str(k) for k in area_keys])
    frame = need.assign(area_key=need["area_key"].astype(str)).drop_duplicates("area_key").set_index("area_key")
    frame = frame.reindex(keys)
    scored = frame["scored"].fillna(False).astype(bool).to_numpy()
    values = np.where(scored, frame["status_index"].to_numpy(dtype=float), np.nan)
    de = lang != "en"
    tooltip = {
        "Statusindex" if de else "Status index": [format_value(v, 2) for v in values],
        "Statusklasse" if de else "Status class": [str(c) if s and isinstance(c, str) else "–"
                                                   for c, s in zip(frame["status_class"], scored)],
    }
    if "dynamics_class" in frame:
        tooltip["Dynamik" if de else "Dynamics"] = [str(c) if s and isinstance(c, str) else "–"
                                                   for c, s in zip(frame["dynamics_class"], scored)]
    return MapInput(values, np.zeros(len(keys), bool), ~scored, tooltip, NEED_CLASS_TEXT["en" if not de else "de"],
                    "Index")
