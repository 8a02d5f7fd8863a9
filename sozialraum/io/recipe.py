"""Recipes: one TOML file naming the sources of a city (or country) and how to read them.

``run_recipe(con, recipe_path, data_dir) -> RecipeReport``
    Reads and validates every file first (nothing written yet), then writes all sources in ONE store
    transaction (``sozialraum.store.write.replace_sources``), so the whole recipe is all-or-nothing.
    Re-running a recipe replaces its sources; it never duplicates rows.
``read_recipe(con, recipe_path, data_dir) -> list[Part]`` — the reading/validation half, no writes.

File layout (paths relative to ``data_dir``)::

    [recipe]
    name = "Berlin"
    metric_epsg = 25833                 # the store's metric CRS

    [[source]]                          # one source = one entry of replace_sources
    id = "berlin-lor-2021"
    title = "…"; publisher = "…"; licence = "…"; attribution = "…"; reference_date = "2021-01-01"; url = "…"

    [[source.areas]]                    # one level of areas (options of sozialraum.io.shapes.read_areas)
    level = "berlin_plr"; label = "Planungsraum"; hierarchy = "berlin-lor-2021"; rank = 0
    parent_level = "berlin_bzr"; file = "…geojson"; key = "PLR_ID"; name = "PLR_NAME"; parent_slice = [0, 6]
    # or: parent = "Bezirk"; parent_match = "name"   (the column names the parent area; matched by normalised name)
    # rank and hierarchy may be left out when parent_level is given: the store ranks levels by their parent links

    [[source.statistics]]               # options of sozialraum.io.tables.read_statistics
    file = "…csv"; level = "berlin_plr"; key = "PLR_ID"; period = "2020-12-31"; sentinels = [-9999]
    [source.statistics.indicators]
    mss_s1 = "S1"                       # indicator key = column (a list of columns is summed)

    Options of a statistics entry for files that are not tidy (the import wizard writes them):
    sheet = "Profile 2022"              # an Excel sheet
    header_row = 1                      # the header row; 0 = no header ("Spalte 1", …); omitted with
    header_rows = [4, 5]                #   header_rows/first_row/last_row: a detected or given layout
    first_row = 6; last_row = 15        # the data range (spreadsheet row numbers)
    match = "name"                      # or "schluessel" (default) or "vorlage:STGT{:02d}" (key template)
    on_unmatched = "skip"               # "stop" (default): unmatched rows stop the import; "skip": listed
    scale = { kinderarmut = 100 }       # shares 0–1 imported as percentages
    EW_{jahr} in a column name          # years across columns: one period per year found

    [[source.points]]                   # options of sozialraum.io.points.read_points
    file = "…csv"; table = "providers"; x = "lon"; y = "lat"; crs = "EPSG:4326"; id = "id"
    id_prefix = "kita:"; inside_level = "berlin_plr"   # drop (and report) points outside that level
    [source.points.columns]
    name = "name"; traeger = "sponsor_name"; capacity = "places"; address = ["street", "zip_code"]
    [source.points.values]
    service_type = "kita"

    Options of a points entry for hand-typed lists (the import wizard and ``import-points`` write them):
    header_row = "auto"                 # title rows / notes detected (or header_rows, first_row, last_row, sheet)
    on_invalid = "skip"                 # rows without name or coordinate, or of an unknown type: left out, listed
    [source.points.columns]
    venue_type = "Art"                  # the type per row from a column …
    [source.points.type_map]
    "Stadtteilbücherei" = "bibliothek"  # … its texts → type keys (keys and labels are recognised by themselves)

    [[source.points]]                   # a few points written in the recipe itself instead of a file
    table = "jobcenter_sites"; x = "lon"; y = "lat"; crs = "EPSG:4326"; id = "id"
    rows = [{ id = "jc-1", name = "Jobcenter Meiningen", lon = 10.41, lat = 50.57 }]
    [source.points.columns]
    name = "name"
    # ``rows`` (a list of tables, one per point) takes the place of ``file``; the rows go through the same
    # checks as a CSV (coordinates, CRS, swapped axes, required fields). Messages name "<source id>: rows".

    [[source.points]]                   # one point per area of a level, at a point inside it (estimated)
    table = "candidate_venues"; at_areas = "gemeinde"; name_template = "{name}: Gemeindezentrum (Lage geschätzt)"
    [source.points.values]
    venue_type = "gemeindehaus"
"""

from __future__ import annotations

import tempfile
import tomllib
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sozialraum.errors import InputError, Problem
from sozialraum.io import loader
from sozialraum.store.write import Batch, SourceInfo, replace_sources

SOURCE_FIELDS = ("title", "publisher", "licence", "attribution", "reference_date", "url")
AREA_KEYS = {"level", "label", "hierarchy", "rank", "parent_level", "file", "parent_match"}


@dataclass
class Part:
    source: SourceInfo
    batch: Batch
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RecipeReport:
    name: str
    reports: tuple[loader.ImportReport, ...]

    def __str__(self) -> str:
        return "\n".join([f"Rezept {self.name}: {len(self.reports)} Quellen eingelesen"]
                         + [str(r) for r in self.reports])


def load_recipe(path: str | Path) -> dict:
    path = Path(path)
    if not path.exists():
        raise InputError(f"Rezept nicht gefunden: {path}")
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"Rezept ist kein gültiges TOML ({exc})", file=path.name) from exc
    sources = doc.get("source", [])
    if not sources:
        raise InputError("Rezept nennt keine Quellen ([[source]])", file=path.name)
    problems = []
    ids = [s.get("id") for s in sources]
    for i, s in enumerate(sources, 1):
        for required in ("id", "title"):
            if not s.get(required):
                problems.append(Problem(path.name, f"Quelle Nr. {i}: '{required}' fehlt"))
        for kind in ("areas", "statistics", "points"):
            for j, entry in enumerate(s.get(kind, []), 1):
                if "file" not in entry and not (kind == "points" and (entry.get("rows") or entry.get("at_areas"))):
                    problems.append(Problem(path.name, f"Quelle {s.get('id')}: {kind} Nr. {j} ohne 'file'"))
        problems += _unknown_options(s, path.name)
    dups = sorted({i for i in ids if ids.count(i) > 1 and i})
    if dups:
        problems.append(Problem(path.name, f"Quellen-IDs mehrfach: {', '.join(dups)}"))
    if problems:
        raise InputError(problems)
    return doc


def _allowed() -> dict[str, set[str]]:
    import inspect

    from sozialraum.io.points import read_points
    from sozialraum.io.shapes import read_areas
    from sozialraum.io.tables import read_statistics

    def params(f):
        return set(inspect.signature(f).parameters) - {"path"}

    return {"areas": (params(read_areas) | AREA_KEYS) - {"target_epsg"},
            "statistics": params(read_statistics) | {"file", "level", "on_unmatched"},
            "points": (params(read_points) | {"file", "inside_level", "rows", "at_areas", "name_template"})
            - {"target_epsg"}}


def _unknown_options(source: dict, file: str) -> list[Problem]:
    """Misspelt options in a recipe are reported, not passed on as a Python error."""
    allowed = _allowed()
    known_source = {"id", "areas", "statistics", "points", *SOURCE_FIELDS}
    out = [Problem(file, f"Quelle {source.get('id')}: unbekannte Angabe '{k}'") for k in source
           if k not in known_source]
    for kind, names in allowed.items():
        for j, entry in enumerate(source.get(kind, []), 1):
            out += [Problem(file, f"Quelle {source.get('id')}, {kind} Nr. {j}: unbekannte Angabe '{k}' "
                                  f"(möglich: {', '.join(sorted(names))})") for k in entry if k not in names]
    return out


def _file(data_dir: Path, entry: dict) -> Path:
    p = data_dir / entry["file"]
    if not p.exists():
        raise InputError(f"Datei aus dem Rezept fehlt: {p}")
    return p


@contextmanager
def _points_file(data_dir: Path, entry: dict, source_id: str):
    """The entry's file, or its inline ``rows`` written to a temporary CSV (read like any other CSV)."""
    if "file" in entry:
        yield _file(data_dir, entry)
        return
    rows = entry["rows"]
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise InputError(f"Quelle {source_id}: 'rows' muss eine Liste von Tabellen sein ({{ id = …, … }})")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{source_id}-rows.csv"
        pd.DataFrame(rows).astype(str).to_csv(path, index=False)
        yield path


def _at_areas(entry: dict, areas_by_level: dict, con, epsg: int, source_id: str) -> dict:
    """A points entry with ``at_areas = LEVEL``: one point per area of that level at a point inside it (shapely's
    representative point — an estimated location, e.g. for "Gemeindezentrum (Lage geschätzt)"), named with
    ``name_template`` ("{name}", "{key}"), id = the area key; turned into inline ``rows`` in the store's CRS."""
    from sozialraum.store import read

    level = entry["at_areas"]
    areas = areas_by_level.get(level)
    if areas is None:
        areas = read.areas(con, level)
    if areas is None or not len(areas):
        raise InputError(f"Quelle {source_id}: Gebietsebene {level!r} für at_areas ist unbekannt oder leer")
    template = str(entry.get("name_template", "{name}"))
    pts = areas.geometry.representative_point()
    try:
        rows = [{"id": str(k), "name": template.format(name=n, key=k), "x": f"{p.x:.2f}", "y": f"{p.y:.2f}"}
                for k, n, p in zip(areas["area_key"], areas["name"], pts)]
    except (KeyError, IndexError, ValueError) as exc:
        raise InputError(f"Quelle {source_id}: name_template {template!r} nicht lesbar (erlaubt: {{name}}, "
                         "{key})") from exc
    out = {k: v for k, v in entry.items() if k not in ("at_areas", "name_template")}
    columns = dict(out.get("columns") or {})
    columns.setdefault("name", "name")
    return {**out, "rows": rows, "x": "x", "y": "y", "crs": f"EPSG:{epsg}", "id": "id", "columns": columns}


def read_recipe(con, recipe_path: str | Path, data_dir: str | Path) -> list[Part]:
    """Read and validate every source of the recipe; nothing is written."""
    from sozialraum.store import read

    doc = load_recipe(recipe_path)
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise InputError(f"Datenverzeichnis nicht gefunden: {data_dir}")
    epsg = loader.target_epsg_for(con, doc.get("recipe", {}).get("metric_epsg"))
    parts: list[Part] = []
    areas_by_level: dict[str, object] = {}
    for s in doc["source"]:
        info = SourceInfo(s["id"], s["title"], **{k: (str(s[k]) if k in s else None) for k in SOURCE_FIELDS
                                                  if k != "title"},
                          files=tuple(e["file"] for k in ("areas", "statistics", "points") for e in s.get(k, [])
                                      if "file" in e))
        part = Part(info, Batch())
        levels, areas = [], []
        for entry in s.get("areas", []):
            opts = {k: v for k, v in entry.items() if k not in AREA_KEYS}
            if entry.get("parent_match") and entry.get("parent_level"):
                parent = areas_by_level.get(entry["parent_level"])
                opts["parent_match"] = entry["parent_match"]
                opts["parent_areas"] = (dict(zip(parent["area_key"], parent["name"])) if parent is not None
                                        else loader.area_names(con, entry["parent_level"]))
            lv, gdf, notes = loader.areas_part(_file(data_dir, entry), level=entry["level"], label=entry["label"],
                                               hierarchy=entry.get("hierarchy"), rank=entry.get("rank", 0),
                                               parent_level=entry.get("parent_level"), target_epsg=epsg, **opts)
            levels.append(lv)
            areas.append(gdf)
            areas_by_level[entry["level"]] = gdf
            part.notes += notes
        if areas:
            import geopandas as gpd

            part.batch.levels = pd.concat(levels, ignore_index=True)
            part.batch.areas = gpd.GeoDataFrame(pd.concat(areas, ignore_index=True), geometry="geometry",
                                                crs=areas[0].crs)
        parts.append(part)
    _check_parents(parts, con)
    for s, part in zip(doc["source"], parts):
        frames = []
        for entry in s.get("statistics", []):
            opts = {k: v for k, v in entry.items() if k not in ("file", "level")}
            lvl = entry["level"]
            if lvl in areas_by_level:
                gdf = areas_by_level[lvl]
                names = dict(zip(gdf["area_key"], gdf["name"]))
                totals = [n for other, g in areas_by_level.items() if other != lvl for n in g["name"]]
            else:
                names, totals = loader.area_names(con, lvl), loader.total_names(con, lvl)
            frame = loader.statistics_part(_file(data_dir, entry), level=lvl, areas=names, totals=totals,
                                           known_indicators=loader.known_indicators(con), **opts)
            loader.check_keys(frame, set(names), lvl, Path(entry["file"]).name, column=entry["key"])
            frames.append(frame)
            part.notes += frame.attrs.get("notes", []) + loader.flag_notes(frame, Path(entry["file"]).name)
        if frames:
            part.batch.observations = pd.concat(frames, ignore_index=True)
        points: dict[str, list] = {}
        for entry in s.get("points", []):
            if entry.get("at_areas"):
                entry = _at_areas(entry, areas_by_level, con, epsg, s["id"])
            opts = {k: v for k, v in entry.items() if k not in ("file", "table", "inside_level", "rows")}
            opts.setdefault("id_prefix", f"{s['id']}:")
            inside = None
            if entry.get("inside_level"):
                lvl = entry["inside_level"]
                inside = areas_by_level.get(lvl)
                if inside is None:
                    inside = read.areas(con, lvl)
                if not len(inside):
                    raise InputError(f"Gebietsebene {lvl!r} für Punkte aus {entry.get('file', 'rows')} ist unbekannt")
            with _points_file(data_dir, entry, s["id"]) as file:
                gdf, notes = loader.points_part(file, table=entry["table"], target_epsg=epsg, inside=inside, **opts)
            points.setdefault(entry["table"], []).append(gdf)
            part.notes += notes
        for table, gdfs in points.items():
            import geopandas as gpd

            part.batch.points[table] = gpd.GeoDataFrame(pd.concat(gdfs, ignore_index=True), geometry="geometry",
                                                        crs=gdfs[0].crs)
    return parts


def _check_parents(parts: list[Part], con) -> None:
    """Every area's parent exists among the recipe's (or the store's) areas of the parent level."""
    by_level: dict[str, set] = {}
    parent_of: dict[str, str | None] = {}
    for p in parts:
        if p.batch.areas is not None:
            for lvl, g in p.batch.areas.groupby("level"):
                by_level[lvl] = set(g["area_key"])
            parent_of.update(dict(zip(p.batch.levels["level"], p.batch.levels["parent_level"])))
    problems = []
    for p in parts:
        if p.batch.areas is None:
            continue
        for lvl, g in p.batch.areas.groupby("level"):
            parent = parent_of.get(lvl)
            if not parent or (isinstance(parent, float) and pd.isna(parent)):
                continue
            known = by_level.get(parent) or loader._store_keys(con, parent)
            for key, pk in zip(g["area_key"], g["parent_key"]):
                if pk not in known:
                    problems.append(Problem(None, f"Gebiet {key!r} ({lvl}): Obergebiet {pk!r} fehlt auf Ebene "
                                                  f"{parent!r}"))
    if problems:
        raise InputError(problems[:50])


def write_parts(con, parts: list[Part], *, confirm_warnings: bool = False) -> list[dict]:
    """Write every part in one store transaction: all sources land, or none does (plausibility: see
    ``sozialraum.store.write``; ``confirm_warnings`` writes doubtful values flagged ``doubtful``)."""
    return replace_sources(con, [(p.source, p.batch) for p in parts], confirm_warnings=confirm_warnings)


def run_recipe(con, recipe_path: str | Path, data_dir: str | Path, *,
               confirm_warnings: bool = False) -> RecipeReport:
    """Read everything, then write all sources all-or-nothing (see the module docstring)."""
    doc = load_recipe(recipe_path)
    parts = read_recipe(con, recipe_path, data_dir)
    counts = write_parts(con, parts, confirm_warnings=confirm_warnings)
    reports = tuple(loader.ImportReport(p.source.source_id, c, tuple(p.notes)) for p, c in zip(parts, counts))
    return RecipeReport(doc.get("recipe", {}).get("name", Path(recipe_path).stem), reports)
