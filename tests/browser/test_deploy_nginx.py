"""deploy/nginx.conf in front of two app replicas on 127.0.0.1: health check through the proxy, and a real browser
session over the proxied websocket. Skips when nginx is not installed (``apt-get install nginx-light``)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from test_serving import ROOT, VIEWPORT, AppPage, start_app

from sozialraum.testing import free_port

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


@pytest.fixture(scope="module")
def grid_data(tmp_path_factory) -> Path:
    sys.path.insert(0, str(ROOT / "tests"))
    from test_app_pages_store import build_grid_store

    from sozialraum.store import snapshots

    tmp = tmp_path_factory.mktemp("nginx")
    snapshots.adopt(build_grid_store(tmp / "grid.duckdb"), tmp / "data" / "gitterstadt", label="Gitterstadt")
    return tmp / "data"


def nginx_config(snippet: str, port: int, upstreams: list[str], folder: Path) -> str:
    servers = "\n".join(f"    server {u} max_fails=3 fail_timeout=10s;" for u in upstreams)
    snippet = re.sub(r"^\s*server app:8501[^\n]*$", servers, snippet, flags=re.MULTILINE)
    snippet = snippet.replace("listen 80;", f"listen 127.0.0.1:{port};")
    return (f"pid {folder}/nginx.pid;\nerror_log {folder}/error.log;\nevents {{}}\n"
            f"http {{\n access_log {folder}/access.log;\n client_body_temp_path {folder};\n"
            f" proxy_temp_path {folder};\n proxy_max_temp_file_size 0;\n{snippet}\n}}\n")


def test_two_replicas_behind_the_deploy_nginx_config(browser, chromium, grid_data, tmp_path):
    if not Path(NGINX).exists():
        pytest.skip("nginx not installed")
    env = dict(os.environ, SOZIALRAUM_DATA=str(grid_data), SOZIALRAUM_STORE="gitterstadt", PYTHONPATH=str(ROOT))
    env.pop("SOZIALRAUM_DB", None)
    replicas = [start_app(env, tmp_path / f"app{i}.log") for i in range(2)]
    port = free_port()
    conf = tmp_path / "nginx.conf"
    conf.write_text(nginx_config((ROOT / "deploy" / "nginx.conf").read_text(), port,
                                 [u.removeprefix("http://") for _, u in replicas], tmp_path), encoding="utf-8")
    check = subprocess.run([NGINX, "-t", "-c", str(conf)], capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stderr
    proxy = subprocess.Popen([NGINX, "-c", str(conf), "-g", "daemon off;"], stderr=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.time() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    assert r.status == 200 and r.read() == b"ok"
                    break
            except OSError:
                assert time.time() < deadline, "nginx did not answer"
                time.sleep(0.3)
        ctx = browser.new_context(viewport=VIEWPORT, locale="de-DE")
        page = ctx.new_page()
        page.set_default_timeout(90_000)
        app = AppPage(page, url).open()  # the page only renders when the websocket goes through the proxy
        assert page.locator("h1").first.inner_text() == "Überblick" and not app.errors()
        ctx.close()  # nginx logs the websocket when it closes
        for _ in range(50):
            if "/_stcore/stream" in (tmp_path / "access.log").read_text():
                break
            time.sleep(0.2)
        assert '"GET /_stcore/stream HTTP/1.1" 101' in (tmp_path / "access.log").read_text()
    finally:
        proxy.terminate()
        proxy.wait(10)
        for proc, _ in replicas:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
