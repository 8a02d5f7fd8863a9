"""Shared pieces of the app: store connection, language, settings widgets, selectors, the map widget.

Pages stay short: read widgets from here → call the library → draw. Caching lives here (never in sozialraum/).
Every number shown goes through :func:`published_values` (the confidentiality gate).
"""

from __future__ import annotations

import copy
import threading
from pathlib import Path

import pandas as pd
import streamlit as st

from app_pages import view
from sozialraum.settings import SETTINGS

NEED_INDEX = "__need_index__"  # pseudo indicator: the MSS status index

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
    return st.session_state.get("lang", "de")


def tr(de: str, en: str) -> str:
    """The text for the language chosen in the sidebar (German by default)."""
    return en if lang() == "en" else de


# --------------------------------------------------------------------------------------------- store
@st.cache_resource(show_spinner=False)
def _root_connection(path: str):
    from sozialraum.store import connect

    return connect(path)


_local = threading.local()


def db_path() -> Path:
    from sozialraum.store.connection import default_db_path

    return default_db_path().resolve()


def get_con():
    """A cursor on the app's one read-write DuckDB connection (one cursor per script thread).

    Shows a German message and stops the page when the database does not exist yet.
    """
    path = db_path()
    if not path.exists():
        st.error(tr(f"Es gibt noch keine Datenbank ({path}). Mit `sozialraum demo` wird die fiktive Musterstadt "
                    "angelegt; eigene Daten lassen sich danach auf der Seite „Daten“ laden.",
                    f"No database yet ({path}). Run `sozialraum demo` to create the fictional demo city."))
        st.stop()
    try:
        root = _root_connection(str(path))
    except Exception as exc:  # duckdb.IOException: the file is locked by another process
        if "lock" not in str(exc).lower():
            raise
        st.error(tr(f"Die Datenbank {path} ist gerade von einem anderen Programm zum Schreiben geöffnet "
                    "(z. B. ein laufender Import oder eine zweite App). Bitte dieses Programm beenden und die "
                    "Seite neu laden.",
                    f"The database {path} is locked by another program. Close it and reload."))
        st.stop()
    cursors = getattr(_local, "cursors", None)
    if cursors is None:
        cursors = _local.cursors = {}
    cur = cursors.get(id(root))
    if cur is None:
        cur = cursors[id(root)] = root.cursor()
    return cur


TRAVEL_SETTINGS = ("travel_mode", "detour_factor", "walking_speed_kmh", "cycling_speed_kmh", "car_speed_kmh",
                   "transit_weekday", "transit_depart", "transit_max_walk_m")


def travel_model(overrides: dict | None = None):
    """The travel model of the current settings: the store's street network when one is built for the chosen
    mode, else the straight line („Luftlinie“)."""
    from sozialraum.access.travel import model_from_settings
    from sozialraum.network import store_network_dir

    values = {name: setting(name) for name in TRAVEL_SETTINGS}
    values.update(overrides or {})
    return model_from_settings(values, network_dir=store_network_dir(get_con()))


def data_version() -> str:
    """Changes whenever a source is (re)imported or a scenario saved: part of every cache key."""
    row = get_con().execute(
        "SELECT (SELECT count(*) FROM sources)::VARCHAR || '|' || coalesce((SELECT max(imported_at) FROM sources)"
        "::VARCHAR, '') || '|' || (SELECT count(*) FROM scenarios)::VARCHAR || '|' || "
        "coalesce((SELECT max(created_at) FROM scenarios)::VARCHAR, '')").fetchone()
    return row[0]


def clear_caches() -> None:
    """Call after writing to the store (upload, scenario) so every page sees the new data."""
    st.cache_data.clear()


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


# --------------------------------------------------------------------------------------------- cached reads
@st.cache_data(show_spinner=False, max_entries=8)
def _levels(version: str) -> pd.DataFrame:
    from sozialraum.store import read

    return read.levels(get_con())


def levels() -> pd.DataFrame:
    """Area levels with n_areas (only levels that have areas)."""
    frame = _levels(data_version())
    return frame[frame["n_areas"] > 0].reset_index(drop=True)


@st.cache_data(show_spinner=False, max_entries=32)
def _indicators(version: str, level: str) -> pd.DataFrame:
    from sozialraum.store import read

    return read.indicators_available(get_con(), level)


def indicators(level: str) -> pd.DataFrame:
    return _indicators(data_version(), level)


def target_group_labels(level: str) -> dict[str, str]:
    """Counts on ``level`` that can be a target group: key -> label.

    SGB II groups where the level has them; otherwise (e.g. Berlin's open data, which publishes shares only) the
    population counts, with a note. Stops the page with a German hint when the level has no counts at all.
    """
    available = indicators(level)
    counts = available[available["kind"] == "count"]
    sgb2 = counts[counts["suppressible"].astype(bool)]
    if sgb2.empty and not counts.empty:
        st.caption(tr("Für diese Ebene liegen keine SGB-II-Zahlen vor; als Zielgruppe stehen die Einwohnerzahlen "
                      "zur Wahl.", "No SGB II counts on this level; residents serve as the target group."))
    elif counts.empty:
        st.info(tr("Für diese Ebene gibt es keine Zählwerte als Zielgruppe.", "No counts on this level."))
        st.stop()
    chosen = sgb2 if not sgb2.empty else counts
    return {r.indicator: tr(r.label_de, r.label_en) for r in chosen.itertuples()}


@st.cache_data(show_spinner=False, max_entries=16)
def _areas_web(version: str, level: str):
    from sozialraum.store import read

    return read.areas(get_con(), level, web=True)


def areas_web(level: str):
    """Simplified EPSG:4326 geometries of a level (for maps)."""
    return _areas_web(data_version(), level)


@st.cache_data(show_spinner=False, max_entries=4)
def _providers(version: str) -> pd.DataFrame:
    from sozialraum.store import read

    return read.providers(get_con())


def providers() -> pd.DataFrame:
    return _providers(data_version())


@st.cache_data(show_spinner=False, max_entries=4)
def _sources(version: str) -> pd.DataFrame:
    from sozialraum.store import read

    return read.sources(get_con())


def sources() -> pd.DataFrame:
    return _sources(data_version())


@st.cache_data(show_spinner=False, max_entries=64)
def _published(version: str, level: str, period: str | None, indicators: tuple[str, ...] | None,
               threshold: int) -> pd.DataFrame:
    from sozialraum.analysis.confidentiality import published

    return published(get_con(), level, period=period, indicators=list(indicators) if indicators else None,
                     threshold=threshold)


def published_values(level: str, period: str | None = None, indicators=None) -> pd.DataFrame | None:
    """Observations as they may be shown (confidentiality gate applied), cached.

    The threshold can be tightened in the settings but never set below the BA rule's default.
    """
    return _published(data_version(), level, period, tuple(indicators) if indicators else None, threshold())


def threshold() -> int:
    """The confidentiality threshold in force: the setting, never below the BA rule's default."""
    return max(int(setting("suppression_threshold")), int(SETTINGS["suppression_threshold"].default))


@st.cache_data(show_spinner=False, max_entries=4)
def _fictional(version: str) -> bool:
    from sozialraum.store import read

    return read.is_fictional(get_con())


def fictional_notice() -> None:
    """A visible label when the store holds only fictional demo data."""
    if _fictional(data_version()):
        st.warning(tr("Fiktive Beispieldaten (Musterstadt) – keine echten Personen oder Orte.",
                      "Fictional demo data – no real people or places."), icon=":material/science:")


# --------------------------------------------------------------------------------------------- selectors
def level_select(container=None, key: str = "level_select") -> str | None:
    """Selectbox of area levels (label and number of areas); remembered in the view (URL ``level``)."""
    container = st.sidebar if container is None else container
    frame = levels()
    if frame.empty:
        st.info(tr("Die Datenbank enthält noch keine Gebiete.", "The database holds no areas yet."))
        return None
    options = list(frame["level"])
    labels = {r.level: f"{r.label} ({r.n_areas})" for r in frame.itertuples()}
    current = view.get("level")
    index = options.index(current) if current in options else 0
    value = container.selectbox(tr("Gebietsebene", "Area level"), options, index=index,
                                format_func=lambda v: labels.get(v, v), key=key)
    view.set(level=value)
    return value


def indicator_select(level: str, container=None, key: str = "indicator_select", *,
                     with_need_index: bool = False) -> str | None:
    """Selectbox of the indicators available on ``level`` (optionally plus the need index)."""
    container = st.sidebar if container is None else container
    frame = indicators(level)
    options = list(frame["indicator"])
    labels = {r.indicator: tr(r.label_de, r.label_en) for r in frame.itertuples()}
    if with_need_index:
        options = [NEED_INDEX] + options
        labels[NEED_INDEX] = tr("Sozialindex (MSS-Statusindex)", "Need index (MSS status)")
    if not options:
        st.info(tr("Für diese Ebene gibt es noch keine Kennzahlen.", "No indicators on this level yet."))
        return None
    current = view.get("indicator")
    preferred = [k for k in DEFAULT_INDICATORS if k in options]
    index = options.index(current) if current in options else (options.index(preferred[0]) if preferred else 0)
    value = container.selectbox(tr("Kennzahl", "Indicator"), options, index=index,
                                format_func=lambda v: labels.get(v, v), key=key)
    view.set(indicator=value)
    return value


@st.cache_data(show_spinner=False, max_entries=64)
def _periods(version: str, level: str, indicator: str | None) -> list[str]:
    from sozialraum.store import read

    return read.periods(get_con(), indicator=indicator, level=level)


NEED_INPUTS = ("mss_s1", "sgb2_quote", "alo_quote", "kinderarmut")  # periods where a need index can be built
DEFAULT_INDICATORS = ("sgb2_quote", "mss_s3", "mss_s1", "kinderarmut", "alo_quote")


def periods(level: str, indicator: str | None = None) -> list[str]:
    """Periods with data for ``level`` (and ``indicator``; for the need index: periods of its inputs)."""
    if indicator == NEED_INDEX:
        found = sorted({p for key in NEED_INPUTS for p in _periods(data_version(), level, key)})
        return found or _periods(data_version(), level, None)
    return _periods(data_version(), level, indicator)


def period_select(level: str, indicator: str | None = None, container=None, key: str = "period_select"):
    """Selectbox of the periods with data (latest first); remembered in the view (URL ``period``)."""
    container = st.sidebar if container is None else container
    options = list(reversed(periods(level, indicator)))
    if not options:
        return None
    current = view.get("period")
    index = options.index(current) if current in options else 0
    value = container.selectbox(tr("Stichtag", "Reference date"), options, index=index, key=key,
                                format_func=format_period)
    view.set(period=value)
    return value


def format_period(period: str) -> str:
    """'2024-12-31' → '31.12.2024'; '2024' stays (``sozialraum.formatting.format_period``)."""
    from sozialraum.formatting import format_period as _format

    return _format(period)


def fmt_number(value, decimals: int = 0, unit: str = "") -> str:
    """German number format: 12.345,6 — '–' for missing values."""
    from sozialraum.formatting import format_number

    text = format_number(value, decimals, missing="–")
    return f"{text} {unit}".strip() if unit and unit != "Personen" and text != "–" else text


# --------------------------------------------------------------------------------------------- map widget
def show_map(m, key: str, height: int = 560, *, layered: bool = False) -> str | None:
    """Draw a folium map (local Leaflet) and return the ``area_key`` of a newly clicked area, else None.

    Only the click is returned to Python, so panning and zooming never rerun the script.

    ``layered``: send the data layers (area shapes, points, legend) as a FeatureGroup beside an unchanging base
    map. streamlit-folium keys the component by the base map's script, so a widget change (classes, palette,
    hot spots) keeps the mounted map and only swaps the group instead of re-creating the iframe and Leaflet.
    """
    from streamlit_folium import st_folium

    from sozialraum.maps.assets import use_local_assets

    # Render a copy: rendering a folium map twice changes its script, and streamlit-folium would then mount
    # a new component (losing the click) when a fragment reruns with the same map object. The GeoJSON data
    # (read-only while rendering) is shared with the cached map instead of copied (~0.1 s for 542 areas).
    m = copy.deepcopy(m, _shared_geojson_data(m))
    use_local_assets(m, st.get_option("server.baseUrlPath") or "")
    group = _data_layers(m) if layered else None
    result = st_folium(m, key=key, height=height, use_container_width=True, feature_group_to_add=group,
                       returned_objects=["last_active_drawing"])
    feature = (result or {}).get("last_active_drawing") or {}
    area_key = (feature.get("properties") or {}).get("area_key")
    seen_key = f"_map_click_{key}"
    previous = st.session_state.get(seen_key)
    st.session_state[seen_key] = area_key
    if area_key and area_key != previous:
        return str(area_key)
    return None


def _shared_geojson_data(m) -> dict:
    """A deepcopy memo that keeps the ``data`` of every GeoJson in ``m`` (folium only reads it to render)."""
    import folium

    from sozialraum.maps.assets import iter_elements

    return {id(el.data): el.data for el in iter_elements(m) if isinstance(el, folium.GeoJson)}


def _data_layers(m):
    """Move the data layers of ``m`` (every folium Layer except tiles, and the legend) into one FeatureGroup."""
    import folium

    group = folium.FeatureGroup(name="Daten", control=False)
    for name, child in list(m._children.items()):
        is_data = isinstance(child, folium.map.Layer) and not isinstance(child, folium.raster_layers.TileLayer)
        if is_data or getattr(child, "_name", "") == "Legend":
            del m._children[name]
            group.add_child(child, name=name)
    return group


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
