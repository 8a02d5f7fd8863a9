"""Build the fictional rural demo Kreis "Musterkreis" into a store: one fictional source, all-or-nothing, and its
road network (OSM) and bus timetable (GTFS) beside the store file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sozialraum.demo.network import network_dir
from sozialraum.demo.population import PERIODS
from sozialraum.demo.providers import to_points
from sozialraum.demo_kreis import layout as kl
from sozialraum.demo_kreis import people, places
from sozialraum.demo_kreis.names import KREIS, PlaceNames
from sozialraum.demo_kreis.plan import EPSG, make_plan
from sozialraum.store.write import Batch, SourceInfo, replace_source

DEFAULT_SEED = 2024
SOURCE_ID = "musterkreis"
HIERARCHY = "musterkreis"
OSM_FILE = "musterkreis.osm.pbf"
GTFS_FILE = "musterkreis-gtfs.zip"
LEVELS = pd.DataFrame({
    "level": ["mk_ortsteil", "mk_gemeinde", "mk_kreis"],
    "label": ["Ortsteil", "Gemeinde", "Kreis"],
    "hierarchy": [HIERARCHY] * 3,
    "rank": [0, 1, 2],
    "parent_level": ["mk_gemeinde", "mk_kreis", None],
})


@dataclass(frozen=True)
class Kreis:
    batch: Batch
    info: dict
    plan: object
    layout: kl.KreisLayout


def source_info() -> SourceInfo:
    return SourceInfo(
        source_id=SOURCE_ID,
        title=f"{KREIS} – fiktive Demodaten (ländlicher Kreis)",
        publisher="Sozialraum-Projekt (generiert)",
        licence="CC0",
        attribution=f"Fiktive, vom Programm erzeugte Daten. Den {KREIS}, seine Gemeinden, Träger und Buslinien gibt "
                    "es nicht; Ähnlichkeiten mit realen Orten und Einrichtungen sind zufällig.",
        reference_date=", ".join(PERIODS),
        fictional=True,
    )


def _areas(lay: kl.KreisLayout):
    import geopandas as gpd

    frame = pd.concat([
        lay.ortsteile.assign(level="mk_ortsteil"),
        lay.gemeinden.assign(level="mk_gemeinde"),
        lay.kreis.assign(level="mk_kreis", parent_key=None),
    ], ignore_index=True)[["level", "key", "name", "parent_key", "geometry"]].rename(columns={"key": "area_key"})
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=f"EPSG:{EPSG}")


def _observations(res: pd.DataFrame, sgb: pd.DataFrame) -> pd.DataFrame:
    wide = res.drop(columns=["ew_15_24"]).merge(sgb, on=["key", "period"])
    long = wide.melt(id_vars=["key", "period"], var_name="indicator", value_name="value")
    long = long.rename(columns={"key": "area_key"}).assign(level="mk_ortsteil", numerator=np.nan,
                                                           denominator=np.nan, flag=None)
    long["value"] = long["value"].astype(float)
    return long[["level", "area_key", "indicator", "period", "value", "numerator", "denominator", "flag"]]


def generate(seed: int = DEFAULT_SEED) -> Kreis:
    """The Musterkreis without touching a store: the batch, facts, and the plan and layout (for the network)."""
    rng = np.random.default_rng([seed, 1])  # not Musterstadt's stream: a different place
    names = PlaceNames(rng)
    plan = make_plan(rng, names)
    lay = kl.make_layout(plan, rng, KREIS)
    res, sgb, _ = people.counts(lay.settlements, rng)
    placer = places.Placer(lay.settlements, lay.ortsteile, rng)
    prov = places.make_providers(lay.settlements, placer, plan.town_names, rng)
    sites = places.make_jobcenter(lay.settlements, placer, plan.town_names)
    venues = places.make_venues(lay.settlements, lay.gemeinden, prov, placer, rng)
    prov = pd.concat([prov, places.jobcenter_as_providers(sites)], ignore_index=True)
    batch = Batch(
        levels=LEVELS.copy(),
        areas=_areas(lay),
        observations=_observations(res, sgb),
        points={"providers": to_points(prov.drop(columns="ortsteil")),
                "jobcenter_sites": to_points(sites.drop(columns="ortsteil")),
                "candidate_venues": to_points(venues.drop(columns="ortsteil"))},
    )
    last = PERIODS[-1]
    res_last, sgb_last = res[res.period == last], sgb[sgb.period == last]
    town_keys = set(lay.gemeinden.key[lay.gemeinden.town >= 0])
    info = {
        "seed": seed,
        "source_id": SOURCE_ID,
        "levels": {"mk_ortsteil": len(lay.ortsteile), "mk_gemeinde": len(lay.gemeinden), "mk_kreis": 1},
        "periods": list(PERIODS),
        "residents": int(res_last.ew_gesamt.sum()),
        "recipients": int(sgb_last.rlb.sum()),
        "sgb2_rate": float(sgb_last.rlb.sum() / res_last.ew_gesamt.sum() * 100),
        "towns": list(plan.town_names),
        "town_gemeinden": sorted(town_keys),
        "industrial_villages": lay.settlements.key[lay.settlements.industrial].tolist(),
        "providers": len(prov),
        "providers_by_type": prov.service_type.value_counts().sort_index().to_dict(),
        "jobcenter_sites": len(sites),
        "venues": len(venues),
        "venues_by_type": venues.venue_type.value_counts().sort_index().to_dict(),
    }
    return Kreis(batch, info, plan, lay)


def build_kreis(con, seed: int = DEFAULT_SEED) -> tuple[dict, Kreis]:
    """Write the Musterkreis into the open store ``con`` (replacing an earlier one)."""
    import time

    start = time.perf_counter()
    kreis = generate(seed)
    info = dict(kreis.info)
    info["written"] = replace_source(con, source_info(), kreis.batch)
    info["seconds"] = time.perf_counter() - start
    return info, kreis


def write_network(directory: str | Path, kreis: Kreis) -> dict:
    """``musterkreis.osm.pbf`` and ``musterkreis-gtfs.zip`` in ``directory``; facts about them."""
    from sozialraum.demo.gtfs import write_feed
    from sozialraum.demo_kreis import bus, roads
    from sozialraum.io.osm_write import write_osm

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    net = roads.build_roads(kreis.plan, kreis.layout.settlements, kreis.info["seed"])
    nodes, ways, node_tags = roads.to_osm(net, kreis.layout.settlements)
    write_osm(directory / OSM_FILE, nodes, ways, node_tags=node_tags, generator="sozialraum demo --kreis (fiktiv)")
    feed = bus.build_feed(net, kreis.layout.settlements, kreis.plan.town_names, kreis.info["seed"])
    write_feed(directory / GTFS_FILE, feed)
    return {"osm": str(directory / OSM_FILE), "gtfs": str(directory / GTFS_FILE),
            **{k: v for k, v in net.facts.items() if k != "junction_index"}, "bus": feed.facts}


def build_kreis_db(path: str | Path, seed: int = DEFAULT_SEED, overwrite: bool = True, force: bool = False,
                   routing: bool = True) -> dict:
    """Create the store file at ``path`` with the Musterkreis — as safely as Musterstadt's
    (``sozialraum.demo.build.build_store_file``: a new file built beside it and renamed over it; a store in use,
    or one with other data unless ``force``, is refused) — and write its network files into ``network_dir(path)``.

    With ``routing`` (default) the routing network is built from those files through the same path as a
    planner's own extract (``sozialraum.network.build_network``: walk, bike and car with OSRM MLD, public
    transport from the GTFS feed with Valhalla) and recorded as the fictional source ``osm_netz``; the rota and
    the rural reach then use car minutes on the roads and the bus timetable. A planner's own network in the same
    store is never replaced."""
    import time

    from sozialraum.demo.build import build_store_file

    def build(con):
        info, kreis = build_kreis(con, seed)
        start = time.perf_counter()
        info["network"] = write_network(network_dir(path), kreis)
        info["network_seconds"] = time.perf_counter() - start
        own = con.execute("SELECT count(*) FROM sources WHERE source_id = 'osm_netz' AND NOT fictional").fetchone()[0]
        if routing and not own:
            from sozialraum.network import build_network

            start = time.perf_counter()
            built = build_network(info["network"]["osm"], info["network"]["gtfs"], con=con,
                                  out_dir=network_dir(path), fictional=True, algorithm="MLD")
            info["routing"] = {"modes": list(built.modes), "build_seconds": dict(built.build_seconds)}
            info["routing_seconds"] = time.perf_counter() - start
        return info

    return build_store_file(path, build, overwrite=overwrite, force=force, source_id=SOURCE_ID,
                            label=f"den {KREIS}")


def build_and_describe(db_path: str | None, seed: int | None, keep_other_sources: bool,
                       force: bool = False) -> list[str]:
    """What ``sozialraum demo --kreis`` does: build the store (default: ``musterkreis.duckdb`` beside the default
    database) and describe it in German lines."""
    from sozialraum.store import default_db_path

    path = Path(db_path) if db_path else default_db_path().with_name("musterkreis.duckdb")
    info = build_kreis_db(path, seed=DEFAULT_SEED if seed is None else seed, overwrite=not keep_other_sources,
                          force=force)
    return summary(info, path)


def summary(info: dict, path) -> list[str]:
    """German lines for the command line."""
    from sozialraum.formatting import format_number

    lv, net = info["levels"], info["network"]
    return [
        f"{KREIS} (fiktive Demodaten, Startwert {info['seed']}) in {path} angelegt "
        f"({format_number(info['seconds'], 1)} s, Netz {format_number(info['network_seconds'], 1)} s).",
        f"  Gebiete: {lv['mk_gemeinde']} Gemeinden mit {lv['mk_ortsteil']} Ortsteilen; Städte mit Jobcenter: "
        f"{', '.join(info['towns'])}",
        f"  Einwohner/innen ({info['periods'][-1]}): {format_number(info['residents'], 0)}; "
        f"Regelleistungsberechtigte SGB II: {format_number(info['recipients'], 0)} "
        f"(SGB-II-Quote {format_number(info['sgb2_rate'], 1)} %)",
        f"  Angebote: {info['providers']}; mögliche Sprechstundenorte: {info['venues']}",
        f"  Straßennetz (OSM) und Busfahrplan (GTFS, {net['bus']['lines']} Linien): {Path(net['osm']).parent}",
        *([f"  Routing-Netz gebaut ({', '.join(info['routing']['modes'])}; "
           f"{format_number(info['routing_seconds'], 1)} s): Auto über Straßen, Bus nach Fahrplan"]
          if info.get("routing") else []),
        f"Hinweis: Den {KREIS} gibt es nicht. Alle Zahlen, Namen, Träger und Fahrpläne sind erfunden.",
    ]
