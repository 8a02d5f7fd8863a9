"""Benchmark: the Bedarf map in a real browser — time to map visible, widget-change latency, map payload.

Run: ``.venv/bin/python bench/bench_app.py [--db PATH] [--level LEVEL] [--indicator KEY]``.
Default database: Berlin's 542 Planungsräume built with the recipe (``/tmp/berlin.duckdb``, built when missing
and ../shared/reference exists), else the demo city (said so in the output). Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT.parent / "shared" / "reference"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
FRAME = "iframe[title='streamlit_folium.st_folium']"


def prepare_db(args) -> tuple[Path, str, str, str]:
    if args.db:
        return Path(args.db), args.level, args.indicator, "given database"
    berlin = Path("/tmp/berlin.duckdb")
    if not berlin.exists() and (REFERENCE / "README.md").exists():
        print("building Berlin via recipes/berlin.toml ...", flush=True)
        subprocess.run([str(ROOT / ".venv" / "bin" / "sozialraum"), "recipe", str(ROOT / "recipes" / "berlin.toml"),
                        "--data-dir", str(REFERENCE), "--db", str(berlin)], check=True, cwd=ROOT,
                       stdout=subprocess.DEVNULL)
    if berlin.exists():
        return berlin, args.level or "berlin_plr", args.indicator or "mss_s3", "Berlin (recipe)"
    from sozialraum.demo import build_demo_db

    path = Path(tempfile.mkdtemp(prefix="bench_app_")) / "demo.duckdb"
    build_demo_db(path)
    return path, args.level or "ms_planungsraum", args.indicator or "sgb2_quote", "demo city (no Berlin data)"


def payload(db: Path, level: str, indicator: str) -> tuple[int, float, float]:
    """Bytes streamlit-folium sends for the Bedarf map (base script + data layer + header + html), seconds to build
    and render the map, seconds of the confidentiality gate (both cached in the app)."""
    import copy

    from streamlit_folium import _get_feature_group_string, _get_header, _get_html, _get_map_string

    sys.path.insert(0, str(ROOT))
    from app_pages.common import _data_layers

    from sozialraum.analysis.classify import classify
    from sozialraum.analysis.confidentiality import published
    from sozialraum.indicators.registry import get
    from sozialraum.maps.choropleth import choropleth
    from sozialraum.maps.data import indicator_input
    from sozialraum.store import connect, read

    con = connect(db, read_only=True)
    try:
        areas = read.areas(con, level, web=True)
        period = read.periods(con, indicator, level)[-1]
        t = time.perf_counter()
        values = published(con, level, period=period, indicators=[indicator])
        gate_s = time.perf_counter() - t
        for _ in range(2):  # the first round pays for imports; the second is what a warm server does
            t = time.perf_counter()
            inp = indicator_input(areas["area_key"], values, get(indicator), period=period)
            m = choropleth(areas, inp.values, classify(inp.values, "quantiles", 5), tooltip_fields=inp.tooltip,
                           suppressed_mask=inp.suppressed, unscored_mask=inp.unscored, title=inp.title)
            m = copy.deepcopy(m)
            group = _data_layers(m)  # as the Bedarf page sends it: base map + swappable data layer
            m.get_root().render()
            html, header = _get_html(m), _get_header(m)
            script = _get_map_string(m) + _get_feature_group_string(group, m)
            seconds = time.perf_counter() - t
    finally:
        con.close()
    return len((script + header + html).encode()), seconds, gate_s


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: Path, port: int):
    env = dict(os.environ, SOZIALRAUM_DB=str(db))
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port",
                             str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
                             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t = time.perf_counter()
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return proc, time.perf_counter() - t
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError("streamlit did not start")
            time.sleep(0.2)


def wait_map(page, n_areas: int, timeout: float = 120_000):
    """Wait until the first map frame shows at least ``n_areas`` area shapes; return that frame."""
    page.wait_for_function(
        f"""() => {{ const f = document.querySelector("{FRAME}");
                    const d = f && f.contentDocument;
                    return !!d && f.getBoundingClientRect().height > 50 &&
                           d.querySelectorAll('path.sr-area').length >= {n_areas}; }}""", timeout=timeout)
    return page.locator(FRAME).first.element_handle().content_frame()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db")
    parser.add_argument("--level")
    parser.add_argument("--indicator")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    db, level, indicator, what = prepare_db(args)
    from sozialraum.store import connect, read

    con = connect(db, read_only=True)
    n_areas = int(read.levels(con).set_index("level").loc[level, "n_areas"])
    con.close()
    print(f"data: {what}: {db}, level {level} ({n_areas} areas), indicator {indicator}")

    size, build_s, gate_s = payload(db, level, indicator)
    print(f"map payload (base script + data layer + header + html sent to the map component): "
          f"{size / 1e6:.3f} MB; outside Streamlit: confidentiality gate {gate_s:.2f} s, "
          f"map build + render {build_s:.2f} s")

    from playwright.sync_api import sync_playwright

    port = free_port()
    proc, boot = start_server(db, port)
    url = f"http://127.0.0.1:{port}/bedarf?level={level}&indicator={indicator}"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1400})
            received = []
            page.on("websocket", lambda ws: ws.on("framereceived", lambda f: received.append(len(f))))
            t = time.perf_counter()
            page.goto(url)
            wait_map(page, n_areas)
            cold = time.perf_counter() - t
            print(f"server up in {boot:.1f} s; cold first load to map visible: {cold:.2f} s; "
                  f"websocket bytes for the page: {sum(received) / 1e6:.3f} MB")

            warm = []
            for _ in range(args.repeat):
                page.goto(f"http://127.0.0.1:{port}/ueberblick?level={level}")
                page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning'] h1")
                t = time.perf_counter()
                page.goto(url)
                wait_map(page, n_areas)
                warm.append(time.perf_counter() - t)
            print(f"warm navigation to map visible ({args.repeat}×): median {statistics.median(warm):.2f} s, "
                  f"max {max(warm):.2f} s")

            changes = []
            for k in [4, 5] * ((args.repeat + 1) // 2):
                frame = wait_map(page, n_areas)
                before = frame.locator(".sr-legend").inner_text()
                box = page.locator("[data-testid='stNumberInput'] input").first
                t = time.perf_counter()
                box.fill(str(k))
                box.press("Enter")
                page.wait_for_function(
                    f"""(before) => {{ const f = document.querySelector("{FRAME}");
                        const d = f && f.contentDocument; const l = d && d.querySelector('.sr-legend');
                        return !!l && l.innerText !== before &&
                               d.querySelectorAll('path.sr-area').length >= {n_areas}; }}""",
                    arg=before, timeout=60_000, polling=20)
                changes.append(time.perf_counter() - t)
            print(f"widget change (number of classes) to redrawn map ({len(changes)}×): "
                  f"median {statistics.median(changes):.2f} s, max {max(changes):.2f} s")
            shot = ROOT / "test-output" / "screenshots" / "bench_bedarf_after_class_change.png"
            shot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shot))
            print(f"screenshot after the last change: {shot}")
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":
    main()
