"""German messages for errors from opening or writing the DuckDB file: held by another program, read-only,
no permission. The CLI prints them; the app can use ``store_error_message`` / ``is_lock_error`` too.

``store_error_message(exc, path=None) -> str | None``
    A planner's message for a lock / permission / read-only error, or None for anything else.
"""

from __future__ import annotations

import re

_LOCK = ("could not set lock", "conflicting lock")
_DENIED = ("permission denied", "read-only file system", "operation not permitted", "cannot open file")
_READ_ONLY = ("read-only mode", "read only mode", "database is read-only", "attempting to write")


def is_lock_error(exc: BaseException) -> bool:
    text = str(exc).lower()
    return any(t in text for t in _LOCK)


def is_read_only_error(exc: BaseException) -> bool:
    text = str(exc).lower()
    return isinstance(exc, PermissionError) or any(t in text for t in _DENIED + _READ_ONLY)


def _file(exc: BaseException, path) -> str:
    if path is not None:
        return str(path)
    found = re.search(r'file "([^"]+)"', str(exc)) or re.search(r"'([^']+\.duckdb)'", str(exc))
    if found:
        return found.group(1)
    return getattr(exc, "filename", None) or "(Datenbankdatei)"


def store_error_message(exc: BaseException, path=None) -> str | None:
    """German text for a lock / permission / read-only error of the store, else None."""
    file = _file(exc, path)
    if is_lock_error(exc):
        pid = re.search(r"PID (\d+)", str(exc))
        who = f" (Prozess {pid.group(1)})" if pid else ""
        return (f"Die Datenbank {file} wird gerade von einem anderen Programm{who} (z. B. der laufenden App) "
                "benutzt und kann nicht geändert werden. Bitte die App bzw. das andere Programm beenden und den "
                "Befehl dann wiederholen – oder mit --db eine andere Datenbankdatei angeben.")
    if is_read_only_error(exc):
        return (f"Die Datenbank {file} kann nicht beschrieben werden (nur lesbar oder keine Berechtigung). "
                "Bitte die Schreibrechte der Datei und ihres Ordners prüfen oder mit --db eine Datei in einem "
                "beschreibbaren Ordner angeben.")
    return None
