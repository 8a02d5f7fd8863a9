"""Print-quality images: plotly charts as PNG (kaleido) and SVG, folium maps as PNG (headless Chromium)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytestmark = pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs /usr/bin/chromium")


def _chart():
    from sozialraum.charts.siting import k_curve_chart

    return k_curve_chart(pd.DataFrame({"k": [1, 2, 3], "covered_share": [0.3, 0.5, 0.6]}), chosen_k=2)


def _png_size(data: bytes) -> tuple[int, int]:
    from PIL import Image

    return Image.open(io.BytesIO(data)).size


def test_chart_png_at_print_scale_and_svg():
    from sozialraum.export.images import figure_png, figure_svg, image_session

    with image_session():
        png = figure_png(_chart(), 3, width=600, height=300)
        svg = figure_svg(_chart(), width=600, height=300)
    assert png.startswith(b"\x89PNG") and _png_size(png) == (1800, 900)
    text = svg.decode("utf-8")
    assert text.lstrip().startswith("<svg") and "Anzahl neuer Standorte" in text


def test_map_png_draws_the_areas():
    from PIL import Image

    from sozialraum.analysis.classify import classify
    from sozialraum.export.images import map_png
    from sozialraum.maps import choropleth
    from sozialraum.testing import grid_areas

    g = grid_areas().to_crs(4326)
    g = g[g.level == "zelle"].reset_index(drop=True)
    values = np.arange(9, dtype=float)
    m = choropleth(g, values, classify(values, "equal_interval", 3), title="Test")
    png = map_png(m, 400, 300, 2)
    assert _png_size(png) == (800, 600)
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).reshape(-1, 3)
    colours = {tuple(c) for c in pixels[::7]}
    assert len(colours) > 20  # polygons, legend and outlines — not a blank frame


def test_missing_chromium_gives_a_german_hint(monkeypatch, tmp_path):
    from sozialraum.export import browser

    monkeypatch.setattr(browser, "CHROMIUM", tmp_path / "nope")
    with pytest.raises(browser.ChromiumMissing, match="apt-get install chromium"):
        browser.chromium_path()
