"""Build the fictional demo city Musterstadt into a store: one source, written all-or-nothing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sozialraum.demo import population, providers, sgb2
from sozialraum.demo.layout import Layout, make_layout
from sozialraum.demo.network import network_dir, write_demo_network
from sozialraum.demo.plan import EPSG, ESTATE, HOT_INNER, make_plan
from sozialraum.store.write import Batch, SourceInfo, replace_source

DEFAULT_SEED = 2024
SOURCE_ID = "musterstadt"
HIERARCHY = "musterstadt"
LEVELS = pd.DataFrame({
    "level": ["ms_planungsraum", "ms_stadtteil", "ms_region"],
    "label": ["Planungsraum", "Stadtteil", "Region"],
    "hierarchy": [HIERARCHY] * 3,
    "rank": [0, 1, 2],
    "parent_level": ["ms_stadtteil", "ms_region", None],
})
FOCUS_THRESHOLD = 0.3  # a Planungsraum belongs to an estate / the inner-city quarter above this zone weight


def source_info() -> SourceInfo:
    return SourceInfo(
        source_id=SOURCE_ID,
        title="Musterstadt – fiktive Demodaten",
        publisher="Sozialraum-Projekt (generiert)",
        licence="CC0",
        attribution="Fiktive, vom Programm erzeugte Daten. Musterstadt gibt es nicht; Ähnlichkeiten mit realen "
                    "Orten, Trägern und Einrichtungen sind zufällig.",
        reference_date=", ".join(population.PERIODS),
        fictional=True,
    )


def _areas(layout: Layout):
    import geopandas as gpd

    parts = [
        layout.plr.assign(level="ms_planungsraum"),
        layout.stadtteile.assign(level="ms_stadtteil"),
        layout.regionen.assign(level="ms_region", parent_key=None),
    ]
    frame = pd.concat([p[["level", "key", "name", "parent_key", "geometry"]] for p in parts], ignore_index=True)
    frame = frame.rename(columns={"key": "area_key"})
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=f"EPSG:{EPSG}")


def _observations(res: pd.DataFrame, counts: pd.DataFrame) -> pd.DataFrame:
    wide = res.drop(columns=["ew_15_24"]).merge(counts, on=["key", "period"])
    long = wide.melt(id_vars=["key", "period"], var_name="indicator", value_name="value")
    long = long.rename(columns={"key": "area_key"}).assign(level="ms_planungsraum", numerator=np.nan,
                                                           denominator=np.nan, flag=None)
    long["value"] = long["value"].astype(float)
    return long[["level", "area_key", "indicator", "period", "value", "numerator", "denominator", "flag"]]


def generate(seed: int = DEFAULT_SEED) -> tuple[Batch, dict]:
    """Generate Musterstadt without touching a store: the batch to write and facts about it."""
    rng = np.random.default_rng(seed)
    plan = make_plan(rng)
    layout = make_layout(plan, rng)
    prof = population.quarter_profile(plan, layout)
    res = population.residents(prof, rng)
    counts, trends = sgb2.counts(prof, res, rng)

    last = population.PERIODS[-1]
    res24 = res[res.period == last].set_index("key").loc[prof.key].reset_index()
    sgb24 = counts[counts.period == last]
    st_names = dict(zip(layout.stadtteile.key, layout.stadtteile.name))
    region_names = dict(zip(layout.regionen.key, layout.regionen.name))
    placer = providers.Placer(layout, rng)
    prov = providers.make_providers(plan, layout, prof, res24, placer, st_names, rng)
    sites = providers.make_jobcenter(layout, prof, sgb24, placer, region_names)
    venues = providers.make_venues(prov, layout, res24, placer, region_names, rng)
    prov = pd.concat([prov, providers.jobcenter_as_providers(sites)], ignore_index=True)

    batch = Batch(
        levels=LEVELS.copy(),
        areas=_areas(layout),
        observations=_observations(res, counts),
        points={"providers": providers.to_points(prov.drop(columns="plr_key")),
                "jobcenter_sites": providers.to_points(sites.drop(columns="plr_key")),
                "candidate_venues": providers.to_points(venues.drop(columns="plr_key"))},
    )
    focus = prof.key[(prof.estate > FOCUS_THRESHOLD) | (prof.hot_inner > FOCUS_THRESHOLD)].tolist()
    info = {
        "seed": seed,
        "source_id": SOURCE_ID,
        "levels": {"ms_planungsraum": len(layout.plr), "ms_stadtteil": len(layout.stadtteile),
                   "ms_region": len(layout.regionen)},
        "periods": list(population.PERIODS),
        "residents": int(res24.ew_gesamt.sum()),
        "recipients": int(sgb24.rlb.sum()),
        "sgb2_rate": float(sgb24.rlb.sum() / res24.ew_gesamt.sum() * 100),
        "providers": int(len(prov)),
        "providers_by_type": prov.service_type.value_counts().sort_index().to_dict(),
        "jobcenter_sites": int(len(sites)),
        "venues": int(len(venues)),
        "estates": [z.name for z in plan.zones_of(ESTATE)],
        "inner_city_quarter": [z.name for z in plan.zones_of(HOT_INNER)],
        "focus_areas": focus,  # Planungsräume in the estates and the inner-city quarter
        "improving_stadtteile": [str(k) for k in trends.improving],
        "worsening_stadtteile": [str(k) for k in trends.worsening],
    }
    return batch, info


def build_demo(con, seed: int = DEFAULT_SEED) -> dict:
    """Write Musterstadt into the open store ``con`` (replacing an earlier demo) and return facts about it."""
    import time

    start = time.perf_counter()
    batch, info = generate(seed)
    info["written"] = replace_source(con, source_info(), batch)
    info["seconds"] = time.perf_counter() - start
    return info


def build_demo_db(path: str | Path, seed: int = DEFAULT_SEED, overwrite: bool = True, force: bool = False,
                  street_network: bool = True) -> dict:
    """Create the store file at ``path`` with Musterstadt (see ``build_store_file`` for ``overwrite`` and
    ``force``). The street network and the GTFS feed are written beside it (``network_dir(path)``); with
    ``street_network`` the routing network is built from that OSM file through
    ``sozialraum.network.build_network`` (as for a planner's own extract) and recorded in the store as the
    fictional source ``osm_netz`` (and its timetable as ``oepnv_fahrplan``)."""
    def build(con):
        info = build_demo(con, seed=seed)
        _networks(con, Path(path), seed, info, street_network)
        return info

    return build_store_file(path, build, overwrite=overwrite, force=force)


def _networks(con, path: Path, seed: int, info: dict, street_network: bool) -> None:
    """Write the demo's OSM and GTFS files beside ``path`` and (``street_network``) build the routing network
    from them into the store ``con`` (MLD: the generated street grid contracts very slowly with CH, see
    docs/ROUTING.md)."""
    import time

    info["network"] = write_demo_network(network_dir(path), seed)  # street network (OSM) and GTFS beside it
    own = con.execute("SELECT count(*) FROM sources WHERE source_id = 'osm_netz' AND NOT fictional").fetchone()[0]
    if street_network and not own:  # a planner's own network in the same store is never replaced by the demo's
        from sozialraum.network import build_network

        start = time.perf_counter()
        # with the timetable: public transport ("ÖPNV") is built too (Valhalla, about 4 s; docs/ROUTING.md)
        info["street_network"] = build_network(info["network"]["osm"], info["network"]["gtfs"], con=con,
                                               out_dir=network_dir(path), fictional=True, algorithm="MLD")
        info["network_seconds"] = time.perf_counter() - start


def build_store_file(path: str | Path, build, *, overwrite: bool = True, force: bool = False,
                     source_id: str = SOURCE_ID, label: str = "die Musterstadt") -> dict:
    """Create the store file at ``path`` with a generated demo: ``build(con) -> dict`` writes it.

    With ``overwrite`` the file is replaced as a whole: the demo is built into a temporary file beside it and
    renamed over it atomically (a failed build leaves the old file as it was). Without ``overwrite`` only the
    demo's source is replaced inside the existing store (one transaction).

    Refused with ``InputError`` (nothing changed): a store another program holds open (e.g. the running app);
    with ``overwrite``, a store that holds sources other than the demo, or a file that is no DuckDB store —
    unless ``force``.
    """
    import os

    from sozialraum.store import connect
    from sozialraum.store.snapshots import current, is_plain_file, writing

    path = Path(path)
    if not is_plain_file(path):  # a store folder: a new snapshot (viewers keep theirs; the writer lock serialises)
        published = current(path)
        if overwrite and published is not None and not force:
            _refuse_other_sources(published.path, source_id, label)
        with writing(path, note="sozialraum demo", fresh=overwrite,
                     label=f"{label.split(' ', 1)[-1]} (fiktiv)") as con:
            return build(con)
    if not overwrite:
        _refuse_if_locked(path)
        con = connect(path)
        try:
            return build(con)
        finally:
            con.close()
    if path.exists() and path.stat().st_size > 0:
        _refuse_if_locked(path)
        if not force:
            _refuse_other_sources(path, source_id, label)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    for p in (tmp, tmp.with_name(tmp.name + ".wal")):
        if p.exists():
            p.unlink()
    try:
        con = connect(tmp)
        try:
            info = build(con)
        finally:
            con.close()
        wal = path.with_name(path.name + ".wal")
        if wal.exists():  # a WAL of the old file must never be replayed onto the new one
            wal.unlink()
        os.replace(tmp, path)
    finally:
        for p in (tmp, tmp.with_name(tmp.name + ".wal")):
            if p.exists():
                p.unlink()
    return info


def _refuse_if_locked(path: Path) -> None:
    """InputError when another program holds the store (DuckDB's file lock)."""
    import duckdb

    from sozialraum.errors import InputError
    from sozialraum.store.errors import is_lock_error, store_error_message

    if not path.exists():
        return
    try:
        duckdb.connect(str(path)).close()
    except duckdb.Error as exc:
        if is_lock_error(exc):
            raise InputError(store_error_message(exc, path)) from exc
        message = store_error_message(exc, path)
        if message:
            raise InputError(message) from exc
        # not a DuckDB file: reported by _refuse_other_sources unless forced


def _refuse_other_sources(path: Path, source_id: str = SOURCE_ID, label: str = "die Musterstadt") -> None:
    """InputError when the file holds data that is not the demo (or is no DuckDB store at all)."""
    import duckdb

    from sozialraum.errors import InputError

    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise InputError(f"{path} ist keine Sozialraum-Datenbank (DuckDB) und wird nicht überschrieben. Bitte "
                         "mit --db eine andere Datei angeben (oder --force, um sie zu ersetzen).") from exc
    try:
        try:
            rows = con.execute("SELECT source_id, title FROM sources WHERE source_id <> ? "
                               "AND NOT (source_id IN ('osm_netz', 'oepnv_fahrplan') AND fictional) ORDER BY 1",  # demo network
                               [source_id]).fetchall()
        except duckdb.Error:
            tables = con.execute("SELECT count(*) FROM information_schema.tables").fetchone()[0]
            rows = [("?", "Tabellen, die nicht vom Sozialraum-Dashboard stammen")] if tables else []
    finally:
        con.close()
    if rows:
        shown = ", ".join(f"{sid} ({title})" for sid, title in rows[:5]) + (" …" if len(rows) > 5 else "")
        raise InputError(f"Die Datenbank {path} enthält andere Daten als {label}: {shown}. Sie wird nicht "
                         "überschrieben. Für die Demo eine eigene Datei wählen (z. B. --db data/demo.duckdb), "
                         f"mit --keep-other-sources nur {label} hinzufügen oder mit --force alles "
                         "ersetzen.")
