"""Layout helpers for the PowerPoint deck (python-pptx): a 16:9 presentation, slides with a title, real
PowerPoint tables of text cells (editable, not pictures), text boxes and pictures. No numbers are formatted here:
tables arrive as text frames from ``sozialraum.views.scenario``.
"""

from __future__ import annotations

import io

import pandas as pd

WIDTH_IN, HEIGHT_IN = 13.333, 7.5
MARGIN_IN = 0.45
TITLE_TOP_IN, BODY_TOP_IN = 0.3, 1.25
BLUE = (0x12, 0x3C, 0x63)
ORANGE = (0xB3, 0x58, 0x06)
FONT = "DejaVu Sans"


def presentation():
    """An empty 16:9 presentation on python-pptx's default template."""
    from pptx import Presentation
    from pptx.util import Inches

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(WIDTH_IN), Inches(HEIGHT_IN)
    return prs


def _rgb(colour):
    from pptx.dml.color import RGBColor

    return RGBColor(*colour)


def titled_slide(prs, title: str):
    """A "Title Only" slide with the title across the top (placed for 16:9)."""
    from pptx.util import Inches, Pt

    slide = prs.slides.add_slide(prs.slide_layouts[5])
    t = slide.shapes.title
    t.left, t.top, t.width, t.height = (Inches(MARGIN_IN), Inches(TITLE_TOP_IN), Inches(WIDTH_IN - 2 * MARGIN_IN),
                                        Inches(0.85))
    t.text = title
    for p in t.text_frame.paragraphs:
        p.alignment = 1  # left
        for run in p.runs:
            run.font.size, run.font.bold, run.font.color.rgb = Pt(26), True, _rgb(BLUE)
            run.font.name = FONT
    return slide


def text_box(slide, paragraphs, left: float, top: float, width: float, height: float, *, size: float = 14,
             bold_first: bool = False, colour=None):
    """A text box (inches); ``paragraphs``: strings, one paragraph each."""
    from pptx.util import Inches, Pt

    box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    tf = box.text_frame
    tf.word_wrap = True
    for i, text in enumerate([p for p in paragraphs if p]):
        para = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        run = para.add_run()
        run.text = str(text)
        run.font.size, run.font.name = Pt(size), FONT
        run.font.bold = bool(bold_first and i == 0)
        if colour is not None:
            run.font.color.rgb = _rgb(colour)
        para.space_after = Pt(size * 0.4)
    return box


def picture(slide, png: bytes, left: float, top: float, *, width: float | None = None, height: float | None = None):
    from pptx.util import Inches

    return slide.shapes.add_picture(io.BytesIO(png), Inches(left), Inches(top),
                                    width=None if width is None else Inches(width),
                                    height=None if height is None else Inches(height))


def table(slide, frame: pd.DataFrame, left: float, top: float, width: float, *, weights=None, size: float = 10,
          numeric=(), row_height: float = 0.28):
    """A real PowerPoint table of ``frame``'s text cells (header row first); ``weights``: relative column widths;
    ``numeric``: right-aligned columns. Returns the graphic frame."""
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Inches

    n_rows, n_cols = len(frame) + 1, len(frame.columns)
    shape = slide.shapes.add_table(n_rows, n_cols, Inches(left), Inches(top), Inches(width),
                                   Inches(row_height * n_rows))
    tbl = shape.table
    weights = list(weights or [1] * n_cols)
    total = float(sum(weights))
    for j, w in enumerate(weights):
        tbl.columns[j].width = Inches(width * w / total)
    for i in range(n_rows):
        tbl.rows[i].height = Inches(row_height)
    for j, name in enumerate(frame.columns):
        _cell(tbl.cell(0, j), str(name), size, bold=True, align=PP_ALIGN.RIGHT if name in numeric else None)
    for i, row in enumerate(frame.itertuples(index=False, name=None), start=1):
        for j, (name, value) in enumerate(zip(frame.columns, row)):
            _cell(tbl.cell(i, j), "" if value is None else str(value), size,
                  align=PP_ALIGN.RIGHT if name in numeric else None)
    return shape


def _cell(cell, text: str, size: float, *, bold: bool = False, align=None) -> None:
    from pptx.util import Inches, Pt

    cell.text = text
    cell.margin_left = cell.margin_right = Inches(0.05)
    cell.margin_top = cell.margin_bottom = Inches(0.02)
    for para in cell.text_frame.paragraphs:
        if align is not None:
            para.alignment = align
        for run in para.runs:
            run.font.size, run.font.bold, run.font.name = Pt(size), bold, FONT


def k_curve_chart(slide, curve: pd.DataFrame, left: float, top: float, width: float, height: float, *,
                  chosen_k: int | None = None, baseline: float | None = None):
    """An editable PowerPoint line chart of a k-curve: share of the target group within reach (%, one decimal, as
    the report's chart) for k = 0, 1, … new sites; the chosen k's point enlarged (and orange where the viewer
    draws point colours; LibreOffice does not); ``baseline`` (the fixed sites' share) as a second, grey line."""
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION, XL_MARKER_STYLE
    from pptx.util import Inches, Pt

    data = curve[["k", "covered_share"]].dropna().sort_values("k")
    ks = [int(k) for k in data["k"]]
    values = [round(float(v) * 100.0, 1) for v in data["covered_share"]]
    chart_data = CategoryChartData(number_format='0.0" %"')
    chart_data.categories = [str(k) for k in ks]
    chart_data.add_series("Zielgruppe in Reichweite", values)
    if baseline is not None:
        chart_data.add_series("nur bestehende Standorte", [round(float(baseline) * 100.0, 1)] * len(ks))
    frame = slide.shapes.add_chart(XL_CHART_TYPE.LINE_MARKERS, Inches(left), Inches(top), Inches(width),
                                   Inches(height), chart_data)
    chart = frame.chart
    chart.has_legend = True
    chart.legend.position, chart.legend.include_in_layout = XL_LEGEND_POSITION.BOTTOM, False
    chart.legend.font.size = Pt(10)
    chart.value_axis.minimum_scale, chart.value_axis.maximum_scale = 0, 100
    chart.value_axis.tick_labels.font.size = chart.category_axis.tick_labels.font.size = Pt(10)
    for axis, title in ((chart.category_axis, "Anzahl neuer Standorte (k)"),
                        (chart.value_axis, "Zielgruppe in Reichweite (%)")):
        axis.has_title = True
        axis.axis_title.text_frame.text = title
        for run in axis.axis_title.text_frame.paragraphs[0].runs:
            run.font.size, run.font.bold = Pt(11), False
    main = chart.plots[0].series[0]
    main.format.line.color.rgb, main.format.line.width = _rgb(BLUE), Pt(2.5)
    main.marker.style, main.marker.size = XL_MARKER_STYLE.CIRCLE, 7
    main.marker.format.fill.solid()
    main.marker.format.fill.fore_color.rgb = _rgb(BLUE)
    if baseline is not None:
        base = chart.plots[0].series[1]
        base.format.line.color.rgb, base.format.line.width = _rgb((0x88, 0x88, 0x88)), Pt(1.5)
        base.marker.style = XL_MARKER_STYLE.NONE
    if chosen_k is not None and chosen_k in ks:
        point = main.points[ks.index(chosen_k)]
        point.marker.style, point.marker.size = XL_MARKER_STYLE.CIRCLE, 13
        point.marker.format.fill.solid()
        point.marker.format.fill.fore_color.rgb = _rgb(ORANGE)
        point.marker.format.line.color.rgb = _rgb(ORANGE)
    return frame


def mark_rows(tbl, rows, *columns) -> None:
    """Bold orange text in the given cells of ``rows`` (e.g. a site over its capacity)."""
    for i in rows:
        for j in columns:
            if j is False or j is None:
                continue
            for para in tbl.cell(i, j).text_frame.paragraphs:
                for run in para.runs:
                    run.font.bold, run.font.color.rgb = True, _rgb(ORANGE)


def chunks(frame: pd.DataFrame, size: int) -> list[pd.DataFrame]:
    """``frame`` in pieces of at most ``size`` rows (at least one piece, even when empty)."""
    if len(frame) <= size:
        return [frame]
    return [frame.iloc[i:i + size] for i in range(0, len(frame), size)]
