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

DEFAULT_K = 3
DEFAULT_MODEL = "mclp"
DEFAULT_TARGET = "rlb"


def find_scenario(con, scenario: str):
    """(scenario_id, name) of a saved scenario given by id or name (the newest of that name)."""
    from sozialraum.siting.scenarios import list_scenarios

    saved = list_scenarios(con)
    hit = saved[(saved["scenario_id"] == scenario) | (saved["name"] == scenario)]
    if hit.empty:
        names = ", ".join(f"„{n}“" for n in saved["name"]) or "keine"
        raise InputError(f"Szenario {scenario!r} gibt es nicht. Gespeichert: {names}.")
    return hit["scenario_id"].iloc[0], hit["name"].iloc[0]


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


def _stability(ctx, plan):
    """Stability marks for the report (budget ± 5 min, earlier periods); none for the p-median (each variant
    would take up to the solver's time limit) or when the variants cannot be computed."""
    if plan.parameters.get("model") == "pmedian":
        return None, ()
    from sozialraum.siting.robust import stability_for_store

    try:
        marks, chosen = stability_for_store(ctx.con, plan)
    except Exception:  # noqa: BLE001 - the stability check must not sink the report
        return None, ()
    return (marks if chosen else None), tuple(chosen)


def siting_section(ctx: ReportContext, doc: Document, scenario: str | None) -> dict:
    """Add the section; return {'name', 'text' (for the methods page), 'notes'}."""
    from sozialraum.charts.siting import k_curve_chart
    from sozialraum.indicators.registry import INDICATORS
    from sozialraum.maps.siting import siting_map
    from sozialraum.store import read

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
    p, s = plan.parameters, plan.summary
    level = p.get("level") or ctx.level
    areas_web = ctx.areas_web if level == ctx.level else read.areas(ctx.con, level, web=True)
    sites, service = map_frames(plan)
    target = INDICATORS[p["target_indicator"]].label_de if p.get("target_indicator") in INDICATORS else \
        str(p.get("target_indicator"))
    budget = cell(p.get("budget_min"), None, 0)
    m = siting_map(areas_web, sites, service, radius_m=None, basemap=ctx.basemap,
                   attribution="Fiktive Demodaten" if ctx.fictional else "")
    share0, share1 = s.get("covered_share_fixed_only"), s.get("covered_share")
    text = (f"Modell: {s.get('model_label', p.get('model'))}. Zielgruppe: {target} "
            f"(Stichtag {format_period(p.get('period') or ctx.period)}), erreichbar innerhalb von {budget} Minuten "
            f"Fußweg. {s.get('n_fixed', 0)} bestehende Jobcenter-Standorte sind fest gesetzt, "
            f"{s.get('n_new', 0)} neue Standorte wurden unter {s.get('n_candidates', 0)} möglichen Orten gewählt.")
    result = ""
    if share0 is not None and share1 is not None:
        result = (f"Die bestehenden Standorte erreichen {cell(100 * share0, None, 1)} % der Zielgruppe; mit den neuen "
                  f"Standorten sind es {cell(100 * share1, None, 1)} % (≈ {cell(s.get('covered'), None, 0)} von "
                  f"≈ {cell(s.get('total'), None, 0)} Personen).")
    curve = plan.k_curve
    chart = k_curve_chart(curve, chosen_k=int(s.get("n_new", 0)) or None,
                          baseline=share0 if share0 is not None else None)
    doc.add(f"<section><h2>Standortplanung: {esc(title)}</h2><p>{esc(text)} {esc(result)}</p>"
            + doc.map(m, height_mm=150, caption="Karte: Standorte (Nummer = Reihenfolge der Auswahl, JC = bestehendes "
                                               "Jobcenter) und die Gebiete, die sie versorgen")
            + "<h3>Nutzen jedes weiteren Standorts (k-Kurve)</h3>"
            + doc.chart(chart, height_mm=62, caption="Anteil der Zielgruppe in Reichweite bei k neuen Standorten")
            + "</section>")
    marks, variants = _stability(ctx, plan)
    stab_text = ("" if marks is None else
                 " Stabilität: in wie vielen Varianten der Standort wieder gewählt wird („stabil“ in allen, „meist“ "
                 "in mindestens der Hälfte, „unsicher“ in weniger); Varianten: " + ", ".join(variants) + ".")
    doc.add("<section><h2>Standorte im Einzelnen</h2><p>Je Standort: wie viele Menschen der Zielgruppe er "
            "erreicht, was er zu den vorher gewählten hinzufügt, welche Gebiete er versorgt und welche "
            "Partnerangebote (§ 16a SGB II u. a.) in Reichweite liegen. Personenzahlen sind Modellschätzungen, "
            f"auf Zehner gerundet.{esc(stab_text)}</p>"
            + table(explanation_frame(plan, sites, marks), numeric=("Erreicht (≈)", "Zuwachs (≈)"),
                    widths={"Nr.": "8mm", "Standort": "34mm", "Versorgte Gebiete (≈ Personen)": "50mm"}, small=True)
            + "</section>")
    doc.add(_fairness_and_caseload(plan, target))
    method = (f"{s.get('model_label', p.get('model'))}; Zielgruppe {target}; Zeitbudget {budget} Minuten; "
              f"Nachfrage als Rasterpunkte in den Gebieten, gewichtet mit der Zielgruppe; Optimierung mit HiGHS "
              f"(Status: {s.get('status', '–')}). Die k-Kurve zeigt für k = 1 bis {int(curve['k'].max())} neue "
              "Standorte den erreichbaren Anteil (jeweils neu optimiert).")
    return {"name": title, "text": method, "notes": notes}


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
