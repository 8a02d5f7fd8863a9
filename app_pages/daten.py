"""Seite „Daten": Dateien hochladen, Spalten zuordnen, prüfen, Änderungen ansehen, übernehmen; Quellenliste.

Ablauf: Upload (Größe, Dateityp und ZIP-Archive werden in ``sozialraum.io.upload`` geprüft) → bei Statistik der
Import-Assistent (``app_pages.wizard_stats``: Tabelle finden, Gebiete zuordnen, Spalten zuordnen, prüfen,
Vorschau, übernehmen, Rezept speichern); bei Flächen und Punkten Spalten zuordnen → „Prüfen" → Vorschau →
„Übernehmen" (``replace_source``: alles oder nichts).
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from app_pages.common import (clear_caches, format_period, get_con, levels, setting, setting_input, sources, tr,
                              writing)
from app_pages.daten_forms import build_batch, mapping_form, read_columns
from app_pages.wizard_common import show_problems as _show_problems
from app_pages.wizard_common import source_form
from sozialraum.errors import InputError

KINDS = {
    "areas": ("Gebietsflächen (GeoJSON, GeoPackage, gezippter Shapefile)", "Area shapes"),
    "statistics": ("Statistik je Gebiet (CSV, XLSX)", "Statistics per area"),
    "points": ("Punktliste: Angebote, Kandidatenorte, Jobcenter (CSV, Excel, GeoJSON)", "Point list"),
}
UPLOAD_SETTINGS = ("upload_max_mb", "zip_max_ratio", "zip_max_members", "zip_max_unpacked_mb")
FILE_TYPES = {"areas": ["geojson", "json", "gpkg", "zip"], "statistics": ["csv", "txt", "xlsx"],
              "points": ["csv", "txt", "xlsx", "geojson", "json", "gpkg", "zip"]}

st.title(tr("Daten", "Data"))
con = get_con()
try:  # own indicators back into `indicators` (init_schema rewrites that table from the registry)
    from sozialraum.indicators.own import restore

    restore(con)
except Exception:  # noqa: BLE001 - a read-only store: nothing to restore
    pass
with st.sidebar.expander(tr("Grenzen für Uploads", "Upload limits")):
    for _name in UPLOAD_SETTINGS:
        setting_input(_name, st, key=f"daten_{_name}")
tab_load, tab_sources, tab_network = st.tabs([tr("Daten laden", "Load data"), tr("Quellen", "Sources"),
                                              tr("Straßennetz", "Street network")])


@st.cache_data(show_spinner=False, max_entries=8)
def _columns(path: str, kind: str, digest: str) -> tuple[list[str], pd.DataFrame]:
    return read_columns(Path(path), kind)


def _stage(upload):
    """Check and stage the uploaded file (once per file content): (StagedUpload, digest), or None after showing
    why it was refused."""
    from sozialraum.io.upload import stage_upload

    data = upload.getvalue()
    digest = hashlib.sha256(data).hexdigest()[:16]
    held = st.session_state.get("_daten_staged")
    if held is None or held["digest"] != digest:
        if held is not None:  # keep one staged upload per session on disk
            shutil.rmtree(held["root"], ignore_errors=True)
            st.session_state.pop("_daten_staged", None)
        root = Path(tempfile.mkdtemp(prefix="sozialraum-upload-"))
        try:
            staged = stage_upload(upload.name, data, root / digest,
                                  settings={name: setting(name) for name in UPLOAD_SETTINGS})
        except InputError as exc:
            shutil.rmtree(root, ignore_errors=True)
            st.error(tr("Die Datei wurde abgelehnt:", "The file was refused:") + f"\n\n{exc}")
            return None
        held = st.session_state["_daten_staged"] = {"digest": digest, "staged": staged, "root": root}
    return held["staged"], digest


with tab_load:
    kind = st.radio(tr("1. Was möchten Sie laden?", "1. What do you want to load?"), list(KINDS),
                    format_func=lambda k: tr(*KINDS[k]), key="upload_kind")
    upload = st.file_uploader(
        tr("Datei auswählen", "Choose a file"), type=FILE_TYPES[kind], key=f"upload_{kind}",
        max_upload_size=max(1, int(setting("upload_max_mb"))),
        help=tr(f"Höchstens {setting('upload_max_mb')} MB. ZIP-Archive werden auf Pfade, verschachtelte "
                "Archive und Entpackgröße geprüft.", "Size and zip archives are checked."))
    staged = _stage(upload) if upload is not None else None
    if staged is not None and kind == "statistics":
        from app_pages.wizard_stats import run as run_wizard

        run_wizard(con, staged[0], staged[1], upload.name, levels())
    elif staged is not None and kind == "points" and staged[0].kind in ("csv", "xlsx"):
        from app_pages.wizard_points import run as run_points

        run_points(con, staged[0], staged[1], upload.name, levels())
    elif staged is not None:
        staged, digest = staged
        try:
            columns, sample = _columns(str(staged.path), kind, digest)
        except InputError as exc:
            _show_problems(exc)
            st.stop()
        st.caption(tr(f"{staged.path.name}: {len(columns)} Spalten. Erste Zeilen:",
                      f"{staged.path.name}: {len(columns)} columns. First rows:"))
        st.dataframe(sample, hide_index=True, width="stretch", height=160)
        st.subheader(tr("2. Spalten zuordnen", "2. Map columns"))
        mapping = mapping_form(kind, columns, staged, levels())
        source = source_form(upload.name, key=f"src_{digest}", step=tr("3. ", "3. "))
        if st.button(tr("Prüfen", "Validate"), type="secondary", key="validate"):
            with st.spinner(tr("Datei wird gelesen und geprüft …", "Reading and validating …")):
                try:
                    st.session_state["_daten_checked"] = (digest, build_batch(con, kind, staged.path, mapping,
                                                                              source))
                except InputError as exc:
                    st.session_state.pop("_daten_checked", None)
                    _show_problems(exc)
        checked = st.session_state.get("_daten_checked")
        if checked and checked[0] == digest:
            prepared = checked[1]
            from sozialraum.io.preview import preview_changes

            st.subheader(tr("4. Was sich ändert", "4. What will change"))
            changes = preview_changes(con, prepared.source.source_id, prepared.batch)
            st.dataframe(changes, hide_index=True, width="stretch")
            for note in prepared.notes:
                st.caption(note)
            matched = getattr(prepared.batch.areas, "attrs", {}).get("parent_match")
            if matched is not None:
                with st.expander(tr("Zuordnung der Obergebiete (jede Zeile)", "Parent match table"), expanded=True):
                    st.dataframe(matched.german(), hide_index=True, width="stretch")
            if int(changes["Konflikt"].sum()):
                st.warning(tr("Einige Schlüssel gehören schon zu einer anderen Quelle – die Übernahme würde "
                              "abgelehnt. Bitte die Kennung der Quelle oder die Schlüssel prüfen.",
                              "Some keys belong to another source; the import would be refused."))
            if st.button(tr("Übernehmen", "Commit"), type="primary", key="commit"):
                from sozialraum.store.write import replace_source

                with st.spinner(tr("Daten werden gespeichert …", "Saving …")):
                    try:
                        with writing(f"Upload {prepared.source.source_id}") as wcon:
                            counts = replace_source(wcon, prepared.source, prepared.batch)
                    except InputError as exc:
                        _show_problems(exc)
                    else:
                        clear_caches()
                        st.session_state.pop("_daten_checked", None)
                        written = ", ".join(f"{n} {t}" for t, n in counts.items())
                        st.success(tr(f"Quelle „{prepared.source.source_id}“ übernommen: {written}.",
                                      f"Source '{prepared.source.source_id}' saved: {written}."))
                        if kind == "areas":
                            from app_pages.wizard_commit import save_areas_recipe

                            save_areas_recipe(prepared.source, mapping, staged.path)

with tab_sources:
    frame = sources()
    if frame.empty:
        st.info(tr("Noch keine Quellen in der Datenbank.", "No sources yet."))
    else:
        shown = pd.DataFrame({
            tr("Kennung", "Id"): frame["source_id"],
            tr("Titel", "Title"): frame["title"],
            tr("Herausgeber", "Publisher"): frame["publisher"].fillna("–"),
            tr("Stichtag", "Reference date"): [format_period(str(v)) if v else "–" for v in frame["reference_date"]],
            tr("Lizenz", "Licence"): frame["licence"].fillna("–"),
            tr("Quellenvermerk", "Attribution"): frame["attribution"].fillna("–"),
            tr("Fiktiv", "Fictional"): [tr("ja", "yes") if f else tr("nein", "no") for f in frame["fictional"]],
            tr("Dateien", "Files"): frame["files"],
            tr("Geladen am", "Imported"): pd.to_datetime(frame["imported_at"]).dt.strftime("%d.%m.%Y %H:%M"),
        })
        st.dataframe(shown, hide_index=True, width="stretch")

with tab_network:  # OSM extract and GTFS timetable → the store's network (app_pages/network_step.py)
    from app_pages.network_step import run as network_step

    network_step()
