"""Plausibility of observations before they are written: impossible values are errors, doubtful ones warnings.

The store's write boundary (``sozialraum.store.write.replace_sources``) runs these checks on every import — CLI,
recipe, app, wizard — inside its transaction, after the new rows are inserted and roll-ups refreshed, so that
the checks see exactly what the store would hold. Only findings that involve a row of the sources being
written are reported; the store stays unchanged unless the write is accepted.

API for callers (the import wizard, the CLI):

``replace_sources(con, items, confirm_warnings=False)`` (in ``sozialraum.store.write``)
    errors → ``InputError`` (store unchanged); warnings only → ``PlausibilityWarning`` (a subclass of
    ``InputError``, store unchanged) carrying ``.report``; with ``confirm_warnings=True`` the doubtful values are
    written with the flag ``doubtful`` (and every roll-up and rate built on them carries it too).
``check_sources(con, items) -> PlausibilityReport`` (in ``sozialraum.store.write``)
    The same checks as a dry run: writes in a transaction, checks, always rolls back. For a preview.
``PlausibilityReport``: ``errors``, ``warnings``, ``notes`` (each a tuple of ``Problem(file, row, column,
    problem)`` whose text names the value) and ``doubtful`` (the cells the warnings are about:
    ``(level, area_key, indicator, period)``).

Provenance: a ``Batch.observations`` frame may carry the optional columns ``file``, ``row`` (spreadsheet row)
and ``column`` (the file's column); problems then name them. Without them, the source's file and the indicator
key are named.

Rules (pure core ``check(new, context, areas, levels)`` on plain frames):

- errors (impossible): a negative count or rate; a rate in % outside 0–100; numerator above denominator; a
  subgroup above its total (``ew_u15 > ew_gesamt``, ``rlb > ew_gesamt``, every rate's numerator above its
  denominator, ``elb``/``nef`` above ``rlb``, …); an area's count above the count of its parent or any
  ancestor (up to the city) given for the same indicator and period;
- warnings (doubtful): children that do not add up to a given parent total; a percentage-looking column (name
  with %, Quote, Anteil, …, or fractional values) mapped to a count; rates in % whose values all lie in 0–1
  (shares instead of percentages?); a value ten times above or below the same indicator's other periods of the
  same area; one area's count above the sum of all other areas of its level (e.g. digits glued together).
- sentinels (``clean_sentinels``): -1, -9, -99, … -999999 and 99999, 999999, … in counts and rates, and the
  all-nines values from -999 on in other indicators, are "no value" (flag ``missing``), reported as notes.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from sozialraum.errors import InputError, Problem
from sozialraum.formatting import format_number

CELL = ["level", "area_key", "indicator", "period"]
DOUBTFUL = "doubtful"
PERIOD_FACTOR = 10.0  # a value this many times above/below the same indicator's other periods is doubtful
PERIOD_MIN_COUNT = 50.0  # ... when the larger of the two is at least this (counts) ...
PERIOD_MIN_RATE = 5.0  # ... or this many percent (rates): small numbers jump
SUM_TOLERANCE = 0.01  # children may differ from a given parent total by 1 % (at least 2 persons)
MIN_SIBLINGS = 5  # "above the sum of all others" needs at least this many other areas
MAX_PROBLEMS = 50
_PERCENT_NAME = re.compile(r"%|quote|anteil|prozent|rate\b|je\s*100|pro\s*100|share", re.IGNORECASE)

# Subgroups and their totals (part <= total in the same area and period). Every rate's numerator/denominator
# pair from the registry is added at import time.
SUBGROUPS: tuple[tuple[str, str], ...] = (
    ("ew_u15", "ew_gesamt"), ("ew_u25", "ew_gesamt"), ("ew_15_64", "ew_gesamt"), ("ew_65plus", "ew_gesamt"),
    ("ew_u15", "ew_u25"), ("rlb", "ew_gesamt"), ("elb", "rlb"), ("nef", "rlb"), ("rlb_u15", "rlb"),
    ("rlb_u25", "rlb"), ("rlb_u15", "rlb_u25"), ("elb_langzeit", "elb"), ("alo_sgb2", "elb"),
    ("bg_alleinerziehend", "bg"), ("alo_sgb2", "arbeitslose"),
)


@dataclass(frozen=True)
class PlausibilityReport:
    errors: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()
    notes: tuple[Problem, ...] = ()
    doubtful: frozenset = field(default_factory=frozenset)  # {(level, area_key, indicator, period)}

    @property
    def ok(self) -> bool:
        return not self.errors and not self.warnings

    def raise_for(self, confirm_warnings: bool = False) -> None:
        """``InputError`` for errors; ``PlausibilityWarning`` for warnings unless confirmed."""
        if self.errors:
            doubtful = [replace(p, problem=f"zweifelhaft: {p.problem}") for p in self.warnings[:MAX_PROBLEMS]]
            raise InputError(list(self.errors[:MAX_PROBLEMS]) + doubtful)
        if self.warnings and not confirm_warnings:
            raise PlausibilityWarning(self)


class PlausibilityWarning(InputError):
    """Doubtful values: nothing was written. Confirm (``confirm_warnings=True``, CLI ``--bestaetigen``) to write
    them with the flag ``doubtful``. ``.report`` holds the full ``PlausibilityReport``."""

    def __init__(self, report: PlausibilityReport):
        self.report = report
        super().__init__(list(report.warnings[:MAX_PROBLEMS]) or "zweifelhafte Werte")


# --- helpers ---------------------------------------------------------------------------------------------------

def _indicators():
    from sozialraum.indicators.registry import INDICATORS

    return INDICATORS


def _pairs(indicators) -> list[tuple[str, str]]:
    pairs = list(SUBGROUPS)
    for spec in indicators.values():
        if spec.aggregation == "ratio" and spec.numerator and spec.denominator:
            pairs.append((spec.numerator, spec.denominator))
    return sorted(set(pairs))


def _num(x: float, kind: str = "count") -> str:
    x = float(x)
    return format_number(x, 0 if float(x).is_integer() else (1 if abs(x) >= 10 else 3))


def _is_sentinel(value: float, kind: str) -> bool:
    if not math.isfinite(value) or value == 0 or not float(value).is_integer():
        return False
    digits = str(int(abs(value)))
    nines = set(digits) == {"9"}
    if kind in ("count", "rate"):
        return (value < 0 and (nines or value == -1)) or (value > 0 and nines and len(digits) >= 5)
    return nines and len(digits) >= 3 and (value < 0 or len(digits) >= 5)


class _Where:
    """file/row/column of a cell of the new rows (from the optional provenance columns)."""

    def __init__(self, new: pd.DataFrame, default_file: str | None):
        self.by_cell = {}
        files = new["file"] if "file" in new else pd.Series([None] * len(new), index=new.index)
        rows = new["row"] if "row" in new else pd.Series([None] * len(new), index=new.index)
        cols = new["column"] if "column" in new else pd.Series([None] * len(new), index=new.index)
        for cell, f, r, c in zip(zip(*(new[k] for k in CELL)), files, rows, cols):
            self.by_cell[tuple(map(str, cell))] = (
                f if isinstance(f, str) and f else default_file,
                int(r) if r is not None and not (isinstance(r, float) and math.isnan(r)) else None,
                c if isinstance(c, str) and c else cell[2],
            )

    def __contains__(self, cell) -> bool:
        return tuple(map(str, cell)) in self.by_cell

    def problem(self, cell, text: str) -> Problem:
        file, row, column = self.by_cell.get(tuple(map(str, cell)), (None, None, str(cell[2])))
        return Problem(file, text, row=row, column=column)


def _text(column: pd.Series) -> pd.Series:
    """Keys as plain Python strings (object dtype): Arrow-backed strings are slow to iterate."""
    return pd.Series([str(v) for v in column.tolist()], index=column.index, dtype=object)


def _area(cell) -> str:
    return f"Gebiet {cell[1]!r} ({cell[0]}), {cell[3]}"


# --- sentinels -------------------------------------------------------------------------------------------------

def clean_sentinels(obs: pd.DataFrame, *, default_file: str | None = None,
                    indicators=None) -> tuple[pd.DataFrame, list[Problem]]:
    """Observations with placeholder numbers (-9999, -1, 99999, …; see the module docstring) turned into "no
    value" (NaN, flag ``missing``), and one note per such cell naming the value."""
    indicators = indicators or _indicators()
    if obs is None or not len(obs):
        return obs, []
    kinds = obs["indicator"].map(lambda i: indicators[i].kind if i in indicators else "")
    values = pd.to_numeric(obs["value"], errors="coerce").to_numpy(dtype=float)
    hit = np.array([_is_sentinel(v, k) for v, k in zip(values, kinds)], dtype=bool)
    if not hit.any():
        return obs, []
    where = _Where(obs[hit], default_file)
    notes = [where.problem(cell, f"Wert {_num(v)} als Platzhalter für „kein Wert“ gelesen")
             for cell, v in zip(zip(*(obs.loc[hit, k] for k in CELL)), values[hit])]
    out = obs.copy()
    out.loc[hit, "value"] = np.nan
    out.loc[hit, "flag"] = "missing"
    return out, notes


# --- the pure core ---------------------------------------------------------------------------------------------

def check(new: pd.DataFrame, context: pd.DataFrame, areas: pd.DataFrame, levels: pd.DataFrame, *,
          default_file: str | None = None, indicators=None) -> PlausibilityReport:
    """Check the ``new`` observations (CELL + value, numerator, denominator, flag; optional file/row/column)
    against ``context`` (every observation the store would hold: CELL + value, flag, derived), ``areas``
    (level, area_key, parent_key) and ``levels`` (level, parent_level). Pure: no store access."""
    indicators = indicators or _indicators()
    if new is None or not len(new):
        return PlausibilityReport()
    new = new.copy()
    for k in CELL:
        new[k] = _text(new[k])
    where = _Where(new, default_file)
    errors: list[Problem] = []
    warnings: list[Problem] = []
    doubtful: set = set()
    kind = {k: s.kind for k, s in indicators.items()}
    unit = {k: s.unit for k, s in indicators.items()}
    ctx = context[context["value"].notna()].copy()
    for k in CELL:
        ctx[k] = _text(ctx[k])
    areas = areas.assign(level=_text(areas["level"]), area_key=_text(areas["area_key"]))
    ctx["value"] = ctx["value"].astype(float)
    known = new[pd.to_numeric(new["value"], errors="coerce").notna()].copy()
    known["value"] = known["value"].astype(float)
    known["kind"] = known["indicator"].map(kind)

    # 1. negative counts and rates; rates in % outside 0-100; numerator above denominator
    for r in known.itertuples(index=False):
        cell = (r.level, r.area_key, r.indicator, r.period)
        if r.kind in ("count", "rate") and r.value < 0:
            what = "Anzahl" if r.kind == "count" else "Quote"
            errors.append(where.problem(cell, f"negativer Wert {_num(r.value)} – eine {what} kann nicht "
                                              f"negativ sein ({_area(cell)})"))
        elif r.kind == "rate" and unit.get(r.indicator) == "%" and r.value > 100:
            errors.append(where.problem(cell, f"Quote {_num(r.value)} % liegt außerhalb von 0–100 % "
                                              f"({_area(cell)})"))
        num, den = getattr(r, "numerator", np.nan), getattr(r, "denominator", np.nan)
        if pd.notna(num) and pd.notna(den) and float(num) > float(den):
            errors.append(where.problem(cell, f"Zähler {_num(num)} ist größer als der Nenner {_num(den)} "
                                              f"({_area(cell)})"))

    new_cells = set(zip(*(new[k] for k in CELL)))
    imported = ctx[~ctx["derived"].astype(bool)] if "derived" in ctx else ctx
    value_of = dict(zip(zip(*(ctx[k] for k in CELL)), ctx["value"]))

    # 2. subgroup above its total (same area and period): one wide table, one comparison per pair
    pairs = [(a, b) for a, b in _pairs(indicators) if a in set(ctx["indicator"]) and b in set(ctx["indicator"])]
    if pairs:
        used = {x for pair in pairs for x in pair}
        wide = ctx[ctx["indicator"].isin(used)].pivot_table(index=["level", "area_key", "period"],
                                                            columns="indicator", values="value", aggfunc="first")
        for part, total in pairs:
            above = wide[wide[part] > wide[total]]
            for (lv, key, per), value, value_total in zip(above.index, above[part], above[total]):
                pc, tc = (lv, key, part, per), (lv, key, total, per)
                if pc not in new_cells and tc not in new_cells:
                    continue
                at = pc if pc in new_cells else tc
                errors.append(where.problem(at, f"{part} = {_num(value)} ist größer als {total} = "
                                                f"{_num(value_total)} – eine Teilgruppe kann nicht größer sein "
                                                f"als ihre Gesamtzahl ({_area(pc)})"))

    # 3. an area's count above its parent's (or any ancestor's) given count; children not adding up
    parent_level = {lv: (p if isinstance(p, str) else None) for lv, p in zip(levels["level"], levels["parent_level"])}
    parent_of = {(str(lv), str(k)): (str(p) if isinstance(p, str) and p else None)
                 for lv, k, p in zip(areas["level"], areas["area_key"], areas["parent_key"])}
    children: dict = {}
    for (lv, k), p in parent_of.items():
        plv = parent_level.get(lv)
        if p is not None and plv is not None:
            children.setdefault((plv, p), []).append((lv, k))
    counts = imported[imported["indicator"].map(kind) == "count"]
    imported_cells = set(zip(*(counts[k] for k in CELL)))
    for lv, key, ind, per, value in zip(counts["level"], counts["area_key"], counts["indicator"], counts["period"],
                                        counts["value"]):
        cell = (lv, key, ind, per)
        a_lv, a_key, seen = lv, key, 0
        while seen < 20:
            seen += 1
            p_key, p_lv = parent_of.get((a_lv, a_key)), parent_level.get(a_lv)
            if p_key is None or p_lv is None:
                break
            a_lv, a_key = p_lv, p_key
            anc = (a_lv, a_key, ind, per)
            if anc in imported_cells and (cell in new_cells or anc in new_cells) and value > value_of[anc]:
                at = cell if cell in new_cells else anc
                errors.append(where.problem(at, f"{ind} = {_num(value)} in {key!r} ({lv}) ist größer als im "
                                                f"Obergebiet {a_key!r} ({a_lv}) = {_num(value_of[anc])}, {per}"))
                break
    for cell in sorted(imported_cells):
        lv, key, ind, per = cell
        kids = children.get((lv, key))
        if not kids:
            continue
        kid_cells = [(c_lv, k, ind, per) for c_lv, k in kids]
        if cell not in new_cells and not any(c in new_cells for c in kid_cells):
            continue
        have = [value_of[c] for c in kid_cells if c in value_of]
        total, given = float(sum(have)), value_of[cell]
        tol = max(2.0, SUM_TOLERANCE * abs(given))
        if (len(have) == len(kids) and abs(total - given) > tol) or total > given + tol:
            at = cell if cell in new_cells else next(c for c in kid_cells if c in new_cells)
            doubtful.add(at)
            scope = "" if len(have) == len(kids) else f" (schon {len(have)} von {len(kids)} Teilgebieten)"
            warnings.append(where.problem(at, f"{ind}: die Teilgebiete von {key!r} ({lv}) ergeben zusammen "
                                              f"{_num(total)}{scope}, angegeben sind {_num(given)}, {per}"))

    # 4. percentage-looking columns mapped to counts; shares (0-1) mapped to rates in %
    group_cols = [c for c in ("file", "column") if c in known.columns]
    for (ind, *src), g in known.groupby(["indicator", *group_cols], sort=True, dropna=False):
        cells = list(zip(*(g[k] for k in CELL)))
        values = g["value"].to_numpy(dtype=float)
        col = src[-1] if src and isinstance(src[-1], str) else ind
        if kind.get(ind) == "count":
            fractional = ~np.isclose(values, np.round(values))
            if _PERCENT_NAME.search(str(col)) or (fractional.any() and np.nanmax(values) <= 100):
                first = cells[int(np.argmax(fractional))] if fractional.any() else cells[0]
                why = (f"der Spaltenname {col!r} klingt nach einem Anteil" if _PERCENT_NAME.search(str(col))
                       else f"Wert {_num(values[int(np.argmax(fractional))])} hat Nachkommastellen")
                warnings.append(where.problem(first, f"Spalte als Anzahl ({ind}) zugeordnet, aber {why} – "
                                                     "ist es eine Quote in %?"))
                doubtful.update(cells)
            elif fractional.any():
                i = int(np.argmax(fractional))
                warnings.append(where.problem(cells[i], f"Anzahl mit Nachkommastellen: {_num(values[i])} ({ind})"))
                doubtful.update(c for c, f in zip(cells, fractional) if f)
        elif (kind.get(ind) == "rate" and unit.get(ind) == "%" and len(values) >= 3
              and 0 < np.nanmax(values) <= 1):
            warnings.append(where.problem(cells[0], f"alle Werte von {ind} liegen zwischen 0 und 1 – sind es "
                                                    "Anteile statt Prozent?"))
            doubtful.update(cells)

    # 5. far outside the same indicator's other periods (same area)
    cmp = imported[imported["indicator"].map(kind).isin(["count", "rate"])][
        ["level", "area_key", "indicator", "period", "value"]]
    mine = known[known["kind"].isin(["count", "rate"]) & (known["value"] >= 0)][CELL + ["value", "kind"]]
    pairs = mine.merge(cmp, on=["level", "area_key", "indicator"], suffixes=("", "_o"))
    pairs = pairs[pairs["period_o"] != pairs["period"]]
    if len(pairs):
        hist = pairs.groupby(CELL, sort=True).agg(value=("value", "first"), kind=("kind", "first"),
                                                  m=("value_o", "median"))
        hi, lo = np.maximum(hist["value"], hist["m"]), np.minimum(hist["value"], hist["m"])
        floor = np.where(hist["kind"] == "count", PERIOD_MIN_COUNT, PERIOD_MIN_RATE)
        with np.errstate(divide="ignore", invalid="ignore"):
            far = (hi >= floor) & ((lo <= 0) | (hi / lo >= PERIOD_FACTOR))
        for cell, r in hist[far].iterrows():
            periods = sorted(pairs.loc[(pairs["level"] == cell[0]) & (pairs["area_key"] == cell[1])
                                       & (pairs["indicator"] == cell[2]) & (pairs["period"] == cell[3]),
                                       "period_o"])
            doubtful.add(cell)
            warnings.append(where.problem(cell, f"{cell[2]} = {_num(r['value'])} weicht stark von den anderen "
                                                f"Zeiträumen ab (Median {_num(r['m'])}: {', '.join(periods)}) – "
                                                f"{_area(cell)}"))

    # 6. one area's count above the sum of all others of its level (glued digits, a total row as an area)
    for (lv, ind, per), g in counts.groupby(["level", "indicator", "period"], sort=True):
        if len(g) < MIN_SIBLINGS + 1:
            continue
        total = float(g["value"].sum())
        for key, v in zip(g["area_key"], g["value"]):
            cell = (lv, key, ind, per)
            if cell in new_cells and v > total - v and v > 0:
                doubtful.add(cell)
                warnings.append(where.problem(cell, f"{ind} = {_num(v)} in {key!r} ist größer als alle "
                                                    f"anderen {len(g) - 1} Gebiete der Ebene zusammen "
                                                    f"({_num(total - v)}), {per}"))
    return PlausibilityReport(tuple(errors), tuple(warnings), (), frozenset(doubtful))


# --- adapter (inside the store's write transaction) ------------------------------------------------------------

def check_store(con, source_ids: list[str], provenance: pd.DataFrame | None = None, *,
                default_file: str | None = None) -> PlausibilityReport:
    """Run ``check`` on the store as it is now (inside the caller's transaction): the new rows are the
    non-derived observations of ``source_ids``; ``provenance`` (CELL + file, row, column) names their origin."""
    ids = list(source_ids)
    context = con.execute("SELECT level, area_key, indicator, period, value, flag, derived FROM observations").df()
    new = con.execute("SELECT level, area_key, indicator, period, value, numerator, denominator, flag "
                      "FROM observations WHERE NOT derived AND list_contains(?, source_id)", [ids]).df()
    if provenance is not None and len(provenance) and len(new):
        prov = provenance[[c for c in CELL + ["file", "row", "column"] if c in provenance.columns]].copy()
        for k in CELL:
            prov[k] = prov[k].astype(str)
        new = new.merge(prov.drop_duplicates(CELL), on=CELL, how="left")
    areas = con.execute("SELECT level, area_key, parent_key FROM areas").df()
    levels = con.execute("SELECT level, parent_level FROM area_levels").df()
    return check(new, context, areas, levels, default_file=default_file)
