"""Read the store into frames. Every query that feeds analysis, maps and exports starts here.

These functions return raw stored values. Anything that is shown or exported must pass through
``sozialraum.analysis.confidentiality`` first (see docs/ARCHITECTURE.md).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from sozialraum.store.connection import metric_epsg


def levels(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Area levels with the number of areas on each, finest first within each hierarchy."""
    return con.execute(
        "SELECT l.level, l.label, l.hierarchy, l.rank, l.parent_level, count(a.area_key) AS n_areas "
        "FROM area_levels l LEFT JOIN areas a USING (level) "
        "GROUP BY ALL ORDER BY l.hierarchy, l.rank"
    ).df()


def areas(con: duckdb.DuckDBPyConnection, level: str, *, web: bool = False):
    """GeoDataFrame of one level: area_key, name, parent_key, area_m2, geometry.

    ``web=False``: full geometry in the store's metric CRS; ``web=True``: simplified geometry in EPSG:4326.
    """
    import geopandas as gpd
    import shapely

    column, crs = ("geom_wgs84", 4326) if web else ("geom", metric_epsg(con))
    frame = con.execute(
        f"SELECT area_key, name, parent_key, area_m2, ST_AsWKB({column}) AS wkb FROM areas "
        "WHERE level = ? ORDER BY area_key", [level]
    ).df()
    geometry = shapely.from_wkb([bytes(b) for b in frame.pop("wkb")]) if len(frame) else []
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=f"EPSG:{crs}" if crs else None)


def area_keys(con: duckdb.DuckDBPyConnection, level: str) -> list[str]:
    """The keys of one level's areas, sorted."""
    return [r[0] for r in con.execute("SELECT area_key FROM areas WHERE level = ? ORDER BY area_key",
                                      [level]).fetchall()]


def parent_map(con: duckdb.DuckDBPyConnection, level: str) -> dict[str, str]:
    """area_key -> parent_key for one level."""
    return dict(con.execute("SELECT area_key, parent_key FROM areas WHERE level = ? AND parent_key IS NOT NULL",
                            [level]).fetchall())


def periods(con: duckdb.DuckDBPyConnection, indicator: str | None = None, level: str | None = None) -> list[str]:
    """Periods with observations, oldest first."""
    sql = "SELECT DISTINCT period FROM observations WHERE 1=1"
    params: list = []
    if indicator:
        sql += " AND indicator = ?"
        params.append(indicator)
    if level:
        sql += " AND level = ?"
        params.append(level)
    return [r[0] for r in con.execute(sql + " ORDER BY period", params).fetchall()]


def observations(con: duckdb.DuckDBPyConnection, level: str, *, indicators: list[str] | None = None,
                 period: str | None = None) -> pd.DataFrame:
    """Long frame: area_key, indicator, period, value, numerator, denominator, flag, source_id (raw, unpublished)."""
    sql = ("SELECT area_key, indicator, period, value, numerator, denominator, flag, source_id "
           "FROM observations WHERE level = ?")
    params: list = [level]
    if indicators:
        sql += f" AND indicator IN ({', '.join('?' * len(indicators))})"
        params += list(indicators)
    if period:
        sql += " AND period = ?"
        params.append(period)
    return con.execute(sql + " ORDER BY area_key, indicator, period", params).df()


def indicators_available(con: duckdb.DuckDBPyConnection, level: str | None = None) -> pd.DataFrame:
    """Indicator definitions that have observations (on ``level`` if given), with their periods."""
    sql = ("SELECT i.*, list(DISTINCT o.period ORDER BY o.period) AS periods FROM indicators i "
           "JOIN observations o USING (indicator)" + (" WHERE o.level = ?" if level else "") +
           " GROUP BY ALL ORDER BY i.indicator")
    return con.execute(sql, [level] if level else []).df()


def _points(con, table: str, where: str = "", params: list | None = None) -> pd.DataFrame:
    return con.execute(f"SELECT * EXCLUDE (geom) FROM {table} {where}", params or []).df()


def providers(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """All providers with x/y (metric CRS) and lon/lat."""
    return _points(con, "providers", "ORDER BY service_type, provider_id")


def candidate_venues(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return _points(con, "candidate_venues", "ORDER BY venue_type, venue_id")


def jobcenter_sites(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return _points(con, "jobcenter_sites", "ORDER BY site_id")


def sources(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute("SELECT * FROM sources ORDER BY source_id").df()


def is_fictional(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the store holds only fictional (demo) sources."""
    row = con.execute("SELECT count(*), count(*) FILTER (WHERE fictional) FROM sources").fetchone()
    return row[0] > 0 and row[0] == row[1]
