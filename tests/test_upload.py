"""Upload safety: hostile files and archives are refused with a German message; good ones are staged."""

from __future__ import annotations

import io
import stat
import zipfile

import pytest

from sozialraum.errors import InputError
from sozialraum.io.upload import Limits, check_upload, safe_extract, stage_upload, upload_kind


def make_zip(members: dict[str, bytes], *, infos: list[tuple[zipfile.ZipInfo, bytes]] = ()) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        for info, data in infos:
            zf.writestr(info, data)
    return buf.getvalue()


def refused(name: str, data: bytes, **kw) -> str:
    with pytest.raises(InputError) as exc:
        check_upload(name, data, **kw)
    text = str(exc.value)
    assert name in text and "Upload abgelehnt" in text
    return text


CSV = "schluessel;wert\n01;1,5\n".encode("utf-8")


def test_plain_files_are_accepted_by_kind():
    assert check_upload("daten.csv", CSV) == "csv"
    assert check_upload("Gebiete.GeoJSON", b'{"type": "FeatureCollection", "features": []}') == "geojson"
    assert check_upload("g.gpkg", b"SQLite format 3\x00" + b"\x00" * 100) == "gpkg"
    assert upload_kind("a.xlsx") == "xlsx"


def test_size_limit_refuses_large_upload():
    data = b"a;b\n" + b"1;2\n" * 300_000  # 1.2 MB
    text = refused("gross.csv", data, max_mb=1)
    assert "höchstens 1 MB" in text
    assert check_upload("gross.csv", data, max_mb=2) == "csv"


def test_unknown_extension_and_disguised_content_are_refused():
    assert "nicht unterstützt" in refused("programm.exe", b"MZ\x90\x00")
    assert "ZIP-Archiv" in refused("tabelle.csv", make_zip({"a.csv": CSV}))
    assert "kein GeoPackage" in refused("gebiete.gpkg", b"not sqlite at all")
    assert "kein gültiges ZIP" in refused("shape.zip", b"plain text")
    assert "leer" in refused("leer.csv", b"")


def test_zip_bomb_is_refused_by_ratio():
    bomb = make_zip({"daten.csv": b"0" * (20 * 1024 * 1024)})  # 20 MB of zeros compress to ~20 kB
    assert len(bomb) < 100_000
    text = refused("bombe.zip", bomb)
    assert "ZIP-Bombe" in text
    # the same archive passes when the ratio limit is lifted, so it is the ratio that refuses it
    assert check_upload("bombe.zip", bomb, settings={"zip_max_ratio": 10_000}) == "zip"


def test_unpacked_size_limit(tmp_path):
    data = make_zip({"a.csv": bytes(range(256)) * 8192})  # 2 MB, barely compressible
    assert "entpackt" in refused("gross.zip", data, settings={"zip_max_unpacked_mb": 1})


@pytest.mark.parametrize("member", ["../evil.csv", "ordner/../../evil.csv", "/etc/evil.csv", "C:/evil.csv",
                                    "a\\..\\evil.csv"])
def test_path_traversal_entries_are_refused(member, tmp_path):
    data = make_zip({"ok.csv": CSV, member: CSV})
    text = refused("pfad.zip", data)
    assert "Eintrag" in text
    with pytest.raises(InputError):
        safe_extract("pfad.zip", data, tmp_path / "ziel")
    assert not (tmp_path / "evil.csv").exists()
    assert not list((tmp_path / "ziel").rglob("*.csv"))  # nothing written, not even the good member


def test_symlink_member_is_refused():
    link = zipfile.ZipInfo("gebiete.shp")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    data = make_zip({}, infos=[(link, b"/etc/passwd")])
    assert "symbolischer Link" in refused("link.zip", data)


def test_too_many_members_are_refused():
    data = make_zip({f"f{i}.csv": CSV for i in range(12)})
    assert "Einträge" in refused("viele.zip", data, settings={"zip_max_members": 10})
    assert check_upload("viele.zip", data, settings={"zip_max_members": 12}) == "zip"


def test_nested_archives_are_refused(tmp_path):
    inner = make_zip({"a.csv": CSV})
    assert "verschachtelte" in refused("aussen.zip", make_zip({"innen.zip": inner}))
    # a nested zip hidden behind a harmless name is caught while extracting
    disguised = make_zip({"daten.csv": inner})
    assert check_upload("aussen.zip", disguised) == "zip"
    with pytest.raises(InputError, match="selbst ein ZIP-Archiv"):
        stage_upload("aussen.zip", disguised, tmp_path)


def test_xlsx_is_checked_like_an_archive():
    assert "ZIP-Bombe" in refused("bombe.xlsx", make_zip({"xl/sheet.xml": b" " * (10 * 1024 * 1024)}))
    assert "Excel" in refused("falsch.xlsx", CSV)


def test_zipped_shapefile_is_staged_and_readable(tmp_path):
    import geopandas as gpd

    from sozialraum.testing import grid_areas

    shp_dir = tmp_path / "shp"
    shp_dir.mkdir()
    grid = grid_areas()
    grid[grid.level == "zelle"].to_file(shp_dir / "zellen.shp")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(shp_dir.iterdir()):
            zf.write(f, f"Gebiete/{f.name}")
        zf.writestr("Gebiete/", b"")
    staged = stage_upload("Gebiete.zip", buf.getvalue(), tmp_path / "upload")
    assert staged.kind == "shapefile" and staged.path.name == "zellen.shp"
    assert (tmp_path / "upload") in staged.path.parents
    back = gpd.read_file(staged.path)
    assert len(back) == 9 and back.crs.to_epsg() == 25832


def test_shapefile_without_dbf_is_refused(tmp_path):
    data = make_zip({"a.shp": b"x" * 100, "a.shx": b"x" * 100})
    with pytest.raises(InputError, match="fehlen .dbf"):
        stage_upload("a.zip", data, tmp_path)


def test_plain_upload_is_written_under_a_safe_name(tmp_path):
    staged = stage_upload("../../boese.csv", CSV, tmp_path / "u")
    assert staged.kind == "csv" and staged.path == tmp_path / "u" / "boese.csv"
    assert staged.path.read_bytes() == CSV


def test_limits_default_to_settings():
    from sozialraum.settings import default

    limits = Limits.from_settings()
    assert limits.max_mb == default("upload_max_mb") and limits.max_ratio == default("zip_max_ratio")
