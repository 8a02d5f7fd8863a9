"""Rates for small areas: the minimum-population rule and empirical-Bayes smoothing.

- Minimum population (setting ``min_population``, default 300 as in the Berlin MSS): below it an area gets no
  rate; its flag is ``not_scored``.
- Empirical Bayes (Marshall 1991, method of moments): each crude rate is pulled towards a reference rate
  (global: the whole level; local: the area and its neighbours), the more the fewer people it rests on.
  Smoothed values are estimates and carry the flag ``estimated``; they are meant for display, never for the
  index or for tables of official figures.

Pure functions work on arrays; ``rates_for_display`` reads published values from the store.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

NOT_SCORED = "not_scored"
ESTIMATED = "estimated"


def crude_rate(numerator, denominator, scale: float = 100.0) -> np.ndarray:
    num = np.asarray(numerator, dtype=float)
    den = np.asarray(denominator, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / den * scale, np.nan)


def apply_min_population(rate, population, min_population: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Rates of areas below ``min_population`` residents become NaN with flag 'not_scored' (else flag None)."""
    if min_population is None:
        from sozialraum.settings import default

        min_population = default("min_population")
    rate = np.asarray(rate, dtype=float).copy()
    pop = np.asarray(population, dtype=float)
    small = ~(pop >= min_population)  # unknown population counts as too small
    rate[small] = np.nan
    flags = np.where(small, NOT_SCORED, None).astype(object)
    return rate, flags


def _moments(num: np.ndarray, den: np.ndarray) -> tuple[float, float]:
    """Reference rate b and between-area variance a (Marshall's method of moments, a ≥ 0)."""
    total = den.sum()
    if total <= 0:
        return np.nan, 0.0
    b = num.sum() / total
    r = num / den
    s2 = (den * (r - b) ** 2).sum() / total
    a = s2 - b / den.mean()
    return b, max(a, 0.0)


def _shrink(r: np.ndarray, den: np.ndarray, b, a) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        w = np.where(a > 0, a / (a + b / den), 0.0)
    return w * r + (1 - w) * b


def eb_global(numerator, denominator, scale: float = 100.0) -> np.ndarray:
    """Global empirical-Bayes rates (NaN where numerator or denominator is unknown or the denominator is 0)."""
    num = np.asarray(numerator, dtype=float)
    den = np.asarray(denominator, dtype=float)
    ok = np.isfinite(num) & np.isfinite(den) & (den > 0)
    out = np.full(num.shape, np.nan)
    if not ok.any():
        return out
    b, a = _moments(num[ok], den[ok])
    out[ok] = _shrink(num[ok] / den[ok], den[ok], b, a) * scale
    return out


def eb_local(numerator, denominator, neighbours: list, scale: float = 100.0) -> np.ndarray:
    """Local empirical-Bayes rates: the reference rate and variance come from each area and its neighbours.

    ``neighbours[i]``: indices of the neighbours of area i (the area itself is added).
    """
    num = np.asarray(numerator, dtype=float)
    den = np.asarray(denominator, dtype=float)
    ok = np.isfinite(num) & np.isfinite(den) & (den > 0)
    out = np.full(num.shape, np.nan)
    for i in np.flatnonzero(ok):
        idx = np.unique(np.append(np.asarray(neighbours[i], dtype=int), i))
        idx = idx[ok[idx]]
        b, a = _moments(num[idx], den[idx])
        out[i] = _shrink(np.array([num[i] / den[i]]), np.array([den[i]]), b, a)[0] * scale
    return out


def rates_for_display(con, level: str, indicator: str, period: str, *, smoothing: str | None = None,
                      min_population: float | None = None, threshold: float | None = None) -> pd.DataFrame:
    """Published rate of one indicator with the minimum-population rule, optionally EB-smoothed.

    ``smoothing``: None (crude rates; areas under ``min_population`` get NaN/'not_scored'), 'global' or
    'local' (Queen neighbours): smoothed values for every area with published counts, flag 'estimated'.
    Suppressed rates stay suppressed. Columns as ``published()``.
    """
    from sozialraum.analysis.confidentiality import published
    from sozialraum.indicators.registry import get

    spec = get(indicator)
    frame = published(con, level, period=period, indicators=[indicator, "ew_gesamt"], threshold=threshold)
    rates = frame[frame["indicator"] == indicator].reset_index(drop=True)
    pop = frame[frame["indicator"] == "ew_gesamt"].set_index("area_key")["value"]
    population = rates["area_key"].map(pop) if len(pop) else rates["denominator"]
    suppressed = rates["flag"].eq("suppressed").to_numpy()
    if smoothing is None:
        value, flags = apply_min_population(rates["value"], population, min_population)
        # a rate published without counts where the residents are unknown: the rule cannot be checked, and
        # the statistical office applied its own; shown as published (not greyed out as "too small")
        unchecked = np.isnan(np.asarray(population, dtype=float)) & rates["denominator"].isna().to_numpy()
        value = np.where(unchecked, rates["value"].to_numpy(dtype=float), value)
        flags = np.where(unchecked, None, flags).astype(object)
        kept = [k if isinstance(k, str) else f for k, f in zip(rates["flag"], flags)]
        rates["value"] = np.where(suppressed, np.nan, value)
        rates["flag"] = pd.Series(kept, dtype=object)
        return rates
    if smoothing == "global":
        value = eb_global(rates["numerator"], rates["denominator"], spec.scale)
    elif smoothing == "local":
        from sozialraum.store import read

        gdf = read.areas(con, level).set_index("area_key").loc[rates["area_key"]]
        neighbours = _queen_neighbours(gdf)
        value = eb_local(rates["numerator"], rates["denominator"], neighbours, spec.scale)
    else:
        raise ValueError(f"Unbekannte Glättung {smoothing!r} (möglich: None, 'global', 'local')")
    estimated = np.isfinite(value) & ~suppressed
    rates["value"] = np.where(estimated, value, np.nan)
    rates["flag"] = np.where(estimated, ESTIMATED, rates["flag"].astype(object))
    return rates


def _queen_neighbours(gdf) -> list[np.ndarray]:
    import warnings

    from libpysal.weights import Queen

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = Queen.from_dataframe(gdf.reset_index(drop=True), use_index=False, silence_warnings=True)
    return [np.asarray(w.neighbors[i], dtype=int) for i in range(len(gdf))]
