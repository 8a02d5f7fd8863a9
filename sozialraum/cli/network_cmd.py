"""``sozialraum network build`` (the store's street network) and ``sozialraum travel-matrix`` (minutes between
two point lists on an OpenStreetMap extract)."""

from __future__ import annotations

from pathlib import Path

import click

MODES = ("walk", "bike", "car")


@click.group("network")
def network():
    """Straßennetz für echte Reisezeiten (zu Fuß, Fahrrad, Auto) aus einem OpenStreetMap-Auszug."""


@network.command("build")
@click.option("--db", "db_path", type=click.Path(), default=None,
              help="Datenordner einer Stadt oder Datenbankdatei (Standard: $SOZIALRAUM_DB, sonst data/musterstadt).")
@click.option("--osm", "osm_path", type=click.Path(exists=True, dir_okay=False), required=True,
              help="OpenStreetMap-Auszug (.osm.pbf, z. B. des Bundeslands oder Regierungsbezirks).")
@click.option("--gtfs", "gtfs_path", type=click.Path(exists=True, dir_okay=False), default=None,
              help="GTFS-Fahrplan (.zip) für ÖPNV (mit Valhalla gebaut).")
@click.option("--gtfs-lizenz", "gtfs_licence", default=None,
              help="Lizenz des Fahrplans, z. B. „CC BY 4.0“ (Standard: was feed_info.txt angibt); wird mit der "
                   "Quelle gespeichert und in Berichten genannt.")
@click.option("--margin", "margin_m", type=click.FloatRange(min=0), default=3000.0, show_default=True,
              help="Rand um die Gebiete der Datenbank in Metern (der Auszug wird darauf zugeschnitten).")
@click.option("--mode", "modes", type=click.Choice(MODES), multiple=True,
              help="Nur diese Verkehrsmittel bauen (Standard: alle).")
@click.option("--algorithm", type=click.Choice(["mld", "ch"]), default="ch", show_default=True,
              help="mld: schneller Bau (Sekunden); ch: langsamerer Bau, aber 2–4-mal schnellere große Matrizen.")
def build(db_path, osm_path, gtfs_path, gtfs_licence, margin_m, modes, algorithm):
    """Baut das Straßennetz neben der Datenbank (Ordner <datenbank>.network) und trägt es als Quelle ein
    (Lizenz ODbL, „© OpenStreetMap-Mitwirkende“); einen Fahrplan als Quelle „oepnv_fahrplan“ mit seiner Lizenz."""
    from sozialraum.network import build_network
    from sozialraum.store import default_db_path
    from sozialraum.store.snapshots import writing

    path = Path(db_path or default_db_path())
    if not path.exists():
        raise click.ClickException(f"Datenbank {path} gibt es nicht (zuerst Gebiete einlesen oder `sozialraum demo`).")
    with writing(path, note="sozialraum network build") as con:
        info = build_network(osm_path, gtfs_path, con=con, margin_m=margin_m, modes=tuple(modes) or MODES,
                             algorithm=algorithm.upper(), gtfs_licence=gtfs_licence)
    secs = ", ".join(f"{k} {v:.1f} s".replace(".", ",") for k, v in info.build_seconds.items())
    click.echo(f"Straßennetz ({', '.join(info.modes)}) in {info.path} gebaut ({secs}).")
    click.echo("Daten: © OpenStreetMap-Mitwirkende, Lizenz ODbL 1.0.")


@network.command("warm")
@click.option("--db", "db_path", type=click.Path(), default=None,
              help="Datenordner einer Stadt oder Datenbankdatei (Standard: $SOZIALRAUM_DB, sonst data/musterstadt).")
@click.option("--mode", "modes", type=click.Choice((*MODES, "transit")), multiple=True,
              help="Nur diese Verkehrsmittel (Standard: alle des Netzes, ÖPNV nur beim Standard-Zeitbudget).")
@click.option("--budget", type=click.FloatRange(min=1), default=None,
              help="Zeitbudget in Minuten (Standard: das größte, das die Seiten anbieten).")
def warm(db_path, modes, budget):
    """Rechnet die Reisezeiten der Standardansicht im Voraus (Nachfragepunkte × Angebote, Kandidatenorte und
    Jobcenter je Verkehrsmittel), damit die Seiten beim Wechsel von Verkehrsmittel oder Zeitbudget sofort antworten."""
    import time

    from sozialraum.network.warm import warm_store
    from sozialraum.store import connect, default_db_path

    started = time.perf_counter()
    con = connect(db_path or default_db_path(), read_only=True)
    try:
        done = warm_store(con, modes=tuple(modes) or None, budget_min=budget)
    finally:
        con.close()
    if not done:
        click.echo("Kein Straßennetz für diese Datenbank (zuerst `sozialraum network build`): nichts zu rechnen.")
        return
    secs = ", ".join(f"{m} {v:.1f} s".replace(".", ",") for m, v in done.items())
    click.echo(f"Reisezeiten im Voraus gerechnet ({secs}; zusammen {time.perf_counter() - started:.1f} s).")


def _read_points(path: str):
    import pandas as pd

    from sozialraum.errors import InputError, Problem

    name = Path(path).name
    try:
        frame = pd.read_csv(path, sep=None, engine="python", dtype={"id": str}, encoding="utf-8-sig")
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"CSV nicht lesbar: {exc}", file=name) from exc
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    missing = [c for c in ("id", "lon", "lat") if c not in frame.columns]
    if missing:
        raise InputError(Problem(name, f"es fehlen die Spalten {', '.join(missing)} (erwartet: id,lon,lat)"))
    problems = []
    for col in ("lon", "lat"):
        text = frame[col].astype(str).str.strip().str.replace(",", ".", regex=False)
        frame[col] = pd.to_numeric(text, errors="coerce")
    limits = {"lon": (-180, 180), "lat": (-90, 90)}
    for i, row in frame.iterrows():
        for col, (lo, hi) in limits.items():
            v = row[col]
            if pd.isna(v) or not lo <= v <= hi:
                problems.append(Problem(name, f"keine gültige Koordinate ({col} in Grad, WGS84)", int(i) + 2, col))
        if pd.isna(row["id"]) or not str(row["id"]).strip():
            problems.append(Problem(name, "leere Kennung", int(i) + 2, "id"))
    dup = frame["id"][frame["id"].duplicated()].unique()
    problems += [Problem(name, f"Kennung {d!r} kommt mehrfach vor", None, "id") for d in dup[:10]]
    if problems:
        raise InputError(problems)
    if frame.empty:
        raise InputError(Problem(name, "keine Punkte"))
    return frame


@click.command("travel-matrix")
@click.option("--osm", "osm_path", type=click.Path(exists=True, dir_okay=False), required=True,
              help="OpenStreetMap-Auszug (.osm.pbf).")
@click.option("--gtfs", "gtfs_path", type=click.Path(exists=True, dir_okay=False), default=None,
              help="GTFS-Fahrplan (.zip); nötig für --mode transit.")
@click.option("--mode", type=click.Choice((*MODES, "transit")), default="walk", show_default=True,
              help="Verkehrsmittel (transit = ÖPNV mit Fußwegen zu den Haltestellen).")
@click.option("--depart", default="2026-03-03T08:00", show_default=True,
              help="Abfahrt für --mode transit (JJJJ-MM-TTTHH:MM, Ortszeit des Fahrplans).")
@click.option("--max-walk", "max_walk", type=click.FloatRange(min=50), default=800.0, show_default=True,
              help="ÖPNV: längster Fußweg zur und von der Haltestelle in Metern.")
@click.option("--from", "from_path", type=click.Path(exists=True, dir_okay=False), required=True,
              help="Startpunkte: CSV mit den Spalten id,lon,lat (WGS84).")
@click.option("--to", "to_path", type=click.Path(exists=True, dir_okay=False), required=True,
              help="Ziele: CSV mit den Spalten id,lon,lat (WGS84).")
@click.option("--budget", type=click.FloatRange(min=0), required=True, help="Zeitbudget in Minuten.")
@click.option("--speed", type=click.FloatRange(min=0.5), default=None,
              help="Geschwindigkeit in km/h (zu Fuß/Fahrrad; Standard: Einstellung).")
@click.option("--out", "out_path", type=click.Path(dir_okay=False), required=True,
              help="Ausgabe: CSV from_id,to_id,minutes (nur Paare innerhalb des Budgets).")
def travel_matrix(osm_path, gtfs_path, mode, depart, max_walk, from_path, to_path, budget, speed, out_path):
    """Reisezeiten in Minuten zwischen zwei Punktlisten auf dem Straßennetz eines OSM-Auszugs.

    Der Auszug wird auf die Punkte (plus erreichbaren Rand) zugeschnitten und in einem temporären Ordner
    gebaut; das Ergebnis enthält nur Paare innerhalb von --budget Minuten. Daten: © OpenStreetMap-Mitwirkende.
    """
    import re
    import tempfile

    import numpy as np
    import pandas as pd

    from sozialraum.access.travel import NetworkModel, TransitModel
    from sozialraum.errors import InputError
    from sozialraum.network import build_network
    from sozialraum.network.osrm_engine import PROFILE_MAX_SPEED_KMH
    from sozialraum.settings import default

    if mode == "transit" and gtfs_path is None:
        raise InputError("Für --mode transit wird ein GTFS-Fahrplan gebraucht (--gtfs FILE.zip).")
    if mode == "transit" and not re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", depart):
        raise InputError(f"--depart {depart!r}: erwartet JJJJ-MM-TTTHH:MM, z. B. 2026-03-03T08:00")
    a, b = _read_points(from_path), _read_points(to_path)
    a_ll, b_ll = a[["lon", "lat"]].to_numpy(dtype="float64"), b[["lon", "lat"]].to_numpy(dtype="float64")
    both = np.concatenate([a_ll, b_ll])
    speed = speed or {"walk": default("walking_speed_kmh"), "bike": default("cycling_speed_kmh")}.get(mode)
    margin = 2000.0 + min(budget, 120) * PROFILE_MAX_SPEED_KMH.get(mode, 60.0) * 1000.0 / 60.0 * 0.25
    lat0 = float(np.mean(both[:, 1]))
    dlon, dlat = margin / (111_320.0 * np.cos(np.radians(lat0))), margin / 110_574.0
    box = (both[:, 0].min() - dlon, both[:, 1].min() - dlat, both[:, 0].max() + dlon, both[:, 1].max() + dlat)
    with tempfile.TemporaryDirectory(prefix="sozialraum-netz-") as tmp:
        if mode == "transit":
            info = build_network(osm_path, gtfs_path, clip_to=None, out_dir=tmp, modes=())
            model = TransitModel(info.path, depart=depart, max_walk_m=max_walk, epsg=4326, cache=False)
        else:
            info = build_network(osm_path, clip_to=box, out_dir=tmp, modes=(mode,), algorithm="MLD")
            model = NetworkModel(info.path, mode, speed_kmh=speed, access_kmh=default("walking_speed_kmh"),
                                 epsg=4326, cache=False)
        m = model.minutes(a_ll, b_ll, float(budget)).tocoo()
    out = pd.DataFrame({"from_id": a["id"].to_numpy()[m.row], "to_id": b["id"].to_numpy()[m.col],
                        "minutes": np.round(np.where(m.data < 1e-6, 0.0, m.data), 2)})
    out = out.sort_values(["from_id", "minutes", "to_id"], kind="stable")
    out.to_csv(out_path, index=False)
    click.echo(f"{len(out)} Paare innerhalb von {budget:g} Minuten ({mode}) nach {out_path} geschrieben "
               f"({len(a)} Start-, {len(b)} Zielpunkte). Daten: © OpenStreetMap-Mitwirkende (ODbL).")
