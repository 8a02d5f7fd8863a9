"""What-if on the page „Standortplanung": the map shows the sites as chosen by hand (at first the computed
plan); a click on a possible site adds it, a click on a chosen one removes it, or moves it (mode
„verschieben": the site, then its new place). Coverage, loads, the gap to the optimum and the list update at
once (``sozialraum.siting.whatif``: context once per plan, then array operations)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.common import (
    data_version,
    fmt_number,
    get_con,
    setting,
    show_click_map,
    take_map_click,
    tr,
)

MAP_KEY = "standorte_map"
LIST_KEY = "standorte_whatif"
MODE_KEY = "standorte_click_mode"
MOVING_KEY = "standorte_moving"
FOR_KEY = "standorte_whatif_for"
MODES = {"umschalten": ("hinzufügen / entfernen", "add / remove"), "verschieben": ("verschieben", "move")}


@st.cache_resource(show_spinner=False, max_entries=4)
def _context(version: str, plan_json: str):
    from sozialraum.siting.plan import SitingPlan
    from sozialraum.siting.whatif import whatif_context

    return whatif_context(get_con(), SitingPlan.from_json(plan_json))


def _pct(x) -> str:
    return "–" if x is None or pd.isna(x) else fmt_number(100 * float(x), 1) + " %"


def _people(x) -> str:
    return "–" if x is None or pd.isna(x) else "≈ " + fmt_number(x)


def _md(text: str) -> str:
    """``text`` for Streamlit's Markdown as it is: every ASCII punctuation mark backslash-escaped (venue names
    come from user files: no link, image, colour or formula may come out of them)."""
    return "".join("\\" + ch if ch in _PUNCT else ch for ch in str(text))


_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def _number(order) -> str:
    return "–" if pd.isna(order) else ("JC" if order == 0 else f"Nr. {int(order)}")


def _catchments(ctx, sites):
    """(circle radius or None, reach polygons in WGS84 or None, legend text) for the chosen sites."""
    import geopandas as gpd

    from sozialraum.access.travel import travel_label

    radius = ctx.travel.radius_m(ctx.budget_min)
    if radius is not None:
        return radius, None, ""
    polys = ctx.catchments(sites["id"].astype(str).tolist(), float(setting("catchment_grid_m")))
    keep = [i for i, g in enumerate(polys) if g is not None]
    frame = gpd.GeoDataFrame({"order": sites["order"].to_numpy()[keep]}, geometry=[polys[i] for i in keep],
                             crs=ctx.epsg).to_crs(4326)
    return None, frame, f"Umriss: in {ctx.budget_min:g} min erreichbar – {travel_label(ctx.travel)}"


def prepare(plan) -> None:
    """Build what the map needs for ``plan`` (demand, reach, the sites' catchments) while the planner waits for
    the plan anyway, so the shown waiting time holds all of it."""
    ctx = _context(data_version(), plan.to_json())
    if ctx.travel.radius_m(ctx.budget_min) is None:
        ctx.catchments(plan.sites["id"].astype(str).tolist(), float(setting("catchment_grid_m")))


def _plan_new_ids(plan) -> list[str]:
    return plan.sites.loc[~plan.sites["fixed"].astype(bool)].sort_values("order")["id"].astype(str).tolist()


def changed_by_hand(plan) -> bool:
    """Whether the sites on the what-if map differ from the computed plan's."""
    chosen = st.session_state.get(LIST_KEY)
    return chosen is not None and set(map(str, chosen)) != set(_plan_new_ids(plan))


def hand_plan(plan):
    """The plan as changed on the map, as a full plan that can be saved (``whatif.plan_for_selection``)."""
    from sozialraum.siting.whatif import plan_for_selection

    return plan_for_selection(get_con(), plan, list(st.session_state.get(LIST_KEY) or []))


def _state(plan, plan_key: str, ctx) -> None:
    """Start the list from the plan's new sites whenever another plan is shown."""
    if st.session_state.get(FOR_KEY) != plan_key or LIST_KEY not in st.session_state:
        known = set(ctx.ids)
        st.session_state[LIST_KEY] = [i for i in _plan_new_ids(plan) if i in known]
        st.session_state[MOVING_KEY] = None
        st.session_state[FOR_KEY] = plan_key


def whatif_map(plan, plan_key: str, areas_gdf):
    """The what-if map and its figures; returns the evaluation (``WhatIfView``) for the k-curve."""
    from sozialraum.access.travel import travel_label
    from sozialraum.maps.siting import siting_map
    from sozialraum.siting.whatif import apply_click, evaluate_view

    ctx = _context(data_version(), plan.to_json())
    names = dict(zip(ctx.ids, ctx.cands["name"].astype(str)))
    _state(plan, plan_key, ctx)
    mode = st.session_state.get(MODE_KEY, "umschalten")
    if mode != "verschieben":
        st.session_state[MOVING_KEY] = None  # a site picked for a move is let go when the mode changes
    clicked = take_map_click(MAP_KEY)
    message = ""
    if clicked and clicked.get("sr_id"):
        out = apply_click(st.session_state[LIST_KEY], ctx.fixed_ids, ctx.ids, str(clicked["sr_id"]), mode,
                          st.session_state.get(MOVING_KEY), names)
        st.session_state[LIST_KEY], st.session_state[MOVING_KEY], message = list(out.selection), out.moving, \
            out.message
    ids = list(st.session_state[LIST_KEY])
    view = evaluate_view(ctx, ids)
    sites = view.sites.copy()
    sites["tooltip"] = [f"{'Jobcenter (fest)' if f else 'Nr. ' + str(o)}: {n} ({t}) – erreicht {_people(c)}, "
                        f"nächster Standort für {_people(s)}" + ("" if f else " · Klick: entfernen/verschieben")
                        for f, o, n, t, c, s in zip(sites["fixed"], sites["order"], sites["name"],
                                                    sites["type_label"], sites["covered"], sites["served"])]
    free = ctx.cands[~ctx.cands["fixed"].astype(bool) & ~ctx.cands["id"].astype(str).isin(ids)]
    radius, catchments, label = _catchments(ctx, sites)
    osm = radius is None and not getattr(getattr(ctx.travel, "info", None), "fictional", True)
    served = view.area_service.set_index("area_key").reindex(areas_gdf["area_key"].astype(str))
    m = siting_map(areas_gdf, sites, view.area_service, radius_m=radius, catchments=catchments,
                   catchment_label=label, candidates=free, moving=st.session_state.get(MOVING_KEY),
                   basemap=setting("basemap"), attribution="Wege: © OpenStreetMap-Mitwirkende" if osm else "",
                   area_tooltip={tr("in Reichweite", "within reach"): [_pct(v) for v in served["share"]],
                                 tr("Standort", "site"): [_number(v) for v in served["site"]]})
    st.subheader(tr("Was wäre, wenn …? Standorte auf der Karte ändern", "What if …? Change the sites on the map"))
    c1, c2 = st.columns([2, 3])
    c1.radio(tr("Klick auf der Karte", "Click on the map"), list(MODES), format_func=lambda v: tr(*MODES[v]),
             horizontal=True, key=MODE_KEY)
    c2.caption(tr("Weißer Ring = möglicher Standort: anklicken fügt ihn hinzu. Nummer = gewählter Standort: "
                  "anklicken entfernt ihn, oder im Modus „verschieben“ erst ihn, dann den neuen Ort anklicken. "
                  "JC = bestehender Jobcenter-Standort (fest).",
                  "White ring = possible site (click to add); number = chosen site (click to remove or move).")
               + " " + tr("Reichweite", "Reach") + f": {ctx.budget_min:g} min, {travel_label(ctx.travel)}.")
    if message:
        st.info(_md(message))
    show_click_map(m, key=MAP_KEY, height=600)
    res = view.result
    n_plan = int(plan.summary.get("n_new") or 0)
    c1, c2, c3, c4 = st.columns([1, 1.1, 0.9, 1.2])
    c1.metric(tr("in Reichweite (von Hand)", "within reach (by hand)"), _pct(res.covered_share),
              delta=_pp_delta(res.covered_share - plan.summary["covered_share"])
              if plan.summary.get("covered_share") is not None and plan.parameters.get("model") == "mclp" else None)
    c2.metric(tr("Personen in Reichweite (von Hand)", "people within reach (by hand)"),
              _people(round(res.covered_weight, -1)))
    c3.metric(tr("neue Standorte (von Hand)", "new sites (by hand)"), fmt_number(res.n_new),
              delta=None if res.n_new == n_plan else f"{res.n_new - n_plan:+d} gegenüber dem Plan",
              delta_color="off")
    c4.metric(tr("Abstand zum Optimum", "Gap to the optimum"),
              "–" if res.gap_share is None else f"{fmt_number(100 * res.gap_share, 1)} %-Punkte",
              help=tr(f"In Prozentpunkten (%-Punkte): Die beste Auswahl mit {res.n_new} neuen Standorten erreicht "
                      f"{_pct(None if res.optimum_weight is None else res.optimum_weight / res.total_weight)} "
                      "(k-Kurve, maximale Abdeckung).", "The best choice with as many new sites (k-curve)."))
    options = ctx.cands.loc[~ctx.cands["fixed"].astype(bool), "id"].astype(str).tolist()
    st.multiselect(tr("Neue Standorte (hinzufügen oder entfernen)", "New sites (add or remove)"), options,
                   key=LIST_KEY, format_func=lambda i: f"{names.get(i, i)} ({i})")
    _loads(view)
    return view


def _pp_delta(diff: float) -> str:
    """A change in percentage points with an ASCII sign first (Streamlit colours the arrow by it)."""
    return f"{'-' if diff < 0 else '+'}{fmt_number(abs(100 * diff), 1)} Prozentpunkte"


def _loads(view) -> None:
    s = view.sites
    with st.expander(tr("Auslastung der Standorte (von Hand)", "Site loads (by hand)"), expanded=True):
        st.dataframe(pd.DataFrame({
            tr("Nr.", "No."): ["JC" if f else str(o) for f, o in zip(s["fixed"], s["order"])],
            tr("Standort", "Site"): s["name"], tr("Art", "Type"): s["type_label"],
            tr("in Reichweite (≈ Personen)", "within reach (≈ people)"): [_people(v) for v in s["covered"]],
            tr("nächster Standort für (≈ Personen)", "nearest site for (≈ people)"):
                [_people(v) for v in s["served"]],
            tr("erwartete Fälle je Jahr (≈)", "expected cases per year (≈)"): [_people(v) for v in s["cases"]],
            tr("Beratungsstunden je Woche", "staff hours per week"): [fmt_number(v, 1) for v in s["staff_hours_week"]],
            tr("Kapazität (Fälle je Jahr)", "capacity (cases per year)"): [fmt_number(v) for v in s["capacity"]],
            tr("Auslastung", "utilisation"): [_pct(v) for v in s["utilisation"]],
        }), hide_index=True, width="stretch", key="standorte_whatif_loads")
        st.caption(tr("Jede Person zählt bei dem nächsten gewählten Standort, den sie in der Zeit erreicht; an "
                      "Außenstellen wird nur der Anteil „Inanspruchnahme einer Außenstelle“ zum Fall. "
                      "Personenzahlen sind Modellschätzungen, auf Zehner gerundet.",
                      "Each person counts at the nearest chosen site within reach; rounded to tens."))
