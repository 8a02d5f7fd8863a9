"""Points to areas: which area of a level contains each provider, venue or Jobcenter site.

``assign_points(con, level, table="providers") -> pd.DataFrame``
    Columns ``point_id`` (provider_id / venue_id / site_id) and ``area_key`` (NULL/None when the point lies
    outside every area of ``level``). Done in DuckDB spatial on the metric geometries (SQL: assign.sql).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from sozialraum.store.connection import read_sql
from sozialraum.store.write import POINT_TABLES

_DIR = Path(__file__).parent


def assign_points(con: duckdb.DuckDBPyConnection, level: str, table: str = "providers") -> pd.DataFrame:
    """point_id → area_key of ``level`` for every row of ``table`` (see the module docstring)."""
    if table not in POINT_TABLES:
        raise ValueError(f"Unbekannte Punkttabelle {table!r} (möglich: {', '.join(POINT_TABLES)})")
    sql = read_sql("assign.sql", _DIR).format(table=table, id_col=POINT_TABLES[table][0])
    frame = con.execute(sql, {"level": level}).df()
    frame["area_key"] = frame["area_key"].astype(object).where(frame["area_key"].notna(), None)
    return frame
