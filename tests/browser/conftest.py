"""Real browser tests: ``streamlit run app.py`` on a demo database built in a temp dir, driven by Playwright with
Debian's Chromium (never ``playwright install``).

Fixtures for every browser test:
- ``demo_db_path``, ``level_sizes`` (areas per level of the demo);
- ``app_url``: base URL of the running app (session scope);
- ``app``: an :class:`AppPage` on a fresh browser page — ``app.open("bedarf", level=...)``, ``app.map_frame()``,
  ``app.area_shape_count()``, ``app.errors()``, ``app.screenshot("name")``; ``app.requests`` lists every URL
  the page requested.
Without /usr/bin/chromium the tests skip, except when ``CI=true``: then they fail.
Screenshots go to ``test-output/screenshots/``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import urlencode

import pytest

from sozialraum.testing import free_port  # noqa: F401  (re-exported for the browser tests)

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
SCREENSHOTS = ROOT / "test-output" / "screenshots"
VIEWPORT = {"width": 1400, "height": 2400}  # Streamlit scrolls an inner container: tall viewport, no full_page
LOCAL_HOSTS = {"localhost", "127.0.0.1"}

# the polygons of the area layer: choropleth areas carry the class 'sr-area'; for other maps, Leaflet SVG paths
# without arcs (circle markers are drawn with arcs)
AREA_SHAPES_JS = """() => {
  const tagged = document.querySelectorAll('path.sr-area').length;
  if (tagged) return tagged;
  return Array.from(document.querySelectorAll('path.leaflet-interactive'))
    .filter(p => !/a/i.test(p.getAttribute('d') || '')).length; }"""


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium() -> Path:
    if not CHROMIUM.exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{CHROMIUM} fehlt, Browser-Tests sind in CI Pflicht (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} not installed")
    return CHROMIUM



@pytest.fixture(scope="session")
def demo_db_path(tmp_path_factory) -> Path:
    from sozialraum.demo import build_demo_db

    from sozialraum.store import connect, read

    path = tmp_path_factory.mktemp("browser") / "demo.duckdb"
    build_demo_db(path)
    con = connect(path, read_only=True)  # read facts now: the running app holds the write lock later
    try:
        sizes = dict(zip(read.levels(con)["level"], read.levels(con)["n_areas"].astype(int)))
    finally:
        con.close()
    (path.parent / "levels.json").write_text(json.dumps(sizes))
    return path


@pytest.fixture(scope="session")
def level_sizes(demo_db_path) -> dict[str, int]:
    """Number of areas per level of the demo database."""
    return json.loads((demo_db_path.parent / "levels.json").read_text())


@pytest.fixture(scope="session")
def app_url(chromium, demo_db_path, tmp_path_factory):
    from sozialraum.testing import start_app, stop_app

    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    env = dict(os.environ, SOZIALRAUM_DB=str(demo_db_path), CI=os.environ.get("CI", ""))
    proc, url = start_app(ROOT, env, log)
    try:
        yield url
    finally:
        stop_app(proc)


@pytest.fixture(scope="session")
def browser(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        yield b
        b.close()


class AppPage:
    """A browser page on the app with the waits Streamlit and streamlit-folium need."""

    def __init__(self, page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.requests: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))

    def url_for(self, path: str = "", **query) -> str:
        q = urlencode({k: v for k, v in query.items() if v is not None})
        return f"{self.base_url}/{path}" + (f"?{q}" if q else "")

    def open(self, path: str = "", **query):
        self.page.goto(self.url_for(path, **query))
        self.wait_idle()
        return self

    def wait_idle(self, timeout: float = 60_000):
        """Wait until the script run has finished (Streamlit's script state) and a title is shown."""
        self.page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning'] h1",
                                    timeout=timeout)
        self.page.wait_for_timeout(300)

    def map_frame(self, index: int = 0, timeout: float = 60_000):
        """The Leaflet frame of the index-th map, after the iframe is attached, has height and drew a path."""
        selector = "iframe[title='streamlit_folium.st_folium']"
        iframe = self.page.locator(selector).nth(index)
        iframe.wait_for(state="attached", timeout=timeout)
        self.page.wait_for_function(
            f"() => {{ const f = document.querySelectorAll(\"{selector}\")[{index}];"
            " return f && f.getBoundingClientRect().height > 50; }", timeout=timeout)
        frame = iframe.element_handle().content_frame()
        frame.wait_for_selector("path.leaflet-interactive", state="attached", timeout=timeout)
        return frame

    def area_shape_count(self, index: int = 0) -> int:
        return self.map_frame(index).evaluate(AREA_SHAPES_JS)

    def selectbox_values(self) -> list[str]:
        """The shown values of all select boxes (main area and sidebar), in page order."""
        return self.page.locator("[data-testid='stSelectbox'] input").evaluate_all("els => els.map(e => e.value)")

    def errors(self) -> list[str]:
        texts = [e.inner_text() for e in self.page.locator("[data-testid='stException']").all()]
        texts += [e.inner_text() for e in self.page.locator("[data-testid='stAlertContentError']").all()]
        return texts

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path))
        return path


@pytest.fixture
def app(browser, app_url):
    context = browser.new_context(viewport=VIEWPORT, locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield AppPage(page, app_url)
    context.close()
