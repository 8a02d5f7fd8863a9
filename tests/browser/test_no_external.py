"""A locked-down municipal network: the app and its maps must not request any host but the app's own."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

LOCAL_HOSTS = {"localhost", "127.0.0.1"}

EXTERNAL_IN_HTML_JS = """() => {
  const docs = [document];
  for (const f of document.querySelectorAll('iframe')) {
    try { if (f.contentDocument) docs.push(f.contentDocument); } catch (e) {}
  }
  const found = [];
  for (const d of docs) {
    for (const el of d.querySelectorAll('script[src], link[href], img[src], iframe[src]')) {
      const url = el.getAttribute('src') || el.getAttribute('href');
      if (/^(https?:)?\\/\\//i.test(url) && !/^(https?:)?\\/\\/(localhost|127\\.0\\.0\\.1)[:/]/i.test(url)) found.push(url);
    }
  }
  return found;
}"""


@pytest.mark.parametrize("path,query", [
    ("ueberblick", {}),
    ("bedarf", {"level": "ms_planungsraum", "indicator": "sgb2_quote"}),
    ("bedarf", {"level": "ms_planungsraum", "indicator": "__need_index__"}),
    ("profil", {"level": "ms_planungsraum"}),
])
def test_no_request_leaves_the_server(app, path, query):
    blocked: list[str] = []

    def guard(route):
        host = urlparse(route.request.url).hostname
        if host in LOCAL_HOSTS or route.request.url.startswith(("data:", "blob:", "about:")):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    app.page.context.route("**/*", guard)
    app.open(path, **query)
    frame = app.map_frame()  # the map must draw although every CDN is unreachable
    assert frame.locator("path.leaflet-interactive").count() > 0
    app.page.wait_for_timeout(500)
    hosts = {urlparse(u).hostname for u in app.requests if urlparse(u).scheme in ("http", "https")}
    assert blocked == [], f"external requests: {blocked}"
    assert hosts <= LOCAL_HOSTS
    assert app.page.evaluate(EXTERNAL_IN_HTML_JS) == []
    # the map's own frame asked for the vendored Leaflet from the app
    assert any(u.endswith("/app/static/vendor/leaflet/leaflet.js") for u in app.requests)
