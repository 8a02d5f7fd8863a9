"""Seite „Überblick“: die Stadt auf einen Blick."""

import pandas as pd
import streamlit as st

from app_pages import common, frame, mapdata
from app_pages.common import NEED_INDEX, fmt_number, format_period, tr

st.title(tr("Überblick", "Overview"))
common.get_con()
level = common.level_select()
if level is None:
    st.stop()

from sozialraum import profile  # noqa: E402
from sozialraum.charts import need as need_charts, print_config  # noqa: E402
from sozialraum.services import SERVICE_TYPES  # noqa: E402

lineage = profile.lineage(common.levels(), level)
top = lineage.top_level or level
period_list = common.periods(top, "sgb2_quote") or common.periods(top)
KEYS = ["ew_gesamt", "rlb", "sgb2_quote"]
if period_list:
    latest = period_list[-1]
    earlier = period_list[-2] if len(period_list) > 1 else None
    now_rows = common.published_values(top, latest, KEYS)
    if now_rows is not None:
        now = profile.totals(now_rows, KEYS)
        then = profile.totals(common.published_values(top, earlier, KEYS), KEYS) if earlier else {}
        d_rlb = frame.delta_text(now["rlb"], then.get("rlb"), 0)
        d_rate = frame.delta_text(now["sgb2_quote"], then.get("sgb2_quote"), 1, " Pp.")
        c1, c2, c3, c4 = st.columns(4)
        c1.metric(tr("Einwohner/innen", "Residents"), fmt_number(now["ew_gesamt"]))
        c2.metric(tr("SGB-II-Leistungsberechtigte", "SGB II recipients"), fmt_number(now["rlb"]), delta=d_rlb,
                  delta_color="inverse")
        c3.metric(tr("SGB-II-Quote", "SGB II rate"), fmt_number(now["sgb2_quote"], 1, "%"), delta=d_rate,
                  delta_color="inverse")
        c4.metric(tr("Gebiete", "Areas"), fmt_number(int(common.levels().set_index("level").loc[level, "n_areas"])))
        st.caption(tr(f"Stichtag {format_period(latest)}", f"Reference date {format_period(latest)}") +
                   (tr(f"; Veränderung gegenüber {format_period(earlier)}", f"; change since {format_period(earlier)}")
                    if earlier else ""))
        gaps = [mapdata.total_gap(level, latest, key) for key in KEYS if now[key] != now[key]]  # NaN: say why
        if gaps:
            st.caption(tr("Ohne Stadtwert („–“): ", "No city value ('–'): ") + " · ".join(g for g in gaps if g))

need_periods = common.periods(level, NEED_INDEX)
left, right = st.columns([3, 2])
if need_periods:
    period = need_periods[-1]
    with left:
        st.subheader(tr("Sozialindex", "Need index"))
        built = mapdata.choropleth_for(level, NEED_INDEX, period, scheme="mss", k=4,
                                       basemap=common.setting("basemap"), zoom_control=False)
        mapdata.notices(built, level)
        if built is not None:
            @st.fragment
            def _mini_map():
                clicked = common.show_map(built.map, key=f"overview_map_{level}", height=380)
                if clicked:
                    common.open_profile(clicked, level)
            _mini_map()
    with right:
        st.subheader(tr("Die zehn Gebiete mit dem höchsten Bedarf", "Ten areas of highest need"))
        if built is not None:
            top10 = mapdata.ranking(built).head(10)
            top10 = top10[[c for c in top10.columns if top10[c].astype(str).ne("").any()]]  # no empty "why"
            st.dataframe(top10, hide_index=True, width="stretch")

st.subheader(tr("Angebote nach Art", "Services by type"))
prov = common.providers()
if prov.empty:
    st.info(tr("Noch keine Angebote geladen.", "No services loaded yet."))
else:
    counts = prov.groupby("service_type").size().rename("count").reset_index()
    counts["label"] = counts["service_type"].map(lambda t: SERVICE_TYPES.get(t, t))
    st.plotly_chart(need_charts.provider_counts(counts, large=common.presentation()), width="stretch",
                    config=print_config("angebote_nach_art"))

st.subheader(tr("Datenquellen und Stichtage", "Data sources and reference dates"))
src = common.sources()
st.dataframe(pd.DataFrame({
    tr("Quelle", "Source"): src["title"], tr("Herausgeber", "Publisher"): src["publisher"].fillna("–"),
    tr("Stand", "Reference date"): src["reference_date"].map(lambda v: format_period(str(v)) if v else ""),
    tr("Lizenz / Namensnennung", "Licence / attribution"): src["attribution"].fillna(src["licence"]),
    tr("Fiktiv", "Fictional"): src["fictional"].map(lambda v: tr("ja", "yes") if v else tr("nein", "no")),
}), hide_index=True, width="stretch")
