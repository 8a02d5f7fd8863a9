"""Report pages "Methoden" (need index, confidentiality, travel model, siting, parameters) and "Quellen"."""

from __future__ import annotations

import pandas as pd

from sozialraum.export.document import Document, esc, table
from sozialraum.export.report_context import ReportContext, cell
from sozialraum.formatting import format_period

PARAMETER_GROUPS = ("Statistik", "Karte", "Erreichbarkeit", "Standortplanung")
SOFTWARE_NOTICES = (
    "Kartendarstellung: Leaflet (© Volodymyr Agafonkin, BSD-2-Clause), lokal eingebunden.",
    "Diagramme: plotly.js (© Plotly, Inc., MIT-Lizenz).",
)


def _setting_text(name: str, value) -> str:
    from sozialraum.settings import SETTINGS

    s = SETTINGS[name]
    if s.choices and isinstance(value, str):
        return _choice_label(name, value)
    if isinstance(value, bool):
        text = "ja" if value else "nein"
    elif isinstance(value, float):
        text = cell(value, None, 0 if float(value).is_integer() else 2)
    elif isinstance(value, int):
        text = cell(value, None, 0)
    else:
        text = str(value)
    return f"{text} {s.unit}".strip()


def _choice_label(name: str, value: str) -> str:
    """German label of a setting's choice (from the module that owns the choices), else the raw value."""
    try:
        if name == "class_scheme":
            from sozialraum.analysis.classify import SCHEMES

            return SCHEMES[value][0]
        if name == "basemap":
            from sozialraum.maps import BASEMAPS

            return BASEMAPS[value].label
    except (ImportError, KeyError):
        pass
    return {"walk": "Fußweg", "matrix": "eigene Kostenmatrix"}.get(value, value)


def parameters_frame(values: dict) -> pd.DataFrame:
    """The settings of the groups that shape the report, with the values used (labels from SETTINGS)."""
    from sozialraum.settings import SETTINGS

    rows = [(s.group, s.label, _setting_text(name, values.get(name, s.default)), s.help)
            for name, s in SETTINGS.items() if s.group in PARAMETER_GROUPS]
    return pd.DataFrame(rows, columns=["Bereich", "Einstellung", "Wert", "Erläuterung"])


def methods_section(ctx: ReportContext, doc: Document, siting: dict | None = None) -> None:
    from sozialraum.settings import SETTINGS

    v = ctx.settings
    t = int(ctx.threshold)
    hidden = "1 und 2" if t == 3 else f"1 bis {t - 1}"
    need_inputs = _need_inputs(ctx)
    parts = [
        "<section><h2>Methoden</h2>",
        "<h3>Bedarfsindex nach dem Monitoring Soziale Stadtentwicklung (MSS)</h3>",
        "<p>Der Statusindex folgt dem Verfahren des Berliner Monitorings Soziale Stadtentwicklung: Jeder "
        "Indexindikator wird über die bewerteten Gebiete z-standardisiert (ungewichtet), die z-Werte werden "
        "summiert und die Summe erneut standardisiert. Klassen: hoch (unter −1), mittel (−1 bis +1), niedrig "
        "(über +1 bis +1,5), sehr niedrig (über +1,5). Der Dynamikindex bildet die Veränderung über zwei Jahre "
        "ebenso ab (positiv / stabil / negativ bei ±1). "
        f"Gebiete mit weniger als {cell(v['min_population'], None, 0)} Einwohnerinnen und Einwohnern werden "
        f"nicht bewertet ({esc(SETTINGS['min_population'].label)}).</p>",
        f"<p>Indikatoren in diesem Bericht: {esc(need_inputs)}.</p>",
        "<h3>Statistische Geheimhaltung</h3>",
        f"<p>Wie die Statistik der Bundesagentur für Arbeit veröffentlicht dieser Bericht keine Fallzahl von "
        f"{hidden} ({esc(SETTINGS['suppression_threshold'].label)}: {t}; 0 ist veröffentlichbar). Primäre "
        "Sperrung: diese kleinen Fallzahlen. Sekundäre Sperrung: weitere Werte werden gesperrt, sodass sich keine "
        "gesperrte Zahl aus der Summe eines übergeordneten Gebiets und seinen übrigen Teilgebieten oder aus der "
        "Gesamtzahl eines Gebiets und seinen übrigen Gruppen (z. B. Regelleistungsberechtigte = erwerbsfähige + "
        "nicht erwerbsfähige) errechnen lässt. Quoten auf gesperrten Fallzahlen sind ebenfalls gesperrt. "
        "Gesperrte Werte erscheinen als *, in Karten schraffiert. Dieselbe Regel gilt für jeden Datenexport.</p>",
        ("<p>Erreichbarkeit, Versorgung je Person (2SFCA), weiße Flecken und Standortplanung rechnen nur mit "
         "veröffentlichten Fallzahlen, nie mit den gesperrten: Für jedes gesperrte Gebiet wird der veröffentlichte "
         "Rest des übergeordneten Gebiets (seine Zahl minus die veröffentlichten Teilgebiete) gleichmäßig auf die "
         "gesperrten Teilgebiete verteilt; ist dieser Rest nicht veröffentlicht, gilt der feste Ersatzwert "
         f"{cell(t / 2, None, 1)} (Mitte des gesperrten Bereichs). Beide Werte hängen nur von veröffentlichten "
         "Zahlen ab. Zwei Datenbestände, die dieselben Werte veröffentlichen, ergeben daher dieselben Standorte, "
         "Anteile, Personenzahlen und k-Kurven: Aus wiederholten Rechnungen mit anderen Einstellungen lässt sich "
         "keine gesperrte Zahl erschließen. Personenzahlen solcher Modelle sind auf Zehner gerundet; Gebiete mit "
         "gesperrter Fallzahl werden darin nicht beziffert.</p>"),
        "<h3>Erreichbarkeit (Wegemodell)</h3>",
        "<p>" + esc(_travel_text(ctx)) + f" Als erreichbar gilt, was innerhalb von "
        f"{cell(v['travel_budget_min'], None, 0)} Minuten liegt. Die Bewohnerschaft eines Gebiets "
        f"wird auf Rasterpunkte im Abstand von {cell(v['demand_grid_m'], None, 0)} m verteilt, sodass ein Gebiet "
        "auch teilweise erreichbar sein kann.</p>",
    ]
    if siting:
        parts.append("<h3>Standortplanung</h3><p>" + esc(siting.get("text", "")) + "</p>")
    parts.append("<h3>Verwendete Parameter</h3>")
    params = parameters_frame(v)
    parts.append(table(params, widths={"Bereich": "22mm", "Einstellung": "45mm", "Wert": "24mm"}, small=True))
    parts.append("</section>")
    doc.add("".join(parts))


def _travel_text(ctx: ReportContext) -> str:
    """The travel model the report's reach figures use: the store's street network for the chosen mode, or the
    straight line ("Luftlinie") × detour factor when no network is built."""
    from sozialraum.access.travel import model_from_settings, travel_label
    from sozialraum.network import store_network_dir

    try:
        network = store_network_dir(ctx.con)
    except Exception:  # noqa: BLE001 - a store without a network folder (e.g. in memory) uses the straight line
        network = None
    model = model_from_settings(ctx.settings, network_dir=network)
    label = travel_label(model)
    if label.startswith("Luftlinie"):
        detour = cell(ctx.settings["detour_factor"], None, 2)
        return (f"Wege: {label} (Luftlinie im metrischen Koordinatensystem × Umwegfaktor {detour}, in Minuten "
                "umgerechnet; kein Straßennetz geladen).")
    return f"Wege: {label}; Kartendaten © OpenStreetMap-Mitwirkende (ODbL)."


def _need_inputs(ctx: ReportContext) -> str:
    from sozialraum.indicators.registry import INDICATORS

    have = set(ctx.published.loc[ctx.published["value"].notna(), "indicator"])
    mss = [k for k in ("mss_s1", "mss_s3", "mss_s4") if k in have]
    keys = mss if len(mss) == 3 else [k for k in ("alo_quote", "sgb2_quote", "kinderarmut") if k in have]
    if not keys:
        return "keine Indexindikatoren vorhanden"
    labels = [INDICATORS[k].label_de for k in keys]
    dyn = "" if len(mss) == 3 else " sowie deren Veränderung über zwei Jahre (Dynamik)"
    return "Status: " + ", ".join(labels) + dyn


def sources_frame(sources: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for r in sources.itertuples():
        rows.append((r.title + (" (fiktiv)" if bool(getattr(r, "fictional", False)) else ""),
                     r.publisher or "–", format_period(r.reference_date) if r.reference_date else "–",
                     r.licence or "–", r.attribution or "–"))
    return pd.DataFrame(rows, columns=["Quelle", "Herausgeber", "Stand", "Lizenz", "Namensnennung"])


def attributions(sources: pd.DataFrame, basemap: str = "none") -> list[str]:
    """Every required attribution, once, in source order (plus the basemap's when tiles are drawn)."""
    from sozialraum.maps import basemap_attribution

    seen: list[str] = []
    for text in list(sources["attribution"].dropna()) + [basemap_attribution(basemap)]:
        for part in str(text).splitlines():
            part = part.strip()
            if part and part not in seen:
                seen.append(part)
    return seen


def sources_section(ctx: ReportContext, doc: Document, sources: pd.DataFrame) -> None:
    notices = attributions(sources, ctx.basemap)
    items = "".join(f"<li>{esc(n)}</li>" for n in notices) or "<li>keine</li>"
    software = "".join(f"<li>{esc(n)}</li>" for n in SOFTWARE_NOTICES)
    basemap = ("Die Karten zeigen keine Hintergrundkarte, nur die Gebietsgeometrien der Quellen."
               if ctx.basemap == "none" else "Hintergrundkarte: siehe Namensnennung.")
    doc.add("<section><h2>Quellen und Lizenzen</h2>"
            + table(sources_frame(sources), widths={"Stand": "18mm", "Lizenz": "28mm"})
            + f"<h3>Namensnennung (Pflichtangaben)</h3><ul>{items}</ul>"
            + f"<p class='note'>{esc(basemap)}</p><h3>Software</h3><ul class='note'>{software}</ul></section>")
