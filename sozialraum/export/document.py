"""A printable HTML document made of sections, maps (iframes) and charts, served to Chromium from memory.

Each folium map becomes its own self-contained HTML file (``sozialraum.maps.assets.standalone_html``: the
very map the app shows, Leaflet inlined) embedded as an ``<iframe>`` of fixed size in millimetres, so Leaflet
lays the map out once at print size. plotly charts are ``<div>``s drawn by plotly.js from the plotly package
(served as a local file). Chromium prints both as vectors: polygons, lines and text stay sharp at any zoom.
"""

from __future__ import annotations

import html as _html
from dataclasses import dataclass, field

import pandas as pd

CSS = """
@page {
  size: A4; margin: 16mm 15mm 17mm 15mm;
  @bottom-left { content: __FOOTER__; font: 7.5pt "DejaVu Sans", sans-serif;
                 color: #555; }
  @bottom-right { content: "Seite " counter(page) " von " counter(pages); font: 7.5pt "DejaVu Sans", sans-serif;
                  color: #555; }
}
@page :first { @bottom-left { content: none; } @bottom-right { content: none; } }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 9.5pt; line-height: 1.35;
       color: #1a1a1a; margin: 0; width: 180mm; }
h1 { font-size: 24pt; margin: 0 0 4mm; color: #123c63; }
h2 { font-size: 15pt; margin: 0 0 3mm; color: #123c63; border-bottom: 0.4mm solid #123c63; padding-bottom: 1mm; }
h3 { font-size: 11pt; margin: 4mm 0 2mm; color: #123c63; break-after: avoid; }
p { margin: 0 0 2mm; }
section { break-before: page; }
section.title { break-before: avoid; padding-top: 40mm; }
.subtitle { font-size: 14pt; color: #333; margin-bottom: 12mm; }
.fictional { border: 0.6mm solid #b35806; background: #fff4e5; color: #6b3300; padding: 3mm 4mm;
             font-weight: bold; margin: 6mm 0; }
.note { color: #444; font-size: 8.5pt; }
.box { border: 0.3mm solid #ccc; padding: 2mm 3mm; margin: 2mm 0; }
figure { margin: 0 0 3mm; break-inside: avoid; }
figcaption { font-size: 8pt; color: #444; margin-top: 1mm; }
iframe.map { width: 180mm; border: 0.3mm solid #bbb; display: block; }
.chart { width: 180mm; }
table { border-collapse: collapse; width: 100%; font-size: 8pt; margin: 1mm 0 3mm; }
table.small { font-size: 7pt; line-height: 1.25; }
table.small td { padding: 0.6mm 1.2mm; }
table.small th.num { white-space: normal; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
th { text-align: left; background: #e8eef4; border-bottom: 0.4mm solid #123c63; padding: 1mm 1.5mm;
     vertical-align: bottom; }
td { border-bottom: 0.2mm solid #ddd; padding: 0.8mm 1.5mm; vertical-align: top; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.legend { display: flex; flex-wrap: wrap; gap: 1mm 4mm; font-size: 8pt; margin: 1.5mm 0; }
.legend span.swatch { display: inline-block; width: 4mm; height: 3mm; border: 0.2mm solid #666;
                      vertical-align: middle; margin-right: 1mm; }
dl.meta { display: grid; grid-template-columns: 45mm 1fr; gap: 1mm 3mm; font-size: 10pt; }
dl.meta dt { font-weight: bold; } dl.meta dd { margin: 0; }
.pair { display: flex; gap: 4mm; break-inside: avoid; } .pair > figure { flex: 0 0 88mm; margin: 0 0 2mm; }
"""


def esc(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return _html.escape(str(value))


@dataclass
class Document:
    """Collects sections and their maps/charts; ``files()`` gives everything Chromium needs to print it."""

    title: str
    sections: list[str] = field(default_factory=list)
    assets: dict[str, str | bytes] = field(default_factory=dict)
    uses_plotly: bool = False
    _count: int = 0

    def add(self, html: str) -> None:
        self.sections.append(html)

    def map(self, folium_map, *, height_mm: float = 150, caption: str = "") -> str:
        """An iframe with the standalone HTML of ``folium_map`` (the map as the app draws it)."""
        from sozialraum.maps.assets import standalone_html

        self._count += 1
        name = f"karte_{self._count}.html"
        page = standalone_html(folium_map)
        # no zoom buttons on paper; the map must not react to the pointer while printing
        page = page.replace("</head>", "<style>.leaflet-control-zoom{display:none!important}"
                                       "html,body{margin:0;padding:0}</style></head>", 1)
        self.assets[name] = page
        cap = f"<figcaption>{esc(caption)}</figcaption>" if caption else ""
        return (f'<figure><iframe class="map" src="{name}" style="height:{height_mm}mm" scrolling="no" '
                f'title="{esc(caption) or "Karte"}"></iframe>{cap}</figure>')

    def chart(self, fig, *, height_mm: float = 80, caption: str = "", width_mm: float = 180) -> str:
        """A plotly chart drawn by plotly.js in the page (vector in the PDF)."""
        self.uses_plotly = True
        self._count += 1
        px = round(height_mm / 25.4 * 96)
        fig = fig.update_layout(width=round(width_mm / 25.4 * 96), height=px)
        div = fig.to_html(full_html=False, include_plotlyjs=False, div_id=f"chart_{self._count}",
                          config={"staticPlot": True, "displayModeBar": False})
        cap = f"<figcaption>{esc(caption)}</figcaption>" if caption else ""
        width = f' style="width:{width_mm}mm"' if width_mm != 180 else ""
        return f'<figure class="chart"{width}>{div}{cap}</figure>'

    def html(self) -> str:
        footer = '"' + self.title.replace("\\", "").replace('"', "'") + '"'
        css = CSS.replace("__FOOTER__", footer)
        head = [f"<meta charset='utf-8'><title>{esc(self.title)}</title><style>{css}</style>"]
        if self.uses_plotly:
            head.append('<script src="plotly.min.js"></script>')
        return ("<!DOCTYPE html><html lang='de'><head>" + "".join(head) + "</head><body>"
                + "\n".join(self.sections) + "</body></html>")

    def files(self) -> dict[str, str | bytes]:
        files: dict[str, str | bytes] = dict(self.assets)
        files["index.html"] = self.html()
        if self.uses_plotly:
            from plotly.offline import get_plotlyjs

            files["plotly.min.js"] = get_plotlyjs()
        return files


def table(frame: pd.DataFrame, *, numeric: tuple[str, ...] = (), widths: dict[str, str] | None = None,
          small: bool = False) -> str:
    """An HTML table of already formatted (text) cells; ``numeric`` columns are right-aligned."""
    widths = widths or {}
    head = "".join(
        f'<th class="{"num" if c in numeric else ""}"'
        + (f' style="width:{widths[c]}"' if c in widths else "") + f">{esc(c)}</th>" for c in frame.columns)
    body = []
    for row in frame.itertuples(index=False, name=None):
        cells = "".join(f'<td class="{"num" if c in numeric else ""}">{esc(v)}</td>'
                        for c, v in zip(frame.columns, row))
        body.append(f"<tr>{cells}</tr>")
    cls = " class='small'" if small else ""
    return f"<table{cls}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def legend(items: list[tuple[str, str]]) -> str:
    """A colour legend: (colour, label) pairs."""
    return '<div class="legend">' + "".join(
        f'<span><span class="swatch" style="background:{esc(c)}"></span>{esc(label)}</span>' for c, label in items
    ) + "</div>"
