"""Start computing the store's default travel-time matrices in the background (``sozialraum network warm``), once
per store version and app process, so that changing the mode or the budget on a page reads the cache.

A separate, low-priority process: the engine does not hold up the app's threads, and a page that needs a matrix
before it is ready computes it itself as before. Only for store folders (a single DuckDB file is held open by the
app). ``SOZIALRAUM_VORRECHNEN=0`` switches it off.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import streamlit as st

from app_pages.common import data_version, get_con, store_target


@st.cache_resource(show_spinner=False, max_entries=16)
def _launch(folder: str, version: str) -> int | None:
    log = Path(folder).with_name(Path(folder).name + ".network") / "vorrechnen.log"
    try:
        with open(log, "ab") as out:
            nice = ["nice", "-n", "10"] if shutil.which("nice") else []  # low priority: the app stays responsive
            proc = subprocess.Popen([*nice, sys.executable, "-m", "sozialraum.cli", "network", "warm", "--db", folder],
                                    stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                    start_new_session=True)
    except OSError:
        return None
    return proc.pid


def start() -> None:
    if os.environ.get("SOZIALRAUM_VORRECHNEN", "1") == "0":
        return
    folder = store_target()
    if not Path(folder).is_dir():
        return
    from sozialraum.network import store_network_dir

    try:
        if store_network_dir(get_con()) is None:
            return
    except Exception:  # noqa: BLE001 - no store yet: nothing to compute
        return
    _launch(str(Path(folder).resolve()), data_version())
