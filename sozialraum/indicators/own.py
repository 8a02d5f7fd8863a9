"""Own indicators: a planner declares one (label, unit, direction) when no indicator of the registry fits.

``declare(con, label, unit, direction, kind) -> str`` — stores it (key ``eigen_<slug>``) in ``own_indicators``
and in ``indicators``; counts sum up to coarser levels, rates and indices are kept as published (no roll-up).
``restore(con)`` — copies ``own_indicators`` into ``indicators`` again (``init_schema`` rewrites that table from
the registry); importers call it before writing. ``own(con) -> pd.DataFrame`` — the declared ones.
"""

from __future__ import annotations

import re
from pathlib import Path

from sozialraum.errors import InputError

DIRECTIONS = {"higher_is_worse": "höher = mehr Bedarf", "higher_is_better": "höher = besser",
              "neutral": "neutral (Kontext)"}
KINDS = {"count": "Anzahl", "rate": "Quote/Anteil in %", "index": "Indexwert"}


def _sql() -> str:
    return (Path(__file__).parent / "own.sql").read_text(encoding="utf-8")


def ensure_table(con) -> None:
    con.execute(_sql())


def slug(label: str) -> str:
    s = label.lower()
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        s = s.replace(a, b)
    return "eigen_" + (re.sub(r"[^a-z0-9]+", "_", s).strip("_")[:40] or "kennzahl")


def declare(con, label: str, unit: str, direction: str, kind: str, description: str = "") -> str:
    from sozialraum.indicators.registry import INDICATORS

    label = (label or "").strip()
    if not label:
        raise InputError("Bitte einen Namen für die eigene Kennzahl angeben.")
    if direction not in DIRECTIONS or kind not in KINDS:
        raise InputError(f"Richtung {direction!r} oder Art {kind!r} unbekannt")
    key = slug(label)
    if key in INDICATORS:
        raise InputError(f"Die Kennung {key!r} gibt es schon im Verzeichnis der Kennzahlen.")
    ensure_table(con)
    unit = (unit or ("Personen" if kind == "count" else "%" if kind == "rate" else "Wert")).strip()
    row = [key, label, label, unit, kind, direction, None, None, "sum" if kind == "count" else "none", None, False,
           description or f"Eigene Kennzahl: {label} ({unit})"]
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM own_indicators WHERE indicator = ?", [key])
        con.execute("INSERT INTO own_indicators VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", row)
        con.execute("DELETE FROM indicators WHERE indicator = ?", [key])
        con.execute("INSERT INTO indicators SELECT * FROM own_indicators WHERE indicator = ?", [key])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return key


def restore(con) -> None:
    """Own indicators back into ``indicators`` (after ``init_schema`` rewrote it from the registry). A store
    without own indicators is left as it is (no table is created)."""
    if not _has_table(con):
        return
    con.execute("INSERT INTO indicators SELECT * FROM own_indicators o "
                "WHERE NOT EXISTS (SELECT 1 FROM indicators i WHERE i.indicator = o.indicator)")


def _has_table(con) -> bool:
    return bool(con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'own_indicators'"
                            ).fetchone()[0])


def own(con):
    import pandas as pd

    if not _has_table(con):
        return pd.DataFrame(columns=["indicator", "label_de", "kind", "unit"])
    return con.execute("SELECT * FROM own_indicators ORDER BY indicator").df()
