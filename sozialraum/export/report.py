"""The PDF report for councils and committees (German).

Approach — one HTML document printed by headless Chromium, not a separate static renderer:

* the maps in the PDF are *the same* folium maps the app shows (same builder, same classes, colours, hatching
  and legend), each as a self-contained HTML (Leaflet inlined, ``sozialraum.maps.assets.standalone_html``) in
  an iframe of fixed size in millimetres; charts are the app's plotly figures drawn by plotly.js from the
  plotly package. Nothing is fetched from the network (every other request is aborted), and by default there
  are no basemap tiles (setting ``basemap``), so a report builds in a locked-down network;
* Chromium prints SVG paths and text as vectors: boundaries, legends and tables stay sharp on A4 and when
  zoomed, and the PDF stays small (no 300-dpi bitmaps); text is searchable and copyable;
* one toolchain for PDFs and print PNGs (``images.map_png``), the same browser the app's tests drive.
  A static renderer (matplotlib) would have meant a second map style that drifts from the app's.

Sections: title page (city, date, sources, a "fiktive Demodaten" banner for a fictional store), need map with
legend, ranking of areas, a siting scenario (site map, k-curve, per-site table), in a rural store the mobile
consultation rota (``report_rota``), area profiles, methods with the
parameters used (labels from ``SETTINGS``) and sources with licences and required attribution.
Every number passes the confidentiality gate (``published``); suppressed cells print as ``*``.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from sozialraum.export.document import Document

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class ReportResult:
    path: Path
    pages: int
    size_bytes: int
    seconds: float
    level: str
    period: str
    scenario: str | None
    areas: tuple[str, ...]
    notes: tuple[str, ...] = ()


def count_pages(pdf: bytes) -> int:
    """Number of pages of a PDF written by Chromium (page objects, not the page tree)."""
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def tile_hosts(basemap: str) -> tuple[str, ...]:
    """URL prefix of the chosen basemap's tile server (the only outside host a report may contact)."""
    from urllib.parse import urlsplit

    from sozialraum.maps import BASEMAPS

    url = BASEMAPS[basemap].url if basemap in BASEMAPS else None
    if not url:
        return ()
    parts = urlsplit(url)
    return (f"{parts.scheme}://{parts.netloc}/",)


def build_document(con, *, level: str | None = None, period: str | None = None, scenario: str | None = None,
                   areas: list[str] | None = None, threshold: float | None = None, basemap: str | None = None,
                   palette: str = "standard", settings: dict | None = None, with_siting: bool = True,
                   progress: Progress | None = None, compare: tuple[str, str] | None = None,
                   with_rota: bool | None = None) -> tuple[Document, dict]:
    """Build the report's HTML document (maps, charts, tables) without printing it.

    ``compare``: two saved scenarios (id or name): the siting section becomes the council pack
    (``report_council``: both side by side and what differs). ``with_rota``: the section „Mobile Beratung"
    (None: where ``report_rota.rota_applies``, i.e. in a rural store)."""
    from sozialraum.export import report_methods, report_sections
    from sozialraum.export.report_context import make_context
    from sozialraum.formatting import format_period
    from sozialraum.store import read

    say = progress or (lambda f, m: None)
    say(0.05, "Daten werden gelesen und geprüft (Geheimhaltung) …")
    ctx = make_context(con, level, period, threshold=threshold, basemap=basemap, palette=palette,
                       settings=settings)
    unknown = [k for k in (areas or []) if k not in ctx.names]
    if unknown:
        from sozialraum.errors import InputError

        raise InputError(f"Gebiete {', '.join(unknown)} gibt es auf der Ebene {ctx.level_label} nicht.")
    sources = read.sources(con)
    doc = Document(title=f"Sozialraumbericht {ctx.city} – {ctx.level_label}, Stand {format_period(ctx.period)}")
    report_sections.title_section(ctx, doc, sources)
    say(0.15, "Bedarfskarte …")
    report_sections.need_section(ctx, doc)
    say(0.25, "Rangfolge …")
    ranking = report_sections.ranking_section(ctx, doc)
    siting_info: dict = {}
    if compare:
        say(0.35, "Ratsvorlage: zwei Szenarien im Vergleich …")
        from sozialraum.export.report_council import council_section

        siting_info = council_section(ctx, doc, compare)
    elif with_siting:
        say(0.35, "Standortplanung …")
        from sozialraum.export.report_siting import siting_section

        siting_info = siting_section(ctx, doc, scenario)
    if with_rota is not False:
        from sozialraum.export.report_rota import rota_section

        say(0.45, "Mobile Beratung …")
        rota_section(ctx, doc, auto=with_rota is None)
    say(0.5, "Gebietsprofile …")
    chosen = list(areas) if areas else report_sections.default_profile_areas(ranking)
    report_sections.profile_section(ctx, doc, chosen, ranking)
    say(0.6, "Methoden und Quellen …")
    report_methods.methods_section(ctx, doc, siting_info)
    report_methods.sources_section(ctx, doc, sources)
    meta = {"level": ctx.level, "period": ctx.period, "areas": tuple(chosen), "basemap": ctx.basemap,
            "scenario": siting_info.get("name"), "notes": tuple(siting_info.get("notes", ()))}
    return doc, meta


def build_report(con, out: str | Path, *, level: str | None = None, period: str | None = None,
                 scenario: str | None = None, areas: list[str] | None = None, threshold: float | None = None,
                 basemap: str | None = None, palette: str = "standard", settings: dict | None = None,
                 with_siting: bool = True, progress: Progress | None = None,
                 compare: tuple[str, str] | None = None, with_rota: bool | None = None) -> ReportResult:
    """Write the PDF report to ``out`` and say how many pages, bytes and seconds it took.

    ``scenario``: name or id of a saved siting scenario (default: a computed default scenario, see
    ``report_siting``); ``compare``: two saved scenarios (A, B) for the council pack instead; ``areas``: area
    keys for the profile section (default: the two of highest need).
    Raises ``ChromiumMissing`` (German installation hint) when the system Chromium is absent.
    """
    from sozialraum.export.browser import chromium_path, pages_to_pdf

    started = time.perf_counter()
    chromium_path()
    say = progress or (lambda f, m: None)
    doc, meta = build_document(con, level=level, period=period, scenario=scenario, areas=areas,
                               threshold=threshold, basemap=basemap, palette=palette, settings=settings,
                               with_siting=with_siting, progress=say, compare=compare, with_rota=with_rota)
    say(0.7, "PDF wird gedruckt (Karten werden gezeichnet) …")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    pages_to_pdf(doc.files(), out, allow=tile_hosts(meta["basemap"]))
    data = out.read_bytes()
    say(1.0, "Fertig.")
    return ReportResult(path=out, pages=count_pages(data), size_bytes=len(data),
                        seconds=time.perf_counter() - started, level=meta["level"], period=meta["period"],
                        scenario=meta["scenario"], areas=meta["areas"], notes=meta["notes"])
