"""Points (providers, candidate venues, Jobcenter sites) from CSV or GeoJSON/GeoPackage.

``read_points(path, *, table, target_epsg, x=None, y=None, crs=None, id=None, id_prefix="", columns=None,
values=None, filters=None, name_pattern=None, classify=None) -> gpd.GeoDataFrame``
    CSV: coordinates in columns ``x``/``y`` (e.g. ``lon``/``lat``) in the given ``crs`` (required: we never
    guess); decimal comma or point. GeoJSON/GeoPackage/Shapefile: the file's geometry and CRS.
    ``columns`` maps store fields of ``table`` (see ``sozialraum.store.write.POINT_TABLES``: name, traeger,
    dachverband, capacity, opening_hours, address, ...) to file columns; a list of columns is joined with
    ", " (e.g. street and postcode into ``address``). ``values`` sets constants (``service_type = "kita"``).
    ``filters`` keeps rows whose column equals a text; ``name_pattern`` keeps rows whose name matches a
    regular expression (case-insensitive); ``classify`` = {field: [[regex, value], ..., [".*", default]]}
    sets a field from the first pattern matching the name. Rows without a name are rejected unless
    ``unnamed`` gives a stand-in name (e.g. "Bibliothek (ohne Namen)").
    The result has the table's id column (``id_prefix`` + file id, or + row number) and is in ``target_epsg``.
    Untidy tables (title rows, two-row headers, notes under the table): ``sheet``, ``header_row`` (``"auto"`` =
    detected, 0 = none), ``header_rows``, ``first_row``, ``last_row`` as for statistics (``sozialraum.io.layout``).
    The type field (``service_type`` / ``venue_type`` / ``site_type``) must be a key of ``sozialraum.services``; a
    file's text is taken through ``type_map`` (text → key) or recognised by key or label ("Bibliothek",
    "Stadtteilzentrum"). Row problems (no name, no or unreadable coordinate, unknown type, …) are all listed;
    ``on_invalid="stop"`` raises them, ``"skip"`` leaves those rows out and lists them in ``attrs["skipped"]``.

    Coordinates: in a geographic CRS (lon/lat) a dot is always the decimal point (``13.305`` is 13,305°, never
    13305) and a comma too (``13,305``); values outside ±180/±90 and swapped axes (checked against ``extent``,
    the store's lon/lat bounds, else Germany) are refused, naming file, row, column and value.

``within_areas(points, areas) -> pd.Series`` — area key containing each point (None outside), pure shapely.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from sozialraum.errors import InputError, Problem
from sozialraum.io.tables import MAX_PROBLEMS, apply_filters, key_text, parse_column

NUMERIC_FIELDS = {"capacity"}
BOOL_FIELDS = {"barrier_free"}
_TRUE = {"ja", "j", "yes", "y", "true", "wahr", "1", "x"}
_FALSE = {"nein", "n", "no", "false", "falsch", "0", ""}


def _point_table(table: str):
    from sozialraum.store.write import POINT_TABLES

    if table not in POINT_TABLES:
        raise InputError(f"Unbekannte Punkttabelle {table!r} (möglich: {', '.join(POINT_TABLES)})")
    return POINT_TABLES[table]


def _is_vector(path: Path) -> bool:
    return path.suffix.lower() in (".geojson", ".json", ".gpkg", ".shp", ".zip")


def read_points(path: str | Path, *, table: str, target_epsg: int, x: str | None = None, y: str | None = None,
                crs: int | str | None = None, id: str | None = None, id_prefix: str = "",
                columns: dict | None = None, values: dict | None = None, filters: dict | None = None,
                name_pattern: str | None = None, classify: dict | None = None, unnamed: str | None = None,
                extent=None, sheet: str | int | None = None, header_row: int | str | None = 1, header_rows=None,
                first_row: int | None = None, last_row: int | None = None, type_map: dict | None = None,
                on_invalid: str = "stop"):
    """Read, check and reproject points for one store table (see the module docstring)."""
    import geopandas as gpd
    import shapely
    from pyproj import CRS

    from sozialraum.io.shapes import check_axes, check_crs, read_vector
    from sozialraum.io.tables import load_table

    path = Path(path)
    file = path.name
    id_col, fields = _point_table(table)
    columns = dict(columns or {})
    values = dict(values or {})
    if on_invalid not in ("stop", "skip"):
        raise InputError(f"Unbekannte Regel für fehlerhafte Zeilen: {on_invalid!r} (stop oder skip)", file=file)
    unknown = [f for f in list(columns) + list(values) if f not in fields]
    if unknown:
        raise InputError(f"Unbekannte Felder für {table}: {', '.join(unknown)} (möglich: {', '.join(fields)})",
                         file=file)
    if _is_vector(path):
        vec = read_vector(path)
        check_crs(vec, file)
        if len(vec) and not set(vec.geom_type.dropna()) <= {"Point"}:
            raise InputError(f"Erwartet Punkte, gefunden: {', '.join(sorted(set(vec.geom_type.dropna())))}",
                             file=file)
        raw = pd.DataFrame(vec.drop(columns="geometry"), dtype=object)
        raw.index = pd.Index(range(1, len(raw) + 1), name="row")
        raw.attrs.update(file=file, separator=",", kind="vector")
        geoms = pd.Series(list(vec.geometry.values), index=raw.index, dtype=object)
        src_crs = vec.crs
    else:
        if not (x and y):
            raise InputError("Für CSV-Punkte bitte die Koordinatenspalten angeben (z. B. lon/lat oder x/y)",
                             file=file)
        if crs is None:
            raise InputError("Für CSV-Punkte bitte das Koordinatensystem angeben (z. B. EPSG:4326 für lon/lat) "
                             "– es wird nicht geraten.", file=file)
        raw = load_table(path, sheet=sheet, header_row=header_row, header_rows=header_rows, first_row=first_row,
                         last_row=last_row)
        geoms, src_crs = None, CRS.from_user_input(crs if not str(crs).isdigit() else int(crs))
    raw = apply_filters(raw, filters)
    raw.attrs["file"] = file
    name_col = columns.get("name")
    if name_pattern:
        if not name_col:
            raise InputError("Namensfilter ohne Namensspalte", file=file)
        rx = re.compile(name_pattern, re.IGNORECASE)
        raw = raw[[bool(rx.search(str(c))) for c in raw[name_col]]]
        raw.attrs["file"] = file
    _require(raw, [c for cols in columns.values() for c in ([cols] if isinstance(cols, str) else cols)]
             + ([id] if id else []) + ([x, y] if geoms is None else []), file)

    bad: list[Problem] = []  # row problems: all listed; they stop the import or (on_invalid="skip") drop the row
    out = pd.DataFrame(index=raw.index)
    if id:
        ids = [key_text(c) for c in raw[id]]
        bad += [Problem(file, "Kennung fehlt", row=int(r), column=id) for r, k in zip(raw.index, ids) if not k]
        out[id_col] = [f"{id_prefix}{k}" if k else None for k in ids]
        dup = out[out[id_col].notna() & out[id_col].duplicated(keep=False)]
        if len(dup):
            raise InputError([Problem(file, f"Kennung {k[len(id_prefix):]!r} kommt mehrfach vor (Zeilen "
                                      f"{', '.join(str(r) for r in g.index)})", row=int(g.index[0]), column=id)
                              for k, g in dup.groupby(id_col, sort=False)][:MAX_PROBLEMS])
    else:
        out[id_col] = [f"{id_prefix}{r}" for r in raw.index]
    for fld, cols in columns.items():
        out[fld] = _field(raw, fld, cols, file, bad)
    for fld, val in values.items():
        out[fld] = val
    for fld, rules in (classify or {}).items():
        if not name_col:
            raise InputError("Zuordnung nach Namen ohne Namensspalte", file=file)
        out[fld] = [_classify(str(n), rules) for n in raw[name_col]]
    if "name" in out and unnamed:
        out["name"] = [n if n else unnamed for n in out["name"]]
    if "name" in out:
        bad += [Problem(file, "Name fehlt", row=int(r), column=name_col) for r, n in out["name"].items() if not n]
    type_field = TYPE_FIELDS[table]
    if type_field in out:
        out[type_field] = _types(out[type_field], table, type_map, file, columns.get(type_field), bad)
    if geoms is None:
        unreadable: list[Problem] = []
        gx = _coordinates(raw, x, src_crs.is_geographic, unreadable)
        gy = _coordinates(raw, y, src_crs.is_geographic, unreadable)
        said = {p.row for p in unreadable}
        bad += unreadable + [Problem(file, "Koordinate fehlt", row=int(r), column=f"{x}/{y}")
                             for r, a, b in zip(raw.index, gx, gy) if (np.isnan(a) or np.isnan(b)) and r not in said]
        if src_crs.is_geographic:
            bad += _out_of_range(raw.index, gx, x, 180.0, "Länge", file)
            bad += _out_of_range(raw.index, gy, y, 90.0, "Breite", file)
        geometry = pd.Series(list(gpd.points_from_xy(gx, gy)), index=raw.index, dtype=object)
    else:
        geometry = geoms.loc[raw.index]
        bad += [Problem(file, "Punktgeometrie fehlt", row=int(r)) for r, g in geometry.items() if g is None or g.is_empty]
    bad = sorted(bad, key=lambda p: (p.row or 0, p.column or ""))
    if bad and on_invalid == "stop":
        raise InputError(bad[:MAX_PROBLEMS])
    keep = ~raw.index.isin({p.row for p in bad})
    out, geometry = out[keep], geometry[keep]
    gdf = gpd.GeoDataFrame(out.reset_index(drop=True), geometry=list(geometry.values), crs=src_crs)
    gdf["row"] = list(out.index)
    if src_crs.is_geographic and len(gdf):
        xy = shapely.get_coordinates(gdf.geometry.values)
        wrong = _out_of_range(gdf["row"], xy[:, 0], x or "Geometrie", 180.0, "Länge", file)
        wrong += _out_of_range(gdf["row"], xy[:, 1], y or "Geometrie", 90.0, "Breite", file)
        if wrong:
            raise InputError(wrong[:MAX_PROBLEMS])
    check_axes(gdf, file, extent=extent, rows=gdf["row"], column=f"{x}/{y}" if x and y else None)
    target = CRS.from_epsg(int(target_epsg))
    gdf = gdf if gdf.crs.equals(target) else gdf.to_crs(target)
    gdf.attrs["skipped"] = bad
    return gdf


TYPE_FIELDS = {"providers": "service_type", "candidate_venues": "venue_type", "jobcenter_sites": "site_type"}


def type_choices(table: str) -> dict[str, str]:
    """The allowed types of a point table: key → German label (``sozialraum.services``)."""
    from sozialraum import services

    return {"providers": services.SERVICE_TYPES, "candidate_venues": services.VENUE_TYPES,
            "jobcenter_sites": services.JOBCENTER_SITE_TYPES}[table]


def suggest_type(value, table: str) -> str | None:
    """The type a file's text means, by normalised key or label ("Stadtteilzentrum", "Bibliothek", "Bürgeramt",
    "Stadtteilzentrum / Nachbarschaftstreff" → their keys; a label's parts split at "/" count too); None if none."""
    from sozialraum.io.matching import normalise

    text = normalise(str(value or ""))
    if not text:
        return None
    for key, label in type_choices(table).items():
        names = {key, label, *re.split(r"\s*/\s*|\s*\(", label)}
        if text in {normalise(n) for n in names if n}:
            return key
    return None


def _types(cells: pd.Series, table: str, type_map: dict | None, file: str, column: str | None,
           bad: list[Problem]) -> list:
    """The type field: the file's text through ``type_map`` (file text → key), else a key or label as such."""
    allowed = type_choices(table)
    mapping = {str(k).strip(): v for k, v in (type_map or {}).items()}
    out = []
    for row, cell in cells.items():
        text = _text(cell)
        key = mapping.get(text) or (text if text in allowed else suggest_type(text, table))
        if key not in allowed:
            shown = ", ".join(f"{k} ({v})" for k, v in allowed.items())
            bad.append(Problem(file, (f"Art {text!r} ist keiner bekannten Art zugeordnet (möglich: {shown})" if text
                                      else "Art fehlt"), row=int(row), column=column))
            key = None
        out.append(key)
    return out


def _coordinates(raw, column: str, geographic: bool, problems: list[Problem]) -> np.ndarray:
    """A coordinate column (unreadable cells NaN, their problems appended to ``problems``). Degrees have no
    thousands separators: a dot or a comma is the decimal separator (``13.305`` = 13,305°); metric coordinates
    follow the file's number format."""
    file = raw.attrs.get("file")
    values = np.full(len(raw), np.nan)
    if not geographic:
        from sozialraum.io.tables import detect_decimal, parse_number

        decimal = detect_decimal(raw, [column])
        for i, (row, cell) in enumerate(zip(raw.index, raw[column])):
            try:
                values[i] = parse_number(cell, decimal)[0]
            except ValueError as exc:
                problems.append(Problem(file, str(exc), row=int(row), column=column))
        return values
    for i, (row, cell) in enumerate(zip(raw.index, raw[column])):
        text = "" if cell is None else str(cell).strip().replace(" ", "")
        if not text:
            continue
        if isinstance(cell, (int, float, np.integer, np.floating)) and not isinstance(cell, bool):
            values[i] = float(cell)
            continue
        if re.fullmatch(r"[+-]?\d+(?:[.,]\d+)?", text):
            values[i] = float(text.replace(",", "."))
        else:
            problems.append(Problem(file, f"{text!r} ist keine Koordinate in Grad (z. B. 13.305 oder 13,305)",
                                    row=int(row), column=column))
    return values


def _out_of_range(rows, values, column: str, limit: float, what: str, file: str) -> list[Problem]:
    from sozialraum.io.shapes import show_coordinate

    return [Problem(file, f"{what} {show_coordinate(v)} liegt außerhalb von −{limit:g}…{limit:g} Grad "
                          "(sind es Meter? Dann das passende Koordinatensystem angeben, z. B. EPSG:25832)",
                    row=int(r), column=column)
            for r, v in zip(rows, values) if np.isfinite(v) and abs(v) > limit]


def _require(raw, cols, file):
    missing = [c for c in cols if c not in raw.columns]
    if missing:
        shown = ", ".join(map(str, raw.columns))
        raise InputError([Problem(file, f"Spalte fehlt (vorhanden: {shown})", column=c) for c in missing])


def _text(cell) -> str:
    if cell is None or (isinstance(cell, float) and np.isnan(cell)):
        return ""
    return key_text(cell)


def _field(raw, fld, cols, file, bad: list[Problem]):
    cols = [cols] if isinstance(cols, str) else list(cols)
    if fld in NUMERIC_FIELDS:
        values, _ = parse_column(raw, cols[0])
        return values
    if fld in BOOL_FIELDS:
        out = []
        for r, c in raw[cols[0]].items():
            t = _text(c).lower()
            if t in _TRUE:
                out.append(True)
            elif t in _FALSE:
                out.append(None if t == "" else False)
            else:
                out.append(None)
                bad.append(Problem(file, f"{c!r} ist weder ja noch nein", row=int(r), column=cols[0]))
        return out
    joined = [", ".join(t for t in (_text(raw.at[r, c]) for c in cols) if t) for r in raw.index]
    return [j or None for j in joined] if fld != "name" else joined


def _classify(name: str, rules) -> str | None:
    for pattern, value in rules:
        if re.search(pattern, name, re.IGNORECASE):
            return value
    return None


def within_areas(points, areas, key: str = "area_key") -> pd.Series:
    """Key of the area that contains each point (None when outside all), via an STRtree."""
    import shapely

    tree = shapely.STRtree(areas.geometry.values)
    pi, ai = tree.query(points.geometry.values, predicate="within")
    keys = np.array(areas[key].astype(object).values)
    out = pd.Series([None] * len(points), index=points.index, dtype=object)
    first: dict[int, int] = {}
    for p, a in zip(pi, ai):
        first.setdefault(int(p), int(a))
    for p, a in first.items():
        out.iloc[p] = keys[a]
    return out
