"""Seite „Städte & Datenstände": Städte (Datenordner) anlegen und wechseln, Datenstände und Rückkehr, Quellen
umbenennen und löschen (mit dem, was davon abhängt, vorher angezeigt)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import common, roles
from app_pages.common import tr
from sozialraum.errors import InputError
from sozialraum.store import snapshots

st.title(tr("Städte & Datenstände", "Cities & versions"))
roles.require_role("planner")
fixed = common.fixed_target()
root = common.data_root()


_when = common.local_time
FLASH = "_stores_flash"
if st.session_state.get(FLASH):
    st.success(st.session_state.pop(FLASH))


# --------------------------------------------------------------------------------------------- stores
st.subheader(tr("Städte und Kreise", "Cities and districts"))
if fixed is not None:
    st.caption(tr(f"Die App ist mit $SOZIALRAUM_DB fest auf {fixed} eingestellt; ohne diese Variable listet sie "
                  f"alle Städte im Datenordner.", f"$SOZIALRAUM_DB fixes the store to {fixed}."))
else:
    stores = snapshots.list_stores(root)
    if stores:
        st.dataframe(pd.DataFrame({
            tr("Name", "Name"): [s.label or s.store.name for s in stores],
            tr("Ordner", "Folder"): [s.store.name for s in stores],
            tr("Datenstand", "Version"): [s.version for s in stores],
            tr("Veröffentlicht", "Published"): [_when(s.published_at) for s in stores],
            tr("Zuletzt", "Last change"): [s.note for s in stores],
        }), hide_index=True, width="stretch", key="stores_table")
    else:
        st.info(tr(f"Im Datenordner {root} gibt es noch keine Stadt.", f"No store in {root} yet."))
    st.caption(tr("Gewechselt wird in der Seitenleiste („Stadt / Kreis“).", "Switch in the sidebar."))
    with st.form("store_new", clear_on_submit=True):
        st.markdown(tr("**Neue Stadt / neuer Kreis** – ein leerer Datenbestand; Gebiete und Zahlen lädt danach die "
                       "Seite „Daten“. Das metrische Koordinatensystem wird beim ersten Gebietsimport aus der Lage "
                       "der Daten gewählt (ETRS89 / UTM 32 westlich von 12° Ost, sonst UTM 33).",
                       "**New city / district**: an empty store; the metric CRS follows from the first area file."))
        name = st.text_input(tr("Name", "Name"), key="store_new_name", placeholder=tr("z. B. Landkreis Göttingen",
                                                                                     "e.g. Göttingen"))
        if st.form_submit_button(tr("Anlegen", "Create")):
            try:
                snap = snapshots.create_store(root, name)
            except InputError as exc:
                st.error(str(exc))
            else:
                st.session_state["_store_pending"] = snap.store.name  # app.py selects it before the sidebar box
                st.session_state[FLASH] = tr(f"„{name}“ angelegt und ausgewählt. Weiter auf der Seite „Daten“.",
                                             f"'{name}' created and selected.")
                st.rerun()

snap = common.snapshot()
if snap is None:
    st.stop()

# --------------------------------------------------------------------------------------------- versions
st.subheader(tr("Datenstände", "Versions"))
if snap.version:
    kept = snapshots.versions(snap.store)
    st.dataframe(pd.DataFrame({
        tr("Version", "Version"): [s.version for s in reversed(kept)],
        tr("Stand", "As of"): [_when(s.published_at) for s in reversed(kept)],
        tr("Anlass", "Cause"): [s.note for s in reversed(kept)],
        tr("veröffentlicht", "published"): ["●" if s.version == snap.version else "" for s in reversed(kept)],
    }), hide_index=True, width="stretch", key="versions_table")
    older = [s.version for s in kept if s.version != snapshots.current(snap.store).version]
    if roles.allowed("admin") and older and common.can_write():
        c1, c2 = st.columns([2, 1])
        back = c1.selectbox(tr("Zurück zu Version", "Back to version"), sorted(older, reverse=True), key="rollback_v")
        if c2.button(tr("Wieder veröffentlichen", "Publish again"), key="rollback"):
            try:
                new = snapshots.rollback(snap.store, back)
            except InputError as exc:
                st.error(str(exc))
            else:
                common.clear_caches()
                common.sync_snapshot(announce=False)
                st.success(tr(f"Version {back} ist als Version {new.version} wieder veröffentlicht.",
                              f"Version {back} republished as {new.version}."))
    elif older:
        st.caption(tr("Zurückgehen darf die Rolle „Verwaltung“ (oder: sozialraum store rollback).",
                      "Rollback needs the admin role."))
else:
    st.caption(tr("Eine einzelne Datenbankdatei hat keine Datenstände; ein Datenordner schon (README, Betrieb).",
                  "A single database file has no versions."))

# --------------------------------------------------------------------------------------------- sources
st.subheader(tr("Quellen umbenennen oder löschen", "Rename or delete sources"))
frame = common.sources()
if frame.empty:
    st.info(tr("Noch keine Quellen in dieser Stadt.", "No sources yet."))
    st.stop()
if not common.can_write():
    st.info(common.read_only_reason())
    st.stop()
titles = dict(zip(frame["source_id"], frame["title"]))
sid = st.selectbox(tr("Quelle", "Source"), list(titles), format_func=lambda k: f"{titles[k]} ({k})",
                   key="manage_source")
from sozialraum.store import manage

dep = manage.dependents(common.get_con(), sid)
st.markdown(tr("**Davon hängt ab:**", "**Depends on it:**") + "\n" + "\n".join(f"- {line}" for line in dep.lines()))
c1, c2 = st.columns(2)
with c1.form("source_rename"):
    new_id = st.text_input(tr("Neue Kennung", "New id"), value=sid, key="rename_id")
    new_title = st.text_input(tr("Neuer Titel", "New title"), value=titles[sid], key="rename_title")
    if st.form_submit_button(tr("Umbenennen", "Rename")):
        try:
            with common.writing(f"Quelle {sid} umbenannt") as con:
                manage.rename_source(con, sid, new_id=new_id, title=new_title)
        except InputError as exc:
            st.error(str(exc))
        else:
            st.session_state[FLASH] = tr(f"Quelle „{sid}“ umbenannt.", f"Source '{sid}' renamed.")
            st.rerun()
with c2.form("source_delete"):
    sure = st.checkbox(tr("Ja, diese Quelle und alles oben Genannte löschen", "Yes, delete it and the above"),
                       key="delete_sure")
    if st.form_submit_button(tr("Löschen", "Delete")):
        if not sure:
            st.warning(tr("Bitte erst das Häkchen setzen.", "Please tick the box first."))
        else:
            try:
                with common.writing(f"Quelle {sid} gelöscht") as con:
                    gone = manage.delete_source(con, sid)
            except InputError as exc:
                st.error(str(exc))
            else:
                st.session_state[FLASH] = tr(f"Gelöscht: {', '.join(gone)}. Ältere Datenstände bleiben für eine "
                                             "Rückkehr erhalten.", f"Deleted: {', '.join(gone)}.")
                st.rerun()
