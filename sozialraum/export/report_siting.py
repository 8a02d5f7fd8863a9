"""Report section "Standortplanung": a saved or a default siting scenario — site map, k-curve, per-site table.

Numbers of people come from the ``SitingPlan`` as the siting module presents them: published counts
(confidentiality gate) or model estimates rounded to tens, so no 1 or 2 appears.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sozialraum.errors import InputError
from sozialraum.export.document import Document, esc, table
from sozialraum.export.report_context import ReportContext, cell
from sozialraum.formatting import format_period
from sozialraum.views.scenario import find_scenario  # noqa: F401  (one implementation, kept importable here)

DEFAULT_K = 3
DEFAULT_MODEL = "mclp"
DEFAULT_TARGET = "rlb"


def resolve_plan(ctx: ReportContext, scenario: str | None):
    """(plan, title, notes): the saved scenario, or a default MCLP plan with k=3 and the travel budget setting."""
    from sozialraum.siting.plan import plan_sites

    if scenario:
        from sozialraum.siting.scenarios import load

        sid, name = find_scenario(ctx.con, scenario)
        return load(ctx.con, sid), f"Szenario „{name}“", ()
    budget = ctx.settings["travel_budget_min"]
    plan = plan_sites(ctx.con, level=ctx.level, period=ctx.period, target_indicator=DEFAULT_TARGET,
                      budget_min=budget, k=DEFAULT_K, model=DEFAULT_MODEL, settings=_siting_settings(ctx))
    title = f"Standardszenario: {DEFAULT_K} neue Standorte, {cell(budget, None, 0)} Minuten Fußweg"
    note = ("Kein gespeichertes Szenario angegeben – der Bericht zeigt ein berechnetes Standardszenario "
            f"(maximale Abdeckung, k = {DEFAULT_K}).")
    return plan, title, (note,)


def _siting_settings(ctx: ReportContext) -> dict:
    keys = ("detour_factor", "walking_speed_kmh", "demand_grid_m", "solver_time_limit_s", "pmedian_nearest",
            "max_new_sites")
    return {k: ctx.settings[k] for k in keys if k in ctx.settings}


def map_frames(plan) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sites (order 0 = fixed, 1.. = new in the order chosen) and per-area serving site/share for the map."""
    sites = plan.sites.copy()
    fixed = sites["fixed"].astype(bool).to_numpy()
    new_order = np.zeros(len(sites), dtype=int)
    new_order[~fixed] = pd.Series(sites.loc[~fixed, "order"]).rank(method="first").astype(int).to_numpy()
    sites["order"] = new_order
    sites["tooltip"] = [f"{'Bestehend' if f else f'Neu {o}'}: {n}" for f, o, n in zip(fixed, new_order,
                                                                                        sites["name"])]
    order_of = dict(zip(sites["id"], sites["order"]))
    sa = plan.site_areas.copy()
    sa = sa[pd.to_numeric(sa["share_of_area"], errors="coerce") > 0]
    best = sa.sort_values(["area_key", "share_of_area", "id"], ascending=[True, False, True]) \
        .drop_duplicates("area_key")
    service = plan.area_service[["area_key"]].copy()
    service["area_key"] = service["area_key"].astype(str)
    service["site"] = service["area_key"].map(dict(zip(best["area_key"].astype(str), best["id"].map(order_of))))
    service["share"] = plan.area_service["share_after"].to_numpy()
    return sites, service


def explanation_frame(plan, sites: pd.DataFrame, marks: pd.DataFrame | None = None) -> pd.DataFrame:
    """The per-site table of the report; ``marks`` (``robust.stability_for_store``) adds the stability column."""
    ex = plan.explanation.merge(sites[["id", "order", "type_label"]].rename(columns={"order": "nr"}), on="id")
    ex = ex.sort_values(["fixed", "nr"], ascending=[False, True])
    out = pd.DataFrame({
        "Nr.": ["JC" if f else str(n) for f, n in zip(ex["fixed"], ex["nr"])],
        "Standort": [f"{n} ({t})" for n, t in zip(ex["name"], ex["type_label"])],
        "Erreicht (≈)": [cell(v, None, 0) for v in ex["covered"]],
        "Zuwachs (≈)": [cell(v, None, 0) for v in ex["marginal_gain"]],
        "Versorgte Gebiete (≈ Personen)": ex["areas"].fillna("").to_numpy(),
        "Partnerangebote in Reichweite": [f"{int(n)} – {p}" if n else "keine"
                                          for n, p in zip(ex["n_partners"], ex["partners"].fillna(""))],
    })
    if marks is not None and len(marks):
        got = marks.set_index("id")
        out.insert(2, "Stabilität", [
            "–" if i not in got.index else ("fest" if got.loc[i, "mark"] == "fest" else
                                            f"{got.loc[i, 'mark']} ({int(got.loc[i, 'n_kept'])}/"
                                            f"{int(got.loc[i, 'n_variants'])})") for i in ex["id"]])
    return out


def siting_section(ctx: ReportContext, doc: Document, scenario: str | None) -> dict:
    """Add the section; return {'name', 'text' (for the methods page), 'notes'}."""

    try:
        plan, title, notes = resolve_plan(ctx, scenario)
    except InputError as exc:
        if scenario:  # the scenario asked for does not exist: say so instead of printing something else
            raise
        note = f"Ein Standardszenario ließ sich nicht berechnen: {exc}"
        doc.add(f"<section><h2>Standortplanung</h2><p class='note'>{esc(note)}</p></section>")
        return {"notes": (note,)}
    except Exception as exc:  # noqa: BLE001 - a failed default plan must not sink the whole report
        note = f"Die Standortplanung ließ sich nicht berechnen: {exc}"
        doc.add(f"<section><h2>Standortplanung</h2><p class='note'>{esc(note)}</p></section>")
        return {"notes": (note,)}
    from sozialraum.export.report_council import SITE_NUMERIC, SITE_WIDTHS, view_stability_text
    from sozialraum.views.scenario import draw_map, k_curve_figure, scenario_view

    view = scenario_view(ctx.con, plan, name=title)  # the same composition as the app, the pack and the deck
    doc.add(f"<section><h2>Standortplanung: {esc(title)}</h2><p>{esc(view.summary_text)}</p>"
            + doc.map(draw_map(view, basemap=ctx.basemap, fictional=ctx.fictional), height_mm=150,
                      caption="Karte: Standorte (Nummer = Reihenfolge der Auswahl, JC = bestehendes Jobcenter) und "
                              "die Gebiete, die sie versorgen")
            + "<h3>Nutzen jedes weiteren Standorts (k-Kurve)</h3>"
            + doc.chart(k_curve_figure(view), height_mm=62,
                        caption="Anteil der Zielgruppe in Reichweite bei k neuen Standorten")
            + "</section>")
    stab_text = "" if view.stability is None else " " + view_stability_text(view)
    doc.add("<section><h2>Standorte im Einzelnen</h2><p>Je Standort: wie viele Menschen der Zielgruppe er "
            "erreicht, was er zu den vorher gewählten hinzufügt, welche Gebiete er versorgt und welche "
            "Partnerangebote (§ 16a SGB II u. a.) in Reichweite liegen. Personenzahlen sind Modellschätzungen, "
            f"auf Zehner gerundet.{esc(stab_text)}</p>"
            + table(view.site_table, numeric=SITE_NUMERIC, widths=SITE_WIDTHS, small=True)
            + "</section>")
    doc.add(_fairness_and_caseload(plan, view.target))
    return {"name": title, "text": view.method_text, "notes": tuple(notes) + view.notes}


def _fairness_and_caseload(plan, target: str) -> str:
    """Reach per MSS status class (with the concentration index) and the expected caseload per site, with the
    capacity check (the tables of ``sozialraum.views.scenario``, as in the council pack and the deck)."""
    from sozialraum.export.report_council import CASELOAD_TEXT, FAIR_NUMERIC
    from sozialraum.views.scenario import C_MORE, CASE_NUMERIC, caseload_frames, fairness_table

    html = ""
    fair = fairness_table(plan)
    if len(fair):
        ci = plan.summary.get("concentration_index")
        html += ("<h3>Reichweite nach Statusklasse</h3><p>Anteil der Zielgruppe in Reichweite je "
                 "Statusklasse des Sozialindex (Stichtag "
                 f"{esc(format_period(plan.summary.get('need_period')))}). Konzentrationsindex der Reichweite über "
                 f"der Bedarfsrangfolge: {esc('–' if ci is None else cell(ci, None, 2))} (+1: nur die Menschen in den "
                 "bedürftigsten Gebieten erreicht, 0: unabhängig vom Bedarf, −1: nur die in den am wenigsten "
                 "bedürftigen).</p>" + table(fair, numeric=FAIR_NUMERIC, small=True))
    load, over = caseload_frames(plan)
    if len(load):
        verb = "liegt" if len(over) == 1 else "liegen"
        warn = (f"<p class='note'><b>{len(over)} von {len(load)} Standorten {verb} über ihrer Kapazität: "
                f"{esc(', '.join(over))}.</b></p>" if over else "")
        html += (f"<h3>Erwartete Fallzahlen je Standort ({esc(target)})</h3><p>{esc(CASELOAD_TEXT)}</p>{warn}"
                 + table(load.drop(columns=C_MORE), numeric=CASE_NUMERIC, small=True))
    return f"<section><h2>Bedarf, Reichweite und Fallzahlen</h2>{html}</section>" if html else ""
