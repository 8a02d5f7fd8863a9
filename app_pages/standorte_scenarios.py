"""Saved siting scenarios on the page „Standortplanung": list, compare, show again, delete."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.common import (can_write, clear_caches, data_version, fmt_number, format_period, get_con, tr,
                              writing)
from sozialraum.errors import InputError
from sozialraum.charts import print_config
from sozialraum.siting.core import MODELS, MODELS_EN

MODEL_LABELS = {key: (MODELS[key], MODELS_EN[key]) for key in MODELS}


@st.cache_data(show_spinner=False, max_entries=8)
def _scenarios(version: str) -> pd.DataFrame:
    """The saved scenarios with their key figures (from the stored result, no new solve)."""
    from sozialraum.siting import scenarios

    con = get_con()
    frame = scenarios.list_scenarios(con)
    rows = []
    for sid in frame["scenario_id"]:
        try:
            s = scenarios.load(con, sid).summary
        except Exception:  # noqa: BLE001 - a damaged scenario must not break the page
            s = {}
        rows.append({"covered_share": s.get("covered_share"), "covered": s.get("covered"),
                     "covered_share_fixed_only": s.get("covered_share_fixed_only"), "n_new": s.get("n_new"),
                     "n_fixed": s.get("n_fixed")})
    return pd.concat([frame.reset_index(drop=True), pd.DataFrame(rows)], axis=1)


def _pct(x) -> str:
    return "–" if x is None or pd.isna(x) else fmt_number(100 * float(x), 1) + " %"


def scenario_section(con, target_labels: dict[str, str]) -> None:
    from sozialraum.charts.siting import scenario_compare_chart
    from sozialraum.siting import scenarios

    st.divider()
    st.subheader(tr("Gespeicherte Szenarien", "Saved scenarios"))
    frame = _scenarios(data_version())
    if frame.empty:
        st.caption(tr("Noch keine Szenarien gespeichert.", "No saved scenarios yet."))
        return
    table = pd.DataFrame({
        tr("Name", "Name"): frame["name"],
        tr("Gespeichert", "Saved"): pd.to_datetime(frame["created_at"]).dt.strftime("%d.%m.%Y %H:%M"),
        tr("Modell", "Model"): [tr(*MODEL_LABELS[m]).split(":")[0] if m in MODEL_LABELS else m
                                for m in frame["model"]],
        tr("Zielgruppe", "Target group"): [target_labels.get(t, t) for t in frame["target_indicator"]],
        tr("Stichtag", "Period"): [format_period(p) if p else "–" for p in frame["period"]],
        tr("Zeitbudget", "Budget"): [f"{fmt_number(b)} min" for b in frame["budget_min"]],
        tr("neue Standorte", "new sites"): frame["n_new"],
        tr("in Reichweite", "within reach"): [_pct(v) for v in frame["covered_share"]],
        tr("nur feste Standorte", "fixed sites only"): [_pct(v) for v in frame["covered_share_fixed_only"]],
    })
    st.dataframe(table, hide_index=True, width="stretch", key="standorte_scenarios_table")
    names = dict(zip(frame["scenario_id"], frame["name"]))
    chosen = st.multiselect(tr("Szenarien vergleichen", "Compare scenarios"), list(names), format_func=names.get,
                            default=list(names)[:4], key="standorte_compare",
                            placeholder=tr("Szenarien wählen", "choose scenarios"))
    if chosen:
        sub = frame[frame["scenario_id"].isin(chosen)]
        st.plotly_chart(scenario_compare_chart(sub, name="name", share="covered_share"), width="stretch",
                        key="standorte_compare_chart", config=print_config("szenarienvergleich"))
    if len(chosen) == 2:  # the council pack: the two side by side, and the PowerPoint deck
        from app_pages.council import comparison_table, deck_button

        comparison_table(chosen[0], chosen[1])
        deck_button(chosen[0], chosen[1], names, key="standorte_pack")
    else:
        st.caption(tr("Genau zwei Szenarien wählen: dann gibt es den Vergleich und die Ratsvorlage als PowerPoint.",
                      "Choose exactly two scenarios for the comparison and the council deck."))
    c1, c2, c3 = st.columns([3, 1, 1])
    pick = c1.selectbox(tr("Szenario", "Scenario"), list(names), format_func=names.get, key="standorte_pick")
    if c2.button(tr("Auf der Karte zeigen", "Show on map"), key="standorte_show"):
        st.session_state["standorte_loaded"] = scenarios.load(con, pick)
        st.session_state["standorte_loaded_name"] = names[pick]
        st.rerun()
    if c3.button(tr("Löschen", "Delete"), key="standorte_delete", disabled=not can_write()):
        try:
            with writing(f"Szenario {names[pick]} gelöscht") as wcon:
                scenarios.delete(wcon, pick)
        except InputError as exc:
            st.error(str(exc))
            return
        if st.session_state.get("standorte_loaded_name") == names[pick]:
            st.session_state.pop("standorte_loaded", None)
        clear_caches()
        st.rerun()
