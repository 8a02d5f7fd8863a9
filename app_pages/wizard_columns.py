"""Import wizard, step „Spalten zuordnen": nothing preselected; per ticked column a kind and an indicator.

Years across columns (``EW_2020``, ``EW_2022``) are offered as one entry that becomes one period per year.
Two columns into one indicator only with an explicit „summieren".
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.common import tr

CHOOSE = "—"


def _indicator_catalogue(con) -> dict:
    """Registry indicators plus the store's own ones, as objects with key, label_de, kind, unit."""
    from types import SimpleNamespace

    from sozialraum.indicators.own import own
    from sozialraum.indicators.registry import INDICATORS

    out = dict(INDICATORS)
    for r in own(con).itertuples():
        out[r.indicator] = SimpleNamespace(key=r.indicator, label_de=f"{r.label_de} (eigene)", kind=r.kind,
                                           unit=r.unit)
    return out


def entries(raw: pd.DataFrame, key: str) -> list[tuple[str, list[str]]]:
    """(name or year template, columns) of every candidate: year groups first, then single columns."""
    from sozialraum.io.tables import year_groups

    cols = [str(c) for c in raw.columns if str(c) != key]
    groups = year_groups(cols)
    grouped = {c for g in groups.values() for c in g.values()}
    return [(t, [g[y] for y in sorted(g)]) for t, g in groups.items()] + [(c, [c]) for c in cols if c not in grouped]


def columns_step(con, raw: pd.DataFrame, key: str, digest: str, period_guess: str, period_column: str | None = None,
                 indicator_column: str | None = None):
    """Widgets; returns (indicators mapping, scale, period or None) or None when incomplete. In the long format
    (``indicator_column``) the entries are the texts of that column and the mapping carries
    ``"__long__": {indicator_column, value_column}`` (taken out by the caller)."""
    from sozialraum.io.columns import KINDS, indicators_for_kind, suggest_indicator, value_kind
    from sozialraum.io.loader import row_values

    st.subheader(tr("Schritt 4: Spalten den Kennzahlen zuordnen", "Step 4: Map columns to indicators"))
    st.caption(tr("Nichts ist vorausgewählt: bitte die Spalten ankreuzen, die übernommen werden sollen. Für jede "
                  "angekreuzte Spalte wird eine passende Kennzahl vorgeschlagen. Veröffentlichte Quoten werden so "
                  "übernommen, wie sie veröffentlicht sind (nicht zu größeren Gebieten zusammengefasst).",
                  "Nothing is preselected: tick the columns to import."))
    _own_indicator_form(con, digest)
    catalogue = _indicator_catalogue(con)
    chosen: list[tuple[str, list[str], str, str]] = []
    missing: list[str] = []
    long = indicator_column is not None
    if long:  # long format: one row per area and indicator; the texts of the indicator column are the entries
        value_column = _value_column(raw, key, indicator_column, period_column, digest)
        if value_column is None:
            return None
        texts = [str(t).strip() for t in raw[indicator_column] if str(t).strip()]
        items = [(t, [value_column]) for t in dict.fromkeys(texts)]
    else:
        items = [e for e in entries(raw, key) if e[0] != period_column]
    for i, (name, cols) in enumerate(items):
        c0, c1, c2 = st.columns([3, 2, 3])
        years = ", ".join(c for c in cols) if len(cols) > 1 else ""
        label = f"{name}" + (tr(f" – Jahre als Zeiträume: {years}", f" – years: {years}") if years else "")
        if not c0.checkbox(label, value=False, key=f"wz_use_{digest}_{i}"):
            continue
        rows = raw[raw[indicator_column].astype(str).str.strip() == name] if long else raw
        vals = row_values(rows, [cols[-1]])
        kind_guess = value_kind(name, [] if vals is None else list(vals))
        kinds = list(KINDS)
        kind = c1.selectbox(tr("Art der Werte", "Kind of values"), kinds, index=kinds.index(kind_guess),
                            format_func=lambda k: KINDS[k], key=f"wz_kind_{digest}_{i}",
                            label_visibility="collapsed")
        options = indicators_for_kind("count" if kind == "count" else "rate", catalogue)
        own_keys = [k for k in catalogue if k.startswith("eigen_") and k not in options
                    and (catalogue[k].kind == "count") == (kind == "count")]
        options = options + own_keys
        guess = suggest_indicator(name, kind)
        index = options.index(guess) + 1 if guess in options else 0
        ind = c2.selectbox(tr("Kennzahl", "Indicator"), [CHOOSE] + options, index=index,
                           format_func=lambda k: tr("— bitte wählen —", "— choose —") if k == CHOOSE
                           else f"{catalogue[k].label_de} ({k})", key=f"wz_ind_{digest}_{i}_{kind}",
                           label_visibility="collapsed")
        if ind == CHOOSE:
            missing.append(name)
            continue
        chosen.append((name, cols, kind, ind))
    if missing:
        st.warning(tr(f"Für {', '.join(f'„{m}“' for m in missing)} ist noch keine Kennzahl gewählt (oder oben "
                      "eine eigene anlegen).", f"No indicator chosen for {missing}."))
        return None
    if not chosen:
        st.info(tr("Bitte mindestens eine Spalte ankreuzen.", "Please tick at least one column."))
        return None
    by_ind: dict[str, list] = {}
    for name, cols, kind, ind in chosen:
        by_ind.setdefault(ind, []).append((name, kind))
    indicators, scale = {}, {}
    for ind, items in by_ind.items():
        names = [n for n, _ in items]
        if len(items) > 1 and long:
            st.error(tr(f"„{catalogue[ind].label_de}“ ist mehreren Einträgen zugeordnet ({', '.join(names)}); im "
                        "Langformat bitte je Kennzahl genau einen.", f"{ind}: one entry per indicator."))
            return None
        if len(items) > 1:
            st.warning(tr(f"Mehrere Spalten ({', '.join(names)}) sollen in die Kennzahl „{catalogue[ind].label_de}“. "
                          "Sie werden nur summiert, wenn Sie das ausdrücklich wollen.",
                          f"Several columns map to {ind}."))
            if not st.checkbox(tr(f"Spalten für „{catalogue[ind].label_de}“ summieren", f"Sum columns for {ind}"),
                               value=False, key=f"wz_sum_{digest}_{ind}"):
                return None
            if any(k != "count" for _, k in items):
                st.error(tr("Quoten und Anteile können nicht summiert werden.", "Rates cannot be summed."))
                return None
        indicators[ind] = names[0] if len(names) == 1 else names
        if any(k == "share" for _, k in items):
            scale[ind] = 100.0
    if long:
        indicators = {"__long__": {"indicator_column": indicator_column, "value_column": value_column},
                      **indicators}
    templated = period_column is not None or all("{jahr}" in n for items in by_ind.values() for n, _ in items)
    period = None
    if not templated:
        period = st.text_input(tr("Zeitraum / Stichtag der Werte", "Period of the values"), value=period_guess,
                               key=f"wz_period_{digest}",
                               help=tr("Ein Jahr (2024) oder ein Datum (2024-12-31). Vorgeschlagen wird eine Jahreszahl "
                                       "aus den Titelzeilen der Datei.", "A year or a date."),
                               placeholder="2024").strip()
        if not period:
            st.info(tr("Bitte den Zeitraum angeben.", "Please give the period."))
            return None
    return indicators, scale, period


VALUE_COLUMN = r"wert|werte|value|anzahl|zahl|betrag|insgesamt"


def _value_column(raw: pd.DataFrame, key: str, indicator_column: str, period_column: str | None, digest: str):
    import re

    cols = [str(c) for c in raw.columns if str(c) not in (key, indicator_column, period_column)]
    guess = next((c for c in cols if re.fullmatch(VALUE_COLUMN, c.strip(), re.IGNORECASE)), None)
    st.caption(tr(f"Langformat: die Spalte „{indicator_column}“ nennt die Kennzahl; unten je Eintrag ankreuzen, was "
                  "übernommen werden soll.", f"Long format: '{indicator_column}' names the indicator."))
    value = st.selectbox(tr("Spalte mit den Werten", "Value column"), [CHOOSE] + cols,
                         index=cols.index(guess) + 1 if guess else 0, key=f"wz_valcol_{digest}_{indicator_column}",
                         format_func=lambda v: tr("— bitte wählen —", "— choose —") if v == CHOOSE else v)
    if value == CHOOSE:
        st.info(tr("Bitte die Spalte mit den Werten wählen.", "Please choose the value column."))
        return None
    return value


def _own_indicator_form(con, digest: str) -> None:
    from sozialraum.errors import InputError
    from sozialraum.indicators.own import DIRECTIONS, KINDS, declare

    with st.expander(tr("Keine passende Kennzahl? Eigene Kennzahl anlegen", "Declare an own indicator")):
        c1, c2, c3, c4 = st.columns(4)
        label = c1.text_input(tr("Name", "Label"), key=f"wz_own_label_{digest}")
        kind = c2.selectbox(tr("Art", "Kind"), list(KINDS), format_func=lambda k: KINDS[k], key=f"wz_own_kind_{digest}")
        unit = c3.text_input(tr("Einheit", "Unit"), key=f"wz_own_unit_{digest}", placeholder="Personen, %, Wert")
        direction = c4.selectbox(tr("Richtung", "Direction"), list(DIRECTIONS), format_func=lambda k: DIRECTIONS[k],
                                 key=f"wz_own_dir_{digest}")
        if st.button(tr("Kennzahl anlegen", "Declare"), key=f"wz_own_go_{digest}"):
            try:
                made = declare(con, label, unit, direction, kind)
            except InputError as exc:
                st.error(str(exc))
            else:
                st.success(tr(f"Kennzahl „{label}“ ({made}) angelegt; sie steht jetzt in der Auswahl.",
                              f"Indicator {made} declared."))
