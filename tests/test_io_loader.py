"""Loader on the 3×3 grid: statistics, points and areas into the store, all-or-nothing, re-import replaces."""

import json

import pytest

from sozialraum.errors import InputError
from sozialraum.io.loader import import_areas, import_points, import_statistics
from sozialraum.store import SourceInfo, replace_source
from sozialraum.store.assign import assign_points
from sozialraum.testing import GRID_ORIGIN, grid_batch
from sozialraum.testing import dump_store as dump

X0, Y0 = GRID_ORIGIN
STATS = SourceInfo("stats", "Kennzahlen")




@pytest.fixture
def grid_store(store):
    replace_source(store, *grid_batch())
    return store


def _csv(tmp_path, text, name="werte.csv", encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def test_statistics_written_and_rolled_up(grid_store, tmp_path):
    rows = "\n".join(f"r{r}c{c};{(r + 1) * 10};1.000" for r in range(3) for c in range(3))
    p = _csv(tmp_path, "\ufeffZelle;SGB II;Einwohner\n" + rows + "\n")
    report = import_statistics(grid_store, p, source=STATS, level="zelle", key="Zelle",
                               indicators={"rlb": "SGB II", "ew_gesamt": "Einwohner"}, period="2024")
    assert report.counts["observations"] == 18
    row1 = grid_store.execute("SELECT value FROM observations WHERE level='zeile' AND area_key='row1' "
                              "AND indicator='sgb2_quote'").fetchone()[0]
    assert row1 == pytest.approx(2.0)  # 60 of 3,000


def test_unknown_keys_reported_with_rows_before_writing(grid_store, tmp_path):
    before = dump(grid_store)
    p = _csv(tmp_path, "Zelle;rlb\nr0c0;1\nr0c1;2\nr7c7;3\nr0c2;4\nxx;5\n")
    with pytest.raises(InputError) as exc:
        import_statistics(grid_store, p, source=STATS, level="zelle", key="Zelle", indicators={"rlb": "rlb"},
                          period="2024")
    assert [(x.row, x.column) for x in exc.value.problems] == [(4, "Zelle"), (6, "Zelle")]
    assert "'r7c7'" in str(exc.value)
    assert dump(grid_store) == before


def test_unknown_indicator_rejected(grid_store, tmp_path):
    before = dump(grid_store)
    p = _csv(tmp_path, "Zelle;a\nr0c0;1\n")
    with pytest.raises(InputError, match="unbekannter Indikator 'quatsch'"):
        import_statistics(grid_store, p, source=STATS, level="zelle", key="Zelle", indicators={"quatsch": "a"},
                          period="2024")
    assert dump(grid_store) == before


def test_reimport_replaces_and_bad_reimport_keeps_old(grid_store, tmp_path):
    p = _csv(tmp_path, "Zelle;rlb\nr0c0;1\nr0c1;*\n")
    import_statistics(grid_store, p, source=STATS, level="zelle", key="Zelle", indicators={"rlb": "rlb"},
                      period="2024")
    import_statistics(grid_store, p, source=STATS, level="zelle", key="Zelle", indicators={"rlb": "rlb"},
                      period="2024")
    got = grid_store.execute("SELECT area_key, value, flag FROM observations WHERE source_id='stats' "
                             "AND NOT derived ORDER BY 1").fetchall()
    assert got == [("r0c0", 1.0, None), ("r0c1", None, "suppressed")]
    before = dump(grid_store)
    bad = _csv(tmp_path, "Zelle;rlb\nr0c0;1\nr0c1;zwei\n", name="kaputt.csv")
    with pytest.raises(InputError, match="kaputt.csv, Zeile 3, Spalte 'rlb'"):
        import_statistics(grid_store, bad, source=STATS, level="zelle", key="Zelle", indicators={"rlb": "rlb"},
                          period="2024")
    assert dump(grid_store) == before


def test_points_from_csv_assigned_to_cells(grid_store, tmp_path):
    # x/y in the grid's CRS; decimal comma; one point per cell of the bottom row and one outside
    p = _csv(tmp_path, "Nr;Name;Träger;Plätze;x;y\n"
                       f"1;Kita Eins;AWO;40;{X0 + 500:.0f},5;{Y0 + 500:.0f}\n"
                       f"2;Kita Zwei;Caritas;1.020;{X0 + 1500:.0f};{Y0 + 500:.0f}\n"
                       f"3;Kita Drei;;-;{X0 + 2500:.0f};{Y0 + 500:.0f}\n"
                       f"4;Kita Weit;;10;{X0 + 9000:.0f};{Y0 + 500:.0f}\n", encoding="cp1252")
    src = SourceInfo("kitas", "Kitas")
    report = import_points(grid_store, p, source=src, table="providers", x="x", y="y", crs="EPSG:25832", id="Nr",
                           id_prefix="kita:", columns={"name": "Name", "traeger": "Träger", "capacity": "Plätze"},
                           values={"service_type": "kita"})
    assert report.counts["providers"] == 4
    frame = assign_points(grid_store, "zelle", "providers").set_index("point_id")["area_key"].to_dict()
    assert frame == {"kita:1": "r0c0", "kita:2": "r0c1", "kita:3": "r0c2", "kita:4": None}
    caps = dict(grid_store.execute("SELECT provider_id, capacity FROM providers").fetchall())
    assert caps["kita:2"] == 1020 and caps["kita:3"] is None
    # inside_level drops the far point and says so
    report = import_points(grid_store, p, source=src, table="providers", x="x", y="y", crs="EPSG:25832",
                           id="Nr", id_prefix="kita:", columns={"name": "Name"}, values={"service_type": "kita"},
                           inside_level="zelle")
    assert report.counts["providers"] == 3 and "Kita Weit" in " ".join(report.notes)


def test_lonlat_points_reprojected(grid_store, tmp_path):
    from pyproj import Transformer

    lon, lat = Transformer.from_crs(25832, 4326, always_xy=True).transform(X0 + 1500, Y0 + 2500)
    p = _csv(tmp_path, f"id,name,lat,lon\na,Bibliothek,{lat:.7f},{lon:.7f}\n")
    import_points(grid_store, p, source=SourceInfo("bib", "Bib"), table="candidate_venues", x="lon", y="lat",
                  crs=4326, id="id", columns={"name": "name"}, values={"venue_type": "bibliothek"})
    assert assign_points(grid_store, "zelle", "candidate_venues")["area_key"].tolist() == ["r2c1"]


def test_import_areas_single_level_with_parent(store, tmp_path):
    from shapely.geometry import box, mapping

    def feat(k, name, parent, g):
        return {"type": "Feature", "properties": {"k": k, "n": name, "p": parent}, "geometry": mapping(g)}

    top = tmp_path / "bezirke.geojson"
    top.write_text(json.dumps({"type": "FeatureCollection",
                               "crs": {"type": "name", "properties": {"name": "EPSG:25832"}},
                               "features": [feat("01", "Nord", None, box(X0, Y0, X0 + 2000, Y0 + 1000))]}))
    src = SourceInfo("bez", "Bezirke")
    import_areas(store, top, source=src, level="bezirk", label="Bezirk", key="k", name="n", rank=1,
                 hierarchy="test")
    low = tmp_path / "raeume.geojson"
    low.write_text(json.dumps({"type": "FeatureCollection",
                               "crs": {"type": "name", "properties": {"name": "EPSG:25832"}},
                               "features": [feat("0101", "A", "01", box(X0, Y0, X0 + 1000, Y0 + 1000)),
                                            feat("0102", "B", "02", box(X0 + 1000, Y0, X0 + 2000, Y0 + 1000))]}))
    before = dump(store)
    with pytest.raises(InputError, match=r"Zeile 2.*unbekannter Gebietsschlüssel '02'"):
        import_areas(store, low, source=SourceInfo("pr", "PR"), level="raum", label="Raum", key="k", name="n",
                     parent_level="bezirk", parent="p", hierarchy="test")
    assert dump(store) == before
    import_areas(store, low, source=SourceInfo("pr", "PR"), level="raum", label="Raum", key="k", name="n",
                 parent_level="bezirk", parent_slice=[0, 2], hierarchy="test")
    assert store.execute("SELECT count(*), sum(area_m2) FROM areas WHERE level='raum'").fetchone() == (2, 2e6)
    assert store.execute("SELECT value FROM store_meta WHERE key='metric_epsg'").fetchone()[0] == "25832"


def test_store_crs_mismatch_refused(grid_store, tmp_path):
    p = _csv(tmp_path, "id,name,lat,lon\na,B,52.5,13.4\n")
    with pytest.raises(InputError, match="EPSG:25832"):
        import_points(grid_store, p, source=SourceInfo("b", "B"), table="providers", x="lon", y="lat", crs=4326,
                      columns={"name": "name"}, values={"service_type": "kita"}, target_epsg=25833)
