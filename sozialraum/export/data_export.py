"""Data export of the store: indicators, areas, sites and the need index as CSV, XLSX or GeoPackage.

``export_data(con, what, fmt, out, level=..., period=...)`` is what the CLI command ``sozialraum export`` and
the app's download buttons call; ``export_bytes`` gives the file content for a download button.
Area numbers come from the confidentiality gate (see ``tables``); point lists (providers, venues, Jobcenter
sites) hold no counts of people.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from sozialraum.errors import InputError
from sozialraum.export.sheet import Column, Sheet

WHAT = {
    "indicators": "Kennzahlen je Gebiet",
    "areas": "Gebiete mit Kennzahlen und Bedarfsindex",
    "need-index": "Bedarfsindex (MSS) je Gebiet",
    "sites": "Standorte: Jobcenter, Kandidaten, Angebote",
}
FORMATS = {"csv": ".csv", "xlsx": ".xlsx", "gpkg": ".gpkg"}
MIME = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "gpkg": "application/geopackage+sqlite3"}

_POINT_COLUMNS = [
    ("id", "Kennung", None), ("kategorie", "Kategorie", None), ("typ", "Art", None), ("name", "Name", None),
    ("traeger", "Träger", None), ("dachverband", "Dachverband", None), ("kooperation", "Kooperation", None),
    ("kapazitaet", "Kapazität", 0), ("kapazitaet_einheit", "Einheit der Kapazität", None),
    ("oeffnungszeiten", "Öffnungszeiten", None), ("barrierefrei", "Barrierefrei", None),
    ("adresse", "Adresse", None), ("lon", "Länge (WGS84)", 6), ("lat", "Breite (WGS84)", 6),
    ("x", "Rechtswert", 1), ("y", "Hochwert", 1),
]


def _yes_no(v) -> str:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return ""
    return "ja" if bool(v) else "nein"


def site_sheets(con) -> dict[str, Sheet]:
    """Jobcenter sites, candidate venues and providers, each as a sheet with German labels."""
    from sozialraum.services import COOPERATION_FORMS, JOBCENTER_SITE_TYPES, SERVICE_TYPES, VENUE_TYPES
    from sozialraum.store import read

    parts = {
        "jobcenter": ("Jobcenter-Standorte", read.jobcenter_sites(con), "site_id", "site_type", JOBCENTER_SITE_TYPES),
        "kandidaten": ("Mögliche Standorte (Kandidaten)", read.candidate_venues(con), "venue_id", "venue_type",
                       VENUE_TYPES),
        "angebote": ("Angebote", read.providers(con), "provider_id", "service_type", SERVICE_TYPES),
    }
    sheets = {}
    for name, (title, frame, id_col, type_col, labels) in parts.items():
        def get(c, frame=frame):
            return frame[c] if c in frame.columns else pd.Series([None] * len(frame), index=frame.index)

        values = pd.DataFrame({
            "id": frame[id_col].astype(str), "kategorie": title,
            "typ": [labels.get(t, t) for t in frame[type_col]], "name": frame["name"],
            "traeger": get("traeger"), "dachverband": get("dachverband"),
            "kooperation": [COOPERATION_FORMS.get(k, k) if isinstance(k, str) else None for k in get("kooperation")],
            "kapazitaet": pd.to_numeric(get("capacity"), errors="coerce"),
            "kapazitaet_einheit": get("capacity_unit"), "oeffnungszeiten": get("opening_hours"),
            "barrierefrei": [_yes_no(v) for v in get("barrier_free")], "adresse": get("address"),
            "lon": frame["lon"], "lat": frame["lat"], "x": frame["x"], "y": frame["y"],
        })
        cols = tuple(Column(k, h, d) for k, h, d in _POINT_COLUMNS)
        sheets[name] = Sheet(name=name, title=title, columns=cols, values=values.reset_index(drop=True),
                             tab=title.split(" (")[0])
    return sheets


def _area_sheet(con, what: str, level: str, period: str | None, threshold: float | None = None,
                min_population: float | None = None) -> Sheet:
    from sozialraum.export.tables import combine, indicator_sheet, need_index_sheet

    if what == "indicators":
        return mark_cells(indicator_sheet(con, level, period, threshold=threshold), min_population)
    if what == "need-index":
        return need_index_sheet(con, level, period)
    ind = mark_cells(indicator_sheet(con, level, period, threshold=threshold), min_population)
    try:
        need = need_index_sheet(con, level, period)
    except InputError:
        return ind
    return combine(ind, need, name=f"gebiete_{level}", title=ind.title.replace("Kennzahlen", "Gebiete"))


def mark_cells(sheet: Sheet, min_population: float | None = None) -> Sheet:
    """Rules every area table obeys on the way out, as the maps do:

    - rates (derived from counts) of areas under ``min_population`` residents (setting ``min_population``) are
      left out, flag ``not_scored`` (a rate of 3 people is noise, and the rule is the same on the map);
    - values flagged ``doubtful`` (a confirmed plausibility warning) are named in a column "Hinweis" per row,
      so that the mark travels with the number into CSV, XLSX and GeoPackage.
    """
    from dataclasses import replace

    from sozialraum.analysis.rates import apply_min_population
    from sozialraum.indicators.registry import INDICATORS

    values = sheet.values.copy()
    flags = sheet.flags.copy() if sheet.flags is not None else pd.DataFrame(index=values.index)
    notes = list(sheet.notes)
    rate_cols = [c.key for c in sheet.columns
                 if c.key in INDICATORS and INDICATORS[c.key].aggregation == "ratio" and c.key in flags.columns]
    if rate_cols:
        population = (pd.to_numeric(values["ew_gesamt"], errors="coerce") if "ew_gesamt" in values.columns
                      else pd.Series(np.nan, index=values.index))
        if min_population is None:
            from sozialraum.settings import default

            min_population = default("min_population")
        hidden = 0
        for key in rate_cols:
            _, small = apply_min_population(pd.to_numeric(values[key], errors="coerce"), population,
                                               min_population)
            blank = (small == "not_scored") & (flags[key] != "suppressed").to_numpy() & \
                pd.to_numeric(values[key], errors="coerce").notna().to_numpy()
            values.loc[blank, key] = np.nan
            flags.loc[blank, key] = "not_scored"
            hidden += int(blank.sum())
        if hidden:
            notes.append(f"Quoten von Gebieten mit weniger als {min_population:g} Einwohner/innen sind nicht "
                         f"angegeben (Mindestbevölkerung; {hidden} Werte).")
    doubtful = flags.eq("doubtful") if len(flags.columns) else pd.DataFrame(index=values.index)
    columns = sheet.columns
    if len(doubtful.columns) and doubtful.to_numpy().any():
        header = {c.key: c.header for c in sheet.columns}
        values["hinweis"] = [
            ("unsicher: " + ", ".join(header.get(k, k) for k in doubtful.columns[row.to_numpy()]))
            if row.any() else "" for _, row in doubtful.iterrows()]
        columns = (*columns, Column("hinweis", "Hinweis"))
        notes.append("„unsicher“: Werte, die die Plausibilitätsprüfung beim Einlesen als zweifelhaft gemeldet hat "
                     "und die bestätigt wurden.")
    return replace(sheet, values=values, flags=flags, columns=columns, notes=tuple(notes))


def _metric_crs(con):
    from sozialraum.store.connection import metric_epsg

    epsg = metric_epsg(con)
    if epsg is None:
        raise InputError("Die Datenbank hat noch kein Koordinatenbezugssystem (keine Gebiete geladen).")
    return f"EPSG:{epsg}"


def _notes(con) -> list[str]:
    from sozialraum.store import read

    notes = []
    if read.is_fictional(con):
        notes.append("Fiktive Demodaten (Musterstadt) – keine echten Personen oder Orte.")
    for r in read.sources(con).itertuples():
        bits = [r.title, r.publisher, r.licence, r.attribution]  # missing ones come as None or NaN
        notes.append("Quelle: " + " · ".join(b.strip() for b in bits if isinstance(b, str) and b.strip()))
    return notes


def export_data(con, what: str, fmt: str, out: str | Path, *, level: str | None = None,
                period: str | None = None, threshold: float | None = None,
                min_population: float | None = None) -> Path:
    """Write one export file. ``what`` in WHAT, ``fmt`` in FORMATS; level/period default to the finest level
    with data and its latest period (ignored for ``sites``). ``threshold``: smallest published count
    (default: setting ``suppression_threshold``); ``min_population``: rates of smaller areas are left out
    (default: setting ``min_population``; see ``mark_cells``)."""
    from sozialraum.export import tabular
    from sozialraum.export.tables import default_level, default_period

    if what not in WHAT:
        raise InputError(f"Unbekannter Export {what!r}; möglich: {', '.join(WHAT)}")
    if fmt not in FORMATS:
        raise InputError(f"Unbekanntes Format {fmt!r}; möglich: {', '.join(FORMATS)}")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if what == "sites":
        sheets = site_sheets(con)
        if fmt == "csv":
            merged = pd.concat([s.values for s in sheets.values()], ignore_index=True)
            first = next(iter(sheets.values()))
            return tabular.write_csv(Sheet("standorte", "Standorte", first.columns, merged), out)
        if fmt == "xlsx":
            return tabular.write_xlsx(sheets.values(), out, notes=_notes(con))
        import shapely

        crs = _metric_crs(con)
        layers = {name: (s, shapely.points(s.values["x"].to_numpy(float), s.values["y"].to_numpy(float)), crs)
                  for name, s in sheets.items() if len(s.values)}
        return tabular.write_gpkg(layers, out)
    level = level or default_level(con)
    period = period or default_period(con, level)
    sheet = _area_sheet(con, what, level, period, threshold, min_population)
    if fmt == "csv":
        return tabular.write_csv(sheet, out)
    if fmt == "xlsx":
        return tabular.write_xlsx([sheet], out, notes=_notes(con))
    from sozialraum.store import read

    areas = read.areas(con, level).set_index("area_key").reindex(sheet.values["area_key"])
    if areas.geometry.isna().any():
        raise InputError(f"Für einige Gebiete der Ebene {level!r} fehlt die Geometrie.")
    return tabular.write_gpkg({sheet.name: (sheet, areas.geometry.values, areas.crs)}, out)


def export_bytes(con, what: str, fmt: str, *, level: str | None = None, period: str | None = None,
                 threshold: float | None = None, min_population: float | None = None) -> bytes:
    """The export file's content (for a download button)."""
    with tempfile.TemporaryDirectory(prefix="sozialraum_export_") as tmp:
        path = export_data(con, what, fmt, Path(tmp) / f"export{FORMATS[fmt]}", level=level, period=period,
                           threshold=threshold, min_population=min_population)
        return path.read_bytes()


def file_name(what: str, fmt: str, level: str | None = None, period: str | None = None) -> str:
    """A descriptive file name, e.g. ``kennzahlen_ms_planungsraum_2024-12-31.csv``."""
    stem = {"indicators": "kennzahlen", "areas": "gebiete", "need-index": "bedarfsindex", "sites": "standorte"}[what]
    parts = [stem] + ([level] if level and what != "sites" else []) + ([period] if period and what != "sites" else [])
    return "_".join(str(p) for p in parts) + FORMATS[fmt]


__all__ = ["WHAT", "FORMATS", "MIME", "export_data", "export_bytes", "file_name", "site_sheets"]
