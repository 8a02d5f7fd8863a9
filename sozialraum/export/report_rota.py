"""Report section „Mobile Beratung": the rota of a mobile consultation team — map of sessions, timetable, team
days, the k-curve of staff days (gain of each extra day), per session the areas it serves and how many people
(rounded), what is exact and what heuristic, and the travel model used.

The rota and what it shows come from the library (``sozialraum.rota.plan.plan_rota``, ``sozialraum.views.rota``),
the same as the page „Mobile Beratung". By default (``rota_applies``) the section is printed for a rural store:
candidate venues and a Jobcenter site exist and the store has fewer than ``RURAL_DENSITY`` residents per km².
"""

from __future__ import annotations

from pathlib import Path

from sozialraum.export.document import Document, esc, table
from sozialraum.export.report_context import ReportContext, cell
from sozialraum.formatting import format_period

DEFAULT_STAFF_DAYS = 2
DEFAULT_BUS_MINUTES = 45.0
RURAL_DENSITY = 500.0  # residents per km²: Landkreise lie below (Germany as a whole ≈ 230), cities far above
_HERE = Path(__file__).parent


def rota_applies(con) -> tuple[bool, str]:
    """(True, "") when a rota makes sense for the store by default, else (False, why)."""
    from sozialraum.store import read
    from sozialraum.store.connection import read_sql

    if read.candidate_venues(con).empty or read.jobcenter_sites(con).empty:
        return False, "keine möglichen Sprechstundenorte oder kein Jobcenter-Standort"
    residents, km2 = con.execute(read_sql("rota_density.sql", _HERE)).fetchone()
    if not residents or not km2:
        return False, "keine Einwohnerzahlen für die Bevölkerungsdichte"
    density = float(residents) / float(km2)
    if density >= RURAL_DENSITY:
        return False, f"städtisch ({cell(density, None, 0)} Einwohner/innen je km²)"
    return True, ""


def _settings(ctx: ReportContext) -> dict:
    keys = ("rota_session_min", "rota_slots", "rota_day_minutes", "rota_weekdays", "rota_bus_hours",
            "rota_rural_detour", "rota_car_speed_kmh", "rota_bus_speed_kmh", "solver_time_limit_s",
            "suppression_threshold", "walking_speed_kmh", "detour_factor", "transit_max_walk_m")
    return {k: ctx.settings[k] for k in keys if k in ctx.settings}


def rota_section(ctx: ReportContext, doc: Document, *, auto: bool = True, staff_days: int = DEFAULT_STAFF_DAYS,
                 bus_minutes: float = DEFAULT_BUS_MINUTES) -> dict:
    """Add the section (with ``auto``: only where ``rota_applies``); return {'text', 'notes'}."""
    from sozialraum.errors import InputError, SolverError
    from sozialraum.indicators.registry import INDICATORS
    from sozialraum.rota.plan import default_target, plan_rota
    from sozialraum.store import read
    from sozialraum.store.connection import metric_epsg
    from sozialraum.views import rota as view

    if auto:
        ok, _why = rota_applies(ctx.con)
        if not ok:
            return {}
    settings = _settings(ctx)
    try:
        target = default_target(ctx.con, ctx.level)
        level = ctx.level if read.periods(ctx.con, indicator=target, level=ctx.level) else None
        plan = plan_rota(ctx.con, level=level, target_indicator=target, staff_days=staff_days,
                         bus_minutes=bus_minutes, settings=settings,
                         k_curve_max=min(int(settings.get("rota_weekdays", 5)), staff_days + 1))
    except (InputError, SolverError) as exc:
        note = f"Ein Wochenplan für mobile Sprechstunden ließ sich nicht berechnen: {exc}"
        doc.add(f"<section><h2>Mobile Beratung</h2><p class='note'>{esc(note)}</p></section>")
        return {"notes": (note,)}
    p, s = plan.parameters, plan.summary
    label = INDICATORS[target].label_de if target in INDICATORS else target
    if not INDICATORS.get(target) or not INDICATORS[target].suppressible:
        label += " (Ersatz für die Zielgruppe: SGB-II-Zahlen liegen für diese Gebiete nicht vor)"
    areas_web = ctx.areas_web if p["level"] == ctx.level else read.areas(ctx.con, p["level"], web=True)
    intro = (f"Ein mobiles Team fährt an {staff_days} Tagen je Woche vom Hauptstandort {s['base']} zu "
             f"Sprechstunden in Orten des Kreises ({s['rhythm_label']}). Gesucht sind Orte, Wochentage und Zeiten, "
             f"zu denen möglichst viele Menschen der Zielgruppe – {label}, Stichtag "
             f"{format_period(p.get('period') or read.periods(ctx.con, indicator=target, level=p['level'])[-1])} – "
             f"eine Sprechstunde mit Bus/Bahn oder zu Fuß in höchstens {cell(bus_minutes, None, 0)} Minuten hin und "
             "zurück erreichen, innerhalb der Arbeitszeit des Teams einschließlich der Autofahrten. "
             f"{s['n_venues']} mögliche Orte ({', '.join(view.venue_type_label(t) for t in s['venue_types'])}).")
    result = (f"Ergebnis ({s['status_text']}): {s['n_sessions']} Sprechstunden an {s['days_used']} Tagen erreichen "
              f"≈ {cell(s['covered'], None, 0)} von ≈ {cell(s['total'], None, 0)} Personen "
              f"({cell(100 * s['covered_share'], None, 1)} %).")
    m = view.rota_map(areas_web, plan.sessions, metric_epsg=metric_epsg(ctx.con), basemap=ctx.basemap,
                      attribution="Fiktive Demodaten" if ctx.fictional else "")
    doc.add(f"<section><h2>Mobile Beratung: Wochenplan</h2><p>{esc(intro)}</p><p><b>{esc(result)}</b></p>"
            f"<p class='note'>Wegemodell: {esc(s['travel'])}.</p>"
            + doc.map(m, height_mm=125, caption="Karte: Orte der Sprechstunden (rote Punkte) und je Gebiet die Zahl "
                                               "der Sprechstunden je Woche, die mit Bus/Bahn oder zu Fuß erreichbar "
                                               "sind (weiß: keine)")
            + "<h3>Zeitplan</h3>"
            + table(view.timetable(plan), numeric=("Personen (≈)",),
                    widths={"Wochentag": "18mm", "Zeit": "20mm", "erreichbar aus": "62mm"}, small=True)
            + "<p class='note'>Personen: Menschen der Zielgruppe in den Gebieten, aus denen die Sprechstunde "
              "erreichbar ist, auf Zehner gerundet; ein Gebiet kann von mehreren Sprechstunden aus erreichbar "
              "sein.</p>"
            + "<h3>Einsatztage</h3>" + table(view.day_table(plan), numeric=("Arbeitszeit (min)",
                                                                         "davon Fahrt (min)", "Sprechstunden"))
            + "</section>")
    doc.add("<section><h2>Mobile Beratung: Nutzen jedes weiteren Einsatztags</h2>"
            "<p>Für jede Zahl von Einsatztagen je Woche der beste Plan (jeweils neu optimiert): wie viele Menschen "
            "der Zielgruppe eine Sprechstunde erreichen und was der zusätzliche Tag bringt.</p>"
            + doc.chart(view.k_chart(plan), height_mm=62,
                        caption="Anteil der Zielgruppe, der eine Sprechstunde erreicht, bei k Einsatztagen je Woche")
            + table(view.k_table(plan), numeric=("erreichbar (≈ Personen)", "Anteil", "Zuwachs durch diesen Tag (≈)"),
                    small=True)
            + "<h3>Was exakt ist und was nicht</h3>"
            + "".join(f"<p>{esc(line)}</p>" for line in view.method_lines(plan))
            + "</section>")
    text = (f"Mobile Beratung: {staff_days} Einsatztage, höchstens {cell(bus_minutes, None, 0)} Minuten mit Bus/Bahn "
            f"oder zu Fuß, Zielgruppe {label}; Optimierung mit HiGHS ({s['status_text']}). {s['travel']}.")
    return {"text": text, "notes": ()}
