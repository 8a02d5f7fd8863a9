"""``sozialraum site``: choose sites on a store (``--db``, the same ``plan_sites`` as the app's page) or from two
CSV files (batch use and checks against other tools).

Store mode: ``--db FILE --level L --target INDICATOR --model mclp|pmedian|lscp --k 8 --budget 15 --out sites.csv``
writes the chosen sites with their explanation (people rounded to tens, as on the page) and prints one JSON line
with the status, the proven ``gap``, the ``k_curve`` and the ``timings`` (seconds per step and for the command).

File mode:

Travel: ``--mode walk|bike|car|transit`` measures reach on a street network: with ``--db`` the store's own network
(``sozialraum network build``), or the network of ``--osm FILE.pbf`` (``--gtfs FILE.zip`` for transit), built for
the run into a cache folder and reused (``sozialraum.network.run_cache``). Without a network for the mode the
straight line is used; the JSON line names the model that ran (``travel_model``: "Luftlinie …" or
"Straßennetz (…)").

Distances: straight line in the files' metric CRS × ``--detour`` = network metres; a demand point is within
reach of a candidate when that network distance is at most ``--radius`` metres. p-median minimises the weighted
network metres to the nearest chosen site (exact: it starts from each point's ``pmedian_nearest`` nearest
candidates and widens the lists until the answer is proven optimal, see ``sozialraum.siting.pmedian``).
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from sozialraum.errors import InputError, Problem


def _read_points(path: Path, columns: list[str]):
    import numpy as np
    import pandas as pd

    name = path.name
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", sep=None, engine="python")
    except FileNotFoundError:
        raise InputError(f"Datei nicht gefunden: {path}", file=name) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InputError(f"Datei nicht lesbar ({exc})", file=name) from None
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError([Problem(name, f"Spalte fehlt (erwartet: {', '.join(columns)})", column=c) for c in missing])
    if frame.empty:
        raise InputError("Die Datei enthält keine Datenzeilen.", file=name)
    problems: list[Problem] = []
    ids = frame["id"].str.strip()
    for i in np.flatnonzero((ids == "").to_numpy()):
        problems.append(Problem(name, "leere ID", row=int(i) + 2, column="id"))
    for i in np.flatnonzero(ids.duplicated(keep="first").to_numpy() & (ids != "").to_numpy()):
        problems.append(Problem(name, f"doppelte ID {ids.iloc[i]!r}", row=int(i) + 2, column="id"))
    out = pd.DataFrame({"id": ids})
    for col in columns[1:]:
        raw = frame[col].str.strip().str.replace(",", ".", regex=False)
        values = pd.to_numeric(raw, errors="coerce")
        for i in np.flatnonzero(~np.isfinite(values.to_numpy(dtype="float64"))):
            problems.append(Problem(name, f"keine Zahl: {frame[col].iloc[i]!r}", row=int(i) + 2, column=col))
        if col == "weight":
            for i in np.flatnonzero((values < 0).to_numpy()):
                problems.append(Problem(name, f"negatives Gewicht {values.iloc[i]:g}", row=int(i) + 2, column=col))
        out[col] = values
    if problems:
        raise InputError(problems)
    return out


@click.command("site")
@click.option("--db", "db", type=click.Path(path_type=Path), default=None,
              help="Datenbank-Modus: Datenordner einer Stadt oder DuckDB-Datei (mit --level und --target), wie die "
                   "Seite Standortplanung.")
@click.option("--level", default=None, help="Datenbank-Modus: Gebietsebene, z. B. berlin_plr.")
@click.option("--target", default=None, help="Datenbank-Modus: Zielgruppe (Indikator mit Fallzahlen), z. B. rlb.")
@click.option("--period", default=None, help="Datenbank-Modus: Stichtag (Standard: der jüngste der Zielgruppe).")
@click.option("--budget", type=click.FloatRange(min=0), default=None,
              help="Zeitbudget in Minuten mit dem Verkehrsmittel (Standard: Einstellung; im Datei-Modus mit --mode "
                   "statt --radius).")
@click.option("--mode", type=click.Choice(["luftlinie", "walk", "bike", "car", "transit"]), default=None,
              help="Verkehrsmittel: auf dem Straßennetz der Datenbank (--db) oder von --osm/--gtfs; ohne Netz "
                   "Luftlinie (Standard: Einstellung travel_mode).")
@click.option("--osm", "osm_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="OpenStreetMap-Auszug (.osm.pbf): für diesen Lauf gebautes Straßennetz (zwischengespeichert).")
@click.option("--gtfs", "gtfs_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="GTFS-Fahrplan (.zip) für --mode transit (mit --osm).")
@click.option("--epsg", type=int, default=None,
              help="Datei-Modus mit --osm: EPSG-Code des metrischen CRS der Dateien, z. B. 25832.")
@click.option("--set", "overrides", multiple=True, metavar="NAME=WERT",
              help="Datenbank-Modus: eine Einstellung überschreiben, z. B. --set demand_grid_m=500 (mehrfach).")
@click.option("--demand", "demand_path", default=None, type=click.Path(path_type=Path),
              help="Datei-Modus: CSV mit id,x,y,weight (metrisches CRS).")
@click.option("--candidates", "candidates_path", default=None, type=click.Path(path_type=Path),
              help="Datei-Modus: CSV mit id,x,y der möglichen Standorte (gleiches CRS).")
@click.option("--model", type=click.Choice(["mclp", "pmedian", "lscp", "mclp_cap"]), required=True,
              help="mclp = maximale Abdeckung, pmedian = kürzeste Wege, lscp = wenigste Standorte für alle, "
                   "mclp_cap = Abdeckung im Rahmen der Kapazitäten (nur Datenbank-Modus).")
@click.option("--k", "k", type=click.IntRange(min=0), default=None,
              help="Zahl NEUER Standorte zusätzlich zu --fixed (für mclp und pmedian).")
@click.option("--radius", type=click.FloatRange(min=0), default=None,
              help="Datei-Modus: Reichweite in Metern Wegstrecke (Luftlinie × Umwegfaktor).")
@click.option("--detour", type=click.FloatRange(min=1.0), default=None, help="Umwegfaktor (Standard: Einstellung).")
@click.option("--fixed", default="", help="Kommagetrennte IDs von Kandidaten, die in jedem Fall gesetzt sind.")
@click.option("--time-limit", "time_limit", type=click.FloatRange(min=0.1), default=None,
              help="Zeitlimit des Optimierers in Sekunden (Standard: Einstellung).")
@click.option("--out", "out_path", required=True, type=click.Path(path_type=Path), help="Ausgabe-CSV der Standorte.")
def site(db, level, target, period, budget, mode, osm_path, gtfs_path, epsg, overrides, demand_path, candidates_path,
         model, k, radius, detour, fixed, time_limit, out_path):
    """Standorte wählen, auf der Datenbank (--db, --level, --target, --budget) oder aus zwei CSV-Dateien
    (--demand id,x,y,weight und --candidates id,x,y in einem metrischen CRS, --radius).

    Datenbank-Modus: dieselbe Rechnung wie die Seite Standortplanung (Kandidatenorte, Jobcenter fest).
    Datei-Modus: erreichbar ist, was höchstens --radius Meter Wegstrecke entfernt ist (Luftlinie × --detour).
    Schreibt die gewählten Standorte nach --out und gibt eine JSON-Zeile mit dem Ergebnis aus.

    Echte Reisezeiten: --mode walk|bike|car|transit rechnet auf dem Straßennetz der Datenbank oder eines mit --osm
    (und --gtfs) für diesen Lauf gebauten Netzes; die JSON-Zeile nennt das Wegmodell (travel_model), ohne Netz
    „Luftlinie“.
    """
    net = (mode, osm_path, gtfs_path)
    if gtfs_path is not None and mode != "transit":
        raise click.UsageError("--gtfs gilt nur mit --mode transit.")
    if mode == "transit" and osm_path is not None and gtfs_path is None:
        raise click.UsageError("Für --mode transit mit --osm wird der Fahrplan gebraucht: --gtfs FILE.zip.")
    if osm_path is not None and mode == "luftlinie":
        raise click.UsageError("--osm passt nicht zu --mode luftlinie.")
    if db is not None:
        _site_store(db, level, target, period, budget, model, k, detour, time_limit, out_path, overrides, net)
        return
    if model == "mclp_cap":
        raise click.UsageError("Das Modell mclp_cap braucht die Ortstypen der Datenbank: bitte mit --db rechnen.")
    on_network = osm_path is not None
    if mode not in (None, "luftlinie") and not on_network:
        raise click.UsageError(f"--mode {mode} braucht im Datei-Modus ein Straßennetz: --osm FILE.pbf (oder --db).")
    if demand_path is None or candidates_path is None or (radius is None and not on_network):
        raise click.UsageError("Bitte --db mit --level und --target (Datenbank) oder --demand, --candidates und "
                               "--radius (Dateien) angeben.")
    if on_network and (budget is None or epsg is None):
        raise click.UsageError("Im Datei-Modus mit --osm werden --budget (Minuten) und --epsg (CRS der Dateien) "
                               "gebraucht.")
    import numpy as np
    import pandas as pd

    from sozialraum.access.travel import WalkingModel
    from sozialraum.settings import default
    from sozialraum.siting.models import solve_lscp, solve_mclp, solve_pmedian_refined

    demand = _read_points(demand_path, ["id", "x", "y", "weight"])
    cands = _read_points(candidates_path, ["id", "x", "y"])
    if model in ("mclp", "pmedian") and k is None:
        raise click.UsageError(f"--k fehlt: Für das Modell {model} bitte die Zahl neuer Standorte angeben.")
    index = {cid: j for j, cid in enumerate(cands["id"])}
    wanted = [s.strip() for s in fixed.split(",") if s.strip()]
    unknown = [s for s in wanted if s not in index]
    if unknown:
        raise InputError(f"--fixed: unbekannte Kandidaten-ID(s) {', '.join(unknown)} (nicht in {candidates_path.name})")
    fixed_idx = sorted({index[s] for s in wanted})
    detour = float(detour if detour is not None else default("detour_factor"))
    dxy, cxy = demand[["x", "y"]].to_numpy(), cands[["x", "y"]].to_numpy()
    w = demand["weight"].to_numpy(dtype="float64")
    extra = {}
    if on_network:
        travel, extra = _file_network(net, np.concatenate([dxy, cxy]), epsg, budget)
        radius = float(budget)
    else:
        # 1 m/min: the "minutes" of this model are network metres
        travel = WalkingModel(detour=detour, speed_kmh=0.06)
    cover = travel.minutes(dxy, cxy, radius)
    if model == "mclp":
        res = solve_mclp(cover, w, k, fixed=fixed_idx, time_limit=time_limit)
    elif model == "lscp":
        res = solve_lscp(cover, fixed=fixed_idx, time_limit=time_limit, weights=w, demand_ids=demand["id"].tolist())
    else:
        res = solve_pmedian_refined(travel, dxy, cxy, w, k, fixed=fixed_idx, nearest=int(default("pmedian_nearest")),
                                    time_limit=time_limit, budget=radius)
    # weight served per chosen site: demand points assigned to their nearest chosen site within the radius
    assigned, _ = _nearest_within(cover, res.selected)
    served = np.bincount(assigned[assigned >= 0], weights=w[assigned >= 0], minlength=len(cands))
    out = cands.iloc[list(res.selected)].copy()
    out["fixed"] = [j in set(fixed_idx) for j in res.selected]
    out["covered_weight"] = served[list(res.selected)]
    out_path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(out).to_csv(out_path, index=False)
    click.echo(json.dumps({
        "model": model, "selected": out["id"].tolist(), "fixed": [cands["id"].iloc[j] for j in fixed_idx],
        "k": k, "covered_weight": res.covered_weight, "total_weight": res.total_weight,
        "covered_share": None if res.total_weight == 0 else res.covered_share, "objective": res.objective,
        "solve_seconds": round(res.solve_seconds, 4), "status": res.status, "gap": res.gap,
        "radius_m": None if on_network else radius, "budget_min": radius if on_network else None,
        "detour": detour, "n_demand": len(demand), "n_candidates": len(cands), "n_unassigned": res.n_unassigned,
        "mode": extra.get("mode", "luftlinie"), "travel_model": extra.get("travel_model", "Luftlinie (Wegstrecke = "
                                                                          f"Luftlinie × {detour:g})"),
        **{k_: v for k_, v in extra.items() if k_ not in ("mode", "travel_model")},
    }, ensure_ascii=False))


def _file_network(net, xy, epsg: int, budget: float):
    """File mode with --osm: the network of the run, clipped to the points plus what the mode can reach."""
    from pyproj import Transformer

    from sozialraum.access.travel import NetworkModel, TransitModel, travel_label
    from sozialraum.network.osrm_engine import PROFILE_MAX_SPEED_KMH
    from sozialraum.network.run_cache import network_for_run
    from sozialraum.settings import default

    mode, osm_path, gtfs_path = net
    mode = mode or str(default("travel_mode"))
    if mode == "luftlinie":
        mode = "walk"
    try:
        t = Transformer.from_crs(int(epsg), 4326, always_xy=True)
    except Exception as exc:  # noqa: BLE001 - pyproj raises its own CRSError
        raise InputError(f"--epsg {epsg}: unbekanntes Koordinatensystem ({exc})") from None
    lon, lat = t.transform(xy[:, 0], xy[:, 1])
    margin = 2000.0 + min(budget, 120) * PROFILE_MAX_SPEED_KMH.get(mode, 60.0) * 1000.0 / 60.0 * 0.25
    import numpy as np

    lat0 = float(np.mean(lat))
    dlon, dlat = margin / (111_320.0 * np.cos(np.radians(lat0))), margin / 110_574.0
    box = (float(np.min(lon)) - dlon, float(np.min(lat)) - dlat, float(np.max(lon)) + dlon, float(np.max(lat)) + dlat)
    info, reused = network_for_run(osm_path, gtfs_path, box=box, epsg=int(epsg), modes=(mode,))
    if mode == "transit":
        from sozialraum.access.travel import transit_departure

        depart = transit_departure(info.transit_dates[0], str(default("transit_weekday")),
                                   str(default("transit_depart")))
        travel = TransitModel(info.path, depart=depart, max_walk_m=float(default("transit_max_walk_m")))
    else:
        speed = {"walk": default("walking_speed_kmh"), "bike": default("cycling_speed_kmh")}.get(mode)
        travel = NetworkModel(info.path, mode, speed_kmh=speed, access_kmh=float(default("walking_speed_kmh")))
    return travel, {"mode": mode, "travel_model": travel_label(travel), "network": str(info.path),
                    "network_reused": reused}


def _store_travel(con, settings: dict, net):
    """The travel model of a store run: ``--osm``/``--gtfs`` (built for the run, cached) or the store's own
    network for ``--mode``; the straight line when there is none. Returns (model, facts for the JSON line)."""
    from sozialraum.access.travel import WalkingModel, model_from_settings, travel_label
    from sozialraum.network import store_network_dir
    from sozialraum.network.build import store_box
    from sozialraum.settings import resolve
    from sozialraum.store.connection import metric_epsg

    mode, osm_path, gtfs_path = net
    if mode is not None:
        settings["travel_mode"] = mode
    mode = str(resolve(settings)["travel_mode"])
    reused = None
    if osm_path is not None:
        from sozialraum.network.run_cache import network_for_run

        mode = "walk" if mode == "luftlinie" else mode
        settings["travel_mode"] = mode
        box = store_box(con)
        if box is None:
            raise InputError("Die Datenbank hat keine Gebiete, auf die das Straßennetz zugeschnitten werden kann.")
        info, reused = network_for_run(osm_path, gtfs_path, box=box, epsg=int(metric_epsg(con)), modes=(mode,))
        network_dir = info.path
    else:
        network_dir = store_network_dir(con)
    travel = model_from_settings(settings, network_dir=network_dir)
    used = "luftlinie" if isinstance(travel, WalkingModel) else mode
    if used != mode:
        click.echo(f"Hinweis: Für {mode!r} ist kein Straßennetz da – gerechnet wird mit Luftlinie "
                   "(`sozialraum network build` oder --osm).", err=True)
    facts = {"mode": used, "travel_model": travel_label(travel),
             "network": str(network_dir) if used != "luftlinie" and network_dir is not None else None}
    if reused is not None:
        facts["network_reused"] = reused
    return travel, facts


def _site_store(db, level, target, period, budget, model, k, detour, time_limit, out_path, overrides=(),
                net=(None, None, None)):
    import time

    started = time.perf_counter()
    from sozialraum.settings import default
    from sozialraum.siting.plan import plan_sites
    from sozialraum.store import connect, read

    if not (level and target):
        raise click.UsageError("Im Datenbank-Modus werden --level und --target gebraucht.")
    if model in ("mclp", "pmedian", "mclp_cap") and k is None:
        raise click.UsageError(f"--k fehlt: Für das Modell {model} bitte die Zahl neuer Standorte angeben.")
    settings = _overrides(overrides)
    if detour is not None:
        settings["detour_factor"] = float(detour)
    if time_limit is not None:
        settings["solver_time_limit_s"] = float(time_limit)
    budget = float(budget if budget is not None else default("travel_budget_min"))
    con = connect(db, read_only=True)
    try:
        if period is None:
            periods = read.periods(con, indicator=target, level=level)
            if not periods:
                raise InputError(f"Für die Zielgruppe {target!r} gibt es auf Ebene {level!r} keine Werte.")
            period = periods[-1]
        travel, facts = _store_travel(con, settings, net)
        plan = plan_sites(con, level=level, period=period, target_indicator=target, budget_min=budget,
                          k=int(k or 0), model=model, settings=settings, travel=travel)
    finally:
        con.close()
    table = plan.sites.merge(plan.explanation[["id", "n_areas", "areas", "n_partners", "partners"]], on="id",
                             how="left")
    out_path.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(out_path, index=False)
    s = plan.summary
    timings = {name: round(float(v), 3) for name, v in plan.extra.get("timings", {}).items()}
    timings["command_s"] = round(time.perf_counter() - started, 3)
    curve = [{"k": int(r.k), "covered_share": float(r.covered_share), "covered": _num(r.covered),
              "added": _num(r.added), "new_sites": r.new_sites} for r in plan.k_curve.itertuples()]
    click.echo(json.dumps({
        "model": model, "level": level, "target": target, "period": period, "budget_min": budget, "k": k,
        **facts,
        "status": s["status"], "gap": s["gap"], "selected": plan.sites["id"].astype(str).tolist(),
        "new_sites": plan.sites.loc[~plan.sites["fixed"].astype(bool), "id"].astype(str).tolist(),
        "covered_share": s["covered_share"], "covered": _num(s["covered"]), "total": _num(s["total"]),
        "objective": s["objective"], "k_curve": curve, "k_curve_status": s.get("k_curve_status"),
        "k_curve_max_gap": s.get("k_curve_max_gap"), "timings": timings,
        "n_demand_points": s["n_demand_points"], "n_model_rows": s.get("n_model_rows"),
        "n_candidates": s["n_candidates"], "n_fixed": s["n_fixed"],
        "caseload": [{"id": str(r.id), "group": r.group, "people": _num(r.people),
                      "staff_hours_week": _num(r.staff_hours_week), "capacity": _num(r.capacity)}
                     for r in plan.caseload.itertuples()],
    }, ensure_ascii=False))


def _overrides(items) -> dict:
    from sozialraum.settings import SETTINGS

    out = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or name not in SETTINGS:
            raise InputError(f"--set {item!r}: erwartet NAME=WERT mit einer bekannten Einstellung "
                             "(siehe README, Tabelle der Einstellungen).")
        try:
            out[name] = float(value.replace(",", "."))
        except ValueError:
            raise InputError(f"--set {item!r}: {value!r} ist keine Zahl.") from None
    return out


def _num(value):
    """A rounded people figure for JSON (NaN → null)."""
    import math

    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def _nearest_within(cover, selected):
    from sozialraum.siting.models import nearest_assignment

    return nearest_assignment(cover, selected)
