"""Headless Chromium (Debian's ``/usr/bin/chromium``, driven by Playwright) for PDFs and print-quality PNGs.

Never ``playwright install``: the system browser is used with the flags that work in a locked-down
network. Every request to an outside host is aborted, so a report or image is built from what the page
carries itself (inlined Leaflet, plotly.js, GeoJSON) and can never hang on, or leak to, the network.
"""

from __future__ import annotations

import functools
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

CHROMIUM = Path(os.environ.get("SOZIALRAUM_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
LOCAL_SCHEMES = ("file:", "data:", "about:", "blob:")


class ChromiumMissing(RuntimeError):
    """The system Chromium needed for PDF and map images is not installed."""

    def __init__(self, path: Path = CHROMIUM):
        super().__init__(
            f"Für PDF-Berichte und Kartenbilder wird Chromium benötigt, gefunden wurde es unter {path} nicht. "
            "Bitte installieren: 'sudo apt-get install chromium' (oder den Pfad in $SOZIALRAUM_CHROMIUM angeben)."
        )


def chromium_path() -> Path:
    """Path of the system Chromium, or ``ChromiumMissing`` with an installation hint in German."""
    if not CHROMIUM.exists():
        raise ChromiumMissing(CHROMIUM)
    return CHROMIUM


def off_event_loop(func):
    """Run ``func`` in a worker thread when the calling thread runs an asyncio loop.

    Playwright's sync API refuses to start inside a running event loop (Jupyter, an async server, or a test
    session that already drives a browser); a fresh thread has none, so the same code works everywhere.
    """
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        import asyncio

        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return func(*args, **kwargs)
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(func, *args, **kwargs).result()

    return wrapper


@contextmanager
def browser() -> Iterator[object]:
    """A running headless Chromium (Playwright ``Browser``); closed on exit."""
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    with sync_playwright() as pw:
        chrome = pw.chromium.launch(executable_path=str(path), args=CHROMIUM_ARGS, headless=True)
        try:
            yield chrome
        finally:
            chrome.close()


# Documents of a report are served from this made-up host (".invalid" never resolves): the parent page and its
# map iframes share one origin, so the page can check that every map has drawn before printing.
VIRTUAL_HOST = "http://bericht.sozialraum.invalid/"
CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "application/javascript",
                 ".png": "image/png", ".svg": "image/svg+xml", ".json": "application/json"}


def offline_page(chrome, *, width: int = 1200, height: int = 900, scale: float = 1.0,
                 files: dict[str, str | bytes] | None = None, allow: tuple[str, ...] = ()):
    """A new page that can load only ``files`` (served at ``VIRTUAL_HOST``), data and file URLs, and URLs
    starting with one of ``allow`` (e.g. the basemap tile server the user chose).

    Every request to any other host is aborted.
    """
    files = files or {}
    passing = LOCAL_SCHEMES + tuple(allow)
    context = chrome.new_context(viewport={"width": width, "height": height}, device_scale_factor=scale)

    def _route(route):
        url = route.request.url
        if url.startswith(VIRTUAL_HOST):
            name = url[len(VIRTUAL_HOST):].split("?")[0].split("#")[0]
            if name in files:
                body = files[name]
                route.fulfill(status=200, body=body.encode("utf-8") if isinstance(body, str) else body,
                              content_type=CONTENT_TYPES.get(Path(name).suffix, "application/octet-stream"))
            else:
                route.fulfill(status=404, body=b"")
        elif url.startswith(passing):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", _route)
    return context.new_page()


# Resolves when every Leaflet map in the document (or in its same-origin iframes) has drawn its vector
# layers and every plotly chart has drawn its SVG. Pages without maps or charts resolve at once.
_READY_JS = """
() => {
  const docs = [document];
  for (const f of document.querySelectorAll('iframe')) {
    try {
      if (!f.contentDocument || f.contentDocument.URL === 'about:blank') return false;
      docs.push(f.contentDocument);
    } catch (e) { return false; }
  }
  for (const d of docs) {
    if (d.readyState !== 'complete') return false;
    for (const m of d.querySelectorAll('.leaflet-container')) {
      if (!m.querySelector('path, .leaflet-marker-icon')) return false;
    }
    for (const p of d.querySelectorAll('.plotly-graph-div')) {
      if (!p.querySelector('.main-svg')) return false;
    }
  }
  if (document.fonts && document.fonts.status !== 'loaded') return false;
  return true;
}
"""


def wait_until_drawn(page, *, timeout_ms: int = 30_000, settle_ms: int = 300) -> None:
    """Wait until maps (vector paths) and plotly charts have drawn, then a little for transitions to end."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(_READY_JS, timeout=timeout_ms)
    except PlaywrightTimeout:
        raise RuntimeError(f"Karten oder Diagramme wurden nach {timeout_ms / 1000:.0f} s noch nicht gezeichnet; "
                           "das Dokument wird deshalb nicht gedruckt.") from None
    page.wait_for_timeout(settle_ms)


@off_event_loop
def pages_to_pdf(files: dict[str, str | bytes], pdf_path: Path, *, entry: str = "index.html",
                 timeout_ms: int = 90_000, allow: tuple[str, ...] = ()) -> Path:
    """Print ``files[entry]`` (which may embed the other files, e.g. map iframes) to an A4 PDF.

    The document's CSS ``@page`` rules decide margins and page numbers; backgrounds are printed. Waits until
    every map and chart has drawn.
    """
    with browser() as chrome:
        page = offline_page(chrome, width=794, height=1123, files=files, allow=allow)
        page.emulate_media(media="print")  # lay out once, as printed: maps fit their frames before printing
        page.goto(VIRTUAL_HOST + entry, wait_until="load", timeout=timeout_ms)
        wait_until_drawn(page, timeout_ms=timeout_ms)
        if allow:  # basemap tiles: wait until no request has been running for a moment (print anyway after 20 s)
            from playwright.sync_api import TimeoutError as PlaywrightTimeout

            try:
                page.wait_for_load_state("networkidle", timeout=20_000)
            except PlaywrightTimeout:
                pass
        page.pdf(path=str(pdf_path), print_background=True, prefer_css_page_size=True)
    return Path(pdf_path)


def html_to_png(html: str, *, width: int, height: int, scale: float = 3.0, timeout_ms: int = 30_000,
                chrome=None) -> bytes:
    """Screenshot of an HTML document at ``width``×``height`` CSS pixels times ``scale`` device pixels."""
    if chrome is None:
        return _screenshot_own_browser(html, width, height, scale, timeout_ms)
    return _screenshot(chrome, html, width, height, scale, timeout_ms)


@off_event_loop
def _screenshot_own_browser(html: str, width: int, height: int, scale: float, timeout_ms: int) -> bytes:
    with browser() as own:
        return _screenshot(own, html, width, height, scale, timeout_ms)


def _screenshot(chrome, html: str, width: int, height: int, scale: float, timeout_ms: int) -> bytes:
    page = offline_page(chrome, width=width, height=height, scale=scale, files={"page.html": html})
    try:
        page.goto(VIRTUAL_HOST + "page.html", wait_until="load", timeout=timeout_ms)
        wait_until_drawn(page, timeout_ms=timeout_ms)
        return page.screenshot(type="png", full_page=False)
    finally:
        page.context.close()
