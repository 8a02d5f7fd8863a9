"""Local front-end assets for folium maps: Leaflet from ``static/vendor/leaflet`` (vendored from npm), no CDN.

Two ways to use a map:

* in the app: :func:`use_local_assets` points the map's JS/CSS at Streamlit's static route
  (``/app/static/vendor/leaflet/...``), which streamlit-folium's frontend then loads;
* standalone (PDF report, HTML download): :func:`standalone_html` returns one HTML document with Leaflet's
  JavaScript, CSS and images inlined, so it renders from a file or ``page.set_content`` with no server at all.

folium's defaults (jQuery, Bootstrap, Font Awesome, awesome-markers) are dropped: our maps use
``CircleMarker`` and plain HTML legends, which need none of them.
"""

from __future__ import annotations

import base64
import re
from functools import lru_cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
LEAFLET_DIR = PROJECT_ROOT / "static" / "vendor" / "leaflet"
STATIC_ROUTE = "app/static"  # Streamlit serves ./static at <baseUrlPath>/app/static/
LEAFLET_SUBPATH = "vendor/leaflet"

_EXTERNAL = re.compile(r"^(https?:)?//", re.IGNORECASE)


class AssetError(RuntimeError):
    """The vendored assets are missing or a map element would load something from another host."""


def leaflet_file(name: str) -> Path:
    path = LEAFLET_DIR / name
    if not path.exists():
        raise AssetError(
            f"{path} fehlt. Die Kartenbibliothek Leaflet wird mit 'bash tools/vendor_assets.sh' "
            "aus der npm-Registry in static/vendor/leaflet/ abgelegt."
        )
    return path


def static_url(base_url_path: str = "") -> str:
    """URL prefix of the vendored Leaflet files on the Streamlit server (``base_url_path``: server.baseUrlPath)."""
    base = base_url_path.strip("/")
    return "/" + "/".join(p for p in (base, STATIC_ROUTE, LEAFLET_SUBPATH) if p)


def local_js(base_url_path: str = "") -> list[tuple[str, str]]:
    return [("leaflet", f"{static_url(base_url_path)}/leaflet.js")]


def local_css(base_url_path: str = "") -> list[tuple[str, str]]:
    return [("leaflet_css", f"{static_url(base_url_path)}/leaflet.css")]


def use_local_assets(m, base_url_path: str = ""):
    """Point a folium Map's default JS/CSS at the locally served Leaflet (drops jQuery/Bootstrap/etc.)."""
    m.default_js = local_js(base_url_path)
    m.default_css = local_css(base_url_path)
    return m


def iter_elements(element):
    """The element and all its descendants (folium/branca tree)."""
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from iter_elements(child)


def external_links(m) -> list[str]:
    """Every JS/CSS URL that an element of the map would load from another host (should be empty)."""
    import branca

    found = []
    for element in iter_elements(m):
        if isinstance(element, branca.colormap.ColorMap):
            found.append("branca ColorMap (lädt d3 aus dem Netz)")
        for _, url in list(getattr(element, "default_js", [])) + list(getattr(element, "default_css", [])):
            if _EXTERNAL.match(url):
                found.append(url)
    return found


def assert_local(m) -> None:
    """Raise :class:`AssetError` when the map would load anything from another host."""
    found = external_links(m)
    if found:
        raise AssetError("Die Karte würde externe Dateien laden: " + ", ".join(found))


@lru_cache(maxsize=1)
def _inline_leaflet() -> tuple[str, str]:
    js = leaflet_file("leaflet.js").read_text(encoding="utf-8")
    js = re.sub(r"//# sourceMappingURL=\S+", "", js)
    css = leaflet_file("leaflet.css").read_text(encoding="utf-8")

    def data_uri(match: re.Match) -> str:
        image = LEAFLET_DIR / match.group(1)
        if not image.exists():
            return match.group(0)
        encoded = base64.b64encode(image.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{encoded})"

    css = re.sub(r"url\((images/[\w.-]+\.png)\)", data_uri, css)
    return js, css


def standalone_html(m) -> str:
    """One self-contained HTML document of the map: Leaflet JS/CSS inlined, no server, no external request.

    Tile layers (basemap setting) still fetch tiles from their service; with ``basemap='none'`` the document
    makes no request at all.
    """
    js, css = _inline_leaflet()
    marker_js, marker_css = "sozialraum-inline://leaflet.js", "sozialraum-inline://leaflet.css"
    saved = (m.default_js, m.default_css)
    m.default_js, m.default_css = [("leaflet", marker_js)], [("leaflet_css", marker_css)]
    try:
        html = m.get_root().render()
    finally:
        m.default_js, m.default_css = saved
    # Elements other than the map may still list their own CDN files: refuse instead of silently loading them.
    loaded = re.findall(r'<script[^>]*\ssrc="([^"]+)"', html) + re.findall(r'<link[^>]*\shref="([^"]+)"', html)
    leftovers = [u for u in loaded if _EXTERNAL.match(u)]
    if leftovers:
        raise AssetError("Die Karte würde externe Dateien laden: " + ", ".join(leftovers))
    html = re.sub(rf'<script src="{re.escape(marker_js)}"></script>',
                  lambda _: f"<script>{js}</script>", html)
    html = re.sub(rf'<link rel="stylesheet" href="{re.escape(marker_css)}"/>',
                  lambda _: f"<style>{css}</style>", html)
    if marker_js in html or marker_css in html:
        raise AssetError("Leaflet konnte nicht in die HTML-Datei eingebettet werden (folium-Vorlage geändert?).")
    return html
