"""Printing works from a thread that runs an asyncio loop (Jupyter, async servers, a browser test session)."""

import asyncio
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from sozialraum.export.browser import CHROMIUM, html_to_png, off_event_loop


def _in_fresh_thread(func):
    """Run ``func`` in a new thread (no event loop there, whatever this test session runs)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(func).result()


@off_event_loop
def _where():
    try:
        asyncio.get_running_loop()
        return "loop", threading.get_ident()
    except RuntimeError:
        return "no loop", threading.get_ident()


def test_without_a_loop_the_work_stays_in_the_calling_thread():
    def call():
        return _where(), threading.get_ident()

    (state, worker), caller = _in_fresh_thread(call)
    assert state == "no loop" and worker == caller


def test_inside_a_loop_the_work_moves_to_a_thread_without_one():
    async def inside():
        return _where(), threading.get_ident()

    (state, worker), caller = _in_fresh_thread(lambda: asyncio.run(inside()))
    assert state == "no loop" and worker != caller


def test_png_from_inside_a_running_loop():
    if not CHROMIUM.exists() and not shutil.which("chromium"):
        pytest.skip("Chromium not installed")

    async def inside():
        return html_to_png("<html><body style='background:#123456'></body></html>", width=40, height=30, scale=1)

    png = _in_fresh_thread(lambda: asyncio.run(inside()))
    assert png.startswith(b"\x89PNG")


def test_the_decks_maps_are_drawn_off_a_running_loop(monkeypatch):
    """The PowerPoint deck's map images (one browser for all maps) also leave a running loop's thread: in the
    full suite the browser tests' Playwright session runs one (it once failed there with "Sync API inside the
    asyncio loop")."""
    from sozialraum.export import deck

    seen = []

    def record(views, *, basemap, fictional):
        try:
            asyncio.get_running_loop()
            seen.append("loop")
        except RuntimeError:
            seen.append("no loop")
        return {}

    monkeypatch.setattr(deck, "_draw_maps", record)

    async def inside():
        return deck._images([], basemap="none", fictional=True)

    assert _in_fresh_thread(lambda: asyncio.run(inside())) == {}
    assert seen == ["no loop"]
