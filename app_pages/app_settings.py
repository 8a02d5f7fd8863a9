"""The app's language switch and the widgets of the declared settings (sozialraum.settings): one widget per
setting, with its label, help, bounds and choices; the chosen value lives in the session."""

from __future__ import annotations

import streamlit as st

from sozialraum.settings import SETTINGS

# German / English labels of setting choices (fallback: the raw value)
CHOICE_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "class_scheme": {
        "quantiles": ("Quantile (gleich viele Gebiete je Klasse)", "Quantiles"),
        "equal_interval": ("Gleiche Abstände", "Equal intervals"),
        "fisher_jenks": ("Natürliche Brüche (Fisher-Jenks)", "Natural breaks (Fisher-Jenks)"),
        "std_mean": ("Standardabweichung um den Mittelwert", "Standard deviation"),
        "manual": ("Eigene Grenzen", "Manual breaks"),
        "mss": ("MSS-Grenzen (−1 / +1 / +1,5)", "MSS thresholds"),
    },
    "basemap": {
        "none": ("Keine (funktioniert ohne Internet)", "None (works offline)"),
        "basemapde": ("basemap.de (BKG, amtlich)", "basemap.de (BKG, official)"),
        "osm": ("OpenStreetMap", "OpenStreetMap"),
    },
    "travel_mode": {
        "luftlinie": ("Luftlinie (zu Fuß)", "Straight line (walking)"),
        "walk": ("zu Fuß", "Walking"),
        "bike": ("Fahrrad", "Bicycle"),
        "car": ("Auto", "Car"),
        "transit": ("ÖPNV", "Public transport"),
    },
    "transit_weekday": {
        "mo": ("Montag", "Monday"), "di": ("Dienstag", "Tuesday"), "mi": ("Mittwoch", "Wednesday"),
        "do": ("Donnerstag", "Thursday"), "fr": ("Freitag", "Friday"), "sa": ("Samstag", "Saturday"),
        "so": ("Sonntag", "Sunday"),
    },
}


# --------------------------------------------------------------------------------------------- language
def lang() -> str:
    return st.session_state.get("lang") or "de"


def tr(de: str, en: str) -> str:
    """The text for the language chosen in the sidebar (German by default)."""
    return en if lang() == "en" else de


# --------------------------------------------------------------------------------------------- settings
def setting(name: str):
    """Current value of a declared setting (the user's choice in this session, else the default)."""
    return st.session_state.get("settings", {}).get(name, SETTINGS[name].default)


def _store_setting(name: str, widget_key: str) -> None:
    st.session_state.setdefault("settings", {})[name] = st.session_state[widget_key]


def setting_label(name: str) -> str:
    s = SETTINGS[name]
    label = tr(s.label, s.label_en or s.label)
    return f"{label} ({s.unit})" if s.unit else label


def choice_label(name: str, value: str) -> str:
    de, en = CHOICE_LABELS.get(name, {}).get(value, (value, value))
    return tr(de, en)


def setting_input(name: str, container=None, key: str | None = None):
    """Render any declared setting (label, help, bounds, choices) and return its current value.

    The value survives page changes (kept in ``st.session_state['settings']``).
    """
    s = SETTINGS[name]
    container = st.sidebar if container is None else container
    widget_key = key or f"setting_{name}"
    current = setting(name)
    common = dict(label=setting_label(name), help=s.help, key=widget_key,
                  on_change=_store_setting, args=(name, widget_key))
    if isinstance(s.default, bool):
        value = container.toggle(value=bool(current), **common)
    elif s.choices:
        choices = list(s.choices)
        index = choices.index(current) if current in choices else 0
        value = container.selectbox(options=choices, index=index,
                                    format_func=lambda v: choice_label(name, v), **common)
    elif isinstance(s.default, str):  # free text, e.g. the rota's time slots "09:00, 11:30, 14:00"
        value = container.text_input(value=str(current), **common)
    elif isinstance(s.default, int):
        value = container.number_input(value=int(current), min_value=_int(s.minimum), max_value=_int(s.maximum),
                                       step=_int(s.step) or 1, **common)
    else:
        value = container.number_input(value=float(current), min_value=_float(s.minimum),
                                       max_value=_float(s.maximum), step=_float(s.step), **common)
    st.session_state.setdefault("settings", {})[name] = value
    return value


def _int(v):
    return None if v is None else int(v)


def _float(v):
    return None if v is None else float(v)
