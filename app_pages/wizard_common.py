"""Widgets shared by the import steps of the page „Daten": source form, problem tables, saved recipes."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import streamlit as st

from app_pages.common import db_path, tr
from app_pages.daten_forms import problems_frame
from sozialraum.errors import InputError


def source_form(upload_name: str, key: str = "src", step: str = "") -> dict:
    st.subheader(step + tr("Quelle beschreiben", "Describe the source"))
    stem = re.sub(r"[^a-z0-9]+", "_", Path(upload_name).stem.lower()).strip("_") or "upload"
    c1, c2 = st.columns(2)
    return {
        "source_id": c1.text_input(tr("Kennung der Quelle", "Source id"), value=stem, key=f"{key}_id",
                                   help=tr("Eine erneute Übernahme mit derselben Kennung ersetzt die alten Zeilen "
                                           "dieser Quelle.", "Re-importing the same id replaces its rows.")),
        "title": c2.text_input(tr("Titel", "Title"), value=Path(upload_name).stem, key=f"{key}_title"),
        "publisher": c1.text_input(tr("Herausgeber", "Publisher"), key=f"{key}_publisher"),
        "licence": c2.text_input(tr("Lizenz", "Licence"), key=f"{key}_licence", placeholder="z. B. dl-de/by-2-0"),
        "attribution": c1.text_input(tr("Quellenvermerk", "Attribution"), key=f"{key}_attribution"),
        "reference_date": c2.text_input(tr("Stichtag", "Reference date"), key=f"{key}_date",
                                        placeholder="2024-12-31"),
    }


def show_problems(exc: InputError) -> None:
    st.error(tr(f"Die Prüfung hat {len(exc.problems)} Problem(e) gefunden. Es wurde nichts gespeichert.",
                f"Validation found {len(exc.problems)} problem(s). Nothing was saved."))
    st.table(problems_frame(exc).set_index("Datei"))


def problem_table(problems) -> pd.DataFrame:
    return pd.DataFrame({"Datei": [p.file or "" for p in problems],
                         "Zeile": ["" if p.row is None else str(p.row) for p in problems],
                         "Spalte": [p.column or "" for p in problems],
                         "Hinweis": [p.problem for p in problems]})


def recipe_folder() -> Path:
    """Recipes saved by the wizard live beside the database: ``<data>/rezepte/``."""
    return db_path().parent / "rezepte"


def saved_recipes(kind: str = "statistics") -> dict[str, Path]:
    """The wizard's saved recipes with an entry of ``kind`` (``statistics`` or ``points``)."""
    import tomllib

    folder = recipe_folder()
    out = {}
    for p in sorted(folder.glob("*.toml")) if folder.is_dir() else []:
        try:
            doc = tomllib.loads(p.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError):
            continue
        if any(s.get(kind) for s in doc.get("source", [])):
            out[p.stem] = p
    return out


def recipe_choice(kind: str, key: str) -> Path | None:
    """A saved recipe of ``kind`` the planner picks to repeat last time's import, or None (step by step; also
    when there is none yet)."""
    recipes = saved_recipes(kind)
    if not recipes:
        return None
    step_by_step = "—"
    choice = st.selectbox(tr("Gespeichertes Rezept verwenden (gleiche Einstellungen wie beim letzten Mal)",
                             "Use a saved recipe"), [step_by_step] + list(recipes),
                          format_func=lambda v: tr("— nein, Schritt für Schritt —", "— no, step by step —")
                          if v == step_by_step else v, key=key)
    return None if choice == step_by_step else recipes[choice]
