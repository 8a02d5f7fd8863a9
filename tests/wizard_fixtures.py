"""Fixtures for the import wizard: a small city "Kleinstadt" and its statistics in the layouts real cities send.

Areas: 8 Stadtteile keyed ``STGT01`` … ``STGT08`` (2 km squares in EPSG:25832, 4 × 2) in two Bezirke ``N`` and
``S``. Statistics (all made up, hand-checkable; ``EW`` and ``RLB`` below are the true values):

- ``profile.xlsx``: a statistical-office profile: two title rows, a merged two-row header, names only, a ``.``
  marker, a merged unit "Neuland und Gut Moor", Bezirk and city total rows under the data, notes below;
- ``namen.csv``: names numbered (``04 Westliche Höhe``) or with underscores (``Am_Bach``), a ``Nr`` column;
- ``komma.csv``: comma-separated, quoted decimal commas ("6,8") and thousands dots (2.370);
- ``ohne_kopf.csv``: no header row;
- ``jahre.csv``: years across columns (``EW_2020``, ``EW_2022``, ``SGB II 2020``, ``SGB II 2022``);
- ``pdf.csv``: a PDF extraction with two numbers glued together;
- ``lang.csv``: long format (``Schlüssel;Kennzahl;Wert``, one row per area and indicator, EW + 30 and RLB − 5).
"""

from __future__ import annotations

from pathlib import Path

NAMES = {"STGT01": "Altstadt", "STGT02": "Nordviertel", "STGT03": "Am Bach", "STGT04": "Westliche Höhe",
         "STGT05": "Südstadt", "STGT06": "Östliche Höhe", "STGT07": "Neuland", "STGT08": "Gut Moor"}
BEZIRK = {"STGT01": "N", "STGT02": "N", "STGT03": "N", "STGT04": "N",
          "STGT05": "S", "STGT06": "S", "STGT07": "S", "STGT08": "S"}
BEZIRK_NAMES = {"N": "Bezirk Nord", "S": "Bezirk Süd"}
EW = {"STGT01": 2370, "STGT02": 4120, "STGT03": 1850, "STGT04": 3260, "STGT05": 5010, "STGT06": 2780,
      "STGT07": 900, "STGT08": 640}
RLB = {"STGT01": 412, "STGT02": 380, "STGT03": 95, "STGT04": 610, "STGT05": 1033, "STGT06": 250,
       "STGT07": 40, "STGT08": 21}
U15 = {k: round(v * 0.14) for k, v in EW.items()}


def write_shapes(folder: Path) -> tuple[Path, Path]:
    """stadtteile.geojson (STT_ID, STT_NAME, BEZ, BEZ_NAME: the Bezirk's name as typed by hand, e.g. "bezirk_süd")
    and bezirke.geojson (BEZ_ID, BEZ_NAME), EPSG:25832."""
    import geopandas as gpd
    from shapely.geometry import box

    x0, y0, size = 500_000.0, 5_700_000.0, 2000.0
    keys = list(NAMES)
    cells = {k: box(x0 + (i % 4) * size, y0 + (i // 4) * size, x0 + (i % 4 + 1) * size, y0 + (i // 4 + 1) * size)
             for i, k in enumerate(keys)}
    typed = {"N": ["Bezirk Nord", "BEZIRK NORD", "bezirk_nord", "Bezirk Nord"],
             "S": ["Bezirk Süd", "bezirk süd", "Bezirk_Sued", "Bezirk Süd"]}
    st = gpd.GeoDataFrame({"STT_ID": keys, "STT_NAME": [NAMES[k] for k in keys], "BEZ": [BEZIRK[k] for k in keys],
                           "BEZ_NAME": [typed[BEZIRK[k]][i % 4] for i, k in enumerate(keys)]},
                          geometry=[cells[k] for k in keys], crs="EPSG:25832")
    bz = gpd.GeoDataFrame({"BEZ_ID": ["N", "S"], "BEZ_NAME": [BEZIRK_NAMES["N"], BEZIRK_NAMES["S"]]},
                          geometry=[box(x0, y0, x0 + 4 * size, y0 + size), box(x0, y0 + size, x0 + 4 * size,
                                                                              y0 + 2 * size)],
                          crs="EPSG:25832")
    folder.mkdir(parents=True, exist_ok=True)
    st.to_file(folder / "stadtteile.geojson", driver="GeoJSON")
    bz.to_file(folder / "bezirke.geojson", driver="GeoJSON")
    return folder / "stadtteile.geojson", folder / "bezirke.geojson"


def _german(n) -> str:
    return f"{n:,}".replace(",", ".")


def write_profile(folder: Path) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "Hinweise"
    wb.active["A1"] = "Stadtteil-Profile: Erläuterungen siehe Blatt Profile"
    ws = wb.create_sheet("Profile 2022")
    ws["A1"] = "Stadtteil-Profile 2022"
    ws["A2"] = "Kleinstadt, Stand 31.12.2022"
    ws["A4"], ws["B4"], ws["E4"] = "Stadtteil", "Bevölkerung", "SGB II"
    ws.merge_cells("A4:A5")
    ws.merge_cells("B4:D4")
    ws.merge_cells("E4:F4")
    for col, text in zip("BCDEF", ["insgesamt", "unter 15 Jahre", "Anteil unter 15 in %", "Leistungsberechtigte",
                                   "Quote in %"]):
        ws[f"{col}5"] = text
    r = 6
    for key in ["STGT01", "STGT02", "STGT03", "STGT04", "STGT05", "STGT06"]:
        rlb = "." if key == "STGT03" else RLB[key]
        quote = "." if key == "STGT03" else round(RLB[key] / EW[key] * 100, 1)
        ws.append([NAMES[key], EW[key], U15[key], round(U15[key] / EW[key] * 100, 1), rlb, quote])
        r += 1
    merged = ["STGT07", "STGT08"]
    ws.append(["Neuland und Gut Moor", sum(EW[k] for k in merged), sum(U15[k] for k in merged), 14.0,
               sum(RLB[k] for k in merged), 3.9])
    for bez in ("N", "S"):
        keys = [k for k in NAMES if BEZIRK[k] == bez]
        ws.append([BEZIRK_NAMES[bez], sum(EW[k] for k in keys), sum(U15[k] for k in keys), 14.0,
                   sum(RLB[k] for k in keys), 10.0])
    ws.append(["Kleinstadt insgesamt", sum(EW.values()), sum(U15.values()), 14.0, sum(RLB.values()), 10.0])
    ws.append([])
    ws.append(["Quelle: Statistikamt Kleinstadt"])
    ws.append([". = Zahlenwert unbekannt oder geheim zu halten"])
    path = folder / "profile.xlsx"
    wb.save(path)
    return path


def write_csvs(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    styles = {"STGT01": "01 Altstadt", "STGT02": "Nordviertel", "STGT03": "Am_Bach", "STGT04": "04 Westliche Höhe",
              "STGT05": "SÜDSTADT", "STGT06": "Östliche_Höhe", "STGT07": "07 Neuland", "STGT08": "Gut-Moor"}
    lines = ["Nr;Stadtteil;Einwohner;Leistungsberechtigte SGB II"]
    lines += [f"{int(k[4:])};{styles[k]};{EW[k]};{RLB[k]}" for k in NAMES]
    lines += ["Summe;Kleinstadt;" + f"{sum(EW.values())};{sum(RLB.values())}"]
    out["namen"] = folder / "namen.csv"
    out["namen"].write_text("\n".join(lines) + "\n", encoding="utf-8")

    lines = ["Stadtteil,Einwohner,SGB-II-Quote"]
    lines += [f'{NAMES[k]},{_german(EW[k])},"{RLB[k] / EW[k] * 100:.1f}"'
              for k in NAMES]
    lines = [ln if i == 0 else _comma_line(ln) for i, ln in enumerate(lines)]
    out["komma"] = folder / "komma.csv"
    out["komma"].write_text("\n".join(lines) + "\n", encoding="utf-8")

    lines = [f"{k};{NAMES[k]};{EW[k]};{RLB[k]}" for k in NAMES]
    out["ohne_kopf"] = folder / "ohne_kopf.csv"
    out["ohne_kopf"].write_text("\n".join(lines) + "\n", encoding="cp1252", errors="strict")

    lines = ["Schlüssel;EW_2020;EW_2022;SGB II 2020;SGB II 2022"]
    lines += [f"{k};{EW[k] - 50};{EW[k]};{RLB[k] + 10};{RLB[k]}" for k in NAMES]
    out["jahre"] = folder / "jahre.csv"
    out["jahre"].write_text("\n".join(lines) + "\n", encoding="utf-8")

    lines = ["Stadtteil;Einwohner;Leistungsberechtigte"]
    for k in NAMES:
        ew = f"{EW[k]}{RLB[k]}" if k == "STGT02" else _german(EW[k])  # glued: 4120 and 380 → 4120380
        rlb = "610 3260" if k == "STGT04" else str(RLB[k])  # glued with a gap: two cells in one
        lines.append(f"{NAMES[k]};{ew};{rlb}")
    out["pdf"] = folder / "pdf.csv"
    out["pdf"].write_text("\n".join(lines) + "\n", encoding="utf-8")

    lines = ["Schlüssel;Kennzahl;Wert"]  # long format: one row per area and indicator
    for k in NAMES:
        lines += [f"{k};Einwohner;{_german(EW[k] + 30)}", f"{k};Leistungsberechtigte SGB II;{RLB[k] - 5}",
                  f"{k};Fläche in ha;{400 + int(k[4:])},5"]
    out["lang"] = folder / "lang.csv"
    out["lang"].write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def _comma_line(line: str) -> str:
    """The quoted rate with a decimal comma: "6.8" → "6,8"."""
    head, quoted, tail = line.split('"')
    return f'{head}"{quoted.replace(".", ",")}"{tail}'


def komma_rate(key: str) -> float:
    return round(RLB[key] / EW[key] * 100, 1)


VENUES = {  # name: (Art as typed, x, y) — inside the Stadtteile (EPSG:25832)
    "Stadtbibliothek Altstadt": ("Bibliothek", "501000,5", "5701000,25"),
    "Stadtteiltreff Am Bach": ("Stadtteilzentrum", "505000", "5701500"),
    "Familienzentrum Südstadt": ("Familienzentrum", "501500", "5702900,0"),
    "Caritas-Beratung Höhe": ("Beratungsstelle", "507100,75", "5701100"),
    "Bürgerbüro Nordviertel": ("Bürgeramt", "503200", "5700800"),
    "Bücherei Östliche Höhe": ("Stadtteilbücherei", "503500", "5703300"),
    "Gemeindesaal St. Marien": ("Kirche", "506000", "5703000"),
}


def write_venues(folder: Path) -> Path:
    """kandidatenorte.csv: a hand-typed list of candidate venues as a Sozialamt sends it — two title rows, ';',
    decimal commas in UTM metres (EPSG:25832), the type as German text ("Stadtteilbücherei" and "Kirche" are not
    among the known types and need a choice), a Träger column, and two broken rows: one without a y value
    (row 12) and one with "ca. 5702000" as y (row 13). Notes under the table."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["Mögliche Orte für Sprechstunden des Jobcenters", "Stand: 03/2024 (Sozialamt, Abt. Planung)", "",
             "Bezeichnung;Art;Rechtswert;Hochwert;Träger"]
    owners = ["Stadt", "Verein Am Bach e.V.", "AWO", "Caritas", "Stadt", "Stadt", "Kath. Kirchengemeinde"]
    lines += [f"{n};{a};{x};{y};{o}" for (n, (a, x, y)), o in zip(VENUES.items(), owners)]
    lines += ["Jugendhaus West;Stadtteilzentrum;500500;;Stadt",
              "Rathaus-Nebenstelle;Bürgeramt;502500;ca. 5702000;Stadt", "",
              "Koordinaten: ETRS89 / UTM 32N"]
    path = folder / "kandidatenorte.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_services(folder: Path) -> Path:
    """angebote.csv: services with lon/lat in degrees written with decimal commas, Angebotsart and Träger."""
    from pyproj import Transformer

    to_deg = Transformer.from_crs(25832, 4326, always_xy=True)
    rows = [("Schuldnerberatung Mitte", "Schuldnerberatung", "Diakonie", 501300, 5701300),
            ("Suchtberatung Süd", "Suchtberatung", "Caritas", 502600, 5703200),
            ("Kita Sonnenschein", "Kindertagesbetreuung", "AWO", 506300, 5701700)]
    lines = ["Name;Angebotsart;Träger;Länge;Breite"]
    for name, art, owner, x, y in rows:
        lon, lat = to_deg.transform(x, y)
        lines.append(f"{name};{art};{owner};" + f"{lon:.6f};{lat:.6f}".replace(".", ","))
    path = folder / "angebote.csv"
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
