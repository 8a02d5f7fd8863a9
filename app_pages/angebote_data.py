"""Cached computations of the page „Angebote & Erreichbarkeit" (caching lives in the app layer).

The store adapters of ``sozialraum.access.store_adapter`` answer every view; with filters on Dachverband,
cooperation form or barrier-free access they get the filtered providers. Demand points are cached here.
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
    from sozialraum.network import store_network_dir

    return model_from_settings(dict(travel_settings), network_dir=store_network_dir(get_con()))


@st.cache_data(show_spinner=False, max_entries=32)
def _demand(version: str, level: str, period: str, target: str, spacing_m: float, threshold: int):
    from sozialraum.access.store_adapter import load_demand

    return load_demand(get_con(), level, period, target, spacing_m=spacing_m, threshold=threshold)


def demand(level, period, target, settings: dict):
    from app_pages.common import threshold

    return _demand(data_version(), level, period, target, float(settings["demand_grid_m"]), threshold())


def _inputs(level, period, target, f: ProviderFilter, settings: dict) -> dict:
    """Keyword arguments for the store adapters: the cached demand and, if filtered, the matching providers."""
    from sozialraum.store import read

    providers = None if f.types_only else filter_providers(read.providers(get_con()), f)
    return {"providers": providers, "demand": demand(level, period, target, settings), "settings": settings}


@st.cache_data(show_spinner=False, max_entries=32)
def _coverage(version, level, period, target, f: ProviderFilter, budget, settings_items: tuple):
    from sozialraum.access.store_adapter import coverage_for_store

    return coverage_for_store(get_con(), level, period, target, service_types=f.types, budget_min=budget,
                              **_inputs(level, period, target, f, dict(settings_items)))


def coverage(level, period, target, f: ProviderFilter, budget: float, settings: dict):
    return _coverage(data_version(), level, period, target, f, float(budget), tuple(sorted(settings.items())))


@st.cache_data(show_spinner=False, max_entries=32)
def _fca(version, level, period, target, f: ProviderFilter, service_type, budget, settings_items: tuple):
    from sozialraum.access.store_adapter import fca_for_store

    return fca_for_store(get_con(), level, period, target, service_types=[service_type], budget_min=budget,
                         scale=100.0, **_inputs(level, period, target, f, dict(settings_items)))


def fca(level, period, target, f: ProviderFilter, service_type: str, budget: float, settings: dict):
    """2SFCA per area for one service type (per 100 people of the target group), city row with name 'Gesamt'."""
    return _fca(data_version(), level, period, target, f, service_type, float(budget),
                tuple(sorted(settings.items())))


@st.cache_data(show_spinner=False, max_entries=32)
def _need_gap(version, level, period, target, f: ProviderFilter, need, budget, settings_items: tuple):
    from sozialraum.access.store_adapter import need_gap_for_store

    return need_gap_for_store(get_con(), level, period, need=need, target_indicator=target, service_types=f.types,
                              budget_min=budget, **_inputs(level, period, target, f, dict(settings_items)))


def need_gap(level, period, target, f: ProviderFilter, need: str, budget: float, settings: dict):
    return _need_gap(data_version(), level, period, target, f, need, float(budget),
                     tuple(sorted(settings.items())))


@st.cache_data(show_spinner=False, max_entries=16)
def _catchments(version, level, period, target, f: ProviderFilter, budget, settings_items: tuple):
    from sozialraum.network.catchments import catchments_frame
    from sozialraum.store import read
    from sozialraum.store.connection import metric_epsg

    s = dict(settings_items)
    _, dem = demand(level, period, target, s)
    prov = filter_providers(read.providers(get_con()), f).reset_index(drop=True)
    dxy = dem[["x", "y"]].to_numpy(dtype="float64")
    reach = _travel(settings_items).minutes(dxy, prov[["x", "y"]].to_numpy(dtype="float64"), budget)
    return catchments_frame(reach, dxy, float(s["demand_grid_m"]), prov[["service_type", "name"]],
                            crs=metric_epsg(get_con()))


def catchments(level, period, target, f: ProviderFilter, budget: float, settings: dict):
    """Network catchments of the filtered providers (GeoDataFrame, WGS84): the demand-grid cells within budget."""
    return _catchments(data_version(), level, period, target, f, float(budget), tuple(sorted(settings.items())))
