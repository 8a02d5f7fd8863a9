"""Sozialraum-Dashboard — Streamlit entry point: the shared frame, drawn once, and the page navigation.

Run with ``streamlit run app.py``. Stores: the folders in ``$SOZIALRAUM_DATA`` (default ``data/``), one per city,
switched in the sidebar; ``$SOZIALRAUM_DB`` fixes one store folder or a single DuckDB file. Roles: app_pages/roles.py.
"""

import streamlit as st

from app_pages import view

_presenting = st.query_params.get("praesentation") in ("1", "true", "ja")
st.set_page_config(page_title="Sozialraum-Dashboard", page_icon="🗺️", layout="wide",
                   initial_sidebar_state="collapsed" if _presenting else "expanded")

from app_pages import common, frame, roles  # noqa: E402  (after set_page_config)
from app_pages.common import tr  # noqa: E402

view.init()
role = roles.login_gate()  # shared deployment: log in first; local mode: planner without login

# --- sidebar: language and presentation mode (shared by every page)
# Only assigned before the widget exists: assigning after it raised StreamlitWidgetAlreadyInstantiatedError when the
# control came back empty (clicking the chosen segment again; seen 15 times in bench/bench_load.py under load).
if "lang" not in st.session_state:
    st.session_state["lang"] = view.get("lang", "de")
elif not st.session_state.get("lang"):
    st.session_state["lang"] = "de"
st.sidebar.segmented_control("Sprache / Language", ["de", "en"], key="lang",
                             format_func=lambda v: {"de": "Deutsch", "en": "English"}[v])
view.set(lang=None if common.lang() == "de" else common.lang())

if "presentation_toggle" not in st.session_state:
    st.session_state["presentation_toggle"] = view.presentation()
st.sidebar.toggle(tr("Präsentationsmodus", "Presentation mode"), key="presentation_toggle",
                  help=tr("Große Schrift, kontrastreiche und farbfehlsichtigkeitstaugliche Farben, ohne Seitenleiste. "
                          "Der Link (URL) enthält die Einstellung und kann weitergegeben werden.",
                          "Large type, high contrast, colour-blind-safe colours, no sidebar."))
view.set(praesentation="1" if st.session_state["presentation_toggle"] else None)

# --- sidebar: which city / store (the folders in the data folder), unless $SOZIALRAUM_DB fixes one
_stores = common.store_choices() if common.fixed_target() is None else {}
if _stores:
    if st.session_state.get("_store_pending") in _stores:  # a store just created on the page „Städte & Datenstände“
        st.session_state["store"] = st.session_state.pop("_store_pending")
        st.session_state.pop("_snapshot", None)
    if st.session_state.get("store") not in _stores:
        linked = view.get("stadt")  # a shared link names its city
        st.session_state["store"] = linked if linked in _stores else common.store_target().name \
            if common.store_target().name in _stores else next(iter(_stores))

    def _switch_store():
        st.session_state.pop("_snapshot", None)
        view.set(level=None, area=None, indicator=None, period=None, scenario=None, stadt=st.session_state["store"])

    st.sidebar.selectbox(tr("Stadt / Kreis", "City / district"), list(_stores), key="store",
                         format_func=lambda k: _stores.get(k, k), on_change=_switch_store,
                         help=tr("Jede Stadt hat ihren eigenen Datenbestand; die Musterstadt ist fiktiv.",
                                 "Each city has its own store; Musterstadt is fictional."))
common.sync_snapshot()
from app_pages import warmup  # noqa: E402

warmup.start()  # the store's default travel-time matrices, computed in the background (app_pages/warmup.py)

PAGES = [
    st.Page("app_pages/ueberblick.py", title=tr("Überblick", "Overview"), icon=":material/home:", url_path="ueberblick",
            default=True),
    st.Page("app_pages/bedarf.py", title=tr("Bedarf", "Need"), icon=":material/map:", url_path="bedarf"),
    st.Page("app_pages/angebote.py", title=tr("Angebote & Erreichbarkeit", "Services & access"), icon=":material/location_on:",
            url_path="angebote"),
    st.Page("app_pages/standorte.py", title=tr("Standortplanung", "Site planning"), icon=":material/target:",
            url_path="standorte"),
    st.Page("app_pages/rota.py", title=tr("Mobile Beratung", "Mobile consultation"), icon=":material/directions_bus:", url_path="mobil"),
    st.Page("app_pages/profil.py", title=tr("Gebietsprofil", "Area profile"), icon=":material/description:", url_path="profil"),
    st.Page("app_pages/daten.py", title=tr("Daten", "Data"), icon=":material/database:", url_path="daten"),
    st.Page("app_pages/export.py", title=tr("Berichte & Export", "Reports & export"), icon=":material/picture_as_pdf:", url_path="export"),
    st.Page("app_pages/stores.py", title=tr("Städte & Datenstände", "Cities & versions"), icon=":material/folder_open:",
            url_path="staedte"),
]
# roles: viewers see maps, profiles, reports and exports; imports and store management need a planner
NEEDS = {"daten": "planner", "staedte": "planner"}
PAGES = [p for p in PAGES if roles.rank(role) >= roles.rank(NEEDS.get(p.url_path, "viewer"))]

page = st.navigation(PAGES, position="top" if view.presentation() else "sidebar")
common.follow_page_request()

if view.presentation():
    frame.presentation_style()
    def _leave_presentation():
        st.session_state["presentation_toggle"] = False
        view.set(praesentation=None)

    st.button(tr("Präsentationsmodus beenden", "Leave presentation mode"), key="leave_presentation",
              on_click=_leave_presentation)

st.sidebar.caption(tr("Sozialraum-Dashboard für Sozialplanung, Jobcenter und Wohlfahrtsverbände",
                      "Social-area dashboard for planners, Jobcenters and welfare associations"))
if common.has_store():
    common.fictional_notice()

page.run()

if common.has_store():
    frame.sources_footer()
