"""Printing works from a thread that runs an asyncio loop (Jupyter, async servers, a browser test session)."""

import asyncio
import shutil

import pytest

from sozialraum.export.browser import CHROMIUM, html_to_png, off_event_loop


def test_off_event_loop_moves_work_out_of_a_running_loop():
    import threading

    @off_event_loop
    def where():
        try:
            asyncio.get_running_loop()
            return "loop", threading.get_ident()
        except RuntimeError:
            return "no loop", threading.get_ident()

    assert where() == ("no loop", threading.get_ident())  # no loop: runs right here

    async def inside():
        return where()

    state, thread = asyncio.run(inside())
    assert state == "no loop" and thread != threading.get_ident()


def test_png_from_inside_a_running_loop():
    if not CHROMIUM.exists() and not shutil.which("chromium"):
        pytest.skip("Chromium not installed")

    async def inside():
        return html_to_png("<html><body style='background:#123456'></body></html>", width=40, height=30, scale=1)

    png = asyncio.run(inside())
    assert png.startswith(b"\x89PNG")
