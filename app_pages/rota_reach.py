"""Section „Erreichbarkeit ohne Auto" of the page „Mobile Beratung": per area the share of the target group within
X minutes by car and Y minutes by bus/walk to a Jobcenter site or service, and the people without car-free access
(``sozialraum.access.rural.rural_reach_for_store``; figures rounded and confidentiality-safe in the library)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from app_pages.common import (
    areas_web,
    data_version,
    fmt_number,
    get_con,
    setting_input,
    show_map,
    tr,
)

SITES = {"jobcenter": tr("Jobcenter-Standorte", "Jobcenter sites"), "all": tr("Jobcenter und alle Angebote",
                                                                               "Jobcenter and all services")}


@st.cache_data(show_spinner=False, max_entries=8)
def _reach(version: str, level: str, period: str | None, target: str, sites: str, settings_items: tuple):
    from sozialraum.access.rural import rural_reach_for_store

    return rural_reach_for_store(get_con(), level, period, target, sites=sites, settings=dict(settings_items))


@st.cache_resource(show_spinner=False, max_entries=8)
def _map(version: str, level: str, _out: pd.DataFrame, key: str):
    from sozialraum.maps.access import fca_map

    gdf = areas_web(level)
    by_key = _out.set_index("area_key")
    share = gdf["area_key"].astype(str).map(by_key["transit_share"]).to_numpy(dtype=float)
    tip = {tr("mit dem Auto", "by car"): [_pct(v) for v in gdf["area_key"].astype(str).map(by_key["car_share"])],
           tr("mit Bus/zu Fuß", "by bus/walk"): [_pct(v) for v in share],
           tr("ohne Auto nicht erreichbar (≈)", "no car-free access (≈)"):
               [fmt_number(v) for v in gdf["area_key"].astype(str).map(by_key["no_car_free"])]}
    return fca_map(gdf, share, title=tr("Anteil mit Bus/zu Fuß erreichbar", "Share reachable by bus/walk"),
                   tooltip=tip, breaks=[0.25, 0.5, 0.75, 1.0])


def _pct(v) -> str:
    return "–" if v is None or not np.isfinite(v) else fmt_number(100 * float(v), 0, " %")


def reach_section(level: str, period: str | None, target: str, settings: dict) -> None:
    from sozialraum.errors import InputError

    c1, c2, c3 = st.columns(3)
    car_min = setting_input("rural_car_min", c1, key="rural_car_min")
    transit_min = setting_input("rural_transit_min", c2, key="rural_transit_min")
    sites = c3.radio(tr("Ziel", "Destination"), list(SITES), format_func=SITES.get, key="rural_sites")
    with st.expander(tr("Zeitpunkt der Busfahrt (gilt, wo ein Fahrplan geladen ist)",
                        "Time of the bus trip (where a timetable is loaded)")):
        d1, d2 = st.columns(2)
        weekday = setting_input("transit_weekday", d1, key="rural_transit_weekday")
        depart = setting_input("transit_depart", d2, key="rural_transit_depart")
    items = dict(settings, rural_car_min=car_min, rural_transit_min=transit_min, transit_weekday=weekday,
                 transit_depart=depart)
    try:
        out = _reach(data_version(), level, period, target, sites, tuple(sorted(items.items())))
    except InputError as exc:
        st.warning(str(exc))
        return
    labels = f"{out.attrs['car_label']}; {out.attrs['transit_label']}"
    estimate = "Luftlinie" in labels
    st.info(tr(f"Wegezeiten: {labels}." + (" Wo Straßennetz oder Fahrplan fehlen, sind das Schätzungen (Luftlinie "
                                           "× ländlicher Umwegfaktor; Bus: Durchschnittstempo, Busverkehr zur "
                                           "Sprechstundenzeit angenommen)." if estimate else ""),
               f"Travel: {labels}." + (" Straight-line estimates where no network exists." if estimate else "")))
    k = out.attrs["kreis"]
    m1, m2, m3 = st.columns(3)
    m1.metric(tr(f"mit dem Auto in {car_min:g} min", f"by car within {car_min:g} min"), _pct(k["car_share"]))
    m2.metric(tr(f"mit Bus/zu Fuß in {transit_min:g} min", f"by bus/walk within {transit_min:g} min"),
              _pct(k["transit_share"]))
    m3.metric(tr("ohne Auto nicht erreichbar (≈ Personen)", "no car-free access (≈ people)"),
              fmt_number(k["no_car_free"]))
    show_map(_map(data_version(), level, out, out.to_json()), key="rural_map", height=480)
    table = out.sort_values("no_car_free", ascending=False)
    st.dataframe(pd.DataFrame({
        tr("Gebiet", "Area"): table["name"], tr("Zielgruppe (≈)", "Target group (≈)"): [fmt_number(v) for v in
                                                                                       table["people"]],
        tr("Auto", "Car"): [_pct(v) for v in table["car_share"]],
        tr("Bus/zu Fuß", "Bus/walk"): [_pct(v) for v in table["transit_share"]],
        tr("ohne Auto nicht erreichbar (≈)", "No car-free access (≈)"): [fmt_number(v) for v in table["no_car_free"]],
        tr("geschätzt", "estimated"): [tr("ja (Zahl gesperrt)", "yes (suppressed)") if e else "" for e in
                                       table["estimated"]]}), hide_index=True, use_container_width=True)
    st.caption(tr("Personen auf Zehner, Anteile auf ganze Prozent gerundet. Gebiete mit gesperrter Zahl gehen mit "
                  "einem Ersatzwert ein; ihre Zahlen sagen nichts über die echte Fallzahl.",
                  "People rounded to tens, shares to whole percent; suppressed areas enter with a stand-in."))
