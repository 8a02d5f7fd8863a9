"""Shared pieces of the app, one import for the pages: the language and settings widgets (app_settings), the
store connection and writes (store_access), cached reads and selectors (reads), the map widget (map_widget), and
the page frame here (profile links, presentation mode).

Pages stay short: read widgets from here → call the library → draw. Caching lives in the app (never in
sozialraum/). Every number shown goes through :func:`published_values` (the confidentiality gate).
"""

from __future__ import annotations

import streamlit as st

from app_pages import view
from app_pages.app_settings import (  # noqa: F401  (re-exported for the pages)
    CHOICE_LABELS, lang, tr, setting, setting_label, choice_label, setting_input,
)
from app_pages.store_access import (  # noqa: F401  (re-exported for the pages)
    _root_connection, data_root, fixed_target, store_choices, store_target, sync_snapshot, local_time, snapshot,
    has_store, db_path, read_only_reason, can_write, get_con, TRAVEL_SETTINGS, travel_model, data_version, writing,
    scratch, clear_caches,
)
from app_pages.reads import (  # noqa: F401  (re-exported for the pages)
    NEED_INDEX, levels, indicators, target_group_labels, areas_web, providers, sources, published_values, threshold,
    fictional_notice, level_select, indicator_select, NEED_INPUTS, DEFAULT_INDICATORS, periods, period_select,
    format_period, fmt_number,
)
from app_pages.map_widget import (  # noqa: F401  (re-exported for the pages)
    show_map, show_click_map, take_map_click,
)


PROFILE_PAGE = "app_pages/profil.py"


def open_profile(area_key: str, level: str) -> None:
    """Open the area profile of ``area_key`` (view state and URL carry the selection).

    Works from inside a map fragment: the switch happens in a full rerun (see :func:`follow_page_request`).
    """
    view.set(area=area_key, level=level)
    st.session_state["_goto_page"] = PROFILE_PAGE
    st.rerun(scope="app")


def follow_page_request() -> None:
    """Called by app.py after st.navigation: carry out a page switch requested from a fragment."""
    target = st.session_state.pop("_goto_page", None)
    if target:
        st.switch_page(target, query_params=view.as_query_params())


# --------------------------------------------------------------------------------------------- frame
def presentation() -> bool:
    return view.presentation()


def palette_name() -> str:
    """'kontrast' (viridis, projector-proof) in presentation mode, else 'standard'."""
    return "kontrast" if presentation() else "standard"
