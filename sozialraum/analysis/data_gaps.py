"""Where data is missing and why, in words a planner can act on.

- :func:`finest_level` — the level a map should open on: the finest level that has data (most areas), not the
  first by name;
- :func:`children_without_data` — why a coarser area stays blank: the store sums counts upwards only when every
  child is known, so a parent is empty as soon as one child lacks the value;
- :func:`published_only_at` — the levels where an indicator exists only as a published rate (no counts behind
  it): such rates cannot be summed to a coarser level.

Only keys and labels are returned, never values: nothing here needs the confidentiality gate.
"""

from __future__ import annotations

from pathlib import Path

from sozialraum.store.connection import read_sql

_HERE = Path(__file__).parent


def finest_level(con) -> str | None:
    """The finest level with at least one known value (most areas; ties: lower rank, then name)."""
    row = con.execute(read_sql("finest_level.sql", _HERE)).fetchone()
    return row[0] if row else None


def count_parts(indicator: str) -> tuple[str, ...]:
    """The stored counts a value of ``indicator`` is built from (a rate: numerator and denominator)."""
    from sozialraum.indicators.registry import INDICATORS

    spec = INDICATORS.get(indicator)
    if spec is not None and spec.aggregation == "ratio":
        return tuple(p for p in (spec.numerator, spec.denominator) if p)
    return (indicator,)


def children_without_data(con, level: str, indicator: str, period: str) -> dict[str, tuple[str, list[str]]]:
    """Area of ``level`` → (child level label, child keys without a value) for ``indicator`` in ``period``.

    For a rate, a child counts as without data when its numerator or denominator count is missing (the rate of
    the parent is re-derived from summed counts). Areas whose children are all known are left out.
    """
    out: dict[str, tuple[str, set[str]]] = {}
    for part in count_parts(indicator):
        rows = con.execute(read_sql("children_without_data.sql", _HERE),
                           {"level": level, "indicator": part, "period": period}).fetchall()
        for parent, child, label in rows:
            out.setdefault(parent, (label, set()))[1].add(child)
    return {k: (label, sorted(keys)) for k, (label, keys) in out.items()}


def published_only_at(con, indicator: str, period: str) -> list[tuple[str, str]]:
    """(level, label) of the levels where ``indicator`` was imported in ``period`` as values without counts."""
    rows = con.execute(read_sql("published_elsewhere.sql", _HERE),
                       {"indicator": indicator, "period": period}).fetchall()
    return [(r[0], r[1]) for r in rows]


def children_text(label: str, keys: list[str], names: dict[str, str] | None = None, limit: int = 3) -> str:
    """'Angabe fehlt für Ortsteil 010102' / '… für Ortsteil A (01), B (02), C (03) und 2 weitere' (German)."""
    names = names or {}
    shown = [f"{names[k]} ({k})" if names.get(k, k) != k else k for k in keys[:limit]]
    more = len(keys) - len(shown)
    return f"Angabe fehlt für {label} " + ", ".join(shown) + (f" und {more} weitere" if more > 0 else "")
