"""Seite „Mobile Beratung": ein Wochenplan für mobile Sprechstunden (``sozialraum.rota.plan.plan_rota``) als
Karte, Zeitplan und k-Kurve der Einsatztage, mit Downloads (CSV, iCalendar). Personenzahlen kommen gerundet und
geheimhaltungssicher aus dem Kern."""

from __future__ import annotations

import numpy as np
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

SETTING_NAMES = ("rota_session_min", "rota_slots", "rota_day_minutes", "rota_weekdays", "rota_bus_hours",
                 "rota_rural_detour", "rota_car_speed_kmh", "rota_bus_speed_kmh", "solver_time_limit_s")
RHYTHMS = {"weekly": tr("wöchentlich", "weekly"), "fortnightly": tr("14-täglich", "fortnightly")}

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


tab_plan, tab_reach = st.tabs([tr("Wochenplan", "Weekly rota"), tr("Erreichbarkeit ohne Auto",
                                                                    "Access without a car")])
with tab_reach:
    from app_pages.rota_reach import reach_section

    reach_section(level, period, target, settings)

with tab_plan:
    @st.cache_data(show_spinner=False, max_entries=8)
    def _plan(version: str, level: str, period: str | None, target: str, staff_days: int, bus_minutes: float,
              rhythm: str, settings_items: tuple, curve_max: int):
        from sozialraum.rota.plan import plan_rota

        settings = dict(settings_items)
        return plan_rota(get_con(), level=level, period=period, target_indicator=target, staff_days=staff_days,
                         bus_minutes=bus_minutes, rhythm=rhythm, settings=settings,
                         k_curve_max=curve_max)


    try:
        with st.spinner(tr("Plan wird berechnet …", "Solving …")):
            plan = _plan(data_version(), level, period, target, staff_days, bus_minutes, rhythm,
                         tuple(sorted(settings.items())),
                         int(settings["rota_weekdays"]) if full_curve else staff_days)
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
    st.caption(tr(f"Start und Ende: {s['base']}. Rhythmus {RHYTHMS[rhythm]}. Personen auf Zehner gerundet; "
                  "gesperrte Kleinstzahlen gehen mit einem Ersatzwert ein und werden nicht ausgewiesen. "
                  f"Lösung: {s['status']}.",
                  f"Start and end: {s['base']}. People rounded to tens; suppressed counts enter as a stand-in."))

    sessions = plan.sessions


    @st.cache_resource(show_spinner=False, max_entries=8)
    def _map(version: str, level: str, _sessions: pd.DataFrame, days: int, sessions_key: str):
        sessions = _sessions
        import folium
        import geopandas as gpd

        from sozialraum.maps.access import fca_map
        from sozialraum.maps.points import point_features

        gdf = areas_web(level)
        served: dict[str, list[str]] = {}
        for r in sessions.itertuples(index=False):
            for name in str(r.villages).split("; ") if r.villages else []:
                served.setdefault(name, []).append(f"{r.weekday[:2]} {r.start} {r.venue}")
        values = np.array([len(served.get(n, [])) or np.nan for n in gdf["name"].astype(str)], dtype=float)
        tip = {tr("Sprechstunden", "Sessions"): [", ".join(served.get(n, [])) or "–" for n in gdf["name"].astype(str)]}
        m = fca_map(gdf, values, title=tr("Erreichbare Sprechstunden je Woche", "Sessions within reach per week"),
                    tooltip=tip, breaks=list(range(1, max(int(np.nanmax(values)) if np.isfinite(values).any() else 1,
                                                          1) + 1)))
        pts = gpd.GeoDataFrame(sessions, geometry=gpd.points_from_xy(sessions["x"], sessions["y"]),
                               crs=_metric_crs()).to_crs(4326)
        frame = pd.DataFrame({"lon": pts.geometry.x, "lat": pts.geometry.y})
        props = {"ort": sessions["venue"].astype(str).tolist(),
                 "art": [VENUE_TYPES.get(t, t) for t in sessions["venue_type"].astype(str)],
                 "zeit": [f"{w} {a}–{b}" for w, a, b in zip(sessions["weekday"], sessions["start"], sessions["end"])]}
        folium.GeoJson(point_features(frame, props), name=tr("Sprechstunden", "Sessions"),
                       marker=folium.CircleMarker(radius=8, weight=2, fill=True, fill_opacity=0.95),
                       style_function=lambda _f: {"fillColor": "#c0392b", "color": "#ffffff", "weight": 2},
                       tooltip=folium.GeoJsonTooltip(["ort", "art", "zeit"], aliases=["Ort", "Art", "Zeit"])).add_to(m)
        return m


    def _metric_crs() -> str:
        from sozialraum.store.connection import metric_epsg

        return f"EPSG:{metric_epsg(get_con())}"


    if sessions.empty:
        st.info(tr("Mit diesen Angaben passt keine Sprechstunde in die Arbeitszeit des Teams.",
                   "No session fits the team's hours with these inputs."))
    else:
        show_map(_map(data_version(), level, sessions, staff_days, sessions.to_json()), key="rota_map", height=520)
        st.caption(tr("Farbe: Zahl der Sprechstunden je Woche, die aus dem Gebiet mit Bus oder zu Fuß erreichbar "
                      "sind; weiß („keine Angabe“): keine. Rote Punkte: Orte der Sprechstunden.",
                      "Colour: sessions per week within reach by bus/walk; white: none. Red dots: session venues."))
        st.subheader(tr("Zeitplan", "Timetable"))
        st.dataframe(pd.DataFrame({
            tr("Wochentag", "Weekday"): sessions["weekday"], tr("Beginn", "Start"): sessions["start"],
            tr("Ende", "End"): sessions["end"], tr("Ort", "Venue"): sessions["venue"],
            tr("Art", "Type"): [VENUE_TYPES.get(t, t) for t in sessions["venue_type"].astype(str)],
            tr("erreichbar aus", "Reachable from"): sessions["villages"],
            tr("Personen (≈)", "People (≈)"): [fmt_number(v) for v in sessions["people"]],
        }), hide_index=True, use_container_width=True)
        st.dataframe(pd.DataFrame({
            tr("Wochentag", "Weekday"): plan.days["weekday"], tr("Abfahrt", "Depart"): plan.days["depart"],
            tr("Rückkehr", "Back"): plan.days["back"], tr("Arbeitszeit (min)", "Work (min)"): plan.days["work_min"],
            tr("davon Fahrt (min)", "Driving (min)"): plan.days["drive_min"]}), hide_index=True)

    st.subheader(tr("Was bringt jeder weitere Einsatztag?", "What does each extra team day add?"))
    from sozialraum.charts.siting import k_curve_chart

    fig = k_curve_chart(plan.k_curve.rename(columns={"staff_days": "k"}), chosen_k=staff_days)
    fig.update_xaxes(title=tr("Einsatztage je Woche", "Team days per week"))
    st.plotly_chart(fig, use_container_width=True, config=print_config("rota_k_kurve"))

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
