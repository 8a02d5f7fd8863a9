"""Import wizard, last steps: check (plausibility, left-out rows), preview of the changes, import, save the recipe."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from app_pages.common import clear_caches, scratch, tr, writing
from app_pages.wizard_common import problem_table, recipe_folder, show_problems
from sozialraum.errors import InputError


def prepare(con, path: Path, source: dict, entry: dict):
    """Read and validate with the wizard's options: (SourceInfo, Batch, notes, PlausibilityReport)."""
    from app_pages.daten_forms import _source_info
    from sozialraum.io import loader
    from sozialraum.store.write import Batch, check_sources

    info = _source_info(source, path)
    options = {k: v for k, v in entry.items() if k not in ("file", "level", "key")}
    level = entry["level"]
    frame = loader.statistics_part(path, level=level, key=entry["key"], areas=loader.area_names(con, level),
                                   totals=loader.total_names(con, level), known_indicators=loader.known_indicators(con),
                                   **options)
    notes = list(frame.attrs.get("notes", [])) + loader.flag_notes(frame, path.name)
    notes.append(f"{path.name}: {len(frame)} Werte für {frame['area_key'].nunique()} Gebiete, "
                 f"{frame['indicator'].nunique()} Kennzahlen, Zeiträume {', '.join(sorted(frame['period'].unique()))}")
    batch = Batch(observations=frame)
    with scratch() as probe:  # the dry run writes and rolls back: never on the published, read-only snapshot
        report = check_sources(probe, [(info, batch)])
    return info, batch, notes, report


def prepare_points(con, path: Path, source: dict, entry: dict):
    """Points read with the wizard's options: (SourceInfo, Batch, notes, PlausibilityReport); the refused rows are in
    ``batch.points[table].attrs["skipped"]``."""
    from app_pages.daten_forms import _source_info
    from sozialraum.io import loader
    from sozialraum.store import read
    from sozialraum.store.write import Batch, check_sources

    info = _source_info(source, path)
    options = {k: v for k, v in entry.items() if k not in ("file", "table", "inside_level")}
    inside = read.areas(con, entry["inside_level"]) if entry.get("inside_level") else None
    gdf, notes = loader.points_part(path, table=entry["table"], target_epsg=loader.target_epsg_for(con, None),
                                    inside=inside, id_prefix=f"{info.source_id}:", extent=loader.store_extent(con),
                                    **options)
    batch = Batch(points={entry["table"]: gdf})
    with scratch() as probe:
        report = check_sources(probe, [(info, batch)])
    return info, batch, [n for n in notes if not n.startswith("  ausgelassen")], report


def check_and_commit(con, path: Path, source: dict, entry: dict, digest: str, step: int,
                     kind: str = "statistics") -> None:
    from sozialraum.io.preview import preview_changes

    st.subheader(tr(f"Schritt {step}: Prüfen", f"Step {step}: Check"))
    if st.button(tr("Prüfen", "Check"), key=f"wz_check_{digest}", type="secondary"):
        with st.spinner(tr("Datei wird gelesen und geprüft …", "Reading and checking …")):
            try:
                run = prepare if kind == "statistics" else prepare_points
                st.session_state["_wz_checked"] = (digest, entry, run(con, path, source, entry))
            except InputError as exc:
                st.session_state.pop("_wz_checked", None)
                show_problems(exc)
    checked = st.session_state.get("_wz_checked")
    if not checked or checked[0] != digest or checked[1] != entry:
        return
    info, batch, notes, report = checked[2]
    with st.expander(tr(f"Hinweise zum Lesen ({len(notes)})", f"Notes ({len(notes)})"), expanded=True):
        for note in notes:
            st.caption("• " + note)
    skipped = [p for gdf in batch.points.values() for p in gdf.attrs.get("skipped", [])]
    if skipped:
        st.warning(tr(f"{len({(p.file, p.row) for p in skipped})} Zeilen werden ausgelassen (nicht übernommen):",
                      f"{len(skipped)} rows are left out:"))
        st.dataframe(problem_table(skipped), hide_index=True, width="stretch")
    if report.errors:
        st.error(tr(f"{len(report.errors)} unmögliche Werte – so kann nichts übernommen werden:",
                    f"{len(report.errors)} impossible values:"))
        st.dataframe(problem_table(report.errors), hide_index=True, width="stretch")
        return
    confirm = False
    if report.warnings:
        st.warning(tr(f"{len(report.warnings)} zweifelhafte Werte. Bitte prüfen:",
                      f"{len(report.warnings)} doubtful values:"))
        st.dataframe(problem_table(report.warnings), hide_index=True, width="stretch")
        confirm = st.checkbox(tr("Ich habe die Werte geprüft: trotzdem übernehmen (sie werden als „unsicher“ "
                                 "markiert und überall so angezeigt)", "Import anyway, flagged as doubtful"),
                              value=False, key=f"wz_confirm_{digest}")
    else:
        st.success(tr("Plausibilitätsprüfung: keine Auffälligkeiten.", "Plausibility: nothing doubtful."))
    st.subheader(tr(f"Schritt {step + 1}: Was sich ändert", f"Step {step + 1}: What will change"))
    changes = preview_changes(con, info.source_id, batch)
    st.dataframe(changes, hide_index=True, width="stretch")
    if int(changes["Konflikt"].sum()):
        st.warning(tr("Einige Werte gehören schon zu einer anderen Quelle – die Übernahme würde abgelehnt. Bitte "
                      "eine andere Kennung der Quelle wählen.", "Some keys belong to another source."))
    if report.warnings and not confirm:
        return
    if st.button(tr("Übernehmen", "Import"), type="primary", key=f"wz_commit_{digest}"):
        from sozialraum.store.write import replace_source

        with st.spinner(tr("Daten werden gespeichert …", "Saving …")):
            try:
                with writing(f"Upload {info.source_id}") as wcon:
                    counts = replace_source(wcon, info, batch, confirm_warnings=confirm)
            except InputError as exc:
                show_problems(exc)
                return
        clear_caches()
        st.session_state.pop("_wz_checked", None)
        written = ", ".join(f"{n} {t}" for t, n in counts.items())
        st.success(tr(f"Quelle „{info.source_id}“ übernommen: {written}.", f"Source '{info.source_id}' saved."))
        _save_recipe(info, entry, path, kind)


AREA_RECIPE_KEYS = ("level", "label", "key", "name", "parent_level", "parent", "parent_match", "parent_slice",
                    "key_width")


def save_areas_recipe(info, mapping: dict, path: Path) -> None:
    """The area form's choices as a recipe (``[[source.areas]]``), like the wizard's (page „Daten")."""
    entry = {"file": path.name, **{k: mapping[k] for k in AREA_RECIPE_KEYS if mapping.get(k)}}
    _save_recipe(info, entry, path, "areas")


def _save_recipe(info, entry: dict, path: Path, kind: str = "statistics") -> None:
    from sozialraum.io.recipe_toml import areas_recipe, dump, points_recipe, statistics_recipe

    make = {"statistics": statistics_recipe, "points": points_recipe, "areas": areas_recipe}[kind]
    text = dump(make(info, entry))
    folder = recipe_folder()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{info.source_id}.toml").write_text(text, encoding="utf-8")
        st.caption(tr(f"Rezept gespeichert: {folder / (info.source_id + '.toml')}. Nächstes Jahr: neue Datei hochladen "
                      "und „Gespeichertes Rezept verwenden“ wählen – oder auf der Kommandozeile "
                      f"`sozialraum recipe {folder / (info.source_id + '.toml')} --data-dir ORDNER`.",
                      "Recipe saved."))
    except OSError as exc:
        st.caption(tr(f"Rezept konnte nicht gespeichert werden ({exc}).", "Recipe not saved."))
    st.download_button(tr("Rezept herunterladen (TOML)", "Download recipe (TOML)"), text.encode("utf-8"),
                       file_name=f"{info.source_id}.toml", mime="application/toml", key="wz_recipe_download")
