"""Statistical confidentiality: the one gate every output (map, table, chart, CSV, XLSX, GeoPackage, PDF) uses.

The Bundesagentur für Arbeit publishes no count of 1 or 2 and nothing from which one can be derived. The gate:

- primary suppression of counts ``0 < n < threshold`` of suppressible indicators (setting
  ``suppression_threshold``; 0 is publishable);
- secondary suppression over the whole hierarchy of the level asked for (every level at once, so the pattern
  is the same whichever level is shown) and over the additive groups of the registry (``rlb = elb + nef``),
  so that no suppressed count can be recomputed from a parent total and its other children, or from an area's
  total and its other groups (pure core: ``sozialraum.analysis.suppression.suppress_table``);
- rates whose numerator or denominator count is suppressed (or would be: their numerator column holds a
  small count) are suppressed too — a published rate times a published denominator gives the numerator.

``published()`` returns the same columns as ``store.read.observations``; suppressed cells have value,
numerator and denominator NaN and the flag ``suppressed``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sozialraum.analysis.suppression import Equation, SuppressionResult, primary_mask, suppress_table
from sozialraum.errors import InputError
from sozialraum.indicators.registry import ADDITIVE_GROUPS, INDICATORS
from sozialraum.store.connection import read_sql

__all__ = ["published", "suppress_table", "suppression_cells", "Equation", "SuppressionResult", "COLUMNS"]

_HERE = Path(__file__).parent
COLUMNS = ["area_key", "indicator", "period", "value", "numerator", "denominator", "flag", "source_id"]
SUPPRESSED = "suppressed"


def _suppressible_counts() -> set[str]:
    return {i.key for i in INDICATORS.values() if i.kind == "count" and i.suppressible and i.aggregation == "sum"}


def _threshold(threshold: float | None) -> float:
    """The threshold to apply: the setting's default, or a stricter one. The BA rule is a floor, never loosened."""
    from sozialraum.settings import SETTINGS

    floor = SETTINGS["suppression_threshold"].minimum
    if threshold is None:
        threshold = SETTINGS["suppression_threshold"].default
    if threshold < floor:
        raise ValueError(f"Geheimhaltung: die kleinste veröffentlichte Fallzahl kann nicht unter {floor:g} liegen "
                         f"(verlangt: {threshold:g}).")
    return float(threshold)


def suppression_cells(obs: pd.DataFrame, areas: pd.DataFrame, levels: pd.DataFrame, *,
                      threshold: float) -> pd.DataFrame:
    """Run primary and secondary suppression on the suppressible counts of one hierarchy.

    ``obs``: level, area_key, indicator, period, value, flag (all levels of the hierarchy);
    ``areas``: level, area_key, parent_key; ``levels``: level, parent_level.
    Returns one row per cell (level, area_key, indicator, period) with booleans ``primary``, ``secondary``,
    ``suppressed`` (primary, secondary or suppressed in the input).
    """
    counts = obs[obs["indicator"].isin(_suppressible_counts())]
    out = []
    parent_level = dict(zip(levels["level"], levels["parent_level"]))
    area_list = areas[["level", "area_key", "parent_key"]].drop_duplicates(["level", "area_key"])
    area_list = area_list.reset_index(drop=True)
    area_pos = {(lv, k): i for i, (lv, k) in enumerate(zip(area_list["level"], area_list["area_key"]))}
    for period, part in counts.groupby("period", sort=True):
        inds = set(part["indicator"])
        for total, members in ADDITIVE_GROUPS.items():
            if inds & {total, *members}:
                inds |= {total, *members}
        inds = sorted(inds)
        j_of = {ind: j for j, ind in enumerate(inds)}
        n_ind = len(inds)
        # cells: every area of the hierarchy × every indicator of the period (absent = unknown)
        extra = [(lv, k) for lv, k in set(zip(part["level"], part["area_key"])) if (lv, k) not in area_pos]
        pos = dict(area_pos)
        for lv, k in sorted(extra):
            pos[(lv, k)] = len(pos)
        n = len(pos) * n_ind
        values = np.full(n, np.nan)
        input_suppressed = np.zeros(n, dtype=bool)
        idx = np.array([pos[(lv, k)] * n_ind + j_of[i]
                        for lv, k, i in zip(part["level"], part["area_key"], part["indicator"])], dtype=int)
        v = part["value"].to_numpy(dtype=float)
        flag = part["flag"].astype("object").to_numpy()
        values[idx] = v
        input_suppressed[idx] = flag == SUPPRESSED
        values[input_suppressed] = np.nan
        equations: list[Equation] = []
        children: dict[tuple[str, str], list[int]] = {}
        for lv, k, parent in zip(area_list["level"], area_list["area_key"], area_list["parent_key"]):
            plv = parent_level.get(lv)
            if plv is None or parent is None or pd.isna(parent) or (plv, parent) not in pos:
                continue
            children.setdefault((plv, parent), []).append(pos[(lv, k)])
        for (plv, parent), kids in sorted(children.items()):
            p = pos[(plv, parent)]
            for j in range(n_ind):
                equations.append(Equation(p * n_ind + j, tuple(c * n_ind + j for c in kids)))
        for total, members in ADDITIVE_GROUPS.items():
            if total not in j_of:  # a period without any of the group's counts (e.g. only ``bg``): no identity
                continue
            for a in range(len(pos)):
                equations.append(Equation(a * n_ind + j_of[total], tuple(a * n_ind + j_of[m] for m in members)))
        res = suppress_table(values, equations, threshold=threshold, protected=input_suppressed)
        keys = list(pos)
        cell_area = np.repeat(np.arange(len(keys)), n_ind)
        cell_ind = np.tile(np.arange(n_ind), len(keys))
        out.append(pd.DataFrame({
            "level": [keys[a][0] for a in cell_area],
            "area_key": [keys[a][1] for a in cell_area],
            "indicator": [inds[j] for j in cell_ind],
            "period": period,
            "primary": res.primary,
            "secondary": res.secondary,
            "suppressed": res.primary | res.secondary | input_suppressed,
        }))
    if not out:
        return pd.DataFrame(columns=["level", "area_key", "indicator", "period", "primary", "secondary",
                                     "suppressed"])
    return pd.concat(out, ignore_index=True)


def _hierarchy(con, level: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    levels = con.execute(read_sql("hierarchy_levels.sql", _HERE), {"level": level}).df()
    if levels.empty:
        raise InputError(f"Gebietsebene {level!r} gibt es in der Datenbank nicht.")
    areas = con.execute(read_sql("hierarchy_areas.sql", _HERE), {"levels": list(levels["level"])}).df()
    return levels, areas


def published(con, level: str, *, period: str | None = None, indicators: list[str] | None = None,
              threshold: float | None = None) -> pd.DataFrame:
    """Observations of ``level`` as they may be shown or exported (see the module docstring).

    Columns: area_key, indicator, period, value, numerator, denominator, flag, source_id.
    """
    threshold = _threshold(threshold)
    levels, areas = _hierarchy(con, level)
    obs = con.execute(read_sql("hierarchy_observations.sql", _HERE),
                      {"levels": list(levels["level"]), "period": period}).df()
    cells = suppression_cells(obs, areas, levels, threshold=threshold)
    return apply_suppression(obs, cells, level, threshold=threshold, indicators=indicators)


def apply_suppression(obs: pd.DataFrame, cells: pd.DataFrame, level: str, *, threshold: float,
                      indicators: list[str] | None = None) -> pd.DataFrame:
    """Blank the suppressed counts and the rates built on them for the rows of ``level``."""
    rows = obs[obs["level"] == level].copy()
    if indicators:
        rows = rows[rows["indicator"].isin(list(indicators))]
    rows = rows.reset_index(drop=True)
    hidden = set()
    if len(cells):
        sup = cells[(cells["level"] == level) & cells["suppressed"]]
        hidden = set(zip(sup["area_key"], sup["indicator"], sup["period"]))
    flag = rows["flag"].astype("object").to_numpy().copy()
    blank = np.zeros(len(rows), dtype=bool)
    suppressible = _suppressible_counts()
    for i, (key, ind, per, num, den) in enumerate(zip(rows["area_key"], rows["indicator"], rows["period"],
                                                      rows["numerator"], rows["denominator"])):
        if (key, ind, per) in hidden or flag[i] == SUPPRESSED:
            blank[i] = True
            continue
        spec = INDICATORS.get(ind)
        if spec is None or spec.numerator is None:
            continue
        for part, n in ((spec.numerator, num), (spec.denominator, den)):
            if part in suppressible and ((key, part, per) in hidden or bool(primary_mask([n], threshold)[0])):
                blank[i] = True
    rows.loc[blank, ["value", "numerator", "denominator"]] = np.nan
    flag[blank] = SUPPRESSED
    rows["flag"] = pd.Series(flag, dtype="object").where(pd.notna(flag), None)
    return rows[COLUMNS].sort_values(["area_key", "indicator", "period"]).reset_index(drop=True)
