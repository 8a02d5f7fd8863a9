"""The coarser-level fallback of a need map: areas whose own value is suppressed (or under the minimum population)
show what their nearest higher area publishes — for a Kreis, an Ortsteil with a suppressed SGB II count shows its
Gemeinde's rate, a Gemeinde its Verbandsgemeinde's or the Kreis's.

Only values that the confidentiality gate already publishes are shown again (``need_layer`` on the higher level,
through ``published`` / ``rates_for_display``), so the fallback cannot tell anything about a suppressed cell
that the published tables do not tell already. Counts are not carried down as values (the Gemeinde's total is
no estimate for one Ortsteil): the area stays blank and its tooltip names the higher area's published total.

Why no multi-year sum: an area's sum over years, next to the single years that are published, gives back a
suppressed year by subtraction (and the sum of two suppressed years of 1 or 2 can pin both); making that safe
would need the gate to suppress across periods, which it does not do.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

FILLED_TEXT = "Wert von {label} „{name}“ (eigene Zahl gesperrt)"
COUNT_TEXT = "{label} „{name}“ insgesamt: {value}"


def _ancestors(con, level: str) -> list[tuple[str, str, dict[str, str]]]:
    """[(level, label, key → ancestor key at that level)] from the parent level upwards."""
    rows = dict((lv, (parent, label)) for lv, parent, label in con.execute(
        "SELECT level, parent_level, label FROM area_levels").fetchall())
    out, chain, current = [], None, level
    from sozialraum.store import read

    while rows.get(current, (None, None))[0]:
        parent = rows[current][0]
        step = read.parent_map(con, current)
        chain = step if chain is None else {k: step.get(v) for k, v in chain.items()}
        out.append((parent, rows.get(parent, (None, parent))[1] or parent, chain))
        current = parent
    return out


def with_coarser(con, layer, *, lang: str = "de", min_population: float | None = None,
                 threshold: float | None = None):
    """The layer with suppressed / too-small areas filled from the nearest higher area that has a published value
    (rates, indices: the value; counts: the total in the tooltip only). Adds a note; unchanged when nothing is
    blank for those reasons or the layer is the need index."""
    from sozialraum.views.need import NEED_INDEX, indicator_spec, need_layer

    inp = layer.input
    blank = (np.asarray(inp.suppressed, dtype=bool) | np.asarray(inp.unscored, dtype=bool)) & ~layer.shown
    if layer.indicator == NEED_INDEX or not blank.any() or layer.period is None:
        return layer
    spec = indicator_spec(con, layer.indicator)
    keys = layer.areas["area_key"].astype(str).tolist()
    values = np.asarray(inp.values, dtype=float).copy()
    tips = {k: list(v) for k, v in inp.tooltip.items()}
    first = next(iter(tips))
    reasons = list(layer.reasons)
    suppressed = np.asarray(inp.suppressed, dtype=bool).copy()
    unscored = np.asarray(inp.unscored, dtype=bool).copy()
    todo = set(np.flatnonzero(blank).tolist())
    filled = told = 0
    first_up = None  # (label, areas with a value, areas) of the next higher level
    for lv, label, chain in _ancestors(con, layer.level):
        if not todo:
            break
        up = need_layer(con, lv, layer.indicator, layer.period, lang=lang, min_population=min_population,
                        threshold=threshold)
        up_keys = up.areas["area_key"].astype(str).tolist()
        up_pos = {k: i for i, k in enumerate(up_keys)}
        up_names = up.areas["name"].astype(str).tolist()
        up_text = next(iter(up.input.tooltip.values()))
        if first_up is None:
            first_up = (label, int(up.shown.sum()), len(up.shown))
        for i in sorted(todo):
            j = up_pos.get(str(chain.get(keys[i])))
            if j is None or not np.isfinite(up.input.values[j]):
                continue
            todo.discard(i)
            if spec.kind == "count":
                reasons[i] = f"{reasons[i]}; " + COUNT_TEXT.format(label=label, name=up_names[j], value=up_text[j])
                told += 1
                continue
            values[i] = float(up.input.values[j])
            suppressed[i] = unscored[i] = False
            tips[first][i] = f"{up_text[j]} – " + FILLED_TEXT.format(label=label, name=up_names[j])
            reasons[i] = ""
            filled += 1
    note = ""
    if filled:
        note = (f"{filled} Gebiete mit gesperrter oder zu kleiner Zahl zeigen den veröffentlichten Wert des "
                "nächsthöheren Gebiets (Ersatzansicht, im Tooltip genannt) – kein eigener Wert.")
    elif told:
        note = (f"{told} Gebiete mit gesperrter Zahl nennen im Tooltip die veröffentlichte Zahl des nächsthöheren "
                "Gebiets (Zählwerte werden nicht auf kleinere Gebiete übertragen).")
        if first_up is not None:
            note += (f" Auf der Ebene {first_up[0]} haben {first_up[1]} von {first_up[2]} Gebieten einen Wert; "
                     "dort oder als Quote zeigt die Karte mehr.")
    new_input = replace(inp, values=values, suppressed=suppressed, unscored=unscored, tooltip=tips)
    notes = tuple(layer.notes) + ((note,) if note else ())
    return replace(layer, input=new_input, reasons=tuple(reasons), notes=notes)
