"""Coverage, 2SFCA and need × gap on a store: read areas, counts and providers, run the pure cores, and
return frames ready to show.

Every figure is computed from safe weights (``sozialraum.access.present.safe_counts``: published counts, a
stand-in from published numbers for each suppressed cell; the raw counts are never read), counts are shown
through the confidentiality gate, model estimates rounded to tens."""

from __future__ import annotations

import pandas as pd

from sozialraum.access.coverage import Coverage, coverage_by_type
from sozialraum.access.demand import demand_points
from sozialraum.access.fca import two_step_fca
from sozialraum.access.gaps import need_gap_ranking
from sozialraum.access.present import published_counts, round_people, safe_counts
from sozialraum.access.travel import model_from_settings


def _setup(settings, travel, budget_min, con=None):
    from sozialraum.network import store_network_dir
    from sozialraum.settings import resolve

    s = resolve(settings)
    net = store_network_dir(con) if con is not None else None
    travel = travel if travel is not None else model_from_settings(settings, network_dir=net)
    budget = float(budget_min if budget_min is not None else s["travel_budget_min"])
    return s, travel, budget


def load_demand(con, level: str, period: str | None, target_indicator: str = "rlb", *,
                spacing_m: float | None = None, residential=None, threshold=None):
    """(areas GeoDataFrame in the store's metric CRS, demand points weighted by the safe counts).

    ``demand.attrs``: ``ohne_gewicht`` (areas without a value: no weight), ``geschaetzt`` (areas whose count is
    suppressed: weighted with the stand-in of ``safe_counts``).
    """
    from sozialraum.store import read

    areas = read.areas(con, level)
    if areas.empty:
        from sozialraum.errors import InputError

        raise InputError(f"Auf der Ebene {level!r} gibt es keine Gebiete.")
    counts = safe_counts(con, level, period, target_indicator, threshold=threshold)
    demand = demand_points(areas, counts, spacing_m, residential=residential)
    demand.attrs["geschaetzt"] = list(counts.attrs.get("estimated", []))
    return areas, demand


def _providers(con, service_types, providers: pd.DataFrame | None = None):
    from sozialraum.store import read

    prov = read.providers(con) if providers is None else providers
    if service_types is not None:
        prov = prov[prov["service_type"].isin(list(service_types))]
    return prov


def coverage_for_store(con, level: str, period: str | None, target_indicator: str = "rlb", service_types=None,
                       budget_min: float | None = None, *, settings: dict | None = None, travel=None,
                       providers: pd.DataFrame | None = None, demand=None) -> Coverage:
    """Per area and city-wide coverage by service type, ready to show.

    ``providers``: a filtered provider frame (e.g. one umbrella association) instead of all providers in the
    store; ``demand``: a precomputed ``load_demand(...)`` result (the app caches it).

    per_area: area_key, name, service_type, service_label, target (published count, NaN if suppressed),
    covered (≈ people within reach, rounded to tens; NaN where the count is suppressed), share, n_providers.
    city: service_type, service_label, target, covered (both rounded to tens), share, n_providers.
    """
    from sozialraum.services import SERVICE_TYPES

    s, travel, budget = _setup(settings, travel, budget_min, con)
    areas, demand = demand or load_demand(con, level, period, target_indicator, spacing_m=s["demand_grid_m"],
                                          threshold=s["suppression_threshold"])
    prov = _providers(con, service_types, providers)
    types = list(service_types) if service_types is not None else sorted(prov["service_type"].unique())
    cov = coverage_by_type(demand, prov, travel, budget, service_types=types)
    pub = published_counts(con, level, period, target_indicator, threshold=s["suppression_threshold"])
    per = cov.per_area.copy()
    per["target"] = per["area_key"].map(pub)
    per["covered"] = round_people(per["target"] * per["share"])
    per = per.merge(areas[["area_key", "name"]], on="area_key", how="left")
    per["service_label"] = per["service_type"].map(SERVICE_TYPES).fillna(per["service_type"])
    city = cov.city.copy()
    city["target"], city["covered"] = round_people(city["target"]), round_people(city["covered"])
    city["service_label"] = city["service_type"].map(SERVICE_TYPES).fillna(city["service_type"])
    per = per[["area_key", "name", "service_type", "service_label", "target", "covered", "share", "n_providers"]]
    city = city[["service_type", "service_label", "target", "covered", "share", "n_providers"]]
    return Coverage(per_area=per, city=city)


def fca_for_store(con, level: str, period: str | None, target_indicator: str = "rlb", service_types=None,
                  budget_min: float | None = None, *, scale: float = 1.0, settings: dict | None = None,
                  travel=None, providers: pd.DataFrame | None = None, demand=None) -> pd.DataFrame:
    """2SFCA supply per person of the target group (or a count of reachable providers) per area and type,
    with area names; the city-wide row has area_key None and name 'Gesamt'. ``providers``/``demand`` as in
    ``coverage_for_store``."""
    s, travel, budget = _setup(settings, travel, budget_min, con)
    areas, demand = demand or load_demand(con, level, period, target_indicator, spacing_m=s["demand_grid_m"],
                                          threshold=s["suppression_threshold"])
    prov = _providers(con, service_types, providers)
    out = two_step_fca(demand, prov, travel, budget, service_types=service_types, scale=scale)
    names = dict(zip(areas["area_key"], areas["name"]))
    out.insert(1, "name", [names.get(k, "Gesamt") if k is not None else "Gesamt" for k in out["area_key"]])
    return out


def _need(con, level, period, need: str, threshold=None) -> pd.Series:
    if need == "status_index":
        from sozialraum.analysis.need_index import need_index_for_store

        idx = need_index_for_store(con, level, period)
        return pd.Series(idx["status_index"].to_numpy(dtype="float64"), index=idx["area_key"].astype(str))
    return published_counts(con, level, period, need, threshold=threshold)


def need_gap_for_store(con, level: str, period: str | None, *, need: str = "status_index",
                       target_indicator: str = "rlb", service_types=None, budget_min: float | None = None,
                       top_share: float = 0.2, poor_coverage: float = 0.5, settings: dict | None = None,
                       travel=None, providers: pd.DataFrame | None = None, demand=None) -> pd.DataFrame:
    """"Weiße Flecken": need (the MSS status index, or any indicator key such as 'sgb2_quote') × the share of
    the target group *not* within reach of any provider of ``service_types`` (all providers if None).

    Columns: area_key, name, need, need_score, coverage_share, gap, need_gap, rank, weisser_fleck,
    uncovered (≈ people out of reach, rounded to tens; NaN where the count is suppressed).
    ``providers``/``demand`` as in ``coverage_for_store``.
    """
    s, travel, budget = _setup(settings, travel, budget_min, con)
    areas, demand = demand or load_demand(con, level, period, target_indicator, spacing_m=s["demand_grid_m"],
                                          threshold=s["suppression_threshold"])
    prov = _providers(con, service_types, providers).assign(service_type="alle")
    cov = coverage_by_type(demand, prov, travel, budget, service_types=["alle"]).per_area.set_index("area_key")
    ranking = need_gap_ranking(_need(con, level, period, need, s["suppression_threshold"]), cov["share"],
                               top_share=top_share, poor_coverage=poor_coverage)
    ranking = ranking[ranking["area_key"].isin(set(areas["area_key"]))]
    pub = published_counts(con, level, period, target_indicator, threshold=s["suppression_threshold"])
    ranking["uncovered"] = round_people(ranking["area_key"].map(pub).to_numpy(dtype="float64")
                                        * ranking["gap"].to_numpy(dtype="float64"))
    ranking.insert(1, "name", ranking["area_key"].map(dict(zip(areas["area_key"], areas["name"]))))
    return ranking.reset_index(drop=True)


__all__ = ["load_demand", "coverage_for_store", "fca_for_store", "need_gap_for_store"]
