"""The import wizard for statistics tables: upload → table → areas → columns → source → check → preview → import.

Each step shows what was detected and a preview; every choice can be corrected. The choices are saved as a
recipe (TOML), so that next year's file is imported with the same choices in one step.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from app_pages.common import tr
from app_pages.wizard_common import recipe_choice, show_problems, source_form
from sozialraum.errors import InputError


def run(con, staged, digest: str, upload_name: str, levels_frame) -> None:
    path = Path(staged.path)
    recipe = recipe_choice("statistics", key=f"wz_recipe_{digest}")
    if recipe is not None:
        _from_recipe(con, recipe, path, digest)
        return
    from app_pages.wizard_columns import columns_step
    from app_pages.wizard_keys import keys_step
    from app_pages.wizard_table import table_step
    from sozialraum.io.guess import guess_period

    try:
        grid, layout, raw, table_options = table_step(path, digest)
    except InputError as exc:
        show_problems(exc)
        return
    keys = keys_step(con, raw, levels_frame, digest)
    if keys is None:
        return
    level, key, method, on_unmatched, _, period_column, indicator_column = keys
    mapped = columns_step(con, raw, key, digest, guess_period(grid, layout.header_rows[0] if layout.header_rows
                                                              else layout.first_row), period_column=period_column,
                          indicator_column=indicator_column)
    if mapped is None:
        return
    indicators, scale, period = mapped
    long = indicators.pop("__long__", {})
    entry = {"file": path.name, "level": level, "key": key, **table_options, **long, "indicators": indicators}
    if method != "schluessel":
        entry["match"] = method
    entry["on_unmatched"] = on_unmatched
    if scale:
        entry["scale"] = scale
    if period_column:
        entry["period_column"] = period_column
    elif period:
        entry["period"] = period
    source = source_form(upload_name, key=f"wz_src_{digest}", step=tr("Schritt 5: ", "Step 5: "))
    from app_pages.wizard_commit import check_and_commit

    check_and_commit(con, path, source, entry, digest, step=6)


def _from_recipe(con, recipe_path: Path, path: Path, digest: str) -> None:
    """The saved choices applied to the new file: only check, preview and import remain."""
    from app_pages.wizard_commit import check_and_commit
    from sozialraum.io.recipe import load_recipe

    try:
        doc = load_recipe(recipe_path)
    except InputError as exc:
        show_problems(exc)
        return
    src = doc["source"][0]
    entry = dict(src["statistics"][0])
    entry["file"] = path.name
    st.caption(tr(f"Rezept {recipe_path.name}: Ebene {entry['level']}, Spalte „{entry['key']}“, Kennzahlen "
                  f"{', '.join(entry.get('indicators', {}))}.", f"Recipe {recipe_path.name}."))
    old_period = str(entry.get("period", ""))
    if old_period:
        entry["period"] = st.text_input(tr("Zeitraum / Stichtag der neuen Werte", "Period"), value=old_period,
                                        key=f"wz_rperiod_{digest}").strip()
    source_id = _next_id(src["id"], old_period, str(entry.get("period", "")))
    c1, c2 = st.columns(2)
    source = {"source_id": c1.text_input(tr("Kennung der Quelle", "Source id"), value=source_id,
                                         key=f"wz_rsrc_{digest}_{source_id}",
                                         help=tr("Eine neue Kennung behält die Werte des Vorjahres; dieselbe Kennung "
                                                 "ersetzt sie.", "A new id keeps last year's values.")),
              "title": c2.text_input(tr("Titel", "Title"), value=src["title"], key=f"wz_rtitle_{digest}")}
    for f in ("publisher", "licence", "attribution", "reference_date"):
        source[f] = src.get(f)
    check_and_commit(con, path, source, entry, digest, step=2)


def _next_id(source_id: str, old_period: str, new_period: str) -> str:
    """Next year's source id: the old period replaced by the new one (or appended), so last year's rows stay."""
    if not new_period or new_period == old_period:
        return source_id
    if old_period and old_period in source_id:
        return source_id.replace(old_period, new_period)
    return f"{source_id}_{new_period}"
