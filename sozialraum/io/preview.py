"""What an import would change, before anything is written: rows added, replaced and dropped per table.

``preview_changes(con, source_id, batch) -> pd.DataFrame`` compares the keys of a ``Batch`` (as the
``*_part`` functions of ``sozialraum.io.loader`` build it) with the store. ``replace_source`` deletes every
row of the source and inserts the batch, so per table:

- ``Neu``: keys not in the store yet;
- ``Ersetzt``: keys the same source already has (their values are overwritten);
- ``Entfällt``: keys of the source that the new batch no longer has (they are deleted);
- ``Konflikt``: keys that belong to *another* source (the import would be refused).
"""

from __future__ import annotations

import pandas as pd

from sozialraum.store.write import POINT_TABLES, Batch

TABLE_LABELS = {
    "area_levels": "Gebietsebenen",
    "areas": "Gebiete",
    "observations": "Kennzahlen",
    "providers": "Angebote",
    "candidate_venues": "Kandidatenorte",
    "jobcenter_sites": "Jobcenter-Standorte",
}
COLUMNS = ["Tabelle", "Neu", "Ersetzt", "Entfällt", "Konflikt"]
KEYS = {
    "area_levels": ["level"],
    "areas": ["level", "area_key"],
    "observations": ["level", "area_key", "indicator", "period"],
    **{table: [id_col] for table, (id_col, _) in POINT_TABLES.items()},
}


def _batch_keys(batch: Batch) -> dict[str, pd.DataFrame]:
    out: dict[str, pd.DataFrame] = {}
    if batch.levels is not None:
        out["area_levels"] = pd.DataFrame(batch.levels)[KEYS["area_levels"]]
    if batch.areas is not None:
        out["areas"] = pd.DataFrame(batch.areas)[KEYS["areas"]]
    if batch.observations is not None:
        out["observations"] = pd.DataFrame(batch.observations)[KEYS["observations"]]
    for table, gdf in batch.points.items():
        out[table] = pd.DataFrame(gdf)[KEYS[table]]
    return {t: f.astype("string").drop_duplicates() for t, f in out.items()}


def preview_changes(con, source_id: str, batch: Batch) -> pd.DataFrame:
    """One row per table the import touches: Tabelle (German), Neu, Ersetzt, Entfällt, Konflikt."""
    rows = []
    tables = _batch_keys(batch)
    # tables the source has rows in today but the batch leaves out are emptied for that source, too
    for table in KEYS:
        if table not in tables:
            n_old = con.execute(f"SELECT count(*) FROM {table} WHERE source_id = ?", [source_id]).fetchone()[0]
            if n_old:
                tables[table] = pd.DataFrame({k: pd.Series([], dtype="string") for k in KEYS[table]})
    for table, new in tables.items():
        keys = KEYS[table]
        on = " AND ".join(f"n.{k} = o.{k}" for k in keys)
        cast = ", ".join(f"CAST({k} AS VARCHAR) AS {k}" for k in keys)
        own = "NOT derived" if table == "observations" else "TRUE"
        old_sql = f"SELECT {cast}, source_id FROM {table} WHERE {own}"
        new_keys = new  # noqa: F841  (read by DuckDB's replacement scan)
        counts = con.execute(
            f"WITH o AS ({old_sql}), n AS (SELECT * FROM new_keys) "
            f"SELECT count(*) FILTER (WHERE o.source_id IS NULL), "
            f"       count(*) FILTER (WHERE o.source_id = $sid), "
            f"       count(*) FILTER (WHERE o.source_id IS NOT NULL AND o.source_id <> $sid) "
            f"FROM n LEFT JOIN o ON {on}", {"sid": source_id}
        ).fetchone()
        dropped = con.execute(
            f"WITH o AS ({old_sql} AND source_id = $sid), n AS (SELECT * FROM new_keys) "
            f"SELECT count(*) FROM o ANTI JOIN n ON {on}",
            {"sid": source_id},
        ).fetchone()[0]
        rows.append({"Tabelle": TABLE_LABELS[table], "Neu": int(counts[0]), "Ersetzt": int(counts[1]),
                     "Entfällt": int(dropped), "Konflikt": int(counts[2])})
    return pd.DataFrame(rows, columns=COLUMNS)
