"""Versioned, immutable snapshots of a store: viewing never waits for writing, writing never waits for viewers.

A *store folder* (``data/<name>/``) holds numbered DuckDB files and a small manifest::

    data/berlin/
        current.json        {"version": 12, "file": "v000012.duckdb", "published_at": ..., "note": ..., "label": ...}
        v000011.duckdb      an older snapshot (kept for rollback; ``store_keep_versions``)
        v000012.duckdb      the published snapshot: opened read-only by every viewer, never written again
        .lock               fcntl lock held by the one writer (released by the kernel when the writer dies)
        .tmp-*.duckdb       a snapshot being written (never published half-written; removed on the next start)

Every writer uses :func:`writing`: it takes the lock (waits a bounded time, then refuses with a German message),
copies the published file to a temporary one, yields a read-write connection to it, and on success checkpoints,
closes, fsyncs, renames the file to the next version and replaces ``current.json`` atomically (temp file +
``os.replace``). Whatever happens before that last ``os.replace`` (an exception, SIGKILL, power loss), the
published snapshot stays as it was.

A plain ``.duckdb`` file (the former layout, and what most tests use) is still accepted everywhere: it is opened
read-write in place, under the same lock; DuckDB's own transactions keep its writes all-or-nothing.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sozialraum.errors import InputError

MANIFEST = "current.json"
LOCK_FILE = ".lock"
TMP_PREFIX = ".tmp-"
_VERSION = re.compile(r"^v(\d{6,})\.duckdb$")


class StoreBusy(InputError):
    """Another writer holds the store (after waiting); nothing was written."""


@dataclass(frozen=True)
class Snapshot:
    store: Path          # the store folder (or the plain file)
    version: int         # 0 for a plain file
    path: Path           # the DuckDB file to open
    published_at: str    # ISO time (UTC) of publishing
    note: str = ""
    label: str = ""

    @property
    def key(self) -> str:
        """Changes with every published version (part of the app's cache keys)."""
        if self.version:
            return f"{self.store}|v{self.version}"
        st = self.path.stat() if self.path.exists() else None
        return f"{self.path}|{st.st_ino if st else 0}|{st.st_mtime_ns if st else 0}"


# --------------------------------------------------------------------------------------------- layout
def is_plain_file(target: str | Path) -> bool:
    """A single DuckDB file (the former layout) rather than a store folder."""
    target = Path(target)
    if target.is_dir():
        return False
    return target.exists() or target.suffix.lower() in (".duckdb", ".db")


def version_file(store: Path, version: int) -> Path:
    return Path(store) / f"v{version:06d}.duckdb"


def read_manifest(store: str | Path) -> dict | None:
    path = Path(store) / MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"Die Verwaltungsdatei {path} ist beschädigt ({exc}). Mit 'sozialraum store rollback' "
                         "lässt sich ein älterer Stand wieder veröffentlichen.") from exc


def current(target: str | Path) -> Snapshot | None:
    """The published snapshot of a store folder (or the plain file itself); None when there is none yet."""
    target = Path(target)
    if is_plain_file(target):
        if not target.exists():
            return None
        stamp = datetime.fromtimestamp(target.stat().st_mtime, UTC).isoformat(timespec="seconds")
        return Snapshot(target, 0, target, stamp)
    m = read_manifest(target)
    if m is None:
        return None
    return Snapshot(target, int(m["version"]), target / m["file"], m.get("published_at", ""), m.get("note", ""),
                    m.get("label", ""))


def versions(store: str | Path) -> list[Snapshot]:
    """Every snapshot file still kept in a store folder, oldest first (the published one included)."""
    store = Path(store)
    published = current(store)
    history = {h.get("version"): h for h in (read_manifest(store) or {}).get("history", [])}
    out = []
    for p in sorted(store.glob("v*.duckdb")):
        match = _VERSION.match(p.name)
        if not match:
            continue
        n = int(match.group(1))
        if published is None or n > published.version:
            continue  # renamed but never published (a writer died in between): not a version
        known = history.get(n, {})
        stamp = known.get("published_at") or datetime.fromtimestamp(p.stat().st_mtime, UTC).isoformat(
            timespec="seconds")
        out.append(Snapshot(store, n, p, stamp, known.get("note", ""), published.label))
    return out


def store_of(file: str | Path) -> Path | None:
    """The store folder a snapshot file (published or being written) belongs to, else None."""
    file = Path(file)
    if (_VERSION.match(file.name) or file.name.startswith(TMP_PREFIX)) and (file.parent / MANIFEST).exists():
        return file.parent
    return None


def list_stores(data_dir: str | Path) -> list[Snapshot]:
    """The stores (folders with a published snapshot) in ``data_dir``, by name."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        return []
    out = []
    for folder in sorted(p for p in data_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
        try:
            snap = current(folder)
        except InputError:
            continue
        if snap is not None:
            out.append(snap)
    return out


def slug(name: str) -> str:
    """A folder name for a store: 'Landkreis Göttingen' → 'landkreis-goettingen'."""
    text = name.strip().lower()
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(a, b)
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text[:60]


# --------------------------------------------------------------------------------------------- lock
@contextlib.contextmanager
def _locked(target: Path, wait_s: float | None):
    """Hold the store's writer lock (fcntl): wait up to ``wait_s`` seconds, then raise :class:`StoreBusy`."""
    import fcntl

    from sozialraum.settings import default

    wait_s = float(default("store_write_wait_s") if wait_s is None else wait_s)
    lock_path = target / LOCK_FILE if target.is_dir() else target.with_name(target.name + ".lock")
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o664)
    except OSError as exc:
        raise _not_writable(target, exc) from exc
    deadline = time.monotonic() + wait_s
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise StoreBusy(
                        f"In {target} schreibt gerade ein anderer Vorgang (ein Import, ein Rezept oder ein "
                        f"gespeichertes Szenario){f' – nach {wait_s:.0f} s Warten' if wait_s else ''} abgebrochen. "
                        "Es wurde nichts geschrieben; die App zeigt weiter den bisherigen Stand. Bitte später "
                        "erneut versuchen.") from None
                time.sleep(0.2)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _not_writable(target: Path, exc: OSError) -> InputError:
    return InputError(f"In {target} darf nicht geschrieben werden ({exc.strerror or exc}). Die Daten lassen sich "
                      "ansehen, aber nicht ändern; bitte die Schreibrechte für den Ordner prüfen.")


def cleanup(target: str | Path) -> list[Path]:
    """Remove what dead writers left behind (temporary files, renamed but unpublished versions) — only when no
    writer is running. Returns the removed paths."""
    target = Path(target)
    if not target.is_dir():
        return []
    try:
        with _locked(target, 0):
            return _cleanup_locked(target)
    except InputError:
        return []


def _cleanup_locked(store: Path) -> list[Path]:
    published = current(store)
    removed = []
    for p in store.iterdir():
        match = _VERSION.match(p.name)
        stray = p.name.startswith(TMP_PREFIX) or (
            match is not None and (published is None or int(match.group(1)) > published.version))
        if stray or (p.name.endswith(".duckdb.wal") and not (store / p.name[:-4]).exists()):
            p.unlink(missing_ok=True)
            removed.append(p)
    return removed


def prune(store: str | Path, keep: int | None = None) -> list[Path]:
    """Delete snapshot files older than the ``keep`` newest published ones (setting ``store_keep_versions``)."""
    from sozialraum.settings import default

    keep = max(1, int(default("store_keep_versions") if keep is None else keep))
    old = versions(store)[:-keep]
    for s in old:
        s.path.unlink(missing_ok=True)
    return [s.path for s in old]


# --------------------------------------------------------------------------------------------- reading
def open_current(target: str | Path, *, read_only: bool = True):
    """A connection to the published snapshot (read-only by default). FileNotFoundError when there is none."""
    from sozialraum.store.connection import connect

    snap = current(target)
    if snap is None:
        raise FileNotFoundError(f"Unter {target} gibt es noch keinen Datenstand. Mit 'sozialraum demo' wird die "
                                "fiktive Musterstadt angelegt, mit 'sozialraum store neu NAME' eine leere Stadt.")
    if snap.version and not read_only:
        raise ValueError("Veröffentlichte Datenstände werden nie beschrieben; zum Schreiben writing() benutzen.")
    return connect(snap.path, read_only=read_only)


# --------------------------------------------------------------------------------------------- writing
@contextlib.contextmanager
def writing(target: str | Path, *, note: str = "", wait_s: float | None = None, label: str | None = None,
            fresh: bool = False, keep: int | None = None):
    """``with writing(store) as con: ...`` — the one way to change a store.

    Store folder: copies the published snapshot (or starts empty; ``fresh=True`` always starts empty) to a
    temporary file, yields a read-write connection to it, and publishes it as the next version when the block
    ends without an exception. On an exception nothing is published and the temporary file is removed.
    Plain file: a read-write connection to the file itself, under the same writer lock.

    Raises :class:`StoreBusy` (German message) when another writer holds the store longer than ``wait_s``.
    """
    from sozialraum.store.connection import connect

    target = Path(target)
    if is_plain_file(target):
        target.parent.mkdir(parents=True, exist_ok=True)
        with _locked(target, wait_s):
            con = _connect_plain(target)
            try:
                yield con
            finally:
                con.close()
        return

    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _not_writable(target, exc) from exc
    with _locked(target, wait_s):
        _cleanup_locked(target)
        published = current(target)
        tmp = target / f"{TMP_PREFIX}{os.getpid()}-{time.time_ns()}.duckdb"
        try:
            if published is not None and not fresh:
                shutil.copyfile(published.path, tmp)
            con = connect(tmp)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise _not_writable(target, exc) from exc
        try:
            yield con
            con.execute("CHECKPOINT")
        except BaseException:
            con.close()
            tmp.unlink(missing_ok=True)
            Path(str(tmp) + ".wal").unlink(missing_ok=True)
            raise
        con.close()
        _publish(target, tmp, published, note=note, label=label)
    prune(target, keep)


@contextlib.contextmanager
def scratch(target: str | Path):
    """A throw-away read-write copy of the published snapshot, for dry runs (``check_sources``) that write inside
    a transaction and roll back — a published snapshot is opened read-only and must not be written to."""
    import tempfile

    from sozialraum.store.connection import connect

    snap = current(target)
    if snap is None:
        raise FileNotFoundError(f"Unter {target} gibt es noch keinen Datenstand.")
    folder = Path(tempfile.mkdtemp(prefix="sozialraum-probe-"))
    try:
        shutil.copyfile(snap.path, folder / "probe.duckdb")
        con = connect(folder / "probe.duckdb")
        try:
            yield con
        finally:
            con.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _connect_plain(path: Path):
    import duckdb

    from sozialraum.store.connection import connect
    from sozialraum.store.errors import is_lock_error, store_error_message

    try:
        return connect(path)
    except (duckdb.Error, OSError) as exc:
        message = store_error_message(exc, path)
        if message is None:
            raise
        if is_lock_error(exc):
            raise StoreBusy(message + " Für Importe bei laufender App einen Datenordner verwenden (README, "
                            "Abschnitt Betrieb).") from None
        raise InputError(message) from None


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _publish(store: Path, tmp: Path, published: Snapshot | None, *, note: str, label: str | None) -> Snapshot:
    """Rename ``tmp`` to the next version and point ``current.json`` at it (the one atomic step)."""
    wal = Path(str(tmp) + ".wal")
    if wal.exists() and wal.stat().st_size:
        raise OSError(errno.EIO, f"{wal} wurde nicht in die Datei übernommen")
    wal.unlink(missing_ok=True)
    _fsync(tmp)
    old = read_manifest(store) or {}
    number = (published.version if published else 0) + 1
    final = version_file(store, number)
    os.replace(tmp, final)
    manifest = {
        "format": 1,
        "version": number,
        "file": final.name,
        "published_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "note": note,
        "label": label if label is not None else old.get("label", store.name),
    }
    entry = {k: manifest[k] for k in ("version", "published_at", "note")}
    manifest["history"] = (old.get("history", []) + [entry])[-200:]  # when and why each version was published
    staged = store / f"{TMP_PREFIX}{MANIFEST}"
    staged.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    _fsync(staged)
    os.replace(staged, store / MANIFEST)
    _fsync(store)
    return current(store)


# --------------------------------------------------------------------------------------------- stores
def create_store(data_dir: str | Path, name: str) -> Snapshot:
    """A new, empty store folder ``data_dir/<slug(name)>`` (version 1: the schema, no data). The metric CRS is
    set by the first import from the data's location (UTM 32 west of 12° E, else UTM 33)."""
    folder = Path(data_dir) / slug(name)
    if not slug(name):
        raise InputError("Bitte einen Namen mit Buchstaben oder Ziffern angeben.")
    if current(folder) is not None:
        raise InputError(f"Die Stadt „{name}“ gibt es schon ({folder}).")
    with writing(folder, note="neu angelegt", label=name.strip()):
        pass
    return current(folder)


def rollback(store: str | Path, version: int | None = None, *, wait_s: float | None = None) -> Snapshot:
    """Publish an older kept version again (as a new version, so the rollback can itself be undone).
    Default: the version before the published one."""
    store = Path(store)
    kept = {s.version: s for s in versions(store)}
    published = current(store)
    if published is None or not kept:
        raise InputError(f"Unter {store} gibt es keine Datenstände.")
    if version is None:
        older = [v for v in kept if v < published.version]
        if not older:
            raise InputError("Es gibt keinen älteren Datenstand mehr (siehe Einstellung store_keep_versions).")
        version = max(older)
    if version not in kept:
        raise InputError(f"Datenstand {version} gibt es nicht mehr; vorhanden: "
                         f"{', '.join(str(v) for v in sorted(kept))}.")
    source = kept[version].path
    with _locked(store, wait_s):
        _cleanup_locked(store)
        tmp = store / f"{TMP_PREFIX}{os.getpid()}-{time.time_ns()}.duckdb"
        shutil.copyfile(source, tmp)
        snap = _publish(store, tmp, current(store), note=f"Rückkehr zu Stand {version}", label=None)
    prune(store)
    return snap


def adopt(file: str | Path, store: str | Path, *, label: str | None = None, wait_s: float | None = None) -> Snapshot:
    """Publish a copy of a single DuckDB file (the former layout) as the next version of a store folder."""
    import duckdb

    file, store = Path(file), Path(store)
    if not file.is_file():
        raise InputError(f"Datei {file} gibt es nicht.")
    try:  # changes still in the .wal are written into the file first; a file that is no DuckDB file is refused
        if file.with_name(file.name + ".wal").exists():
            con = duckdb.connect(str(file))
            con.execute("CHECKPOINT")
            con.close()
        else:
            duckdb.connect(str(file), read_only=True).close()
    except duckdb.Error as exc:
        raise InputError(f"{file} lässt sich nicht als DuckDB-Datei öffnen ({exc}).") from exc
    store.mkdir(parents=True, exist_ok=True)
    with _locked(store, wait_s):
        _cleanup_locked(store)
        tmp = store / f"{TMP_PREFIX}{os.getpid()}-{time.time_ns()}.duckdb"
        shutil.copyfile(file, tmp)
        snap = _publish(store, tmp, current(store), note=f"übernommen aus {file.name}", label=label)
    prune(store)
    return snap


def delete_store(store: str | Path, *, wait_s: float | None = 0) -> None:
    """Remove a store folder entirely (only under its writer lock)."""
    store = Path(store)
    if current(store) is None:
        raise InputError(f"{store} ist kein Datenordner.")
    with _locked(store, wait_s):
        for p in store.iterdir():
            if p.name != LOCK_FILE:
                p.unlink()
    shutil.rmtree(store, ignore_errors=True)
