"""Map legend as plain HTML in a Leaflet control (no branca colormap, no d3) and the SVG hatch pattern."""

from __future__ import annotations

from dataclasses import dataclass

HATCH_ID = "sr-hatch"


def hatch_defs() -> str:
    """An invisible inline SVG defining the hatch pattern used as ``fillColor: url(#sr-hatch)``."""
    return (
        '<svg width="0" height="0" style="position:absolute" aria-hidden="true"><defs>'
        f'<pattern id="{HATCH_ID}" patternUnits="userSpaceOnUse" width="8" height="8" '
        'patternTransform="rotate(45)"><rect width="8" height="8" fill="#e0e0e0"/>'
        '<line x1="0" y1="0" x2="0" y2="8" stroke="#7a7a7a" stroke-width="3"/></pattern></defs></svg>'
    )


@dataclass(frozen=True)
class LegendRow:
    colour: str
    label: str
    hatched: bool = False
    dashed: bool = False
    outline: str | None = None
    circle: bool = False  # a point symbol (CircleMarker) instead of an area swatch


def _swatch(row: LegendRow) -> str:
    if row.circle:
        return (f'<span style="display:inline-block;width:10px;height:10px;margin:0 10px 0 4px;border-radius:50%;'
                f'vertical-align:middle;background:{row.colour};border:1px solid #fff;'
                f'box-shadow:0 0 0 1px #777"></span>')
    border = f"2.5px solid {row.outline}" if row.outline else ("1px dashed #555" if row.dashed else "1px solid #777")
    background = row.colour
    if row.hatched:
        background = "repeating-linear-gradient(45deg,#7a7a7a 0 2px,#e0e0e0 2px 6px)"
    return (f'<span style="display:inline-block;width:18px;height:12px;margin-right:6px;vertical-align:middle;'
            f'background:{background};border:{border}"></span>')


def legend_html(title: str, rows: list[LegendRow], font_px: int = 12) -> str:
    """The legend's HTML; title and labels are plain text, escaped by ``sozialraum.maps.escape.text``."""
    from sozialraum.maps.escape import text

    body = "".join(f'<div style="white-space:nowrap;line-height:{round(font_px * 1.5)}px">{_swatch(r)}'
                   f'{text(r.label)}</div>' for r in rows)
    head = f'<div style="font-weight:600;margin-bottom:4px;max-width:240px;white-space:normal">{text(title)}</div>' \
        if title else ""
    return (f'<div class="sr-legend" style="background:rgba(255,255,255,0.92);padding:6px 8px;border-radius:4px;'
            f'box-shadow:0 0 4px rgba(0,0,0,.3);font:{font_px}px/1.3 sans-serif;color:#111">{head}{body}</div>')


def Legend(title: str, rows: list[LegendRow], position: str = "bottomright", font_px: int = 12):  # noqa: N802
    """A folium MacroElement that adds the legend control to its parent map or layer group.

    The control is held by a small Leaflet layer: inside a FeatureGroup it appears and disappears with the group
    (the app swaps the data layer of a mounted map and its legend together, see ``app_pages.common.show_map``).
    """
    from branca.element import MacroElement
    from jinja2 import Template

    from sozialraum.maps.escape import script_json

    class _Legend(MacroElement):
        _template = Template(
            "{% macro script(this, kwargs) %}"
            "(function(){var c = L.control({position: {{ this.position }}});"
            "c.onAdd = function(){var d = L.DomUtil.create('div'); d.innerHTML = {{ this.content }}; return d;};"
            "var Holder = L.Layer.extend({onAdd: function(map){c.addTo(map);}, onRemove: function(){c.remove();}});"
            "new Holder().addTo({{ this._parent.get_name() }});})();"
            "{% endmacro %}"
        )

        def __init__(self):
            super().__init__()
            self._name = "Legend"
            self.position = script_json(position)
            self.content = script_json(legend_html(title, rows, font_px))

    return _Legend()
