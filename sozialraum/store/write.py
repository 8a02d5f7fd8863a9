"""All-or-nothing writes: a source's rows are replaced in one transaction, then derived rows are refreshed.

The io layer reads and validates files and hands a ``Batch`` of frames in the store's metric CRS to
``replace_source``. Re-importing a source replaces its rows; it never duplicates them. If anything fails, the
transaction is rolled back and the store is exactly as before.

Plausibility (``sozialraum.io.plausibility``) is checked at this boundary for every caller, inside the
transaction, before the commit: impossible values → ``InputError``; doubtful values → ``PlausibilityWarning``
(a subclass of ``InputError``) unless ``confirm_warnings=True``, which writes them with the flag ``doubtful``.
Placeholder numbers (-9999, -1, 99999, …) become "no value" (flag ``missing``). ``check_sources`` is the dry run
(returns the ``PlausibilityReport``, writes nothing). ``Batch.observations`` may carry the optional provenance
columns ``file``, ``row``, ``column`` so that problems name the input's file, row and column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from sozialraum.errors import InputError, Problem
from sozialraum.store.connection import metric_epsg, read_sql

AREA_COLUMNS = ["level", "area_key", "name", "parent_key"]
OBSERVATION_COLUMNS = ["level", "area_key", "indicator", "period", "value", "numerator", "denominator", "flag"]
PROVENANCE_COLUMNS = ["file", "row", "column"]  # optional in Batch.observations; used to name problems
POINT_TABLES = {
    "providers": ("provider_id", ["service_type", "name", "traeger", "dachverband", "kooperation", "capacity",
                                  "capacity_unit", "opening_hours", "barrier_free", "address"]),
    "candidate_venues": ("venue_id", ["venue_type", "name", "traeger", "barrier_free", "address"]),
    "jobcenter_sites": ("site_id", ["site_type", "name", "address"]),
}
SOURCE_TABLES = ["observations", "areas", "area_levels", "providers", "candidate_venues", "jobcenter_sites"]


@dataclass(frozen=True)
class SourceInfo:
    source_id: str
    title: str
    publisher: str | None = None
    licence: str | None = None
    attribution: str | None = None
    reference_date: str | None = None
    url: str | None = None
    files: tuple[str, ...] = ()
    fictional: bool = False


@dataclass
class Batch:
    """Frames to write for one source. GeoDataFrames must be in one metric CRS (the store's, if it has one)."""

    levels: pd.DataFrame | None = None  # level, label, hierarchy, rank, parent_level
    areas: "object | None" = None  # GeoDataFrame: level, area_key, name, parent_key, geometry (polygons)
    observations: pd.DataFrame | None = None  # OBSERVATION_COLUMNS (+ optional PROVENANCE_COLUMNS)
    points: dict[str, object] = field(default_factory=dict)  # table name -> GeoDataFrame of points


def _require_columns(frame: pd.DataFrame, columns: list[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(f"{what}: es fehlen die Spalten {', '.join(missing)}")


def _check_crs(gdf, epsg: int | None, what: str) -> int:
    if gdf.crs is None:
        raise InputError(f"{what}: kein Koordinatenbezugssystem (CRS) angegeben")
    got = gdf.crs.to_epsg()
    if got is None or not gdf.crs.is_projected:
        raise InputError(f"{what}: erwartet ein metrisches CRS (z. B. EPSG:25832), erhalten {gdf.crs}")
    if epsg is not None and got != epsg:
        raise InputError(f"{what}: CRS EPSG:{got} passt nicht zum CRS der Datenbank (EPSG:{epsg})")
    return got


def _area_rows(gdf, simplify_m: float) -> pd.DataFrame:
    import shapely

    metric = gdf.geometry.values
    display = gdf.geometry.simplify(simplify_m, preserve_topology=True) if simplify_m > 0 else gdf.geometry
    wgs84 = display.to_crs(4326)
    frame = pd.DataFrame({c: gdf[c].astype("string") if c != "parent_key" else gdf[c] for c in AREA_COLUMNS})
    frame["parent_key"] = frame["parent_key"].where(frame["parent_key"].notna(), None)
    frame["area_m2"] = shapely.area(metric)
    frame["wkb"] = shapely.to_wkb(metric)
    frame["wkb84"] = shapely.to_wkb(wgs84.values)
    return frame


def _point_rows(gdf, table: str) -> pd.DataFrame:
    import shapely

    id_col, cols = POINT_TABLES[table]
    frame = pd.DataFrame({id_col: gdf[id_col].astype("string")})
    for c in cols:
        frame[c] = gdf[c] if c in gdf.columns else None
    xy = shapely.get_coordinates(gdf.geometry.values)
    lonlat = shapely.get_coordinates(gdf.geometry.to_crs(4326).values)
    frame["x"], frame["y"] = xy[:, 0], xy[:, 1]
    frame["lon"], frame["lat"] = lonlat[:, 0], lonlat[:, 1]
    frame["wkb"] = shapely.to_wkb(gdf.geometry.values)
    return frame


def _duplicates(frame: pd.DataFrame, keys: list[str], what: str) -> None:
    dup = frame[frame.duplicated(keys, keep=False)]
    if len(dup):
        shown = dup[keys].drop_duplicates().head(10).astype(str).agg("/".join, axis=1).tolist()
        raise InputError(f"{what}: doppelte Schlüssel {', '.join(shown)}")


def replace_source(con: duckdb.DuckDBPyConnection, source: SourceInfo, batch: Batch,
                   *, simplify_m: float | None = None, confirm_warnings: bool = False) -> dict[str, int]:
    """Replace every row of ``source`` with ``batch`` in one transaction; return row counts written.

    Raises ``InputError`` (store unchanged) on missing columns, wrong CRS, duplicate keys, unknown areas,
    unknown indicators, unknown levels or impossible values; ``PlausibilityWarning`` (store unchanged) on
    doubtful values unless ``confirm_warnings`` (then they are written with the flag ``doubtful``).
    """
    return replace_sources(con, [(source, batch)], simplify_m=simplify_m, confirm_warnings=confirm_warnings)[0]


def replace_sources(con: duckdb.DuckDBPyConnection, items: list[tuple[SourceInfo, Batch]],
                    *, simplify_m: float | None = None, confirm_warnings: bool = False) -> list[dict[str, int]]:
    """Replace several sources in ONE transaction (a recipe): either all are written or none is.

    Plausibility as in ``replace_source``; the warnings are checked over all sources together.
    """
    counts, _ = _run(con, items, simplify_m=simplify_m, confirm_warnings=confirm_warnings, dry_run=False)
    return counts


def check_sources(con: duckdb.DuckDBPyConnection, items: list[tuple[SourceInfo, Batch]],
                  *, simplify_m: float | None = None):
    """Dry run of ``replace_sources``: the ``PlausibilityReport`` of the batch against the store; writes nothing.

    Structural problems (missing columns, unknown keys, …) still raise ``InputError``.
    """
    _, report = _run(con, items, simplify_m=simplify_m, confirm_warnings=True, dry_run=True)
    return report


def _run(con, items, *, simplify_m, confirm_warnings: bool, dry_run: bool):
    from sozialraum.io.plausibility import DOUBTFUL, check_store
    from sozialraum.settings import default

    simplify_m = default("display_simplify_m") if simplify_m is None else simplify_m
    epsg = metric_epsg(con)
    prepared = []
    notes = []
    provenance = []
    for source, batch in items:
        frames, epsg, prov, sentinel_notes = _prepare(batch, epsg, simplify_m, _first_file(source))
        prepared.append((source, frames))
        notes += sentinel_notes
        if prov is not None:
            provenance.append(prov)
    prov_frame = pd.concat(provenance, ignore_index=True) if provenance else None
    default_file = ", ".join(f for s, _ in items for f in s.files) or None

    con.execute("BEGIN TRANSACTION")
    try:
        if metric_epsg(con) is None and epsg is not None:
            con.execute("INSERT INTO store_meta VALUES ('metric_epsg', ?)", [str(epsg)])
        for source, frames in prepared:
            _write(con, source, frames)
        if any("levels" in frames for _, frames in prepared):
            rank_levels(con)
        _check_integrity(con)
        refresh_derived(con)
        report = check_store(con, [s.source_id for s, _ in items], prov_frame, default_file=default_file)
        report = type(report)(report.errors, report.warnings, tuple(notes), report.doubtful)
        if dry_run:
            con.execute("ROLLBACK")
            return [], report
        report.raise_for(confirm_warnings)
        if report.doubtful:
            cells = pd.DataFrame(sorted(report.doubtful), columns=["level", "area_key", "indicator",  # noqa: F841
                                                                    "period"])
            con.execute("UPDATE observations o SET flag = ? FROM cells c WHERE NOT o.derived AND o.flag IS NULL "
                        "AND o.level = c.level AND o.area_key = c.area_key AND o.indicator = c.indicator "
                        "AND o.period = c.period", [DOUBTFUL])
            refresh_derived(con)
        con.execute("COMMIT")
    except duckdb.ConstraintException as exc:  # a clash inside the batch itself (rows of two of its sources)
        con.execute("ROLLBACK")
        ids = ", ".join(s.source_id for s, _ in items)
        raise InputError(f"Quellen {ids}: derselbe Schlüssel kommt in mehreren dieser Quellen vor. Jede Zeile darf "
                         "nur zu einer Quelle gehören – bitte die Dateien oder Ebenen der Quellen prüfen.") from exc
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return [{name: len(frame) for name, frame in frames.items()} for _, frames in prepared], report


def _first_file(source: SourceInfo) -> str | None:
    return Path(source.files[0]).name if source.files else None


def _prepare(batch: Batch, epsg: int | None, simplify_m: float, file: str | None = None):
    """Validate a batch (no writes) and turn it into insertable frames.

    Returns (frames, epsg, provenance of the observations or None, notes on placeholder values)."""
    from sozialraum.io.plausibility import clean_sentinels

    frames: dict[str, pd.DataFrame] = {}
    provenance, notes = None, []
    if batch.levels is not None:
        _require_columns(batch.levels, ["level", "label", "hierarchy", "rank", "parent_level"], "Gebietsebenen")
        _duplicates(batch.levels, ["level"], "Gebietsebenen")
        frames["levels"] = batch.levels
    if batch.areas is not None:
        _require_columns(batch.areas, AREA_COLUMNS, "Gebiete")
        epsg = _check_crs(batch.areas, epsg, "Gebiete")
        _duplicates(batch.areas, ["level", "area_key"], "Gebiete")
        frames["areas"] = _area_rows(batch.areas, simplify_m)
    if batch.observations is not None:
        _require_columns(batch.observations, OBSERVATION_COLUMNS, "Kennzahlen")
        _duplicates(batch.observations, ["level", "area_key", "indicator", "period"], "Kennzahlen")
        extra = [c for c in PROVENANCE_COLUMNS if c in batch.observations.columns]
        obs = batch.observations[OBSERVATION_COLUMNS + extra].copy()
        for c in ["level", "area_key", "indicator", "period"]:
            obs[c] = obs[c].astype("string")
        for c in ["value", "numerator", "denominator"]:
            obs[c] = pd.to_numeric(obs[c]).astype("float64")
        obs["flag"] = obs["flag"].astype(object).where(obs["flag"].notna(), None)
        obs, notes = clean_sentinels(obs, default_file=file)
        if extra:
            provenance = obs[["level", "area_key", "indicator", "period"] + extra]
        frames["observations"] = obs[OBSERVATION_COLUMNS]
    for table, gdf in batch.points.items():
        if table not in POINT_TABLES:
            raise ValueError(f"unknown point table {table}")
        id_col = POINT_TABLES[table][0]
        _require_columns(gdf, [id_col] + POINT_TABLES[table][1][:2], table)
        epsg = _check_crs(gdf, epsg, table)
        _duplicates(gdf, [id_col], table)
        if "capacity" in gdf.columns:
            cap = pd.to_numeric(gdf["capacity"], errors="coerce")
            bad = gdf.loc[cap < 0, id_col].astype(str).tolist()
            if bad:
                raise InputError([Problem(file, f"negative Kapazität {cap[gdf[id_col].astype(str) == b].iloc[0]:g} "
                                                f"bei {b!r}", column="capacity") for b in bad[:20]])
        frames[table] = _point_rows(gdf, table)
    return frames, epsg, provenance, notes


def _write(con: duckdb.DuckDBPyConnection, source: SourceInfo, frames: dict[str, pd.DataFrame]) -> None:
    """Delete the source's old rows and insert the new ones (inside the caller's transaction)."""
    for table in SOURCE_TABLES:
        con.execute(f"DELETE FROM {table} WHERE source_id = ?", [source.source_id])
    con.execute("DELETE FROM sources WHERE source_id = ?", [source.source_id])
    con.execute(
        "INSERT INTO sources (source_id, title, publisher, licence, attribution, reference_date, url, files, "
        "fictional) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [source.source_id, source.title, source.publisher, source.licence, source.attribution,
         source.reference_date, source.url, ";".join(Path(f).name for f in source.files), source.fictional],
    )
    sid = source.source_id
    _check_conflicts(con, source, frames)
    if "levels" in frames:
        lv = frames["levels"]  # noqa: F841  (read by DuckDB's replacement scan)
        con.execute("INSERT INTO area_levels SELECT level, label, hierarchy, CAST(rank AS INTEGER), "
                    "parent_level, ? FROM lv", [sid])
    if "areas" in frames:
        ar = frames["areas"]  # noqa: F841
        con.execute("INSERT INTO areas SELECT level, area_key, name, parent_key, area_m2, ST_GeomFromWKB(wkb), "
                    "ST_GeomFromWKB(wkb84), ? FROM ar", [sid])
    if "observations" in frames:
        ob = frames["observations"]  # noqa: F841
        con.execute("INSERT INTO observations SELECT level, area_key, indicator, period, value, numerator, "
                    "denominator, flag, ?, FALSE FROM ob", [sid])
    for table, (id_col, cols) in POINT_TABLES.items():
        if table in frames:
            pt = frames[table]  # noqa: F841
            col_list = ", ".join([id_col, *cols, "x", "y", "lon", "lat"])
            con.execute(f"INSERT INTO {table} ({col_list}, geom, source_id) "
                        f"SELECT {col_list}, ST_GeomFromWKB(wkb), ? FROM pt", [sid])


# what a clash is about, per table: (frame name, key columns, German text of one key)
_CONFLICT_KEYS = {
    "area_levels": ("levels", ["level"], lambda k: f"Gebietsebene {k[0]!r}"),
    "areas": ("areas", ["level", "area_key"], lambda k: f"Gebiet {k[1]!r} auf Ebene {k[0]!r}"),
    "observations": ("observations", ["level", "area_key", "indicator", "period"],
                     lambda k: f"Wert {k[2]!r} für Gebiet {k[1]!r} (Ebene {k[0]!r}), Zeitraum {k[3]}"),
    **{t: (t, [id_col], lambda k, t=t: f"Punkt {k[0]!r} ({t})") for t, (id_col, _) in POINT_TABLES.items()},
}


def _check_conflicts(con: duckdb.DuckDBPyConnection, source: SourceInfo, frames: dict[str, pd.DataFrame]) -> None:
    """Keys of the batch that already belong to ANOTHER source: a German ``InputError`` naming that source, the
    level and key, and what to do (instead of DuckDB's constraint text). Runs after the source's own rows are gone."""
    problems = []
    for table, (name, keys, text) in _CONFLICT_KEYS.items():
        if name not in frames or not len(frames[name]):
            continue
        batch_keys = frames[name][keys].drop_duplicates()  # noqa: F841  (read by DuckDB's replacement scan)
        sql = read_sql("conflicts.sql").format(table=table, frame="batch_keys", keys=", ".join(keys),
                                               keys_t=", ".join(f"t.{k}" for k in keys))
        for *key, owner, title in con.execute(sql, [source.source_id]).fetchall():
            problems.append(Problem(
                _first_file(source), f"{text(key)} gehört schon zur Quelle {owner!r} („{title or owner}“). Eine "
                f"Quelle ersetzt nur ihre eigenen Zeilen. Entweder unter der Kennung {owner!r} laden (ersetzt deren "
                f"Zeilen), oder die Quelle {owner!r} erst auf der Seite „Städte & Datenstände“ löschen, oder "
                "eine andere Ebene bzw. einen anderen Zeitraum wählen.", column=", ".join(keys)))
    if problems:
        raise InputError(problems[:20])


def level_ranks(levels: list[tuple[str, str | None, str, int]]) -> dict[str, tuple[str, int]]:
    """(level, parent_level, hierarchy, rank) rows → {level: (hierarchy, rank)} from the parent links: levels linked
    by ``parent_level`` form one hierarchy (named after its top level's hierarchy) and a level's rank is its height
    (0 = finest, a parent one above its highest child). A level without links keeps its hierarchy, rank ≥ 0."""
    parent = {lv: p for lv, p, _, _ in levels}
    given = {lv: (h, r) for lv, _, h, r in levels}
    children: dict[str, list[str]] = {}
    for lv, p in parent.items():
        if p in parent and p != lv:
            children.setdefault(p, []).append(lv)

    def top(lv: str) -> str:
        seen = {lv}
        while parent.get(lv) in parent and parent[lv] not in seen:
            lv = parent[lv]
            seen.add(lv)
        return lv

    height: dict[str, int] = {}

    def h(lv: str, path: frozenset = frozenset()) -> int:
        if lv not in height:
            kids = [c for c in children.get(lv, []) if c not in path]
            height[lv] = 1 + max(h(c, path | {lv}) for c in kids) if kids else 0
        return height[lv]

    out = {}
    for lv in parent:
        linked = lv in children or parent[lv] in parent
        out[lv] = (given[top(lv)][0], h(lv)) if linked else (given[lv][0], max(int(given[lv][1]), 0))
    return out


def rank_levels(con: duckdb.DuckDBPyConnection) -> None:
    """Hierarchy and rank of every level made consistent with the parent links (see ``level_ranks``): imports that
    give only the parent level (the app's area form, ``import-areas`` without ``--rang``) never store a negative
    or clashing rank."""
    rows = con.execute("SELECT level, parent_level, hierarchy, rank FROM area_levels").fetchall()
    for lv, (hierarchy, rank) in level_ranks(rows).items():
        con.execute("UPDATE area_levels SET hierarchy = ?, rank = ? WHERE level = ? AND (hierarchy <> ? OR rank <> ?)",
                    [hierarchy, rank, lv, hierarchy, rank])


def _check_integrity(con: duckdb.DuckDBPyConnection) -> None:
    problems: list[Problem] = []
    for level, key in con.execute(
        "SELECT DISTINCT o.level, o.area_key FROM observations o ANTI JOIN areas a USING (level, area_key) "
        "ORDER BY 1, 2 LIMIT 20"
    ).fetchall():
        problems.append(Problem(file=None, column="area_key", problem=f"unbekannter Gebietsschlüssel {key!r} "
                                f"auf Ebene {level!r}"))
    for (ind,) in con.execute(
        "SELECT DISTINCT indicator FROM observations ANTI JOIN indicators USING (indicator) LIMIT 20"
    ).fetchall():
        problems.append(Problem(file=None, column="indicator", problem=f"unbekannter Indikator {ind!r}"))
    for (level,) in con.execute(
        "SELECT DISTINCT level FROM areas ANTI JOIN area_levels USING (level) LIMIT 20"
    ).fetchall():
        problems.append(Problem(file=None, column="level", problem=f"unbekannte Gebietsebene {level!r}"))
    for level, key, parent in con.execute(
        "SELECT c.level, c.area_key, c.parent_key FROM areas c JOIN area_levels l ON l.level = c.level "
        "WHERE c.parent_key IS NOT NULL AND l.parent_level IS NOT NULL AND NOT EXISTS ("
        "  SELECT 1 FROM areas p WHERE p.level = l.parent_level AND p.area_key = c.parent_key) LIMIT 20"
    ).fetchall():
        problems.append(Problem(file=None, column="parent_key",
                                problem=f"Gebiet {key!r} ({level}) verweist auf unbekanntes Obergebiet {parent!r}"))
    if problems:
        raise InputError(problems)


def refresh_derived(con: duckdb.DuckDBPyConnection) -> None:
    """Recompute roll-ups of counts to parent levels and rates at every level (inside the caller's transaction)."""
    con.execute("DELETE FROM observations WHERE derived")
    pairs = con.execute(read_sql("rollup_order.sql")).fetchall()
    rollup = read_sql("rollup.sql")
    for child, parent in pairs:
        con.execute(rollup, {"child": child, "parent": parent})
    con.execute(read_sql("derive_rates.sql"))
