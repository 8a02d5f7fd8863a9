"""The council pack in the app: two saved scenarios compared (table) and the PowerPoint deck / PDF to download.

Used by the page „Berichte & Export" and by the saved-scenarios section of „Standortplanung"; the library
composes everything (``sozialraum.views.scenario_compare``, ``sozialraum.export.deck``, ``export.report``).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.common import data_version, get_con, tr

PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


@st.cache_data(show_spinner=False, max_entries=8)
def comparison(version: str, a: str, b: str) -> tuple[pd.DataFrame, str]:
    """(comparison table, one sentence on the difference in reach) of two saved scenarios (no stability runs)."""
    from sozialraum.views.scenario import saved_view
    from sozialraum.views.scenario_compare import compare, coverage_sentence

    con = get_con()
    va, vb = saved_view(con, a, stability=False), saved_view(con, b, stability=False)
    return compare(va, vb), coverage_sentence(va, vb)


def chromium_ok() -> bool:
    """Chromium is there for printing; else the German message why not (export page and council pack)."""
    from sozialraum.export.browser import ChromiumMissing, chromium_path

    try:
        chromium_path()
        return True
    except ChromiumMissing as exc:
        st.error(str(exc))
        return False


def deck_button(a: str, b: str, names: dict, *, key: str) -> None:
    """"PowerPoint erstellen" → the deck for scenarios ``a`` and ``b`` → a download button."""
    import tempfile
    from pathlib import Path

    state = f"{key}_pptx"
    if st.button(tr("Ratsvorlage als PowerPoint erstellen", "Build council deck (PowerPoint)"), key=f"{key}_build",
                 disabled=a == b) and chromium_ok():
        from sozialraum.errors import InputError, SolverError
        from sozialraum.export.deck import build_deck

        bar = st.progress(0.0, text=tr("PowerPoint wird vorbereitet …", "Preparing deck …"))
        try:
            with tempfile.TemporaryDirectory(prefix="sozialraum_deck_") as tmp:
                out = Path(tmp) / "ratsvorlage.pptx"
                result = build_deck(get_con(), out, (a, b),
                                    progress=lambda f, m: bar.progress(min(max(f, 0.0), 1.0), text=m))
                st.session_state[state] = (out.read_bytes(), result.slides, (a, b))
        except (InputError, SolverError) as exc:
            st.error(str(exc))
        except RuntimeError as exc:
            st.error(tr(f"Die PowerPoint-Datei konnte nicht erstellt werden: {exc}", f"The deck failed: {exc}"))
        finally:
            bar.empty()
    got = st.session_state.get(state)
    if got is not None and got[2] == (a, b):
        data, slides, _ = got
        st.download_button(tr(f"PowerPoint herunterladen ({slides} Folien)", f"Download PowerPoint ({slides} slides)"),
                           data, mime=PPTX_MIME, key=f"{key}_download",
                           file_name=f"ratsvorlage_{_slug(names.get(a, a))}_{_slug(names.get(b, b))}.pptx")


def _slug(text: str) -> str:
    import re

    return re.sub(r"[^A-Za-z0-9äöüÄÖÜß]+", "-", str(text)).strip("-")[:40] or "szenario"


def comparison_table(a: str, b: str) -> None:
    """The comparison of two saved scenarios as the pack prints it."""
    from sozialraum.errors import InputError

    try:
        table, sentence = comparison(data_version(), a, b)
    except InputError as exc:
        st.error(str(exc))
        return
    if sentence:
        st.markdown(f"**{sentence}**")
    st.dataframe(table, hide_index=True, width="stretch", key=f"council_compare_{a}_{b}")
