"""Statistics tables from CSV and XLSX, with the German realities.

Public functions (all raise ``InputError`` naming file, row and column; rows are numbered as a spreadsheet
program shows them, the header being row 1):

``read_raw(path, *, sheet=None, header_row=1) -> pd.DataFrame``
    Every cell as read (text for CSV; text or number for XLSX), index = spreadsheet row number.
    CSV: encoding detected (UTF-8 with/without BOM, else cp1252), separator sniffed (``;`` ``,`` tab).
``parse_number(cell, decimal=",", sentinels=()) -> (float, flag)``
    ``"1.234,5"`` → 1234.5; ``*`` → (nan, 'suppressed'); ``-`` ``x`` ``.`` empty → (nan, 'missing');
    a sentinel such as -9999 → (nan, 'missing'); anything else raises ``ValueError``.
``read_statistics(path, *, key, indicators=None, period=None, ...) -> pd.DataFrame``
    Long frame ``area_key, indicator, period, value, flag, row`` from a wide table (one column per
    indicator; a list of columns is summed) or a long one (``indicator_column`` + ``value_column``).

Decimal separator (``decimal="auto"``): comma-separated files use a decimal point; ``;``/tab files and text
cells in XLSX use the German decimal comma unless their numbers plainly use a decimal point (e.g. ``4.22594``).
In German mode ``1.234`` is one thousand two hundred thirty-four.
"""

from __future__ import annotations

import csv
import io
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd

from sozialraum.errors import InputError, Problem

SUPPRESSED_MARKERS = frozenset({"*"})
MISSING_MARKERS = frozenset({"", "-", "–", "—", "x", "X", ".", "..."})
SEPARATORS = (";", ",", "\t")
MAX_PROBLEMS = 50

_GERMAN = re.compile(r"^[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?$")
_ENGLISH = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][+-]?\d+)?$|^[+-]?\.\d+$")
_PLAIN_DOT = re.compile(r"^[+-]?\d+\.(?:\d{1,2}|\d{4,})$")  # a dot that cannot be a thousands separator


def decode(data: bytes) -> tuple[str, str]:
    """Text and encoding name: UTF-8 (with or without BOM), UTF-16 with BOM, else cp1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" export
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise InputError(f"Die Datei beginnt als UTF-16, ist aber beschädigt ({exc})") from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def sniff_separator(text: str) -> str:
    """The separator that occurs most often (outside quotes) in the header line."""
    header = text.split("\n", 1)[0]
    header = re.sub(r'"[^"]*"', "", header)
    counts = {sep: header.count(sep) for sep in SEPARATORS}
    best = max(SEPARATORS, key=lambda s: counts[s])
    return best if counts[best] > 0 else ","


def _name(path) -> str:
    return Path(str(path)).name


def read_raw(path: str | Path, *, sheet: str | int | None = None, header_row: int = 1) -> pd.DataFrame:
    """All cells of a CSV/XLSX table, unparsed; index = spreadsheet row number; ``attrs``: file, separator."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"Datei nicht gefunden: {path}")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet, header_row)
    if suffix == ".xls":
        raise InputError("Das alte Excel-Format .xls wird nicht unterstützt; bitte als .xlsx oder CSV speichern.",
                         file=path.name)
    text, encoding = decode(path.read_bytes())
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    body = "\n".join(lines[header_row - 1:])
    sep = sniff_separator(body)
    records = _csv_records(body, sep, path.name, header_row)
    if not records or not any(c.strip() for c in records[0]):
        raise InputError(Problem(path.name, "die Datei ist leer oder hat keine Kopfzeile", row=header_row))
    header = [c.strip() for c in records[0]]
    _check_header(header, path.name, header_row)
    rows, index, problems = [], [], []
    for i, rec in enumerate(records[1:], start=header_row + 1):
        if not any(c.strip() for c in rec):
            continue
        if len(rec) > len(header):
            problems.append(Problem(path.name, f"{len(rec)} Felder statt {len(header)} (Trennzeichen "
                                    f"'{sep}' im Wert? Werte mit Trennzeichen in Anführungszeichen setzen)", row=i))
            continue
        rows.append(rec + [""] * (len(header) - len(rec)))
        index.append(i)
    if problems:
        raise InputError(problems[:MAX_PROBLEMS])
    frame = pd.DataFrame(rows, columns=header, index=pd.Index(index, name="row"), dtype=object)
    frame.attrs.update(file=path.name, separator=sep, encoding=encoding, kind="csv")
    return frame


MAX_FIELD_CHARS = 16 * 1024 * 1024  # one cell may be this long (Python's csv default, 128 KiB, is too small)


def _csv_records(body: str, sep: str, file: str, header_row: int) -> list[list[str]]:
    """All records; a broken CSV (e.g. an unclosed quote swallowing the file) → InputError with the row."""
    if csv.field_size_limit() < MAX_FIELD_CHARS:
        csv.field_size_limit(MAX_FIELD_CHARS)
    reader = csv.reader(io.StringIO(body), delimiter=sep)
    try:
        records = list(reader)
    except csv.Error as exc:
        text = str(exc)
        if "field larger than field limit" in text:
            text = (f"ein Feld ist länger als {MAX_FIELD_CHARS // (1024 * 1024)} Mio. Zeichen – meist ein nicht "
                    "geschlossenes Anführungszeichen")
        raise InputError(Problem(file, f"die CSV-Datei kann nicht gelesen werden: {text}",
                                 row=header_row - 1 + reader.line_num)) from exc
    return records


def _check_header(header: list[str], file: str, row: int) -> None:
    seen, dups = set(), []
    for h in header:
        if h in seen and h:
            dups.append(h)
        seen.add(h)
    if dups:
        raise InputError(Problem(file, f"doppelte Spaltennamen: {', '.join(dups)}", row=row))


def _read_xlsx(path: Path, sheet, header_row: int) -> pd.DataFrame:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook
        raise InputError(f"Excel-Datei kann nicht gelesen werden ({exc})", file=path.name) from exc
    try:
        if sheet is None:
            ws = wb.worksheets[0]
        elif isinstance(sheet, int):
            ws = wb.worksheets[sheet]
        elif sheet in wb.sheetnames:
            ws = wb[sheet]
        else:
            raise InputError(f"Tabellenblatt {sheet!r} fehlt (vorhanden: {', '.join(wb.sheetnames)})",
                             file=path.name)
        all_rows = list(ws.iter_rows(min_row=header_row, values_only=True))
    finally:
        wb.close()
    if not all_rows:
        raise InputError(Problem(path.name, "das Tabellenblatt ist leer", row=header_row))
    header = ["" if c is None else str(c).strip() for c in all_rows[0]]
    while header and header[-1] == "":
        header.pop()
    _check_header(header, path.name, header_row)
    rows, index = [], []
    for i, rec in enumerate(all_rows[1:], start=header_row + 1):
        rec = list(rec[:len(header)]) + [None] * max(0, len(header) - len(rec))
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in rec):
            continue
        rows.append(["" if c is None else c for c in rec])
        index.append(i)
    frame = pd.DataFrame(rows, columns=header, index=pd.Index(index, name="row"), dtype=object)
    frame.attrs.update(file=path.name, separator=None, encoding=None, kind="xlsx")
    return frame


def detect_decimal(raw: pd.DataFrame, columns: list[str]) -> str:
    """',' or '.' for the text cells of ``columns`` (see the module docstring)."""
    if raw.attrs.get("separator") == ",":
        return "."
    saw_dot = False
    for col in columns:
        for cell in raw[col]:
            if not isinstance(cell, str):
                continue
            s = cell.strip()
            if "," in s and _GERMAN.match(s):
                return ","
            if _PLAIN_DOT.match(s):
                saw_dot = True
    return "." if saw_dot else ","


def parse_number(cell, decimal: str = ",", sentinels=()) -> tuple[float, str | None]:
    """(value, flag) of one cell; raises ``ValueError`` with a German message for anything else."""
    if cell is None:
        return math.nan, "missing"
    if isinstance(cell, bool):
        raise ValueError(f"Wahrheitswert {cell!r} ist keine Zahl")
    if isinstance(cell, (int, float, np.integer, np.floating)):
        value = float(cell)
        if math.isnan(value):
            return math.nan, "missing"
    else:
        s = str(cell).strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
        if s in SUPPRESSED_MARKERS:
            return math.nan, "suppressed"
        if s in MISSING_MARKERS:
            return math.nan, "missing"
        if decimal == "," and _GERMAN.match(s):
            value = float(s.replace(".", "").replace(",", "."))
        elif decimal == "." and _ENGLISH.match(s):
            value = float(s.replace(",", ""))
        else:
            raise ValueError(f"{str(cell)!r} ist keine Zahl"
                             + (" (Dezimalkomma erwartet)" if decimal == "," and _ENGLISH.match(s) else ""))
    if any(value == float(x) for x in sentinels):
        return math.nan, "missing"
    return value, None


def parse_column(raw: pd.DataFrame, column: str, *, decimal: str = "auto", sentinels=()) -> tuple[np.ndarray, list]:
    """Values and flags of one column; every bad cell is collected into one ``InputError``."""
    file = raw.attrs.get("file")
    if column not in raw.columns:
        raise InputError(Problem(file, f"Spalte fehlt (vorhanden: {', '.join(map(str, raw.columns))})",
                                 column=column))
    if decimal == "auto":
        decimal = detect_decimal(raw, [column])
    values = np.empty(len(raw), dtype="float64")
    flags: list = [None] * len(raw)
    problems = []
    for i, (row, cell) in enumerate(zip(raw.index, raw[column])):
        try:
            values[i], flags[i] = parse_number(cell, decimal, sentinels)
        except ValueError as exc:
            problems.append(Problem(file, str(exc), row=int(row), column=column))
            if len(problems) >= MAX_PROBLEMS:
                break
    if problems:
        raise InputError(problems)
    return values, flags


def clean_keys(raw: pd.DataFrame, column: str, *, key_width: int | None = None,
               key_slice: list[int] | None = None) -> pd.Series:
    """Keys as text (leading zeros kept; numeric XLSX keys zero-padded to ``key_width``); empty keys rejected."""
    file = raw.attrs.get("file")
    if column not in raw.columns:
        raise InputError(Problem(file, f"Schlüsselspalte fehlt (vorhanden: {', '.join(map(str, raw.columns))})",
                                 column=column))
    keys = [key_text(c, key_width, key_slice) for c in raw[column]]
    empty = [int(r) for r, k in zip(raw.index, keys) if not k]
    if empty:
        raise InputError([Problem(file, "Schlüssel fehlt", row=r, column=column) for r in empty[:MAX_PROBLEMS]])
    return pd.Series(keys, index=raw.index, dtype=object)


def key_text(cell, key_width: int | None = None, key_slice: list[int] | None = None) -> str:
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    s = str(cell).strip()
    if key_width and s.isdigit():
        s = s.zfill(key_width)
    if key_slice:
        s = s[_slice(key_slice)]
    return s


def _slice(spec: list[int]) -> slice:
    """``[start]`` → ``[start:]``; ``[start, end]`` → ``[start:end]``."""
    return slice(spec[0], spec[1] if len(spec) > 1 else None)


def apply_filters(raw: pd.DataFrame, filters: dict | None) -> pd.DataFrame:
    """Keep rows whose cells equal the given text (a list means any of them)."""
    for column, wanted in (filters or {}).items():
        if column not in raw.columns:
            raise InputError(Problem(raw.attrs.get("file"), "Filterspalte fehlt", column=column))
        allowed = {str(w) for w in (wanted if isinstance(wanted, list) else [wanted])}
        attrs = raw.attrs
        raw = raw[[key_text(c) in allowed for c in raw[column]]]
        raw.attrs.update(attrs)
    return raw


def read_statistics(path: str | Path, *, key: str, indicators: dict[str, str | list[str]] | None = None,
                    period: str | None = None, period_column: str | None = None,
                    indicator_column: str | None = None, value_column: str | None = None,
                    sentinels=(), decimal: str = "auto", key_width: int | None = None,
                    key_slice: list[int] | None = None, filters: dict | None = None,
                    sheet: str | int | None = None, header_row: int = 1) -> pd.DataFrame:
    """Long frame ``area_key, indicator, period, value, flag, row`` (see the module docstring).

    Wide: ``indicators`` maps indicator key → column (or list of columns to sum; the sum is missing when any
    part is, suppressed when any part is suppressed). Long: ``indicator_column`` and ``value_column``;
    ``indicators`` then optionally maps indicator key → the text used in the file.
    Period: a fixed ``period`` or a ``period_column``.
    """
    raw = apply_filters(read_raw(path, sheet=sheet, header_row=header_row), filters)
    file = raw.attrs.get("file")
    if (period is None) == (period_column is None):
        raise InputError("Bitte genau eins angeben: einen festen Zeitraum oder eine Zeitraum-Spalte", file=file)
    keys = clean_keys(raw, key, key_width=key_width, key_slice=key_slice)
    if period_column is not None:
        periods = clean_keys(raw, period_column)
    else:
        periods = pd.Series([str(period)] * len(raw), index=raw.index, dtype=object)
    parts = []
    if indicator_column is None:
        if not indicators:
            raise InputError("Keine Indikatoren zugeordnet (Indikator = Spalte)", file=file)
        problems: list[Problem] = []
        for ind, cols in indicators.items():
            cols = [cols] if isinstance(cols, str) else list(cols)
            try:
                values, flags = _sum_columns(raw, cols, decimal, sentinels)
            except InputError as exc:
                problems += exc.problems
                continue
            parts.append(pd.DataFrame({"area_key": keys.values, "indicator": ind, "period": periods.values,
                                       "value": values, "flag": flags, "row": raw.index.astype(int)}))
        if problems:
            raise InputError(problems[:MAX_PROBLEMS])
        frame = pd.concat(parts, ignore_index=True)
    else:
        if value_column is None:
            raise InputError("Für das Langformat fehlt die Wertspalte", file=file)
        names = clean_keys(raw, indicator_column)
        if indicators:
            reverse = {str(text): ind for ind, text in indicators.items()}
            keep = names.isin(list(reverse))
            raw, keys, periods, names = raw[keep], keys[keep], periods[keep], names[keep].map(reverse)
            raw.attrs["file"] = file
        values, flags = parse_column(raw, value_column, decimal=decimal, sentinels=sentinels)
        frame = pd.DataFrame({"area_key": keys.values, "indicator": names.values, "period": periods.values,
                              "value": values, "flag": flags, "row": raw.index.astype(int)})
    frame["flag"] = pd.Series([f if isinstance(f, str) else None for f in frame["flag"]], index=frame.index,
                              dtype=object)
    _reject_duplicates(frame, file)
    return frame


def _sum_columns(raw, cols, decimal, sentinels):
    total = np.zeros(len(raw))
    flags: list = [None] * len(raw)
    for col in cols:
        values, fl = parse_column(raw, col, decimal=decimal, sentinels=sentinels)
        total = total + values
        for i, f in enumerate(fl):
            if f == "suppressed" or (f == "missing" and flags[i] != "suppressed"):
                flags[i] = f
    return total, flags


def _reject_duplicates(frame: pd.DataFrame, file: str | None) -> None:
    dup = frame[frame.duplicated(["area_key", "indicator", "period"], keep=False)]
    if len(dup):
        problems = [Problem(file, f"Schlüssel {k!r} kommt für {ind} / {per} mehrfach vor "
                                  f"(Zeilen {', '.join(str(r) for r in g['row'])})", row=int(g['row'].iloc[0]))
                    for (k, ind, per), g in dup.groupby(["area_key", "indicator", "period"], sort=False)]
        raise InputError(problems[:MAX_PROBLEMS])
