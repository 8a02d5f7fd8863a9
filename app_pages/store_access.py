"""The app's way to its store: the published snapshot a session reads, the one way to write (``writing``),
scratch stores, the data version that keys every cache, and the travel model of the current settings."""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path

import streamlit as st

from app_pages.app_settings import setting, tr

# --------------------------------------------------------------------------------------------- store
# The app reads the published snapshot of one store folder (data/<stadt>/, see sozialraum.store.snapshots),
# read-only: any number of app processes can serve it while an import writes the next version. Each session
# keeps the snapshot it started a script run with (consistent pages) and moves to a newer one on its next full
# rerun, with a notice. A single DuckDB file ($SOZIALRAUM_DB=file.duckdb, the former layout) is opened read-write
# in place as before (one app process), or read-only when the file or its folder is not writable.
@st.cache_resource(show_spinner=False, max_entries=8)
def _root_connection(path: str, read_only: bool = False):
    from sozialraum.store import connect

    return connect(path, read_only=read_only)


_local = threading.local()


def data_root() -> Path:
    from sozialraum.store.connection import data_dir

    return data_dir().resolve()


def fixed_target() -> Path | None:
    """``$SOZIALRAUM_DB`` (a store folder or a file): the one store this app serves, without a store switch."""
    import os

    value = os.environ.get("SOZIALRAUM_DB")
    return Path(value).resolve() if value else None


def store_choices() -> dict[str, str]:
    """Stores in the data folder: folder name → label."""
    from sozialraum.store import snapshots

    return {s.store.name: s.label or s.store.name for s in snapshots.list_stores(data_root())}


def store_target() -> Path:
    """The store this session looks at: $SOZIALRAUM_DB, else the one chosen in the sidebar, else
    $SOZIALRAUM_STORE, else Musterstadt, else the first store in the data folder."""
    import os

    from sozialraum.store.connection import DEMO_STORE

    fixed = fixed_target()
    if fixed is not None:
        return fixed
    root = data_root()
    chosen = st.session_state.get("store")
    if chosen and (root / chosen).is_dir():
        return root / chosen
    wanted = os.environ.get("SOZIALRAUM_STORE") or DEMO_STORE
    if (root / wanted).is_dir():
        return root / wanted
    names = list(store_choices())
    return root / (names[0] if names else wanted)


def sync_snapshot(announce: bool = True):
    """Pin the published snapshot of :func:`store_target` for this session (called at the top of every full
    run by app.py). Shows „Daten aktualisiert: Stand …“ when a newer version was published since the last run."""
    from sozialraum.store import snapshots

    target = store_target()
    try:
        snap = snapshots.current(target)
    except Exception as exc:  # noqa: BLE001 - a damaged manifest: say so, never a traceback
        st.error(str(exc))
        st.stop()
    old = st.session_state.get("_snapshot")
    st.session_state["_snapshot"] = snap
    if snap is None:
        return None
    if announce and snap.version and old is not None and old.store == snap.store and old.key != snap.key:
        st.info(tr(f"Daten aktualisiert: Stand {_when(snap)}", f"Data updated: as of {_when(snap)}"),
                icon=":material/update:")
    if snap.version and not st.session_state.get("_cleaned", {}).get(str(target)):
        snapshots.cleanup(target)  # what a writer killed earlier left behind
        st.session_state.setdefault("_cleaned", {})[str(target)] = True
    return snap


def local_time(iso: str) -> str:
    """'2026-11-28T22:40:00+00:00' → '28.11.2026, 23:40 Uhr' (German local time)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    try:
        return datetime.fromisoformat(iso).astimezone(ZoneInfo("Europe/Berlin")).strftime("%d.%m.%Y, %H:%M Uhr")
    except (ValueError, TypeError):
        return iso or "–"


def _when(snap) -> str:
    return f"{local_time(snap.published_at)} (Version {snap.version})" if snap.version else \
        local_time(snap.published_at)


def snapshot():
    """The snapshot pinned for this session (pinned now if there is none yet)."""
    snap = st.session_state.get("_snapshot")
    if snap is None or snap.store != store_target():
        snap = sync_snapshot(announce=False)
    return snap


def has_store() -> bool:
    return snapshot() is not None


def db_path() -> Path:
    """The DuckDB file this session reads (the pinned snapshot), or the store target when there is none yet."""
    snap = snapshot()
    return snap.path if snap is not None else store_target()


def read_only_reason() -> str | None:
    """Why this session cannot write (German), or None."""
    import os

    from app_pages import roles

    if not roles.allowed("planner"):
        return tr("Ihre Rolle erlaubt nur das Ansehen.", "Your role is view-only.")
    snap = snapshot()
    target = store_target()
    folder = target if snap is None or snap.version else target.parent
    if st.session_state.get("_read_only_file") == str(target) or not os.access(folder, os.W_OK) or (
            snap is not None and not snap.version and not os.access(snap.path, os.W_OK)):
        return tr(f"{target} ist schreibgeschützt: die Daten lassen sich ansehen, aber nicht ändern.",
                  f"{target} is read-only: view only.")
    return None


def can_write() -> bool:
    return read_only_reason() is None


def _open_root(snap):
    """The shared connection of a snapshot: read-only for a store folder; a plain file read-write (read-only when
    it is not writable)."""
    path = str(snap.path)
    if snap.version:
        return _root_connection(path, True)
    if st.session_state.get("_read_only_file") == str(snap.store) or not _writable(snap.path):
        st.session_state["_read_only_file"] = str(snap.store)
        return _root_connection(path, True)
    try:
        return _root_connection(path)
    except Exception as exc:  # duckdb.IOException / PermissionError
        from sozialraum.store.errors import is_lock_error, is_read_only_error

        if is_read_only_error(exc):
            st.session_state["_read_only_file"] = str(snap.store)
            return _root_connection(path, True)
        if not is_lock_error(exc):
            raise
        st.error(tr(f"Die Datenbank {path} ist gerade von einem anderen Programm zum Schreiben geöffnet "
                    "(z. B. ein laufender Import oder eine zweite App). Bitte dieses Programm beenden und die "
                    "Seite neu laden. Mit einem Datenordner (README, Abschnitt Betrieb) geht beides zugleich.",
                    f"The database {path} is locked by another program. Close it and reload."))
        st.stop()


def _writable(path: Path) -> bool:
    import os

    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def get_con():
    """A cursor on the shared connection to this session's snapshot (one cursor per script thread).

    Shows a German message and stops the page when the store does not exist yet.
    """
    snap = snapshot()
    if snap is None:
        target = store_target()
        st.error(tr(f"Es gibt noch keine Datenbank ({target}). Mit `sozialraum demo` wird die fiktive Musterstadt "
                    "angelegt; eine eigene Stadt legt „Städte & Datenstände“ an, Daten lädt danach die Seite "
                    "„Daten“.",
                    f"No database yet ({target}). Run `sozialraum demo` to create the fictional demo city."))
        st.stop()
    try:
        root = _open_root(snap)
    except FileNotFoundError:  # the snapshot was pruned meanwhile: move to the published one
        snap = sync_snapshot()
        root = _open_root(snap)
    if st.session_state.get("_read_only_file") == str(snap.store) and not st.session_state.get("_ro_noted"):
        st.session_state["_ro_noted"] = True
        st.info(tr("Die Datenbank ist schreibgeschützt: Ansehen geht, Ändern nicht.",
                   "The database is read-only: viewing works, changes do not."), icon=":material/lock:")
    key = str(snap.path)
    held = getattr(_local, "held", None)
    if held is None or held[0] != key or held[1] is not root:
        _local.held = held = (key, root, root.cursor())
    return held[2]


TRAVEL_SETTINGS = ("travel_mode", "detour_factor", "walking_speed_kmh", "cycling_speed_kmh", "car_speed_kmh",
                   "transit_weekday", "transit_depart", "transit_max_walk_m")


def travel_model(overrides: dict | None = None):
    """The travel model of the current settings: the store's street network when one is built for the chosen
    mode, else the straight line („Luftlinie“)."""
    from sozialraum.access.travel import model_from_settings
    from sozialraum.network import store_network_dir

    values = {name: setting(name) for name in TRAVEL_SETTINGS}
    values.update(overrides or {})
    return model_from_settings(values, network_dir=store_network_dir(get_con()))


def data_version() -> str:
    """Changes whenever a new snapshot is published (or, for a single file, a source or scenario is written):
    part of every cache key."""
    snap = snapshot()
    if snap is not None and snap.version:
        return snap.key
    row = get_con().execute(
        "SELECT (SELECT count(*) FROM sources)::VARCHAR || '|' || coalesce((SELECT max(imported_at) FROM sources)"
        "::VARCHAR, '') || '|' || (SELECT count(*) FROM scenarios)::VARCHAR || '|' || "
        "coalesce((SELECT max(created_at) FROM scenarios)::VARCHAR, '')").fetchone()
    return f"{db_path()}|{row[0]}"


@contextlib.contextmanager
def writing(note: str = ""):
    """``with common.writing("Upload …") as con:`` — the app's one way to change the store.

    Store folder: a new snapshot, published when the block succeeds (other sessions see it on their next
    interaction). Single file: the app's own read-write connection. Raises ``InputError`` (German) for a
    view-only role, a read-only store, or when another import holds the store too long.
    """
    from sozialraum.errors import InputError
    from sozialraum.store import snapshots

    reason = read_only_reason()
    if reason:
        raise InputError(reason)
    snap = snapshot()
    if snap is None or snap.version:
        with snapshots.writing(store_target(), note=note) as con:
            yield con
        clear_caches()
        sync_snapshot(announce=False)
    else:
        yield get_con()
        clear_caches()


@contextlib.contextmanager
def scratch():
    """``with common.scratch() as con:`` — a connection for dry runs that write and roll back (plausibility checks
    before an import): a throw-away copy of a store folder's snapshot, or the app's own connection to a single
    file."""
    from sozialraum.store import snapshots

    snap = snapshot()
    if snap is not None and snap.version:
        with snapshots.scratch(snap.store) as con:
            yield con
    else:
        yield get_con()


def clear_caches() -> None:
    """Call after writing to the store (upload, scenario) so every page sees the new data."""
    st.cache_data.clear()
