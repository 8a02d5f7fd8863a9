"""A small store file for the page tests: the 3×3 grid with counts, providers, venues and a Jobcenter.

``build_grid_store(path)`` writes it; the AppTests of the pages open it through ``SOZIALRAUM_DB``.
Cells are 1 km squares (EPSG:25832); cell centres sit 1 km apart, so at 4,5 km/h × detour 1,3 a 15-minute
budget (radius 865 m) reaches only the cell a point stands in.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sozialraum.testing import GRID_ORIGIN, grid_batch

# residents and SGB II recipients per cell (row-major r0c0 … r2c2); r2c2 has 2 recipients (suppressed)
RESIDENTS = [1000, 1200, 800, 1500, 2000, 900, 700, 600, 500]
RLB = [150, 300, 40, 260, 420, 60, 30, 12, 2]


def _centre(r: int, c: int) -> tuple[float, float]:
    return GRID_ORIGIN[0] + 500 + 1000 * c, GRID_ORIGIN[1] + 500 + 1000 * r


def grid_observations() -> pd.DataFrame:
    rows = []
    for i, (ew, rlb) in enumerate(zip(RESIDENTS, RLB)):
        key = f"r{i // 3}c{i % 3}"
        for period, f in (("2023", 0.95), ("2024", 1.0)):
            vals = {"ew_gesamt": ew * f, "ew_15_64": ew * 0.6 * f, "ew_u25": ew * 0.3 * f, "rlb": rlb,
                    "elb": round(rlb * 0.7), "rlb_u25": round(rlb * 0.35), "elb_langzeit": round(rlb * 0.4),
                    "bg_alleinerziehend": round(rlb * 0.1)}
            for ind, v in vals.items():
                rows.append(("zelle", key, ind, period, float(round(v)), np.nan, np.nan, None))
    return pd.DataFrame(rows, columns=["level", "area_key", "indicator", "period", "value", "numerator",
                                       "denominator", "flag"])


def _points(records: list[dict]):
    import geopandas as gpd

    frame = pd.DataFrame(records)
    return gpd.GeoDataFrame(frame.drop(columns=["x", "y"]), geometry=gpd.points_from_xy(frame.x, frame.y),
                            crs="EPSG:25832")


def grid_points() -> dict:
    providers = []
    for i, (r, c, kind, verband, coop, cap, bf) in enumerate([
        (0, 0, "kita", "AWO", "verbindlich_freier_traeger", 60, True),
        (1, 1, "kita", "Caritas", "verbindlich_freier_traeger", 80, False),
        (1, 1, "schuldnerberatung", "Diakonie", "dritter_vertrag", 20, True),
        (1, 0, "suchtberatung", "Caritas", "verweis", None, True),
        (0, 1, "sozialberatung", "Paritätischer", "informell", None, False),
        (2, 0, "familienzentrum", "kommunal", "verbindlich_kommunal", None, True),
    ]):
        x, y = _centre(r, c)
        providers.append(dict(provider_id=f"p{i}", service_type=kind, name=f"Angebot {i} ({kind})",
                              traeger=f"Träger {verband}", dachverband=verband, kooperation=coop, capacity=cap,
                              capacity_unit="Plätze" if kind == "kita" else None, opening_hours=None,
                              barrier_free=bf, address=f"Gitterweg {i}", x=x + 50, y=y))
    venues = []
    for i in range(9):
        r, c = divmod(i, 3)
        x, y = _centre(r, c)
        venues.append(dict(venue_id=f"v{i}", venue_type=["bibliothek", "stadtteilzentrum", "familienzentrum"][i % 3],
                           name=f"Ort {r}/{c}", traeger=None, barrier_free=i % 2 == 0, address=None, x=x, y=y - 50))
    x, y = _centre(1, 1)
    jobcenter = [dict(site_id="jc1", site_type="hauptsitz", name="Jobcenter Gitterstadt", address="Mitte 1",
                      x=x, y=y + 100)]
    return {"providers": _points(providers), "candidate_venues": _points(venues),
            "jobcenter_sites": _points(jobcenter)}


def build_grid_store(path: str | Path) -> Path:
    """Write the grid store to ``path`` and return it."""
    from dataclasses import replace

    from sozialraum.store import connect
    from sozialraum.store.write import Batch, SourceInfo, replace_source

    path = Path(path)
    con = connect(path)
    source, batch = grid_batch(grid_observations())
    replace_source(con, replace(source, licence="CC0", attribution="Testdaten"), batch)
    replace_source(con, SourceInfo("gitter_punkte", "Gitterstadt: Angebote und Orte", publisher="Tests",
                                   licence="CC0", attribution="Testpunkte", fictional=True),
                   Batch(points=grid_points()))
    con.close()
    return path


def test_grid_store_has_what_the_pages_need(tmp_path):
    from sozialraum.store import connect, read

    con = connect(build_grid_store(tmp_path / "grid.duckdb"), read_only=True)
    assert len(read.areas(con, "zelle")) == 9
    assert len(read.providers(con)) == 6 and len(read.candidate_venues(con)) == 9
    obs = read.observations(con, "zeile", indicators=["rlb"], period="2024")
    assert obs.set_index("area_key")["value"].to_dict() == {"row0": 490.0, "row1": 740.0, "row2": 44.0}
    con.close()


APP = Path(__file__).resolve().parents[1] / "app.py"


def clear_streamlit_caches() -> None:
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()


def store_env(path: Path):
    """Generator for a fixture: point SOZIALRAUM_DB at ``path`` with fresh Streamlit caches, restore after."""
    import os

    old = os.environ.get("SOZIALRAUM_DB")
    os.environ["SOZIALRAUM_DB"] = str(path)
    clear_streamlit_caches()
    yield path
    clear_streamlit_caches()
    if old is None:
        os.environ.pop("SOZIALRAUM_DB", None)
    else:
        os.environ["SOZIALRAUM_DB"] = old


def run_app(page: str, session: dict | None = None, timeout: int = 120):
    """Run app.py (the shared frame), switch to ``page`` and fail on any exception."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=timeout)
    for k, v in (session or {}).items():
        at.session_state[k] = v
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def rerun(at):
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def labels(elements) -> list[str]:
    """The labels of AppTest widgets (selectboxes, buttons, metrics …)."""
    return [e.label for e in elements]
