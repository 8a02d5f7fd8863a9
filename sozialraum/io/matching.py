"""Which area is meant by a row of a statistics table: by key, by name, by key template (pure functions).

Tables of real cities rarely carry the keys of the area shapes: a hand-typed Sozialatlas writes ``4``,
``04 Westliche Höhe`` or ``Westliche_Höhe`` where the shapes say ``STGT04``; a statistical-office profile has
names only, plus total rows ("Hamburg insgesamt", a Bezirk, "Summe") and merged units ("A und B").

``normalise(name) -> str``
    Lower case, umlauts and ß spelt out, punctuation and ``_`` as spaces, a leading number (``04 ``) and
    "Stadtteil"/"Ortsteil"-like prefixes removed ("Bezirk …" is kept: a Stadtteil may share its Bezirk's name).
``parse_method(text) -> Method``
    ``"schluessel"`` (key column, default), ``"name"``, ``"vorlage:STGT{:02d}"`` (a number in the cell turned
    into a key with a Python format template).
``match_rows(cells, areas, method, *, totals=(), values=None) -> MatchTable``
    ``cells``: the text of the chosen column per row (row number → text); ``areas``: area key → name of the
    level; ``totals``: names that denote totals (the city, parent areas). ``values``: optional numbers per row
    (one count column) to recognise rows that are the sum of the rows above (subtotals) or of all (total).
    Each row gets a status: ``matched``, ``unmatched``, ``ambiguous``, ``total``, ``empty``, ``merged``,
    ``duplicate``; unmatched rows get the closest area names as suggestions (difflib). ``repeats_ok``: several
    rows per area are expected (one per period); no duplicate or sum-row check then.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

STATUS_DE = {
    "matched": "zugeordnet",
    "unmatched": "nicht gefunden",
    "ambiguous": "mehrdeutig",
    "total": "Summenzeile (ausgelassen)",
    "empty": "ohne Schlüssel (ausgelassen)",
    "merged": "zusammengefasste Gebiete (ausgelassen)",
    "duplicate": "doppelt",
}
SKIPPED_QUIETLY = ("total", "empty")  # left out with a note, never a reason to stop
TOTAL_WORDS = re.compile(r"\b(insgesamt|summe|gesamt|zusammen|total|gesamtstadt|stadt gesamt|alle)\b")
PREFIXES = re.compile(r"^(stadtteil|ortsteil|sozialraum|planungsraum|quartier|st|ot)\s+")
PARENT_PREFIXES = re.compile(r"^(stadtbezirk|bezirk|bezirksamt|landkreis|kreis|stadt|gemeinde)\s+")
MERGE_SPLIT = re.compile(r"\s+(?:und|u\.|&|/|\+)\s+|\s*/\s*|\s*,\s*")


def normalise(name) -> str:
    if name is None or (isinstance(name, float) and math.isnan(name)):
        return ""
    s = str(name).strip().lower()
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        s = s.replace(a, b)
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
    s = re.sub(r"[_\W]+", " ", s).strip()
    s = re.sub(r"^\d+[a-z]?\s+(?=[a-z])", "", s)  # leading number "04 Westliche Höhe"
    s = PREFIXES.sub("", s)
    return re.sub(r"\s+", " ", s).strip()


@dataclass(frozen=True)
class Method:
    kind: str  # key | name | template
    template: str | None = None

    @property
    def text(self) -> str:
        return {"key": "schluessel", "name": "name"}.get(self.kind, f"vorlage:{self.template}")


def parse_method(text: str | None) -> Method:
    t = (text or "schluessel").strip()
    low = t.lower()
    if low in ("schluessel", "schlüssel", "key"):
        return Method("key")
    if low == "name":
        return Method("name")
    if low.startswith("vorlage:") or low.startswith("template:"):
        template = t.split(":", 1)[1]
        try:
            template.format(1)
        except (IndexError, KeyError, ValueError) as exc:
            raise ValueError(f"Schlüsselvorlage {template!r} ist ungültig (Beispiel: 'STGT{{:02d}}')") from exc
        return Method("template", template)
    raise ValueError(f"Abgleich {t!r} unbekannt: 'schluessel', 'name' oder 'vorlage:PRÄFIX{{:02d}}'")


@dataclass(frozen=True)
class MatchTable:
    frame: pd.DataFrame  # row, text, status, area_key, area_name, suggestions

    def keys(self) -> pd.Series:
        """Area key per row (None unless matched), indexed by row number."""
        f = self.frame
        return pd.Series([k if s == "matched" else None for k, s in zip(f["area_key"], f["status"])],
                         index=f["row"], dtype=object)

    def problems(self) -> pd.DataFrame:
        return self.frame[~self.frame["status"].isin(("matched", *SKIPPED_QUIETLY))]

    def counts(self) -> dict[str, int]:
        return self.frame["status"].value_counts().to_dict()

    def notes(self, file: str | None = None) -> list[str]:
        prefix = f"{file}: " if file else ""
        out = []
        for status in ("total", "empty", "merged", "unmatched", "ambiguous", "duplicate"):
            rows = self.frame[self.frame["status"] == status]
            if len(rows):
                hint = "meinten Sie: {}?" if status in ("unmatched", "ambiguous") else "{}"
                listed = "; ".join(f"Zeile {r} „{t}“" + (f" ({hint.format(s)})" if s else "")
                                   for r, t, s in zip(rows["row"], rows["text"], rows["suggestions"]))
                out.append(f"{prefix}{len(rows)} Zeile(n) {STATUS_DE[status]}: {listed}")
        return out

    def german(self) -> pd.DataFrame:
        f = self.frame
        return pd.DataFrame({"Zeile": f["row"], "Eintrag in der Datei": f["text"],
                             "Ergebnis": [STATUS_DE[s] for s in f["status"]],
                             "Gebiet": [f"{n} ({k})" if isinstance(k, str) and k else ""
                                        for k, n in zip(f["area_key"], f["area_name"])],
                             "Ähnliche Namen": f["suggestions"]})


def _number(text: str) -> int | None:
    if re.fullmatch(r"\s*[+-]?\d+[.,]\d+\s*%?\s*", text):  # "3.9", "6,8 %": a value, never an area's number
        return None
    m = re.match(r"^\s*(\d+)", text)
    if m:
        return int(m.group(1))
    m = re.search(r"(\d+)\s*$", text)
    return int(m.group(1)) if m else None


def match_rows(cells: pd.Series, areas: dict[str, str], method: Method | str, *, totals=(),
               values: pd.Series | None = None, repeats_ok: bool = False) -> MatchTable:
    """Match every row (see the module docstring). ``cells`` is indexed by spreadsheet row number."""
    if isinstance(method, str):
        method = parse_method(method)
    by_name: dict[str, list[str]] = {}
    for k, n in areas.items():
        by_name.setdefault(normalise(n), []).append(k)
        by_name.setdefault(normalise(k), []).append(k)
    for n in list(by_name):
        by_name[n] = sorted(set(by_name[n]))
    total_names = {n for t in totals for n in (normalise(t), PARENT_PREFIXES.sub("", normalise(t))) if n}
    names_norm = list(by_name)
    records = []
    for row, cell in cells.items():
        text = _cell_text(cell)
        status, key, suggestions = _one(text, areas, method, by_name, total_names, names_norm)
        records.append({"row": int(row), "text": text, "status": status, "area_key": key,
                        "area_name": areas.get(key, "") if key else "", "suggestions": suggestions})
    frame = pd.DataFrame(records, columns=["row", "text", "status", "area_key", "area_name", "suggestions"])
    if values is not None and len(frame) and not repeats_ok:
        frame = _sum_rows(frame, values)
    if repeats_ok:  # one row per area and period (a period column): repeats are expected
        return MatchTable(frame)
    dup = frame["status"].eq("matched") & frame.duplicated("area_key", keep=False)
    frame.loc[dup, "status"] = "duplicate"
    frame.loc[dup, "suggestions"] = "mehrere Zeilen für dasselbe Gebiet"
    return MatchTable(frame)


def _cell_text(cell) -> str:
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return str(cell).strip()


def _one(text, areas, method, by_name, total_names, names_norm):
    if not text:
        return "empty", None, ""
    norm = normalise(text)
    if method.kind == "key":
        if text in areas:
            return "matched", text, ""
    elif method.kind == "template":
        n = _number(text)
        if n is not None:
            key = method.template.format(n)
            if key in areas:
                return "matched", key, ""
        if text in areas:
            return "matched", text, ""
    else:
        if text in areas:
            return "matched", text, ""
        hits = by_name.get(norm, [])
        if len(hits) == 1:
            return "matched", hits[0], ""
        if len(hits) > 1:
            return "ambiguous", None, ", ".join(f"{areas.get(h, h)} ({h})" for h in hits[:5])
    bare = PARENT_PREFIXES.sub("", norm)
    if norm in total_names or bare in total_names or TOTAL_WORDS.search(norm) \
            or any(norm.startswith(t + " ") for t in total_names):
        return "total", None, ""
    parts = [p for p in MERGE_SPLIT.split(norm if method.kind == "name" else text) if p.strip()]
    if len(parts) >= 2 and method.kind == "name":
        found = [by_name.get(normalise(p), []) for p in parts]
        if sum(1 for f in found if f) >= 2:
            names = ", ".join(areas.get(f[0], f[0]) for f in found if f)
            return "merged", None, f"fasst zusammen: {names}"
    if method.kind != "template" and text.isdigit():
        hint = template_hint(text, areas)
        if hint:
            return "unmatched", None, hint
    close = difflib.get_close_matches(norm, names_norm, n=3, cutoff=0.6)
    suggestions = ", ".join(f"{areas.get(by_name[c][0], c)} ({by_name[c][0]})" for c in close)
    return "unmatched", None, suggestions


def template_hint(text: str, areas: dict[str, str]) -> str:
    """For a bare number such as '4' and keys such as 'STGT04': the area and the key template that finds it."""
    n = int(text)
    for key in areas:
        m = re.fullmatch(r"(.*?)(\d+)", key)
        if m and int(m.group(2)) == n and m.group(1):
            width = len(m.group(2))
            fmt = f"{m.group(1)}{{:0{width}d}}" if width > 1 else f"{m.group(1)}{{}}"
            return f"{areas[key]} ({key}); Abgleich 'vorlage:{fmt}'"
    return ""


def _sum_rows(frame: pd.DataFrame, values: pd.Series) -> pd.DataFrame:
    """Unmatched rows whose value equals the sum of all matched rows (a total) or of the matched rows since the
    previous total (a subtotal) are totals."""
    vals = [values.get(r, math.nan) for r in frame["row"]]
    frame = frame.copy()
    run, run_n, all_sum, all_n = 0.0, 0, 0.0, 0
    for i, (status, v) in enumerate(zip(frame["status"], vals)):
        v = float(v) if v is not None and not (isinstance(v, float) and math.isnan(v)) else math.nan
        if status == "matched":
            if not math.isnan(v):
                run += v
                all_sum += v
                run_n += 1
                all_n += 1
            continue
        if status in ("unmatched", "ambiguous") and not math.isnan(v):
            if (run_n >= 3 and _close(v, run)) or (all_n >= 3 and _close(v, all_sum)):
                frame.iat[i, frame.columns.get_loc("status")] = "total"
                frame.iat[i, frame.columns.get_loc("suggestions")] = "Summe der Zeilen darüber"
                run, run_n = 0.0, 0
        elif status == "total":
            run, run_n = 0.0, 0
    return frame


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= max(0.5, 1e-6 * abs(b))
