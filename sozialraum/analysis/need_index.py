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

from contextvars import ContextVar
from dataclasses import dataclass
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
              id_col: str | None = None, ddof: int = 1, dynamics_optional: bool = False) -> pd.DataFrame:
    """Status and dynamics index per row of ``frame`` (one row per area, one column per indicator).

    ``valid``: boolean mask of areas that may be scored (e.g. MSS ``KOM == 'gültig'``; min population);
    an area is scored when it is valid and all its status and dynamics values are known.
    ``dynamics_optional``: score the status of every valid area with all status values, and the dynamics only
    of those among them that also have all dynamics values (their code is then the status class number only).
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
    scored = np.isfinite(xs).all(axis=1)
    dyn_known = np.isfinite(xd).all(axis=1)
    if valid is not None:
        scored &= np.asarray(valid, dtype=bool)
    if dynamics_optional:
        dyn_rows = scored & dyn_known
    else:
        scored &= dyn_known
        dyn_rows = scored
    si = composite_index(xs, w[: len(status)], scored, ddof)
    di = composite_index(xd, w[len(status):], dyn_rows, ddof) if dynamics else np.full(len(frame), np.nan)
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


@dataclass(frozen=True)
class NeedChoices:
    """Which indicators can make up the index on one level and period, and which are taken by default."""

    available: tuple[str, ...]  # rates with at least one published value (count-derived or published)
    default: tuple[str, ...]  # the MSS set where present (published MSS shares first), else every available rate


def index_choices(cur: pd.DataFrame, kinds: dict[str, str] | None = None) -> NeedChoices:
    """:class:`NeedChoices` from the published values of one level and period (``published()`` columns).

    ``kinds``: indicator → kind (default: the registry; the store's ``indicators`` table also knows a city's own
    indicators). Registry rates come first in registry order, then own rates by key.
    """
    from sozialraum.indicators.registry import INDICATORS

    kinds = {k: i.kind for k, i in INDICATORS.items()} if kinds is None else kinds
    have = set(cur.loc[cur["value"].notna(), "indicator"])
    order = [k for k in INDICATORS if k in kinds] + sorted(k for k in kinds if k not in INDICATORS)
    available = tuple(k for k in order if k in have and kinds.get(k) == "rate")
    if set(STORE_MSS[0]) <= have:
        default = STORE_MSS[0]
    else:
        default = tuple(k for k in STORE_RATES if k in have) or available
    return NeedChoices(available, tuple(default))


def need_choices(con, level: str, period: str, *, threshold: float | None = None) -> NeedChoices:
    from sozialraum.analysis.confidentiality import published

    return index_choices(published(con, level, period=period, threshold=threshold), _store_kinds(con))


def _store_kinds(con) -> dict[str, str]:
    """indicator → kind from the store (the registry plus a city's own indicators)."""
    return dict(con.execute("SELECT indicator, kind FROM indicators").fetchall())


def _store_specs(con) -> dict[str, tuple[str, str, str]]:
    """indicator → (German label, unit, direction) from the store's ``indicators`` table."""
    return {r[0]: (r[1], r[2], r[3]) for r in
            con.execute("SELECT indicator, label_de, unit, direction FROM indicators").fetchall()}


# indicator → (label, unit, direction) of the store being scored (a city's own indicators are not in the registry);
# set for the duration of one need_index_for_store call, per thread
_SPECS: ContextVar[dict[str, tuple[str, str, str]] | None] = ContextVar("need_index_specs", default=None)


def _specs() -> dict[str, tuple[str, str, str]]:
    return _SPECS.get() or {}


def _label(key: str) -> str:
    from sozialraum.indicators.registry import INDICATORS

    spec = INDICATORS.get(key)
    return spec.label_de if spec else _specs().get(key, (key,))[0]


def _unit(key: str) -> str:
    from sozialraum.indicators.registry import INDICATORS

    spec = INDICATORS.get(key)
    return spec.unit if spec else _specs().get(key, (key, ""))[1]


def _input_reasons(wide: pd.DataFrame, flags: pd.DataFrame, columns: list[str], when: str) -> list[list[str]]:
    """Per area: '<Indikator> <Stichtag> fehlt' / 'gesperrt' / 'ungültig' for each input that cannot be used."""
    from sozialraum.maps.data import format_value

    out: list[list[str]] = [[] for _ in range(len(wide))]
    for col in columns:
        values = wide[col].to_numpy(dtype=float) if col in wide else np.full(len(wide), np.nan)
        flag = flags[col].to_numpy(dtype=object) if col in flags else np.full(len(wide), None, dtype=object)
        percent = _unit(col) == "%"
        for i, (v, f) in enumerate(zip(values, flag)):
            if f == "suppressed":
                out[i].append(f"{_label(col)} {when} gesperrt (Geheimhaltung)")
            elif np.isnan(v):
                out[i].append(f"{_label(col)} {when} fehlt")
            elif percent and not 0 <= v <= 100:
                out[i].append(f"{_label(col)} {when} ungültig ({format_value(v, 1, '%')}, außerhalb 0–100 %)")
    return out


def _invalid(wide: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """Rows with a percentage outside 0–100 in any of ``columns`` (impossible values are never scored)."""
    bad = np.zeros(len(wide), dtype=bool)
    for col in columns:
        if col in wide and _unit(col) == "%":
            v = wide[col].to_numpy(dtype=float)
            bad |= np.isfinite(v) & ((v < 0) | (v > 100))
    return bad


def _level_notes(con, level: str, period: str, status: list[str], have: set[str], *,
                 quiet_absent: bool = False) -> tuple[list[str], str]:
    """Why an input has no value at all on this level: published only on another level, or absent.

    Returns the German notes and a short per-area reason ('' when every input has values here).
    """
    from sozialraum.analysis.data_gaps import published_only_at
    from sozialraum.formatting import format_period

    notes, only = [], {}
    for key in status:
        if key in have:
            continue
        elsewhere = [(lv, label) for lv, label in published_only_at(con, key, period) if lv != level]
        if elsewhere:
            only[key] = ", ".join(label for _, label in elsewhere)
        elif not quiet_absent:
            notes.append(f"{_label(key)} hat auf dieser Ebene für {format_period(period)} keine Werte.")
    for where in sorted(set(only.values())):
        keys = [k for k, w in only.items() if w == where]
        names = " und ".join([", ".join(_label(k) for k in keys[:-1]), _label(keys[-1])]) if len(keys) > 1 \
            else _label(keys[0])
        plural = len(keys) > 1
        notes.append(f"{names} {'liegen' if plural else 'liegt'} für {format_period(period)} nur als "
                     f"veröffentlichte {'Quoten' if plural else 'Quote'} auf der Ebene {where} vor (ohne Zähler "
                     f"und Nenner); {'sie lassen' if plural else 'sie lässt'} sich nicht auf diese Ebene "
                     f"zusammenfassen. Die Ebene {where} wählen oder die Zählwerte importieren.")
    short = ""
    if only:
        where = ", ".join(sorted(set(only.values())))
        short = f"{', '.join(_label(k) for k in only)} nur auf Ebene {where} veröffentlicht"
    return notes, short


def need_index_for_store(con, level: str, period: str, *, status=None, dynamics=None, weights=None,
                         min_population: float | None = None, ddof: int = 1,
                         threshold: float | None = None) -> pd.DataFrame:
    """The MSS index for one level and period of the store (published values only), keyed by ``area_key``.

    ``status``: the index indicators (rates, count-derived or published). Default (:func:`index_choices`): the
    MSS shares (``mss_s1/s3/s4`` with the published ``mss_d1/d3/d4``) if the store has them, else those of
    ``alo_quote``, ``sgb2_quote``, ``kinderarmut`` that exist on the level, else every rate there. The dynamics
    are the two-year changes of the status indicators. Areas with fewer than ``min_population`` residents
    (``ew_gesamt``; setting ``min_population``) or an unknown number of residents (when the level has
    residents at all), a missing, suppressed or impossible (outside 0–100 %) input are not scored. The status
    index is computed even where the dynamics cannot be (then dynamics "" and the code the status class only).

    Besides the columns of :func:`mss_index` (``area_id`` renamed ``area_key``) the frame has ``reason`` (why an
    area has no status class; '' when scored) and ``dynamics_reason`` (why it has no dynamics class). ``attrs``:
    ``status``, ``dynamics`` (indicators used) and ``notes`` (German sentences about the level as a whole).
    """
    token = _SPECS.set(_store_specs(con))
    try:
        return _need_index(con, level, period, status, dynamics, weights, min_population, ddof, threshold)
    finally:
        _SPECS.reset(token)


def _need_index(con, level, period, status, dynamics, weights, min_population, ddof, threshold) -> pd.DataFrame:
    from sozialraum.analysis.confidentiality import published
    from sozialraum.formatting import format_period
    from sozialraum.settings import default
    from sozialraum.store.read import area_keys

    min_population = default("min_population") if min_population is None else min_population
    cur = published(con, level, period=period, threshold=threshold)
    have = set(cur.loc[cur["value"].notna(), "indicator"])
    choices = index_choices(cur, _store_kinds(con))
    if status is None:
        status = choices.default
        if status == STORE_MSS[0] and dynamics is None:
            dynamics = STORE_MSS[1]
    status = list(status)
    if status == list(STORE_MSS[0]) and dynamics is None and set(STORE_MSS[1]) <= have:
        dynamics = STORE_MSS[1]
    keys = pd.Index(area_keys(con, level), name="area_key")
    wide = _wide(cur).reindex(keys)
    flags = (cur.pivot_table(index="area_key", columns="indicator", values="flag", aggfunc="first")
             if cur["flag"].notna().any() else pd.DataFrame(index=keys)).reindex(keys)
    then = earlier_period(period)
    # an input without any value here: say where it exists (e.g. published rates on the finest level only)
    notes, only_elsewhere = _level_notes(con, level, period, status or list(STORE_RATES), have,
                                         quiet_absent=not status)
    dyn_notes: list[str] = []
    if dynamics is None:
        ch = changes(con, level, period, indicators=status, now=cur) if status else pd.DataFrame()
        dynamics = [f"{s}_d2" for s in status]
        if len(ch) and ch["value"].notna().any():
            wide = wide.join(_wide(ch).reindex(keys).drop(columns=[c for c in _wide(ch) if c in wide]))
            then_have = set(ch.loc[ch["from_value"].notna(), "indicator"].str.removesuffix("_d2"))
            lacking = [s for s in status if s not in then_have]
            if lacking:
                dyn_notes.append(f"Dynamik nicht bewertet: {', '.join(_label(s) for s in lacking)} "
                                 f"{'hat' if len(lacking) == 1 else 'haben'} keine Werte für "
                                 f"{format_period(then)} (zwei Jahre vor {format_period(period)}).")
            start = ch.assign(indicator=ch["indicator"].str.removesuffix("_d2"), value=ch["from_value"])
            dyn_reasons = _input_reasons(_wide(start).reindex(keys), pd.DataFrame(index=keys), status,
                                         format_period(then))
        else:
            dynamics = []
            dyn_notes.append(f"Dynamik nicht bewertet: für {format_period(then)} (zwei Jahre vor "
                             f"{format_period(period)}) liegen keine Werte vor.")
            dyn_reasons = [[] for _ in keys]
    else:
        dyn_reasons = _input_reasons(wide, flags, list(dynamics), format_period(period))
    dynamics = list(dynamics)
    for c in status + dynamics:
        if c not in wide.columns:
            wide[c] = np.nan
    reasons = _input_reasons(wide, flags, status, format_period(period))
    _explain_blank_parents(con, level, period, status, keys, reasons)
    valid = ~_invalid(wide, status)
    if "ew_gesamt" in wide.columns and wide["ew_gesamt"].notna().any():
        ew = wide["ew_gesamt"].to_numpy(dtype=float)
        for i, e in enumerate(ew):
            if np.isnan(e):
                reasons[i].append(f"Einwohnerzahl {format_period(period)} fehlt (Mindestgröße nicht prüfbar)")
            elif e < min_population:
                reasons[i].append(f"unter {format_value_int(min_population)} Einwohner/innen")
        valid &= ew >= min_population
    x = wide.copy()
    for s_key, d_key in zip(status, dynamics if len(dynamics) == len(status) else [None] * len(status)):
        if _specs().get(s_key, ("", "", ""))[2] == "higher_is_better":  # the index points towards more need
            x[s_key] = -x[s_key]
            if d_key is not None:
                x[d_key] = -x[d_key]
    out = mss_index(x.reset_index(), status, dynamics, weights, valid, id_col="area_key", ddof=ddof,
                    dynamics_optional=True)
    out = out.rename(columns={"area_id": "area_key"})
    scored = out["scored"].to_numpy()
    if status and 0 < scored.sum() <= ddof:
        notes.append(f"Nur {int(scored.sum())} Gebiet bewertbar: zu wenige für eine Standardisierung.")
        reasons = [r or ["zu wenige bewertbare Gebiete auf dieser Ebene"] for r in reasons]
        out[["status_index", "status_class", "code"]] = [np.nan, "", ""]
        out["scored"] = False
        scored = out["scored"].to_numpy()
    if not status:
        out["scored"] = False
        scored = out["scored"].to_numpy()
        notes.insert(0, f"Für diese Ebene gibt es für {format_period(period)} keine Quote, aus der sich der "
                        "Sozialindex bilden ließe." if not choices.available else
                     "Keine Indexindikatoren gewählt.")
        reason = ("keine Indexindikatoren gewählt" if choices.available else
                  only_elsewhere or "keine Quote auf dieser Ebene")
        reasons = [[reason] for _ in keys]
        dyn_notes = []
    has_dyn = out["dynamics_class"].astype(str).ne("").to_numpy()
    out["reason"] = ["" if s else "; ".join(r) or "nicht bewertbar" for s, r in zip(scored, reasons)]
    out["dynamics_reason"] = ["" if d else ("Status nicht bewertet" if not s else
                                            "; ".join(r) or (dyn_notes[0] if dyn_notes else "nicht bewertbar"))
                              for s, d, r in zip(scored, has_dyn, dyn_reasons)]
    out.attrs.update(status=status, dynamics=dynamics, notes=notes + dyn_notes)
    return out


def _explain_blank_parents(con, level: str, period: str, status: list[str], keys, reasons) -> None:
    """'SGB-II-Quote 2024 fehlt' → '… fehlt (Angabe fehlt für Ortsteil 010102)' where a child lacks the counts."""
    from sozialraum.analysis.data_gaps import children_text, children_without_data
    from sozialraum.formatting import format_period

    pos = {k: i for i, k in enumerate(keys)}
    for key in status:
        text = f"{_label(key)} {format_period(period)} fehlt"
        if not any(text in r for r in reasons):
            continue
        for parent, (label, kids) in children_without_data(con, level, key, period).items():
            i = pos.get(parent)
            if i is not None and text in reasons[i]:
                reasons[i][reasons[i].index(text)] = f"{text} ({children_text(label, kids)})"


def format_value_int(value: float) -> str:
    from sozialraum.formatting import format_number

    return format_number(value, 0)


def reason_summary(need: pd.DataFrame, column: str = "reason") -> list[tuple[str, int]]:
    """Each single reason (split at '; ') with the number of areas it applies to, most frequent first."""
    from collections import Counter

    counts = Counter(part for text in need[column] if isinstance(text, str) and text
                     for part in text.split("; "))
    return counts.most_common()
