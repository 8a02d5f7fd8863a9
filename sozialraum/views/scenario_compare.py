"""Two siting scenarios side by side (before/after or A/B): what differs, and by how much the reach differs.

Pure text tables from two :class:`sozialraum.views.scenario.ScenarioView`; the app, the PDF report and the
PowerPoint deck lay them out. Differences of people are differences of numbers already rounded to tens, and
shares are shown to one decimal, as everywhere else.
"""

from __future__ import annotations

import pandas as pd

from sozialraum.views.scenario import ScenarioView, people, points

TEXT_FACTS = ("Modell", "Zielgruppe", "Stichtag", "Zeitbudget", "Wegemodell")


def _number(view: ScenarioView, key: str):
    s = view.plan.summary
    return {"Neue Standorte": s.get("n_new"), "Bestehende Standorte (fest)": s.get("n_fixed"),
            "Personen in Reichweite (≈)": s.get("covered"), "Zielgruppe insgesamt (≈)": s.get("total"),
            "Standorte über Kapazität": len(view.over_capacity)}.get(key)


def _share(view: ScenarioView, key: str):
    s = view.plan.summary
    return {"Zielgruppe in Reichweite": s.get("covered_share"),
            "nur bestehende Standorte": s.get("covered_share_fixed_only")}.get(key)


def compare(a: ScenarioView, b: ScenarioView) -> pd.DataFrame:
    """Merkmal | A's name | B's name | Unterschied (B − A; "gleich"/"anders" for settings)."""
    cols = ["Merkmal", a.name, b.name if b.name != a.name else b.name + " (B)", "Unterschied (B − A)"]
    rows = []
    for key in a.facts:
        va, vb = a.facts[key], b.facts.get(key, "–")
        if key in TEXT_FACTS:
            diff = "gleich" if va == vb else "anders"
        elif _share(a, key) is not None and _share(b, key) is not None:
            diff = points(_share(b, key) - _share(a, key)) + " Prozentpunkte"
        elif key == "Konzentrationsindex":
            ca, cb = a.plan.summary.get("concentration_index"), b.plan.summary.get("concentration_index")
            diff = "–" if ca is None or cb is None else _signed(cb - ca, 2)
        elif key == "Beratungsstunden je Woche (Zielgruppe)":
            diff = _hours_diff(a, b)
        elif _number(a, key) is not None and _number(b, key) is not None:
            diff = _signed(float(_number(b, key)) - float(_number(a, key)), 0)
        else:
            diff = "–"
        rows.append([key, va, vb, diff])
    # reach per MSS status class: does B reach the areas of greatest need better than A?
    fa, fb = _fair(a), _fair(b)
    for cls in list(dict.fromkeys(list(fa) + list(fb))):
        sa, sb = fa.get(cls), fb.get(cls)
        rows.append([f"In Reichweite, Statusklasse „{cls}“", _pct(sa), _pct(sb),
                     "–" if sa is None or sb is None else points(sb - sa) + " Prozentpunkte"])
    return pd.DataFrame(rows, columns=cols)


def _pct(x) -> str:
    from sozialraum.views.scenario import pct

    return pct(x)


def _fair(view: ScenarioView) -> dict:
    fair = getattr(view.plan, "fairness", None)
    if fair is None or fair.empty:
        return {}
    return {str(c): (None if pd.isna(v) else float(v)) for c, v in zip(fair["status_class"], fair["share"])}


def _signed(x: float, decimals: int) -> str:
    from sozialraum.formatting import format_number

    text = format_number(x, decimals)
    return text if text.startswith("−") or set(text) <= set("0,") else "+" + text


def _hours_diff(a: ScenarioView, b: ScenarioView) -> str:
    def total(v):
        load = getattr(v.plan, "caseload", None)
        if load is None or load.empty:
            return None
        return float(load.loc[load["group"] == v.plan.parameters.get("target_indicator"), "staff_hours_week"].sum())

    ha, hb = total(a), total(b)
    return "–" if ha is None or hb is None else _signed(hb - ha, 1)


def site_differences(a: ScenarioView, b: ScenarioView) -> pd.DataFrame:
    """Every site of either plan: Standort | in A | in B (its number on that map, or "–")."""
    def numbers(v):
        return dict(zip(v.sites["id"].astype(str), v.sites["label"].astype(str)))

    na, nb = numbers(a), numbers(b)
    names = dict(zip(b.sites["id"].astype(str), b.sites["name"].astype(str)))
    names.update(dict(zip(a.sites["id"].astype(str), a.sites["name"].astype(str))))
    order = list(dict.fromkeys(list(a.sites["id"].astype(str)) + list(b.sites["id"].astype(str))))
    rows = []
    for sid in order:
        where = "in beiden" if sid in na and sid in nb else ("nur in A" if sid in na else "nur in B")
        rows.append([names[sid], na.get(sid, "–"), nb.get(sid, "–"), where])
    return pd.DataFrame(rows, columns=["Standort", f"Nr. in {a.name}", f"Nr. in {b.name}", "Vergleich"])


def area_differences(a: ScenarioView, b: ScenarioView, n: int = 10) -> pd.DataFrame:
    """The ``n`` areas whose share of the target group within reach differs most between the plans."""
    sa = a.plan.area_service.set_index(a.plan.area_service["area_key"].astype(str))
    sb = b.plan.area_service.set_index(b.plan.area_service["area_key"].astype(str))
    keys = sa.index.intersection(sb.index)
    if not len(keys):
        return pd.DataFrame(columns=["Gebiet", a.name, b.name, "Unterschied"])
    da = pd.to_numeric(sa.loc[keys, "share_after"], errors="coerce")
    db = pd.to_numeric(sb.loc[keys, "share_after"], errors="coerce")
    diff = (db - da).dropna()
    diff = diff[diff.abs() >= 0.0005]
    top = diff.reindex(diff.abs().sort_values(ascending=False).index)[:n]
    return pd.DataFrame({
        "Gebiet": [str(sa.loc[k, "name"]) for k in top.index],
        f"in Reichweite: {a.name}": [_pct(da[k]) for k in top.index],
        f"in Reichweite: {b.name}": [_pct(db[k]) for k in top.index],
        "Unterschied": [points(v) + " Prozentpunkte" for v in top],
    })


def coverage_sentence(a: ScenarioView, b: ScenarioView) -> str:
    """One German sentence on the difference in reach (for the report, the deck and the app)."""
    ca, cb = a.plan.summary.get("covered_share"), b.plan.summary.get("covered_share")
    if ca is None or cb is None:
        return ""
    pa, pb = a.plan.summary.get("covered"), b.plan.summary.get("covered")
    diff_people = None if pa is None or pb is None else float(pb) - float(pa)
    more = "mehr" if cb >= ca else "weniger"
    text = (f"„{b.name}“ erreicht {points(cb - ca).lstrip('+').lstrip('−')} Prozentpunkte {more} der Zielgruppe "
            f"als „{a.name}“")
    if diff_people is not None:
        text += f" (≈ {people(abs(diff_people))} Personen {more})"
    return text + "."
