"""Folium maps in the page: drawn with the local Leaflet, areas and markers clickable, data layers swapped
without re-creating the map."""

from __future__ import annotations

import copy

import streamlit as st


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
