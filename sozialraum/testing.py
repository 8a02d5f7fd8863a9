"""Tiny hand-checkable fixtures, usable from tests, benchmarks and notebooks.

The 3×3 grid: nine square cells of ``size`` metres in EPSG:25832, keys ``r{row}c{col}`` (row 0 at the
bottom, col 0 at the left); each row of three cells has the parent ``row{row}``; the city is ``stadt``.
"""

from __future__ import annotations

import pandas as pd

from sozialraum.store.write import Batch, SourceInfo

GRID_EPSG = 25832
GRID_ORIGIN = (400_000.0, 5_600_000.0)


def grid_areas(n: int = 3, size: float = 1000.0, epsg: int = GRID_EPSG):
    """GeoDataFrame of the n×n cells plus their row parents and the city (levels zelle → zeile → stadt)."""
    import geopandas as gpd
    from shapely.geometry import box

    x0, y0 = GRID_ORIGIN
    rows = []
    for r in range(n):
        for c in range(n):
            rows.append(("zelle", f"r{r}c{c}", f"Zelle {r}/{c}", f"row{r}",
                         box(x0 + c * size, y0 + r * size, x0 + (c + 1) * size, y0 + (r + 1) * size)))
    for r in range(n):
        rows.append(("zeile", f"row{r}", f"Zeile {r}", "stadt", box(x0, y0 + r * size, x0 + n * size, y0 + (r + 1) * size)))
    rows.append(("stadt", "stadt", "Gitterstadt", None, box(x0, y0, x0 + n * size, y0 + n * size)))
    return gpd.GeoDataFrame(pd.DataFrame(rows, columns=["level", "area_key", "name", "parent_key", "geometry"]),
                            geometry="geometry", crs=f"EPSG:{epsg}")


def grid_levels() -> pd.DataFrame:
    return pd.DataFrame({
        "level": ["zelle", "zeile", "stadt"],
        "label": ["Zelle", "Zeile", "Stadt"],
        "hierarchy": ["gitter"] * 3,
        "rank": [0, 1, 2],
        "parent_level": ["zeile", "stadt", None],
    })


def grid_batch(observations: pd.DataFrame | None = None, n: int = 3, size: float = 1000.0) -> tuple[SourceInfo, Batch]:
    """A source with the grid's levels and areas (and optional observations) ready for ``replace_source``."""
    source = SourceInfo("gitter", "Gitterstadt (Testdaten)", publisher="Tests", fictional=True)
    return source, Batch(levels=grid_levels(), areas=grid_areas(n, size), observations=observations)


def dump_store(con) -> dict:
    """Every row of every table (geometries as WKT), sorted — to prove that a failed write changed nothing."""
    out = {}
    for (table,) in con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema='main' "
                                "AND table_type='BASE TABLE' ORDER BY 1").fetchall():
        cols = [c[0] for c in con.execute(f"DESCRIBE {table}").fetchall()]
        sel = ", ".join(f"ST_AsText({c})" if c.startswith("geom") else c for c in cols)
        out[table] = sorted(map(repr, con.execute(f"SELECT {sel} FROM {table}").fetchall()))
    return out


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(root, env: dict, log, *, port: int | None = None, timeout_s: float = 90.0):
    """``streamlit run app.py`` from the checkout ``root`` on 127.0.0.1 in a subprocess (output to ``log``);
    returns ``(process, url)`` once its health check answers, or raises ``RuntimeError`` with the log's tail."""
    import subprocess
    import sys
    import time
    import urllib.request
    from pathlib import Path

    root, log = Path(root), Path(log)
    port = port or free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", str(root / "app.py"), "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
           "--server.fileWatcherType", "none"]
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            pass
        if proc.poll() is not None or time.time() > deadline:
            proc.kill()
            raise RuntimeError(f"streamlit did not start:\n{log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.3)


def stop_app(proc) -> None:
    """Stop a process started by ``start_app`` (terminate, then kill after 10 s)."""
    import subprocess

    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
