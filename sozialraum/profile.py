"""The area profile (Gebietsprofil / Steckbrief) as pure frame functions: indicators against their references,
nearest services by type, position in a ranking. Inputs are published (confidentiality-checked) values.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sozialraum.analysis.classify import format_number
from sozialraum.indicators.registry import INDICATORS
from sozialraum.maps.data import decimals_for, format_value
from sozialraum.services import SERVICE_TYPES


@dataclass(frozen=True)
class Lineage:
    """Where an area sits: its level's parent level and the top (city) level of the hierarchy."""

    parent_level: str | None
    top_level: str | None


def lineage(levels: pd.DataFrame, level: str) -> Lineage:
    """``levels``: store.read.levels frame (level, parent_level, n_areas)."""
    parent = dict(zip(levels["level"], levels["parent_level"]))
    p = parent.get(level)
    p = p if isinstance(p, str) else None
    top, seen = level, {level}
    while isinstance(parent.get(top), str) and parent[top] not in seen:
        top = parent[top]
        seen.add(top)
    return Lineage(p, top if top != level else None)


def _values(rows: pd.DataFrame | None) -> dict[str, tuple[float, object]]:
    if rows is None or rows.empty:
        return {}
    return {r.indicator: (r.value, r.flag if isinstance(r.flag, str) else None) for r in rows.itertuples()}


def profile_table(area: pd.DataFrame, references: dict[str, pd.DataFrame | None], *,
                  lang: str = "de") -> pd.DataFrame:
    """One row per indicator (registry order) with the area's value and each reference column, as text.

    ``area`` and each reference: published rows (indicator, value, flag) of one area and one period;
    ``references``: column title → rows (e.g. {"Bezirk Mitte": ..., "Stadt": ...}).
    """
    mine = _values(area)
    refs = {title: _values(rows) for title, rows in references.items()}
    label_col = "Kennzahl" if lang == "de" else "Indicator"
    area_col = "Gebiet" if lang == "de" else "Area"
    out = []
    for key, ind in INDICATORS.items():
        if key not in mine:
            continue
        dec = decimals_for(ind.kind, ind.unit)
        row = {label_col: ind.label_en if lang == "en" else ind.label_de,
               ("Gruppe" if lang == "de" else "Group"): ind.group,
               area_col: format_value(mine[key][0], dec, ind.unit, mine[key][1])}
        for title, vals in refs.items():
            row[title] = format_value(vals[key][0], dec, ind.unit, vals[key][1]) if key in vals else "–"
        out.append(row)
    return pd.DataFrame(out)


def nearest_by_type(x: float, y: float, providers: pd.DataFrame, *, detour: float, speed_kmh: float,
                    budget_min: float, travel=None) -> pd.DataFrame:
    """Per service type: the nearest provider (name, straight-line metres, walking minutes) and how many lie
    within ``budget_min`` walking minutes (straight line × detour at walking speed) of the point (x, y).

    ``providers``: columns service_type, name, x, y in the same metric CRS as (x, y). ``travel``: a network
    model (``sozialraum.access.travel.NetworkModel``) whose minutes replace the straight line (a provider it
    cannot reach within its search range gets no minutes).
    """
    cols = ["service_type", "Art", "Nächstes Angebot", "Entfernung_m", "Gehminuten", "Anzahl_im_Zeitbudget"]
    if providers is None or providers.empty:
        return pd.DataFrame(columns=cols)
    px, py = providers["x"].to_numpy(float), providers["y"].to_numpy(float)
    dist = np.hypot(px - x, py - y)
    minutes = dist * detour / (speed_kmh * 1000.0 / 60.0)
    if travel is not None and hasattr(travel, "nearest") and not hasattr(travel, "detour"):
        from sozialraum.access.travel import NEAREST_BUDGET_MIN

        budget = NEAREST_BUDGET_MIN[travel.mode]
        if travel.mode == "transit":  # one isochrone around the point instead of one per provider
            reach = travel.minutes(np.c_[px, py], np.array([[x, y]]), budget).toarray()[:, 0]
        else:
            reach = travel.minutes(np.array([[x, y]]), np.c_[px, py], budget).toarray()[0]
        minutes = np.where(reach > 0, reach, np.inf)
    frame = providers.assign(_d=dist, _m=minutes)
    rows = []
    for service_type, part in frame.groupby("service_type", sort=False):
        best = part.loc[part["_m"].idxmin()] if np.isfinite(part["_m"]).any() else part.loc[part["_d"].idxmin()]
        rows.append({"service_type": service_type, "Art": SERVICE_TYPES.get(service_type, service_type),
                     "Nächstes Angebot": best["name"], "Entfernung_m": float(best["_d"]),
                     "Gehminuten": float(best["_m"]) if np.isfinite(best["_m"]) else np.nan, "Anzahl_im_Zeitbudget": int((part["_m"] <= budget_min).sum())})
    order = {k: i for i, k in enumerate(SERVICE_TYPES)}
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values("service_type", key=lambda s: s.map(lambda v: order.get(v, 99))).reset_index(drop=True)


def rank_of(values: pd.Series, key: str, *, descending: bool = True) -> tuple[int, int] | None:
    """(rank, number ranked) of ``key`` among the non-missing ``values`` (index = area_key); ties share the
    better rank. None when the area has no value."""
    ok = values.dropna()
    if key not in ok.index:
        return None
    ranks = ok.rank(ascending=not descending, method="min")
    return int(ranks[key]), int(len(ok))


def distance_text(metres: float) -> str:
    return f"{format_number(metres / 1000, 1)} km" if metres >= 1000 else f"{format_number(metres, 0)} m"


def totals(rows: pd.DataFrame, indicators: list[str]) -> dict[str, float]:
    """City totals from published rows of the top level (one or more areas, one period).

    Counts: the sum over areas, NaN if any area's value is missing or suppressed. Rates: re-derived from the
    summed numerators and denominators when all are published, else NaN.
    """
    out: dict[str, float] = {}
    for key in indicators:
        part = rows[rows["indicator"] == key]
        ind = INDICATORS.get(key)
        if part.empty or ind is None:
            out[key] = np.nan
            continue
        if len(part) == 1:
            out[key] = float(part["value"].iloc[0]) if pd.notna(part["value"].iloc[0]) else np.nan
        elif ind.aggregation == "sum":
            out[key] = float(part["value"].sum()) if part["value"].notna().all() else np.nan
        elif ind.aggregation == "ratio":
            num, den = part["numerator"], part["denominator"]
            ok = num.notna().all() and den.notna().all() and den.sum() > 0
            out[key] = float(num.sum() / den.sum() * ind.scale) if ok else np.nan
        else:
            out[key] = np.nan
    return out


def padded_bounds(geometry, share: float = 0.25) -> tuple[float, float, float, float]:
    """Bounds of a geometry widened by ``share`` of its larger side on every side (map focus on an area)."""
    minx, miny, maxx, maxy = geometry.bounds
    pad = max(maxx - minx, maxy - miny) * share
    return minx - pad, miny - pad, maxx + pad, maxy + pad
