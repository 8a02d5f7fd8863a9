"""Cached computations of the page „Angebote & Erreichbarkeit" (caching lives in the app layer).

With a filter on service types only, the store adapters of ``sozialraum.access.store_adapter`` answer directly.
With filters on Dachverband, cooperation form or barrier-free access, the same public cores run on the
filtered providers (``coverage_by_type``, ``two_step_fca``, ``need_gap_ranking``), and every count shown still
comes from the confidentiality gate (``published_counts``) or is a model estimate rounded to tens
(``round_people``) — exactly as in the store adapter.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from app_pages.common import data_version, get_con


@dataclass(frozen=True)
class ProviderFilter:
    types: tuple[str, ...] | None = None  # None = all types
    verbaende: tuple[str, ...] = ()  # empty = all
    kooperation: tuple[str, ...] = ()  # empty = all
    barrier_free: bool = False

    @property
    def types_only(self) -> bool:
        return not self.verbaende and not self.kooperation and not self.barrier_free


def filter_providers(providers: pd.DataFrame, f: ProviderFilter) -> pd.DataFrame:
    """Providers matching the filter (types, umbrella association, cooperation form, barrier-free)."""
    keep = pd.Series(True, index=providers.index)
    if f.types is not None:
        keep &= providers["service_type"].isin(list(f.types))
    if f.verbaende:
        keep &= providers["dachverband"].fillna("(ohne Angabe)").isin(list(f.verbaende))
    if f.kooperation:
        keep &= providers["kooperation"].fillna("(ohne Angabe)").isin(list(f.kooperation))
    if f.barrier_free:
        keep &= providers["barrier_free"].fillna(False).astype(bool)
    return providers[keep]


def _travel(travel_settings: tuple):
    from sozialraum.access.travel import model_from_settings

    return model_from_settings(dict(travel_settings))


@st.cache_data(show_spinner=False, max_entries=32)
def _demand(version: str, level: str, period: str, target: str, spacing_m: float):
    from sozialraum.access.store_adapter import load_demand

    return load_demand(get_con(), level, period, target, spacing_m=spacing_m)


def demand(level, period, target, settings: dict):
    return _demand(data_version(), level, period, target, float(settings["demand_grid_m"]))


def _filtered(level, period, target, f: ProviderFilter, settings: dict):
    from sozialraum.store import read

    areas, points = demand(level, period, target, settings)
    return areas, points, filter_providers(read.providers(get_con()), f)


@st.cache_data(show_spinner=False, max_entries=32)
def _coverage(version, level, period, target, f: ProviderFilter, budget, settings_items: tuple):
    from sozialraum.access.coverage import Coverage, coverage_by_type
    from sozialraum.access.present import published_counts, round_people
    from sozialraum.services import SERVICE_TYPES

    settings = dict(settings_items)
    con = get_con()
    if f.types_only:
        from sozialraum.access.store_adapter import coverage_for_store

        return coverage_for_store(con, level, period, target, service_types=f.types, budget_min=budget,
                                  settings=settings)
    areas, points, prov = _filtered(level, period, target, f, settings)
    types = list(f.types) if f.types is not None else sorted(prov["service_type"].unique())
    cov = coverage_by_type(points, prov, _travel(settings_items), budget, service_types=types)
    pub = published_counts(con, level, period, target)
    per = cov.per_area.copy()
    per["target"] = per["area_key"].map(pub)
    per["covered"] = round_people(per["target"] * per["share"])
    per = per.merge(areas[["area_key", "name"]], on="area_key", how="left")
    per["service_label"] = per["service_type"].map(SERVICE_TYPES).fillna(per["service_type"])
    city = cov.city.copy()
    city["target"], city["covered"] = round_people(city["target"]), round_people(city["covered"])
    city["service_label"] = city["service_type"].map(SERVICE_TYPES).fillna(city["service_type"])
    return Coverage(per_area=per[["area_key", "name", "service_type", "service_label", "target", "covered",
                                  "share", "n_providers"]],
                    city=city[["service_type", "service_label", "target", "covered", "share", "n_providers"]])


def coverage(level, period, target, f: ProviderFilter, budget: float, settings: dict):
    return _coverage(data_version(), level, period, target, f, float(budget), tuple(sorted(settings.items())))


@st.cache_data(show_spinner=False, max_entries=32)
def _fca(version, level, period, target, f: ProviderFilter, service_type, budget, settings_items: tuple):
    from sozialraum.access.fca import two_step_fca

    settings = dict(settings_items)
    if f.types_only:
        from sozialraum.access.store_adapter import fca_for_store

        return fca_for_store(get_con(), level, period, target, service_types=[service_type], budget_min=budget,
                             scale=100.0, settings=settings)
    from sozialraum.access.store_adapter import rounded_demand

    areas, points, prov = _filtered(level, period, target, f, settings)
    out = two_step_fca(rounded_demand(points), prov, _travel(settings_items), budget, service_types=[service_type],
                       scale=100.0)
    names = dict(zip(areas["area_key"], areas["name"]))
    out.insert(1, "name", [names.get(k, "Gesamt") if k is not None else "Gesamt" for k in out["area_key"]])
    return out


def fca(level, period, target, f: ProviderFilter, service_type: str, budget: float, settings: dict):
    """2SFCA per area for one service type (per 100 people of the target group), city row with name 'Gesamt'."""
    return _fca(data_version(), level, period, target, f, service_type, float(budget),
                tuple(sorted(settings.items())))


def _need_series(con, level, period, need: str) -> pd.Series:
    if need == "status_index":
        from sozialraum.analysis.need_index import need_index_for_store

        idx = need_index_for_store(con, level, period)
        return pd.Series(idx["status_index"].to_numpy(dtype="float64"), index=idx["area_key"].astype(str))
    from sozialraum.analysis.confidentiality import published

    pub = published(con, level, period=period, indicators=[need])
    pub = pub[pub["indicator"] == need]
    return pd.Series(pub["value"].to_numpy(dtype="float64"), index=pub["area_key"].astype(str))


@st.cache_data(show_spinner=False, max_entries=32)
def _need_gap(version, level, period, target, f: ProviderFilter, need, budget, settings_items: tuple):
    from sozialraum.access.coverage import coverage_by_type
    from sozialraum.access.gaps import need_gap_ranking
    from sozialraum.access.present import published_counts, round_people

    settings = dict(settings_items)
    con = get_con()
    if f.types_only:
        from sozialraum.access.store_adapter import need_gap_for_store

        return need_gap_for_store(con, level, period, need=need, target_indicator=target, service_types=f.types,
                                  budget_min=budget, settings=settings)
    areas, points, prov = _filtered(level, period, target, f, settings)
    prov = prov.assign(service_type="alle")
    cov = coverage_by_type(points, prov, _travel(settings_items), budget, service_types=["alle"])
    ranking = need_gap_ranking(_need_series(con, level, period, need), cov.per_area.set_index("area_key")["share"])
    ranking = ranking[ranking["area_key"].isin(set(areas["area_key"]))]
    pub = published_counts(con, level, period, target)
    ranking["uncovered"] = round_people(ranking["area_key"].map(pub).to_numpy(dtype="float64")
                                        * ranking["gap"].to_numpy(dtype="float64"))
    ranking.insert(1, "name", ranking["area_key"].map(dict(zip(areas["area_key"], areas["name"]))))
    return ranking.reset_index(drop=True)


def need_gap(level, period, target, f: ProviderFilter, need: str, budget: float, settings: dict):
    return _need_gap(data_version(), level, period, target, f, need, float(budget),
                     tuple(sorted(settings.items())))
