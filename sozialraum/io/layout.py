"""Where the table is in a sheet: header row(s), data range, sheet — detected, and correctable.

Real statistics files are not tidy: statistical-office profiles have title rows, two-row headers with merged
cells, total rows and notes ("Quelle: …") under the table; hand-typed CSVs may have no header at all.

``read_grid(path, sheet=None) -> Grid``
    Every cell of a CSV or XLSX sheet as read (merged XLSX ranges filled with their top-left value), rows
    numbered as a spreadsheet program shows them (1 = first row).
``sheet_names(path) -> list[str]``
    The sheets of an XLSX file (``[]`` for CSV).
``detect_layout(grid) -> Layout``
    Header rows (none, one or two), first and last data row, column names, and notes saying what was found.
``table(grid, layout) -> pd.DataFrame``
    The table as ``sozialraum.io.tables.read_raw`` returns it: text/number cells, index = spreadsheet row.
``read_table(path, *, sheet=None, header_rows=None, first_row=None, last_row=None) -> pd.DataFrame``
    ``read_grid`` + ``detect_layout`` with the given corrections + ``table``; ``attrs["layout"]`` holds the
    layout used. ``header_rows=()`` means "no header row" (columns are named "Spalte 1", "Spalte 2", …).
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from sozialraum.errors import InputError, Problem

_NUMBERISH = re.compile(r"^[+-]?[\d.,\s\u00a0]*\d[\d.,\s\u00a0]*%?$")
_MARKERS = frozenset({"-", "–", "—", "x", "X", ".", "...", "*", "/", "()"})
MAX_SCAN = 200_000


@dataclass(frozen=True)
class Grid:
    rows: tuple[tuple, ...]  # cells of rows 1..n (None = empty)
    file: str
    kind: str  # csv | xlsx
    sheet: str | None = None
    separator: str | None = None
    encoding: str | None = None

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


@dataclass(frozen=True)
class Layout:
    header_rows: tuple[int, ...]  # spreadsheet row numbers; () = no header
    first_row: int
    last_row: int
    columns: tuple[str, ...]
    notes: tuple[str, ...] = ()

    def describe(self) -> str:
        head = ("keine Kopfzeile" if not self.header_rows else
                f"Kopfzeile {self.header_rows[0]}" if len(self.header_rows) == 1 else
                f"Kopfzeilen {self.header_rows[0]}–{self.header_rows[-1]}")
        return f"{head}, Daten in Zeilen {self.first_row}–{self.last_row}, {len(self.columns)} Spalten"


# --- reading ------------------------------------------------------------------------------------------------

def sheet_names(path: str | Path) -> list[str]:
    path = Path(path)
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return []
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook
        raise InputError(f"Excel-Datei kann nicht gelesen werden ({exc})", file=path.name) from exc
    try:
        return list(wb.sheetnames)
    finally:
        wb.close()


def sniff_separator(text: str) -> str:
    """The separator that splits the most lines into the same number (> 1) of fields (title rows allowed)."""
    lines = [ln for ln in text.split("\n")[:200] if ln.strip()]
    best, best_score = ",", 0
    for sep in (";", "\t", ","):
        try:
            counts = Counter(len(r) for r in csv.reader(io.StringIO("\n".join(lines)), delimiter=sep))
        except csv.Error:
            continue
        score = max((n * c for n, c in counts.items() if n > 1), default=0)
        if score > best_score:
            best, best_score = sep, score
    return best


def read_grid(path: str | Path, sheet: str | int | None = None) -> Grid:
    from sozialraum.io.tables import _csv_records, decode

    path = Path(path)
    if not path.exists():
        raise InputError(f"Datei nicht gefunden: {path}")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_grid(path, sheet)
    if suffix == ".xls":
        raise InputError("Das alte Excel-Format .xls wird nicht unterstützt; bitte als .xlsx oder CSV speichern.",
                         file=path.name)
    text, encoding = decode(path.read_bytes())
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    sep = sniff_separator(text)
    rows = tuple(tuple(c if c.strip() else None for c in rec) for rec in _csv_records(text, sep, path.name, 1))
    return Grid(rows, path.name, "csv", None, sep, encoding)


def _xlsx_grid(path: Path, sheet) -> Grid:
    import openpyxl

    from sozialraum.io.tables import pick_sheet

    try:
        wb = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # noqa: BLE001
        raise InputError(f"Excel-Datei kann nicht gelesen werden ({exc})", file=path.name) from exc
    try:
        ws = pick_sheet(wb, None if sheet == "" else sheet, path)
        cells = [list(r) for r in ws.iter_rows(values_only=True)]
        for rng in ws.merged_cells.ranges:  # fill merged ranges with the top-left value
            value = cells[rng.min_row - 1][rng.min_col - 1] if rng.min_row <= len(cells) else None
            for r in range(rng.min_row, min(rng.max_row, len(cells)) + 1):
                row = cells[r - 1]
                row.extend([None] * (rng.max_col - len(row)))
                for c in range(rng.min_col, rng.max_col + 1):
                    row[c - 1] = value
        name = ws.title
    finally:
        wb.close()
    rows = tuple(tuple(None if (c is None or (isinstance(c, str) and not c.strip())) else c for c in r)
                 for r in cells)
    return Grid(rows, path.name, "xlsx", name)


# --- detection ----------------------------------------------------------------------------------------------

def _cell_kind(c) -> str:
    """'empty', 'num' (a number, a numeric text or a marker) or 'text'."""
    if c is None:
        return "empty"
    if isinstance(c, bool):
        return "text"
    if isinstance(c, (int, float)):
        return "num"
    s = str(c).strip()
    if not s:
        return "empty"
    if s in _MARKERS or _NUMBERISH.match(s):
        return "num"
    return "text"


def _is_year(c) -> bool:
    s = str(c).strip()
    if isinstance(c, float) and c.is_integer():
        s = str(int(c))
    return bool(re.fullmatch(r"(19|20)\d\d", s))


def _row_kind(row: tuple) -> str:
    """'empty', 'title' (one text cell), 'header' (text cells only, or years), 'data' (≥ 1 number)."""
    kinds = [_cell_kind(c) for c in row]
    filled = [k for k in kinds if k != "empty"]
    if not filled:
        return "empty"
    nums = [c for c, k in zip(row, kinds) if k == "num"]
    if len(filled) == 1:
        return "title" if kinds[kinds.index(filled[0])] == "text" else "data"
    if not nums:
        return "header"
    if all(_is_year(c) for c in nums) and len(nums) >= 2 and "text" in kinds:
        # "Stadtteil; 2018; 2019; 2020": years as column names, unless the row's years repeat data-like
        return "header"
    return "data"


def detect_layout(grid: Grid) -> Layout:
    """Header rows, data range and column names (see the module docstring)."""
    rows = grid.rows
    kinds = [_row_kind(r) for r in rows]
    if "data" not in kinds:
        raise InputError(Problem(grid.file, "keine Tabelle mit Zahlen gefunden"))
    # the data block: the longest run of data rows (single empty rows inside are allowed)
    best = (0, 0, -1)
    i = 0
    while i < len(rows):
        if kinds[i] != "data":
            i += 1
            continue
        j, last = i, i
        while j < len(rows) and (kinds[j] == "data" or (kinds[j] in ("empty", "title") and _data_follows(kinds, j))):
            if kinds[j] == "data":
                last = j
            j += 1
        n = sum(1 for k in kinds[i:last + 1] if k == "data")
        if n > best[0]:
            best = (n, i, last)
        i = j + 1
    _, first, last = best
    header: list[int] = []
    k = first - 1
    while k >= 0 and kinds[k] == "empty":
        k -= 1
    if k >= 1 and kinds[k] == "title" and first - k <= 2:  # a group heading ("Bezirk Nord") under the header
        h = k - 1
        while h >= 0 and kinds[h] == "empty":
            h -= 1
        if h >= 0 and kinds[h] == "header":
            first, k = k, h
    if k >= 0 and kinds[k] == "header":
        header = [k]
        if k - 1 >= 0 and kinds[k - 1] == "header" and _upper_header(rows[k - 1], rows[k]):
            header = [k - 1, k]
    width = max(len(rows[r]) for r in [*header, *range(first, last + 1)])
    columns = _column_names(rows, header, width)
    notes = []
    skipped_above = [r + 1 for r in range(0, header[0] if header else first) if kinds[r] != "empty"]
    if skipped_above:
        notes.append(f"Zeilen {_ranges(skipped_above)} über der Tabelle (Titel) übersprungen")
    below = [r + 1 for r in range(last + 1, len(rows)) if kinds[r] != "empty"]
    if below:
        notes.append(f"Zeilen {_ranges(below)} unter der Tabelle (Anmerkungen) übersprungen")
    if not header:
        notes.append("keine Kopfzeile erkannt: Spalten heißen Spalte 1, Spalte 2, …")
    elif len(header) == 2:
        notes.append(f"zweizeilige Kopfzeile (Zeilen {header[0] + 1} und {header[1] + 1}) zusammengefasst")
    return Layout(tuple(h + 1 for h in header), first + 1, last + 1, tuple(columns), tuple(notes))


def _data_follows(kinds: list[str], j: int) -> bool:
    """An empty row or a group heading inside the table: data rows come right after (within two rows)."""
    for k in kinds[j + 1:j + 3]:
        if k == "data":
            return True
        if k not in ("empty", "title"):
            return False
    return False


def _upper_header(upper: tuple, lower: tuple) -> bool:
    """A row above the header belongs to it when it labels groups of the header's columns."""
    filled_upper = [i for i, c in enumerate(upper) if c is not None]
    filled_lower = [i for i, c in enumerate(lower) if c is not None]
    return len(filled_upper) >= 2 and bool(filled_lower)


def _text(c) -> str:
    if c is None:
        return ""
    if isinstance(c, float) and c.is_integer():
        c = int(c)
    return re.sub(r"\s+", " ", str(c)).strip()


def _column_names(rows, header: list[int], width: int) -> list[str]:
    if not header:
        return [f"Spalte {i + 1}" for i in range(width)]
    lines = [[_text(c) for c in rows[h]] + [""] * (width - len(rows[h])) for h in header]
    if len(lines) == 2:
        upper, lower = lines
        filled = upper[:]
        for i in range(1, width):  # a group label spans the columns to its right until the next one
            if not filled[i] and lower[i] and filled[i - 1] and lower[i - 1]:
                filled[i] = filled[i - 1]
        names = []
        for u, lo in zip(filled, lower):
            names.append(lo if not u or u == lo else u if not lo else f"{u} {lo}")
    else:
        names = lines[0]
    out, seen = [], Counter()
    for i, n in enumerate(names):
        n = n or f"Spalte {i + 1}"
        seen[n] += 1
        out.append(n if seen[n] == 1 else f"{n} ({seen[n]})")
    return out


def _ranges(numbers: list[int]) -> str:
    parts, start, prev = [], None, None
    for n in numbers:
        if start is None:
            start = prev = n
        elif n == prev + 1:
            prev = n
        else:
            parts.append(f"{start}" if start == prev else f"{start}–{prev}")
            start = prev = n
    if start is not None:
        parts.append(f"{start}" if start == prev else f"{start}–{prev}")
    return ", ".join(parts)


def corrected(grid: Grid, layout: Layout, *, header_rows=None, first_row=None, last_row=None) -> Layout:
    """The layout with the user's corrections (row numbers as the spreadsheet shows them)."""
    n = len(grid.rows)
    if header_rows is not None:
        header_rows = tuple(int(h) for h in header_rows)
        if any(h < 1 or h > n for h in header_rows):
            raise InputError(Problem(grid.file, f"Kopfzeile außerhalb der Tabelle (1–{n})"))
        first = first_row or (max(header_rows) + 1 if header_rows else layout.first_row)
        layout = replace(layout, header_rows=header_rows, first_row=first)
    if first_row is not None:
        layout = replace(layout, first_row=int(first_row))
    if last_row is not None:
        layout = replace(layout, last_row=min(int(last_row), n))
    if layout.first_row > layout.last_row or layout.first_row < 1:
        raise InputError(Problem(grid.file, f"Datenbereich {layout.first_row}–{layout.last_row} ist leer"))
    width = max(len(grid.rows[r - 1]) for r in [*layout.header_rows,
                                                 *range(layout.first_row, layout.last_row + 1)])
    columns = _column_names(grid.rows, [h - 1 for h in layout.header_rows], width)
    return replace(layout, columns=tuple(columns))


def table(grid: Grid, layout: Layout) -> pd.DataFrame:
    width = len(layout.columns)
    rows, index = [], []
    for r in range(layout.first_row, layout.last_row + 1):
        rec = list(grid.rows[r - 1][:width])
        rec += [None] * (width - len(rec))
        if all(c is None for c in rec):
            continue
        rows.append(["" if c is None else c for c in rec])
        index.append(r)
    frame = pd.DataFrame(rows, columns=list(layout.columns), index=pd.Index(index, name="row"), dtype=object)
    frame.attrs.update(file=grid.file, separator=grid.separator, encoding=grid.encoding, kind=grid.kind,
                       sheet=grid.sheet, layout=layout)
    return frame


def read_table(path: str | Path, *, sheet: str | int | None = None, header_rows=None, first_row: int | None = None,
               last_row: int | None = None) -> pd.DataFrame:
    grid = read_grid(path, sheet)
    layout = detect_layout(grid) if header_rows is None or first_row is None or last_row is None else None
    if layout is None:
        layout = Layout(tuple(header_rows), int(first_row), int(last_row), ())
    layout = corrected(grid, layout, header_rows=header_rows, first_row=first_row, last_row=last_row)
    return table(grid, layout)


def preview(grid: Grid, n: int = 40) -> pd.DataFrame:
    """The first ``n`` rows of the grid as text, with spreadsheet row numbers and letters, for a preview."""
    from openpyxl.utils import get_column_letter

    width = grid.width
    data = [[_text(c) for c in r] + [""] * (width - len(r)) for r in grid.rows[:n]]
    return pd.DataFrame(data, columns=[get_column_letter(i + 1) for i in range(width)],
                        index=pd.Index(range(1, len(data) + 1), name="Zeile"))
