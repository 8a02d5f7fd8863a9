"""Sozialraum-Dashboard — Streamlit entry point: the shared frame, drawn once, and the page navigation.

Run with ``streamlit run app.py`` (database: ``$SOZIALRAUM_DB`` or ``data/sozialraum.duckdb``).
"""

import streamlit as st

from app_pages import view

_presenting = st.query_params.get("praesentation") in ("1", "true", "ja")
st.set_page_config(page_title="Sozialraum-Dashboard", page_icon="🗺️", layout="wide",
                   initial_sidebar_state="collapsed" if _presenting else "expanded")

from app_pages import common, frame  # noqa: E402  (after set_page_config)
from app_pages.common import tr  # noqa: E402

view.init()

# --- sidebar: language and presentation mode (shared by every page)
if "lang" not in st.session_state:
    st.session_state["lang"] = view.get("lang", "de")
st.sidebar.segmented_control("Sprache / Language", ["de", "en"], key="lang",
                             format_func=lambda v: {"de": "Deutsch", "en": "English"}[v])
if not st.session_state.get("lang"):
    st.session_state["lang"] = "de"
view.set(lang=None if common.lang() == "de" else common.lang())

if "presentation_toggle" not in st.session_state:
    st.session_state["presentation_toggle"] = view.presentation()
st.sidebar.toggle(tr("Präsentationsmodus", "Presentation mode"), key="presentation_toggle",
                  help=tr("Große Schrift, kontrastreiche und farbfehlsichtigkeitstaugliche Farben, ohne Seitenleiste. "
                          "Der Link (URL) enthält die Einstellung und kann weitergegeben werden.",
                          "Large type, high contrast, colour-blind-safe colours, no sidebar."))
view.set(praesentation="1" if st.session_state["presentation_toggle"] else None)

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
]

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
if common.db_path().exists():
    common.fictional_notice()

page.run()

if common.db_path().exists():
    frame.sources_footer()
