"""Write recipes: the import wizard's and the command line's choices as a TOML recipe (``sozialraum recipe``).

``statistics_recipe(source, entry, *, name=None) -> dict`` — a recipe document with one source and one
statistics entry (the options of ``sozialraum.io.loader.statistics_part``; ``file`` relative to the data folder).
``areas_recipe(source, entry, *, name=None) -> dict`` — the same with one areas entry (level, label, file, key,
name, parent_level, parent, parent_match, parent_slice; the rank follows from the parent link).
``points_recipe(source, entry, *, name=None) -> dict`` — the same with one points entry (``table``, ``file``,
``inside_level`` and the options of ``sozialraum.io.points.read_points``).
``dump(doc) -> str`` — TOML text of a recipe document (strings, numbers, booleans, lists and tables only).
``add_entry(doc, other) -> dict`` — a recipe with the sources of both (same source id: entries appended).
"""

from __future__ import annotations

import json
import re

SOURCE_FIELDS = ("title", "publisher", "licence", "attribution", "reference_date", "url")
_BARE = re.compile(r"^[A-Za-z0-9_-]+$")


def statistics_recipe(source, entry: dict, *, name: str | None = None) -> dict:
    return _recipe(source, "statistics", entry, name)


def points_recipe(source, entry: dict, *, name: str | None = None) -> dict:
    return _recipe(source, "points", entry, name)


def areas_recipe(source, entry: dict, *, name: str | None = None) -> dict:
    return _recipe(source, "areas", entry, name)


def _recipe(source, kind: str, entry: dict, name: str | None) -> dict:
    src = {"id": source.source_id, "title": source.title}
    for f in SOURCE_FIELDS[1:]:
        value = getattr(source, f, None)
        if value:
            src[f] = str(value)
    src[kind] = [{k: v for k, v in entry.items() if v is not None and v != {} and v != []}]
    return {"recipe": {"name": name or source.title}, "source": [src]}


def add_entry(doc: dict, other: dict) -> dict:
    out = {"recipe": dict(doc.get("recipe", {})), "source": [dict(s) for s in doc.get("source", [])]}
    for s in other.get("source", []):
        same = [t for t in out["source"] if t["id"] == s["id"]]
        if same:
            for kind in ("areas", "statistics", "points"):
                if s.get(kind):
                    same[0][kind] = list(same[0].get(kind, [])) + list(s[kind])
        else:
            out["source"].append(s)
    return out


def _key(k: str) -> str:
    return k if _BARE.match(k) else json.dumps(k, ensure_ascii=False)


def _value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(f"kann {type(v).__name__} nicht als TOML schreiben")


def _table(lines: list[str], header: str, table: dict) -> None:
    lines.append(header)
    subtables = {}
    for k, v in table.items():
        if isinstance(v, dict) and k in ("indicators", "columns", "values", "type_map"):
            subtables[k] = v
        elif isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
            subtables[k] = v
        else:
            lines.append(f"{_key(k)} = {_value(v)}")
    name = header.strip("[]")
    for k, v in subtables.items():
        if isinstance(v, dict):
            lines.append("")
            _table(lines, f"[{name}.{k}]", v)
        else:
            for item in v:
                lines.append("")
                _table(lines, f"[[{name}.{k}]]", item)


def dump(doc: dict) -> str:
    lines = ["# Rezept, geschrieben vom Import-Assistenten. Erneut einlesen (z. B. mit neuen Dateien):",
             "#   sozialraum recipe DIESE_DATEI.toml --data-dir ORDNER_MIT_DEN_DATEIEN", ""]
    _table(lines, "[recipe]", doc.get("recipe", {}))
    for s in doc.get("source", []):
        lines.append("")
        _table(lines, "[[source]]", s)
    return "\n".join(lines) + "\n"
