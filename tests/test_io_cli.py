"""The import commands of the CLI: plain-German help, errors without traceback (exit 2), list shows the store."""

import json

from click.testing import CliRunner
from shapely.geometry import box, mapping

from sozialraum.cli import cli, main

X0, Y0 = 390_000.0, 5_818_000.0


def _areas(tmp_path):
    p = tmp_path / "raeume.geojson"
    feats = [{"type": "Feature", "properties": {"nr": f"0{i + 1}", "name": f"Raum {i + 1}"},
              "geometry": mapping(box(X0 + i * 1000, Y0, X0 + (i + 1) * 1000, Y0 + 1000))} for i in range(2)]
    p.write_text(json.dumps({"type": "FeatureCollection", "features": feats,
                             "crs": {"type": "name", "properties": {"name": "EPSG:25833"}}}))
    return p


def test_help_is_german():
    runner = CliRunner()
    for cmd, word in [("recipe", "Rezept"), ("import-areas", "Gebiete"), ("import-stats", "Kennzahlen"),
                      ("import-points", "Standorte"), ("list", "Datenbank")]:
        result = runner.invoke(cli, [cmd, "--help"])
        assert result.exit_code == 0 and word in result.output and "--db" in result.output


def test_import_list_and_errors(tmp_path, capsys):
    db = str(tmp_path / "t.duckdb")
    areas = _areas(tmp_path)
    assert main(["import-areas", str(areas), "--ebene", "raum", "--bezeichnung", "Raum", "--schluessel", "nr",
                 "--name", "name", "--quelle", "raeume", "--db", db]) == 0
    stats = tmp_path / "ew.csv"
    stats.write_text("Raum;Einwohner;Kinder\n01;1.500;*\n02;2.000;300\n", encoding="utf-8")
    assert main(["import-stats", str(stats), "--ebene", "raum", "--schluessel", "Raum", "--indikator",
                 "ew_gesamt=Einwohner", "--indikator", "ew_u15=Kinder", "--zeitraum", "2024", "--quelle", "ew",
                 "--db", db]) == 0
    pts = tmp_path / "kitas.csv"
    pts.write_text(f"Nr;Name;x;y\n1;Kita;{X0 + 500:.0f};{Y0 + 500:.0f}\n", encoding="utf-8")
    assert main(["import-points", str(pts), "--typ", "kita", "--x", "x", "--y", "y", "--crs", "EPSG:25833",
                 "--id", "Nr", "--feld", "name=Name", "--quelle", "kitas", "--db", db]) == 0
    capsys.readouterr()
    assert main(["list", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "raum" in out and "2 Gebiete" in out and "ew_gesamt" in out and "2024" in out and "kitas" in out

    bad = tmp_path / "kaputt.csv"
    bad.write_text("Raum;Einwohner\n01;1.500\n03;7\n", encoding="utf-8")
    assert main(["import-stats", str(bad), "--ebene", "raum", "--schluessel", "Raum", "--indikator",
                 "ew_gesamt=Einwohner", "--zeitraum", "2024", "--quelle", "ew", "--db", db]) == 2
    err = capsys.readouterr().err
    assert "kaputt.csv, Zeile 3, Spalte 'Raum'" in err and "Traceback" not in err
    # the failed import left the earlier figures in place
    assert main(["list", "--db", db]) == 0
    assert "ew_u15" in capsys.readouterr().out


def test_missing_crs_via_cli(tmp_path, capsys):
    shp = tmp_path / "a.shp"
    import geopandas as gpd

    gpd.GeoDataFrame({"k": ["1"], "n": ["A"]}, geometry=[box(0, 0, 1, 1)], crs=25833).to_file(shp)
    (tmp_path / "a.prj").unlink()
    code = main(["import-areas", str(shp), "--ebene", "x", "--bezeichnung", "X", "--schluessel", "k", "--name",
                 "n", "--quelle", "q", "--db", str(tmp_path / "t.duckdb")])
    assert code == 2 and "Kein Koordinatenbezugssystem" in capsys.readouterr().err


def test_recipe_command(tmp_path, capsys):
    areas = _areas(tmp_path)
    recipe = tmp_path / "r.toml"
    recipe.write_text('[recipe]\nname = "Mini"\nmetric_epsg = 25833\n[[source]]\nid = "r"\ntitle = "Räume"\n'
                      '[[source.areas]]\nlevel = "raum"\nlabel = "Raum"\nfile = "raeume.geojson"\nkey = "nr"\n'
                      'name = "name"\n', encoding="utf-8")
    db = str(tmp_path / "r.duckdb")
    assert main(["recipe", str(recipe), "--data-dir", str(areas.parent), "--db", db]) == 0
    assert "Rezept Mini" in capsys.readouterr().out
    assert main(["recipe", str(recipe), "--data-dir", str(tmp_path / "fehlt"), "--db", db]) == 2
    assert "Datenverzeichnis nicht gefunden" in capsys.readouterr().err
