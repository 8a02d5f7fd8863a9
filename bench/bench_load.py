"""Load benchmark: N concurrent headless Chromium sessions (default 20) go through Überblick, Bedarf and
Standortplanung of one app process on 127.0.0.1 while a CLI import publishes a new snapshot of the store.

Prints p50/p95 page latency (navigation until the script run finished), errors (exceptions, error boxes,
timeouts; must be 0), how many sessions saw the new snapshot, and the app process' memory (RSS) before and after,
per session. Bounded: every page waits at most --page-timeout seconds and the whole run stops after --deadline.

Run: ``python bench/bench_load.py [--sessions 20] [--store DATA/NAME]``. Default store: Berlin built with
recipes/berlin.toml from ../shared/reference into a temporary data folder, else the demo city (said so).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT.parent / "shared" / "reference"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
PAGES = {"ueberblick": "Überblick", "bedarf": "Bedarf", "standorte": "Standortplanung"}
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning'] h1"
SHOWN = """([title]) => { const app = document.querySelector("[data-testid='stApp']");
  const h1 = document.querySelector('h1');
  return app && app.getAttribute('data-test-script-state') === 'notRunning' && h1 && h1.innerText.trim() === title; }"""
ERRORS = "[data-testid='stException'], [data-testid='stAlertContentError']"


def cli(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("SOZIALRAUM_DB", None)
    return subprocess.run([sys.executable, "-m", "sozialraum.cli", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=600, check=False)


def prepare(args) -> tuple[Path, str, str]:
    """(data folder, store name, description)."""
    if args.store:
        store = Path(args.store).resolve()
        return store.parent, store.name, f"given store {store}"
    data = Path(tempfile.mkdtemp(prefix="bench_load_"))
    if (REFERENCE / "README.md").exists():
        res = cli("recipe", str(ROOT / "recipes" / "berlin.toml"), "--data-dir", str(REFERENCE), "--db",
                  str(data / "berlin"))
        if res.returncode == 0:
            return data, "berlin", "Berlin (recipes/berlin.toml)"
        print("Berlin recipe failed, using the demo city:", res.stderr[-500:])
    cli("demo", "--db", str(data / "musterstadt"))
    return data, "musterstadt", "demo city (no Berlin data)"


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (MB), from /proc."""
    total = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def start_app(data: Path, store: str, log: Path) -> tuple[subprocess.Popen, str]:
    from sozialraum.testing import start_app as start

    env = dict(os.environ, SOZIALRAUM_DATA=str(data), SOZIALRAUM_STORE=store, PYTHONPATH=str(ROOT))
    env.pop("SOZIALRAUM_DB", None)
    try:
        return start(ROOT, env, log)
    except RuntimeError as exc:
        raise SystemExit(f"the app did not start: {exc}") from None


async def session(browser, url: str, i: int, args, results: dict, published: asyncio.Event) -> None:
    """One person: opens the app once, then moves between the pages with the sidebar links (one Streamlit
    session, as in real use), round after round; after the import it moves once more and must see the new
    snapshot (the notice "Daten aktualisiert" or the new source in the footer)."""
    ctx = await browser.new_context(viewport={"width": 1400, "height": 1600}, locale="de-DE")
    page = await ctx.new_page()
    timeout = args.page_timeout * 1000

    async def visit(name: str, first: bool = False) -> None:
        start = time.perf_counter()
        try:
            if first:
                await page.goto(f"{url}/" if name == "ueberblick" else f"{url}/{name}", timeout=timeout)
            else:
                await page.locator("[data-testid='stSidebarNavLink']", has_text=PAGES[name]).first.click(
                    timeout=timeout)
            await page.wait_for_function(SHOWN, arg=[PAGES[name]], timeout=timeout)
            results["latency"].append(time.perf_counter() - start)
            errors = await page.locator(ERRORS).count()
            if errors:
                results["errors"].append(f"session {i} {name}: {errors} error box(es)")
        except Exception as exc:  # noqa: BLE001 - a timeout is an error of the run, counted
            results["errors"].append(f"session {i} {name}: {type(exc).__name__}")

    try:
        await asyncio.sleep(i * args.stagger)
        names = list(PAGES)
        await visit(names[0], first=True)
        for _ in range(args.rounds):
            for name in names[1:] + names[:1]:
                await visit(name)
        await asyncio.wait_for(published.wait(), args.deadline)
        await visit("bedarf")
        body = await page.locator("[data-testid='stMain']").inner_text()
        if "Daten aktualisiert" in body or "bench_import" in body:
            results["updated"] += 1
        else:
            results["errors"].append(f"session {i}: the new snapshot is not shown after the import")
    finally:
        await ctx.close()


async def importer(data: Path, store: str, args, results: dict, published: asyncio.Event) -> None:
    """Publish a new snapshot with a real CLI import while the sessions browse."""
    await asyncio.sleep(args.import_after)
    csv = data / "bench_import.csv"
    csv.write_text("id;name;lon;lat\nb1;Bench-Standort;13.40;52.52\n", encoding="utf-8")
    start = time.perf_counter()
    res = await asyncio.to_thread(cli, "import-points", str(csv), "--tabelle", "candidate_venues", "--typ",
                                  "stadtteilzentrum", "--x", "lon", "--y", "lat", "--crs", "EPSG:4326", "--id", "id",
                                  "--feld", "name=name", "--quelle", "bench-import", "--db", str(data / store))
    results["import_s"] = time.perf_counter() - start
    results["import_rc"] = res.returncode
    if res.returncode != 0 or "Traceback" in res.stderr:
        results["errors"].append(f"import failed: {res.stderr[-300:]}")
    published.set()


async def run(args, url: str, data: Path, store: str, results: dict) -> None:
    from playwright.async_api import async_playwright

    published = asyncio.Event()
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        try:
            tasks = [session(browser, url, i, args, results, published) for i in range(args.sessions)]
            await asyncio.wait_for(asyncio.gather(importer(data, store, args, results, published), *tasks),
                                   args.deadline)
        finally:
            await browser.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=1, help="times each session goes through the three pages")
    ap.add_argument("--store", default=None, help="a store folder data/<name> (default: Berlin or the demo)")
    ap.add_argument("--stagger", type=float, default=0.5, help="seconds between session starts")
    ap.add_argument("--import-after", type=float, default=10.0, help="seconds until the import starts")
    ap.add_argument("--page-timeout", type=float, default=180.0)
    ap.add_argument("--deadline", type=float, default=1500.0, help="stop the whole run after this many seconds")
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    args = ap.parse_args()
    if not Path(args.chromium).exists():
        raise SystemExit(f"{args.chromium} fehlt (apt-get install chromium)")
    data, store, what = prepare(args)
    log = Path(tempfile.mkdtemp(prefix="bench_load_log_")) / "app.log"
    proc, url = start_app(data, store, log)
    results: dict = {"latency": [], "errors": [], "updated": 0}
    try:
        before = rss_mb(proc.pid)
        t0 = time.perf_counter()
        try:
            asyncio.run(run(args, url, data, store, results))
        except TimeoutError:
            results["errors"].append(f"deadline of {args.deadline:.0f} s reached")
        wall = time.perf_counter() - t0
        after = rss_mb(proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        if not args.store:
            shutil.rmtree(data, ignore_errors=True)
    lat = sorted(results["latency"])
    q = statistics.quantiles(lat, n=20) if len(lat) >= 2 else [float("nan")] * 19
    print(f"store: {what}; {args.sessions} sessions × {args.rounds} round(s) × {len(PAGES)} pages on one app process; "
          f"{os.cpu_count()} cores")
    print(f"page latency: n={len(lat)} p50={statistics.median(lat) if lat else float('nan'):.2f} s "
          f"p95={q[18]:.2f} s max={max(lat) if lat else float('nan'):.2f} s; wall {wall:.0f} s")
    print(f"import during load: exit {results.get('import_rc')} in {results.get('import_s', float('nan')):.1f} s; "
          f"sessions that showed 'Daten aktualisiert': {results['updated']}/{args.sessions}")
    print(f"errors: {len(results['errors'])}" + "".join(f"\n  {e}" for e in results["errors"][:20]))
    print(f"app memory (RSS): {before:.0f} MB before, {after:.0f} MB after, "
          f"{(after - before) / max(1, args.sessions):.1f} MB per session")


if __name__ == "__main__":
    main()
