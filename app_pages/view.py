"""The view a URL carries (shareable views): page (URL path), indicator, level, period, area, scenario,
plus ``lang`` and ``praesentation``.

Opening a copied link restores the view: :func:`init` reads the query parameters once per session into
``st.session_state['view']``; selectors read their default from :func:`get` and write back with :func:`set`,
which also updates the browser's URL.
"""

from __future__ import annotations

import streamlit as st

KEYS = ("indicator", "level", "period", "area", "scenario", "lang", "praesentation")


def init() -> dict:
    """Read the URL once per session (call at the top of app.py)."""
    if "view" not in st.session_state:
        params = st.query_params
        st.session_state["view"] = {k: params.get(k) for k in KEYS if params.get(k)}
        if st.session_state["view"].get("lang") in ("de", "en"):
            st.session_state["lang"] = st.session_state["view"]["lang"]
    return st.session_state["view"]


def get(name: str, default=None):
    return st.session_state.get("view", {}).get(name, default)


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
