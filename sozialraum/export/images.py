"""Print-quality images of every map and chart: PNG (and SVG where plotly can).

- plotly charts: kaleido 1.x, which drives the system Chromium by itself (never ``kaleido.get_chrome()``);
  ``image_session()`` starts kaleido's sync server once for many images.
- folium maps: the map's self-contained HTML (``sozialraum.maps.assets.standalone_html``: Leaflet inlined, no
  server) screenshotted by headless Chromium with a device scale factor, so a 1000×700 map at ``scale=3``
  is a 3000×2100 PNG — 300 dpi over a 25 cm print.
"""

from __future__ import annotations

import warnings
from contextlib import contextmanager
from typing import Iterator

PRINT_SCALE = 3.0


@contextmanager
def image_session() -> Iterator[None]:
    """Keep one kaleido Chromium running for all ``figure_png``/``figure_svg`` calls inside the block."""
    import kaleido

    from sozialraum.export.browser import chromium_path

    chromium_path()
    started = False
    try:
        kaleido.start_sync_server(silence_warnings=True)
        started = True
    except RuntimeError:
        pass  # already running
    try:
        yield
    finally:
        if started:
            kaleido.stop_sync_server(silence_warnings=True)


def _to_image(fig, fmt: str, scale: float, width: int | None, height: int | None) -> bytes:
    import plotly.io as pio

    from sozialraum.export.browser import chromium_path

    chromium_path()
    width = width or fig.layout.width or 900
    height = height or fig.layout.height or 500
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The kopts argument is ignored")
        return pio.to_image(fig, format=fmt, scale=scale, width=width, height=height)


def figure_png(fig, scale: float = PRINT_SCALE, *, width: int | None = None, height: int | None = None) -> bytes:
    """PNG bytes of a plotly figure at ``scale`` × its size (default 3 × 900×500 px)."""
    return _to_image(fig, "png", scale, width, height)


def figure_svg(fig, *, width: int | None = None, height: int | None = None) -> bytes:
    """SVG bytes of a plotly figure (vector, for layout programs)."""
    return _to_image(fig, "svg", 1.0, width, height)


def map_png(folium_map, width: int = 1000, height: int = 700, scale: float = PRINT_SCALE, *, chrome=None) -> bytes:
    """PNG bytes of a folium map as the app draws it, ``width``×``height`` CSS pixels at ``scale``.

    ``chrome``: a running browser from ``sozialraum.export.browser.browser()`` to reuse for many maps.
    """
    from sozialraum.export.browser import html_to_png
    from sozialraum.maps.assets import standalone_html

    html = standalone_html(folium_map)
    return html_to_png(html, width=width, height=height, scale=scale, chrome=chrome)
