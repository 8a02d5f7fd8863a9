"""Seite „Mobile Beratung": ein Wochenplan für mobile Sprechstunden (``sozialraum.rota.plan.plan_rota``) als
Karte, Zeitplan und k-Kurve der Einsatztage, mit Downloads (CSV, iCalendar). Personenzahlen kommen gerundet und
geheimhaltungssicher aus dem Kern."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.common import (
    areas_web,
    data_version,
    fmt_number,
    get_con,
    level_select,
    period_select,
    setting_input,
    show_map,
    target_group_labels,
    tr,
)
from sozialraum.charts import print_config
from sozialraum.errors import InputError, SolverError
from sozialraum.services import VENUE_TYPES
from sozialraum.views import rota as rota_view

SETTING_NAMES = ("rota_session_min", "rota_slots", "rota_day_minutes", "rota_weekdays", "rota_bus_hours",
                 "rota_rural_detour", "rota_car_speed_kmh", "rota_bus_speed_kmh", "solver_time_limit_s")
RHYTHMS = {"weekly": tr("wöchentlich", "weekly"), "fortnightly": tr("14-täglich", "fortnightly")}


@st.cache_data(show_spinner=False, max_entries=8)
def _venue_kinds(version: str) -> dict[str, int]:
    from sozialraum.store import read

    counts = read.candidate_venues(get_con())["venue_type"].astype(str).value_counts()
    return {k: int(counts[k]) for k in sorted(counts.index, key=lambda k: VENUE_TYPES.get(k, k))}

st.title(tr("Mobile Beratung", "Mobile consultation"))
st.caption(tr("An welchen Wochentagen sollte ein mobiles Team wo Sprechstunden anbieten (Rathaus, Gemeindehaus, "
              "Bibliothek, Familienzentrum …), damit möglichst viele Menschen der Zielgruppe sie mit Bus oder zu "
              "Fuß erreichen – in der Arbeitszeit des Teams, Autofahrten vom Hauptstandort eingeschlossen?",
              "Where and on which weekdays should a mobile team hold consultations so that most of the target "
              "group can reach one by bus or on foot?"))
get_con()
level = level_select()
if level is None:
    st.stop()
target_labels = target_group_labels(level)

with st.sidebar.expander(tr("Zeiten und Wegemodell", "Times and travel model")):
    settings = {name: setting_input(name, st, key=f"rota_{name}") for name in SETTING_NAMES}

with st.container(border=True):
    c1, c2, c3, c4 = st.columns(4)
    target = c1.selectbox(tr("Zielgruppe", "Target group"), list(target_labels), key="rota_target",
                          format_func=lambda k: target_labels[k])
    staff_days = int(c2.number_input(tr("Einsatztage je Woche", "Team days per week"), min_value=1,
                                     max_value=int(settings["rota_weekdays"]), value=2, step=1,
                                     key="rota_staff_days"))
    bus_minutes = float(c3.number_input(tr("Höchstens Minuten mit Bus/zu Fuß", "Max. minutes by bus/on foot"),
                                        min_value=5, max_value=180, value=45, step=5, key="rota_bus_minutes"))
    rhythm = c4.radio(tr("Rhythmus", "Rhythm"), list(RHYTHMS), format_func=RHYTHMS.get, key="rota_rhythm",
                      horizontal=True)
    period = period_select(level, target, container=c1, key="rota_period")
    full_curve = c2.toggle(tr("k-Kurve bis zu allen Wochentagen (rechnet länger)",
                              "k-curve up to every weekday (slower)"), key="rota_full_curve")
    at_sites = c3.toggle(tr("Wer einen Jobcenter-Standort erreicht, gilt als versorgt",
                            "Reaching a Jobcenter site counts as served"), key="rota_served_by_sites",
                         help=tr("Gebiete, deren Menschen einen Jobcenter-Standort mit Bus oder zu Fuß in der "
                                 "angegebenen Zeit erreichen (zu den Sprechstundenzeiten), zählt der Plan nicht "
                                 "mit: die mobile Beratung sucht die übrigen.",
                                 "Areas that reach a Jobcenter site by bus/walk are left out of the objective."))
    kinds = _venue_kinds(data_version())
    venue_types = list(kinds) if not kinds else st.multiselect(tr("Welche Orte dürfen Sprechstunden aufnehmen?", "Which venues may host sessions?"),
                                 list(kinds), default=list(kinds), key="rota_venue_types",
                                 format_func=lambda k: f"{VENUE_TYPES.get(k, k)} ({kinds[k]})",
                                 help=tr("Arten möglicher Sprechstundenorte (Zahl in Klammern: Orte dieser Art).",
                                         "Kinds of candidate venues (count in brackets)."))
    if kinds and not venue_types:
        st.info(tr("Bitte mindestens eine Art von Orten wählen.", "Please choose at least one kind of venue."))
        st.stop()


# one view at a time (a radio, not tabs): a map mounted in a hidden tab keeps height 0 in the browser
VIEWS = {"plan": tr("Wochenplan", "Weekly rota"), "reach": tr("Erreichbarkeit ohne Auto", "Access without a car")}
shown = st.radio(tr("Ansicht", "View"), list(VIEWS), format_func=VIEWS.get, horizontal=True, key="rota_view",
                 label_visibility="collapsed")
if shown == "reach":
    from app_pages.rota_reach import reach_section

    reach_section(level, period, target, settings)

if shown == "plan":
    @st.cache_data(show_spinner=False, max_entries=8)
    def _plan(version: str, level: str, period: str | None, target: str, staff_days: int, bus_minutes: float,
              rhythm: str, settings_items: tuple, curve_max: int, venue_types: tuple | None,
              at_sites: bool = False):
        from sozialraum.rota.plan import plan_rota

        settings = dict(settings_items)
        return plan_rota(get_con(), level=level, period=period, target_indicator=target, staff_days=staff_days,
                         bus_minutes=bus_minutes, rhythm=rhythm, settings=settings,
                         k_curve_max=curve_max, venue_types=venue_types, served_by_sites=at_sites)


    try:
        with st.spinner(tr("Plan wird berechnet …", "Solving …")):
            plan = _plan(data_version(), level, period, target, staff_days, bus_minutes, rhythm,
                         tuple(sorted(settings.items())),
                         int(settings["rota_weekdays"]) if full_curve else staff_days,
                         None if set(venue_types) == set(kinds) else tuple(sorted(venue_types)), bool(at_sites))
    except (InputError, SolverError) as exc:
        st.warning(str(exc))
        st.stop()

    s = plan.summary
    st.info(tr(f"Wegezeiten: {s['travel']}", f"Travel times: {s['travel']}"))
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(tr("Zielgruppe erreichbar", "Target group reached"), fmt_number(100 * s["covered_share"], 0, " %"))
    m2.metric(tr("Personen (≈)", "People (≈)"), fmt_number(s["covered"]))
    m3.metric(tr("Sprechstunden je Woche", "Sessions per week"), str(s["n_sessions"]))
    m4.metric(tr("Einsatztage genutzt", "Team days used"), str(s["days_used"]))
    if s.get("served_by_sites"):
        st.caption(tr(f"Bereits versorgt (erreichen einen Jobcenter-Standort mit Bus/zu Fuß): {s['site_areas']} "
                      f"Gebiete, ≈ {fmt_number(s['site_people'])} Personen – der Anteil oben bezieht sich auf die "
                      "übrigen.", f"Already served by a Jobcenter site: {s['site_areas']} areas."))
    st.caption(tr(f"Start und Ende: {s['base']}. Rhythmus {RHYTHMS[rhythm]}. Personen auf Zehner gerundet; "
                  "gesperrte Kleinstzahlen gehen mit einem Ersatzwert ein und werden nicht ausgewiesen. "
                  f"Lösung: {s['status']}.",
                  f"Start and end: {s['base']}. People rounded to tens; suppressed counts enter as a stand-in."))

    sessions = plan.sessions


    @st.cache_resource(show_spinner=False, max_entries=8)
    def _map(version: str, level: str, _sessions: pd.DataFrame, days: int, sessions_key: str):
        from sozialraum.store.connection import metric_epsg
        from sozialraum.views.rota import rota_map

        return rota_map(areas_web(level), _sessions, metric_epsg=metric_epsg(get_con()))


    if sessions.empty:
        st.info(tr("Mit diesen Angaben passt keine Sprechstunde in die Arbeitszeit des Teams.",
                   "No session fits the team's hours with these inputs."))
    else:
        show_map(_map(data_version(), level, sessions, staff_days, sessions.to_json()), key="rota_map", height=520)
        st.caption(tr("Farbe: Zahl der Sprechstunden je Woche, die aus dem Gebiet mit Bus oder zu Fuß erreichbar "
                      "sind; weiß („keine Angabe“): keine. Rote Punkte: Orte der Sprechstunden.",
                      "Colour: sessions per week within reach by bus/walk; white: none. Red dots: session venues."))
        st.subheader(tr("Zeitplan", "Timetable"))
        st.dataframe(rota_view.timetable(plan), hide_index=True, use_container_width=True)
        st.dataframe(rota_view.day_table(plan), hide_index=True)

    st.subheader(tr("Was bringt jeder weitere Einsatztag?", "What does each extra team day add?"))
    st.plotly_chart(rota_view.k_chart(plan), use_container_width=True, config=print_config("rota_k_kurve"))
    with st.expander(tr("Was ist exakt, was nicht?", "What is exact, what is not?")):
        for line in rota_view.method_lines(plan):
            st.markdown(line)

    if not sessions.empty:
        from datetime import date, timedelta

        from sozialraum.cli.rota_cmd import timetable_csv
        from sozialraum.export.ics import rota_ics

        d1, d2 = st.columns(2)
        d1.download_button(tr("Zeitplan (CSV)", "Timetable (CSV)"), timetable_csv(plan), "mobile_beratung.csv",
                           "text/csv", key="rota_csv")
        ics = rota_ics(sessions, first_week=date.today() + timedelta(days=7), rhythm=rhythm, note=s["travel"])
        d2.download_button(tr("Teamkalender (.ics)", "Team calendar (.ics)"), ics.encode("utf-8"),
                           "mobile_beratung.ics", "text/calendar", key="rota_ics")
