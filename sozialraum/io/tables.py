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
_COMMA_DECIMAL = re.compile(r"^[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+),(?:\d{1,2}|\d{4,})$|^[+-]?\d{1,3}(?:\.\d{3})+,\d+$")
_SPACED = re.compile(r"^[+-]?\d{1,3}(?:\s\d{3})+(?:[.,]\d+)?$")  # "1 234" or "12 345,5": thousands spaces
_GLUED = re.compile(r"^[+-]?\d+(?:[.,]\d+){2,}$|^[+-]?\d{1,3}(?:\.\d{3})*\.\d{4,}$|^\d+(?:\s+\d+)+$")


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


def pick_sheet(wb, sheet, path: Path):
    """The worksheet ``sheet`` of an openpyxl workbook: None = the first, an int = by position, a text = by name;
    an unknown name is an ``InputError`` that lists the sheets there are."""
    if sheet is None:
        return wb.worksheets[0]
    if isinstance(sheet, int):
        return wb.worksheets[sheet]
    if sheet in wb.sheetnames:
        return wb[sheet]
    raise InputError(f"Tabellenblatt {sheet!r} fehlt (vorhanden: {', '.join(wb.sheetnames)})", file=path.name)


def _read_xlsx(path: Path, sheet, header_row: int) -> pd.DataFrame:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook
        raise InputError(f"Excel-Datei kann nicht gelesen werden ({exc})", file=path.name) from exc
    try:
        ws = pick_sheet(wb, sheet, path)
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
        # a comma-separated file uses a decimal point unless a value plainly has a decimal comma: "48,3"
        # (quoted) or "1.234,5"; then thousands dots ("2.370") are German, too
        for col in columns:
            for cell in raw[col]:
                if isinstance(cell, str) and _COMMA_DECIMAL.match(cell.strip()):
                    return ","
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
        s = str(cell).strip().replace("\u00a0", " ").replace("\u202f", " ")
        if re.search(r"\d\s+\d", s) and not _SPACED.match(s):
            raise ValueError(f"{str(cell)!r} ist keine Zahl: vermutlich zusammengeklebte Zahlen (z. B. aus einer "
                             "PDF-Tabelle kopiert)")
        s = s.replace(" ", "")
        if s in SUPPRESSED_MARKERS:
            return math.nan, "suppressed"
        if s in MISSING_MARKERS:
            return math.nan, "missing"
        if decimal == "," and _GERMAN.match(s):
            value = float(s.replace(".", "").replace(",", "."))
        elif decimal == "." and _ENGLISH.match(s):
            value = float(s.replace(",", ""))
        elif _GLUED.match(s):
            raise ValueError(f"{str(cell)!r} ist keine Zahl: vermutlich zusammengeklebte Zahlen (z. B. aus einer "
                             "PDF-Tabelle kopiert)")
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


def load_table(path: str | Path, *, sheet: str | int | None = None, header_row: int | None = 1,
               header_rows=None, first_row: int | None = None, last_row: int | None = None) -> pd.DataFrame:
    """The raw table: ``header_row`` N (classic), or the detected layout (``header_row=None``) with corrections
    (``header_rows=[]`` = no header row; ``header_row=0`` means the same)."""
    from sozialraum.io import layout

    if header_row == "auto":
        header_row = None
    if header_row == 0:
        header_rows = []
    if header_row is not None and header_row > 0 and header_rows is None and first_row is None and last_row is None:
        return read_raw(path, sheet=sheet, header_row=header_row)
    return layout.read_table(path, sheet=sheet, header_rows=header_rows, first_row=first_row, last_row=last_row)


YEAR = "{jahr}"


def expand_years(template: str, columns) -> dict[str, str]:
    """Period → column for a column template such as ``"Anzahl_{jahr}"`` (years across columns)."""
    if YEAR not in template:
        return {}
    head, tail = template.split(YEAR, 1)
    pattern = re.compile(re.escape(head) + r"((?:19|20)\d\d)" + re.escape(tail) + "$", re.IGNORECASE)
    out = {}
    for c in columns:
        m = pattern.match(str(c).strip())
        if m:
            out[m.group(1)] = c
    return out


def year_groups(columns) -> dict[str, dict[str, str]]:
    """Templates with ``{jahr}`` found in column names (≥ 2 years each): ``{"Anzahl_{jahr}": {"2018": …}}``."""
    groups: dict[str, dict[str, str]] = {}
    for c in columns:
        m = re.match(r"^(.*?)((?:19|20)\d\d)(.*)$", str(c).strip())
        if m and not re.search(r"\d$", m.group(1)) and not re.match(r"^\d", m.group(3)):
            groups.setdefault(m.group(1) + YEAR + m.group(3), {})[m.group(2)] = c
    return {t: g for t, g in groups.items() if len(g) >= 2}


def read_statistics(path: str | Path, *, key: str, indicators: dict[str, str | list[str]] | None = None,
                    period: str | None = None, period_column: str | None = None,
                    indicator_column: str | None = None, value_column: str | None = None,
                    sentinels=(), decimal: str = "auto", key_width: int | None = None,
                    key_slice: list[int] | None = None, filters: dict | None = None,
                    sheet: str | int | None = None, header_row: int | None = 1, header_rows=None,
                    first_row: int | None = None, last_row: int | None = None, match=None,
                    scale: dict[str, float] | None = None) -> pd.DataFrame:
    """Long frame ``area_key, indicator, period, value, flag, row`` (see the module docstring).

    Wide: ``indicators`` maps indicator key → column (or list of columns to sum; the sum is missing when any
    part is, suppressed when any part is suppressed); a column ``"Anzahl_{jahr}"`` stands for every column
    ``Anzahl_2018``, ``Anzahl_2019`` … (years across columns become periods). Long: ``indicator_column`` and
    ``value_column``; ``indicators`` then optionally maps indicator key → the text used in the file.
    Period: a fixed ``period`` or a ``period_column`` (not needed when every column has a year).
    ``match``: a callable ``(raw, key texts) -> (Series of area keys or None per row, notes)`` that replaces the
    key column's text (rows with None are left out); see ``sozialraum.io.matching``.
    ``scale``: indicator → factor (e.g. 100 for shares 0–1 imported as percentages).
    ``frame.attrs["notes"]`` lists what was left out or flagged.
    """
    raw = apply_filters(load_table(path, sheet=sheet, header_row=header_row, header_rows=header_rows,
                                   first_row=first_row, last_row=last_row), filters)
    file = raw.attrs.get("file")
    layout = raw.attrs.get("layout")
    notes: list[str] = [f"{file}: {n}" for n in (layout.notes if layout is not None else ())]
    templated = indicator_column is None and indicators and all(
        any(YEAR in c for c in ([v] if isinstance(v, str) else v)) for v in indicators.values())
    if (period is None) == (period_column is None) and not templated:
        raise InputError("Bitte genau eins angeben: einen festen Zeitraum oder eine Zeitraum-Spalte", file=file)
    if match is not None:
        if key not in raw.columns:
            raise InputError(Problem(file, f"Schlüsselspalte fehlt (vorhanden: {', '.join(map(str, raw.columns))})",
                                     column=key))
        cells = pd.Series([key_text(c, key_width, key_slice) for c in raw[key]], index=raw.index, dtype=object)
        matched, match_notes = match(raw, cells)
        notes += match_notes
        keep = matched.notna().values
        raw = _subset(raw, keep)
        keys = pd.Series(list(matched[keep]), index=raw.index, dtype=object)
    else:
        keys = clean_keys(raw, key, key_width=key_width, key_slice=key_slice)
    if period_column is not None:
        periods = clean_keys(raw, period_column)
    else:
        periods = pd.Series([str(period)] * len(raw), index=raw.index, dtype=object)
    parts = []
    if indicator_column is None:
        if not indicators:
            raise InputError("Keine Indikatoren zugeordnet (Indikator = Spalte)", file=file)
        if decimal == "auto":
            cols_all = [c for v in indicators.values() for c in ([v] if isinstance(v, str) else v)]
            cols_all = [x for c in cols_all for x in (expand_years(c, raw.columns).values() if YEAR in c else [c])
                        if x in raw.columns]
            decimal = detect_decimal(raw, cols_all) if cols_all else ","
        problems: list[Problem] = []
        for ind, cols in indicators.items():
            cols = [cols] if isinstance(cols, str) else list(cols)
            for per, these in _by_period(cols, raw, file, problems):
                try:
                    values, flags = _sum_columns(raw, these, decimal, sentinels)
                except InputError as exc:
                    problems += exc.problems
                    continue
                if scale and ind in scale:
                    values = values * float(scale[ind])
                for i in glued_suspects(values):  # the plausibility check at the write boundary warns, too
                    notes.append(f"{file}: Zeile {int(raw.index[i])}, Spalte {', '.join(these)}: "
                                 f"{format_plain(values[i])} sieht nach zusammengeklebten Zahlen aus (PDF?) – "
                                 "bitte prüfen")
                part_periods = periods.values if per is None else [per] * len(raw)
                parts.append(pd.DataFrame({"area_key": keys.values, "indicator": ind, "period": part_periods,
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
        if scale:
            values = values * np.array([float(scale.get(n, 1.0)) for n in names.values])
        frame = pd.DataFrame({"area_key": keys.values, "indicator": names.values, "period": periods.values,
                              "value": values, "flag": flags, "row": raw.index.astype(int)})
    frame["flag"] = pd.Series([f if isinstance(f, str) else None for f in frame["flag"]], index=frame.index,
                              dtype=object)
    _reject_duplicates(frame, file)
    frame.attrs["notes"] = notes
    frame.attrs["file"] = file
    return frame


def format_plain(x: float) -> str:
    return f"{x:,.0f}".replace(",", ".") if float(x).is_integer() else f"{x}".replace(".", ",")


def glued_suspects(values: np.ndarray) -> list[int]:
    """Positions of whole numbers that look like two numbers of the column written without a gap (a PDF
    extraction): at least 50 times the column's median, and their digits split into two parts that both lie
    within a factor 20 of the median."""
    vals = np.asarray(values, dtype="float64")
    ok = vals[np.isfinite(vals)]
    if len(ok) < 4:
        return []
    med = float(np.median(ok))
    if med < 10:
        return []
    out = []
    for i, v in enumerate(vals):
        if not np.isfinite(v) or v < 50 * med or not float(v).is_integer():
            continue
        digits = str(int(v))
        if any(med / 20 <= int(digits[:k]) <= med * 20 and med / 20 <= int(digits[k:]) <= med * 20
               and digits[k] != "0" for k in range(1, len(digits))):
            out.append(i)
    return out


def _subset(raw: pd.DataFrame, keep) -> pd.DataFrame:
    attrs = dict(raw.attrs)
    out = raw[keep]
    out.attrs.update(attrs)
    return out


def _by_period(cols: list[str], raw: pd.DataFrame, file, problems: list) -> list[tuple[str | None, list[str]]]:
    """[(period or None, columns)]: columns with ``{jahr}`` are expanded to one entry per year found."""
    if not any(YEAR in c for c in cols):
        return [(None, cols)]
    per_col = [expand_years(c, raw.columns) if YEAR in c else None for c in cols]
    years = sorted({y for m in per_col if m for y in m})
    if not years:
        problems.append(Problem(file, f"keine Spalte passt zur Vorlage {cols[0]!r} (Jahreszahl statt {YEAR})",
                                column=cols[0]))
        return []
    out = []
    for y in years:
        these = [m[y] if m is not None else c for c, m in zip(cols, per_col) if m is None or y in m]
        out.append((y, these))
    return out


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
