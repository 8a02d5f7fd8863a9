"""Numbers of people as they may be shown: the confidentiality gate for counts, rounding for model estimates.

* Counts read from the store (the target group per area) are shown only as ``published()`` gives them
  (``sozialraum.analysis.confidentiality``): suppressed cells are NaN.
* Model estimates (people within reach, people served by a site, gains of the k-curve) are sums of weights
  derived from the raw counts. They are shown rounded to tens (``ROUND_TO``) — never a 1 or a 2, and not exact
  enough to recompute a suppressed cell by differencing — and an area's estimate is blanked when the area's own
  count is suppressed.
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


def published_counts(con, level: str, period: str | None, indicator: str) -> pd.Series:
    """area_key → count of ``indicator`` as it may be shown (NaN where suppressed or missing)."""
    from sozialraum.analysis.confidentiality import published

    pub = published(con, level, period=period, indicators=[indicator])
    pub = pub[pub["indicator"] == indicator]
    return pd.Series(pub["value"].to_numpy(dtype="float64"), index=pub["area_key"].astype(str).to_numpy())


def raw_counts(con, level: str, period: str | None, indicator: str) -> pd.Series:
    """area_key → raw stored count (for optimisation only — never shown)."""
    from sozialraum.errors import InputError
    from sozialraum.store import read

    obs = read.observations(con, level, indicators=[indicator], period=period)
    if obs.empty:
        raise InputError(f"Für den Indikator {indicator!r} gibt es auf der Ebene {level!r} im Zeitraum {period!r} "
                         "keine Werte. Bitte Zielgruppe, Ebene oder Zeitraum ändern.")
    return pd.Series(obs["value"].to_numpy(dtype="float64"), index=obs["area_key"].astype(str).to_numpy())
