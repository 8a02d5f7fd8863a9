"""Seite „Berichte & Export“: PDF-Bericht, Bilder in Druckqualität und Datenexporte (CSV, XLSX, GeoPackage).

Every file is built by ``sozialraum.export`` — every number through the confidentiality gate.
"""

import streamlit as st

from app_pages import common, view
from app_pages.common import format_period, tr
from app_pages.council import chromium_ok
from sozialraum.settings import SETTINGS

st.title(tr("Berichte & Export", "Reports & export"))
con = common.get_con()
level = common.level_select()
if level is None:
    st.stop()
period = common.period_select(level)
if period is None:
    st.info(tr("Für diese Ebene gibt es noch keine Kennzahlen.", "No indicators on this level yet."))
    st.stop()

# Exports never show more than the default rule allows, even if the session lowered the threshold.
threshold = common.threshold()
session_settings = {name: common.setting(name) for name in SETTINGS}
session_settings["suppression_threshold"] = threshold
areas = common.areas_web(level)
names = dict(zip(areas["area_key"], areas["name"]))


# ----------------------------------------------------------------------------------------------- PDF report
st.subheader(tr("PDF-Bericht", "PDF report"))
st.caption(tr("Titelseite, Bedarfskarte mit Legende, Rangfolge der Gebiete, Standortszenario (Karte, k-Kurve, "
              "Erläuterung je Standort), Gebietsprofile, Methoden und Quellen – für Ausschuss und Gremien.",
              "Title page, need map, ranking, siting scenario, area profiles, methods and sources."))


@st.cache_data(show_spinner=False, max_entries=4)
def _scenario_names(version: str) -> dict[str, str]:
    from sozialraum.siting.scenarios import list_scenarios

    frame = list_scenarios(common.get_con())
    return dict(zip(frame["scenario_id"], frame["name"]))


saved = _scenario_names(common.data_version())
DEFAULT = ""
options = [DEFAULT] + list(saved)
current = view.get("scenario")
col1, col2 = st.columns(2)
scenario = col1.selectbox(
    tr("Standort-Szenario", "Siting scenario"), options, index=options.index(current) if current in options else 0,
    format_func=lambda s: tr("Standardszenario (3 neue Standorte, berechnet)", "Default scenario (3 new sites)")
    if s == DEFAULT else saved.get(s, s), key="export_scenario")
default_areas = [view.get("area")] if view.get("area") in names else []
chosen = col2.multiselect(tr("Gebiete für Profile (leer: die zwei mit dem höchsten Bedarf)",
                             "Areas for profiles (empty: the two of highest need)"), list(names),
                          default=default_areas, format_func=lambda k: f"{names.get(k, k)} ({k})",
                          key=f"export_areas_{level}", max_selections=6,
                          placeholder=tr("Gebiete wählen", "Choose areas"))

if st.button(tr("Bericht erstellen", "Build report"), type="primary", key="build_report") and chromium_ok():
    import tempfile
    from pathlib import Path

    from sozialraum.errors import InputError, SolverError
    from sozialraum.export.report import build_report

    bar = st.progress(0.0, text=tr("Bericht wird vorbereitet …", "Preparing report …"))
    try:
        with tempfile.TemporaryDirectory(prefix="sozialraum_bericht_") as tmp:
            out = Path(tmp) / "bericht.pdf"
            result = build_report(con, out, level=level, period=period, scenario=scenario or None,
                                  areas=chosen or None, threshold=threshold, settings=session_settings,
                                  progress=lambda f, m: bar.progress(min(max(f, 0.0), 1.0), text=m))
            st.session_state["report_pdf"] = (out.read_bytes(), result, level, period)
    except (InputError, SolverError) as exc:
        bar.empty()
        st.error(str(exc))
    except RuntimeError as exc:
        bar.empty()
        st.error(tr(f"Der Bericht konnte nicht erstellt werden: {exc}", f"The report failed: {exc}"))

if "report_pdf" in st.session_state:
    data, result, r_level, r_period = st.session_state["report_pdf"]
    seconds = f"{result.seconds:.1f}".replace(".", ",")
    st.success(tr(f"Bericht fertig: {result.pages} Seiten, {len(data) / 1024:.0f} KB, {seconds} s.",
                  f"Report ready: {result.pages} pages, {len(data) / 1024:.0f} KB, {seconds} s."))
    for note in result.notes:
        st.caption(note)
    st.download_button(tr("PDF herunterladen", "Download PDF"), data, mime="application/pdf",
                       file_name=f"sozialraumbericht_{r_level}_{r_period}.pdf", key="download_report")

# ----------------------------------------------------------------------------------------------- council pack
st.subheader(tr("Ratsvorlage: zwei Szenarien im Vergleich", "Council pack: two scenarios side by side"))
st.caption(tr("Zwei gespeicherte Standort-Szenarien nebeneinander (vorher/nachher oder A/B): Karten, k-Kurven, "
              "Standorte mit Erläuterung und Stabilität, Fallzahlen und Personalbedarf, Reichweite nach Statusklasse, "
              "Vergleich, Methoden und Quellen – als PDF-Bericht oder als bearbeitbare PowerPoint-Datei.",
              "Two saved scenarios side by side, as PDF report or editable PowerPoint deck."))
if len(saved) < 2:
    st.info(tr("Dafür mindestens zwei Szenarien auf der Seite „Standortplanung“ speichern.",
               "Save at least two scenarios on the page 'Site planning' first."))
else:
    from app_pages.council import comparison_table, deck_button

    ids = list(saved)
    p1, p2 = st.columns(2)
    # newest first: by default the older one is A (before), the newest B (after)
    pack_a = p1.selectbox(tr("Szenario A (vorher)", "Scenario A (before)"), ids, index=1, format_func=saved.get,
                          key="pack_a")
    pack_b = p2.selectbox(tr("Szenario B (nachher)", "Scenario B (after)"), ids, format_func=saved.get,
                          key="pack_b")
    if pack_a == pack_b:
        st.warning(tr("Bitte zwei verschiedene Szenarien wählen.", "Please choose two different scenarios."))
    else:
        comparison_table(pack_a, pack_b)
        q1, q2 = st.columns(2)
        with q1:
            if st.button(tr("Ratsvorlage als PDF erstellen", "Build council pack (PDF)"), key="pack_pdf_build") \
                    and chromium_ok():
                import tempfile
                from pathlib import Path

                from sozialraum.errors import InputError, SolverError
                from sozialraum.export.report import build_report

                bar = st.progress(0.0, text=tr("Ratsvorlage wird vorbereitet …", "Preparing …"))
                try:
                    with tempfile.TemporaryDirectory(prefix="sozialraum_rat_") as tmp:
                        out = Path(tmp) / "ratsvorlage.pdf"
                        result = build_report(con, out, level=level, period=period, compare=(pack_a, pack_b),
                                              areas=chosen or None, threshold=threshold, settings=session_settings,
                                              progress=lambda f, m: bar.progress(min(max(f, 0.0), 1.0), text=m))
                        st.session_state["pack_pdf"] = (out.read_bytes(), result.pages, (pack_a, pack_b))
                except (InputError, SolverError, RuntimeError) as exc:
                    st.error(str(exc))
                finally:
                    bar.empty()
            got = st.session_state.get("pack_pdf")
            if got is not None and got[2] == (pack_a, pack_b):
                st.download_button(tr(f"PDF herunterladen ({got[1]} Seiten)", f"Download PDF ({got[1]} pages)"),
                                   got[0], mime="application/pdf", file_name=f"ratsvorlage_{level}_{period}.pdf",
                                   key="pack_pdf_download")
        with q2:
            deck_button(pack_a, pack_b, saved, key="pack")

# ----------------------------------------------------------------------------------------------- data
st.subheader(tr("Daten herunterladen", "Download data"))
st.caption(tr("CSV für deutsches Excel (Semikolon, Dezimalkomma, UTF-8), Excel-Arbeitsmappe (XLSX) oder "
              "GeoPackage für QGIS. Gesperrte Werte (Geheimhaltung) erscheinen als * bzw. leer.",
              "CSV for German Excel, XLSX or GeoPackage for QGIS. Suppressed values are * or empty."))

from sozialraum.export.data_export import FORMATS, MIME, WHAT, export_bytes, file_name  # noqa: E402

WHAT_EN = {"indicators": "Indicators per area", "areas": "Areas with indicators and need index",
           "need-index": "Need index (MSS) per area", "sites": "Sites: Jobcenter, candidates, services"}
FORMAT_LABELS = {"csv": "CSV (Excel)", "xlsx": "XLSX", "gpkg": "GeoPackage (QGIS)"}


@st.cache_data(show_spinner=False, max_entries=24)
def _export(version: str, what: str, fmt: str, level: str, period: str, threshold: int) -> bytes:
    return export_bytes(common.get_con(), what, fmt, level=level, period=period, threshold=threshold)


c1, c2 = st.columns(2)
what = c1.selectbox(tr("Inhalt", "Content"), list(WHAT), format_func=lambda w: tr(WHAT[w], WHAT_EN[w]),
                    key="export_what")
fmt = c2.radio(tr("Format", "Format"), list(FORMATS), format_func=FORMAT_LABELS.get, horizontal=True,
               key="export_format")
try:
    with st.spinner(tr("Datei wird erzeugt …", "Building file …")):
        payload = _export(common.data_version(), what, fmt, level, period, threshold)
    st.download_button(tr("Herunterladen", "Download") + f": {file_name(what, fmt, level, period)}", payload,
                       file_name=file_name(what, fmt, level, period), mime=MIME[fmt], key="download_data")
except Exception as exc:  # noqa: BLE001 - show the German message, never a traceback
    st.error(str(exc))

# ----------------------------------------------------------------------------------------------- images
st.subheader(tr("Bilder in Druckqualität", "Print-quality images"))
st.caption(tr("Die Bedarfskarte als PNG (dreifache Auflösung, etwa 300 dpi bei 25 cm Breite) – so, wie die App sie "
              "zeigt, ohne Hintergrundkarte.", "The need map as a PNG at print resolution."))


@st.cache_data(show_spinner=False, max_entries=8)
def _need_map_png(version: str, level: str, period: str, threshold: int) -> bytes | None:
    from sozialraum.export.images import map_png
    from sozialraum.export.report_context import make_context
    from sozialraum.export.report_sections import need_map

    ctx = make_context(common.get_con(), level, period, threshold=threshold, basemap="none")
    m, _ = need_map(ctx)
    return None if m is None else map_png(m, width=1000, height=800, scale=3)


if st.button(tr("Bedarfskarte als PNG erzeugen", "Render need map as PNG"), key="render_map_png") and chromium_ok():
    with st.spinner(tr("Karte wird gezeichnet …", "Drawing map …")):
        png = _need_map_png(common.data_version(), level, period, threshold)
    if png is None:
        st.info(tr("Für diese Ebene lässt sich kein Bedarfsindex berechnen.", "No need index for this level."))
    else:
        st.image(png, caption=f"{tr('Bedarfskarte', 'Need map')} {format_period(period)}", width=420)
        st.download_button(tr("PNG herunterladen", "Download PNG"), png, mime="image/png",
                           file_name=f"bedarfskarte_{level}_{period}.png", key="download_map_png")



@st.cache_data(show_spinner=False, max_entries=8)
def _k_curve_images(version: str, scenario_id: str) -> tuple[bytes, bytes]:
    from sozialraum.charts.siting import k_curve_chart
    from sozialraum.export.images import figure_png, figure_svg, image_session
    from sozialraum.siting.scenarios import load

    plan = load(common.get_con(), scenario_id)
    fig = k_curve_chart(plan.k_curve, chosen_k=int(plan.summary.get("n_new") or 0) or None,
                        baseline=plan.summary.get("covered_share_fixed_only"))
    with image_session():
        return figure_png(fig, 3, width=900, height=420), figure_svg(fig, width=900, height=420)


if scenario:
    if st.button(tr("k-Kurve des Szenarios als PNG und SVG", "Scenario k-curve as PNG and SVG"),
                 key="render_kcurve") and chromium_ok():
        with st.spinner(tr("Diagramm wird gezeichnet …", "Drawing chart …")):
            png, svg = _k_curve_images(common.data_version(), scenario)
        st.image(png, width=420)
        c1, c2 = st.columns(2)
        c1.download_button("PNG", png, mime="image/png", file_name=f"k_kurve_{scenario}.png", key="kcurve_png")
        c2.download_button("SVG", svg, mime="image/svg+xml", file_name=f"k_kurve_{scenario}.svg", key="kcurve_svg")
else:
    st.caption(tr("Für die k-Kurve als Bild oben ein gespeichertes Szenario wählen.",
                  "Choose a saved scenario above to export its k-curve."))

