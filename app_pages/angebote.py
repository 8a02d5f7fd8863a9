"""Seite „Angebote & Erreichbarkeit": Angebote nach Art mit Filtern, Einzugsbereiche, Abdeckung je Angebotsart,
2SFCA-Karte und die Rangliste der „weißen Flecken" (hoher Bedarf, schlechte Erreichbarkeit)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import angebote_data as data
from app_pages.common import (
    areas_web, fmt_number, indicators, level_select, open_profile, palette_name, period_select, providers, setting,
    setting_input, show_map, target_group_labels, threshold, tr,
)
from sozialraum.charts import print_config
from sozialraum.errors import InputError, SolverError
from sozialraum.maps.access import fca_map, provider_map
from sozialraum.services import COOPERATION_FORMS, SERVICE_TYPES

VIEWS = {
    "karte": ("Karte der Angebote", "Map of services"),
    "abdeckung": ("Abdeckung je Angebotsart", "Coverage by type"),
    "fca": ("Versorgung je Gebiet (2SFCA)", "Supply per area (2SFCA)"),
    "flecken": ("Weiße Flecken", "Blind spots"),
}
NO_VALUE = "(ohne Angabe)"
MAX_CATCHMENT_TYPES = 3
CIRCLE_WORDS = {"bike": "Radfahrt", "car": "Autofahrt", "transit": "ÖPNV"}  # legend of straight-line circles
NEED_GAP_BREAKS = (0.05, 0.15, 0.3, 0.5, 1.0)  # need × gap lies in 0..1

st.title(tr("Angebote & Erreichbarkeit", "Services & access"))
level = level_select()
if level is None:
    st.stop()
target_labels = target_group_labels(level)
target = st.sidebar.selectbox(tr("Zielgruppe", "Target group"), list(target_labels), key="angebote_target",
                              index=list(target_labels).index("rlb") if "rlb" in target_labels else 0,
                              format_func=target_labels.get)
period = period_select(level, target)
mode = setting_input("travel_mode", st.sidebar, key="angebote_mode")
budget = setting_input("travel_budget_min", st.sidebar, key="angebote_budget")
with st.sidebar.expander(tr("Wegmodell", "Travel model")):
    settings = {name: setting_input(name, st, key=f"angebote_{name}")
                for name in ("detour_factor", "walking_speed_kmh", "cycling_speed_kmh", "car_speed_kmh",
                             "transit_weekday", "transit_depart", "transit_max_walk_m", "demand_grid_m")}
settings["travel_mode"] = mode
settings["suppression_threshold"] = threshold()  # a stricter rule chosen in the app holds for reach figures too

all_providers = providers()
if all_providers.empty:
    st.info(tr("Es sind noch keine Angebote geladen. Auf der Seite „Daten“ lässt sich eine Punktliste "
               "(Beratungsstellen, Kitas, Treffpunkte …) hochladen.",
               "No services loaded yet. Upload a point list on the page 'Data'."))
    st.stop()
with st.expander(tr("Filter", "Filters"), expanded=True):
    c1, c2, c3, c4 = st.columns([3, 2, 2, 1.3])
    present = [t for t in SERVICE_TYPES if t in set(all_providers["service_type"])]
    types = c1.multiselect(tr("Angebotsart", "Service type"), present, key="angebote_types",
                           format_func=lambda t: SERVICE_TYPES.get(t, t), placeholder=tr("alle", "all"))
    verbaende = c2.multiselect(tr("Träger / Dachverband", "Umbrella association"),
                               sorted(all_providers["dachverband"].fillna(NO_VALUE).unique()), key="angebote_verband",
                               placeholder=tr("alle", "all"))
    coops = c3.multiselect(tr("Kooperationsform", "Cooperation form"),
                           sorted(all_providers["kooperation"].fillna(NO_VALUE).unique()),
                           format_func=lambda k: COOPERATION_FORMS.get(k, k), key="angebote_koop",
                           placeholder=tr("alle", "all"))
    barrier_free = c4.toggle(tr("nur barrierefrei", "barrier-free only"), key="angebote_bf")
flt = data.ProviderFilter(tuple(types) if types else None, tuple(verbaende), tuple(coops), bool(barrier_free))
shown = data.filter_providers(all_providers, flt)
travel = data._travel(tuple(sorted(settings.items())))
radius_m = travel.radius_m(float(budget))
if radius_m is not None:
    no_net = tr(" – kein Straßennetz gebaut", " – no street network built") if mode != "luftlinie" else ""
    st.caption(tr(f"{len(shown)} von {len(all_providers)} Angeboten · {fmt_number(budget)} Minuten "
                  f"≈ {fmt_number(radius_m)} m Luftlinie (Umwegfaktor {fmt_number(settings['detour_factor'], 2)}, "
                  f"{fmt_number(travel.speed_kmh, 1)} km/h){no_net}",
                  f"{len(shown)} of {len(all_providers)} services · {budget:g} min ≈ {radius_m:,.0f} m "
                  f"straight line{no_net}"))
else:
    st.caption(tr(f"{len(shown)} von {len(all_providers)} Angeboten · {fmt_number(budget)} Minuten auf dem "
                  f"{travel.label}" + ("" if travel.info.fictional else " · Daten: © OpenStreetMap-Mitwirkende"),
                  f"{len(shown)} of {len(all_providers)} services · {budget:g} min on the street network "
                  f"({mode}) · data: © OpenStreetMap contributors"))
view = st.radio(tr("Ansicht", "View"), list(VIEWS), format_func=lambda v: tr(*VIEWS[v]), horizontal=True,
                key="angebote_view")


def pct(x) -> str:
    return "–" if pd.isna(x) else fmt_number(100 * float(x), 1) + " %"


def people(x) -> str:
    return tr("gesperrt", "suppressed") if pd.isna(x) else "≈ " + fmt_number(x)


try:
    if view == "karte":

        n_types = shown["service_type"].nunique()
        catchments = st.toggle(tr("Einzugsbereiche zeigen", "Show catchments"), value=True, key="angebote_catch")
        if catchments and n_types > MAX_CATCHMENT_TYPES:
            st.caption(tr(f"Einzugsbereiche werden gezeigt, wenn höchstens {MAX_CATCHMENT_TYPES} Angebotsarten "
                          "gewählt sind (sonst überdecken sie die Karte).",
                          f"Catchments are drawn for at most {MAX_CATCHMENT_TYPES} service types."))
        draw = catchments and n_types <= MAX_CATCHMENT_TYPES
        net_catchments = data.catchments(level, period, target, flt, budget, settings) \
            if draw and radius_m is None else None
        osm_credit = radius_m is None and not travel.info.fictional
        m = provider_map(areas_web(level), shown, radius_m=radius_m if draw else None, budget_min=float(budget),
                         basemap=setting("basemap"), catchments=net_catchments,
                         mode_word=CIRCLE_WORDS.get(setting("travel_mode"), "Fußweg"),
                         attribution="Wege: © OpenStreetMap-Mitwirkende" if osm_credit else "")
        show_map(m, key="angebote_map")
        with st.expander(tr("Liste der Angebote", "List of services")):
            st.dataframe(pd.DataFrame({
                tr("Name", "Name"): shown["name"],
                tr("Angebotsart", "Type"): shown["service_type"].map(SERVICE_TYPES),
                tr("Träger", "Operator"): shown["traeger"], tr("Dachverband", "Umbrella"): shown["dachverband"],
                tr("Kooperation", "Cooperation"): shown["kooperation"].map(COOPERATION_FORMS),
                tr("Barrierefrei", "Barrier-free"): shown["barrier_free"].map({True: "ja", False: "nein"}),
                tr("Kapazität", "Capacity"): shown["capacity"], tr("Adresse", "Address"): shown["address"],
            }), hide_index=True, width="stretch")
    elif view == "abdeckung":
        from sozialraum.charts.access import coverage_bar

        with st.spinner(tr("Abdeckung wird berechnet …", "Computing coverage …")):
            cov = data.coverage(level, period, target, flt, float(budget), settings)
        city = cov.city
        st.plotly_chart(coverage_bar(city, label="service_label", budget_min=float(budget)),
                        width="stretch", key="angebote_cov_chart",
                        config=print_config("abdeckung"))
        st.dataframe(pd.DataFrame({
            tr("Angebotsart", "Type"): city["service_label"], tr("Angebote", "Services"): city["n_providers"],
            tr("Zielgruppe (gerundet)", "Target group (rounded)"): [people(v) for v in city["target"]],
            tr("davon in Reichweite", "within reach"): [people(v) for v in city["covered"]],
            tr("Anteil", "Share"): [pct(v) for v in city["share"]],
        }), hide_index=True, width="stretch")
        with st.expander(tr("Abdeckung je Gebiet", "Coverage per area")):
            per = cov.per_area
            st.dataframe(pd.DataFrame({
                tr("Gebiet", "Area"): per["name"], tr("Angebotsart", "Type"): per["service_label"],
                tr("Zielgruppe", "Target group"): [people(v) for v in per["target"]],
                tr("in Reichweite", "within reach"): [people(v) for v in per["covered"]],
                tr("Anteil", "Share"): [pct(v) for v in per["share"]],
            }), hide_index=True, width="stretch")
    elif view == "fca":

        options = list(flt.types) if flt.types else present
        stype = st.selectbox(tr("Angebotsart für die Versorgungskarte", "Service type"), options,
                             index=options.index("kita") if "kita" in options else 0, key="angebote_fca_type",
                             format_func=lambda t: SERVICE_TYPES.get(t, t))
        with st.spinner(tr("Versorgung wird berechnet …", "Computing supply …")):
            fr = data.fca(level, period, target, flt, stype, float(budget), settings)
        method = fr["method"].iloc[0] if len(fr) else "anzahl"
        unit = fr["capacity_unit"].dropna().iloc[0] if fr["capacity_unit"].notna().any() else "Kapazität"
        label = (tr(f"{unit} je 100 {target_labels[target]}", f"{unit} per 100 target group")
                 if method == "2sfca" else tr("erreichbare Angebote (Mittel)", "reachable services (mean)"))
        if method != "2sfca":
            st.info(tr("Nicht für alle Angebote dieser Art ist eine Kapazität bekannt – gezeigt wird deshalb die "
                       "mittlere Zahl erreichbarer Angebote statt des 2SFCA-Verhältnisses.",
                       "Capacities unknown: showing the mean number of reachable services."))
        gdf = areas_web(level)
        values = fr.set_index("area_key")["value"].reindex(gdf["area_key"]).to_numpy(dtype="float64")
        city_value = fr.loc[fr["area_key"].isna(), "value"]
        m = fca_map(gdf, values, title=label, palette=palette_name(), basemap=setting("basemap"),
                    tooltip={label: [fmt_number(v, 1) for v in values]},
                    providers=shown[shown["service_type"] == stype])
        clicked = show_map(m, key="angebote_fca_map")
        if clicked:
            open_profile(clicked, level)
        if len(city_value):
            st.caption(tr(f"Stadt insgesamt: {fmt_number(city_value.iloc[0], 1)} {label}",
                          f"City: {city_value.iloc[0]:.1f} {label}"))
        with st.expander(tr("Gebiete nach Versorgung (schlechteste zuerst)", "Areas by supply (worst first)")):
            per_area = fr[fr["area_key"].notna()].sort_values("value", na_position="last")
            st.dataframe(pd.DataFrame({tr("Gebiet", "Area"): per_area["name"],
                                       label: [fmt_number(v, 1) for v in per_area["value"]]}),
                         hide_index=True, width="stretch")
    else:
        from sozialraum.charts.access import need_gap_scatter

        need_options = {"status_index": tr("Sozialindex (MSS-Status)", "Need index (MSS status)")}
        available = indicators(level)
        rates = available[available["kind"] == "rate"]
        need_options.update({r.indicator: tr(r.label_de, r.label_en) for r in rates.itertuples()})
        need = st.selectbox(tr("Bedarf gemessen an", "Need measured by"), list(need_options),
                            format_func=need_options.get, key="angebote_need")
        if flt.types is None:
            st.caption(tr("Gezählt werden alle Angebote. Für eine bestimmte Hilfe (z. B. Schuldnerberatung) oben "
                          "die Angebotsart wählen.", "All services count; choose a type above to narrow it."))
        with st.spinner(tr("Bedarf und Erreichbarkeit werden verglichen …", "Comparing need and access …")):
            ranking = data.need_gap(level, period, target, flt, need, float(budget), settings)
        ranked = ranking.dropna(subset=["rank"]).sort_values("rank")
        n_spots = int(ranked["weisser_fleck"].sum())
        st.markdown(tr(f"**{n_spots} weiße Flecken**: Gebiete im oberen Fünftel des Bedarfs, in denen weniger als "
                       f"die Hälfte der Zielgruppe ein ausgewähltes Angebot in {fmt_number(budget)} Minuten erreicht.",
                       f"**{n_spots} blind spots**: top-fifth need, less than half within reach."))
        st.dataframe(pd.DataFrame({
            tr("Rang", "Rank"): ranked["rank"].astype(int), tr("Gebiet", "Area"): ranked["name"],
            tr("Bedarf", "Need"): [fmt_number(v, 2) for v in ranked["need"]],
            tr("in Reichweite", "within reach"): [pct(v) for v in ranked["coverage_share"]],
            tr("nicht erreicht (≈ Personen)", "not reached (≈ people)"): [people(v) for v in ranked["uncovered"]],
            tr("Bedarf × Lücke", "Need × gap"): [fmt_number(v, 2) for v in ranked["need_gap"]],
            tr("weißer Fleck", "blind spot"): ranked["weisser_fleck"].map({True: "●", False: ""}),
        }).head(30), hide_index=True, width="stretch")
        gdf = areas_web(level)
        by_key = ranking.set_index("area_key").reindex(gdf["area_key"])
        gap_label = tr("Bedarf × Lücke", "Need × gap")
        m = fca_map(gdf, by_key["need_gap"].to_numpy(dtype="float64"), title=gap_label, higher_is_better=False,
                    breaks=NEED_GAP_BREAKS,
                    palette=palette_name(), basemap=setting("basemap"), tooltip={
                        gap_label: [fmt_number(v, 2) for v in by_key["need_gap"]],
                        tr("in Reichweite", "within reach"): [pct(v) for v in by_key["coverage_share"]],
                        tr("weißer Fleck", "blind spot"): [tr("ja", "yes") if pd.notna(v) and bool(v) else tr("nein", "no")
                                                          for v in by_key["weisser_fleck"]]})
        clicked = show_map(m, key="angebote_gap_map")
        if clicked:
            open_profile(clicked, level)
        st.plotly_chart(need_gap_scatter(ranked, need="need", coverage="coverage_share", flagged="weisser_fleck",
                                         need_label=need_options[need],
                                         coverage_label=tr("Anteil in Reichweite", "Share within reach")),
                        width="stretch", key="angebote_gap_chart", config=print_config("weisse_flecken"))
except (InputError, SolverError) as exc:
    st.error(tr("Das ließ sich nicht berechnen:", "This could not be computed:") + f"\n\n{exc}")
