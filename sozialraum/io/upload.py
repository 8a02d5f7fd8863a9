"""Upload safety: refuse files that are too large, of an unknown kind, or hostile ZIP archives.

Runs before any importer sees an uploaded file. ``check_upload`` looks at the bytes only (size, kind, magic
number, and for ZIP-based formats the archive directory); ``stage_upload`` writes an accepted upload into a
private folder (ZIP archives extracted member by member with the size counted while reading, because a
ZIP directory can lie) and returns the path an importer should open.

Refused: files above ``upload_max_mb``; unknown extensions; content that does not match its extension;
in archives absolute paths, drive letters, ``..`` components, symbolic links, encrypted members, nested
archives, more than ``zip_max_members`` files, more than ``zip_max_unpacked_mb`` unpacked, or an unpack
ratio above ``zip_max_ratio``. Every refusal is an ``InputError`` naming the file and the reason in German.
"""

from __future__ import annotations

import io
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from sozialraum.errors import InputError
from sozialraum.settings import default

MB = 1024 * 1024
KINDS = {
    ".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg", ".zip": "zip",
    ".csv": "csv", ".txt": "csv", ".xlsx": "xlsx",
}
ARCHIVE_SUFFIXES = (".zip", ".gz", ".tgz", ".tar", ".7z", ".rar", ".bz2", ".xz", ".kmz", ".xlsx", ".gpkg.zip")
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
SQLITE_MAGIC = b"SQLite format 3\x00"
SHAPE_SUFFIXES = {".shp", ".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx", ".xml", ".qmd", ".txt"}


@dataclass(frozen=True)
class Limits:
    max_mb: float
    max_ratio: float
    max_members: int
    max_unpacked_mb: float

    @classmethod
    def from_settings(cls, settings: dict | None = None, max_mb: float | None = None) -> "Limits":
        s = settings or {}

        def get(name):
            return s.get(name, default(name))

        return cls(max_mb=float(max_mb if max_mb is not None else get("upload_max_mb")),
                   max_ratio=float(get("zip_max_ratio")), max_members=int(get("zip_max_members")),
                   max_unpacked_mb=float(get("zip_max_unpacked_mb")))


@dataclass(frozen=True)
class StagedUpload:
    """An accepted upload written to disk: ``path`` is the file an importer opens (the .shp of a zip)."""

    name: str
    kind: str  # geojson | gpkg | shapefile | csv | xlsx
    path: Path
    files: tuple[Path, ...]


def _de(x: float, digits: int = 0) -> str:
    """A number in German format: 1.234,5."""
    from sozialraum.formatting import format_number

    return format_number(x, digits)


def _refuse(name: str, why: str) -> InputError:
    return InputError(f"Upload abgelehnt: {why}", file=name)


def upload_kind(name: str) -> str:
    """The kind of an upload from its file name (``InputError`` for kinds the app does not read)."""
    suffix = PurePosixPath(name.lower()).suffix
    if suffix not in KINDS:
        allowed = ", ".join(sorted(KINDS))
        raise _refuse(name, f"Dateityp '{suffix or '(ohne Endung)'}' wird nicht unterstützt (erlaubt: {allowed}).")
    return KINDS[suffix]


def _is_zip(data: bytes) -> bool:
    return data[:4] in ZIP_MAGIC


def _member_problem(info: zipfile.ZipInfo) -> str | None:
    """Why an archive member is unsafe, or None."""
    raw = info.filename
    if "\\" in raw:
        return f"Eintrag '{raw}' enthält einen umgekehrten Schrägstrich (Windows-Pfad)"
    if raw.startswith("/") or (len(raw) > 1 and raw[1] == ":"):
        return f"Eintrag '{raw}' hat einen absoluten Pfad"
    if ".." in PurePosixPath(raw).parts:
        return f"Eintrag '{raw}' verweist mit '..' aus dem Archiv heraus"
    if "\x00" in raw:
        return f"Eintrag '{raw!r}' enthält ein Nullzeichen"
    mode = info.external_attr >> 16
    if mode and stat.S_ISLNK(mode):
        return f"Eintrag '{raw}' ist ein symbolischer Link"
    if info.flag_bits & 0x1:
        return f"Eintrag '{raw}' ist verschlüsselt"
    if not info.is_dir() and raw.lower().endswith(ARCHIVE_SUFFIXES):
        return f"Eintrag '{raw}' ist selbst ein Archiv (verschachtelte Archive werden nicht angenommen)"
    return None


def check_zip_directory(name: str, zf: zipfile.ZipFile, compressed_size: int,
                        limits: Limits) -> list[zipfile.ZipInfo]:
    """Check an open archive's directory against the limits; return its file members."""
    infos = zf.infolist()
    if len(infos) > limits.max_members:
        raise _refuse(name, f"das Archiv enthält {len(infos)} Einträge (höchstens {limits.max_members}).")
    problems = [p for p in (_member_problem(i) for i in infos) if p]
    if problems:
        raise _refuse(name, "; ".join(problems[:5]))
    files = [i for i in infos if not i.is_dir()]
    total = sum(i.file_size for i in files)
    _check_totals(name, total, compressed_size, limits)
    return files


def _check_totals(name: str, total: int, compressed_size: int, limits: Limits) -> None:
    if total > limits.max_unpacked_mb * MB:
        raise _refuse(name, f"das Archiv ist entpackt {_de(total / MB)} MB groß "
                      f"(höchstens {_de(limits.max_unpacked_mb)} MB).")
    if compressed_size > 0 and total / compressed_size > limits.max_ratio:
        raise _refuse(name, f"das Archiv bläht sich auf das {_de(total / compressed_size)}-Fache auf "
                      f"(höchstens {_de(limits.max_ratio)}-fach) – möglicherweise eine ZIP-Bombe.")


def check_upload(name: str, data: bytes, max_mb: float | None = None, *, settings: dict | None = None) -> str:
    """Check an upload's bytes; return its kind ('geojson', 'gpkg', 'zip', 'csv', 'xlsx') or raise InputError."""
    limits = Limits.from_settings(settings, max_mb)
    if len(data) > limits.max_mb * MB:
        raise _refuse(name, f"die Datei ist {_de(len(data) / MB, 1)} MB groß (höchstens {_de(limits.max_mb)} MB).")
    if not data:
        raise _refuse(name, "die Datei ist leer.")
    kind = upload_kind(name)
    if kind in ("zip", "xlsx"):
        if not _is_zip(data):
            raise _refuse(name, "die Datei ist kein gültiges ZIP-Archiv." if kind == "zip"
                          else "die Datei ist keine Excel-Arbeitsmappe (.xlsx).")
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                check_zip_directory(name, zf, len(data), limits)
        except zipfile.BadZipFile as exc:
            raise _refuse(name, f"das ZIP-Archiv ist beschädigt ({exc}).") from exc
    elif kind == "gpkg":
        if not data.startswith(SQLITE_MAGIC):
            raise _refuse(name, "die Datei ist kein GeoPackage (keine SQLite-Datenbank).")
    elif _is_zip(data):
        raise _refuse(name, "die Datei ist ein ZIP-Archiv, trägt aber die Endung einer Textdatei.")
    elif data.startswith(SQLITE_MAGIC):
        raise _refuse(name, "die Datei ist eine Datenbank, trägt aber die Endung einer Textdatei.")
    return kind


def safe_extract(name: str, data: bytes, dest: Path, limits: Limits | None = None) -> list[Path]:
    """Extract a checked ZIP archive below ``dest``; counts bytes while reading (the directory may lie)."""
    limits = limits or Limits.from_settings()
    dest = Path(dest).resolve()
    dest.mkdir(parents=True, exist_ok=True)
    budget = min(limits.max_unpacked_mb * MB, limits.max_ratio * len(data))
    written = 0
    out: list[Path] = []
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for info in check_zip_directory(name, zf, len(data), limits):
            target = (dest / info.filename).resolve()
            if dest not in target.parents:
                raise _refuse(name, f"Eintrag '{info.filename}' liegt außerhalb des Zielordners.")
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, open(target, "wb") as dst:
                head = b""
                while chunk := src.read(1024 * 1024):
                    if not head:
                        head = chunk[:4]
                        if head in ZIP_MAGIC:
                            raise _refuse(name, f"Eintrag '{info.filename}' ist selbst ein ZIP-Archiv.")
                    written += len(chunk)
                    if written > budget:
                        raise _refuse(name, "das Archiv ist entpackt größer als erlaubt (möglicherweise eine "
                                      "ZIP-Bombe).")
                    dst.write(chunk)
            out.append(target)
    return out


def _pick_main(name: str, files: list[Path]) -> tuple[str, Path]:
    """The file an importer should open from an extracted archive."""
    visible = [f for f in files if not f.name.startswith(".") and "__MACOSX" not in f.parts]
    by_suffix: dict[str, list[Path]] = {}
    for f in visible:
        by_suffix.setdefault(f.suffix.lower(), []).append(f)
    if len(by_suffix.get(".shp", [])) == 1:
        shp = by_suffix[".shp"][0]
        missing = [s for s in (".shx", ".dbf") if not shp.with_suffix(s).exists()
                   and not shp.with_suffix(s.upper()).exists()]
        if missing:
            raise _refuse(name, f"zum Shapefile {shp.name} fehlen {', '.join(missing)}.")
        return "shapefile", shp
    if len(by_suffix.get(".shp", [])) > 1:
        raise _refuse(name, "das Archiv enthält mehrere Shapefiles; bitte eines je Archiv hochladen.")
    for suffix, kind in ((".gpkg", "gpkg"), (".geojson", "geojson"), (".json", "geojson"), (".csv", "csv"),
                         (".xlsx", "xlsx")):
        if len(by_suffix.get(suffix, [])) == 1:
            return kind, by_suffix[suffix][0]
    raise _refuse(name, "im Archiv wurde genau ein Shapefile, GeoPackage, GeoJSON, CSV oder XLSX erwartet.")


def stage_upload(name: str, data: bytes, dest: Path, *, max_mb: float | None = None,
                 settings: dict | None = None) -> StagedUpload:
    """Check an upload and write it below ``dest``; return what to open. Raises InputError when refused."""
    limits = Limits.from_settings(settings, max_mb)
    kind = check_upload(name, data, limits.max_mb, settings=settings)
    dest = Path(dest)
    safe_name = PurePosixPath(name.replace("\\", "/")).name or "upload"
    if kind == "zip":
        files = safe_extract(name, data, dest / "entpackt", limits)
        kind, main = _pick_main(name, files)
        return StagedUpload(name, kind, main, tuple(files))
    dest.mkdir(parents=True, exist_ok=True)
    path = dest / safe_name
    path.write_bytes(data)
    return StagedUpload(name, kind, path, (path,))
