"""Import files into the store: read and validate everything first, then one ``replace_source``.

``import_areas(con, path, *, source, level, label, key, name, hierarchy=None, rank=0, parent_level=None,
parent=None, parent_slice=None, key_slice=None, key_width=None, layer=None, parent_replace=None,
target_epsg=None) -> ImportReport``
    One level of areas from a GeoJSON / GeoPackage / Shapefile / zipped Shapefile.
``import_statistics(con, path, *, source, level, key, indicators=None, period=None, **options) -> ImportReport``
    A CSV/XLSX table (options as in ``sozialraum.io.tables.read_statistics``). Unknown area keys and unknown
    indicators are reported with their rows before anything is written.
``import_points(con, path, *, source, table, inside_level=None, **options) -> ImportReport``
    Points for ``providers`` / ``candidate_venues`` / ``jobcenter_sites`` (options as in
    ``sozialraum.io.points.read_points``); ``inside_level`` drops (and reports) points outside that level.

``source`` is a ``sozialraum.store.SourceInfo``; importing the same ``source_id`` again replaces its rows.
All-or-nothing: on any problem an ``InputError`` is raised and the store is unchanged. Plausibility
(``sozialraum.io.plausibility``): doubtful values raise ``PlausibilityWarning`` unless ``confirm_warnings=True``
(then they are written flagged ``doubtful``).

The ``*_part`` functions do the reading and validation without writing; the recipe runner uses them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sozialraum.errors import InputError, Problem
from sozialraum.store.write import OBSERVATION_COLUMNS, PROVENANCE_COLUMNS, Batch, SourceInfo, replace_source

MAX_PROBLEMS = 50


@dataclass(frozen=True)
class ImportReport:
    source_id: str
    counts: dict = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def __str__(self) -> str:
        written = ", ".join(f"{k}: {v}" for k, v in self.counts.items())
        lines = [f"Quelle {self.source_id}: {written or 'nichts'} geschrieben"]
        return "\n".join(lines + [f"  Hinweis: {n}" for n in self.notes])


def target_epsg_for(con, target_epsg: int | None = None, gdf=None) -> int:
    """The store's metric CRS; for an empty store the given one, else the file's projected CRS, else UTM."""
    from sozialraum.store.connection import metric_epsg

    have = metric_epsg(con) if con is not None else None
    if have is not None:
        if target_epsg is not None and int(target_epsg) != have:
            raise InputError(f"Die Datenbank arbeitet in EPSG:{have}, verlangt wurde EPSG:{target_epsg}. "
                             "Bitte eine eigene Datenbank verwenden.")
        return have
    if target_epsg is not None:
        return int(target_epsg)
    if gdf is not None and gdf.crs is not None and gdf.crs.is_projected and gdf.crs.to_epsg():
        return int(gdf.crs.to_epsg())
    if gdf is not None and gdf.crs is not None and len(gdf):
        lon = gdf.to_crs(4326).total_bounds[[0, 2]].mean()
        return 25832 if lon < 12 else 25833
    return 25832


# --- areas -----------------------------------------------------------------------------------------------

def areas_part(path, *, level: str, label: str, key: str, name: str, target_epsg: int,
               hierarchy: str | None = None, rank: int = 0, parent_level: str | None = None,
               parent_match: str | None = None, parent_areas: dict[str, str] | None = None,
               **options) -> tuple[pd.DataFrame, object, list[str]]:
    """(levels row, areas GeoDataFrame with ``level``, notes) for one level; nothing written.

    ``parent_match``: how the parent column names the parent area — ``None``/``"schluessel"`` (its key),
    ``"name"`` (its name, normalised as in the statistics wizard) or ``"vorlage:…"`` (a key template); with a
    method other than the key, ``parent_areas`` (key → name of ``parent_level``) is required. Every row whose
    parent is not found is listed (with the closest names); the match table is in ``gdf.attrs["parent_match"]``."""
    from sozialraum.io.shapes import read_areas

    read = read_areas(path, key=key, name=name, target_epsg=target_epsg, **options)
    gdf = read.gdf
    gdf.insert(0, "level", level)
    table = None
    if parent_level is not None and parent_match and parent_match.lower() not in ("schluessel", "schlüssel", "key"):
        gdf, table = _match_parents(gdf, parent_match, parent_areas, parent_level, Path(path).name,
                                    options.get("parent"))
    if parent_level is None:
        gdf["parent_key"] = None
    elif gdf["parent_key"].isna().any():
        rows = [str(i + 1) for i in gdf.index[gdf["parent_key"].isna()][:20]]
        raise InputError(f"Obergebiet fehlt in Zeilen {', '.join(rows)}", file=Path(path).name)
    levels = pd.DataFrame([{"level": level, "label": label, "hierarchy": hierarchy or level, "rank": int(rank),
                            "parent_level": parent_level}])
    notes = [f"{Path(path).name}: {n}" for n in read.notes()]
    if table is not None:
        notes.append(f"{Path(path).name}: Obergebiete über den Namen zugeordnet ({len(table.frame)} Zeilen)")
    if read.source_crs and target_epsg:
        notes.append(f"{Path(path).name}: {len(gdf)} Gebiete ({level}), CRS {read.source_crs} → EPSG:{target_epsg}")
    gdf.attrs["parent_match"] = table
    return levels, gdf, notes


def _match_parents(gdf, method: str, parent_areas, parent_level: str, file: str, column: str | None):
    """Parent names (or numbers) → parent keys by the wizard's matcher; InputError listing every unmatched row."""
    from sozialraum.io.matching import STATUS_DE, match_rows, parse_method

    if parent_areas is None:
        raise InputError(f"Für den Abgleich der Obergebiete fehlen die Gebiete der Ebene {parent_level!r}", file=file)
    try:
        parsed = parse_method(method)
    except ValueError as exc:
        raise InputError(str(exc), file=file) from exc
    cells = pd.Series(list(gdf["parent_key"]), index=range(1, len(gdf) + 1))
    table = match_rows(cells, parent_areas, parsed, repeats_ok=True)
    bad = table.frame[table.frame["status"] != "matched"]
    if len(bad):
        raise InputError([Problem(file, (f"Obergebiet „{t}“: kein Gebiet dieses Namens auf Ebene {parent_level!r}"
                                         if s in ("unmatched", "empty", "total") else f"Obergebiet „{t}“: {STATUS_DE[s]}")
                                  + (f" – meinten Sie: {g}?" if g else ""), row=int(r), column=column)
                          for r, t, s, g in zip(bad["row"], bad["text"], bad["status"], bad["suggestions"])
                          ][:MAX_PROBLEMS])
    gdf = gdf.copy()
    gdf["parent_key"] = list(table.keys().reindex(cells.index))
    return gdf, table


def import_areas(con, path, *, source: SourceInfo, level: str, label: str, key: str, name: str,
                 hierarchy: str | None = None, rank: int = 0, parent_level: str | None = None,
                 target_epsg: int | None = None, confirm_warnings: bool = False, **options) -> ImportReport:
    """Read one level of areas and replace ``source`` with it (see the module docstring)."""
    from sozialraum.io.shapes import read_vector

    if target_epsg is None and _metric(con) is None:
        target_epsg = target_epsg_for(con, None, read_vector(path, options.get("layer")))
    epsg = target_epsg_for(con, target_epsg)
    options.setdefault("extent", store_extent(con))
    if parent_level is not None and options.get("parent_match"):
        options.setdefault("parent_areas", area_names(con, parent_level))
    levels, gdf, notes = areas_part(path, level=level, label=label, key=key, name=name, target_epsg=epsg,
                                    hierarchy=hierarchy, rank=rank, parent_level=parent_level, **options)
    if parent_level is not None:
        known = _store_keys(con, parent_level)
        check_keys(gdf.assign(row=range(1, len(gdf) + 1)).rename(columns={"area_key": "_k",
                                                                          "parent_key": "area_key"}),
                   known, parent_level, Path(path).name, column=options.get("parent") or key)
    counts = replace_source(con, _with_file(source, path), Batch(levels=levels, areas=gdf),
                            confirm_warnings=confirm_warnings)
    return ImportReport(source.source_id, counts, tuple(notes))


# --- statistics ------------------------------------------------------------------------------------------

def statistics_part(path, *, level: str, key: str, match: str | None = None, on_unmatched: str = "stop",
                    areas: dict[str, str] | None = None, totals=(), known_indicators=None,
                    **options) -> pd.DataFrame:
    """Observations (``OBSERVATION_COLUMNS`` + ``row``) read and checked against the registry; nothing written.

    ``match``: how rows find their area — ``None``/``"schluessel"`` (the key column holds the area keys),
    ``"name"`` (normalised names) or ``"vorlage:STGT{:02d}"`` (a key template); with a method other than the
    plain key, ``areas`` (area key → name of ``level``) is required and ``totals`` names rows that are totals.
    ``on_unmatched``: ``"stop"`` (InputError listing every row that matches no area) or ``"skip"`` (such
    rows are left out and listed in ``frame.attrs["notes"]``).
    """
    from sozialraum.indicators.registry import INDICATORS
    from sozialraum.io.plausibility import clean_sentinels
    from sozialraum.io.tables import read_statistics

    if on_unmatched not in ("stop", "skip"):
        raise InputError(f"Unbekannte Regel für nicht zugeordnete Zeilen: {on_unmatched!r} (stop oder skip)")
    matcher = None
    if areas is not None or (match and match.lower() not in ("schluessel", "schlüssel", "key")) \
            or on_unmatched == "skip":
        if areas is None:
            raise InputError("Für den Abgleich fehlen die Gebiete der Ebene", file=Path(path).name)
        matcher = make_matcher(areas, match, on_unmatched, Path(path).name, totals=totals, level=level,
                               column=key, value_columns=_value_columns(options.get("indicators")),
                               repeats_ok=bool(options.get("period_column") or options.get("indicator_column")))
    frame = read_statistics(path, key=key, match=matcher, **options)
    known = set(INDICATORS) if known_indicators is None else set(known_indicators)
    unknown = sorted(set(frame["indicator"]) - known)
    if unknown:
        raise InputError([Problem(Path(path).name, f"unbekannter Indikator {u!r} (bekannt: "
                                  f"{', '.join(sorted(known))})") for u in unknown][:MAX_PROBLEMS])
    notes = frame.attrs.get("notes", []) + published_notes(frame, Path(path).name)
    frame.insert(0, "level", level)
    frame["numerator"] = float("nan")
    frame["denominator"] = float("nan")
    frame["file"] = Path(path).name
    frame["column"] = _source_columns(frame, options)
    frame, sentinel_notes = clean_sentinels(frame, default_file=Path(path).name)
    frame = frame[OBSERVATION_COLUMNS + PROVENANCE_COLUMNS]
    frame.attrs["notes"] = notes + [str(n) for n in sentinel_notes]
    return frame


def published_notes(frame: pd.DataFrame, file: str) -> list[str]:
    """Rates imported as published values: kept as they are, never summed to coarser levels (and a rate that the
    store would otherwise derive from counts is not re-derived where a published value exists)."""
    from sozialraum.indicators.registry import INDICATORS

    rates = sorted(i for i in set(frame["indicator"]) if i in INDICATORS and INDICATORS[i].kind != "count")
    return [f"{file}: {INDICATORS[i].label_de} ({i}) als veröffentlichter Wert übernommen – nicht zu größeren "
            "Gebieten zusammengefasst" for i in rates]


def _value_columns(indicators) -> list[str]:
    cols = []
    for v in (indicators or {}).values():
        cols += [v] if isinstance(v, str) else list(v)
    return cols


def make_matcher(areas: dict[str, str], method: str | None, on_unmatched: str, file: str, *, totals=(),
                 level: str = "", column: str | None = None, value_columns=(), repeats_ok: bool = False):
    """The ``match`` callable for ``read_statistics``: matches rows, stops or skips (see ``statistics_part``)."""
    from sozialraum.io.matching import STATUS_DE, match_rows, parse_method

    try:
        parsed = parse_method(method)
    except ValueError as exc:
        raise InputError(str(exc), file=file) from exc

    def text(t, s, g):
        if s == "unmatched":
            zero = leading_zero_hint(t, set(areas)) if parsed.kind == "key" else ""
            if zero:
                return f"unbekannter Gebietsschlüssel {t!r} auf Ebene {level!r}{zero}"
            head = (f"unbekannter Gebietsschlüssel {t!r} auf Ebene {level!r}" if parsed.kind == "key"
                    else f"„{t}“: kein Gebiet dieses Namens auf Ebene {level!r}" if parsed.kind == "name"
                    else f"„{t}“: kein Gebiet zur Vorlage {parsed.template!r} auf Ebene {level!r}")
            return head + (f" – meinten Sie: {g}?" if g else "")
        return f"„{t}“: {STATUS_DE[s]}" + (f" ({g})" if g else "")

    def run(raw: pd.DataFrame, cells: pd.Series):
        table = match_rows(cells, areas, parsed, totals=totals, values=row_values(raw, value_columns),
                           repeats_ok=repeats_ok)
        bad = table.problems()
        if len(bad) and on_unmatched == "stop":
            raise InputError([Problem(file, text(t, s, g), row=int(r), column=column)
                              for r, t, s, g in zip(bad["row"], bad["text"], bad["status"], bad["suggestions"])
                              ][:MAX_PROBLEMS])
        return table.keys().reindex(raw.index), table.notes(file)

    return run


def row_values(raw: pd.DataFrame, columns) -> pd.Series | None:
    """The first value column that reads as numbers (unreadable cells NaN), for recognising sum rows."""
    import math

    from sozialraum.io.tables import YEAR, detect_decimal, expand_years, parse_number

    for col in columns:
        if YEAR in col:
            found = expand_years(col, raw.columns)
            col = found[max(found)] if found else None
        if col is None or col not in raw.columns:
            continue
        decimal = detect_decimal(raw, [col])
        out = []
        for cell in raw[col]:
            try:
                out.append(parse_number(cell, decimal)[0])
            except ValueError:
                out.append(math.nan)
        return pd.Series(out, index=raw.index)
    return None


def area_names(con, level: str) -> dict[str, str]:
    return dict(con.execute("SELECT area_key, name FROM areas WHERE level = ? ORDER BY area_key", [level]).fetchall())


def total_names(con, level: str) -> list[str]:
    """Names of the areas of every other level (the city, Bezirke …): rows named like them are totals."""
    return [r[0] for r in con.execute("SELECT DISTINCT name FROM areas WHERE level <> ?", [level]).fetchall()]


def _source_columns(frame: pd.DataFrame, options: dict) -> list[str]:
    """The file's column each observation came from (for messages)."""
    if options.get("value_column"):
        return [str(options["value_column"])] * len(frame)
    mapping = {k: (v if isinstance(v, str) else "+".join(map(str, v)))
               for k, v in (options.get("indicators") or {}).items()}
    return [mapping.get(i, i).replace("{jahr}", str(p)) for i, p in zip(frame["indicator"], frame["period"])]


def check_keys(frame: pd.DataFrame, known: set[str], level: str, file: str, column: str | None = None) -> None:
    """Raise an InputError naming every row whose ``area_key`` is not a known area of ``level``."""
    bad = frame[~frame["area_key"].isin(known)].drop_duplicates(["area_key", "row"])
    if len(bad):
        raise InputError([Problem(file, f"unbekannter Gebietsschlüssel {k!r} auf Ebene {level!r}"
                                        f"{leading_zero_hint(str(k), known)}", row=int(r), column=column)
                          for k, r in zip(bad["area_key"], bad["row"])][:MAX_PROBLEMS])


def leading_zero_hint(key: str, known: set[str]) -> str:
    """A hint when a numeric key lost its leading zeros (e.g. Excel stored '0101' as the number 101)."""
    if not key.isdigit():
        return ""
    for width in sorted({len(k) for k in known if k.isdigit() and len(k) > len(key)}):
        padded = key.zfill(width)
        if padded in known:
            return (f" – führende Null verloren? Bekannt ist {padded!r}. Die Schlüsselspalte als Text speichern "
                    f"oder die Stellenzahl angeben (CLI --schluessel-stellen {width}, Rezept key_width = {width})")
    return ""


def import_statistics(con, path, *, source: SourceInfo, level: str, key: str, confirm_warnings: bool = False,
                      **options) -> ImportReport:
    """Read a statistics table and replace ``source`` with it (see the module docstring)."""
    frame = statistics_part(path, level=level, key=key, areas=area_names(con, level),
                            totals=total_names(con, level), known_indicators=known_indicators(con), **options)
    check_keys(frame, _store_keys(con, level), level, Path(path).name, column=key)
    counts = replace_source(con, _with_file(source, path), Batch(observations=frame),
                            confirm_warnings=confirm_warnings)
    notes = frame.attrs.get("notes", []) + flag_notes(frame, Path(path).name)
    return ImportReport(source.source_id, counts, tuple(notes))


def known_indicators(con) -> set[str]:
    """The registry's indicators and the store's own ones (restored into ``indicators`` if needed)."""
    from sozialraum.indicators.own import restore
    from sozialraum.indicators.registry import INDICATORS

    if not _read_only(con):
        restore(con)

    return set(INDICATORS) | {r[0] for r in con.execute("SELECT indicator FROM indicators").fetchall()}


def flag_notes(frame: pd.DataFrame, file: str) -> list[str]:
    flags = frame["flag"].value_counts()
    text = {"suppressed": "gesperrt (*)", "missing": "ohne Wert"}
    return [f"{file}: {n} Werte {text.get(f, f)}" for f, n in flags.items()]


# --- points ----------------------------------------------------------------------------------------------

def points_part(path, *, table: str, target_epsg: int, inside=None, **options) -> tuple[object, list[str]]:
    """(points GeoDataFrame, notes); ``inside`` = areas GeoDataFrame whose outside points are dropped."""
    from sozialraum.io.points import read_points, within_areas

    gdf = read_points(path, table=table, target_epsg=target_epsg, **options)
    file = Path(path).name
    skipped = list(gdf.attrs.get("skipped", []))
    notes = []
    if skipped:
        notes.append(f"{file}: {len({p.row for p in skipped})} Zeilen mit Fehlern ausgelassen:")
        notes += [f"  ausgelassen – {p}" for p in skipped]
    if inside is not None:
        where = within_areas(gdf, inside)
        outside = gdf[where.isna()]
        if len(outside):
            names = ", ".join(str(n) for n in outside.get("name", outside.index)[:5])
            notes.append(f"{file}: {len(outside)} Punkte außerhalb des Gebiets ausgelassen ({names}"
                         f"{', …' if len(outside) > 5 else ''})")
            skipped += [Problem(file, "liegt außerhalb der Gebiete – ausgelassen", row=int(r))
                        for r in outside["row"]]
            notes += [f"  ausgelassen – {p}" for p in skipped[-len(outside):]]
        gdf = gdf[where.notna()]
    notes.append(f"{file}: {len(gdf)} Punkte → {table}")
    gdf = gdf.drop(columns=["row"])
    gdf.attrs["skipped"] = skipped
    return gdf, notes


def import_points(con, path, *, source: SourceInfo, table: str, inside_level: str | None = None,
                  target_epsg: int | None = None, confirm_warnings: bool = False, **options) -> ImportReport:
    """Read points and replace ``source`` with them (see the module docstring)."""
    from sozialraum.store import read

    epsg = target_epsg_for(con, target_epsg)
    inside = read.areas(con, inside_level) if inside_level else None
    if inside is not None and not len(inside):
        raise InputError(f"Gebietsebene {inside_level!r} ist leer oder unbekannt")
    options.setdefault("extent", store_extent(con))
    gdf, notes = points_part(path, table=table, target_epsg=epsg, inside=inside, **options)
    counts = replace_source(con, _with_file(source, path), Batch(points={table: gdf}),
                            confirm_warnings=confirm_warnings)
    return ImportReport(source.source_id, counts, tuple(notes))


# --- helpers ---------------------------------------------------------------------------------------------

def _read_only(con) -> bool:
    try:
        return bool(con.execute("SELECT current_setting('access_mode')").fetchone()[0] == "read_only")
    except Exception:  # noqa: BLE001 - any DuckDB without the setting
        return False


def _metric(con):
    from sozialraum.store.connection import metric_epsg

    return metric_epsg(con)


def store_extent(con) -> tuple[float, float, float, float] | None:
    """(min_lon, min_lat, max_lon, max_lat) of the store's areas, None for a store without areas."""
    if con is None:
        return None
    row = con.execute("SELECT min(ST_XMin(geom_wgs84)), min(ST_YMin(geom_wgs84)), max(ST_XMax(geom_wgs84)), "
                      "max(ST_YMax(geom_wgs84)) FROM areas").fetchone()
    return None if row is None or row[0] is None else tuple(float(v) for v in row)


def _store_keys(con, level: str) -> set[str]:
    from sozialraum.store.read import area_keys

    return set(area_keys(con, level))


def _with_file(source: SourceInfo, path) -> SourceInfo:
    from dataclasses import replace

    return source if source.files else replace(source, files=(Path(path).name,))
