"""The council pack as an editable PowerPoint deck (python-pptx): two saved siting scenarios side by side.

Slides: title; the result at a glance (comparison table); the map of each scenario (the static map image the
report's PNG export makes, ``images.map_png``); both k-curves (native, editable PowerPoint line charts, the
shares to one decimal as in the report's chart); each scenario's site table with the per-site
explanation and stability marks; each scenario's expected caseload per site with staff hours and the capacity
check; reach per MSS status class (fairness) with the concentration index; what differs (sites, areas); methods
and sources with the required attribution (OpenStreetMap where reach was measured on its network).

Tables are real PowerPoint tables with editable text, filled from the same text frames the PDF report prints
(``sozialraum.views.scenario``), so rounded and suppressed figures are exactly those of the PDF.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from sozialraum.export import deck_layout as L

Progress = Callable[[float, str], None]
SITE_ROWS, CASE_ROWS = 7, 10
CONFIDENTIALITY = ("Geheimhaltung: Es wird nur mit veröffentlichten Fallzahlen gerechnet (keine 1 und keine 2, auch "
                   "nicht errechenbar); Personenzahlen sind Modellschätzungen, auf Zehner gerundet, wie im "
                   "PDF-Bericht.")
CASELOAD_METHOD = ("Fallzahlen: Personen der Zielgruppe, die ihren nächsten gewählten Standort in der Zeit erreichen, "
                   "mal dem Anteil, der ihn im Jahr nutzt (Jobcenter: alle, Außenstellen: Einstellung "
                   "„Inanspruchnahme“); Beratungsstunden = Fälle × Beratungen je Person und Jahr ÷ Arbeitswochen ÷ "
                   "Beratungen je Stunde; Kapazität = Sprechstunden je Woche × Beratungen je Stunde × Arbeitswochen ÷ "
                   "Beratungen je Person und Jahr.")


@dataclass(frozen=True)
class DeckResult:
    path: Path
    slides: int
    titles: tuple[str, ...]
    size_bytes: int
    seconds: float
    scenarios: tuple[str, str]
    notes: tuple[str, ...] = ()


def build_deck(con, out: str | Path, compare, *, basemap: str | None = None, progress: Progress | None = None,
               stability: bool = True) -> DeckResult:
    """Write the deck for the two saved scenarios ``compare`` (ids or names) to ``out``.

    Raises ``InputError`` when a scenario does not exist and ``ChromiumMissing`` when the system Chromium (for
    the map and chart images) is absent.
    """
    from sozialraum.export.browser import chromium_path
    from sozialraum.export.report_council import views_for
    from sozialraum.export.report_context import city_name
    from sozialraum.settings import SETTINGS
    from sozialraum.store import read

    started = time.perf_counter()
    say = progress or (lambda f, m: None)
    chromium_path()
    say(0.05, "Szenarien werden gelesen (Stabilität: Varianten werden gerechnet) …")
    a, b = views_for(con, compare, stability=stability)
    basemap = basemap or SETTINGS["basemap"].default
    fictional = read.is_fictional(con)
    say(0.45, "Karten werden gezeichnet …")
    images = _images((a, b), basemap=basemap, fictional=fictional)
    say(0.8, "Folien werden gesetzt …")
    prs = deck(a, b, images, city=city_name(con, a.plan.parameters.get("level")), fictional=fictional,
               sources=read.sources(con), basemap=basemap)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    prs.save(str(out))
    say(1.0, "Fertig.")
    titles = tuple(s.shapes.title.text if s.shapes.title is not None else "" for s in prs.slides)
    return DeckResult(path=out, slides=len(prs.slides), titles=titles, size_bytes=out.stat().st_size,
                      seconds=time.perf_counter() - started, scenarios=(a.name, b.name),
                      notes=tuple(a.notes) + tuple(b.notes))


def _images(views, *, basemap: str, fictional: bool) -> dict:
    """PNG bytes of each view's map, keyed ('map', i) (the k-curves are native, editable PowerPoint charts)."""
    from sozialraum.export.browser import off_event_loop

    return off_event_loop(_draw_maps)(views, basemap=basemap, fictional=fictional)


def _draw_maps(views, *, basemap: str, fictional: bool) -> dict:
    """One browser for all maps (Playwright's sync API: called off any running asyncio loop, see _images)."""
    from sozialraum.export.browser import browser
    from sozialraum.export.images import map_png
    from sozialraum.views.scenario import draw_map

    out = {}
    with browser() as chrome:
        for i, v in enumerate(views):
            out[("map", i)] = map_png(draw_map(v, basemap=basemap, fictional=fictional), width=1000, height=760,
                                      scale=2, chrome=chrome)
    return out


def deck(a, b, images: dict, *, city: str, fictional: bool, sources, basemap: str = "none", created=None):
    """The presentation (python-pptx ``Presentation``) from two scenario views and their images."""
    import datetime as dt

    from sozialraum.export.report_context import format_date
    from sozialraum.views.scenario_compare import area_differences, compare, coverage_sentence, site_differences

    prs = L.presentation()
    day = format_date(created or dt.date.today())
    _title_slide(prs, a, b, city=city, day=day, fictional=fictional)
    s = L.titled_slide(prs, "Ergebnis auf einen Blick")
    L.text_box(s, [coverage_sentence(a, b)], L.MARGIN_IN, 1.1, 12.4, 0.5, size=14, colour=L.BLUE)
    L.table(s, compare(a, b), L.MARGIN_IN, 1.65, 12.4, weights=[3.2, 3, 3, 2.2], size=10, row_height=0.27,
            numeric=tuple(compare(a, b).columns[1:]))
    for i, (letter, v) in enumerate((("A", a), ("B", b))):
        s = L.titled_slide(prs, f"Karte {letter}: {v.name}")
        L.picture(s, images[("map", i)], L.MARGIN_IN, L.BODY_TOP_IN, height=5.9)
        notes = [v.summary_text, "Nummer = Reihenfolge der Auswahl, JC = bestehendes Jobcenter; Farbe: der Standort, "
                 "der ein Gebiet versorgt (blasser = kleinerer Anteil in Reichweite)."]
        notes += list(v.attributions) + (["Fiktive Demodaten"] if fictional else [])
        L.text_box(s, notes, 8.4, L.BODY_TOP_IN, 4.5, 5.9, size=12)
    s = L.titled_slide(prs, "k-Kurven: Nutzen jedes weiteren Standorts")
    for i, (letter, v) in enumerate((("A", a), ("B", b))):
        left = L.MARGIN_IN + i * 6.3
        L.text_box(s, [f"{letter}: {v.name}"], left, 1.15, 6.1, 0.4, size=14, bold_first=True)
        summary = v.plan.summary
        L.k_curve_chart(s, v.plan.k_curve, left, 1.6, 6.1, 3.6, chosen_k=int(summary.get("n_new") or 0) or None,
                        baseline=summary.get("covered_share_fixed_only"))
    L.text_box(s, ["Anteil der Zielgruppe in Reichweite bei k neuen Standorten (jeweils neu optimiert); großer Punkt: "
                   "die gewählte Zahl; grau: nur die bestehenden Standorte. Die Diagramme sind in PowerPoint "
                   "bearbeitbar."],
               L.MARGIN_IN, 5.4, 12.4, 0.8, size=12)
    for letter, v in (("A", a), ("B", b)):
        _site_slides(prs, letter, v)
    for letter, v in (("A", a), ("B", b)):
        _caseload_slides(prs, letter, v)
    _fairness_slide(prs, a, b)
    s = L.titled_slide(prs, "Was unterscheidet die Szenarien?")
    sites = site_differences(a, b)
    L.table(s, sites.head(16), L.MARGIN_IN, L.BODY_TOP_IN, 6.0, weights=[3.4, 1.2, 1.2, 1.2], size=9,
            row_height=0.26)
    areas = area_differences(a, b)
    L.text_box(s, ["Gebiete mit dem größten Unterschied in der Reichweite"], 6.75, 1.05, 6.1, 0.35, size=12,
               bold_first=True)
    L.table(s, areas, 6.75, 1.45, 6.1, weights=[2.2, 1.5, 1.5, 1.8], size=9, row_height=0.26)
    _methods_slide(prs, a, b, sources=sources, basemap=basemap, fictional=fictional)
    return prs


def _title_slide(prs, a, b, *, city: str, day: str, fictional: bool) -> None:
    from pptx.util import Inches, Pt

    s = prs.slides.add_slide(prs.slide_layouts[0])
    title, sub = s.shapes.title, s.placeholders[1]
    title.left, title.top, title.width, title.height = Inches(0.8), Inches(1.6), Inches(11.7), Inches(1.6)
    sub.left, sub.top, sub.width, sub.height = Inches(0.8), Inches(3.4), Inches(11.7), Inches(1.6)
    title.text = f"Standortplanung {city}: zwei Szenarien im Vergleich"
    sub.text = f"A: „{a.name}“ – B: „{b.name}“\nRatsvorlage, Stand {day}"
    for shape, size in ((title, 36), (sub, 20)):
        for p in shape.text_frame.paragraphs:
            for run in p.runs:
                run.font.size, run.font.name = Pt(size), L.FONT
    if fictional:
        L.text_box(s, ["Fiktive Demodaten: Alle Gebiete, Zahlen, Einrichtungen und Namen sind erfunden – keine "
                       "echten Personen oder Orte."], 0.8, 5.4, 11.7, 0.8, size=16, bold_first=True, colour=L.ORANGE)


def _site_slides(prs, letter: str, v) -> None:
    from sozialraum.views.scenario import STABILITY_NOTE

    parts = L.chunks(v.site_table, SITE_ROWS)
    weights = {"Nr.": 0.45, "Standort": 2.2, "Stabilität": 1.0, "Erreicht (≈)": 0.85, "Zuwachs (≈)": 0.85,
               "Versorgte Gebiete (≈ Personen)": 3.4, "Partnerangebote in Reichweite": 3.6}
    for n, part in enumerate(parts, start=1):
        more = f" ({n}/{len(parts)})" if len(parts) > 1 else ""
        s = L.titled_slide(prs, f"Standorte {letter}: {v.name}{more}")
        L.table(s, part, L.MARGIN_IN, L.BODY_TOP_IN, 12.4, weights=[weights.get(c, 1) for c in part.columns],
                size=8, numeric=("Erreicht (≈)", "Zuwachs (≈)"), row_height=0.3)
        foot = "Personenzahlen: Modellschätzungen, auf Zehner gerundet."
        if v.stability is not None:
            foot += " " + STABILITY_NOTE + (" Varianten: " + ", ".join(v.variants) + "." if v.variants else "")
        L.text_box(s, [foot], L.MARGIN_IN, 6.8, 12.4, 0.6, size=8)


def _caseload_slides(prs, letter: str, v) -> None:
    if not len(v.caseload_table):
        return
    parts = L.chunks(v.caseload_table, CASE_ROWS)
    from sozialraum.views.scenario import C_MORE, CASE_NUMERIC

    weights = {"Standort": 2.6, C_MORE: 3.4, "Bewertung": 1.2}
    numeric = CASE_NUMERIC
    for n, part in enumerate(parts, start=1):
        more = f" ({n}/{len(parts)})" if len(parts) > 1 else ""
        s = L.titled_slide(prs, f"Fallzahlen und Personalbedarf {letter}: {v.name}{more}")
        shape = L.table(s, part, L.MARGIN_IN, L.BODY_TOP_IN, 12.4,
                        weights=[weights.get(c, 1.1) for c in part.columns], size=9, numeric=numeric, row_height=0.3)
        cols = list(part.columns)
        L.mark_rows(shape.table, [i + 1 for i, v in enumerate(part["Bewertung"]) if v == "über Kapazität"],
                    cols.index("Bewertung"), cols.index("Auslastung"))
        foot = [f"Zielgruppe: {v.target}. " + CASELOAD_METHOD] + list(v.notes)
        L.text_box(s, foot, L.MARGIN_IN, 6.05, 12.4, 1.3, size=9)


def _fairness_slide(prs, a, b) -> None:
    s = L.titled_slide(prs, "Reichweite nach Bedarf (Statusklassen des Sozialindex)")
    for i, (letter, v) in enumerate((("A", a), ("B", b))):
        left = L.MARGIN_IN + i * 6.3
        L.text_box(s, [f"{letter}: {v.name}", f"Konzentrationsindex: {v.facts.get('Konzentrationsindex', '–')}"],
                   left, 1.15, 6.1, 0.8, size=13, bold_first=True)
        if len(v.fairness_table):
            L.table(s, v.fairness_table, left, 2.05, 6.1, weights=[1.6, 1.3, 1.3, 1.4], size=11,
                    numeric=tuple(v.fairness_table.columns[1:]), row_height=0.34)
        else:
            L.text_box(s, ["Für diese Ebene gibt es keinen Sozialindex (Statusklassen)."], left, 2.05, 6.1, 0.5)
    L.text_box(s, ["Anteil der Zielgruppe in Reichweite je Statusklasse des Sozialindex (MSS). Konzentrationsindex "
                   "der Reichweite über der Bedarfsrangfolge: +1 = nur die Menschen in den bedürftigsten Gebieten "
                   "erreicht, 0 = unabhängig vom Bedarf, −1 = nur die in den am wenigsten bedürftigen."],
               L.MARGIN_IN, 5.4, 12.4, 1.0, size=11)


def _methods_slide(prs, a, b, *, sources, basemap: str, fictional: bool) -> None:
    from sozialraum.export.report_methods import SOFTWARE_NOTICES, attributions, sources_frame

    s = L.titled_slide(prs, "Methoden und Quellen")
    L.text_box(s, [a.method_text, b.method_text, CASELOAD_METHOD, CONFIDENTIALITY], L.MARGIN_IN, 1.1, 6.2, 6.2,
               size=9)
    frame = sources_frame(sources)[["Quelle", "Herausgeber", "Lizenz"]] if len(sources) else None
    top = 1.15
    if frame is not None:
        L.table(s, frame, 6.9, top, 6.0, weights=[3, 2, 1], size=8, row_height=0.26)
        top += 0.26 * (len(frame) + 1) + 0.2
    notices = list(dict.fromkeys(list(a.attributions) + list(b.attributions) + attributions(sources, basemap)))
    L.text_box(s, ["Namensnennung (Pflichtangaben):", *notices, *SOFTWARE_NOTICES], 6.9, top, 6.0, 7.2 - top,
               size=8, bold_first=True)
