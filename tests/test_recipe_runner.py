"""Recipe runner on a tiny hand-made city: several sources, all-or-nothing (also when a write fails), re-runs."""

import json

import pytest
from shapely.geometry import box, mapping

from sozialraum.errors import InputError
from sozialraum.io.recipe import run_recipe
from sozialraum.store import write as store_write
from sozialraum.testing import dump_store as dump

X0, Y0 = 390_000.0, 5_818_000.0

RECIPE = """
[recipe]
name = "Kleinstadt"
metric_epsg = 25833

[[source]]
id = "gebiete"
title = "Gebiete"

[[source.areas]]
level = "raum"
label = "Raum"
hierarchy = "klein"
rank = 0
parent_level = "bezirk"
file = "raeume.geojson"
key = "k"
name = "n"
parent_slice = [0, 2]

[[source.areas]]
level = "bezirk"
label = "Bezirk"
hierarchy = "klein"
rank = 1
file = "bezirke.geojson"
key = "k"
name = "n"

[[source]]
id = "einwohner"
title = "Einwohner"
reference_date = "2024-12-31"

[[source.statistics]]
file = "einwohner.csv"
level = "raum"
key = "Raum"
period = "2024"
sentinels = [-9999]
indicators = { ew_gesamt = "EW", ew_u15 = ["u6", "6-15"] }

[[source]]
id = "kitas"
title = "Kitas"

[[source.points]]
file = "kitas.csv"
table = "providers"
x = "lon"
y = "lat"
crs = "EPSG:25833"
id = "nr"
inside_level = "raum"
columns = { name = "name", capacity = "plaetze" }
values = { service_type = "kita" }
"""


def _fc(features):
    return json.dumps({"type": "FeatureCollection",
                       "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25833"}},
                       "features": [{"type": "Feature", "properties": {"k": k, "n": n}, "geometry": mapping(g)}
                                    for k, n, g in features]})


@pytest.fixture
def city(tmp_path):
    d = tmp_path / "daten"
    d.mkdir()
    sq = [box(X0 + i * 1000, Y0, X0 + (i + 1) * 1000, Y0 + 1000) for i in range(4)]
    (d / "raeume.geojson").write_text(_fc([("0101", "A", sq[0]), ("0102", "B", sq[1]),
                                           ("0201", "C", sq[2]), ("0202", "D", sq[3])]))
    (d / "bezirke.geojson").write_text(_fc([("01", "West", box(X0, Y0, X0 + 2000, Y0 + 1000)),
                                            ("02", "Ost", box(X0 + 2000, Y0, X0 + 4000, Y0 + 1000))]))
    (d / "einwohner.csv").write_bytes("Raum;EW;u6;6-15\n0101;1.000;50;100\n0102;2.000;60;120\n"
                                      "0201;-9999;1;2\n0202;500;10;20\n".encode("cp1252"))
    (d / "kitas.csv").write_text(f"nr,name,plaetze,lon,lat\n1,Kita A,40,{X0 + 500},{Y0 + 500}\n"
                                 f"2,Kita C,60,{X0 + 2500},{Y0 + 500}\n3,Kita draußen,9,{X0 - 500},{Y0 + 500}\n")
    r = tmp_path / "klein.toml"
    r.write_text(RECIPE, encoding="utf-8")
    return r, d




def _counts(con):
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ["areas", "area_levels", "observations", "providers", "sources"]}


def test_recipe_imports_everything(store, city):
    recipe, data = city
    report = run_recipe(store, recipe, data)
    assert [r.source_id for r in report.reports] == ["gebiete", "einwohner", "kitas"]
    bez = dict(store.execute("SELECT area_key, value FROM observations WHERE level='bezirk' "
                             "AND indicator='ew_gesamt'").fetchall())
    assert bez == {"01": 3000.0, "02": None}  # 0201 carries the sentinel -> Bezirk 02 unknown
    flag = store.execute("SELECT flag FROM observations WHERE area_key='0201' AND indicator='ew_gesamt'").fetchone()
    assert flag == ("missing",)
    u15 = store.execute("SELECT value FROM observations WHERE area_key='0102' AND indicator='ew_u15'").fetchone()
    assert u15 == (180.0,)
    assert store.execute("SELECT provider_id FROM providers ORDER BY 1").fetchall() == [("kitas:1",), ("kitas:2",)]
    assert "Kita draußen" in str(report)


def test_rerun_does_not_duplicate(store, city):
    recipe, data = city
    run_recipe(store, recipe, data)
    first = _counts(store)
    run_recipe(store, recipe, data)
    assert _counts(store) == first


def test_bad_file_in_last_source_changes_nothing(store, city):
    recipe, data = city
    run_recipe(store, recipe, data)
    before = dump(store)
    (data / "kitas.csv").write_text(f"nr,name,plaetze,lon,lat\n1,Kita A,vierzig,{X0 + 500},{Y0 + 500}\n")
    (data / "einwohner.csv").write_text("Raum;EW;u6;6-15\n0101;9;1;1\n0102;9;1;1\n0201;9;1;1\n0202;9;1;1\n")
    with pytest.raises(InputError, match="kitas.csv, Zeile 2, Spalte 'plaetze'"):
        run_recipe(store, recipe, data)
    assert dump(store) == before


def test_unknown_key_in_recipe_statistics_named_before_writing(store, city):
    recipe, data = city
    (data / "einwohner.csv").write_text("Raum;EW;u6;6-15\n0101;9;1;1\n0999;9;1;1\n")
    with pytest.raises(InputError, match=r"einwohner.csv, Zeile 3, Spalte 'Raum'.*'0999'"):
        run_recipe(store, recipe, data)
    assert _counts(store) == {"areas": 0, "area_levels": 0, "observations": 0, "providers": 0, "sources": 0}


def test_missing_parent_area_rejected(store, city):
    recipe, data = city
    (data / "bezirke.geojson").write_text(_fc([("01", "West", box(X0, Y0, X0 + 2000, Y0 + 1000))]))
    with pytest.raises(InputError, match="Obergebiet '02' fehlt"):
        run_recipe(store, recipe, data)
    assert _counts(store)["areas"] == 0


def test_failed_write_midway_restores_previous_state(store, city, monkeypatch):
    recipe, data = city
    run_recipe(store, recipe, data)
    before = dump(store)
    # new figures that would pass every check, but the third write fails (disk full, crash, ...)
    (data / "einwohner.csv").write_text("Raum;EW;u6;6-15\n0101;7;1;1\n0102;7;1;1\n0201;7;1;1\n0202;7;1;1\n")
    real = store_write._write
    calls = []

    def failing(con, source, frames):
        calls.append(source.source_id)
        if len(calls) == 3:
            raise RuntimeError("Schreibfehler")
        return real(con, source, frames)

    monkeypatch.setattr(store_write, "_write", failing)
    with pytest.raises(RuntimeError, match="Schreibfehler"):
        run_recipe(store, recipe, data)
    assert calls == ["gebiete", "einwohner", "kitas"]
    assert dump(store) == before


def test_failed_write_into_empty_store_leaves_it_empty(store, city, monkeypatch):
    recipe, data = city
    before = dump(store)
    real = store_write._write

    def failing(con, source, frames):
        if source.source_id == "kitas":
            raise RuntimeError("Schreibfehler")
        return real(con, source, frames)

    monkeypatch.setattr(store_write, "_write", failing)
    with pytest.raises(RuntimeError):
        run_recipe(store, recipe, data)
    assert dump(store) == before  # including store_meta: no metric CRS left behind


def test_recipe_file_problems(tmp_path, store):
    bad = tmp_path / "x.toml"
    bad.write_text("[recipe\nname=1")
    with pytest.raises(InputError, match="kein gültiges TOML"):
        run_recipe(store, bad, tmp_path)
    bad.write_text('[[source]]\nid = "a"\ntitle = "A"\n[[source.statistics]]\nfile = "fehlt.csv"\nlevel = "x"\n'
                   'key = "k"\nperiod = "2024"\n')
    with pytest.raises(InputError, match="fehlt.csv"):
        run_recipe(store, bad, tmp_path)


def test_misspelt_option_reported(tmp_path, store, city):
    recipe, data = city
    recipe.write_text(RECIPE.replace('sentinels = [-9999]', 'sentinel = [-9999]'), encoding="utf-8")
    with pytest.raises(InputError, match="unbekannte Angabe 'sentinel'"):
        run_recipe(store, recipe, data)


AT_AREAS = """
[[source]]
id = "orte"
title = "Mögliche Sprechstundenorte (Lage geschätzt)"

[[source.points]]
table = "candidate_venues"
at_areas = "LEVEL"
name_template = "TEMPLATE"
[source.points.values]
venue_type = "gemeindehaus"
"""


def _with_venues(city, level="raum", template="{name}: Gemeindezentrum (Lage geschätzt)"):
    recipe, _data = city
    recipe.write_text(RECIPE + AT_AREAS.replace("LEVEL", level).replace("TEMPLATE", template), encoding="utf-8")
    return recipe


def test_points_at_areas_one_inside_each_area(store, city):
    """``at_areas``: one candidate venue per Raum, at a point inside it, named from the template, id = area key."""
    recipe = _with_venues(city)
    run_recipe(store, recipe, city[1])
    rows = store.execute("SELECT venue_id, name, venue_type, x, y FROM candidate_venues ORDER BY 1").fetchall()
    assert [r[0] for r in rows] == ["orte:0101", "orte:0102", "orte:0201", "orte:0202"]
    assert rows[0][1] == "A: Gemeindezentrum (Lage geschätzt)" and {r[2] for r in rows} == {"gemeindehaus"}
    for i, (_id, _n, _t, x, y) in enumerate(rows):  # inside its own 1 km square
        assert X0 + i * 1000 < x < X0 + (i + 1) * 1000 and Y0 < y < Y0 + 1000


@pytest.mark.parametrize("level, template, msg", [("gibtsnicht", "{name}", "at_areas"),
                                                   ("raum", "{nope}", "name_template")])
def test_points_at_areas_hostile(store, city, level, template, msg):
    before = store.execute("SELECT count(*) FROM sources").fetchone()[0]
    with pytest.raises(InputError, match=msg):
        run_recipe(store, _with_venues(city, level, template), city[1])
    assert store.execute("SELECT count(*) FROM sources").fetchone()[0] == before
