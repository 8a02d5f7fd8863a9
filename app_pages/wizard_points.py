"""The import wizard for points (Angebote, Kandidatenorte, Jobcenter-Standorte) from CSV or Excel:
upload → table → kind of points → columns and types → source → check (every refused row listed) → import.

The table step (title rows, header row, data range) and the check/import steps are the statistics wizard's own
(``wizard_table``, ``wizard_commit``); the choices are saved as a recipe (``[[source.points]]``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from app_pages.common import tr
from app_pages.wizard_common import recipe_choice, show_problems, source_form
from sozialraum.errors import InputError

CHOOSE = "—"
TABLES = {
    "providers": ("Angebote (Beratungsstellen, Kitas, Treffpunkte …) – mit Angebotsart und Träger",
                  "Services, with type and operator"),
    "candidate_venues": ("Kandidatenorte für die Standortplanung (Bibliothek, Stadtteilzentrum, Beratungsstelle …)",
                         "Candidate venues for site planning"),
    "jobcenter_sites": ("Jobcenter-Standorte", "Jobcenter sites"),
}
CRS_CHOICES = {
    "EPSG:4326": "Längen-/Breitengrade in Grad (WGS84, z. B. 9,93 / 51,53)",
    "EPSG:25832": "UTM Zone 32 in Metern (ETRS89, West- und Mitteldeutschland)",
    "EPSG:25833": "UTM Zone 33 in Metern (ETRS89, Ostdeutschland)",
    "EPSG:31466": "Gauß-Krüger Zone 2", "EPSG:31467": "Gauß-Krüger Zone 3",
    "EPSG:31468": "Gauß-Krüger Zone 4", "EPSG:31469": "Gauß-Krüger Zone 5",
    "EPSG:3857": "Web-Mercator in Metern",
}
SHORT = {"x": "x/Länge", "y": "y/Breite", "name": "Name", "type": "Art", "traeger": "Träger", "id": "Kennung",
         "address": "Adresse", "crs": "Koordinatensystem"}
FIELDS = {  # wizard field → (German label, required)
    "x": ("Spalte Länge / x (Rechtswert)", True),
    "y": ("Spalte Breite / y (Hochwert)", True),
    "name": ("Spalte mit dem Namen", True),
    "traeger": ("Spalte mit dem Träger (optional)", False),
    "id": ("Spalte mit einer Kennung (optional)", False),
    "address": ("Spalte mit der Adresse (optional)", False),
}


def run(con, staged, digest: str, upload_name: str, levels_frame) -> None:
    from app_pages.wizard_commit import check_and_commit
    from app_pages.wizard_table import table_step

    path = Path(staged.path)
    recipe = recipe_choice("points", key=f"wzp_recipe_{digest}")
    if recipe is not None:
        _from_recipe(con, recipe, path, digest)
        return
    try:
        _, _, raw, table_options = table_step(path, digest)
    except InputError as exc:
        show_problems(exc)
        return
    st.subheader(tr("Schritt 3: Was für Punkte sind das?", "Step 3: What kind of points?"))
    table = st.radio(tr("Die Datei enthält …", "The file holds …"), list(TABLES), index=None,
                     format_func=lambda t: tr(*TABLES[t]), key=f"wzp_table_{digest}")
    if table is None:
        st.info(tr("Bitte wählen: Angebote oder Kandidatenorte (oder Jobcenter-Standorte).",
                   "Please choose the kind of points."))
        return
    entry = columns_step(con, raw, table, digest, levels_frame)
    if entry is None:
        return
    entry = {"file": path.name, "table": table, **table_options, **entry}
    source = source_form(upload_name, key=f"wzp_src_{digest}", step=tr("Schritt 5: ", "Step 5: "))
    check_and_commit(con, path, source, entry, digest, step=6, kind="points")


def _suggest(con, raw: pd.DataFrame) -> dict[str, str]:
    from sozialraum.io.guess import point_columns, point_crs
    from sozialraum.store.connection import metric_epsg

    cols = point_columns([str(c) for c in raw.columns])
    crs = point_crs(raw, cols.get("x"), cols.get("y"), metric_epsg(con))
    return {**cols, **({"crs": crs} if crs else {})}


def columns_step(con, raw: pd.DataFrame, table: str, digest: str, levels_frame) -> dict | None:
    """Column mapping (nothing preselected; one button takes the suggestions), coordinates' CRS, the type of each
    point (a column with its values matched to the known types, or one type for all), what to do with bad rows."""
    from sozialraum.io.points import TYPE_FIELDS, suggest_type, type_choices

    st.subheader(tr("Schritt 4: Spalten zuordnen", "Step 4: Map columns"))
    columns = [str(c) for c in raw.columns]
    suggestions = _suggest(con, raw)
    keys = {f: f"wzp_{f}_{digest}" for f in [*FIELDS, "type", "crs"]}
    if suggestions:
        shown = ", ".join(f"{SHORT[f]} → „{c}“" for f, c in suggestions.items())
        st.caption(tr(f"Vorschläge aus den Spaltennamen und Werten: {shown}. Es ist nichts vorausgewählt.",
                      f"Suggestions: {shown}. Nothing is preselected."))

        def take():
            for f, c in suggestions.items():
                st.session_state[keys[f]] = c

        st.button(tr("Vorschläge übernehmen", "Take the suggestions"), key=f"wzp_take_{digest}", on_click=take)
    c1, c2 = st.columns(2)
    chosen: dict[str, str | None] = {}
    for i, (f, (label, _)) in enumerate(FIELDS.items()):
        if f == "traeger" and table == "jobcenter_sites":
            continue
        value = (c1 if i % 2 == 0 else c2).selectbox(tr(label, f), [CHOOSE] + columns, key=keys[f])
        chosen[f] = None if value == CHOOSE else value
    crs = c1.selectbox(tr("Koordinatensystem der x/y-Spalten", "CRS of x/y"), [CHOOSE] + list(CRS_CHOICES),
                       key=keys["crs"], format_func=lambda v: tr("— bitte wählen —", "— choose —") if v == CHOOSE
                       else f"{v}: {CRS_CHOICES[v]}",
                       help=tr("Grad (lon/lat) oder Meter? Dezimalkommas (9,93 oder 501000,5) werden verstanden.",
                               "Degrees or metres?"))
    missing = [FIELDS[f][0] for f in ("x", "y", "name") if not chosen.get(f)] + (
        [tr("Koordinatensystem", "CRS")] if crs == CHOOSE else [])
    entry: dict = {"x": chosen["x"], "y": chosen["y"], "crs": None if crs == CHOOSE else crs}
    if chosen.get("id"):
        entry["id"] = chosen["id"]
    entry["columns"] = {f: chosen[f] for f in ("name", "traeger", "address") if chosen.get(f)}

    # the type of each point
    type_field = TYPE_FIELDS[table]
    choices = type_choices(table)
    what = tr("Angebotsart" if table == "providers" else "Ortsart" if table == "candidate_venues" else "Standortart",
              "Type")
    mode = c2.radio(tr(f"{what} …", "Type …"), ["column", "fixed"], horizontal=True, key=f"wzp_tmode_{digest}",
                    format_func=lambda v: tr("steht in einer Spalte", "in a column") if v == "column"
                    else tr("eine für alle Punkte", "one for all"))
    if mode == "fixed":
        fixed = c2.selectbox(tr(what, "Type"), [CHOOSE] + list(choices), key=f"wzp_tfixed_{digest}_{table}",
                             format_func=lambda k: tr("— bitte wählen —", "— choose —") if k == CHOOSE else choices[k])
        if fixed == CHOOSE:
            missing.append(what)
        else:
            entry["values"] = {type_field: fixed}
    else:
        type_col = c2.selectbox(tr(f"Spalte mit der {what}", "Type column"), [CHOOSE] + columns, key=keys["type"])
        if type_col == CHOOSE:
            missing.append(tr(f"Spalte mit der {what}", "type column"))
        else:
            entry["columns"][type_field] = type_col
            type_map = _type_values(raw, type_col, table, digest, choices, suggest_type)
            if type_map:
                entry["type_map"] = type_map
    if missing:
        st.info(tr("Noch zu wählen: " + ", ".join(missing) + ".", "Still to choose: " + ", ".join(missing)))
        return None
    policy = st.radio(tr("Zeilen mit Fehlern (kein Name, keine oder unlesbare Koordinate, unbekannte Art)",
                         "Rows with errors"), ["skip", "stop"], horizontal=True, key=f"wzp_policy_{digest}",
                      format_func=lambda v: tr("auslassen und auflisten", "skip and list") if v == "skip"
                      else tr("Import anhalten", "stop the import"))
    if policy == "skip":
        entry["on_invalid"] = "skip"
    if len(levels_frame):
        labels = dict(zip(levels_frame["level"], levels_frame["label"]))
        inside = st.selectbox(tr("Nur Punkte innerhalb dieser Gebietsebene übernehmen (die anderen werden aufgelistet)",
                                 "Keep points inside level"), [CHOOSE] + list(labels), key=f"wzp_inside_{digest}",
                              format_func=lambda v: tr("— alle Punkte —", "— all —") if v == CHOOSE else labels[v])
        if inside != CHOOSE:
            entry["inside_level"] = inside
    return entry


def _type_values(raw, column: str, table: str, digest: str, choices: dict, suggest) -> dict:
    """Each distinct text of the type column → a known type (recognised ones filled in; the others chosen here,
    or left out: those rows are then refused and listed). Returns the map of texts that are not a key already."""
    values = [str(v).strip() for v in raw[column] if str(v).strip()]
    distinct = list(dict.fromkeys(values))
    st.caption(tr(f"Werte der Spalte „{column}“ ({len(distinct)} verschiedene) und ihre Art:",
                  f"Values of '{column}' and their type:"))
    out = {}
    cols = st.columns(3)
    for i, text in enumerate(distinct[:60]):
        guess = text if text in choices else suggest(text, table)
        options = [CHOOSE] + list(choices)
        pick = cols[i % 3].selectbox(f"„{text}“ ({values.count(text)}×)", options,
                                     index=options.index(guess) if guess in options else 0,
                                     key=f"wzp_tv_{digest}_{table}_{i}",
                                     format_func=lambda k: tr("— keine (Zeilen auslassen) —", "— none —")
                                     if k == CHOOSE else choices[k])
        if pick != CHOOSE and pick != text:
            out[text] = pick
    if len(distinct) > 60:
        st.caption(tr(f"… und {len(distinct) - 60} weitere Werte (auf der Kommandozeile mit --typ-zuordnung).",
                      "… more values"))
    return out


def _from_recipe(con, recipe_path: Path, path: Path, digest: str) -> None:
    """The saved choices applied to the new file: only check, preview and import remain."""
    from app_pages.wizard_commit import check_and_commit
    from sozialraum.io.recipe import load_recipe

    try:
        doc = load_recipe(recipe_path)
    except InputError as exc:
        show_problems(exc)
        return
    src = next(s for s in doc["source"] if s.get("points"))
    entry = dict(src["points"][0])
    entry["file"] = path.name
    st.caption(tr(f"Rezept {recipe_path.name}: {TABLES[entry['table']][0]}, Spalten "
                  f"{', '.join(f'{k}={v}' for k, v in entry.get('columns', {}).items())}.", f"Recipe {recipe_path.name}."))
    c1, c2 = st.columns(2)
    source = {"source_id": c1.text_input(tr("Kennung der Quelle", "Source id"), value=src["id"],
                                         key=f"wzp_rsrc_{digest}",
                                         help=tr("Dieselbe Kennung ersetzt die Punkte vom letzten Mal.",
                                                 "The same id replaces last time's points.")),
              "title": c2.text_input(tr("Titel", "Title"), value=src["title"], key=f"wzp_rtitle_{digest}")}
    for f in ("publisher", "licence", "attribution", "reference_date"):
        source[f] = src.get(f)
    check_and_commit(con, path, source, entry, digest, step=2, kind="points")
