"""Seite „Bedarf“: Karte einer Kennzahl oder des Sozialindex auf jeder Ebene und zu jedem Stichtag."""

import streamlit as st

from app_pages import common, mapdata
from app_pages.common import NEED_INDEX, tr

MAX_DEFAULT_PROVIDERS = 500  # above this many points the map is shown without them until asked for

st.title(tr("Bedarf", "Need"))
common.get_con()

level = common.level_select()
if level is None:
    st.stop()
indicator = common.indicator_select(level, with_need_index=True)
if indicator is None:
    st.stop()
period = common.period_select(level, indicator)
if indicator == NEED_INDEX:
    mapdata.index_select(level, period)

with st.sidebar.expander(tr("Karte", "Map"), expanded=True):
    scheme = common.setting_input("class_scheme", st.container())
    k = common.setting_input("class_count", st.container())
    basemap = common.setting_input("basemap", st.container())
    hotspots = st.toggle(tr("Hot Spots einblenden (Gi*)", "Show hot spots (Gi*)"), key="bedarf_hotspots",
                         help=tr("Räumliche Häufungen hoher (Hot Spot) bzw. niedriger Werte (Cold Spot), "
                                 "getestet mit Getis-Ord Gi* und Korrektur für multiples Testen.",
                                 "Clusters of high/low values (Getis-Ord Gi*, FDR-corrected)."))
    # services on top by default where they are few enough to read (a city's own list); Berlin's 4,000 not
    show_providers = st.toggle(tr("Angebote einblenden", "Show services"), key="bedarf_providers",
                               value=len(common.providers()) <= MAX_DEFAULT_PROVIDERS)

    share = mapdata.suppressed_share(level, indicator, period)
    coarser = share > 0 and st.toggle(
        tr("Gesperrte Gebiete: Wert des nächsthöheren Gebiets zeigen", "Suppressed areas: show the higher area"),
        key=f"bedarf_coarser_{level}", value=share >= mapdata.COARSER_SHARE,
        help=tr("Ersatzansicht für kleine Gebiete mit gesperrten Zahlen (z. B. Ortsteile, kleine Gemeinden): sie "
                "zeigen den veröffentlichten Wert ihres übergeordneten Gebiets (Quoten; bei Zählwerten nur im "
                "Tooltip), als solcher gekennzeichnet. Es werden nur veröffentlichte Werte gezeigt.",
                "Small areas with suppressed counts show their higher area's published value, labelled."))

built = mapdata.choropleth_for(level, indicator, period, scheme=scheme, k=int(k), basemap=basemap,
                               hotspots=hotspots, with_providers=show_providers, coarser=coarser)
mapdata.notices(built, level)  # why areas are blank; a clear warning when nothing can be shown


@st.fragment
def _map():
    # layered: a widget change swaps only the data layer (areas + legend) of the mounted map
    clicked = common.show_map(built.map, key=f"bedarf_map_{level}", height=720 if common.presentation() else 560,
                              layered=True)
    if clicked:
        common.open_profile(clicked, level)


st.caption(tr("Ein Klick auf ein Gebiet öffnet sein Gebietsprofil.", "Click an area to open its profile."))
_map()
if built.note:
    st.caption(built.note)
mapdata.ranking_table(built, level)
