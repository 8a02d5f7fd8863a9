"""Import wizard, step „Gebiete zuordnen": level, column, method (key, name, key template), match table."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from app_pages.common import tr
from app_pages.daten_forms import PERIOD_COLUMN

NONE = "—"
INDICATOR_COLUMN = r"indikator|indicator|kennzahl|merkmal|variable|kennziffer|thema"

METHODS = {"schluessel": ("Gebietsschlüssel", "Area key"), "name": ("Gebietsname", "Area name"),
           "vorlage": ("Nummer + Schlüsselvorlage", "Number + key template")}


def keys_step(con, raw: pd.DataFrame, levels_frame: pd.DataFrame, digest: str):
    """Widgets of the step; returns (level, key column, method text, on_unmatched, MatchTable, period column,
    indicator column of a long table) or None."""
    from sozialraum.io import loader
    from sozialraum.io.guess import best_key_column, guess_template
    from sozialraum.io.matching import match_rows, parse_method

    st.subheader(tr("Schritt 3: Zeilen den Gebieten zuordnen", "Step 3: Match rows to areas"))
    if levels_frame.empty:
        st.warning(tr("Es gibt noch keine Gebiete. Bitte zuerst Gebietsflächen laden (oben „Gebietsflächen“).",
                      "No areas yet. Please load area shapes first."))
        return None
    order = levels_frame.sort_values(["rank", "n_areas"], ascending=[True, False])
    labels = dict(zip(order["level"], order["label"]))
    c1, c2, c3 = st.columns(3)
    level = c1.selectbox(tr("Gebietsebene der Zeilen", "Area level of the rows"), list(labels),
                         format_func=lambda v: f"{labels[v]} ({v})", key=f"wz_level_{digest}")
    areas = loader.area_names(con, level)
    col, method, n = best_key_column(raw, areas)
    columns = [str(c) for c in raw.columns]
    key = c2.selectbox(tr("Spalte, die das Gebiet nennt", "Column naming the area"), columns,
                       index=columns.index(col) if col in columns else 0, key=f"wz_key_{digest}_{level}",
                       help=tr("Vorausgewählt ist die Spalte, mit der die meisten Zeilen ein Gebiet finden.",
                               "Preselected: the column matching most rows."))
    kinds = list(METHODS)
    default_kind = "vorlage" if method.startswith("vorlage:") else method
    kind = c3.radio(tr("Zuordnen über", "Match by"), kinds, index=kinds.index(default_kind), horizontal=False,
                    format_func=lambda k: tr(*METHODS[k]), key=f"wz_method_{digest}_{level}",
                    help=tr("Namen werden vereinheitlicht: Groß-/Kleinschreibung, Umlaute/ß, Satzzeichen, „_“ "
                            "statt Leerzeichen und führende Nummern wie „04 “ spielen keine Rolle.",
                            "Names are normalised."))
    method_text = kind
    if kind == "vorlage":
        template = st.text_input(
            tr("Schlüsselvorlage", "Key template"), value=guess_template(areas) or "", key=f"wz_tpl_{digest}_{level}",
            help=tr("Die Zahl in der Spalte wird eingesetzt: „STGT{:02d}“ macht aus 4 den Schlüssel STGT04.",
                    "The number is formatted into the template."))
        method_text = f"vorlage:{template}"
    try:
        parsed = parse_method(method_text)
    except ValueError as exc:
        st.error(str(exc))
        return None
    period_options = [NONE] + [c for c in columns if c != key]
    guess = next((c for c in columns if c != key and re.fullmatch(PERIOD_COLUMN, c.strip(), re.IGNORECASE)), NONE)
    period_column = st.selectbox(
        tr("Spalte mit dem Zeitraum (wenn die Datei eine Zeile je Gebiet und Jahr hat)", "Period column"),
        period_options, index=period_options.index(guess), key=f"wz_pcol_{digest}_{key}",
        format_func=lambda v: tr("— keine: ein Zeitraum für die ganze Datei —", "— none —") if v == NONE else v)
    period_column = None if period_column == NONE else period_column
    long_options = [NONE] + [c for c in columns if c not in (key, period_column)]
    guess = next((c for c in long_options[1:] if re.fullmatch(INDICATOR_COLUMN, c.strip(), re.IGNORECASE)), NONE)
    indicator_column = st.selectbox(
        tr("Spalte mit dem Namen der Kennzahl (Langformat: eine Zeile je Gebiet und Kennzahl)", "Indicator column"),
        long_options, index=long_options.index(guess), key=f"wz_icol_{digest}_{key}",
        format_func=lambda v: tr("— keine: eine Spalte je Kennzahl —", "— none: one column per indicator —")
        if v == NONE else v)
    indicator_column = None if indicator_column == NONE else indicator_column
    values = loader.row_values(raw, [c for c in columns if c not in (key, period_column, indicator_column)])
    table = match_rows(raw[key], areas, parsed, totals=loader.total_names(con, level),
                       values=None if indicator_column else values,
                       repeats_ok=period_column is not None or indicator_column is not None)
    counts = table.counts()
    summary = ", ".join(f"{n} {_status(s)}" for s, n in counts.items())
    st.markdown(tr(f"**Ergebnis:** {summary}.", f"**Result:** {summary}."))
    with st.expander(tr("Zuordnungstabelle (jede Zeile der Datei)", "Match table (every row)"),
                     expanded=bool(len(table.problems()))):
        st.dataframe(table.german(), hide_index=True, width="stretch")
    unmatched = [a for a in areas if a not in set(table.frame["area_key"].dropna())]
    if unmatched:
        st.caption(tr(f"Gebiete ohne Zeile in der Datei ({len(unmatched)} von {len(areas)}): "
                      + ", ".join(f"{areas[a]} ({a})" for a in unmatched[:20]) + (" …" if len(unmatched) > 20 else ""),
                      f"Areas without a row: {len(unmatched)}"))
    on_unmatched = "skip"
    if len(table.problems()):
        on_unmatched = st.radio(
            tr("Zeilen, die kein Gebiet finden", "Rows without an area"), ["skip", "stop"],
            format_func=lambda v: tr("auslassen und auflisten", "skip and list") if v == "skip"
            else tr("Import anhalten", "stop the import"), horizontal=True, key=f"wz_policy_{digest}")
    return level, key, parsed.text, on_unmatched, table, period_column, indicator_column


def _status(s: str) -> str:
    from sozialraum.io.matching import STATUS_DE

    return STATUS_DE.get(s, s)
