"""Numbers as German readers expect them: 1.234,5 — one formatter for legends, tables, reports and messages."""

from __future__ import annotations

import math


def format_number(x: float | None, decimals: int = 1, *, missing: str = "") -> str:
    """German number format: 1234.5 -> '1.234,5'; negative with a real minus sign, never '−0'; ``missing`` for
    None/NaN."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return missing
    try:
        if x != x:  # pandas NA-likes and numpy NaN of other float types
            return missing
    except TypeError:
        return missing
    x = float(x)
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    text = f"{abs(x):,.{decimals}f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return ("−" if x < 0 and any(ch in "123456789" for ch in text) else "") + text


def format_period(period) -> str:
    """A reference date as Germans write it: '2024-12-31' → '31.12.2024'; a year such as '2024' stays."""
    p = str(period)
    if len(p) == 10 and p[4] == "-" and p[7] == "-":
        return f"{p[8:10]}.{p[5:7]}.{p[0:4]}"
    return p
