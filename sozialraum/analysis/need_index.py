"""The need index after the Berlin "Monitoring Soziale Stadtentwicklung" (MSS 2021), and two-year changes.

Method (../shared/reference/berlin-mss-2021/SOURCE.md, from the official MSS 2021 Indikatorenheft):

1. only valid areas are scored (at least ``min_population`` residents, outliers removed, all index values known);
2. each index indicator is z-standardised over the scored areas, unweighted: z = (x − mean) / sd;
3. status sum = Σ wᵢ·zᵢ (weights 1 reproduce MSS); the sum is standardised again by dividing it by its sd
   → Status-Index SI (higher = more disadvantage);
4. classes of SI: below −1 "hoch" (1), −1 to +1 "mittel" (2), above +1 up to +1.5 "niedrig" (3),
   above +1.5 "sehr niedrig" (4);
5. the Dynamik-Index DI is built the same way from the two-year changes; below −1 "positiv", −1 to +1
   "stabil", above +1 "negativ";
6. the combined code is the status class number and the dynamics sign: "4-" (sehr niedrig, negativ),
   "2+/-" (mittel, stabil), "1+" (hoch, positiv).

Standard deviation: the sample standard deviation (n − 1, as SPSS and Excel's STABW compute z-scores) is the
default (``ddof=1``). With equal weights the choice only matters in the final division (the scale of the
single z-scores cancels), i.e. by a factor √(n/(n−1)) — 1.0009 for Berlin's 536 scored areas; ``ddof=0`` gives
the population standard deviation. The sum is not re-centred: its mean is 0 by construction.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from sozialraum.analysis.classify import (MSS_DYNAMICS_BINS, MSS_DYNAMICS_NAMES, MSS_STATUS_BINS,
                                          MSS_STATUS_NAMES, Classification)

MSS_STATUS = ("S1", "S3", "S4")
MSS_DYNAMICS = ("D1", "D3", "D4")
DYNAMICS_SIGN = {"positiv": "+", "stabil": "+/-", "negativ": "-"}
OUTPUT_COLUMNS = ["area_id", "status_index", "status_class", "dynamics_index", "dynamics_class", "scored", "code"]

# store indicators: the published MSS shares if present, else the count-based rates (demo, BA data)
STORE_MSS = (("mss_s1", "mss_s3", "mss_s4"), ("mss_d1", "mss_d3", "mss_d4"))
STORE_RATES = ("alo_quote", "sgb2_quote", "kinderarmut")

_STATUS = Classification(MSS_STATUS_BINS + (np.inf,), MSS_STATUS_NAMES, "mss", 4,
                         upper_closed=(False, True, True, True))
_DYNAMICS = Classification(MSS_DYNAMICS_BINS + (np.inf,), MSS_DYNAMICS_NAMES, "mss_dynamik", 3,
                           upper_closed=(False, True, True))


def _weights(columns: list[str], weights) -> np.ndarray:
    if weights is None:
        return np.ones(len(columns))
    if isinstance(weights, dict):
        unknown = set(weights) - set(columns)
        if unknown:
            raise ValueError(f"Gewichte für unbekannte Indikatoren: {', '.join(sorted(unknown))}")
        return np.array([float(weights.get(c, 1.0)) for c in columns])
    w = np.asarray(list(weights), dtype=float)
    if len(w) != len(columns):
        raise ValueError(f"{len(w)} Gewichte für {len(columns)} Indikatoren")
    return w


def composite_index(x: np.ndarray, weights: np.ndarray, scored: np.ndarray, ddof: int = 1) -> np.ndarray:
    """Pure core: z-standardise each column over ``scored`` rows, weighted sum, divide by its sd (NaN elsewhere)."""
    x = np.asarray(x, dtype=float)
    out = np.full(x.shape[0], np.nan)
    rows = np.asarray(scored, dtype=bool)
    if rows.sum() <= ddof or x.shape[1] == 0:
        return out
    sub = x[rows]
    sd = sub.std(axis=0, ddof=ddof)
    sd[sd == 0] = np.nan  # a constant indicator carries no information
    z = (sub - sub.mean(axis=0)) / sd
    z = np.where(np.isnan(z), 0.0, z)
    total = z @ weights
    sd_total = total.std(ddof=ddof)
    out[rows] = total / sd_total if sd_total > 0 else 0.0
    return out


def _classes(index: np.ndarray, classification: Classification) -> np.ndarray:
    cls = classification.assign(index)
    names = np.array(classification.labels + ("",), dtype=object)
    return names[np.where(cls < 0, len(classification.labels), cls)]


def mss_index(frame: pd.DataFrame, status=MSS_STATUS, dynamics=MSS_DYNAMICS, weights=None, valid=None, *,
              id_col: str | None = None, ddof: int = 1) -> pd.DataFrame:
    """Status and dynamics index per row of ``frame`` (one row per area, one column per indicator).

    ``valid``: boolean mask of areas that may be scored (e.g. MSS ``KOM == 'gültig'``; min population);
    an area is scored when it is valid and all its status and dynamics values are known.
    ``weights``: dict indicator → weight or a sequence over ``status + dynamics`` (default all 1).
    Returns ``area_id, status_index, status_class, dynamics_index, dynamics_class, scored, code``
    (classes and code empty where not scored). ``area_id`` is ``frame[id_col]`` or the index.
    """
    status, dynamics = list(status), list(dynamics)
    missing = [c for c in status + dynamics if c not in frame.columns]
    if missing:
        raise ValueError(f"Spalten fehlen: {', '.join(missing)}")
    w = _weights(status + dynamics, weights)
    xs = frame[status].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    xd = frame[dynamics].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    scored = np.isfinite(xs).all(axis=1) & np.isfinite(xd).all(axis=1)
    if valid is not None:
        scored &= np.asarray(valid, dtype=bool)
    si = composite_index(xs, w[: len(status)], scored, ddof)
    di = composite_index(xd, w[len(status):], scored, ddof) if dynamics else np.full(len(frame), np.nan)
    s_cls = _classes(si, _STATUS)
    d_cls = _classes(di, _DYNAMICS)
    s_num = _STATUS.assign(si) + 1
    code = [("" if n <= 0 else f"{n}{DYNAMICS_SIGN.get(d, '')}") for n, d in zip(s_num, d_cls)]
    ids = frame[id_col].to_numpy() if id_col else frame.index.to_numpy()
    return pd.DataFrame({"area_id": ids, "status_index": si, "status_class": s_cls, "dynamics_index": di,
                         "dynamics_class": d_cls, "scored": scored, "code": code})


# ---------------------------------------------------------------- store: changes and the index per level/period
def earlier_period(period: str, years: int = 2) -> str:
    """'2024' → '2022'; '2024-12-31' → '2022-12-31' (29 Feb → 28 Feb)."""
    if len(period) == 4 and period.isdigit():
        return str(int(period) - years)
    d = date.fromisoformat(period[:10])
    try:
        return d.replace(year=d.year - years).isoformat()
    except ValueError:
        return d.replace(year=d.year - years, day=28).isoformat()


def _wide(frame: pd.DataFrame) -> pd.DataFrame:
    if frame.empty:
        return pd.DataFrame()
    return frame.pivot_table(index="area_key", columns="indicator", values="value", aggfunc="first", dropna=False)


def changes(con, level: str, period: str, years: int = 2, indicators=None, *,
            now: pd.DataFrame | None = None) -> pd.DataFrame:
    """Change of each count-based rate in percentage points from ``years`` before ``period`` to ``period``.

    From published values only (a rate suppressed in either period gives no change). Long frame:
    area_key, indicator (``<rate>_d<years>``), period, value, from_value, to_value, flag. ``now``: the published
    values of ``period`` when the caller already has them (saves reading them twice).
    """
    from sozialraum.analysis.confidentiality import published
    from sozialraum.indicators.registry import rate_indicators

    rates = [i.key for i in rate_indicators()] if indicators is None else list(indicators)
    then = earlier_period(period, years)
    now_f = published(con, level, period=period, indicators=rates) if now is None else \
        now[now["indicator"].isin(rates) & (now["period"] == period)]
    then_f = published(con, level, period=then, indicators=rates)
    cols = ["area_key", "indicator", "value", "flag"]
    both = now_f[cols].merge(then_f[cols], on=["area_key", "indicator"], how="outer", suffixes=("", "_then"))
    value = both["value"] - both["value_then"]
    flag = np.where(value.notna(), None,
                    np.where((both["flag"] == "suppressed") | (both["flag_then"] == "suppressed"),
                             "suppressed", "missing"))
    return pd.DataFrame({"area_key": both["area_key"], "indicator": both["indicator"] + f"_d{years}",
                         "period": period, "value": value, "from_value": both["value_then"],
                         "to_value": both["value"], "flag": flag}).sort_values(["area_key", "indicator"],
                                                                               ignore_index=True)


def need_index_for_store(con, level: str, period: str, *, status=None, dynamics=None, weights=None,
                         min_population: float | None = None, ddof: int = 1) -> pd.DataFrame:
    """The MSS index for one level and period of the store (published values only), keyed by ``area_key``.

    Defaults: the MSS shares (``mss_s1/s3/s4``, ``mss_d1/d3/d4``) if the store has them, else the rates
    ``alo_quote``, ``sgb2_quote``, ``kinderarmut`` and their two-year changes. Areas with fewer than
    ``min_population`` residents (``ew_gesamt``; setting ``min_population``) are not scored. Without an earlier
    period the dynamics stay empty and the code is the status class number only.
    """
    from sozialraum.analysis.confidentiality import published
    from sozialraum.settings import default

    min_population = default("min_population") if min_population is None else min_population
    cur = published(con, level, period=period)
    have = set(cur.loc[cur["value"].notna(), "indicator"])
    wide = _wide(cur)
    if status is None:
        if set(STORE_MSS[0]) <= have:
            status, dynamics = STORE_MSS if dynamics is None else (STORE_MSS[0], dynamics)
        else:
            status = STORE_RATES
    status = list(status)
    if dynamics is None:
        ch = changes(con, level, period, indicators=status, now=cur)
        dyn_wide = _wide(ch)
        dynamics = [f"{s}_d2" for s in status]
        if ch["value"].notna().any():
            wide = wide.join(dyn_wide, how="outer")
        else:
            dynamics = []
    dynamics = list(dynamics)
    from sozialraum.store.read import area_keys

    wide = wide.reindex(pd.Index(area_keys(con, level), name="area_key"))
    for c in status + dynamics:
        if c not in wide.columns:
            wide[c] = np.nan
    valid = np.ones(len(wide), dtype=bool)
    if "ew_gesamt" in wide.columns and wide["ew_gesamt"].notna().any():
        valid = (wide["ew_gesamt"] >= min_population).to_numpy()
    out = mss_index(wide.reset_index(), status, dynamics, weights, valid, id_col="area_key", ddof=ddof)
    return out.rename(columns={"area_id": "area_key"})
