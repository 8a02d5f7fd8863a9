"""Page „Daten": widgets with German labels, source list; validation, preview and commit of uploads."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from sozialraum.errors import InputError
from test_app_pages_store import build_grid_store

ROOT = Path(__file__).resolve().parents[1]
SOURCE = {"source_id": "neu", "title": "Neue Daten", "licence": "dl-de/by-2-0", "attribution": "Stadt"}


@pytest.fixture
def grid_db(tmp_path, monkeypatch):
    import streamlit as st

    path = build_grid_store(tmp_path / "grid.duckdb")
    monkeypatch.setenv("SOZIALRAUM_DB", str(path))
    st.cache_data.clear()
    st.cache_resource.clear()
    yield path
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def con(grid_db):
    from sozialraum.store import connect

    c = connect(grid_db)
    yield c
    c.close()


def run_page(name: str):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app_pages" / name), default_timeout=60)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_page_shows_upload_choices_and_sources(grid_db):
    at = run_page("daten.py")
    assert at.title[0].value == "Daten"
    assert at.radio[0].label.startswith("1. Was möchten Sie laden?")
    assert any("Statistik je Gebiet" in o for o in at.radio[0].options)
    [sources_table] = [d for d in at.dataframe if "Lizenz" in d.value.columns]
    titles = set(sources_table.value["Titel"])
    assert {"Gitterstadt (Testdaten)", "Gitterstadt: Angebote und Orte"} <= titles
    assert "CC0" in set(sources_table.value["Lizenz"])


def write(tmp_path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_statistics_upload_validates_previews_and_commits(con, tmp_path):
    from app_pages.daten_forms import build_batch
    from sozialraum.io.preview import preview_changes
    from sozialraum.store import read
    from sozialraum.store.write import replace_source

    # all unemployed (SGB II and III): 1.234 is a thousands dot; it may exceed the SGB II ELB of the cell
    csv = write(tmp_path, "alo.csv", "Gebiet;Arbeitslose\nr0c0;12\nr0c1;*\nr1c1;1.234\n")
    mapping = {"level": "zelle", "key": "Gebiet", "period": "2024", "indicators": {"arbeitslose": "Arbeitslose"}}
    prepared = build_batch(con, "statistics", csv, mapping, SOURCE)
    changes = preview_changes(con, "neu", prepared.batch).set_index("Tabelle")
    assert changes.loc["Kennzahlen", "Neu"] == 3 and changes.loc["Kennzahlen", "Ersetzt"] == 0
    assert any("gesperrt" in n for n in prepared.notes)
    replace_source(con, prepared.source, prepared.batch)
    got = read.observations(con, "zelle", indicators=["arbeitslose"]).set_index("area_key")
    assert got.loc["r1c1", "value"] == 1234 and got.loc["r0c1", "flag"] == "suppressed"
    # the same upload again replaces instead of adding
    changes = preview_changes(con, "neu", build_batch(con, "statistics", csv, mapping, SOURCE).batch)
    assert changes.set_index("Tabelle").loc["Kennzahlen", ["Neu", "Ersetzt"]].tolist() == [0, 3]


def test_statistics_upload_names_bad_rows(con, tmp_path):
    from app_pages.daten_forms import build_batch, problems_frame

    csv = write(tmp_path, "bad.csv", "Gebiet;Arbeitslose\nr0c0;12\nXYZ;4\n")
    mapping = {"level": "zelle", "key": "Gebiet", "period": "2024", "indicators": {"alo_sgb2": "Arbeitslose"}}
    with pytest.raises(InputError) as exc:
        build_batch(con, "statistics", csv, mapping, SOURCE)
    table = problems_frame(exc.value)
    assert list(table.columns) == ["Datei", "Zeile", "Spalte", "Problem"]
    assert table.iloc[0]["Zeile"] == "3" and "XYZ" in table.iloc[0]["Problem"]
    assert read_count(con, "observations", "neu") == 0


def read_count(con, table: str, source_id: str) -> int:
    return con.execute(f"SELECT count(*) FROM {table} WHERE source_id = ?", [source_id]).fetchone()[0]


def test_points_upload_with_fixed_type_and_unknown_type(con, tmp_path):
    from app_pages.daten_forms import build_batch

    csv = write(tmp_path, "orte.csv", "Name;lon;lat;Typ\nStadtbücherei;7,0;50,5;bibliothek\nHaus;7,01;50,51;kneipe\n")
    mapping = {"table": "candidate_venues", "x": "lon", "y": "lat", "crs": "EPSG:4326",
               "columns": {"name": "Name", "venue_type": "Typ"}, "values": {}}
    with pytest.raises(InputError, match="Zeile 3, Spalte 'Typ': Art 'kneipe' ist keiner bekannten Art zugeordnet"):
        build_batch(con, "points", csv, mapping, SOURCE)
    mapping = {**mapping, "columns": {"name": "Name"}, "values": {"venue_type": "bibliothek"}}
    prepared = build_batch(con, "points", csv, mapping, SOURCE)
    gdf = prepared.batch.points["candidate_venues"]
    assert list(gdf["venue_id"]) == ["neu:2", "neu:3"] and set(gdf["venue_type"]) == {"bibliothek"}
    assert gdf.crs.to_epsg() == 25832


def test_zipped_shapefile_upload_as_new_level(con, tmp_path):
    from app_pages.daten_forms import build_batch, read_columns
    from sozialraum.io.preview import preview_changes
    from sozialraum.io.upload import stage_upload
    from sozialraum.testing import grid_areas

    folder = tmp_path / "shp"
    folder.mkdir()
    cells = grid_areas()
    cells = cells[cells.level == "zelle"].rename(columns={"area_key": "SCHLUESSEL", "name": "NAME"})
    cells[["SCHLUESSEL", "NAME", "geometry"]].to_file(folder / "bezirke.shp")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in folder.iterdir():
            zf.write(f, f.name)
    staged = stage_upload("bezirke.zip", buf.getvalue(), tmp_path / "upload")
    columns, sample = read_columns(staged.path, "areas")
    assert {"SCHLUESSEL", "NAME"} <= set(columns) and len(sample) == 5
    mapping = {"level": "bezirk", "label": "Bezirk", "key": "SCHLUESSEL", "name": "NAME", "hierarchy": "bezirk",
               "rank": 0}
    prepared = build_batch(con, "areas", staged.path, mapping, SOURCE)
    changes = preview_changes(con, "neu", prepared.batch).set_index("Tabelle")
    assert changes.loc["Gebiete", "Neu"] == 9 and changes.loc["Gebietsebenen", "Neu"] == 1


def test_bad_source_id_is_refused(con, tmp_path):
    from app_pages.daten_forms import build_batch

    csv = write(tmp_path, "a.csv", "Gebiet;Arbeitslose\nr0c0;12\n")
    mapping = {"level": "zelle", "key": "Gebiet", "period": "2024", "indicators": {"alo_sgb2": "Arbeitslose"}}
    with pytest.raises(InputError, match="Kennung der Quelle"):
        build_batch(con, "statistics", csv, mapping, {**SOURCE, "source_id": "a b/../c"})
