"""Daten page, tab „Straßennetz“: upload an OpenStreetMap extract (and a GTFS timetable), build the network the
travel times use, record both as sources with their licences.

Widgets → ``sozialraum.network.build_network`` (which checks the files, clips to the store's areas, builds and
records; ``InputError`` in German for bad, empty or wrong-area files) → a progress bar and the result.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from app_pages.common import get_con, setting, tr, writing
from sozialraum.errors import InputError

MODE_LABELS = {"walk": ("zu Fuß", "walk"), "bike": ("Fahrrad", "bike"), "car": ("Auto", "car")}


def _safe_name(name: str, suffix: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(name).name).strip("._") or "upload"
    return stem if stem.endswith(suffix) else stem + suffix


def _current(con) -> None:
    """What the store has now: the network's modes and its sources."""
    from sozialraum.network import read_info, store_network_dir

    folder = store_network_dir(con)
    info = read_info(folder) if folder is not None else None
    if info is None:
        st.info(tr("Für diese Datenbank ist noch kein Straßennetz gebaut: Reisezeiten werden als Luftlinie × "
                   "Umwegfaktor gerechnet (überall als „Luftlinie“ gekennzeichnet).",
                   "No street network yet: travel times are straight line × detour factor."))
        return
    names = {"walk": tr("zu Fuß", "walk"), "bike": tr("Fahrrad", "bike"), "car": tr("Auto", "car"),
             "transit": tr("ÖPNV", "public transport")}
    st.success(tr(f"Straßennetz vorhanden ({', '.join(names[m] for m in info.modes)}), gebaut aus "
                  f"{info.osm_file}.", f"Street network present ({', '.join(info.modes)}) from {info.osm_file}."))


def _feed_summary(meta) -> str:
    def day(d):
        return f"{d[6:]}.{d[4:6]}.{d[:4]}" if d else "?"

    who = meta.publisher or ", ".join(meta.agencies[:3]) or tr("nicht angegeben", "not stated")
    return tr(f"Fahrplan von {who}: {meta.n_routes} Linien, {meta.n_stops} Haltestellen, gültig "
              f"{day(meta.first)} bis {day(meta.last)}.",
              f"Timetable by {who}: {meta.n_routes} routes, {meta.n_stops} stops, {day(meta.first)}–{day(meta.last)}.")


def run() -> None:
    """The tab's content (called by app_pages/daten.py)."""
    from sozialraum.network.feeds import read_feed_meta

    con = get_con()
    st.subheader(tr("Straßennetz und Fahrplan für echte Reisezeiten", "Street network and timetable"))
    status = st.empty()
    with status.container():
        _current(con)
    max_mb = max(1, int(setting("network_upload_max_mb")))
    osm = st.file_uploader(
        tr("OpenStreetMap-Auszug (.osm.pbf)", "OpenStreetMap extract (.osm.pbf)"), type=["pbf", "osm"],
        key="netz_osm", max_upload_size=max_mb,
        help=tr("Zum Beispiel der Auszug des Bundeslands oder Regierungsbezirks von download.geofabrik.de. Er wird "
                "auf die Gebiete der Datenbank plus 3 km Rand zugeschnitten. Läuft die App hinter einem Webserver, "
                "gilt auch dessen Grenze für Uploads (deploy/nginx.conf: 60 MB); größere Auszüge lassen sich mit "
                "`sozialraum network build --osm DATEI` einlesen.",
                "E.g. the extract of the Land; clipped to the store's areas plus 3 km."))
    gtfs = st.file_uploader(tr("ÖPNV-Fahrplan (GTFS, .zip, freiwillig)", "Timetable (GTFS zip, optional)"),
                            type=["zip"], key="netz_gtfs", max_upload_size=max_mb,
                            help=tr("Für Reisezeiten mit Bus und Bahn (Verkehrsmittel „ÖPNV“).",
                                    "For public transport travel times."))
    if "_netz_dir" not in st.session_state or not Path(st.session_state["_netz_dir"]).is_dir():
        st.session_state["_netz_dir"] = tempfile.mkdtemp(prefix="sozialraum-netz-upload-")
    work = st.session_state["_netz_dir"]
    gtfs_path = meta = None
    if gtfs is not None:
        gtfs_path = Path(work) / _safe_name(gtfs.name, ".zip")
        held = st.session_state.get("_netz_feed")
        if held is None or held[0] != (gtfs.file_id, str(gtfs_path)) or not gtfs_path.exists():
            gtfs_path.write_bytes(gtfs.getvalue())  # once per uploaded file, not on every rerun
            try:
                held = ((gtfs.file_id, str(gtfs_path)), read_feed_meta(gtfs_path))
            except InputError as exc:
                st.error(tr("Der Fahrplan wurde abgelehnt: ", "The timetable was refused: ") + str(exc))
                return
            st.session_state["_netz_feed"] = held
        meta = held[1]
        st.caption(_feed_summary(meta))
    licence = ""
    if meta is not None:
        licence = st.text_input(
            tr("Lizenz des Fahrplans", "Licence of the timetable"), value=meta.licence or "", key="netz_lizenz",
            placeholder=tr("z. B. CC BY 4.0 – steht beim Herausgeber des Fahrplans", "e.g. CC BY 4.0"),
            help=tr("Wird mit der Quelle gespeichert und überall genannt, wo die Quellen stehen (auch im Bericht). "
                    f"Quellenvermerk: {meta.attribution}", f"Stored with the source. Attribution: {meta.attribution}"))
    modes = st.multiselect(tr("Verkehrsmittel", "Modes"), list(MODE_LABELS), default=list(MODE_LABELS),
                           format_func=lambda m: tr(*MODE_LABELS[m]), key="netz_modes")
    fast = st.checkbox(tr("Schnell bauen (MLD) statt schneller Abfragen (CH)", "Fast build (MLD) instead of CH"),
                       key="netz_mld", help=tr("CH braucht beim Bau länger (bei einem Kreis etwa 20 s), rechnet große "
                                               "Reisezeit-Tabellen aber 2–4-mal schneller.",
                                               "CH builds slower but answers large matrices faster."))
    if st.button(tr("Netz bauen", "Build network"), type="primary", key="netz_bauen",
                 disabled=osm is None or not modes):
        osm_path = Path(work) / _safe_name(osm.name, ".pbf" if not osm.name.endswith(".osm") else ".osm")
        osm_path.write_bytes(osm.getvalue())
        if _build(osm_path, gtfs_path, modes, licence, "MLD" if fast else "CH"):
            with status.container():
                _current(get_con())
    elif osm is None:
        st.caption(tr("Zuerst einen OSM-Auszug wählen.", "Choose an OSM extract first."))


def _build(osm_path: Path, gtfs_path: Path | None, modes, licence: str, algorithm: str) -> bool:
    from sozialraum.network import build_network

    bar = st.progress(0.0, text=tr("Dateien prüfen …", "Checking files …"))

    def progress(text: str, share: float) -> None:
        bar.progress(min(max(share, 0.0), 1.0), text=f"{text} …" if share < 1 else text)

    try:
        with writing(f"Straßennetz aus {osm_path.name}") as wcon:
            info = build_network(osm_path, gtfs_path, con=wcon, modes=tuple(modes), algorithm=algorithm,
                                 gtfs_licence=licence or None, progress=progress)
    except InputError as exc:
        bar.empty()
        st.error(tr("Das Netz wurde nicht gebaut: ", "The network was not built: ") + str(exc))
        return False
    except Exception as exc:  # noqa: BLE001 - no traceback for a planner
        bar.empty()
        st.error(tr("Das Netz wurde nicht gebaut (unerwarteter Fehler; bis zu einem neuen Bau wird mit Luftlinie "
                    "gerechnet): ", "The network was not built (unexpected error; straight line until a new build): ")
                 + f"{type(exc).__name__}: {str(exc)[:300]}")
        return False
    finally:
        shutil.rmtree(osm_path.parent, ignore_errors=True)
        st.session_state.pop("_netz_dir", None)
        st.session_state.pop("_netz_feed", None)
    secs = pd.Series(info.build_seconds).sum()
    built = ", ".join(tr(*MODE_LABELS.get(m, ("ÖPNV", "public transport"))) for m in info.modes)
    st.success(tr(f"Straßennetz gebaut ({built}) in {secs:.0f} s. Reisezeiten rechnen jetzt auf "
                  "dem Netz, wenn in den Einstellungen ein Verkehrsmittel gewählt ist. Quelle: © OpenStreetMap-"
                  "Mitwirkende (ODbL).",
                  f"Network built ({', '.join(info.modes)}) in {secs:.0f} s."))
    return True
