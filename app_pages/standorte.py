"""Seite „Standortplanung": k neue Außenstellen/Sprechstunden in bestehenden Orten wählen, erklären, speichern
und vergleichen (``sozialraum.siting.plan.plan_sites``, Szenarien in DuckDB)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.common import (
    areas_web, can_write, clear_caches, data_version, fmt_number, get_con, level_select, period_select,
    setting, setting_input, show_map, target_group_labels, tr, writing,
)
from app_pages.standorte_scenarios import MODEL_LABELS, scenario_section
from sozialraum.charts import print_config
from sozialraum.errors import InputError, SolverError
from sozialraum.services import VENUE_TYPES

SETTING_NAMES = ("detour_factor", "walking_speed_kmh", "demand_grid_m", "solver_time_limit_s", "pmedian_nearest",
                 "max_new_sites")

st.title(tr("Standortplanung", "Site planning"))
st.caption(tr("Wo sollten k neue Außenstellen oder Sprechstunden in bestehenden Orten (Bibliotheken, "
              "Stadtteilzentren, Familienzentren …) liegen, damit möglichst viele Menschen der Zielgruppe sie zu "
              "Fuß erreichen?", "Where should k outreach offices go so that most of the target group can walk there?"))
con = get_con()
level = level_select()
if level is None:
    st.stop()
target_labels = target_group_labels(level)


@st.cache_data(show_spinner=False, max_entries=4)
def _venue_types(version: str) -> list[str]:
    return [r[0] for r in get_con().execute("SELECT DISTINCT venue_type FROM candidate_venues ORDER BY 1").fetchall()]


@st.cache_data(show_spinner=False, max_entries=16)
def _plan(version: str, level: str, period: str, target: str, budget: float, k: int, model: str,
          venue_types: tuple, barrier_free: bool, fix_jobcenters: bool, settings_items: tuple):
    from sozialraum.siting.plan import plan_sites

    return plan_sites(get_con(), level=level, period=period, target_indicator=target, budget_min=budget, k=k,
                      model=model, venue_types=list(venue_types) or None, barrier_free_only=barrier_free,
                      fix_jobcenters=fix_jobcenters, settings=dict(settings_items))


with st.sidebar.expander(tr("Weg- und Rechenmodell", "Travel and solver model")):
    settings = {name: setting_input(name, st, key=f"standorte_{name}") for name in SETTING_NAMES}

present_venues = _venue_types(data_version())
if not present_venues:
    st.warning(tr("Es sind noch keine möglichen Standorte (Kandidatenorte wie Bibliotheken oder Stadtteilzentren) "
                  "geladen. Auf der Seite „Daten“ lässt sich eine Punktliste „Kandidatenorte“ hochladen.",
                  "No candidate venues loaded yet. Upload them on the page 'Data'."))
venue_options = [v for v in VENUE_TYPES if v in set(present_venues)] + \
    [v for v in present_venues if v not in VENUE_TYPES]
with st.container(border=True):
    c1, c2, c3 = st.columns(3)
    target = c1.selectbox(tr("Zielgruppe", "Target group"), list(target_labels), key="standorte_target",
                          index=list(target_labels).index("rlb") if "rlb" in target_labels else 0,
                          format_func=target_labels.get)
    budget = setting_input("travel_budget_min", c2, key="standorte_budget")
    k = c3.slider(tr("Anzahl neuer Standorte (k)", "Number of new sites (k)"), 1, int(settings["max_new_sites"]),
                  min(3, int(settings["max_new_sites"])), key="standorte_k")
    model = st.radio(tr("Modell", "Model"), list(MODEL_LABELS), format_func=lambda m: tr(*MODEL_LABELS[m]),
                     key="standorte_model")
    c4, c5, c6 = st.columns([3, 1.2, 1.6])
    venue_types = c4.multiselect(tr("Mögliche Orte (Kandidaten)", "Candidate venues"), venue_options,
                                 format_func=lambda v: VENUE_TYPES.get(v, v), key="standorte_venues",
                                 placeholder=tr("alle Ortstypen", "all venue types"))
    barrier_free = c5.checkbox(tr("nur barrierefreie Orte", "barrier-free only"), key="standorte_bf")
    fix_jobcenters = c6.checkbox(tr("bestehende Jobcenter-Standorte fest einplanen", "fix existing Jobcenter sites"),
                                 value=True, key="standorte_fix")
    submitted = st.button(tr("Standorte berechnen", "Compute sites"), type="primary", key="standorte_run")
period = period_select(level, target)

if submitted:
    params = (data_version(), level, period, target, float(budget), int(k), model, tuple(venue_types),
              bool(barrier_free), bool(fix_jobcenters), tuple(sorted(settings.items())))
    with st.status(tr("Standorte werden berechnet …", "Computing sites …"), expanded=False) as status:
        st.write(tr("Nachfragepunkte, Wege und Optimierungsmodell (HiGHS) …", "Demand, travel, HiGHS model …"))
        try:
            st.session_state["standorte_plan"] = _plan(*params)
            st.session_state.pop("standorte_loaded", None)
            status.update(label=tr("Berechnung fertig", "Done"), state="complete")
        except (InputError, SolverError) as exc:
            st.session_state.pop("standorte_plan", None)
            status.update(label=tr("Keine Lösung", "No solution"), state="error")
            st.error(tr("Die Standortplanung ließ sich nicht rechnen:", "Siting failed:") + f"\n\n{exc}")

plan = st.session_state.get("standorte_loaded") or st.session_state.get("standorte_plan")


def pct(x) -> str:
    return "–" if x is None or pd.isna(x) else fmt_number(100 * float(x), 1) + " %"


def people(x) -> str:
    return "–" if x is None or pd.isna(x) else "≈ " + fmt_number(x)


def show_plan(plan) -> None:
    from sozialraum.charts.siting import k_curve_chart
    from sozialraum.maps.siting import plan_layers, siting_map

    s = plan.summary
    if st.session_state.get("standorte_loaded") is plan:
        st.info(tr(f"Gespeichertes Szenario „{st.session_state.get('standorte_loaded_name', '')}“",
                   "Saved scenario"))
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(tr("Zielgruppe in Reichweite", "Target group within reach"), pct(s.get("covered_share")),
              delta=None if s.get("covered_share_fixed_only") is None else
              f"+{fmt_number(100 * (s['covered_share'] - s['covered_share_fixed_only']), 1)} Prozentpunkte",
              help=tr("Anteil der Zielgruppe, der mindestens einen gewählten Standort in der Zeit erreicht; "
                      "Zuwachs gegenüber den festen Standorten allein.", "Share within reach; gain over fixed sites."))
    m2.metric(tr("Personen in Reichweite", "People within reach"), people(s.get("covered")),
              help=tr("Modellschätzung, auf Zehner gerundet.", "Model estimate, rounded to tens."))
    m3.metric(tr("Neue Standorte", "New sites"), fmt_number(s.get("n_new")))
    m4.metric(tr("Rechenzeit", "Solve time"), fmt_number(s.get("solve_seconds"), 2) + " s")
    if s.get("status") not in (None, "optimal"):
        st.warning(tr(f"Zeitlimit erreicht: Die Lösung ist womöglich nicht optimal (Lücke {pct(s.get('gap'))}).",
                      "Time limit reached: solution may not be optimal."))
    sites, service = plan_layers(plan)
    gdf = areas_web(plan.parameters.get("level", level))
    served = service.set_index("area_key").reindex(gdf["area_key"])
    m = siting_map(gdf, sites, service, radius_m=_radius(plan), basemap=setting("basemap"),
                   area_tooltip={tr("in Reichweite", "within reach"): [pct(v) for v in served["share"]],
                                 tr("Standort", "site"): [("–" if pd.isna(v) else f"Nr. {int(v)}")
                                                          for v in served["site"]]})
    show_map(m, key="standorte_map", height=600)
    st.subheader(tr("Warum diese Standorte?", "Why these sites?"))
    ex = plan.explanation.merge(sites[["id", "label", "type_label"]], on="id", how="left")
    st.dataframe(pd.DataFrame({
        tr("Nr.", "No."): ex["label"], tr("Standort", "Site"): ex["name"], tr("Art", "Type"): ex["type_label"],
        tr("erreicht (≈ Personen)", "reaches (≈ people)"): [people(v) for v in ex["covered"]],
        tr("Zugewinn (≈ Personen)", "marginal gain"): [people(v) for v in ex["marginal_gain"]],
        tr("Gebiete (≈ Personen)", "Areas (≈ people)"): ex["areas"],
        tr("Partnerangebote in Reichweite", "Partner services within reach"): ex["partners"],
    }), hide_index=True, width="stretch", key="standorte_table")
    left, right = st.columns([3, 2])
    with left:
        st.subheader(tr("Lohnt sich ein weiterer Standort? (k-Kurve)", "Is one more site worth it? (k-curve)"))
        st.plotly_chart(k_curve_chart(plan.k_curve, chosen_k=int(s.get("n_new") or 0),
                                      baseline=s.get("covered_share_fixed_only")),
                        width="stretch", key="standorte_kcurve", config=print_config("k-kurve"))
    with right:
        st.subheader(tr("Zugewinn je weiterem Standort", "Gain per extra site"))
        curve = plan.k_curve[plan.k_curve["k"] > 0]
        st.dataframe(pd.DataFrame({
            "k": curve["k"], tr("in Reichweite", "within reach"): [pct(v) for v in curve["covered_share"]],
            tr("Zugewinn (≈ Personen)", "gain (≈ people)"): [people(v) for v in curve["added"]],
        }), hide_index=True, width="stretch", key="standorte_kcurve_table")
    st.caption(tr("Alle Personenzahlen sind Modellschätzungen, auf Zehner gerundet; Gebiete mit gesperrten "
                  "Fallzahlen werden nicht beziffert.", "People figures are model estimates rounded to tens."))


def _radius(plan) -> float:
    from sozialraum.access.travel import model_from_settings

    return model_from_settings(plan.parameters.get("settings") or {}).radius_m(float(plan.parameters["budget_min"]))


if plan is not None:
    show_plan(plan)
    with st.form("standorte_save", clear_on_submit=True):
        c1, c2 = st.columns([3, 1])
        name = c1.text_input(tr("Szenario speichern unter", "Save scenario as"), key="standorte_name",
                             placeholder=tr("z. B. 3 Sprechstunden, 15 Minuten", "e.g. 3 offices, 15 min"))
        if c2.form_submit_button(tr("Speichern", "Save"), disabled=not can_write()):
            from sozialraum.siting import scenarios

            try:
                with writing(f"Szenario {name}") as wcon:
                    scenarios.save(wcon, name, plan)
                clear_caches()
                st.success(tr(f"Szenario „{name}“ gespeichert.", f"Scenario '{name}' saved."))
            except InputError as exc:
                st.error(str(exc))
elif not submitted:
    st.info(tr("Parameter wählen und „Standorte berechnen“ drücken.", "Choose parameters and press 'Compute sites'."))

scenario_section(con, target_labels)
