"""Area polygons from GeoJSON, GeoPackage, Shapefile and zipped Shapefile.

``read_areas(path, *, key, name, target_epsg, parent=None, parent_slice=None, key_slice=None, key_width=None,
layer=None, parent_replace=None, filters=None) -> AreasRead``
    Reads one layer, checks and cleans it and reprojects it to ``target_epsg`` (a metric CRS).
    ``filters`` keeps only the features whose column equals a text (a list: any of them), as for tables —
    e.g. ``{"SN_L": "16", "SN_K": "66"}`` for the Gemeinden of one Kreis; row numbers then count the kept rows.

    - The CRS comes from the file (``.prj``, GeoPackage metadata, a GeoJSON ``crs`` member such as
      ``urn:ogc:def:crs:EPSG::25833``; a GeoJSON without one is WGS84 by RFC 7946). A file without any CRS is
      rejected — we never guess. Lon/lat files whose coordinates are plainly metres are rejected too.
    - Keys are text, leading zeros kept; ``key_width`` zero-pads numeric keys, ``key_slice=[start, end]``
      cuts them (e.g. ``[-2]`` keeps the last two characters).
    - Parent keys come from a column (``parent``) or from the key itself (``parent_slice=[0, 6]``);
      ``parent_replace`` maps outdated parent keys to current ones (reported).
    - Invalid geometries are repaired with ``make_valid`` and reported by key; empty or missing geometries,
      non-polygons, empty keys/names and duplicate keys are rejected, naming the keys and feature rows.

``check_axes(gdf, file, *, extent=None, rows=None, column=None)``
    Rejects swapped axes (lat/lon or x/y): features that lie outside the reference extent (the store's areas
    widened by ~50 km, else Germany) but inside it once x and y are exchanged; each named with row and value.

``AreasRead``: ``gdf`` (area_key, name, parent_key, geometry; CRS = target), ``repaired`` (keys),
``replaced_parents`` (key → (old, new)), ``source_crs`` (text).
Feature rows are counted from 1 in file order.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sozialraum.errors import InputError, Problem
from sozialraum.io.tables import _slice, key_text

MAX_LISTED = 20
GERMANY_WGS84 = (5.5, 47.0, 15.5, 55.1)  # lon/lat bounding box of Germany (a little generous)
EXTENT_MARGIN_DEG = 0.5  # the store's extent widened by about 50 km


@dataclass(frozen=True)
class AreasRead:
    gdf: object
    repaired: tuple[str, ...] = ()
    replaced_parents: dict = field(default_factory=dict)
    source_crs: str = ""

    def notes(self) -> list[str]:
        out = []
        if self.repaired:
            out.append(f"{len(self.repaired)} ungültige Geometrie(n) repariert: {', '.join(self.repaired[:20])}")
        for key, (old, new) in list(self.replaced_parents.items())[:20]:
            out.append(f"Gebiet {key}: Obergebiet {old} durch {new} ersetzt")
        return out


def open_target(path: Path, layer: str | None = None) -> tuple[str, str | None]:
    """The path string GDAL should open (``/vsizip/`` for zip files) and the layer."""
    if path.suffix.lower() != ".zip":
        return str(path), layer
    from sozialraum.io.upload import Limits, check_zip_directory

    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise InputError(f"Das ZIP-Archiv ist beschädigt ({exc})", file=path.name) from exc
    with zf:
        # the same archive rules as for uploads: no '..' or absolute paths, links, nested archives, ZIP bombs
        check_zip_directory(path.name, zf, path.stat().st_size, Limits.from_settings())
        shps = [n for n in zf.namelist() if n.lower().endswith((".shp", ".gpkg", ".geojson", ".json"))
                and not n.startswith("__MACOSX")]
    if not shps:
        raise InputError("Im ZIP-Archiv ist keine Shapefile-, GeoPackage- oder GeoJSON-Datei", file=path.name)
    if len(shps) > 1 and layer is None:
        raise InputError(f"Im ZIP-Archiv sind mehrere Dateien ({', '.join(shps)}); bitte eine auswählen",
                         file=path.name)
    inner = layer if layer in shps else shps[0]
    return f"/vsizip/{path}/{inner}", (None if layer in shps else layer)


def read_vector(path: str | Path, layer: str | None = None):
    """GeoDataFrame as stored in the file (no checks beyond readability)."""
    import geopandas as gpd

    path = Path(path)
    if not path.exists():
        raise InputError(f"Datei nicht gefunden: {path}")
    target, layer = open_target(path, layer)
    try:
        kwargs = {"layer": layer} if layer else {}
        return gpd.read_file(target, engine="pyogrio", **kwargs)
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - GDAL errors come in many types
        raise InputError(f"Datei kann nicht als Geodaten gelesen werden ({exc})", file=path.name) from exc


def check_crs(gdf, file: str) -> None:
    """Reject a missing CRS and lon/lat files whose coordinates are plainly not degrees."""
    if gdf.crs is None:
        raise InputError("Kein Koordinatenbezugssystem (CRS) angegeben. Bitte die .prj-Datei mitliefern oder "
                         "das CRS in der Datei setzen – es wird nicht geraten.", file=file)
    if gdf.crs.is_geographic and len(gdf):
        b = gdf.geometry.bounds
        bad = (b["minx"] < -180) | (b["maxx"] > 180) | (b["miny"] < -90) | (b["maxy"] > 90)
        if bad.any():
            raise InputError([
                Problem(file, f"Die Koordinaten (bis {show_coordinate(r.maxx)} / {show_coordinate(r.maxy)}) sind "
                              f"keine Längen-/Breitengrade, die Datei gibt aber {gdf.crs.to_string()} an. Fehlt die "
                              "CRS-Angabe (z. B. EPSG:25833)?", row=int(i) + 1)
                for i, r in enumerate(b.itertuples(index=False)) if bad.iloc[i]][:MAX_LISTED])


def show_coordinate(v) -> str:
    """A coordinate in German number format without trailing zeros: 13,305 / 390.000."""
    from sozialraum.formatting import format_number

    text = format_number(float(v), 6)
    return text.rstrip("0").rstrip(",") if "," in text else text


def reference_extent(extent=None) -> tuple[float, float, float, float]:
    """(min_lon, min_lat, max_lon, max_lat) to test coordinates against: the given extent widened, or Germany."""
    import math

    if extent is None or any(v is None or math.isnan(float(v)) for v in extent):
        return GERMANY_WGS84
    m = EXTENT_MARGIN_DEG
    return (extent[0] - m, extent[1] - m, extent[2] + m, extent[3] + m)


def _inside(lonlat, box):
    import numpy as np

    x, y = lonlat[:, 0], lonlat[:, 1]
    with np.errstate(invalid="ignore"):
        return np.isfinite(x) & np.isfinite(y) & (x >= box[0]) & (x <= box[2]) & (y >= box[1]) & (y <= box[3])


def _to_lonlat(xy, crs):
    import numpy as np
    from pyproj import Transformer

    t = Transformer.from_crs(crs, 4326, always_xy=True)
    with np.errstate(all="ignore"):
        lon, lat = t.transform(xy[:, 0], xy[:, 1], errcheck=False)
    return np.column_stack([np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)])


def check_axes(gdf, file: str, *, extent=None, rows=None, column: str | None = None) -> None:
    """InputError when features lie in the reference extent only with x and y exchanged (see the docstring)."""
    import numpy as np
    import shapely

    if gdf.crs is None or not len(gdf):
        return
    geoms = gdf.geometry.values
    ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if not ok.any():
        return
    pts = shapely.get_coordinates(shapely.point_on_surface(geoms[ok]))
    box = reference_extent(extent)
    inside = _inside(_to_lonlat(pts, gdf.crs), box)
    swapped = ~inside & _inside(_to_lonlat(pts[:, ::-1], gdf.crs), box)
    if not swapped.any():
        return
    row_numbers = np.asarray(rows if rows is not None else range(1, len(gdf) + 1))[ok]
    where = "im Gebiet der Datenbank" if extent is not None else "in Deutschland"
    names = ("Länge", "Breite") if gdf.crs.is_geographic else ("x", "y")
    raise InputError([
        Problem(file, f"Achsen vertauscht? {names[0]} = {show_coordinate(a)}, {names[1]} = {show_coordinate(b)} "
                      f"liegt außerhalb; mit getauschten Werten läge der Ort {where}. Bitte die Spalten für "
                      f"{names[0]} und {names[1]} tauschen.", row=int(r), column=column)
        for r, (a, b) in zip(row_numbers[swapped], pts[swapped])][:MAX_LISTED * 2])


def to_metric(gdf, target_epsg: int, file: str):
    from pyproj import CRS

    target = CRS.from_epsg(int(target_epsg))
    if not target.is_projected:
        raise InputError(f"Ziel-CRS EPSG:{target_epsg} ist nicht metrisch", file=file)
    check_crs(gdf, file)
    return gdf if gdf.crs.equals(target) else gdf.to_crs(target)


def _require(gdf, columns: list[str], file: str) -> None:
    missing = [c for c in columns if c and c not in gdf.columns]
    if missing:
        shown = ", ".join(c for c in gdf.columns if c != "geometry")
        raise InputError([Problem(file, f"Spalte fehlt (vorhanden: {shown})", column=c) for c in missing])


def repair_polygons(geoms, keys, file: str) -> tuple[list, list[str]]:
    """make_valid on invalid polygons (keeping only their polygonal parts); rejects empty and non-polygons."""
    import shapely

    problems, repaired, out = [], [], []
    for i, (g, k) in enumerate(zip(geoms, keys), start=1):
        if g is None or g.is_empty:
            problems.append(Problem(file, f"Gebiet {k!r}: Geometrie fehlt oder ist leer", row=i))
            out.append(g)
            continue
        if g.geom_type not in ("Polygon", "MultiPolygon"):
            problems.append(Problem(file, f"Gebiet {k!r}: {g.geom_type} ist keine Fläche", row=i))
            out.append(g)
            continue
        if not g.is_valid:
            fixed = shapely.make_valid(g)
            if fixed.geom_type == "GeometryCollection":
                polys = [p for p in shapely.get_parts(fixed) if p.geom_type in ("Polygon", "MultiPolygon")]
                fixed = shapely.union_all(polys) if polys else shapely.Polygon()
            if fixed.is_empty or fixed.area == 0:
                problems.append(Problem(file, f"Gebiet {k!r}: ungültige Geometrie ohne Fläche", row=i))
            repaired.append(k)
            g = fixed
        out.append(g)
    if problems:
        raise InputError(problems[:MAX_LISTED * 2])
    return out, repaired


def read_areas(path: str | Path, *, key: str, name: str, target_epsg: int, parent: str | None = None,
               parent_slice: list[int] | None = None, key_slice: list[int] | None = None,
               key_width: int | None = None, layer: str | None = None,
               parent_replace: dict[str, str] | None = None, extent=None, filters: dict | None = None) -> AreasRead:
    """Read, check, repair and reproject one layer of areas (see the module docstring); ``extent``: the
    store's lon/lat bounds for the swapped-axes check (default: Germany)."""
    import geopandas as gpd

    path = Path(path)
    file = path.name
    raw = read_vector(path, layer)
    if filters:
        raw = _filtered(raw, filters, file)
    _require(raw, [key, name, parent], file)
    keys = [key_text(c, key_width, key_slice) for c in raw[key]]
    names = ["" if pd.isna(c) else str(c).strip() for c in raw[name]]
    problems = [Problem(file, "Schlüssel fehlt", row=i, column=key) for i, k in enumerate(keys, 1) if not k]
    problems += [Problem(file, f"Name fehlt für Gebiet {k!r}", row=i, column=name)
                 for i, (k, n) in enumerate(zip(keys, names), 1) if not n and k]
    seen: dict[str, list[int]] = {}
    for i, k in enumerate(keys, 1):
        if k:
            seen.setdefault(k, []).append(i)
    problems += [Problem(file, f"Schlüssel {k!r} kommt mehrfach vor (Zeilen {', '.join(map(str, rows))})",
                         row=rows[0], column=key) for k, rows in seen.items() if len(rows) > 1]
    if problems:
        raise InputError(problems[:MAX_LISTED * 2])
    if parent is not None:
        parents = [key_text(c) or None for c in raw[parent]]
    elif parent_slice is not None:
        parents = [k[_slice(parent_slice)] for k in keys]
    else:
        parents = [None] * len(keys)
    replaced = {}
    for i, (k, p) in enumerate(zip(keys, parents)):
        if parent_replace and p in parent_replace:
            replaced[k] = (p, parent_replace[p])
            parents[i] = parent_replace[p]
    check_crs(raw, file)
    check_axes(raw, file, extent=extent)
    metric = to_metric(raw, target_epsg, file)
    geoms, repaired = repair_polygons(list(metric.geometry.values), keys, file)
    gdf = gpd.GeoDataFrame({"area_key": keys, "name": names, "parent_key": parents},
                           geometry=geoms, crs=metric.crs)
    return AreasRead(gdf=gdf, repaired=tuple(repaired), replaced_parents=replaced,
                     source_crs=raw.crs.to_string())


def _filtered(raw, filters: dict, file: str):
    """The features matching ``filters`` (see ``sozialraum.io.tables.apply_filters``); none left is an error."""
    from sozialraum.io.tables import apply_filters

    raw.attrs["file"] = file
    kept = apply_filters(raw, filters).reset_index(drop=True)
    if not len(kept):
        shown = ", ".join(f"{k} = {v}" for k, v in filters.items())
        raise InputError(f"Kein Gebiet erfüllt den Filter ({shown})", file=file)
    return kept
