"""``sozialraum rota``: the mobile consultation rota for a store, as a CSV timetable (and an iCalendar file).

Travel: the store's own network (car on the roads, bus from the timetable) where it has one, else straight line
× a rural detour factor (settings ``rota_*``), said so in the output.
"""

from __future__ import annotations

import json
from pathlib import Path

import click


def timetable_csv(plan) -> bytes:
    """One row per session, ``;``-separated UTF-8 with BOM for German Excel; text cells cannot start a formula."""
    import csv
    import io

    from sozialraum.export.sheet import safe_text

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Wochentag", "Beginn", "Ende", "Ort", "Art", "Gemeinden/Orte", "Personen (≈)", "Rhythmus"])
    for r in plan.sessions.itertuples(index=False):
        writer.writerow([r.weekday, r.start, r.end, safe_text(r.venue), safe_text(r.venue_type),
                         safe_text(r.villages), "" if r.people != r.people else int(r.people),
                         plan.summary["rhythm_label"]])
    return buffer.getvalue().encode("utf-8-sig")


def _open_read_only(path):
    import duckdb

    from sozialraum.errors import InputError
    from sozialraum.store import connect

    try:
        return connect(path, read_only=True)
    except duckdb.Error as exc:
        if "set lock" in str(exc).lower() or "conflicting lock" in str(exc).lower():
            raise InputError(f"Die Datenbank {path} ist gerade von einem anderen Programm zum Schreiben geöffnet "
                             "(z. B. der laufenden App). Bitte dort schließen und erneut versuchen.") from None
        raise InputError(f"Die Datenbank {path} lässt sich nicht öffnen: {exc}") from None


@click.command("rota")
@click.option("--db", required=True, type=click.Path(path_type=Path), help="DuckDB-Datei mit Gebieten, Zahlen, "
              "Kandidatenorten und mindestens einem Jobcenter-Standort.")
@click.option("--staff-days", "staff_days", type=click.IntRange(min=0, max=7), default=2, show_default=True,
              help="Einsatztage des mobilen Teams je Woche.")
@click.option("--bus-minutes", "bus_minutes", type=click.FloatRange(min=1), default=45, show_default=True,
              help="Höchste Reisezeit mit Bus oder zu Fuß zur Sprechstunde.")
@click.option("--out", "out_path", required=True, type=click.Path(path_type=Path), help="Ausgabe-CSV (Zeitplan).")
@click.option("--ics", "ics_path", type=click.Path(path_type=Path), default=None,
              help="Zusätzlich eine iCalendar-Datei (.ics) für den Teamkalender.")
@click.option("--level", default=None, help="Gebietsebene der Orte (Standard: die feinste mit Werten).")
@click.option("--period", default=None, help="Stichtag (Standard: der neueste).")
@click.option("--target", default=None, help="Zielgruppe (Indikator, z. B. rlb, bg_alleinerziehend; Standard: rlb, "
              "ohne SGB-II-Zahlen die Einwohnerzahl).")
@click.option("--base", default=None, help="ID des Hauptstandorts (Standard: der erste Jobcenter-Standort).")
@click.option("--rhythm", type=click.Choice(["weekly", "fortnightly"]), default="weekly", show_default=True,
              help="Sprechstunden wöchentlich oder 14-täglich.")
@click.option("--slots", default=None, help="Anfangszeiten, z. B. '09:00, 11:30, 14:00' (Standard: Einstellung).")
@click.option("--bus-hours", "bus_hours", default=None,
              help="Zeitfenster mit Busverkehr, z. B. '06:00-13:00' (Standard: Einstellung).")
@click.option("--start-date", "start_date", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Erste Woche des Kalenders (.ics), JJJJ-MM-TT (Standard: nächste Woche).")
@click.option("--served-by-sites", "served_by_sites", is_flag=True,
              help="Gebiete, die einen Jobcenter-Standort mit Bus/zu Fuß in der Zeit erreichen, gelten als versorgt "
                   "(die Rota sucht die übrigen).")
@click.option("--time-limit", "time_limit", type=click.FloatRange(min=0.1), default=None,
              help="Zeitlimit des Optimierers je Lauf in Sekunden.")
def rota(db, staff_days, bus_minutes, out_path, ics_path, level, period, target, base, rhythm, slots, bus_hours,
         start_date, time_limit, served_by_sites):
    """Mobile Sprechstunden planen: welche Orte an welchen Wochentagen zu welcher Zeit, damit möglichst viele
    Menschen der Zielgruppe eine Sprechstunde mit Bus oder zu Fuß erreichen — in der Arbeitszeit des Teams,
    Autofahrten vom und zum Hauptstandort eingeschlossen. Schreibt eine Zeile je Sprechstunde nach --out und
    gibt eine JSON-Zeile mit dem Ergebnis und dem Nutzen jedes weiteren Einsatztags aus."""
    from datetime import date, timedelta

    from sozialraum.errors import InputError
    from sozialraum.rota.plan import plan_rota

    if not Path(db).exists():  # a store folder (data/<stadt>) or a single file
        raise InputError(f"Datenbank nicht gefunden: {db}")
    settings = {}
    if slots is not None:
        settings["rota_slots"] = slots
    if bus_hours is not None:
        settings["rota_bus_hours"] = bus_hours
    con = _open_read_only(db)
    try:
        if target is None:
            from sozialraum.rota.plan import default_target

            target = default_target(con)
        plan = plan_rota(con, level=level, period=period, target_indicator=target, staff_days=staff_days,
                         bus_minutes=bus_minutes, base=base, rhythm=rhythm, settings=settings, time_limit=time_limit,
                         served_by_sites=served_by_sites)
    finally:
        con.close()
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_bytes(timetable_csv(plan))
    if ics_path is not None:
        from sozialraum.export.ics import rota_ics

        first = start_date.date() if start_date else date.today() + timedelta(days=7)
        ics_path.parent.mkdir(parents=True, exist_ok=True)
        ics_path.write_bytes(rota_ics(plan.sessions, first_week=first, rhythm=rhythm,
                                      note=plan.summary["travel"]).encode("utf-8"))
    s = plan.summary
    click.echo(json.dumps({
        "sessions": len(plan.sessions), "days_used": s["days_used"], "covered_share": round(s["covered_share"], 4),
        "covered": s["covered"], "total": s["total"], "status": s["status"],
        "gap": round(float(s["gap"]), 4) if s["gap"] == s["gap"] and abs(s["gap"]) != float("inf") else None,
        "result": s["status_text"], "solve_seconds": round(float(s["solve_seconds"]), 2), "travel": s["travel"],
        "base": s["base"], "served_by_sites": {"areas": s["site_areas"], "people": s["site_people"]}
        if s["served_by_sites"] else None, "k_curve": [{"staff_days": int(r.staff_days), "covered_share": round(r.covered_share, 4),
                                        "added": r.added} for r in plan.k_curve.itertuples()],
    }, ensure_ascii=False))
