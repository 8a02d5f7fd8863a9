"""Two app processes on one data folder keep serving while a CLI import waits for and then publishes a new snapshot;
both show the new data afterwards (with the notice "Daten aktualisiert"); a viewer process has no Daten page."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VIEWPORT = {"width": 1400, "height": 2400}


class AppPage:
    """The few waits this test needs (the shared ``app`` fixture is bound to the demo app)."""

    def __init__(self, page, url: str):
        self.page, self.url = page, url

    def open(self):
        self.page.goto(self.url)
        self.wait_idle()
        return self

    def wait_idle(self):
        self.page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning'] h1",
                                    timeout=90_000)
        self.page.wait_for_timeout(300)

    def errors(self) -> list[str]:
        return [e.inner_text() for e in self.page.locator("[data-testid='stException'], "
                                                          "[data-testid='stAlertContentError']").all()]

    def screenshot(self, name: str) -> None:
        folder = ROOT / "test-output" / "screenshots"
        folder.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(folder / f"{name}.png"))


def start_app(env: dict, log: Path) -> tuple[subprocess.Popen, str]:
    from sozialraum.testing import start_app as start

    return start(ROOT, env, log)


@pytest.fixture(scope="module")
def data_folder(tmp_path_factory) -> Path:
    sys.path.insert(0, str(ROOT / "tests"))
    from test_app_pages_store import build_grid_store

    from sozialraum.store import snapshots

    tmp = tmp_path_factory.mktemp("serving")
    snapshots.adopt(build_grid_store(tmp / "grid.duckdb"), tmp / "data" / "gitterstadt", label="Gitterstadt")
    return tmp / "data"


@pytest.fixture(scope="module")
def two_apps(chromium, data_folder, tmp_path_factory):
    env = dict(os.environ, SOZIALRAUM_DATA=str(data_folder), SOZIALRAUM_STORE="gitterstadt",
               PYTHONPATH=str(ROOT))
    env.pop("SOZIALRAUM_DB", None)
    logs = tmp_path_factory.mktemp("logs")
    procs = []
    try:
        for i in range(2):
            procs.append(start_app(env, logs / f"app{i}.log"))
        yield [url for _, url in procs]
    finally:
        for proc, _ in procs:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


HOLD_LOCK = textwrap.dedent("""
    import sys, time
    from sozialraum.store import snapshots
    with snapshots.writing(sys.argv[1], note="langer Import") as con:
        print("LOCKED", flush=True)
        time.sleep(float(sys.argv[2]))
""")


def footer(app: AppPage) -> str:
    return " ".join(c.inner_text() for c in app.page.locator("[data-testid='stCaptionContainer']").all())


def test_two_app_processes_serve_during_an_import_and_both_show_the_new_data(browser, two_apps, data_folder,
                                                                            tmp_path):
    store = data_folder / "gitterstadt"
    pages = []
    for url in two_apps:
        ctx = browser.new_context(viewport=VIEWPORT, locale="de-DE")
        page = ctx.new_page()
        page.set_default_timeout(90_000)
        pages.append(AppPage(page, url).open())
    for app in pages:
        assert not app.errors() and "Datenquellen: Testdaten" in footer(app)

    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("SOZIALRAUM_DB", None)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(store), "8"], env=env, stdout=subprocess.PIPE,
                              text=True)
    assert holder.stdout.readline().strip() == "LOCKED"
    csv = tmp_path / "ew2025.csv"
    csv.write_text("Zelle;Einwohner\n" + "".join(f"r{r}c{c};1000\n" for r in range(3) for c in range(3)),
                   encoding="utf-8")
    cli = subprocess.Popen([sys.executable, "-m", "sozialraum.cli", "import-stats", str(csv), "--ebene", "zelle",
                            "--schluessel", "Zelle", "--indikator", "ew_gesamt=Einwohner", "--zeitraum", "2025",
                            "--quelle", "ew2025", "--titel", "Einwohner 2025 (Test)", "--db", str(store)],
                           env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # while one writer holds the store and the CLI import waits for it, both apps serve (new sessions too)
    for app in pages:
        app.open()
        assert not app.errors() and "Einwohner 2025" not in footer(app)
    assert holder.wait(60) == 0
    out, err = cli.communicate(timeout=120)
    assert cli.returncode == 0, out + err
    assert "Traceback" not in err and "ew2025" in out
    # the next interaction of each running session shows the new snapshot, with a notice
    for app in pages:
        app.page.keyboard.press("r")  # Streamlit's "rerun" shortcut: the same session's next run
        app.page.wait_for_selector("text=Daten aktualisiert", timeout=60_000)
        app.wait_idle()
        assert "Einwohner 2025" in footer(app) and not app.errors()
    app.screenshot("serving_after_import")
    for app in pages:
        app.page.context.close()


def test_viewer_process_has_no_import_forms(browser, chromium, data_folder, tmp_path):
    env = dict(os.environ, SOZIALRAUM_DATA=str(data_folder), SOZIALRAUM_STORE="gitterstadt",
               SOZIALRAUM_ROLE="viewer", PYTHONPATH=str(ROOT))
    env.pop("SOZIALRAUM_DB", None)
    proc, url = start_app(env, tmp_path / "viewer.log")
    try:
        ctx = browser.new_context(viewport=VIEWPORT, locale="de-DE")
        page = ctx.new_page()
        page.set_default_timeout(90_000)
        app = AppPage(page, url).open()
        nav = page.locator("[data-testid='stSidebarNav']").inner_text()
        assert "Überblick" in nav and "Daten" not in nav.replace("Datenstände", "") and "Städte" not in nav
        for path in ("daten", "staedte"):  # typed into the address bar: Streamlit falls back to the start page
            app.url = f"{url}/{path}"
            app.open()
            assert page.locator("[data-testid='stFileUploader']").count() == 0
            assert page.locator("h1").first.inner_text() == "Überblick"
            assert not app.errors()
        ctx.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
