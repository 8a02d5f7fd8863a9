"""The view a URL carries (shareable views): page (URL path), indicator, level, period, area, scenario,
the need index's indicators (``sozialindex``), plus ``lang``, ``praesentation`` and the city chosen in the
sidebar (``stadt``, set once another city than the default is chosen).

Opening a copied link restores the view: :func:`init` reads the query parameters once per session into
``st.session_state['view']``; selectors read their default from :func:`get` and write back with :func:`set`,
which also updates the browser's URL.
"""

from __future__ import annotations

import streamlit as st

KEYS = ("indicator", "level", "period", "area", "scenario", "sozialindex", "lang", "praesentation", "stadt")


def init() -> dict:
    """Read the URL once per session (call at the top of app.py)."""
    if "view" not in st.session_state:
        params = st.query_params
        st.session_state["view"] = {k: params.get(k) for k in KEYS if params.get(k)}
        if st.session_state["view"].get("lang") in ("de", "en"):
            st.session_state["lang"] = st.session_state["view"]["lang"]
    return st.session_state["view"]


def get(name: str, default=None):
    """A view value; the level defaults to the finest level with data (not the first by name)."""
    value = st.session_state.get("view", {}).get(name)
    if value is None and name == "level":
        value = finest_level()
    return default if value is None else value


@st.cache_data(show_spinner=False, max_entries=8)
def _finest_level(version: str) -> str | None:
    from app_pages import common
    from sozialraum.analysis.data_gaps import finest_level as finest

    return finest(common.get_con())


def finest_level() -> str | None:
    """The finest level that has data (None without a database)."""
    from app_pages import common

    if not common.db_path().exists():
        return None
    return _finest_level(common.data_version())


def set(**values) -> None:  # noqa: A001 - the natural name here
    """Remember view values (None removes) and mirror them into the URL."""
    state = st.session_state.setdefault("view", {})
    for name, value in values.items():
        if name not in KEYS:
            raise KeyError(f"Unbekannter Ansichtsparameter: {name}")
        if value is None or value == "":
            state.pop(name, None)
            if name in st.query_params:
                del st.query_params[name]
        else:
            state[name] = str(value)
            if st.query_params.get(name) != str(value):
                st.query_params[name] = str(value)


def as_query_params() -> dict[str, str]:
    return dict(st.session_state.get("view", {}))


def presentation() -> bool:
    return get("praesentation") in ("1", "true", "ja")
