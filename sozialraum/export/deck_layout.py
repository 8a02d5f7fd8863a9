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
