"""Import wizard, step „Tabelle finden": sheet, header row(s) and data range — detected, shown, correctable."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from app_pages.common import tr


@st.cache_data(show_spinner=False, max_entries=8)
def _sheets(path: str, digest: str) -> list[str]:
    from sozialraum.io.layout import sheet_names

    return sheet_names(path)


@st.cache_data(show_spinner=False, max_entries=16)
def _grid(path: str, sheet: str | None, digest: str):
    from sozialraum.io.layout import read_grid

    return read_grid(path, sheet)


def _best_sheet(path: str, sheets: list[str], digest: str) -> int:
    from sozialraum.errors import InputError
    from sozialraum.io.layout import detect_layout

    best, rows = 0, -1
    for i, name in enumerate(sheets):
        try:
            lay = detect_layout(_grid(path, name, digest))
        except InputError:
            continue
        if lay.last_row - lay.first_row > rows:
            best, rows = i, lay.last_row - lay.first_row
    return best


def _rows_text(rows) -> str:
    return ",".join(str(r) for r in rows) if rows else "0"


def table_step(path: Path, digest: str):
    """Widgets of the step; returns (grid, layout, raw table, recipe options)."""
    from sozialraum.io.layout import corrected, detect_layout, preview, table

    st.subheader(tr("Schritt 2: Tabelle finden", "Step 2: Find the table"))
    sheets = _sheets(str(path), digest)
    sheet = None
    if len(sheets) > 1:
        sheet = st.selectbox(tr("Tabellenblatt", "Sheet"), sheets, index=_best_sheet(str(path), sheets, digest),
                             key=f"wz_sheet_{digest}",
                             help=tr("Vorausgewählt ist das Blatt mit der größten Tabelle.",
                                     "The sheet with the largest table is preselected."))
    elif sheets:
        sheet = sheets[0]
    grid = _grid(str(path), sheet, digest)
    auto = detect_layout(grid)
    st.markdown(tr(f"**Erkannt:** {auto.describe()}.", f"**Detected:** {auto.describe()}."))
    for note in auto.notes:
        st.caption("• " + note)
    c1, c2, c3 = st.columns(3)
    head_text = c1.text_input(
        tr("Kopfzeile(n)", "Header row(s)"), value=_rows_text(auto.header_rows), key=f"wz_head_{digest}_{sheet}",
        help=tr("Zeilennummer(n) mit den Spaltennamen, z. B. „1“ oder „4,5“ für einen zweizeiligen Kopf; "
                "„0“ = die Datei hat keine Kopfzeile.", "Header row numbers; 0 = none."))
    first = c2.number_input(tr("Erste Datenzeile", "First data row"), 1, len(grid.rows), auto.first_row,
                            key=f"wz_first_{digest}_{sheet}")
    last = c3.number_input(tr("Letzte Datenzeile", "Last data row"), 1, len(grid.rows), auto.last_row,
                           key=f"wz_last_{digest}_{sheet}",
                           help=tr("Anmerkungen unter der Tabelle (Quelle, Fußnoten) gehören nicht dazu. "
                                   "Summenzeilen dürfen drin bleiben: sie werden im nächsten Schritt erkannt.",
                                   "Notes under the table are left out; total rows are recognised next."))
    try:
        header_rows = [int(x) for x in head_text.replace(";", ",").split(",") if x.strip() and int(x) > 0]
    except ValueError:
        st.error(tr("Kopfzeile(n): bitte Zeilennummern wie „1“ oder „4,5“ angeben.", "Header rows: numbers."))
        st.stop()
    layout = corrected(grid, auto, header_rows=header_rows, first_row=int(first), last_row=int(last))
    raw = table(grid, layout)
    with st.expander(tr("Datei, wie sie gelesen wurde (erste 40 Zeilen)", "File as read (first 40 rows)")):
        st.dataframe(preview(grid), width="stretch", height=300)
    st.caption(tr(f"Die Tabelle: {len(raw)} Zeilen, {len(raw.columns)} Spalten. Erste Zeilen:",
                  f"The table: {len(raw)} rows, {len(raw.columns)} columns."))
    st.dataframe(raw.head(6).astype(str), width="stretch")
    if (layout.header_rows, layout.first_row, layout.last_row) == (auto.header_rows, auto.first_row, auto.last_row):
        options: dict = {"header_row": "auto"}  # detected again in next year's file
    else:
        options = {"header_rows": list(layout.header_rows), "first_row": layout.first_row,
                   "last_row": layout.last_row}
    if sheet is not None and len(sheets) > 1:
        options["sheet"] = sheet
    return grid, layout, raw, options
