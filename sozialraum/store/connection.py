"""Open the store: one DuckDB file with the spatial extension loaded from its PyPI package (no download)."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

_SQL_DIR = Path(__file__).parent
DEFAULT_DATA = Path("data")
DEMO_STORE = "musterstadt"


def data_dir() -> Path:
    """The folder that holds the stores (one sub-folder per city): ``$SOZIALRAUM_DATA`` or ``data``."""
    return Path(os.environ.get("SOZIALRAUM_DATA") or DEFAULT_DATA)


def default_db_path() -> Path:
    """``$SOZIALRAUM_DB`` (a store folder or a single DuckDB file) if set, else the store
    ``$SOZIALRAUM_STORE`` in :func:`data_dir`, else the demo store ``data/musterstadt``."""
    if os.environ.get("SOZIALRAUM_DB"):
        return Path(os.environ["SOZIALRAUM_DB"])
    return data_dir() / (os.environ.get("SOZIALRAUM_STORE") or DEMO_STORE)


def demo_store_path() -> Path:
    """The demo city's own store folder: ``data/musterstadt`` (never a real city's store)."""
    return data_dir() / DEMO_STORE


def default_write_path() -> Path:
    """Where a command without ``--db`` writes: ``$SOZIALRAUM_DB`` or ``data/$SOZIALRAUM_STORE``. Never the demo
    store by default, so that a city's data is not mixed into Musterstadt (InputError with a German hint)."""
    from sozialraum.errors import InputError

    if os.environ.get("SOZIALRAUM_DB") or os.environ.get("SOZIALRAUM_STORE"):
        return default_db_path()
    raise InputError("Bitte angeben, in welche Stadt geschrieben wird: --db data/<stadt> (z. B. --db data/wiesbaden) "
                     "oder die Umgebungsvariable SOZIALRAUM_STORE=<stadt>. Die fiktive Musterstadt (data/musterstadt) "
                     "bleibt von echten Daten getrennt.")


def spatial_extension_path() -> Path:
    import duckdb_extension_spatial

    folder = Path(duckdb_extension_spatial.__file__).parent / "extensions"
    wanted = folder / f"v{duckdb.__version__}" / "spatial.duckdb_extension"
    if wanted.exists():
        return wanted
    found = sorted(folder.glob("*/spatial.duckdb_extension"))
    raise RuntimeError(
        f"Die DuckDB-Erweiterung 'spatial' passt nicht zu DuckDB {duckdb.__version__} "
        f"(gefunden: {[p.parent.name for p in found]}). Bitte die Versionen in pyproject.toml gemeinsam pinnen."
    )


def load_spatial(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"LOAD '{spatial_extension_path()}'")


def read_sql(name: str, folder: Path = _SQL_DIR) -> str:
    return (folder / name).read_text(encoding="utf-8")


def connect(path: str | Path | None = None, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (and, unless read-only, create and migrate) the DuckDB file at ``path`` (default:
    ``default_db_path()``).

    ``":memory:"`` gives a throw-away store, handy in tests. A store folder (``data/<stadt>/``) opens its
    published snapshot, read-only only; writers use ``sozialraum.store.snapshots.writing``.
    """
    path = str(path if path is not None else default_db_path())
    if path != ":memory:" and Path(path).is_dir():  # a store folder: its published snapshot
        from sozialraum.store import snapshots

        if not read_only:
            raise ValueError(f"{path} ist ein Datenordner: zum Schreiben sozialraum.store.snapshots.writing() "
                             "benutzen, zum Lesen read_only=True.")
        snap = snapshots.current(path)
        if snap is None:
            raise FileNotFoundError(f"Unter {path} gibt es noch keinen Datenstand. Mit 'sozialraum demo' wird "
                                    "die Musterstadt angelegt.")
        path = str(snap.path)
    if path != ":memory:" and not read_only:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    if read_only and path != ":memory:" and not Path(path).exists():
        raise FileNotFoundError(
            f"Datenbank {path} gibt es nicht. Mit 'sozialraum demo' wird die Musterstadt angelegt."
        )
    con = duckdb.connect(path, read_only=read_only)
    load_spatial(con)
    if not read_only:
        init_schema(con)
    return con


def init_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create missing tables and (re)write the indicator definitions from the registry."""
    from sozialraum.indicators.registry import INDICATORS

    con.execute(read_sql("schema.sql"))
    rows = [
        (i.key, i.label_de, i.label_en, i.unit, i.kind, i.direction, i.numerator, i.denominator, i.aggregation,
         i.scale if i.aggregation == "ratio" else None, i.suppressible, i.description)
        for i in INDICATORS.values()
    ]
    con.execute("BEGIN TRANSACTION")
    con.execute("DELETE FROM indicators")
    con.executemany("INSERT INTO indicators VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    from sozialraum.indicators.own import restore

    restore(con)  # a city's own indicators (kept in own_indicators) survive every start
    con.execute("COMMIT")


def metric_epsg(con: duckdb.DuckDBPyConnection) -> int | None:
    """The metric CRS all geometries of this store are kept in, or None for an empty store."""
    row = con.execute("SELECT value FROM store_meta WHERE key = 'metric_epsg'").fetchone()
    return int(row[0]) if row else None
