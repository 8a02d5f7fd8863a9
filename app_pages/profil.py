"""Seite „Gebietsprofil“: der Steckbrief eines Gebiets."""

import pandas as pd
import streamlit as st

from app_pages import common, mapdata, view
from app_pages.common import NEED_INDEX, fmt_number, format_period, tr

st.title(tr("Gebietsprofil", "Area profile"))
common.get_con()
level = common.level_select()
if level is None:
    st.stop()

from sozialraum import profile  # noqa: E402
from sozialraum.charts import need as need_charts, print_config  # noqa: E402
from sozialraum.indicators.registry import INDICATORS  # noqa: E402

areas = common.areas_web(level)
names = dict(zip(areas["area_key"], areas["name"]))
keys = list(areas["area_key"])
current = view.get("area")
area = st.selectbox(tr("Gebiet", "Area"), keys, index=keys.index(current) if current in keys else 0,
                    format_func=lambda k: f"{names.get(k, k)} ({k})", key=f"profile_area_{level}")
view.set(area=area)

lineage = profile.lineage(common.levels(), level)
parent_key = areas.set_index("area_key").loc[area, "parent_key"]
period_list = common.periods(level)
if not period_list:
    st.info(tr("Für diese Ebene gibt es noch keine Kennzahlen.", "No indicators on this level yet."))
    st.stop()
period = common.period_select(level)

mine = common.published_values(level, period)
if mine is None:
    st.stop()
city_title = tr("Stadt", "City")


@st.cache_data(show_spinner=False, max_entries=32)
def _references(version: str, level: str, period: str, area: str, threshold: int, city: str):
    from sozialraum.views.profile import references as compose

    return compose(common.get_con(), level, period, area, threshold=threshold, city_title=city)


# the comparison columns (parent, grandparent …, city) are composed once in sozialraum.views.profile
references = dict(_references(common.data_version(), level, period, area, common.threshold(), city_title))
parent_title = None
if lineage.parent_level and isinstance(parent_key, str):
    parent_name = common.areas_web(lineage.parent_level).set_index("area_key")["name"].get(parent_key, parent_key)
    parent_title = str(parent_name)
area_rows = mine[mine["area_key"] == area]

# --- need class and ranking
need = mapdata.need_index(level, period)
c1, c2, c3 = st.columns(3)
if need is not None and len(need):
    row = need.set_index("area_key").reindex([area]).iloc[0]
    scored = bool(row["scored"]) if pd.notna(row["scored"]) else False
    c1.metric(tr("Statusklasse (MSS)", "Status class (MSS)"), row["status_class"] if scored else
              tr("nicht bewertet", "not scored"), help=None if scored else str(row.get("reason") or "") or None)
    has_dyn = scored and isinstance(row["dynamics_class"], str) and bool(row["dynamics_class"])
    c2.metric(tr("Dynamik", "Dynamics"), row["dynamics_class"] if has_dyn else "–",
              help=None if has_dyn else str(row.get("dynamics_reason") or "") or None)
    rank = profile.rank_of(need.set_index("area_key")["status_index"].where(need.set_index("area_key")["scored"]
                                                                           .fillna(False).astype(bool)), area)
    c3.metric(tr("Rang nach Sozialindex", "Rank by need index"),
              f"{rank[0]} / {rank[1]}" if rank else "–",
              help=tr("1 = höchster Bedarf (höchster Statusindex).", "1 = highest need."))
    if not scored and row.get("reason"):
        st.caption(tr(f"Nicht bewertet: {row['reason']}", f"Not scored: {row['reason']}"))

# --- Steckbrief
st.subheader(tr(f"Kennzahlen am {format_period(period)}", f"Indicators on {format_period(period)}"))
table = profile.profile_table(area_rows, references, lang=common.lang())
st.dataframe(table, hide_index=True, width="stretch", height=35 * (len(table) + 1) + 3)

# --- time series
st.subheader(tr("Zeitreihe", "Time series"))
available = [k for k in INDICATORS if k in set(area_rows["indicator"])]
default = "sgb2_quote" if "sgb2_quote" in available else (available[0] if available else None)
if default:
    ind = st.selectbox(tr("Kennzahl", "Indicator"), available, index=available.index(default),
                       format_func=lambda k: common.tr(INDICATORS[k].label_de, INDICATORS[k].label_en),
                       key="profile_series_indicator")
    all_rows = common.published_values(level, None, [ind])
    now = all_rows[all_rows["period"] == period].set_index("area_key")["value"]
    rank = profile.rank_of(now, area, descending=INDICATORS[ind].direction != "higher_is_better")
    if rank:
        st.caption(tr(f"Rang {rank[0]} von {rank[1]} Gebieten am {format_period(period)} (1 = höchster Wert)",
                      f"Rank {rank[0]} of {rank[1]} areas on {format_period(period)} (1 = highest value)")
                   if INDICATORS[ind].direction != "higher_is_better" else
                   tr(f"Rang {rank[0]} von {rank[1]} Gebieten am {format_period(period)} (1 = niedrigster Wert)",
                      f"Rank {rank[0]} of {rank[1]} areas on {format_period(period)} (1 = lowest value)"))
    frames = [all_rows[all_rows["area_key"] == area].assign(series=str(names.get(area, area)))]
    if parent_title:
        prow = common.published_values(lineage.parent_level, None, [ind])
        frames.append(prow[prow["area_key"] == parent_key].assign(series=parent_title))
    if lineage.top_level:
        trows = common.published_values(lineage.top_level, None, [ind])
        city_series = [{"period": p, "value": profile.totals(part, [ind])[ind]}
                       for p, part in trows.groupby("period")]
        # titled as the table's last column: the city total, or the one top area itself ("Kreis: Musterkreis")
        top_title = list(references)[-1] if references else city_title
        frames.append(pd.DataFrame(city_series, columns=["period", "value"]).assign(series=top_title))
    data = pd.concat([f[["series", "period", "value"]] for f in frames], ignore_index=True)
    st.plotly_chart(need_charts.time_series(data, unit=INDICATORS[ind].unit, large=common.presentation()),
                    width="stretch", config=print_config("zeitreihe"))
    st.caption(tr("Lücken: Wert gesperrt (Geheimhaltung) oder nicht vorhanden.",
                  "Gaps: value suppressed (confidentiality) or missing."))

# --- nearby providers and the area on the map
st.subheader(tr("Angebote in der Nähe", "Services nearby"))
from sozialraum.store import read  # noqa: E402

geom = read.areas(common.get_con(), level).set_index("area_key").loc[area, "geometry"]
geom_web = areas.set_index("area_key").loc[area, "geometry"]
point = geom.representative_point()
near = profile.nearest_by_type(point.x, point.y, common.providers(),
                               detour=float(common.setting("detour_factor")),
                               speed_kmh=float(common.setting("walking_speed_kmh")),
                               budget_min=float(common.setting("travel_budget_min")),
                               travel=common.travel_model())
if near.empty:
    st.info(tr("Noch keine Angebote geladen.", "No services loaded yet."))
else:
    budget = fmt_number(common.setting("travel_budget_min"))
    st.dataframe(pd.DataFrame({
        tr("Art", "Type"): near["Art"], tr("Nächstes Angebot", "Nearest"): near["Nächstes Angebot"],
        tr("Luftlinie", "Distance"): near["Entfernung_m"].map(profile.distance_text),
        tr("Minuten", "Minutes"): near["Gehminuten"].map(lambda v: fmt_number(v)),
        tr(f"Anzahl in {budget} min", f"Number within {budget} min"): near["Anzahl_im_Zeitbudget"],
    }), hide_index=True, width="stretch", height=35 * (len(near) + 1) + 3)
    st.caption(tr(f"Gemessen vom Gebietsmittelpunkt: {common.travel_model().label} (Einstellungen).",
                  f"From the area's centre: {common.travel_model().label}."))

built = mapdata.choropleth_for(level, NEED_INDEX, period, scheme="mss", k=4, basemap=common.setting("basemap"),
                               with_providers=True, selected=area, bounds=profile.padded_bounds(geom_web, 0.25))
if built is not None:
    @st.fragment
    def _profile_map():
        clicked = common.show_map(built.map, key=f"profile_map_{level}", height=460)
        if clicked and clicked != area:
            common.open_profile(clicked, level)

    _profile_map()
