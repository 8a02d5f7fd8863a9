"""What the rota shows, composed once for the page „Mobile Beratung" and the PDF report: the map of sessions, the
timetable, the team days, the k-curve of staff days and the text on what is exact and what is heuristic.

Every number comes from the ``RotaPlan`` (people already rounded to tens from safe weights in
``sozialraum.rota.plan``); nothing here reads counts from the store.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sozialraum.formatting import format_number
from sozialraum.services import VENUE_TYPES


def venue_type_label(kind: str) -> str:
    return VENUE_TYPES.get(str(kind), str(kind))


def served_by_area(sessions: pd.DataFrame) -> dict[str, list[str]]:
    """Area name → the sessions reachable from it by bus/walk ("Mo 09:00 Rathaus …")."""
    served: dict[str, list[str]] = {}
    for r in sessions.itertuples(index=False):
        for name in str(r.villages).split("; ") if r.villages else []:
            served.setdefault(name, []).append(f"{r.weekday[:2]} {r.start} {r.venue}")
    return served


def rota_map(areas_web, sessions: pd.DataFrame, *, metric_epsg: int, basemap: str = "none",
             attribution: str = "", base_url_path: str = ""):
    """Areas coloured by the number of sessions within reach per week (darker = more; white: none), the session
    venues as red dots."""
    from dataclasses import replace

    import folium
    import geopandas as gpd

    from sozialraum.analysis.classify import classify
    from sozialraum.maps.choropleth import choropleth
    from sozialraum.maps.points import point_features

    served = served_by_area(sessions)
    names = areas_web["name"].astype(str)
    values = np.array([len(served.get(n, [])) or np.nan for n in names], dtype=float)
    top = max(int(np.nanmax(values)) if np.isfinite(values).any() else 1, 1)
    breaks = list(range(1, top + 1))
    classes = classify(np.array(breaks, dtype=float), "manual", breaks=breaks, decimals=0)
    classes = replace(classes, labels=tuple(f"{b} Sprechstunde{'n' if b > 1 else ''}" for b in breaks))
    m = choropleth(areas_web, values, classes, title="Erreichbare Sprechstunden je Woche",
                   tooltip_fields={"Sprechstunden": [", ".join(served.get(n, [])) or "–" for n in names]},
                   reasons=["keine Sprechstunde mit Bus/Bahn oder zu Fuß erreichbar" if not np.isfinite(v) else ""
                            for v in values],
                   basemap=basemap, attribution=attribution, base_url_path=base_url_path)
    if sessions.empty:
        return m
    pts = gpd.GeoDataFrame(sessions, geometry=gpd.points_from_xy(sessions["x"], sessions["y"]),
                           crs=f"EPSG:{metric_epsg}").to_crs(4326)
    frame = pd.DataFrame({"lon": pts.geometry.x, "lat": pts.geometry.y})
    props = {"ort": sessions["venue"].astype(str).tolist(),
             "art": [venue_type_label(t) for t in sessions["venue_type"]],
             "zeit": [f"{w} {a}–{b}" for w, a, b in zip(sessions["weekday"], sessions["start"], sessions["end"])]}
    folium.GeoJson(point_features(frame, props), name="Sprechstunden",
                   marker=folium.CircleMarker(radius=8, weight=2, fill=True, fill_opacity=0.95),
                   style_function=lambda _f: {"fillColor": "#c0392b", "color": "#ffffff", "weight": 2},
                   tooltip=folium.GeoJsonTooltip(["ort", "art", "zeit"], aliases=["Ort", "Art", "Zeit"])).add_to(m)
    return m


def _people(v) -> str:
    return format_number(v, 0) if v == v else "–"


def timetable(plan) -> pd.DataFrame:
    """One row per session: weekday, time, venue, kind, the areas it serves and how many people (≈)."""
    s = plan.sessions
    return pd.DataFrame({
        "Wochentag": s["weekday"], "Zeit": [f"{a}–{b}" for a, b in zip(s["start"], s["end"])],
        "Ort": s["venue"], "Art": [venue_type_label(t) for t in s["venue_type"]],
        "erreichbar aus": s["villages"], "Personen (≈)": [_people(v) for v in s["people"]],
    })


def day_table(plan) -> pd.DataFrame:
    d = plan.days
    return pd.DataFrame({"Wochentag": d["weekday"], "Abfahrt": d["depart"], "Rückkehr": d["back"],
                         "Arbeitszeit (min)": d["work_min"], "davon Fahrt (min)": d["drive_min"],
                         "Sprechstunden": d["n_sessions"]})


def k_table(plan) -> pd.DataFrame:
    """The k-curve of staff days: people within reach (≈), share, what each extra day adds."""
    k = plan.k_curve
    return pd.DataFrame({
        "Einsatztage je Woche": k["staff_days"].astype(int),
        "erreichbar (≈ Personen)": [_people(v) for v in k["covered"]],
        "Anteil": [format_number(100 * v, 1) + " %" for v in k["covered_share"]],
        "Zuwachs durch diesen Tag (≈)": [_people(v) for v in k["added"]],
    })


def k_chart(plan):
    """The k-curve of staff days as the siting page draws its k-curve (x: staff days)."""
    from sozialraum.charts.siting import k_curve_chart

    fig = k_curve_chart(plan.k_curve.rename(columns={"staff_days": "k"}),
                        chosen_k=int(plan.parameters["staff_days"]))
    fig.update_xaxes(title="Einsatztage je Woche")
    return fig


EXACT_TEXT = (
    "Exakt (von HiGHS als optimal bewiesen, sonst mit dem bewiesenen Abstand angegeben): welche Sprechstunden "
    "(Ort, Wochentag, Zeitfenster) die meisten Menschen der Zielgruppe erreichen, mit einer Autotour je "
    "Einsatztag vom Hauptstandort und zurück (Fahrzeiten zwischen den Orten in den Pausen, Arbeitszeit je Tag "
    "einschließlich Fahrt und Wartezeit) und höchstens so vielen Einsatztagen wie angegeben; ebenso die k-Kurve "
    "(jede Tageszahl für sich optimiert) und, unter gleich vielen erreichten Menschen, die wenigsten Sprechstunden.")
HEURISTIC_TEXT = (
    "Nicht exakt: unter gleich guten Plänen die kürzeste Fahrstrecke (beste in kurzer Zeit gefundene); die "
    "Reisezeiten selbst (siehe Wegemodell); jedes Gebiet zählt mit einem Punkt (dem Ortskern-Ersatzpunkt seiner "
    "Fläche) als erreicht oder nicht; Personenzahlen sind Modellschätzungen aus veröffentlichten Zahlen, auf Zehner "
    "gerundet (gesperrte Kleinstzahlen gehen mit einem Ersatzwert ein).")


def method_lines(plan) -> list[str]:
    """What the rota is, for the methods text of the page and the report (German)."""
    s = plan.summary
    return [EXACT_TEXT, HEURISTIC_TEXT, f"Wegemodell: {s['travel']}."]
