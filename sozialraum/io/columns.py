"""Suggestions for the column mapping of a statistics table (pure): which indicator and which kind of value.

Nothing is ever chosen for the user; the wizard only offers these as the first option once a column is ticked.

``KINDS`` — value kinds: ``count`` (Anzahl), ``rate`` (veröffentlichte Quote in %), ``share`` (Anteil 0–1, stored
×100 as a percentage).
``value_kind(name, values=()) -> str`` — the likely kind from the column name (Quote, Anteil, %, je 100 …) and,
for rates, from the values (all within 0–1 → share).
``suggest_indicator(name, kind) -> str | None`` — an indicator of the registry from German synonyms (SGB II,
Leistungsberechtigte, Bedarfsgemeinschaften, Arbeitslose, unter 15, Einwohner …), or None.
``indicators_for_kind(kind, indicators) -> list[str]`` — the indicators a column of that kind may fill: counts
for ``count``; rates (re-derived ones imported as published values, and published ones) for ``rate``/``share``.
"""

from __future__ import annotations

import math
import re

KINDS = {"count": "Anzahl (Personen, Haushalte …)", "rate": "Quote/Anteil in % (veröffentlicht)",
         "share": "Anteil als Dezimalzahl 0–1 (wird ×100 in % gespeichert)"}
_RATE_WORDS = re.compile(r"quote|anteil|prozent|%|je 100|pro 100|rate|dichte|in v ?h|armut")


def _words(name: str) -> str:
    s = str(name).lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    s = s.replace("%", " % ")
    return " " + re.sub(r"[^a-z0-9%]+", " ", s).strip() + " "


def value_kind(name: str, values=()) -> str:
    w = _words(name)
    if not _RATE_WORDS.search(w):
        return "count"
    nums = [float(v) for v in values if isinstance(v, (int, float)) and not math.isnan(float(v))]
    if nums and max(nums) <= 1.0 and min(nums) >= 0.0 and any(0 < v < 1 for v in nums):
        return "share"
    return "rate"


def _has(w: str, *words: str) -> bool:
    return any(f" {x} " in w or (x.endswith("*") and f" {x[:-1]}" in w) for x in words)


def suggest_indicator(name: str, kind: str) -> str | None:
    w = _words(name)
    sgb = _has(w, "sgb", "sgb2", "sgbii", "leistungsberechtigte", "leistungsbezug*", "rlb", "elb", "hartz",
               "buergergeld", "bg", "bedarfsgemeinschaften", "transfer*")
    u15 = _has(w, "unter 15", "u15", "0 bis unter 15", "kinder", "0 14") or " unter 15 " in w
    u25 = " unter 25 " in w or _has(w, "u25", "jugend*")
    if kind in ("rate", "share"):
        if _has(w, "kinderarmut") or (sgb and u15):
            return "kinderarmut"
        if _has(w, "arbeitslos*", "alo"):
            return "alo_quote"
        if _has(w, "elb") or "erwerbsfaehige" in w:
            return "elb_quote"
        if sgb and u25:
            return "jugend_quote"
        if _has(w, "langzeit*"):
            return "langzeit_anteil"
        if _has(w, "alleinerziehend*"):
            return "alleinerziehend_anteil"
        if sgb:
            return "sgb2_quote"
        return None
    if _has(w, "bedarfsgemeinschaften", "bg"):
        return "bg_alleinerziehend" if _has(w, "alleinerziehend*") else "bg"
    if _has(w, "arbeitslos*", "alo"):
        return "alo_sgb2" if sgb or _has(w, "sgb") else "arbeitslose"
    if sgb:
        if "nicht erwerbsfaehig" in w or _has(w, "nef"):
            return "nef"
        if _has(w, "langzeit*"):
            return "elb_langzeit"
        if _has(w, "elb") or "erwerbsfaehig" in w:
            return "elb"
        if u15:
            return "rlb_u15"
        if u25:
            return "rlb_u25"
        return "rlb"
    if _has(w, "einwohner*", "bevoelkerung", "ew", "personen", "insgesamt", "hauptwohnsitz*", "wohnbevoelkerung"):
        if u15:
            return "ew_u15"
        if u25:
            return "ew_u25"
        if "65" in w and ("aelter" in w or "ueber" in w or "und mehr" in w or "plus" in w or " 65 " in w) \
                and "15" not in w:
            return "ew_65plus"
        if "15" in w and "65" in w:
            return "ew_15_64"
        return "ew_gesamt"
    if u15:
        return "ew_u15"
    return None


def indicators_for_kind(kind: str, indicators: dict) -> list[str]:
    if kind == "count":
        return [k for k, i in indicators.items() if i.kind == "count"]
    return [k for k, i in indicators.items() if i.kind == "rate" or (i.unit == "%" and i.kind != "count")]
