"""Points as cities publish them: title rows, decimal commas in metres or degrees, types as German text, broken rows
skipped and listed; the same from the CLI and from the saved recipe; parent areas given by name."""

from __future__ import annotations

import pytest

import wizard_fixtures as wf
from sozialraum.errors import InputError


def _store(tmp_path, parent_by_name: bool = False):
    from sozialraum.io.loader import import_areas
    from sozialraum.store import SourceInfo, connect

    st_path, bz_path = wf.write_shapes(tmp_path / "geo")
    con = connect(":memory:")
    import_areas(con, bz_path, source=SourceInfo("bez", "Bezirke"), level="bezirk", label="Bezirk", key="BEZ_ID",
                 name="BEZ_NAME")
    opts = {"parent": "BEZ_NAME", "parent_match": "name"} if parent_by_name else {"parent": "BEZ"}
    import_areas(con, st_path, source=SourceInfo("stt", "Stadtteile"), level="stadtteil", label="Stadtteil",
                 key="STT_ID", name="STT_NAME", parent_level="bezirk", **opts)
    return con


VENUE_OPTIONS = dict(table="candidate_venues", x="Rechtswert", y="Hochwert", crs="EPSG:25832", header_row="auto",
                     columns={"name": "Bezeichnung", "venue_type": "Art", "traeger": "Träger"},
                     type_map={"Stadtteilbücherei": "bibliothek", "Kirche": "pfarrsaal"})


def test_hand_typed_venues_stop_and_list_every_bad_row(tmp_path):
    from sozialraum.io.points import read_points

    path = wf.write_venues(tmp_path)
    opts = {k: v for k, v in VENUE_OPTIONS.items() if k != "type_map"}
    with pytest.raises(InputError) as exc:
        read_points(path, target_epsg=25832, **opts)
    got = {(p.row, p.column): p.problem for p in exc.value.problems}
    assert got[(10, "Art")].startswith("Art 'Stadtteilbücherei' ist keiner bekannten Art zugeordnet")
    assert got[(11, "Art")].startswith("Art 'Kirche'")
    assert got[(12, "Rechtswert/Hochwert")] == "Koordinate fehlt"
    assert got[(13, "Hochwert")] == "'ca. 5702000' ist keine Zahl"
    assert len(got) == 4 and all(p.file == "kandidatenorte.csv" for p in exc.value.problems)


def test_hand_typed_venues_skipped_rows_listed(tmp_path):
    from sozialraum.io.points import read_points

    gdf = read_points(wf.write_venues(tmp_path), target_epsg=25832, on_invalid="skip", **VENUE_OPTIONS)
    assert list(gdf["name"]) == list(wf.VENUES)
    assert list(gdf["venue_type"]) == ["bibliothek", "stadtteilzentrum", "familienzentrum", "beratungsstelle",
                                       "buergeramt", "bibliothek", "pfarrsaal"]
    assert gdf.geometry.x.iloc[0] == 501000.5 and gdf.geometry.y.iloc[0] == 5701000.25  # decimal commas
    assert gdf["traeger"].iloc[3] == "Caritas"
    assert [(p.row, p.column) for p in gdf.attrs["skipped"]] == [(12, "Rechtswert/Hochwert"), (13, "Hochwert")]


def test_services_in_degrees_with_decimal_commas(tmp_path):
    from sozialraum.io.points import read_points

    gdf = read_points(wf.write_services(tmp_path), table="providers", target_epsg=25832, x="Länge", y="Breite",
                      crs="EPSG:4326", columns={"name": "Name", "service_type": "Angebotsart", "traeger": "Träger"})
    assert list(gdf["service_type"]) == ["schuldnerberatung", "suchtberatung", "kita"]  # "Kindertagesbetreuung"
    assert gdf.geometry.x.iloc[0] == pytest.approx(501300, abs=1)
    assert gdf.geometry.y.iloc[2] == pytest.approx(5701700, abs=1)


def test_point_suggestions():
    import pandas as pd

    from sozialraum.io.guess import point_columns, point_crs

    cols = ["Bezeichnung", "Art", "Rechtswert", "Hochwert", "Träger"]
    assert point_columns(cols) == {"x": "Rechtswert", "y": "Hochwert", "name": "Bezeichnung", "type": "Art",
                                   "traeger": "Träger"}
    assert point_columns(["id", "lon", "lat", "Name"]) == {"x": "lon", "y": "lat", "name": "Name", "id": "id"}
    metres = pd.DataFrame({"x": ["501000,5", "505000", ""], "y": ["5701000,25", "5701500", "x"]})
    assert point_crs(metres, "x", "y") == "EPSG:25832"
    assert point_crs(metres, "x", "y", 25833) == "EPSG:25833"
    degrees = pd.DataFrame({"x": ["9,93", "10.1"], "y": ["51,53", "51.6"]})
    assert point_crs(degrees, "x", "y") == "EPSG:4326"
    assert point_crs(pd.DataFrame({"x": ["1", "2"], "y": ["3", "4"]}), "x", "y") is None


def test_cli_import_points_and_recipe_give_the_same_rows(tmp_path, capsys):
    from sozialraum.cli import main
    from sozialraum.store import connect

    path = wf.write_venues(tmp_path / "dateien")
    st_path, bz_path = wf.write_shapes(tmp_path / "dateien")
    db = tmp_path / "stadt.duckdb"
    for args in (["import-areas", str(bz_path), "--ebene", "bezirk", "--bezeichnung", "Bezirk", "--schluessel",
                  "BEZ_ID", "--name", "BEZ_NAME", "--quelle", "bez"],
                 ["import-areas", str(st_path), "--ebene", "stadtteil", "--bezeichnung", "Stadtteil", "--schluessel",
                  "STT_ID", "--name", "STT_NAME", "--obergebiet-ebene", "bezirk", "--obergebiet", "BEZ_NAME",
                  "--obergebiet-abgleich", "name", "--quelle", "stt"]):
        assert main(args + ["--db", str(db)]) == 0, capsys.readouterr()
    base = ["import-points", str(path), "--tabelle", "candidate_venues", "--x", "Rechtswert", "--y", "Hochwert",
            "--crs", "EPSG:25832", "--feld", "name=Bezeichnung", "--feld", "traeger=Träger", "--typ-spalte", "Art",
            "--kopfzeile-erkennen", "--quelle", "orte", "--db", str(db)]
    capsys.readouterr()
    assert main(base) == 2  # stop: every bad row named, nothing written
    err = capsys.readouterr().err
    assert "Zeile 12, Spalte 'Rechtswert/Hochwert': Koordinate fehlt" in err
    assert "Art 'Kirche'" in err and "Traceback" not in err
    recipe = tmp_path / "orte.toml"
    assert main(base + ["--fehlerhafte-zeilen", "auslassen", "--typ-zuordnung", "Kirche=pfarrsaal",
                        "--typ-zuordnung", "Stadtteilbücherei=bibliothek", "--rezept-speichern", str(recipe)]) == 0
    out = capsys.readouterr().out
    assert "ausgelassen – kandidatenorte.csv, Zeile 13, Spalte 'Hochwert': 'ca. 5702000' ist keine Zahl" in out

    def venues():
        con = connect(db, read_only=True)
        try:
            return con.execute("SELECT venue_id, venue_type, name, traeger, round(x, 2), round(y, 2) "
                               "FROM candidate_venues ORDER BY venue_id").fetchall()
        finally:
            con.close()

    first = venues()
    assert len(first) == 7 and first[0][0] == "orte:10"
    text = recipe.read_text()
    assert 'on_invalid = "skip"' in text and "[source.points.type_map]" in text
    other = tmp_path / "zweite.duckdb"
    for args in (["import-areas", str(bz_path), "--ebene", "bezirk", "--bezeichnung", "Bezirk", "--schluessel",
                  "BEZ_ID", "--name", "BEZ_NAME", "--quelle", "bez"],
                 ["import-areas", str(st_path), "--ebene", "stadtteil", "--bezeichnung", "Stadtteil", "--schluessel",
                  "STT_ID", "--name", "STT_NAME", "--obergebiet-ebene", "bezirk", "--obergebiet", "BEZ",
                  "--quelle", "stt"]):
        assert main(args + ["--db", str(other)]) == 0
    assert main(["recipe", str(recipe), "--data-dir", str(path.parent), "--db", str(other)]) == 0
    db = other
    assert venues() == first


def test_parent_by_name_matches_hand_typed_names(tmp_path):
    con = _store(tmp_path, parent_by_name=True)
    got = dict(con.execute("SELECT area_key, parent_key FROM areas WHERE level = 'stadtteil'").fetchall())
    assert got == wf.BEZIRK
    levels = dict(con.execute("SELECT level, rank FROM area_levels").fetchall())
    assert levels == {"stadtteil": 0, "bezirk": 1}


def test_parent_by_name_lists_unknown_names_with_suggestions(tmp_path):
    import geopandas as gpd

    from sozialraum.io.loader import area_names, areas_part

    con = _store(tmp_path)
    st_path = tmp_path / "geo" / "stadtteile.geojson"
    gdf = gpd.read_file(st_path)
    gdf.loc[2, "BEZ_NAME"] = "Bezirk Nort"
    bad = tmp_path / "falsch.geojson"
    gdf.to_file(bad, driver="GeoJSON")
    with pytest.raises(InputError) as exc:
        areas_part(bad, level="teil", label="Teil", key="STT_ID", name="STT_NAME", target_epsg=25832,
                   parent_level="bezirk", parent="BEZ_NAME", parent_match="name",
                   parent_areas=area_names(con, "bezirk"))
    (problem,) = exc.value.problems
    assert problem.row == 3 and problem.column == "BEZ_NAME"
    assert "Obergebiet „Bezirk Nort“: kein Gebiet dieses Namens auf Ebene 'bezirk' – meinten Sie: Bezirk Nord" \
        in problem.problem
