"""A siting scenario composed once: what the app, the PDF report and the PowerPoint deck show of one plan.

``scenario_view(con, plan, name=...)`` → :class:`ScenarioView` (pure data, picklable): the key figures as
German text, the map frames (numbered sites, the area each site serves), the site table with its explanation
and stability marks, the expected caseload per site and target group with the staff hours and whether a site
is over its capacity, the reach per MSS status class with the concentration index, and the travel model used
(with the OpenStreetMap attribution when reach was measured on a street network).
``draw_map(view)`` → folium map, ``k_curve_figure(view)`` → plotly figure. Comparing two views:
``sozialraum.views.scenario_compare``.

Every number of people comes from the ``SitingPlan`` as the siting module presents it (published counts or model
estimates rounded to tens), and every table here is already text: the report and the deck lay it out and never
format a number themselves, so both show exactly the same rounded or suppressed figures.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from sozialraum.formatting import format_number, format_period

OSM_ATTRIBUTION = "© OpenStreetMap-Mitwirkende (© OpenStreetMap contributors), Lizenz ODbL"
NETWORK_MODELS = ("NetworkModel", "TransitModel")
SITE_COLUMNS = ["Nr.", "Standort", "Stabilität", "Erreicht (≈)", "Zuwachs (≈)", "Versorgte Gebiete (≈ Personen)",
                "Partnerangebote in Reichweite"]
# the caseload table's columns (short: the PDF prints them on A4, the deck on one slide)
C_REACH, C_CASES, C_HOURS, C_CAP, C_MORE = ("in Reichweite (≈)", "Fälle je Jahr (≈)", "Beratungsstd. je Woche",
                                            "Kapazität (Fälle je Jahr)", "weitere Gruppen (≈ Fälle)")
CASE_NUMERIC = (C_REACH, C_CASES, C_HOURS, C_CAP, "Auslastung")
STABILITY_NOTE = ("Stabilität: in wie vielen Varianten der Standort wieder gewählt wird („stabil“ in allen, "
                  "„meist“ in mindestens der Hälfte, „unsicher“ in weniger; „fest“ = bestehender Standort).")


def pct(x, decimals: int = 1) -> str:
    return "–" if x is None or pd.isna(x) else format_number(100 * float(x), decimals) + " %"


def people(x) -> str:
    return "–" if x is None or pd.isna(x) else format_number(float(x), 0)


def points(x) -> str:
    """A difference in percentage points with its sign."""
    if x is None or pd.isna(x):
        return "–"
    text = format_number(100 * float(x), 1)
    return text if text.startswith("−") or text == "0,0" else "+" + text


@dataclass(frozen=True)
class ScenarioView:
    name: str
    scenario_id: str | None
    plan: object  # sozialraum.siting.plan.SitingPlan
    target: str  # the target group's German label
    facts: dict  # German text of the key figures (see _facts)
    areas: object  # GeoDataFrame EPSG:4326 of the plan's level
    sites: pd.DataFrame  # map frame: id, name, order (0 = fixed), label ('JC' or the number), fixed, tooltip …
    service: pd.DataFrame  # map frame: area_key, site (number), share
    site_table: pd.DataFrame  # text, SITE_COLUMNS (Stabilität only when computed)
    caseload_table: pd.DataFrame  # text, one row per site
    over_capacity: tuple[str, ...]  # names of the sites whose expected cases exceed their capacity
    fairness_table: pd.DataFrame  # text, one row per MSS status class
    stability: pd.DataFrame | None  # id, n_kept, n_variants, share, mark (robust.stability_for_store)
    variants: tuple[str, ...]  # names of the stability variants that could be computed
    travel: str  # how reach was measured ("Straßennetz (zu Fuß)", "Luftlinie …")
    uses_network: bool  # reach measured on a street network (the store's, built from an OSM extract)
    summary_text: str
    method_text: str
    notes: tuple[str, ...] = ()
    attributions: tuple[str, ...] = ()  # OpenStreetMap's when reach was measured on a real OSM network


def target_label(con, key: str) -> str:
    from sozialraum.views.need import indicator_spec

    try:
        return indicator_spec(con, key).label_de
    except KeyError:
        return str(key)


def _travel(con, plan) -> tuple[str, bool]:
    """(how the plan measured reach, whether on an OpenStreetMap network); the plan records its model's class."""
    from sozialraum.access.travel import model_from_settings, travel_label

    kind = str(plan.parameters.get("travel") or "")
    try:
        from sozialraum.network import store_network_dir

        model = model_from_settings(plan.parameters.get("settings") or {}, network_dir=store_network_dir(con))
    except Exception:  # noqa: BLE001 - a store without a network folder (e.g. in memory): the straight line
        model = None
    if model is not None and (not kind or kind == type(model).__name__):
        return travel_label(model), kind in NETWORK_MODELS or type(model).__name__ in NETWORK_MODELS
    if kind in NETWORK_MODELS:
        return "Straßennetz (OpenStreetMap)", True
    return ("Eigene Kostenmatrix" if kind == "MatrixModel" else "Luftlinie × Umwegfaktor"), False


def _network_attributions(con, network: bool) -> tuple[str, ...]:
    """OpenStreetMap's attribution when the plan's reach came from a network built from real OSM data (a
    generated demo network is recorded as a fictional source and needs none)."""
    if not network:
        return ()
    from sozialraum.network.build import SOURCE_ID
    from sozialraum.store import read

    src = read.sources(con)
    osm = src[src["source_id"].astype(str) == SOURCE_ID] if len(src) else src
    if len(osm) and osm["fictional"].fillna(False).astype(bool).all():
        return ()
    return (OSM_ATTRIBUTION,)


def _stability(con, plan) -> tuple[pd.DataFrame | None, tuple[str, ...]]:
    """Stability marks (budget ± 5 min, earlier periods); none for the p-median (each variant would take up to the
    solver's time limit) or when no variant can be computed."""
    if plan.parameters.get("model") == "pmedian":
        return None, ()
    from sozialraum.siting.robust import stability_for_store

    try:
        marks, chosen = stability_for_store(con, plan)
    except Exception:  # noqa: BLE001 - the stability check must not sink a report or a deck
        return None, ()
    return (marks if chosen else None), tuple(chosen)


def _site_table(plan, sites: pd.DataFrame, marks: pd.DataFrame | None) -> pd.DataFrame:
    sites = sites if "type_label" in sites else sites.assign(type_label="")  # plans saved before the type label
    ex = plan.explanation.merge(sites[["id", "label", "order", "type_label"]].rename(columns={"order": "nr"}),
                                on="id", how="left")
    ex = ex.sort_values(["fixed", "nr"], ascending=[False, True])
    out = pd.DataFrame({
        "Nr.": ex["label"].fillna("–").astype(str).to_numpy(),
        "Standort": [f"{n} ({t})" if isinstance(t, str) and t else str(n) for n, t in zip(ex["name"],
                                                                                         ex["type_label"])],
        "Stabilität": "–",
        "Erreicht (≈)": [people(v) for v in ex["covered"]],
        "Zuwachs (≈)": [people(v) for v in ex["marginal_gain"]],
        "Versorgte Gebiete (≈ Personen)": ex["areas"].fillna("").astype(str).to_numpy(),
        "Partnerangebote in Reichweite": [f"{int(n)} – {p}" if n else "keine"
                                          for n, p in zip(ex["n_partners"].fillna(0), ex["partners"].fillna(""))],
    })
    if marks is not None and len(marks):
        got = marks.set_index("id")
        out["Stabilität"] = [
            "–" if i not in got.index else ("fest" if got.loc[i, "mark"] == "fest" else
                                            f"{got.loc[i, 'mark']} ({int(got.loc[i, 'n_kept'])}/"
                                            f"{int(got.loc[i, 'n_variants'])})") for i in ex["id"]]
    else:
        out = out.drop(columns="Stabilität")
    return out.reset_index(drop=True)


def caseload_frames(plan, con=None) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """(one text row per site: expected cases of the planning group, the other groups, staff hours, capacity,
    utilisation and a clear "über Kapazität" mark; names of the sites over capacity)."""
    load = getattr(plan, "caseload", None)
    if load is None or load.empty:
        return pd.DataFrame(), ()
    goal = plan.parameters.get("target_indicator")
    # people = expected cases; in_reach = people assigned (plans saved before the uptake share: the same)
    reach = "in_reach" if "in_reach" in load.columns else "people"
    mine = load[load["group"] == goal]
    others = load[load["group"] != goal]
    labels = {g: _short(target_label(con, g) if con is not None else str(g)) for g in dict.fromkeys(others["group"])}
    rows, over = [], []
    for r in mine.itertuples(index=False):
        use = getattr(r, "utilisation")
        is_over = use is not None and pd.notna(use) and float(use) > 1.0 + 1e-9
        if is_over:
            over.append(str(r.name))
        more = others[others["id"] == r.id]
        rows.append({
            "Standort": str(r.name),
            C_REACH: people(getattr(r, reach)),
            C_CASES: people(r.people),
            C_HOURS: format_number(r.staff_hours_week, 1, missing="–"),
            C_CAP: people(r.capacity),
            "Auslastung": pct(use, 0),
            "Bewertung": ("über Kapazität" if is_over else "im Rahmen") if pd.notna(use) else "–",
            C_MORE: "; ".join(f"{labels[g]}: {people(v)}" for g, v in
                                                      zip(more["group"], more["people"])),
        })
    return pd.DataFrame(rows), tuple(over)


def _short(label: str) -> str:
    """A group's abbreviation where its label ends with one, e.g. "Erwerbsfähige Leistungsberechtigte (ELB)" → ELB."""
    import re

    hit = re.search(r"\(([A-ZÄÖÜ][A-ZÄÖÜ0-9-]{1,5})\)$", label.strip())
    return hit.group(1) if hit else label


def fairness_table(plan) -> pd.DataFrame:
    fair = getattr(plan, "fairness", None)
    if fair is None or fair.empty:
        return pd.DataFrame()
    return pd.DataFrame({
        "Statusklasse": fair["status_class"].astype(str).to_numpy(),
        "Zielgruppe (≈)": [people(v) for v in fair["target"]],
        "in Reichweite (≈)": [people(v) for v in fair["within_reach"]],
        "Anteil in Reichweite": [pct(v) for v in fair["share"]],
    })


def _facts(plan, target: str, travel: str, over: tuple[str, ...]) -> dict:
    p, s = plan.parameters, plan.summary
    load = getattr(plan, "caseload", None)
    hours = None
    if load is not None and len(load):
        hours = float(load.loc[load["group"] == p.get("target_indicator"), "staff_hours_week"].sum())
    ci = s.get("concentration_index")
    return {
        "Modell": str(s.get("model_label") or p.get("model")).split(":")[0],
        "Zielgruppe": target,
        "Stichtag": format_period(p.get("period")) if p.get("period") else "–",
        "Zeitbudget": f"{format_number(p.get('budget_min'), 0)} Minuten",
        "Wegemodell": travel,
        "Neue Standorte": format_number(s.get("n_new"), 0, missing="–"),
        "Bestehende Standorte (fest)": format_number(s.get("n_fixed"), 0, missing="–"),
        "Zielgruppe in Reichweite": pct(s.get("covered_share")),
        "Personen in Reichweite (≈)": people(s.get("covered")),
        "Zielgruppe insgesamt (≈)": people(s.get("total")),
        "nur bestehende Standorte": pct(s.get("covered_share_fixed_only")),
        "Konzentrationsindex": "–" if ci is None else format_number(ci, 2),
        "Beratungsstunden je Woche (Zielgruppe)": format_number(hours, 1, missing="–"),
        "Standorte über Kapazität": format_number(len(over), 0),
    }


def scenario_view(con, plan, *, name: str, scenario_id: str | None = None, stability: bool = True) -> ScenarioView:
    """Compose the view of ``plan`` (a saved scenario's or a freshly computed ``SitingPlan``).

    ``stability``: run the stability variants (budget ± 5 min, earlier periods: a few more solves).
    """
    from sozialraum.maps.siting import plan_layers
    from sozialraum.store import read

    p, s = plan.parameters, plan.summary
    level = p.get("level")
    areas = read.areas(con, level, web=True)
    target = target_label(con, p.get("target_indicator"))
    travel, network = _travel(con, plan)
    sites, service = plan_layers(plan)
    marks, variants = _stability(con, plan) if stability else (None, ())
    caseload, over = caseload_frames(plan, con)
    budget = format_number(p.get("budget_min"), 0)
    summary = (f"{s.get('model_label', p.get('model'))}. Zielgruppe: {target} (Stichtag "
               f"{format_period(p.get('period')) if p.get('period') else '–'}), erreichbar innerhalb von {budget} "
               f"Minuten ({travel}). {s.get('n_fixed', 0)} bestehende Jobcenter-Standorte sind fest gesetzt, "
               f"{s.get('n_new', 0)} neue Standorte wurden unter {s.get('n_candidates', 0)} möglichen Orten "
               "gewählt.")
    if s.get("covered_share_fixed_only") is not None and s.get("covered_share") is not None:
        summary += (f" Die bestehenden Standorte erreichen {pct(s['covered_share_fixed_only'])} der Zielgruppe; mit "
                    f"den neuen Standorten sind es {pct(s['covered_share'])} (≈ {people(s.get('covered'))} von "
                    f"≈ {people(s.get('total'))} Personen).")
    curve = plan.k_curve
    kmax = int(curve["k"].max()) if len(curve) else 0
    method = (f"„{name}“: {s.get('model_label', p.get('model'))}; Zielgruppe {target}; Zeitbudget {budget} Minuten; "
              f"Wege: {travel}; Nachfrage als Rasterpunkte in den Gebieten, gewichtet mit der Zielgruppe; "
              f"Optimierung mit HiGHS (Status: {s.get('status', '–')}). Die k-Kurve zeigt für k = 0 bis {kmax} neue "
              "Standorte den erreichbaren Anteil (jeweils neu optimiert).")
    attribution = _network_attributions(con, network)
    if attribution:
        method += f" Straßennetz: {OSM_ATTRIBUTION}."
    notes = []
    if over:
        notes.append(f"{len(over)} von {len(caseload)} Standorten {'liegt' if len(over) == 1 else 'liegen'} über "
                     f"ihrer Kapazität: {', '.join(over)}.")
    return ScenarioView(name=name, scenario_id=scenario_id, plan=plan, target=target,
                        facts=_facts(plan, target, travel, over), areas=areas, sites=sites, service=service,
                        site_table=_site_table(plan, sites, marks), caseload_table=caseload, over_capacity=over,
                        fairness_table=fairness_table(plan), stability=marks, variants=variants, travel=travel,
                        uses_network=network, summary_text=summary, method_text=method, notes=tuple(notes),
                        attributions=attribution)


def find_scenario(con, scenario: str) -> tuple[str, str]:
    """(scenario_id, name) of a saved scenario given by id or name (the newest of that name)."""
    from sozialraum.errors import InputError
    from sozialraum.siting.scenarios import list_scenarios

    saved = list_scenarios(con)
    hit = saved[(saved["scenario_id"] == scenario) | (saved["name"] == scenario)]
    if hit.empty:
        names = ", ".join(f"„{n}“" for n in saved["name"]) or "keine"
        raise InputError(f"Szenario {scenario!r} gibt es nicht. Gespeichert: {names}.")
    return str(hit["scenario_id"].iloc[0]), str(hit["name"].iloc[0])


def saved_view(con, scenario: str, *, stability: bool = True) -> ScenarioView:
    """The view of a saved scenario, given by id or name."""
    from sozialraum.siting.scenarios import load

    sid, name = find_scenario(con, scenario)
    return scenario_view(con, load(con, sid), name=name, scenario_id=sid, stability=stability)


def draw_map(view: ScenarioView, *, basemap: str = "none", fictional: bool = False):
    """The scenario's site map as the app draws it (numbered sites, served areas), with the attribution of the
    street network when reach was measured on one."""
    from sozialraum.maps.siting import siting_map

    parts = (["Fiktive Demodaten"] if fictional else []) + (["Wege: © OpenStreetMap-Mitwirkende"]
                                                            if view.attributions else [])
    return siting_map(view.areas, view.sites, view.service, radius_m=None, basemap=basemap,
                      attribution=" | ".join(parts))


def k_curve_figure(view: ScenarioView, *, title: str | None = None):
    from sozialraum.charts.siting import k_curve_chart

    s = view.plan.summary
    return k_curve_chart(view.plan.k_curve, chosen_k=int(s.get("n_new") or 0) or None,
                         baseline=s.get("covered_share_fixed_only"), title=title)
