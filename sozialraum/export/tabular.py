"""Write ``Sheet``s as CSV for German Excel, as XLSX and as GeoPackage for QGIS.

- CSV: ``;`` as separator, decimal comma, UTF-8 with byte-order mark (so Excel detects the encoding), CRLF line
  ends; suppressed cells are ``*``, missing cells empty; text cells cannot start a formula.
- XLSX (openpyxl): German headers in bold, frozen header row, number formats with the right decimals (Excel
  shows them with the reader's separators), ``*`` for suppressed cells and a sheet "Hinweise" explaining signs,
  sources and confidentiality.
- GeoPackage (pyogrio via geopandas): one layer per sheet with geometry in the store's metric CRS (set
  explicitly), code names as field names, suppressed cells NULL, plus a non-spatial layer ``felder`` that maps
  each field to its German label and unit.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

import pandas as pd

from sozialraum.export.sheet import FORMULA_STARTS, SUPPRESSED_SIGN, Sheet, german_number, safe_text


def _cell_texts(sheet: Sheet) -> pd.DataFrame:
    out = {}
    for col in sheet.columns:
        if col.decimals is None:
            out[col.header] = [safe_text(v) for v in sheet.values[col.key]]
            continue
        numbers = sheet.numeric(col.key)
        suppressed = sheet.suppressed_mask(col.key)
        out[col.header] = [SUPPRESSED_SIGN if s else german_number(v, col.decimals)
                           for v, s in zip(numbers, suppressed)]
    return pd.DataFrame(out)


def csv_text(sheet: Sheet) -> str:
    """The CSV content (without BOM) as German Excel expects it."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    texts = _cell_texts(sheet)
    writer.writerow(list(texts.columns))
    writer.writerows(texts.itertuples(index=False, name=None))
    return buffer.getvalue()


def write_csv(sheet: Sheet, path: str | Path) -> Path:
    """Write ``sheet`` as ``;``-separated UTF-8-with-BOM CSV with decimal commas."""
    path = Path(path)
    path.write_bytes(csv_bytes(sheet))
    return path


def csv_bytes(sheet: Sheet) -> bytes:
    return csv_text(sheet).encode("utf-8-sig")


def _number_format(decimals: int) -> str:
    return "#,##0" if decimals == 0 else "#,##0." + "0" * decimals


def xlsx_bytes(sheets: Iterable[Sheet], *, notes: Iterable[str] = ()) -> bytes:
    """An Excel workbook with one worksheet per sheet and a "Hinweise" worksheet."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    sheets = list(sheets)
    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    right = Alignment(horizontal="right")
    for sheet in sheets:
        ws = wb.create_sheet(_sheet_title(sheet.tab or sheet.title or sheet.name, wb.sheetnames))
        ws.append([c.header for c in sheet.columns])
        for cell in ws[1]:
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        columns = []
        for col in sheet.columns:
            if col.decimals is None:
                columns.append((col, sheet.values[col.key].tolist(), None))
            else:
                columns.append((col, sheet.numeric(col.key).tolist(), sheet.suppressed_mask(col.key)))
        for i in range(len(sheet.values)):
            row = []
            for col, vals, supp in columns:
                v = vals[i]
                if supp is not None and supp[i]:
                    row.append(SUPPRESSED_SIGN)
                elif v is None or pd.isna(v):
                    row.append(None)
                else:
                    row.append(float(v) if col.decimals is not None else str(v))
            ws.append(row)
        for j, (col, _, _) in enumerate(columns, start=1):
            letter = get_column_letter(j)
            width = max([len(col.header) // 2 + 2, 10] + [len(str(c.value or "")) + 2 for c in ws[letter][1:200]])
            ws.column_dimensions[letter].width = min(width, 45)
            for cell in ws[letter][1:]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # never a formula, whatever the text starts with
                    if cell.value[:1] in FORMULA_STARTS:
                        cell.quotePrefix = True  # and it stays text when edited or saved again as CSV
                    if cell.value == SUPPRESSED_SIGN:
                        cell.alignment = right
                elif col.decimals is not None:
                    cell.number_format = _number_format(col.decimals)
        ws.freeze_panes = "A2"
    info = wb.create_sheet("Hinweise")
    info.column_dimensions["A"].width = 110
    lines = [*notes]
    for sheet in sheets:
        lines += [f"{sheet.title}: {n}" for n in sheet.notes]
    lines += [f"{SUPPRESSED_SIGN} = gesperrt (statistische Geheimhaltung); leere Zelle = kein Wert."]
    for line in lines:
        info.append([line])
        info.cell(row=info.max_row, column=1).data_type = "s"
        info.cell(row=info.max_row, column=1).alignment = Alignment(wrap_text=True)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def write_xlsx(sheets: Iterable[Sheet], path: str | Path, *, notes: Iterable[str] = ()) -> Path:
    path = Path(path)
    path.write_bytes(xlsx_bytes(sheets, notes=notes))
    return path


def _sheet_title(title: str, taken: list[str]) -> str:
    clean = "".join(ch for ch in title if ch not in "[]:*?/\\")[:31] or "Tabelle"
    name, n = clean, 2
    while name in taken:
        suffix = f" ({n})"
        name, n = clean[: 31 - len(suffix)] + suffix, n + 1
    return name


def sheet_geoframe(sheet: Sheet, geometry, crs):
    """GeoDataFrame of a sheet (code names as fields, suppressed cells NaN) on ``geometry`` in ``crs``."""
    import geopandas as gpd

    if crs is None:
        raise ValueError("GeoPackage: kein Koordinatenbezugssystem (CRS) für die Geometrie")
    data = {}
    for col in sheet.columns:
        if col.decimals is None:
            data[col.key] = sheet.values[col.key].astype("string").to_numpy()
        else:
            data[col.key] = sheet.numeric(col.key).to_numpy()
    return gpd.GeoDataFrame(pd.DataFrame(data, index=sheet.values.index), geometry=list(geometry), crs=crs)


def write_gpkg(layers: dict[str, tuple[Sheet, object, object]], path: str | Path) -> Path:
    """Write layers ``name -> (sheet, geometry sequence, crs)`` and a field-description table to a GeoPackage.

    An existing file at ``path`` is replaced.
    """
    import pyogrio

    path = Path(path)
    if path.exists():
        path.unlink()
    fields = []
    for name, (sheet, geometry, crs) in layers.items():
        gdf = sheet_geoframe(sheet, geometry, crs)
        pyogrio.write_dataframe(gdf, path, layer=name, driver="GPKG")
        fields += [(name, c.key, c.header, c.unit) for c in sheet.columns]
    legend = pd.DataFrame(fields, columns=["ebene", "feld", "bezeichnung", "einheit"])
    pyogrio.write_dataframe(legend, path, layer="felder", driver="GPKG")
    return path
