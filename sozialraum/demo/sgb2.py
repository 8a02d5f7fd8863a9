"""SGB II counts by group per Planungsraum and reference date, consistent integers.

A logistic model of the SGB II rate: high in the housing estates and in one inner-city quarter, low in the
villa quarters, calibrated to a city rate of about 11 %; quarters drift apart over time (a few improve, one
or two get worse), so a dynamics index has something to find. Group counts are drawn inside their bounds:
rlb = elb + nef; rlb_u15 ≤ min(rlb, ew_u15); rlb_u15 ≤ rlb_u25 ≤ min(rlb, ew_u25); elb ≤ ew_15_64;
elb_langzeit ≤ elb; alo_sgb2 ≤ elb; bg ≤ rlb; bg_alleinerziehend ≤ bg.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sozialraum.demo.population import PERIODS

SGB2 = ("rlb", "elb", "nef", "rlb_u15", "rlb_u25", "elb_langzeit", "bg", "bg_alleinerziehend", "alo_sgb2")
CITY_SHIFT = (0.0, 0.07, 0.05)  # 2022: Ukrainian refugees move into SGB II; 2024 slightly lower


@dataclass(frozen=True)
class Trends:
    improving: tuple[str, ...]  # Stadtteil keys
    worsening: tuple[str, ...]
    target_rate: float


def _logit(p):
    return np.log(p / (1 - p))


def _expit(z):
    return 1.0 / (1.0 + np.exp(-z))


def draw_trends(prof: pd.DataFrame, rng: np.random.Generator) -> Trends:
    """Pick quarters that improve (one estate, the inner-city quarter, one more) and one or two that worsen."""
    st = prof.groupby("stadtteil")[["estate", "hot_inner", "affluent"]].max()
    estates = st.index[st.estate > 0.5].tolist()
    inner = st.index[st.hot_inner > 0.5].tolist()
    others = st.index[(st.estate < 0.2) & (st.hot_inner < 0.2) & (st.affluent < 0.3)].tolist()
    pick = [str(k) for k in rng.permutation(others)]
    improving = tuple(sorted({str(k) for k in list(rng.permutation(estates))[:1] + inner[:1]} | set(pick[:1])))
    worsening = tuple(sorted(pick[1:1 + int(rng.integers(1, 3))]))
    return Trends(improving, worsening, float(rng.uniform(0.105, 0.115)))


def rate_model(prof: pd.DataFrame, trends: Trends, rng: np.random.Generator) -> np.ndarray:
    """Logit of the SGB II rate per Planungsraum (rows) and period (columns), before calibration."""
    n = len(prof)
    st_keys = prof.stadtteil.to_numpy()
    st_effect = {k: rng.normal(0, 0.18) for k in sorted(set(st_keys))}
    z = (-2.55 + 2.6 * prof.estate.to_numpy() + 2.4 * prof.hot_inner.to_numpy()
         - 1.9 * prof.affluent.to_numpy() + 0.4 * prof.centrality.to_numpy()
         + np.array([st_effect[k] for k in st_keys]) + rng.normal(0, 0.22, n))
    slope = rng.normal(0, 0.035, n)
    slope += np.where(np.isin(st_keys, trends.improving), -0.17, 0.0)
    slope += np.where(np.isin(st_keys, trends.worsening), 0.28, 0.0)
    out = np.empty((n, len(PERIODS)))
    for t in range(len(PERIODS)):  # t steps of two years after 2020
        out[:, t] = z + CITY_SHIFT[t] + slope * t + rng.normal(0, 0.04, n)
    cap, k = _logit(0.38), 3.0  # soft ceiling: even the poorest quarters stay around a third
    return cap - np.logaddexp(0.0, k * (cap - out)) / k


def calibrate(z: np.ndarray, pop: np.ndarray, target: float) -> float:
    """Offset on the logit so that the resident-weighted rate equals ``target`` (bisection)."""
    lo, hi = -5.0, 5.0
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        rate = (_expit(z + mid) * pop).sum() / pop.sum()
        lo, hi = (mid, hi) if rate < target else (lo, mid)
    return 0.5 * (lo + hi)


def counts(prof: pd.DataFrame, res: pd.DataFrame, rng: np.random.Generator,
           target_rate: float | None = None) -> tuple[pd.DataFrame, Trends]:
    """Wide frame key, period, *SGB2 and the trends used. ``target_rate`` replaces the drawn overall SGB II
    rate (the Musterkreis is calibrated to a rural rate)."""
    trends = draw_trends(prof, rng)
    if target_rate is not None:
        trends = Trends(trends.improving, trends.worsening, float(target_rate))
    z = rate_model(prof, trends, rng)
    last = res[res.period == PERIODS[-1]].set_index("key").loc[prof.key]
    z += calibrate(z[:, -1], last.ew_gesamt.to_numpy(), trends.target_rate)
    special = np.array([isinstance(s, str) for s in prof.special])
    n = len(prof)
    child_shift = rng.normal(0.85, 0.12, n)  # child poverty ~2× the SGB II rate, less at the top
    p_lz = np.clip(0.56 + 0.12 * np.maximum(prof.estate, prof.hot_inner).to_numpy() + rng.normal(0, 0.03, n),
                   0.3, 0.85)
    p_alo = np.clip(rng.normal(0.34, 0.03, n), 0.2, 0.5)
    p_ae = np.clip(0.15 + 0.06 * prof.estate.to_numpy() + rng.normal(0, 0.02, n), 0.05, 0.35)
    first_special = np.flatnonzero(special)[:1]
    frames = []
    for t, period in enumerate(PERIODS):
        r = res[res.period == period].set_index("key").loc[prof.key]
        pop, u15, u25, mid, y1524 = (r[c].to_numpy() for c in ("ew_gesamt", "ew_u15", "ew_u25", "ew_15_64",
                                                                 "ew_15_24"))
        rate = _expit(z[:, t])
        rate[special] = rng.uniform(0.0, 0.04, special.sum())
        rlb = rng.binomial(pop, rate)
        rlb[first_special] = rng.integers(1, 3, len(first_special))  # a cell of 1 or 2 that must be suppressed
        rlb_u15 = np.minimum(rng.binomial(u15, _expit(z[:, t] + child_shift)), rlb)
        nef = np.minimum(rlb_u15 + rng.binomial(rlb - rlb_u15, 0.02), rlb)
        elb = np.minimum(rlb - nef, mid)
        rlb = elb + nef
        young = np.minimum(rng.binomial(elb, np.clip(1.3 * y1524 / np.maximum(mid, 1), 0.02, 0.5)), y1524)
        rlb_u25 = np.minimum(rlb_u15 + young, np.minimum(rlb, u25))
        lz = rng.binomial(elb, np.clip(p_lz + 0.01 * (t - 2), 0.1, 0.95))
        alo = rng.binomial(elb, p_alo)
        size = 1.55 + 1.6 * rlb_u15 / np.maximum(rlb, 1) + rng.normal(0, 0.05, n)
        bg = np.clip(np.round(rlb / np.maximum(size, 1.0)).astype(np.int64), np.minimum(rlb, 1), rlb)
        bg_ae = np.minimum(rng.binomial(bg, p_ae), rlb_u25)
        frames.append(pd.DataFrame({
            "key": prof.key.to_numpy(), "period": period, "rlb": rlb, "elb": elb, "nef": nef,
            "rlb_u15": rlb_u15, "rlb_u25": rlb_u25, "elb_langzeit": lz, "bg": bg,
            "bg_alleinerziehend": bg_ae, "alo_sgb2": alo,
        }))
    return pd.concat(frames, ignore_index=True), trends
