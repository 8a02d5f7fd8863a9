"""Numbers of people as they may be shown, and the weights every reach figure is computed from.

* Counts read from the store (the target group per area) are shown only as ``published()`` gives them
  (``sozialraum.analysis.confidentiality``): suppressed cells are NaN.
* The weights of the demand points (site planning, coverage, 2SFCA, need × gap) come from ``safe_counts``: the
  published counts, with each suppressed cell (primary or secondary) replaced by a stand-in computed from
  published numbers only. The raw counts are never read for a model, so no plan, share, k-curve or estimate
  changes when two stores differ only in suppressed cells — nothing can be recovered by differencing runs.
* Model estimates (people within reach, people served by a site, gains of the k-curve) are shown rounded to tens
  (``ROUND_TO``), and an area's estimate is blanked when the area's own count is suppressed.

The stand-in for a suppressed cell: when the parent area's count is published and every sibling is either
published or suppressed, the published remainder (parent minus the published siblings — a number anyone can
compute from the published tables) is split evenly over the suppressed siblings. Otherwise (top level, the
parent suppressed or unknown, a sibling missing) a fixed value: the midpoint of the primary suppression range,
``threshold / 2`` (1.5 for the BA rule "no 1 and no 2"). Both depend on published values only, never on the
suppressed count itself; the remainder keeps the city's published total, which a fixed value alone would lose
(a secondarily suppressed area may hold dozens of people).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

ROUND_TO = 10


def round_people(values, base: int = ROUND_TO):
    """Round model estimates of people to multiples of ``base`` (NaN stays NaN)."""
    arr = np.asarray(values, dtype="float64")
    out = np.round(arr / base) * base
    return float(out) if out.ndim == 0 else out


def _resolve_period(con, level: str, period: str | None, indicator: str) -> str | None:
    if period:
        return period
    from sozialraum.store import read

    periods = read.periods(con, indicator=indicator, level=level)
    return periods[-1] if periods else None


def _published_rows(con, level: str, period: str | None, indicator: str, threshold) -> pd.DataFrame:
    from sozialraum.analysis.confidentiality import published

    pub = published(con, level, period=period, indicators=[indicator], threshold=threshold)
    return pub[pub["indicator"] == indicator]


def published_counts(con, level: str, period: str | None, indicator: str, *, threshold=None) -> pd.Series:
    """area_key → count of ``indicator`` as it may be shown (NaN where suppressed or missing)."""
    period = _resolve_period(con, level, period, indicator)
    pub = _published_rows(con, level, period, indicator, threshold)
    return pd.Series(pub["value"].to_numpy(dtype="float64"), index=pub["area_key"].astype(str).to_numpy())


def stand_in(threshold: float | None = None) -> float:
    """The fixed weight of a suppressed cell whose published remainder is not known: the midpoint of the primary
    suppression range 1 … threshold − 1."""
    from sozialraum.analysis.confidentiality import _threshold

    return _threshold(threshold) / 2.0


def safe_counts(con, level: str, period: str | None, indicator: str, *, threshold=None) -> pd.Series:
    """area_key → weight of the target group for the models, computed from published numbers only.

    Published counts as they are; suppressed cells → the stand-in described in the module docstring; missing
    cells (no value) → NaN (no weight). ``.attrs["estimated"]``: the area keys that got a stand-in.
    """
    from sozialraum.errors import InputError
    from sozialraum.store import read

    period = _resolve_period(con, level, period, indicator)
    pub = _published_rows(con, level, period, indicator, threshold)
    if pub.empty:
        raise InputError(f"Für den Indikator {indicator!r} gibt es auf der Ebene {level!r} im Zeitraum {period!r} "
                         "keine Werte. Bitte Zielgruppe, Ebene oder Zeitraum ändern.")
    keys = pub["area_key"].astype(str).to_numpy()
    values = pd.Series(pub["value"].to_numpy(dtype="float64"), index=keys)
    suppressed = pd.Series((pub["flag"] == "suppressed").to_numpy(), index=keys)
    out = values.copy()
    hidden = list(suppressed.index[suppressed])
    if hidden:
        out[hidden] = stand_in(threshold)
        levels = read.levels(con)
        parent_level = dict(zip(levels["level"], levels["parent_level"])).get(level)
        if isinstance(parent_level, str):
            parents = _published_rows(con, parent_level, period, indicator, threshold)
            parent_value = dict(zip(parents["area_key"].astype(str), parents["value"].astype("float64")))
            parent_of = {str(k): str(p) for k, p in read.parent_map(con, level).items()}
            children: dict[str, list[str]] = {}
            for key in read.area_keys(con, level):
                if str(key) in parent_of:
                    children.setdefault(parent_of[str(key)], []).append(str(key))
            for parent, kids in children.items():
                total = parent_value.get(parent, np.nan)
                mine = [k for k in kids if k in suppressed.index and suppressed[k]]
                known = [k for k in kids if k in values.index and np.isfinite(values[k])]
                if not mine or not np.isfinite(total) or len(mine) + len(known) != len(kids):
                    continue
                out[mine] = max(float(total) - float(values[known].sum()), 0.0) / len(mine)
    out.attrs["estimated"] = sorted(hidden)
    return out
