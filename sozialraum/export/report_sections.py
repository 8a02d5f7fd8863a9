"""Report sections on need: title page, need map with legend, ranking of areas, area profiles."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sozialraum.export.document import Document, esc, legend, table
from sozialraum.export.report_context import ReportContext, cell, format_date
from sozialraum.formatting import format_period

RANK_RATES = ("sgb2_quote", "kinderarmut", "alo_quote")
RANK_HEADERS = {"sgb2_quote": "SGB-II-Quote (%)", "kinderarmut": "Kinderarmut (%)",
                "alo_quote": "Arbeitslose SGB II (%)", "ew_gesamt": "Einwohner/innen"}
RANK_LIMIT = 30
NEED_TITLE = "Sozialer Status (MSS-Statusindex)"


def title_section(ctx: ReportContext, doc: Document, sources: pd.DataFrame) -> None:
    meta = [("Gebietsebene", f"{ctx.level_label} ({len(ctx.areas_web)} Gebiete)"),
            ("Stichtag", format_period(ctx.period)),
            ("Erstellt am", format_date(ctx.created)),
            ("Datenquellen", "; ".join(f"{r.title}" + (f" ({r.publisher})" if r.publisher else "")
                                       for r in sources.itertuples()) or "–")]
    rows = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in meta)
    fictional = ("<div class='fictional'>Fiktive Demodaten: Alle Gebiete, Zahlen, Einrichtungen und Namen dieses "
                 "Berichts sind erfunden (Musterstadt) – keine echten Personen oder Orte.</div>"
                 if ctx.fictional else "")
    doc.add(f"<section class='title'><h1>Sozialraumbericht {esc(ctx.city)}</h1>"
            f"<div class='subtitle'>Bedarf, Angebote und Standorte für aufsuchende Beratung im SGB II</div>"
            f"{fictional}<dl class='meta'>{rows}</dl>"
            "<p class='note' style='margin-top:20mm'>Alle Zahlen sind nach der Geheimhaltungsregel der "
            "Statistik der Bundesagentur für Arbeit geprüft: Fallzahlen von 1 und 2 und Werte, aus denen sie sich "
            "errechnen ließen, sind gesperrt (*).</p></section>")


def need_values(ctx: ReportContext) -> tuple[np.ndarray, np.ndarray, pd.DataFrame | None]:
    """(status_index per area in map order, scored mask, need frame indexed by area_key)."""
    keys = ctx.areas_web["area_key"].astype(str)
    if ctx.need is None or ctx.need.empty:
        return np.full(len(keys), np.nan), np.zeros(len(keys), dtype=bool), None
    need = ctx.need.assign(area_key=ctx.need["area_key"].astype(str)).set_index("area_key").reindex(keys)
    values = pd.to_numeric(need["status_index"], errors="coerce").to_numpy(dtype=float)
    scored = need["scored"].fillna(False).astype(bool).to_numpy() & ~np.isnan(values)
    return values, scored, need


def need_map(ctx: ReportContext, *, selected: str | None = None, legend_on: bool = True,
             focus: float | None = None):
    """The need-index choropleth as the app draws it (``sozialraum.views.need``), or None without a need index.

    ``focus``: with ``selected``, zoom to that area's bounding box widened by this share of its size on each side.
    """
    from sozialraum.views.need import draw

    layer = ctx.need_layer
    if layer is None or not layer.shown.any():
        return None, None
    m = draw(layer, basemap=ctx.basemap, palette=ctx.palette, selected=selected, legend=legend_on,
             attribution=_map_attribution(ctx), title=NEED_TITLE)
    if selected is not None and focus is not None:
        minx, miny, maxx, maxy = _window(ctx.areas_web, selected, focus)
        m.fit_bounds([[miny, minx], [maxy, maxx]])  # runs after the fit to the whole city
    return m, layer.classification


def _window(areas_web, key: str, share: float) -> tuple[float, float, float, float]:
    """Bounding box of area ``key`` widened by ``share`` of its larger side on every side."""
    geom = areas_web.geometry[areas_web["area_key"].astype(str) == str(key)].iloc[0]
    minx, miny, maxx, maxy = geom.bounds
    pad = max(maxx - minx, maxy - miny) * share
    return minx - pad, miny - pad, maxx + pad, maxy + pad


def _map_attribution(ctx: ReportContext) -> str:
    return "Fiktive Demodaten" if ctx.fictional else ""


def need_section(ctx: ReportContext, doc: Document) -> None:
    from sozialraum.maps import class_colours

    m, classification = need_map(ctx)
    head = f"<section><h2>Bedarf: {NEED_TITLE}</h2>"
    if m is None:
        reason = ctx.need_error or "keine bewertbaren Gebiete"
        doc.add(head + f"<p class='note'>Der Bedarfsindex ließ sich für diese Ebene nicht berechnen ({esc(reason)})."
                       "</p></section>")
        return
    values, scored, need = need_values(ctx)
    colours = class_colours(len(classification.labels), ctx.palette)
    classes = classification.assign(np.where(scored, values, np.nan))
    items = [(colours[i], f"{label} ({int((classes == i).sum())} Gebiete)")
             for i, label in enumerate(classification.labels)]
    if (~scored).any():
        items.append(("#d9d9d9", f"nicht bewertet ({int((~scored).sum())} Gebiete)"))
    from sozialraum.views.need import summary

    why = summary(ctx.need_layer) if ctx.need_layer is not None else []
    notes = "".join(f"<p class='note'>{esc(n)}</p>" for n in ctx.need_layer.notes) if ctx.need_layer else ""
    if why:
        notes += ("<p class='note'>Nicht bewertet: " + "; ".join(f"{esc(t)} ({n})" for t, n in why[:6])
                  + ".</p>")
    text = (f"<p>Sozialer Status der {len(values)} Gebiete der Ebene {esc(ctx.level_label)}, Stichtag "
            f"{esc(format_period(ctx.period))}: Je dunkler, desto höher der Bedarf (niedrigerer sozialer Status). "
            "Klassen nach dem Monitoring Soziale Stadtentwicklung: hoch (Index unter −1), mittel (−1 bis +1), "
            "niedrig (über +1 bis +1,5), sehr niedrig (über +1,5).</p>")
    doc.add(head + text + doc.map(m, height_mm=195, caption=f"Karte: {NEED_TITLE}, {ctx.level_label}, "
                                                            f"{format_period(ctx.period)}")
            + "<div><b>Legende – Statusklasse</b></div>" + legend(items) + notes + "</section>")


def ranking_frame(ctx: ReportContext) -> tuple[pd.DataFrame, str]:
    """Ranking of areas by need (status index, highest first); falls back to the SGB II rate."""
    from sozialraum.indicators.registry import INDICATORS

    wide = ctx.wide()
    flags = ctx.published.pivot(index="area_key", columns="indicator", values="flag")
    _, scored, need = need_values(ctx)
    frame = pd.DataFrame({"area_key": ctx.areas_web["area_key"].astype(str).to_numpy(),
                          "Gebiet": ctx.areas_web["name"].to_numpy()})
    basis = NEED_TITLE
    if need is not None and scored.any():
        frame["_score"] = np.where(scored, pd.to_numeric(need["status_index"], errors="coerce"), np.nan)
        frame["Statusindex"] = [cell(v, None, 2) for v in frame["_score"]]
        why = need["reason"] if "reason" in need else pd.Series("", index=need.index)
        frame["Statusklasse"] = [c if s and isinstance(c, str) else
                                 ("nicht bewertet: " + w if isinstance(w, str) and w else "nicht bewertet")
                                 for c, s, w in zip(need["status_class"], scored, why)]
        if "dynamics_class" in need and need["dynamics_class"].notna().any():
            frame["Dynamik"] = [c if isinstance(c, str) and c else "–" for c in need["dynamics_class"]]
    else:
        ind = next((r for r in RANK_RATES if r in wide.columns), None)
        if ind is None:
            return frame.iloc[0:0], "keine Kennzahl für eine Rangfolge"
        frame["_score"] = wide[ind].reindex(frame["area_key"]).to_numpy()
        basis = INDICATORS[ind].label_de
    for ind in RANK_RATES + ("ew_gesamt",):
        if ind in wide.columns:
            spec = INDICATORS[ind]
            header = RANK_HEADERS[ind]
            v = wide[ind].reindex(frame["area_key"]).to_numpy()
            f = flags[ind].reindex(frame["area_key"]).to_numpy()
            frame[header] = [cell(a, b, 0 if spec.kind == "count" else 1) for a, b in zip(v, f)]
    frame = frame.sort_values("_score", ascending=False, na_position="last", kind="stable")
    frame.insert(0, "Rang", [str(i + 1) if pd.notna(s) else "–" for i, s in enumerate(frame["_score"])])
    return frame.drop(columns=["_score"]).reset_index(drop=True), basis


def ranking_section(ctx: ReportContext, doc: Document) -> pd.DataFrame:
    frame, basis = ranking_frame(ctx)
    shown = frame if len(frame) <= RANK_LIMIT else frame.head(RANK_LIMIT - 5)
    more = "" if len(shown) == len(frame) else (f" Gezeigt sind die {len(shown)} Gebiete mit dem höchsten Bedarf "
                                                f"von {len(frame)}; die vollständige Liste enthält der "
                                                "Datenexport (CSV/XLSX).")
    numeric = tuple(c for c in shown.columns if c not in ("Gebiet", "Statusklasse", "Dynamik", "area_key"))
    doc.add(f"<section><h2>Rangfolge der Gebiete</h2><p>Reihenfolge nach {esc(basis)}, höchster Bedarf zuerst."
            f"{esc(more)} * = gesperrt (Geheimhaltung), – = kein Wert.</p>"
            + table(shown.drop(columns=["area_key"]), numeric=numeric, widths={"Gebiet": "38mm", "Rang": "9mm"})
            + "</section>")
    return frame


def default_profile_areas(ranking: pd.DataFrame, n: int = 2) -> list[str]:
    if "Rang" not in ranking:  # no ranking (no need index and no rate, e.g. a Kreis with residents only)
        return []
    return [k for k, r in zip(ranking["area_key"], ranking["Rang"]) if r != "–"][:n]


def profile_section(ctx: ReportContext, doc: Document, area_keys: list[str], ranking: pd.DataFrame) -> None:
    """A Steckbrief per area: locator map, need class and rank, all indicators against parent levels and city
    (the comparison columns come from ``sozialraum.views.profile``, as in the app)."""
    from sozialraum.indicators.registry import INDICATORS
    from sozialraum.views.profile import references

    if not area_keys:
        return
    names = ctx.names
    unknown = [k for k in area_keys if k not in names]
    if unknown:
        from sozialraum.errors import InputError

        raise InputError(f"Gebiete {', '.join(unknown)} gibt es auf der Ebene {ctx.level_label} nicht.")
    order = [k for k in INDICATORS if k in set(ctx.published["indicator"])]
    parts = ["<section><h2>Gebietsprofile</h2>"]
    for n, key in enumerate(area_keys):
        rank_row = ranking[ranking["area_key"] == key]
        rank = rank_row["Rang"].iloc[0] if len(rank_row) else "–"
        klass = rank_row["Statusklasse"].iloc[0] if "Statusklasse" in rank_row and len(rank_row) else "–"
        if n:
            parts.append("<div style='break-before:page'></div>")
        parts.append(f"<h3>{esc(names[key])} ({esc(key)})</h3><p>Statusklasse: <b>{esc(klass)}</b> · "
                     f"Rang {esc(rank)} von {len(ranking)} nach Bedarf · Ebene {esc(ctx.level_label)}, "
                     f"Stichtag {esc(format_period(ctx.period))}</p>")
        m, _ = need_map(ctx, selected=key, legend_on=False, focus=1.5)
        if m is not None:
            parts.append(doc.map(m, height_mm=75, caption=f"{names[key]} (schwarz umrandet) und Nachbargebiete, "
                                                           "Farben wie in der Bedarfskarte"))
        refs = references(ctx.con, ctx.level, ctx.period, key, threshold=ctx.threshold,
                          city_title=f"{ctx.city} gesamt")
        columns = {"Kennzahl": [], names[key]: []}
        for title, _ in refs:
            columns[title] = []
        for ind in order:
            spec = INDICATORS[ind]
            decimals = 0 if spec.kind == "count" else (3 if spec.kind == "index" else 1)
            unit = "" if spec.kind == "count" else f" ({spec.unit})"
            columns["Kennzahl"].append(spec.label_de + unit)
            v, f = ctx.value(key, ind)
            columns[names[key]].append(cell(v, f, decimals))
            for title, rows in refs:
                row = rows[rows["indicator"] == ind]
                columns[title].append(cell(row["value"].iloc[0], row["flag"].iloc[0], decimals) if len(row)
                                      else "–")
        frame = pd.DataFrame(columns)
        parts.append(table(frame, numeric=tuple(c for c in frame.columns if c != "Kennzahl")))
    parts.append("<p class='note'>* = gesperrt (statistische Geheimhaltung), – = kein Wert. Übergeordnete "
                 "Ebenen: Summen und daraus neu berechnete Quoten.</p></section>")
    doc.add("".join(parts))


