"""Markdown tables rendered from the declarations (settings, indicators, service types) for the README and docs."""

from __future__ import annotations

from sozialraum.indicators.registry import INDICATORS
from sozialraum.services import COOPERATION_FORMS, SERVICE_TYPES, VENUE_TYPES
from sozialraum.settings import SETTINGS

_DIRECTION = {"higher_is_worse": "höher = mehr Bedarf", "higher_is_better": "höher = besser", "neutral": "–"}
_AGGREGATION = {"sum": "Summe", "ratio": "aus Zähler/Nenner neu berechnet", "none": "nicht aggregierbar"}


def _cell(value) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def settings_table() -> str:
    lines = ["| Gruppe | Einstellung | Name | Standard | Einheit | Erläuterung |", "|---|---|---|---|---|---|"]
    for s in SETTINGS.values():
        default = s.default if not isinstance(s.default, bool) else ("ja" if s.default else "nein")
        choices = f" Auswahl: {', '.join(s.choices)}." if s.choices else ""
        lines.append(f"| {s.group} | {_cell(s.label)} | `{s.name}` | {default} | {s.unit} | {_cell(s.help)}{choices} |")
    return "\n".join(lines)


def indicators_table() -> str:
    lines = ["| Schlüssel | Bezeichnung | Einheit | Richtung | Berechnung | Aggregation |", "|---|---|---|---|---|---|"]
    for i in INDICATORS.values():
        formula = f"{i.numerator} / {i.denominator} × {i.scale:g}" if i.numerator else "Zählwert" \
            if i.kind == "count" else "veröffentlicht"
        lines.append(f"| `{i.key}` | {_cell(i.label_de)} | {i.unit} | {_DIRECTION[i.direction]} | {formula} | "
                     f"{_AGGREGATION[i.aggregation]} |")
    return "\n".join(lines)


def types_table() -> str:
    lines = ["| Art | Schlüssel | Bezeichnung |", "|---|---|---|"]
    for title, table in (("Angebot", SERVICE_TYPES), ("Standort für Außenstelle", VENUE_TYPES),
                         ("Kooperationsform", COOPERATION_FORMS)):
        lines += [f"| {title} | `{k}` | {_cell(v)} |" for k, v in table.items()]
    return "\n".join(lines)


BLOCKS = {"settings": settings_table, "indicators": indicators_table, "types": types_table}


def render_into(text: str) -> str:
    """Replace every ``<!-- BEGIN name -->…<!-- END name -->`` block with the freshly rendered table."""
    import re

    for name, render in BLOCKS.items():
        pattern = re.compile(rf"(<!-- BEGIN {name} -->\n)(?:.*?\n)?(<!-- END {name} -->)", re.S)
        text = pattern.sub(lambda m: m.group(1) + render() + "\n" + m.group(2), text)
    return text
