"""Class breaks for maps and legends: one entry point ``classify(values, scheme, k)`` behind ``SCHEMES``.

Built on mapclassify (imported inside). NaN values are ignored when the breaks are computed and get class -1.
Classes are closed at their upper bound (``value <= bin``), as in mapclassify, except the MSS schemes, whose
lowest class is open ("unter −1"): −1 itself belongs to "mittel"/"stabil" as in the MSS method.
Labels are ready for a legend in German number format ("12,5 – 18,0 %").
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Callable

import numpy as np
from sozialraum.formatting import format_number  # noqa: F401  (re-exported for legends)

MSS_STATUS_BINS = (-1.0, 1.0, 1.5)
MSS_STATUS_NAMES = ("hoch", "mittel", "niedrig", "sehr niedrig")
MSS_DYNAMICS_BINS = (-1.0, 1.0)
MSS_DYNAMICS_NAMES = ("positiv", "stabil", "negativ")


@dataclass(frozen=True)
class Classification:
    bins: tuple[float, ...]  # upper bound of each class; the last one is the maximum (or +inf)
    labels: tuple[str, ...]
    scheme: str
    k: int  # number of classes actually formed (can be below the k asked for, e.g. few distinct values)
    counts: tuple[int, ...] = ()
    upper_closed: tuple[bool, ...] = ()  # per class: does the upper bound belong to it (default: yes)

    def assign(self, values) -> np.ndarray:
        """Class index per value (0 = lowest class), -1 for NaN. Values above the top bin join the top class."""
        y = np.asarray(values, dtype=float)
        out = np.full(y.shape, -1, dtype=int)
        if not self.bins:
            return out
        ok = ~np.isnan(y)
        closed = self.upper_closed or (True,) * len(self.bins)
        cls = np.full(y.shape, len(self.bins) - 1, dtype=int)
        for i in range(len(self.bins) - 2, -1, -1):
            below = (y <= self.bins[i]) if closed[i] else (y < self.bins[i])
            cls[below] = i
        out[ok] = cls[ok]
        return out


def _decimals(y: np.ndarray, bins) -> int:
    finite = [b for b in bins if math.isfinite(b)]
    if np.all(np.mod(y, 1) == 0) and all(float(b).is_integer() for b in finite):
        return 0
    span = float(np.max(y) - np.min(y)) if len(y) else 0.0
    if span <= 0:
        return 1
    return int(min(4, max(1, 1 - math.floor(math.log10(span)))))


def _range_labels(lo: float, bins: tuple[float, ...], unit: str, decimals: int) -> tuple[str, ...]:
    suffix = f" {unit}" if unit else ""
    labels, lower = [], lo
    for b in bins:
        if math.isinf(b):
            labels.append(f"über {format_number(lower, decimals)}{suffix}")
        elif lower == b:
            labels.append(f"{format_number(b, decimals)}{suffix}")
        else:
            labels.append(f"{format_number(lower, decimals)} – {format_number(b, decimals)}{suffix}")
        lower = b
    return tuple(labels)


# ---------------------------------------------------------------- scheme implementations (y: finite, non-empty)
def _mc(name: str, y: np.ndarray, **kw) -> np.ndarray:
    import mapclassify

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return np.asarray(getattr(mapclassify, name)(y, **kw).bins, dtype=float)


def _quantiles(y, k, breaks):
    return _mc("Quantiles", y, k=k)


def _equal_interval(y, k, breaks):
    return _mc("EqualInterval", y, k=k)


def _fisher_jenks(y, k, breaks):
    return _mc("FisherJenks", y, k=min(k, len(np.unique(y))))


def _std_mean(y, k, breaks):
    half = max(1, (k - 1) // 2)
    multiples = [-m for m in range(half, 0, -1)] + ([0] if k % 2 == 0 else []) + list(range(1, half + 1))
    return _mc("StdMean", y, multiples=multiples)


def _manual(y, k, breaks):
    if breaks is None or len(breaks) == 0:
        raise ValueError("Für eigene Klassengrenzen bitte die Grenzen angeben (breaks=...).")
    bins = np.unique(np.asarray(breaks, dtype=float))
    if y.max() > bins[-1]:
        bins = np.append(bins, y.max())
    return bins


SCHEMES: dict[str, tuple[str, Callable]] = {
    "quantiles": ("Quantile (gleich viele Gebiete je Klasse)", _quantiles),
    "equal_interval": ("Gleiche Abstände", _equal_interval),
    "fisher_jenks": ("Natürliche Brüche (Fisher-Jenks)", _fisher_jenks),
    "std_mean": ("Standardabweichung um den Mittelwert", _std_mean),
    "manual": ("Eigene Klassengrenzen", _manual),
    "mss": ("MSS-Statusklassen (−1 / +1 / +1,5)", None),
    "mss_dynamik": ("MSS-Dynamikklassen (−1 / +1)", None),
}


def _fixed(scheme: str, y: np.ndarray) -> Classification:
    bins, names = ((MSS_STATUS_BINS, MSS_STATUS_NAMES) if scheme == "mss"
                   else (MSS_DYNAMICS_BINS, MSS_DYNAMICS_NAMES))
    bins = tuple(float(b) for b in bins) + (math.inf,)
    closed = (False,) + (True,) * (len(bins) - 1)
    c = Classification(bins, names, scheme, len(bins), upper_closed=closed)
    counts = np.bincount(c.assign(y), minlength=len(bins)) if len(y) else np.zeros(len(bins), int)
    return Classification(bins, names, scheme, len(bins), tuple(int(n) for n in counts), closed)


def classify(values, scheme: str = "quantiles", k: int = 5, *, breaks=None, unit: str = "",
             decimals: int | None = None) -> Classification:
    """Class breaks for ``values`` (NaN ignored) by ``scheme`` (a key of ``SCHEMES``) with ``k`` classes.

    Fewer than ``k`` classes are formed when the values do not allow more (e.g. few distinct values); all
    bins are distinct. ``breaks`` are the upper bounds for ``scheme='manual'``. ``unit`` is appended to labels.
    """
    if scheme not in SCHEMES:
        raise ValueError(f"Unbekanntes Klassifizierungsverfahren {scheme!r}; möglich: {', '.join(SCHEMES)}")
    y = np.asarray(values, dtype=float).ravel()
    y = y[np.isfinite(y)]
    if scheme in ("mss", "mss_dynamik"):
        return _fixed(scheme, y)
    if len(y) == 0:
        return Classification((), (), scheme, 0, ())
    k = max(1, int(k))
    distinct = np.unique(y)
    if len(distinct) == 1 and scheme != "manual":
        bins = distinct
    else:
        bins = np.unique(SCHEMES[scheme][1](y, k, breaks))
        bins = bins[np.isfinite(bins)] if np.isfinite(bins).any() else bins
        if scheme != "manual":
            bins = bins[bins >= y.min()]
            if len(bins) == 0 or bins[-1] < y.max():
                bins = np.append(bins, y.max())
    if scheme == "quantiles":  # few distinct values: merge classes that would stay empty
        counts = np.bincount(Classification(tuple(bins), (), scheme, len(bins)).assign(y), minlength=len(bins))
        bins = np.append(bins[:-1][counts[:-1] > 0], bins[-1])
    bins_t = tuple(float(b) for b in bins)
    lo = float(min(y.min(), bins_t[0]))
    decimals = _decimals(y, bins_t) if decimals is None else decimals
    labels = _range_labels(lo, bins_t, unit, decimals)
    c = Classification(bins_t, labels, scheme, len(bins_t))
    counts = np.bincount(c.assign(y), minlength=len(bins_t))
    return Classification(bins_t, labels, scheme, len(bins_t), tuple(int(n) for n in counts))
