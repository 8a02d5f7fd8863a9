"""Rename and delete sources, and say first what depends on a source (used by the app's store page).

Each function runs inside the caller's ``snapshots.writing`` block (one transaction; any error → store unchanged).
"""

from __future__ import annotations

from dataclasses import dataclass

from sozialraum.errors import InputError
from sozialraum.store.write import SOURCE_TABLES, _check_integrity, refresh_derived

TABLE_LABELS = {
    "observations": "Kennzahlwerte", "areas": "Gebiete", "area_levels": "Gebietsebenen", "providers": "Angebote",
    "candidate_venues": "mögliche Standorte", "jobcenter_sites": "Jobcenter-Standorte",
}


@dataclass(frozen=True)
class Dependents:
    """What a source holds and who relies on it."""

    source_id: str
    rows: dict[str, int]                 # table label → rows of this source
    sources: tuple[str, ...]             # other sources whose rows sit on this source's levels or areas
    scenarios: int                       # saved siting scenarios (computed from the data as it was)

    def lines(self) -> list[str]:
        out = [f"{n} {label}" for label, n in self.rows.items() if n]
        if self.sources:
            out.append("darauf aufbauende Quellen (werden mit gelöscht): " + ", ".join(self.sources))
        if self.scenarios:
            out.append(f"{self.scenarios} gespeicherte Szenarien (bleiben erhalten, beruhen aber auf diesen Daten)")
        return out


def _exists(con, source_id: str) -> None:
    if not con.execute("SELECT 1 FROM sources WHERE source_id = ?", [source_id]).fetchone():
        raise InputError(f"Eine Quelle „{source_id}“ gibt es nicht.")


def dependents(con, source_id: str) -> Dependents:
    """Rows of ``source_id`` per table and the other sources that need its levels or areas."""
    _exists(con, source_id)
    rows = {TABLE_LABELS[t]: con.execute(f"SELECT count(*) FROM {t} WHERE source_id = ? AND "
                                         f"{'NOT derived' if t == 'observations' else 'TRUE'}",
                                         [source_id]).fetchone()[0] for t in SOURCE_TABLES}
    others = con.execute(
        """
        WITH lv AS (SELECT level FROM area_levels WHERE source_id = $s),
             ar AS (SELECT level, area_key FROM areas WHERE source_id = $s)
        SELECT DISTINCT source_id FROM (
            SELECT source_id FROM observations WHERE NOT derived AND (level IN (SELECT level FROM lv)
                OR (level, area_key) IN (SELECT (level, area_key) FROM ar))
            UNION ALL SELECT source_id FROM areas WHERE level IN (SELECT level FROM lv)
            UNION ALL SELECT source_id FROM area_levels WHERE parent_level IN (SELECT level FROM lv)
        ) WHERE source_id <> $s ORDER BY 1
        """, {"s": source_id}).fetchall()
    scenarios = con.execute("SELECT count(*) FROM scenarios").fetchone()[0]
    return Dependents(source_id, rows, tuple(r[0] for r in others), scenarios)


def delete_source(con, source_id: str) -> list[str]:
    """Delete ``source_id`` and every source built on it (see :func:`dependents`); returns the deleted ids."""
    doomed, todo = [], [source_id]
    while todo:
        sid = todo.pop()
        if sid in doomed:
            continue
        doomed.append(sid)
        todo.extend(dependents(con, sid).sources)
    con.execute("BEGIN TRANSACTION")
    try:
        for sid in doomed:
            for table in SOURCE_TABLES:
                con.execute(f"DELETE FROM {table} WHERE source_id = ?", [sid])
            con.execute("DELETE FROM sources WHERE source_id = ?", [sid])
        _check_integrity(con)
        refresh_derived(con)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return doomed


def rename_source(con, source_id: str, *, new_id: str | None = None, title: str | None = None) -> None:
    """Give a source a new id (its rows follow) and/or a new title."""
    _exists(con, source_id)
    new_id = (new_id or "").strip() or source_id
    if new_id != source_id and con.execute("SELECT 1 FROM sources WHERE source_id = ?", [new_id]).fetchone():
        raise InputError(f"Die Kennung „{new_id}“ ist schon vergeben.")
    con.execute("BEGIN TRANSACTION")
    try:
        if title is not None and title.strip():
            con.execute("UPDATE sources SET title = ? WHERE source_id = ?", [title.strip(), source_id])
        if new_id != source_id:
            # sources.source_id is a primary key: copy the row under the new id, move the rows, drop the old one
            con.execute("INSERT INTO sources SELECT ? AS source_id, * EXCLUDE (source_id) FROM sources "
                        "WHERE source_id = ?", [new_id, source_id])
            for table in SOURCE_TABLES:
                con.execute(f"UPDATE {table} SET source_id = ? WHERE source_id = ?", [new_id, source_id])
            con.execute("DELETE FROM sources WHERE source_id = ?", [source_id])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
