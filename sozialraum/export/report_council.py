"""Report section "Ratsvorlage": two saved siting scenarios side by side (before/after or A/B).

Layout only: each scenario is composed by ``sozialraum.views.scenario`` (the same view the app and the
PowerPoint deck use) and the comparison by ``sozialraum.views.scenario_compare``. Pages: the comparison (key
figures, what differs, coverage difference, sites and areas that differ); both maps and both k-curves side by
side; then for each scenario its site table with the per-site explanation and stability marks, the expected
caseload per site with the staff hours and the capacity check, and the reach per MSS status class with the
concentration index.
"""

from __future__ import annotations

from sozialraum.export.document import Document, esc, table
from sozialraum.export.report_context import ReportContext
from sozialraum.views.scenario import C_MORE, CASE_NUMERIC

SITE_WIDTHS = {"Nr.": "8mm", "Standort": "34mm", "Stabilität": "16mm", "Versorgte Gebiete (≈ Personen)": "50mm"}
SITE_NUMERIC = ("Erreicht (≈)", "Zuwachs (≈)")
FAIR_NUMERIC = ("Zielgruppe (≈)", "in Reichweite (≈)", "Anteil in Reichweite")
CASELOAD_TEXT = ("Fälle je Jahr: Personen der Zielgruppe, die ihren nächsten gewählten Standort in der Zeit "
                 "erreichen, mal dem Anteil, der ihn im Jahr nutzt (Jobcenter-Standorte: alle; Außenstellen: "
                 "Einstellung „Inanspruchnahme einer Außenstelle“). Beratungsstunden je Woche und Kapazität folgen "
                 "aus den Einstellungen „Kapazität“. „über Kapazität“: mehr erwartete Fälle, als die Sprechstunden "
                 "fassen – dort reichen die geplanten Stunden nicht. Modellschätzungen, auf Zehner gerundet.")


def views_for(con, scenarios, *, stability: bool = True):
    """The two scenario views (given by id or name) the pack compares."""
    from sozialraum.errors import InputError
    from sozialraum.views.scenario import saved_view

    names = [s for s in (scenarios or ()) if s]
    if len(names) != 2:
        raise InputError("Für den Vergleich bitte genau zwei gespeicherte Szenarien angeben (A und B).")
    return tuple(saved_view(con, s, stability=stability) for s in names)


def scenario_pages(view, letter: str, doc: Document) -> None:
    """One scenario's tables: sites with explanation, caseload and capacity, reach per status class."""
    notes = "".join(f"<p class='note'><b>{esc(n)}</b></p>" for n in view.notes)
    stab = ""
    if view.stability is not None:
        stab = " " + view_stability_text(view)
    html = (f"<section><h2>Szenario {letter}: {esc(view.name)}</h2><p>{esc(view.summary_text)}</p>"
            "<h3>Standorte im Einzelnen</h3><p>Je Standort: wie viele Menschen der Zielgruppe er erreicht, was er zu "
            "den vorher gewählten hinzufügt, welche Gebiete er versorgt und welche Partnerangebote (§ 16a SGB II "
            f"u. a.) in Reichweite liegen. Personenzahlen sind Modellschätzungen, auf Zehner gerundet.{esc(stab)}</p>"
            + table(view.site_table, numeric=SITE_NUMERIC, widths=SITE_WIDTHS, small=True))
    if len(view.caseload_table):
        html += (f"<h3>Erwartete Fallzahlen und Personalbedarf ({esc(view.target)})</h3><p>{esc(CASELOAD_TEXT)}</p>"
                 + notes + table(view.caseload_table, numeric=CASE_NUMERIC, small=True,
                                 widths={"Standort": "36mm", C_MORE: "46mm"}))
    if len(view.fairness_table):
        ci = view.facts.get("Konzentrationsindex", "–")
        html += ("<h3>Reichweite nach Statusklasse des Sozialindex</h3><p>Anteil der Zielgruppe in Reichweite je "
                 f"Statusklasse (Stichtag des Sozialindex: {esc(view.plan.summary.get('need_period') or '–')}). "
                 f"Konzentrationsindex der Reichweite über der Bedarfsrangfolge: {esc(ci)} (+1: nur die Menschen in "
                 "den bedürftigsten Gebieten erreicht, 0: unabhängig vom Bedarf, −1: nur die in den am wenigsten "
                 "bedürftigen).</p>" + table(view.fairness_table, numeric=FAIR_NUMERIC, small=True))
    doc.add(html + "</section>")


def view_stability_text(view) -> str:
    from sozialraum.views.scenario import STABILITY_NOTE

    return STABILITY_NOTE + (" Varianten: " + ", ".join(view.variants) + "." if view.variants else "")


def council_section(ctx: ReportContext, doc: Document, scenarios) -> dict:
    """Add the pack; return {'name', 'text' (for the methods page), 'notes'} as ``report_siting`` does."""
    from sozialraum.views.scenario import draw_map, k_curve_figure
    from sozialraum.views.scenario_compare import area_differences, compare, coverage_sentence, site_differences

    a, b = views_for(ctx.con, scenarios)
    title = f"„{a.name}“ und „{b.name}“"
    charts = "".join(doc.chart(k_curve_figure(v), height_mm=60, width_mm=88,
                               caption=f"{letter}: {v.name} – Anteil der Zielgruppe in Reichweite bei k neuen "
                                       "Standorten (Kreis: gewählt)")
                     for letter, v in (("A", a), ("B", b)))
    doc.add(f"<section><h2>Ratsvorlage: Szenarien {esc(title)} im Vergleich</h2>"
            f"<p><b>A:</b> {esc(a.summary_text)}</p><p><b>B:</b> {esc(b.summary_text)}</p>"
            f"<p><b>{esc(coverage_sentence(a, b))}</b></p>"
            "<h3>Nutzen jedes weiteren Standorts (k-Kurven)</h3>"
            f"<div class='pair'>{charts}</div>"
            "<h3>Was unterscheidet die Szenarien?</h3>"
            + table(compare(a, b), numeric=(a.name, b.name, "Unterschied (B − A)"), small=True,
                    widths={"Merkmal": "55mm"})
            + "<h3>Standorte</h3>" + table(site_differences(a, b), small=True, widths={"Standort": "80mm"})
            + "<h3>Gebiete mit dem größten Unterschied in der Reichweite</h3>"
            + table(area_differences(a, b), small=True) + "</section>")
    # the maps one above the other at full width (side by side, each legend would cover half its map)
    maps = "".join(doc.map(draw_map(v, basemap=ctx.basemap, fictional=ctx.fictional), height_mm=112,
                           caption=f"{letter}: {v.name} – Standorte (Nummer = Reihenfolge der Auswahl, JC = "
                                   "bestehendes Jobcenter) und die Gebiete, die sie versorgen")
                   for letter, v in (("A", a), ("B", b)))
    doc.add(f"<section><h2>Karten: {esc(title)}</h2>{maps}</section>")
    scenario_pages(a, "A", doc)
    scenario_pages(b, "B", doc)
    text = " ".join(v.method_text for v in (a, b))
    return {"name": title, "text": text, "notes": tuple(a.notes) + tuple(b.notes), "views": (a, b)}
