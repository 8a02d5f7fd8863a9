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
from sozialraum.io.tables import MAX_PROBLEMS, apply_filters, key_text, parse_column, read_raw

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
                extent=None):
    """Read, check and reproject points for one store table (see the module docstring)."""
    import geopandas as gpd
    import shapely
    from pyproj import CRS

    from sozialraum.io.shapes import check_axes, check_crs, read_vector

    path = Path(path)
    file = path.name
    id_col, fields = _point_table(table)
    columns = dict(columns or {})
    values = dict(values or {})
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
        raw = read_raw(path)
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

    out = pd.DataFrame(index=raw.index)
    if id:
        ids = [key_text(c) for c in raw[id]]
        missing = [Problem(file, "Kennung fehlt", row=int(r), column=id) for r, k in zip(raw.index, ids) if not k]
        if missing:
            raise InputError(missing[:MAX_PROBLEMS])
        out[id_col] = [f"{id_prefix}{k}" for k in ids]
    else:
        out[id_col] = [f"{id_prefix}{r}" for r in raw.index]
    dup = out[out[id_col].duplicated(keep=False)]
    if len(dup):
        raise InputError([Problem(file, f"Kennung {k!r} kommt mehrfach vor (Zeilen "
                                  f"{', '.join(str(r) for r in g.index)})", row=int(g.index[0]), column=id)
                          for k, g in dup.groupby(id_col, sort=False)][:MAX_PROBLEMS])
    for fld, cols in columns.items():
        out[fld] = _field(raw, fld, cols, file)
    for fld, val in values.items():
        out[fld] = val
    for fld, rules in (classify or {}).items():
        if not name_col:
            raise InputError("Zuordnung nach Namen ohne Namensspalte", file=file)
        out[fld] = [_classify(str(n), rules) for n in raw[name_col]]
    if "name" in out and unnamed:
        out["name"] = [n if n else unnamed for n in out["name"]]
    if "name" in out:
        empty = [Problem(file, "Name fehlt", row=int(r), column=name_col) for r, n in out["name"].items() if not n]
        if empty:
            raise InputError(empty[:MAX_PROBLEMS])
    if geoms is None:
        gx = _coordinates(raw, x, src_crs.is_geographic)
        gy = _coordinates(raw, y, src_crs.is_geographic)
        bad = [Problem(file, "Koordinate fehlt", row=int(r), column=f"{x}/{y}")
               for r, a, b in zip(raw.index, gx, gy) if np.isnan(a) or np.isnan(b)]
        if src_crs.is_geographic:
            bad += _out_of_range(raw.index, gx, x, 180.0, "Länge", file)
            bad += _out_of_range(raw.index, gy, y, 90.0, "Breite", file)
        if bad:
            raise InputError(bad[:MAX_PROBLEMS])
        geometry = gpd.points_from_xy(gx, gy)
    else:
        empty = [Problem(file, "Punktgeometrie fehlt", row=int(r)) for r, g in geoms.loc[raw.index].items()
                 if g is None or g.is_empty]
        if empty:
            raise InputError(empty[:MAX_PROBLEMS])
        geometry = list(geoms.loc[raw.index].values)
    gdf = gpd.GeoDataFrame(out.reset_index(drop=True), geometry=geometry, crs=src_crs)
    gdf["row"] = list(raw.index)
    if src_crs.is_geographic and len(gdf):
        xy = shapely.get_coordinates(gdf.geometry.values)
        bad = _out_of_range(gdf["row"], xy[:, 0], x or "Geometrie", 180.0, "Länge", file)
        bad += _out_of_range(gdf["row"], xy[:, 1], y or "Geometrie", 90.0, "Breite", file)
        if bad:
            raise InputError(bad[:MAX_PROBLEMS])
    check_axes(gdf, file, extent=extent, rows=gdf["row"], column=f"{x}/{y}" if x and y else None)
    target = CRS.from_epsg(int(target_epsg))
    return gdf if gdf.crs.equals(target) else gdf.to_crs(target)


def _coordinates(raw, column: str, geographic: bool) -> np.ndarray:
    """A coordinate column. Degrees have no thousands separators: a dot or a comma is the decimal separator
    (``13.305`` = 13,305°); metric coordinates follow the file's number format."""
    if not geographic:
        return parse_column(raw, column)[0]
    file = raw.attrs.get("file")
    values, problems = np.full(len(raw), np.nan), []
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
    if problems:
        raise InputError(problems[:MAX_PROBLEMS])
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


def _field(raw, fld, cols, file):
    cols = [cols] if isinstance(cols, str) else list(cols)
    if fld in NUMERIC_FIELDS:
        values, _ = parse_column(raw, cols[0])
        return values
    if fld in BOOL_FIELDS:
        out, problems = [], []
        for r, c in raw[cols[0]].items():
            t = _text(c).lower()
            if t in _TRUE:
                out.append(True)
            elif t in _FALSE:
                out.append(None if t == "" else False)
            else:
                out.append(None)
                problems.append(Problem(file, f"{c!r} ist weder ja noch nein", row=int(r), column=cols[0]))
        if problems:
            raise InputError(problems[:MAX_PROBLEMS])
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
