"""The one place where text enters map HTML: every builder in ``sozialraum.maps`` escapes through here.

Names of areas, providers, Träger, venues and Jobcenter sites come from user files. Leaflet puts tooltip,
popup, legend and marker contents into the page with ``innerHTML``, and folium's ``GeoJsonTooltip`` builds its
table from the feature properties and the field aliases as HTML. So:

- ``properties(props)``: GeoJSON property columns with every text value HTML-escaped (except ``area_key``,
  which the app reads back on click and never shows, and style columns whose name starts with ``_``);
- ``tooltip(fields, aliases, **kw)``: a ``folium.GeoJsonTooltip`` with escaped aliases;
- ``text(value)``: one escaped string (marker tooltips, legend labels);
- ``script_json(obj)``: JSON that is safe inside a ``<script>`` element (``<``, ``>``, ``&``, ``'`` as
  ``\\u00XX``), for data handed to our own small scripts.

Escape once, here, on plain text. Callers pass plain text (never pre-escaped HTML).
"""

from __future__ import annotations

import html
import json

RAW_PROPERTIES = frozenset({"area_key"})


def text(value) -> str:
    """``value`` as text that HTML shows literally."""
    return html.escape("" if value is None else str(value), quote=True)


def properties(props: dict[str, list]) -> dict[str, list]:
    """Property columns with their text values escaped (see the module docstring)."""
    out = {}
    for name, values in props.items():
        if name in RAW_PROPERTIES or name.startswith("_"):
            out[name] = list(values)
        else:
            out[name] = [text(v) if isinstance(v, str) else v for v in values]
    return out


def tooltip(fields, aliases, **kw):
    """``folium.GeoJsonTooltip`` over escaped property values (see ``properties``) with escaped aliases."""
    import folium

    return folium.GeoJsonTooltip(fields=list(fields), aliases=[text(a) for a in aliases], **kw)


def script_json(obj) -> str:
    """JSON for embedding in a ``<script>`` element: no ``</script>`` or HTML comment can break out."""
    dumped = json.dumps(obj, ensure_ascii=False)
    return (dumped.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("'", "\\u0027").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
