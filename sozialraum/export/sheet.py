"""One table ready for export: values, per-cell flags, German headers and number formats.

A ``Sheet`` is what the CSV, XLSX and GeoPackage writers take. It is built from *published* numbers only
(``sozialraum.analysis.confidentiality.published``), so every writer shows a suppressed cell the same way:
``*`` in CSV and XLSX (the Bundesagentur's sign), an empty (NULL) field in a GeoPackage.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

SUPPRESSED_SIGN = "*"
FLAG_LABELS = {
    "suppressed": "gesperrt (Geheimhaltung)",
    "missing": "kein Wert",
    "estimated": "geschätzt",
    "not_scored": "nicht bewertet (zu wenige Einwohner/innen)",
}


@dataclass(frozen=True)
class Column:
    key: str  # code name, also the GeoPackage field name
    header: str  # German header for CSV and XLSX
    decimals: int | None = None  # None: text column
    unit: str = ""


@dataclass(frozen=True)
class Sheet:
    """A table for export. ``values`` holds one column per ``columns`` entry (by key); ``flags`` (optional)
    holds a flag per numeric cell (None, 'suppressed', 'missing', ...) with the same index and columns."""

    name: str  # sheet / layer name (short, ASCII)
    title: str  # German title
    columns: tuple[Column, ...]
    values: pd.DataFrame
    flags: pd.DataFrame | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    tab: str = ""  # short worksheet name for XLSX (max. 31 characters); default: the title

    def __post_init__(self):
        missing = [c.key for c in self.columns if c.key not in self.values.columns]
        if missing:
            raise ValueError(f"Sheet {self.name}: columns without values: {missing}")

    def flag(self, key: str) -> pd.Series:
        """Flags of one column (None where the cell has a plain value)."""
        if self.flags is None or key not in self.flags.columns:
            return pd.Series([None] * len(self.values), index=self.values.index, dtype=object)
        return self.flags[key]

    def suppressed_mask(self, key: str) -> np.ndarray:
        return (self.flag(key) == "suppressed").to_numpy(dtype=bool)

    def numeric(self, key: str) -> pd.Series:
        """A numeric column with every flagged-suppressed cell forced to NaN (belt and braces)."""
        col = pd.to_numeric(self.values[key], errors="coerce").astype("float64")
        return col.mask(self.suppressed_mask(key))


def german_number(value: float, decimals: int) -> str:
    """``1234.5`` → ``'1234,5'`` (no thousands separator, so every spreadsheet reads it as a number)."""
    if value is None or pd.isna(value):
        return ""
    text = f"{value:.{decimals}f}"
    if text.startswith("-") and float(text) == 0:
        text = text[1:]
    return text.replace(".", ",")


def german_display(value: float, decimals: int) -> str:
    """``1234.5`` → ``'1.234,5'`` for reading (report tables, legends)."""
    from sozialraum.formatting import format_number

    return format_number(value, decimals)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # a cell starting with one of these may run as a formula


def safe_text(value) -> str:
    """Text for a spreadsheet cell that cannot start a formula (CSV/formula injection)."""
    if value is None or pd.isna(value):
        return ""
    text = str(value)
    if text[:1] in FORMULA_STARTS:
        return "'" + text
    return text
