"""Seite „Standortplanung": k neue Außenstellen/Sprechstunden in bestehenden Orten wählen, erklären, speichern
und vergleichen (``sozialraum.siting.plan.plan_sites``, Szenarien in DuckDB)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.common import (
    areas_web, can_write, clear_caches, data_version, fmt_number, get_con, level_select, period_select,
    setting_input, target_group_labels, threshold, tr, writing,
)
from app_pages.standorte_scenarios import MODEL_LABELS, scenario_section
from app_pages.standorte_whatif import prepare as prepare_whatif
from app_pages.standorte_whatif import changed_by_hand, hand_plan, whatif_map
from sozialraum.charts import print_config
from sozialraum.errors import InputError, SolverError
from sozialraum.services import VENUE_TYPES
from sozialraum.views.scenario import caseload_frames

SETTING_NAMES = ("travel_mode", "detour_factor", "walking_speed_kmh", "cycling_speed_kmh", "car_speed_kmh",
                 "demand_grid_m", "solver_time_limit_s", "pmedian_nearest",
                 "max_new_sites")
CAPACITY_SETTINGS = ("site_hours_outreach", "site_hours_jobcenter", "cases_per_hour", "contacts_per_person_year",
                     "working_weeks", "outreach_uptake_pct")

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
          venue_types: tuple, barrier_free: bool, fix_jobcenters: bool, settings_items: tuple, groups: tuple = ()):
    from sozialraum.siting.plan import plan_sites

    return plan_sites(get_con(), level=level, period=period, target_indicator=target, budget_min=budget, k=k,
                      model=model, venue_types=list(venue_types) or None, barrier_free_only=barrier_free,
                      fix_jobcenters=fix_jobcenters, settings=dict(settings_items), caseload_groups=list(groups))


with st.sidebar.expander(tr("Weg- und Rechenmodell", "Travel and solver model")):
    settings = {name: setting_input(name, st, key=f"standorte_{name}") for name in SETTING_NAMES}
with st.sidebar.expander(tr("Kapazität und Fallzahlen", "Capacity and caseload")):
    settings |= {name: setting_input(name, st, key=f"standorte_{name}") for name in CAPACITY_SETTINGS}
    settings["suppression_threshold"] = threshold()  # a stricter rule chosen in the app holds for the plan too

NO_VENUES = (("Keine Kandidatenorte geladen — auf der Seite „Daten“ eine Punktliste „Kandidatenorte“ "
              "(z. B. Bibliotheken, Stadtteilzentren) hochladen; dann lassen sich hier Standorte wählen."),
             "No candidate venues loaded — upload a point list 'candidate venues' on the page 'Data'.")
present_venues = _venue_types(data_version())
if not present_venues:
    st.warning(tr(*NO_VENUES))
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

if submitted and not present_venues:
    st.session_state.pop("standorte_plan", None)
    st.error(tr(*NO_VENUES))
elif submitted:
    import time

    params = (data_version(), level, period, target, float(budget), int(k), model, tuple(venue_types),
              bool(barrier_free), bool(fix_jobcenters), tuple(sorted(settings.items())),
              tuple(g for g in target_labels if g != target))
    with st.status(tr("Standorte werden berechnet …", "Computing sites …"), expanded=False) as status:
        st.write(tr("Nachfragepunkte, Wege und Optimierungsmodell (HiGHS) …", "Demand, travel, HiGHS model …"))
        try:
            started = time.perf_counter()  # the whole call, as the planner waits for it (a cached plan: ~0 s)
            st.session_state["standorte_plan"] = _plan(*params)
            prepare_whatif(st.session_state["standorte_plan"])  # its map's reach polygons: part of the wait
            st.session_state["standorte_waited"] = time.perf_counter() - started
            st.session_state.pop("standorte_loaded", None)
            waited_text = fmt_number(st.session_state["standorte_waited"], 1)
            status.update(label=tr("Berechnung fertig", "Done") + f" ({waited_text} s)", state="complete")
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
    from sozialraum.maps.siting import plan_layers

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
    waited = st.session_state.get("standorte_waited")
    if st.session_state.get("standorte_loaded") is not plan and waited is not None:
        timings = plan.extra.get("timings", {})
        m4.metric(tr("Wartezeit", "Waiting time"), fmt_number(waited, 1) + " s",
                  help=tr("Die ganze Berechnung, wie sie beim Klick gedauert hat (Daten, Wege, Optimierung, "
                          f"k-Kurve, Erklärung, Einzugsbereiche der Karte); davon k-Kurve {fmt_number(timings.get('k_curve_s', 0), 1)} s, "
                          f"Optimierung {fmt_number(timings.get('solve_s', 0), 1)} s. Ein schon einmal "
                          "gerechneter Plan kommt aus dem Zwischenspeicher.",
                          "The whole computation as the user waited for it."))
    else:
        m4.metric(tr("Wartezeit", "Waiting time"), "–", help=tr("Gespeichertes Szenario: nicht neu gerechnet.",
                                                               "Saved scenario: not recomputed."))
    if s.get("status") not in (None, "optimal"):
        st.warning(tr(f"Zeitlimit erreicht: Die Lösung ist womöglich nicht optimal (Lücke {pct(s.get('gap'))}).",
                      "Time limit reached: solution may not be optimal."))
    sites, _ = plan_layers(plan)
    view = whatif_map(plan, _plan_key(plan), areas_web(plan.parameters.get("level", level)))
    st.subheader(tr("Warum diese Standorte?", "Why these sites?"))
    ex = plan.explanation.merge(sites[["id", "label", "type_label"]], on="id", how="left")
    marks = st.session_state.get("standorte_stability", {}).get(_plan_key(plan))
    table = pd.DataFrame({
        tr("Nr.", "No."): ex["label"], tr("Standort", "Site"): ex["name"], tr("Art", "Type"): ex["type_label"],
        tr("erreicht (≈ Personen)", "reaches (≈ people)"): [people(v) for v in ex["covered"]],
        tr("Zugewinn (≈ Personen)", "marginal gain"): [people(v) for v in ex["marginal_gain"]],
        tr("Gebiete (≈ Personen)", "Areas (≈ people)"): ex["areas"],
        tr("Partnerangebote in Reichweite", "Partner services within reach"): ex["partners"],
    })
    if marks is not None:
        got = marks.set_index("id")
        table.insert(3, tr("Stabilität", "Stability"), [
            f"{got.loc[i, 'mark']} ({int(got.loc[i, 'n_kept'])}/{int(got.loc[i, 'n_variants'])})"
            if i in got.index and got.loc[i, "mark"] != "fest" else ("fest" if i in got.index else "–")
            for i in ex["id"]])
    st.dataframe(table, hide_index=True, width="stretch", key="standorte_table")
    if st.button(tr("Stabilität prüfen (Zeitbudget ± 5 min, anderes Verkehrsmittel, frühere Stichtage)",
                    "Check stability"),
                 key="standorte_stability_run"):
        from sozialraum.siting.robust import stability_for_store

        with st.spinner(tr("Varianten werden gerechnet …", "Computing variants …")):
            marks, chosen = stability_for_store(get_con(), plan)
        st.session_state.setdefault("standorte_stability", {})[_plan_key(plan)] = marks
        st.session_state["standorte_stability_runs"] = chosen
        st.rerun()
    if marks is not None:
        runs = st.session_state.get("standorte_stability_runs", {})
        st.caption(tr("Stabilität: in wie vielen Varianten der Standort wieder gewählt wird — „stabil“ in allen, "
                      "„meist“ in mindestens der Hälfte, „unsicher“ in weniger. Varianten: ", "Stability: ")
                   + (", ".join(runs) if runs else tr("keine rechenbar", "none")) + ".")
    left, right = st.columns([3, 2])
    with left:
        st.subheader(tr("Lohnt sich ein weiterer Standort? (k-Kurve)", "Is one more site worth it? (k-curve)"))
        by_hand = view.result
        moved = set(view.sites["id"].astype(str)) != set(plan.sites["id"].astype(str))
        st.plotly_chart(k_curve_chart(plan.k_curve, chosen_k=int(s.get("n_new") or 0),
                                      baseline=s.get("covered_share_fixed_only"),
                                      whatif=(by_hand.n_new, by_hand.covered_share) if moved else None),
                        width="stretch", key="standorte_kcurve", config=print_config("k-kurve"))
    with right:
        st.subheader(tr("Zugewinn je weiterem Standort", "Gain per extra site"))
        curve = plan.k_curve[plan.k_curve["k"] > 0]
        st.dataframe(pd.DataFrame({
            "k": curve["k"], tr("in Reichweite", "within reach"): [pct(v) for v in curve["covered_share"]],
            tr("Zugewinn (≈ Personen)", "gain (≈ people)"): [people(v) for v in curve["added"]],
        }), hide_index=True, width="stretch", key="standorte_kcurve_table")
        if moved:
            st.caption(tr("Raute: die Auswahl von Hand auf der Karte (unter der Kurve um ihren Abstand zum Optimum).",
                          "Diamond: the selection made by hand on the map."))
    show_fairness(plan)
    show_caseload(plan)
    st.caption(tr("Alle Personenzahlen sind Modellschätzungen, auf Zehner gerundet; Gebiete mit gesperrten "
                  "Fallzahlen werden nicht beziffert. Gerechnet wird nur mit veröffentlichten Fallzahlen: Ein "
                  "gesperrtes Gebiet zählt mit dem veröffentlichten Rest seines übergeordneten Gebiets (gleich "
                  "verteilt) oder einem festen Ersatzwert, nie mit der gesperrten Zahl.",
                  "People figures are model estimates rounded to tens. Only published counts are used: a "
                  "suppressed area counts with a stand-in derived from published figures, never its own count."))


def _plan_key(plan) -> str:
    import hashlib

    return hashlib.sha1(plan.to_json().encode()).hexdigest()


def show_fairness(plan) -> None:
    fair = plan.fairness
    if fair is None or fair.empty:
        st.caption(tr("Gerechtigkeit der Reichweite: Für diese Ebene gibt es keinen Sozialindex (Statusklassen).",
                      "Fairness of reach: no need index for this level."))
        return
    st.subheader(tr("Erreicht der Plan die Gebiete mit dem größten Bedarf?", "Does the plan reach the areas in need?"))
    c1, c2 = st.columns([3, 1])
    c1.dataframe(pd.DataFrame({
        tr("Statusklasse (Sozialindex)", "Status class"): fair["status_class"],
        tr("Zielgruppe (≈ Personen)", "target group (≈ people)"): [people(v) for v in fair["target"]],
        tr("in Reichweite (≈ Personen)", "within reach (≈ people)"): [people(v) for v in fair["within_reach"]],
        tr("Anteil in Reichweite", "share within reach"): [pct(v) for v in fair["share"]],
    }), hide_index=True, width="stretch", key="standorte_fairness")
    ci = plan.summary.get("concentration_index")
    c2.metric(tr("Konzentrationsindex", "Concentration index"), "–" if ci is None else fmt_number(ci, 2),
              help=tr("Wie stark die Reichweite den Bedarf (Status-Index des Sozialindex, Stichtag "
                      f"{plan.summary.get('need_period')}) nachzeichnet: +1 = nur die Menschen in den "
                      "bedürftigsten Gebieten erreicht, 0 = unabhängig vom Bedarf, −1 = nur die in den "
                      "am wenigsten bedürftigen.", "Reach over the need ranking: +1 neediest only, 0 none."))


def show_caseload(plan) -> None:
    load = plan.caseload
    if load is None or load.empty:
        return
    st.subheader(tr("Erwartete Fallzahlen je Standort", "Expected caseload per site"))
    st.caption(tr("Je Standort: Personen der Zielgruppe, die ihn als nächsten gewählten Standort in der Zeit "
                  "erreichen (beim Modell mit Kapazität: die Zuordnung im Rahmen der Sprechstunden), die erwarteten "
                  "Fälle (an Außenstellen nur der Anteil „Inanspruchnahme einer Außenstelle“), die Beratungsstunden "
                  "je Woche, die daraus folgen, und die Auslastung (Einstellungen unter „Kapazität und Fallzahlen“). "
                  "Grundlage für Personal- und Kostenplanung nach Zielgruppen.",
                  "People in reach, expected cases, staff hours and utilisation per site."))
    table, over = caseload_frames(plan, con)
    if over:
        st.warning(tr("Über der Kapazität: ", "Over capacity: ") + ", ".join(over) + tr(
            " — mehr Sprechstunden oder ein weiterer Standort in der Nähe.", " — more hours or another site nearby."))
    st.dataframe(table, hide_index=True, width="stretch", key="standorte_caseload")


if plan is not None:
    show_plan(plan)
    with st.form("standorte_save", clear_on_submit=True):
        by_hand = changed_by_hand(plan) and st.checkbox(
            tr("die Auswahl von Hand auf der Karte speichern (sonst den berechneten Plan)",
               "save the selection made by hand on the map (else the computed plan)"), value=True,
            key="standorte_save_by_hand")
        c1, c2 = st.columns([3, 1])
        name = c1.text_input(tr("Szenario speichern unter", "Save scenario as"), key="standorte_name",
                             placeholder=tr("z. B. 3 Sprechstunden, 15 Minuten", "e.g. 3 offices, 15 min"))
        if c2.form_submit_button(tr("Speichern", "Save"), disabled=not can_write()):
            from sozialraum.siting import scenarios

            try:
                chosen = hand_plan(plan) if by_hand else plan
                with writing(f"Szenario {name}") as wcon:
                    scenarios.save(wcon, name, chosen)
                clear_caches()
                st.success(tr(f"Szenario „{name}“ gespeichert.", f"Scenario '{name}' saved."))
            except InputError as exc:
                st.error(str(exc))
elif not submitted:
    st.info(tr("Parameter wählen und „Standorte berechnen“ drücken.", "Choose parameters and press 'Compute sites'."))

scenario_section(con, target_labels)
