"""Helpers of the page „Daten": column-mapping forms and building a validated ``Batch`` (nothing written).

``read_columns``, ``build_batch`` and ``problems_frame`` do not draw anything and are tested directly;
``mapping_form`` draws the select boxes.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sozialraum.errors import InputError, Problem
from sozialraum.store.read import area_keys

NONE = "—"  # "no column" in select boxes
POINT_TABLE_LABELS = {
    "providers": "Angebote (Beratungsstellen, Kitas, Treffpunkte …)",
    "candidate_venues": "Kandidatenorte für Außenstellen/Sprechstunden",
    "jobcenter_sites": "Jobcenter-Standorte",
}
TYPE_FIELD = {"providers": "service_type", "candidate_venues": "venue_type", "jobcenter_sites": "site_type"}
FIELD_LABELS = {
    "traeger": "Träger", "dachverband": "Dachverband", "kooperation": "Kooperationsform", "capacity": "Kapazität",
    "capacity_unit": "Einheit der Kapazität", "opening_hours": "Öffnungszeiten", "barrier_free": "Barrierefrei",
    "address": "Adresse",
}


@dataclass(frozen=True)
class Prepared:
    """A validated upload, ready for ``replace_source``."""

    source: object  # SourceInfo
    batch: object  # Batch
    notes: tuple[str, ...] = field(default_factory=tuple)


def type_labels(table: str) -> dict[str, str]:
    from sozialraum import services

    return {"providers": services.SERVICE_TYPES, "candidate_venues": services.VENUE_TYPES,
            "jobcenter_sites": services.JOBCENTER_SITE_TYPES}[table]


def read_columns(path: Path, kind: str) -> tuple[list[str], pd.DataFrame]:
    """Column names and the first rows of an uploaded file (raises InputError when unreadable)."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".xlsx"):
        from sozialraum.io.tables import read_raw

        raw = read_raw(path)
    else:
        from sozialraum.io.shapes import read_vector

        vec = read_vector(path)
        raw = pd.DataFrame(vec.drop(columns=vec.geometry.name))
    return [str(c) for c in raw.columns], raw.head(5).astype(str).reset_index(drop=True)


def problems_frame(exc: InputError) -> pd.DataFrame:
    """The problems of an InputError as a table with German headings."""
    return pd.DataFrame({
        "Datei": [p.file or "" for p in exc.problems],
        "Zeile": [("" if p.row is None else str(p.row)) for p in exc.problems],
        "Spalte": [p.column or "" for p in exc.problems],
        "Problem": [p.problem for p in exc.problems],
    })


def _guess(columns: list[str], *patterns: str) -> int:
    for pat in patterns:
        for i, c in enumerate(columns):
            if re.fullmatch(pat, c.strip(), re.IGNORECASE):
                return i
    return 0


def _words(text: str) -> str:
    return re.sub(r"[^a-zäöüß0-9]+", " ", text.lower()).strip()


def _guess_indicator(column: str, indicators, keys: list[str]) -> int | None:
    """Index of the indicator whose key or German label matches a column name (None when none does: an unknown
    column is never mapped to "Einwohner/innen" by default): the column is the key, the label, or the label's
    first words ("Arbeitslose" → "Arbeitslose im SGB II")."""
    text = _words(column)
    for i, k in enumerate(keys):
        label = _words(indicators[k].label_de)
        if text and (text == k or text == label or label.startswith(text + " ")):
            return i
    return None


PERIOD_COLUMN = r"jahr|year|stichtag|period.*|datum|zeitraum"


def _source_info(source: dict, path: Path):
    from sozialraum.store.write import SourceInfo

    sid = (source.get("source_id") or "").strip()
    if not re.fullmatch(r"[A-Za-z0-9_.:-]{1,64}", sid):
        raise InputError(Problem(None, "Die Kennung der Quelle darf nur Buchstaben, Ziffern und _ . : - enthalten "
                                 "(höchstens 64 Zeichen).", column="Kennung der Quelle"))
    title = (source.get("title") or "").strip() or sid
    return SourceInfo(sid, title, publisher=source.get("publisher") or None, licence=source.get("licence") or None,
                      attribution=source.get("attribution") or None,
                      reference_date=source.get("reference_date") or None, files=(path.name,))


def build_batch(con, kind: str, path: Path, mapping: dict, source: dict) -> Prepared:
    """Read and validate an upload with the user's column mapping; raise InputError or return ``Prepared``."""
    from sozialraum.io import loader
    from sozialraum.store.write import Batch

    info = _source_info(source, path)
    if kind == "areas":
        from sozialraum.io.shapes import read_vector

        epsg = loader.target_epsg_for(con, None, read_vector(path) if loader._metric(con) is None else None)
        opts = {k: v for k, v in mapping.items() if k in ("parent", "parent_slice", "key_width", "parent_match") and v}
        if opts.get("parent_match"):
            opts["parent_areas"] = loader.area_names(con, mapping["parent_level"])
        levels, gdf, notes = loader.areas_part(
            path, level=mapping["level"], label=mapping["label"], key=mapping["key"], name=mapping["name"],
            target_epsg=epsg, hierarchy=mapping.get("hierarchy"), rank=int(mapping.get("rank", 0)),
            parent_level=mapping.get("parent_level"), **opts)
        if mapping.get("parent_level"):
            known = set(area_keys(con, mapping["parent_level"]))
            check = gdf.assign(row=range(1, len(gdf) + 1))[["parent_key", "row"]].rename(
                columns={"parent_key": "area_key"})
            loader.check_keys(check, known, mapping["parent_level"], path.name,
                              column=mapping.get("parent") or mapping["key"])
        return Prepared(info, Batch(levels=levels, areas=gdf), tuple(notes))
    if kind == "statistics":
        opts = {k: mapping[k] for k in ("indicators", "period", "period_column", "indicator_column", "value_column",
                                        "key_width") if mapping.get(k)}
        frame = loader.statistics_part(path, level=mapping["level"], key=mapping["key"], **opts)
        known = set(area_keys(con, mapping["level"]))
        loader.check_keys(frame, known, mapping["level"], path.name, column=mapping["key"])
        notes = loader.flag_notes(frame, path.name)
        notes.append(f"{path.name}: {len(frame)} Werte für {frame['area_key'].nunique()} Gebiete, "
                     f"{frame['indicator'].nunique()} Kennzahlen")
        return Prepared(info, Batch(observations=frame), tuple(notes))
    if kind == "points":
        table = mapping["table"]
        epsg = loader.target_epsg_for(con, None)
        inside = None
        if mapping.get("inside_level"):
            from sozialraum.store import read

            inside = read.areas(con, mapping["inside_level"])
        opts = {k: mapping[k] for k in ("x", "y", "crs", "id", "columns", "values") if mapping.get(k)}
        gdf, notes = loader.points_part(path, table=table, target_epsg=epsg, inside=inside,
                                        id_prefix=f"{info.source_id}:", **opts)
        type_field = TYPE_FIELD[table]
        allowed = type_labels(table)
        bad = sorted({str(v) for v in gdf[type_field] if v not in allowed})
        if bad:
            raise InputError([Problem(path.name, f"unbekannter Typ {b!r} (erlaubt: {', '.join(allowed)})",
                                      column=mapping.get("columns", {}).get(type_field)) for b in bad[:20]])
        return Prepared(info, Batch(points={table: gdf}), tuple(notes))
    raise ValueError(f"unknown upload kind {kind}")


# ------------------------------------------------------------------------------------------- forms (Streamlit)
def _col(container, label: str, columns: list[str], key: str, *patterns: str, optional: bool = False, help=None):
    options = ([NONE] if optional else []) + columns
    index = _guess(columns, *patterns) + (1 if optional else 0) if patterns else 0
    if optional and patterns and not any(re.fullmatch(p, c.strip(), re.IGNORECASE)
                                         for p in patterns for c in columns):
        index = 0
    value = container.selectbox(label, options, index=index, key=key, help=help)
    return None if value == NONE else value


def mapping_form(kind: str, columns: list[str], staged, levels_frame: pd.DataFrame) -> dict:
    """Select boxes that map file columns to the store's fields; returns the mapping."""
    import streamlit as st

    from app_pages.common import tr

    level_labels = dict(zip(levels_frame["level"], levels_frame["label"])) if len(levels_frame) else {}
    # widget keys per uploaded file: a second file starts from its own guesses, not from the last file's choices
    sfx = hashlib.sha256(str(staged.path).encode()).hexdigest()[:8] + "_"
    c1, c2 = st.columns(2)
    if kind == "areas":
        out = {
            "key": _col(c1, tr("Schlüsselspalte", "Key column"), columns, f"{sfx}map_key",
                        r"(area_)?key|schl(ue|ü)ssel|id|code|.*_id|ags|plr_id"),
            "name": _col(c2, tr("Namensspalte", "Name column"), columns, f"{sfx}map_name", r"name|bezeichnung|.*_name"),
            "level": c1.text_input(tr("Gebietsebene (Kennung)", "Level id"), value="gebiet", key=f"{sfx}map_level"),
            "label": c2.text_input(tr("Bezeichnung der Ebene", "Level label"), value="Gebiet", key=f"{sfx}map_label"),
        }
        parent = c1.selectbox(tr("Übergeordnete Ebene", "Parent level"), [NONE] + list(level_labels),
                              format_func=lambda v: level_labels.get(v, v), key=f"{sfx}map_parent_level")
        if parent != NONE:
            out["parent_level"] = parent
            hows = {"column": ("Schlüssel in einer Spalte", "key in a column"),
                    "name": ("Name in einer Spalte", "name in a column"),
                    "prefix": ("am Anfang des Schlüssels", "the key's first characters")}
            how = c2.radio(tr("Obergebiet steht …", "Parent is …"), list(hows), horizontal=True,
                           format_func=lambda v: tr(*hows[v]), key=f"{sfx}map_parent_how",
                           help=tr("Namen werden vereinheitlicht verglichen (Groß-/Kleinschreibung, Umlaute, „_“, "
                                   "führende Nummern); nach „Prüfen“ zeigt eine Tabelle jede Zuordnung.",
                                   "Names are compared normalised."))
            if how in ("column", "name"):
                out["parent"] = _col(c2, tr("Spalte mit dem Schlüssel des Obergebiets", "Parent key column")
                                     if how == "column" else tr("Spalte mit dem Namen des Obergebiets",
                                                                "Parent name column"),
                                     columns, f"{sfx}map_parent" if how == "column" else f"{sfx}map_parent_name",
                                     *((r"parent.*|ober.*|bezirk.*|bez.*",) if how == "column" else
                                       (r"(bez|bezirk|ober|parent).*name.*", r"bezirk.*")))
                if how == "name":
                    out["parent_match"] = "name"
            else:
                n = c2.number_input(tr("Obergebiet = die ersten N Zeichen des Schlüssels", "Parent = first N chars"),
                                    1, 30, 2, key=f"{sfx}map_parent_chars")
                out["parent_slice"] = [0, int(n)]
            row = levels_frame[levels_frame["level"] == parent].iloc[0]
            out["hierarchy"], out["rank"] = row["hierarchy"], 0  # the store ranks levels by their parent links
        else:
            out["hierarchy"], out["rank"] = out["level"], 0
        return out
    if kind == "statistics":
        from sozialraum.indicators.registry import INDICATORS

        if not level_labels:
            st.warning(tr("Bitte zuerst Gebietsflächen laden.", "Please load area shapes first."))
        out = {
            "level": c1.selectbox(tr("Gebietsebene", "Area level"), list(level_labels),
                                  format_func=lambda v: level_labels.get(v, v), key=f"{sfx}map_stat_level"),
            "key": _col(c2, tr("Schlüsselspalte", "Key column"), columns, f"{sfx}map_stat_key",
                        r"(area_)?key|schl(ue|ü)ssel|id|.*_id|plr.*|raumid"),
        }
        width = c1.number_input(tr("Schlüssel mit führenden Nullen auf Stellen auffüllen (0 = nicht)",
                                   "Zero-pad keys to width (0 = no)"), 0, 20, 0, key=f"{sfx}map_key_width")
        out["key_width"] = int(width) or None
        if c2.radio(tr("Stichtag", "Reference date"), ["fix", "column"], key=f"{sfx}map_period_mode", horizontal=True,
                    format_func=lambda v: tr("fest", "fixed") if v == "fix" else tr("aus Spalte", "column")) == "fix":
            out["period"] = c2.text_input(tr("Stichtag (z. B. 2024 oder 2024-12-31)", "Period"), value="2024",
                                          key=f"{sfx}map_period").strip()
        else:
            out["period_column"] = _col(c2, tr("Spalte mit dem Stichtag", "Period column"), columns,
                                        f"{sfx}map_period_col", PERIOD_COLUMN)
        ind_labels = {k: f"{i.label_de} ({k})" for k, i in INDICATORS.items() if i.aggregation != "ratio"}
        candidates = [c for c in columns if c not in (out["key"], out.get("period_column"))]
        chosen = st.multiselect(
            tr("Spalten mit Werten", "Value columns"), candidates,
            default=[c for c in candidates if c in ind_labels]
            or [c for c in candidates if not re.fullmatch(PERIOD_COLUMN, c.strip(), re.IGNORECASE)],
            key=f"{sfx}map_value_cols",
            placeholder=tr("Spalten wählen", "Choose columns"),
            help=tr("Je Spalte eine Kennzahl zuordnen. Quoten werden aus Zählern und Nennern selbst berechnet.",
                    "Map each column to an indicator; rates are derived from counts."))
        indicators = {}
        for i, col in enumerate(chosen):
            keys = list(ind_labels)
            index = keys.index(col) if col in keys else _guess_indicator(col, INDICATORS, keys)
            ind = st.selectbox(tr(f"Kennzahl für Spalte „{col}“", f"Indicator for '{col}'"), keys, index=index,
                               format_func=lambda k: ind_labels[k], key=f"{sfx}map_ind_{i}_{col}",
                               placeholder=tr("Kennzahl wählen", "Choose an indicator"))
            if ind is None:
                st.caption(tr(f"Spalte „{col}“ wird erst mit einer gewählten Kennzahl übernommen.",
                              f"Column '{col}' is only imported once an indicator is chosen."))
                continue
            indicators.setdefault(ind, []).append(col)
        out["indicators"] = {k: v[0] if len(v) == 1 else v for k, v in indicators.items()}
        return out
    # points
    table = c1.selectbox(tr("Art der Punkte", "Kind of points"), list(POINT_TABLE_LABELS),
                         format_func=lambda t: POINT_TABLE_LABELS[t], key=f"{sfx}map_table")
    out: dict = {"table": table, "columns": {}, "values": {}}
    if staged.kind == "csv" or staged.kind == "xlsx":
        out["x"] = _col(c1, tr("Spalte Längengrad / x", "Longitude / x column"), columns, f"{sfx}map_x",
                        r"lon|lng|longitude|laenge|länge|x|rechtswert")
        out["y"] = _col(c2, tr("Spalte Breitengrad / y", "Latitude / y column"), columns, f"{sfx}map_y",
                        r"lat|latitude|breite|y|hochwert")
        out["crs"] = c1.text_input(tr("Koordinatensystem", "CRS"), value="EPSG:4326", key=f"{sfx}map_crs",
                                   help=tr("EPSG:4326 für Längen-/Breitengrade, EPSG:25832/25833 für UTM-Meter.",
                                           "EPSG:4326 for lon/lat."))
    out["id"] = _col(c2, tr("Kennung (optional)", "Id (optional)"), columns, f"{sfx}map_id", r"id|kennung|nr",
                     optional=True)
    out["columns"]["name"] = _col(c1, tr("Namensspalte", "Name column"), columns, f"{sfx}map_pname",
                                  r"name|bezeichnung|einrichtung")
    types = type_labels(table)
    type_field = TYPE_FIELD[table]
    type_col = _col(c2, tr("Spalte mit dem Typ (oder fester Typ)", "Type column (or fixed type)"), columns,
                    f"{sfx}map_type_col", r"typ|type|art|service_type|venue_type|site_type", optional=True)
    if type_col:
        out["columns"][type_field] = type_col
    else:
        out["values"][type_field] = c2.selectbox(tr("Fester Typ für alle Punkte", "Fixed type"), list(types),
                                                 format_func=lambda t: types[t], key=f"{sfx}map_type_fixed")
    from sozialraum.store.write import POINT_TABLES

    with st.expander(tr("Weitere Spalten (optional)", "More columns (optional)")):
        e1, e2 = st.columns(2)
        for i, fld in enumerate(f for f in POINT_TABLES[table][1] if f in FIELD_LABELS):
            col = _col(e1 if i % 2 == 0 else e2, FIELD_LABELS[fld], columns, f"{sfx}map_f_{fld}",
                       re.escape(fld), optional=True)
            if col:
                out["columns"][fld] = col
    if len(level_labels):
        inside = st.selectbox(tr("Nur Punkte innerhalb dieser Gebietsebene übernehmen", "Keep points inside level"),
                              [NONE] + list(level_labels), format_func=lambda v: level_labels.get(v, v),
                              key=f"{sfx}map_inside")
        out["inside_level"] = None if inside == NONE else inside
    return out
