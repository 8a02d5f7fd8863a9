"""Shared pieces of the app: store connection, language, settings widgets, selectors, the map widget.

Pages stay short: read widgets from here → call the library → draw. Caching lives here (never in sozialraum/).
Every number shown goes through :func:`published_values` (the confidentiality gate).
"""

from __future__ import annotations

import contextlib
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
    return st.session_state.get("lang") or "de"


def tr(de: str, en: str) -> str:
    """The text for the language chosen in the sidebar (German by default)."""
    return en if lang() == "en" else de


# --------------------------------------------------------------------------------------------- store
# The app reads the published snapshot of one store folder (data/<stadt>/, see sozialraum.store.snapshots),
# read-only: any number of app processes can serve it while an import writes the next version. Each session
# keeps the snapshot it started a script run with (consistent pages) and moves to a newer one on its next full
# rerun, with a notice. A single DuckDB file ($SOZIALRAUM_DB=file.duckdb, the former layout) is opened read-write
# in place as before (one app process), or read-only when the file or its folder is not writable.
@st.cache_resource(show_spinner=False, max_entries=8)
def _root_connection(path: str, read_only: bool = False):
    from sozialraum.store import connect

    return connect(path, read_only=read_only)


_local = threading.local()


def data_root() -> Path:
    from sozialraum.store.connection import data_dir

    return data_dir().resolve()


def fixed_target() -> Path | None:
    """``$SOZIALRAUM_DB`` (a store folder or a file): the one store this app serves, without a store switch."""
    import os

    value = os.environ.get("SOZIALRAUM_DB")
    return Path(value).resolve() if value else None


def store_choices() -> dict[str, str]:
    """Stores in the data folder: folder name → label."""
    from sozialraum.store import snapshots

    return {s.store.name: s.label or s.store.name for s in snapshots.list_stores(data_root())}


def store_target() -> Path:
    """The store this session looks at: $SOZIALRAUM_DB, else the one chosen in the sidebar, else
    $SOZIALRAUM_STORE, else Musterstadt, else the first store in the data folder."""
    import os

    from sozialraum.store.connection import DEMO_STORE

    fixed = fixed_target()
    if fixed is not None:
        return fixed
    root = data_root()
    chosen = st.session_state.get("store")
    if chosen and (root / chosen).is_dir():
        return root / chosen
    wanted = os.environ.get("SOZIALRAUM_STORE") or DEMO_STORE
    if (root / wanted).is_dir():
        return root / wanted
    names = list(store_choices())
    return root / (names[0] if names else wanted)


def sync_snapshot(announce: bool = True):
    """Pin the published snapshot of :func:`store_target` for this session (called at the top of every full
    run by app.py). Shows „Daten aktualisiert: Stand …“ when a newer version was published since the last run."""
    from sozialraum.store import snapshots

    target = store_target()
    try:
        snap = snapshots.current(target)
    except Exception as exc:  # noqa: BLE001 - a damaged manifest: say so, never a traceback
        st.error(str(exc))
        st.stop()
    old = st.session_state.get("_snapshot")
    st.session_state["_snapshot"] = snap
    if snap is None:
        return None
    if announce and snap.version and old is not None and old.store == snap.store and old.key != snap.key:
        st.info(tr(f"Daten aktualisiert: Stand {_when(snap)}", f"Data updated: as of {_when(snap)}"),
                icon=":material/update:")
    if snap.version and not st.session_state.get("_cleaned", {}).get(str(target)):
        snapshots.cleanup(target)  # what a writer killed earlier left behind
        st.session_state.setdefault("_cleaned", {})[str(target)] = True
    return snap


def local_time(iso: str) -> str:
    """'2026-11-28T22:40:00+00:00' → '28.11.2026, 23:40 Uhr' (German local time)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    try:
        return datetime.fromisoformat(iso).astimezone(ZoneInfo("Europe/Berlin")).strftime("%d.%m.%Y, %H:%M Uhr")
    except (ValueError, TypeError):
        return iso or "–"


def _when(snap) -> str:
    return f"{local_time(snap.published_at)} (Version {snap.version})" if snap.version else \
        local_time(snap.published_at)


def snapshot():
    """The snapshot pinned for this session (pinned now if there is none yet)."""
    snap = st.session_state.get("_snapshot")
    if snap is None or snap.store != store_target():
        snap = sync_snapshot(announce=False)
    return snap


def has_store() -> bool:
    return snapshot() is not None


def db_path() -> Path:
    """The DuckDB file this session reads (the pinned snapshot), or the store target when there is none yet."""
    snap = snapshot()
    return snap.path if snap is not None else store_target()


def read_only_reason() -> str | None:
    """Why this session cannot write (German), or None."""
    import os

    from app_pages import roles

    if not roles.allowed("planner"):
        return tr("Ihre Rolle erlaubt nur das Ansehen.", "Your role is view-only.")
    snap = snapshot()
    target = store_target()
    folder = target if snap is None or snap.version else target.parent
    if st.session_state.get("_read_only_file") == str(target) or not os.access(folder, os.W_OK) or (
            snap is not None and not snap.version and not os.access(snap.path, os.W_OK)):
        return tr(f"{target} ist schreibgeschützt: die Daten lassen sich ansehen, aber nicht ändern.",
                  f"{target} is read-only: view only.")
    return None


def can_write() -> bool:
    return read_only_reason() is None


def _open_root(snap):
    """The shared connection of a snapshot: read-only for a store folder; a plain file read-write (read-only when
    it is not writable)."""
    path = str(snap.path)
    if snap.version:
        return _root_connection(path, True)
    if st.session_state.get("_read_only_file") == str(snap.store) or not _writable(snap.path):
        st.session_state["_read_only_file"] = str(snap.store)
        return _root_connection(path, True)
    try:
        return _root_connection(path)
    except Exception as exc:  # duckdb.IOException / PermissionError
        from sozialraum.store.errors import is_lock_error, is_read_only_error

        if is_read_only_error(exc):
            st.session_state["_read_only_file"] = str(snap.store)
            return _root_connection(path, True)
        if not is_lock_error(exc):
            raise
        st.error(tr(f"Die Datenbank {path} ist gerade von einem anderen Programm zum Schreiben geöffnet "
                    "(z. B. ein laufender Import oder eine zweite App). Bitte dieses Programm beenden und die "
                    "Seite neu laden. Mit einem Datenordner (README, Abschnitt Betrieb) geht beides zugleich.",
                    f"The database {path} is locked by another program. Close it and reload."))
        st.stop()


def _writable(path: Path) -> bool:
    import os

    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def get_con():
    """A cursor on the shared connection to this session's snapshot (one cursor per script thread).

    Shows a German message and stops the page when the store does not exist yet.
    """
    snap = snapshot()
    if snap is None:
        target = store_target()
        st.error(tr(f"Es gibt noch keine Datenbank ({target}). Mit `sozialraum demo` wird die fiktive Musterstadt "
                    "angelegt; eine eigene Stadt legt „Städte & Datenstände“ an, Daten lädt danach die Seite "
                    "„Daten“.",
                    f"No database yet ({target}). Run `sozialraum demo` to create the fictional demo city."))
        st.stop()
    try:
        root = _open_root(snap)
    except FileNotFoundError:  # the snapshot was pruned meanwhile: move to the published one
        snap = sync_snapshot()
        root = _open_root(snap)
    if st.session_state.get("_read_only_file") == str(snap.store) and not st.session_state.get("_ro_noted"):
        st.session_state["_ro_noted"] = True
        st.info(tr("Die Datenbank ist schreibgeschützt: Ansehen geht, Ändern nicht.",
                   "The database is read-only: viewing works, changes do not."), icon=":material/lock:")
    key = str(snap.path)
    held = getattr(_local, "held", None)
    if held is None or held[0] != key or held[1] is not root:
        _local.held = held = (key, root, root.cursor())
    return held[2]


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
    """Changes whenever a new snapshot is published (or, for a single file, a source or scenario is written):
    part of every cache key."""
    snap = snapshot()
    if snap is not None and snap.version:
        return snap.key
    row = get_con().execute(
        "SELECT (SELECT count(*) FROM sources)::VARCHAR || '|' || coalesce((SELECT max(imported_at) FROM sources)"
        "::VARCHAR, '') || '|' || (SELECT count(*) FROM scenarios)::VARCHAR || '|' || "
        "coalesce((SELECT max(created_at) FROM scenarios)::VARCHAR, '')").fetchone()
    return f"{db_path()}|{row[0]}"


@contextlib.contextmanager
def writing(note: str = ""):
    """``with common.writing("Upload …") as con:`` — the app's one way to change the store.

    Store folder: a new snapshot, published when the block succeeds (other sessions see it on their next
    interaction). Single file: the app's own read-write connection. Raises ``InputError`` (German) for a
    view-only role, a read-only store, or when another import holds the store too long.
    """
    from sozialraum.errors import InputError
    from sozialraum.store import snapshots

    reason = read_only_reason()
    if reason:
        raise InputError(reason)
    snap = snapshot()
    if snap is None or snap.version:
        with snapshots.writing(store_target(), note=note) as con:
            yield con
        clear_caches()
        sync_snapshot(announce=False)
    else:
        yield get_con()
        clear_caches()


@contextlib.contextmanager
def scratch():
    """``with common.scratch() as con:`` — a connection for dry runs that write and roll back (plausibility checks
    before an import): a throw-away copy of a store folder's snapshot, or the app's own connection to a single
    file."""
    from sozialraum.store import snapshots

    snap = snapshot()
    if snap is not None and snap.version:
        with snapshots.scratch(snap.store) as con:
            yield con
    else:
        yield get_con()


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
        src = sources()
        demo = src[src["fictional"].astype(bool) & ~src["source_id"].isin(["osm_netz", "oepnv_fahrplan"])]["title"]
        names = ", ".join(sorted({str(t).split(" – ")[0] for t in demo})) or tr("Demo", "demo")
        st.warning(tr(f"Fiktive Beispieldaten ({names}) – keine echten Personen oder Orte.",
                      f"Fictional demo data ({names}) – no real people or places."), icon=":material/science:")


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


def show_click_map(m, key: str, height: int = 560, *, layered: bool = True) -> None:
    """Draw a folium map whose clicks the page reads with :func:`take_map_click` at the start of the next run
    (before it builds the map, so the map it draws already shows what the click changed).

    Markers of ``sozialraum.maps.siting`` carry ``sr_id``/``sr_role`` in their properties. Every click counts,
    also a second click on the same marker: the click counter is returned with the clicked feature, and
    streamlit-folium's ``on_change`` fires once per new value. ``layered``: see :func:`show_map`.
    """
    from streamlit_folium import st_folium

    from sozialraum.maps.assets import use_local_assets

    def _clicked():
        feature = (st.session_state.get(key) or {}).get("last_active_drawing") or {}
        st.session_state[f"_map_new_click_{key}"] = feature.get("properties") or None

    m = copy.deepcopy(m, _shared_geojson_data(m))
    use_local_assets(m, st.get_option("server.baseUrlPath") or "")
    group = _data_layers(m) if layered else None
    st_folium(m, key=key, height=height, use_container_width=True, feature_group_to_add=group,
              returned_objects=["last_active_drawing", "last_object_clicked_count"], on_change=_clicked)


def take_map_click(key: str) -> dict | None:
    """The properties of the object clicked on the map ``key`` since the last run (once), else None."""
    return st.session_state.pop(f"_map_new_click_{key}", None)


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
