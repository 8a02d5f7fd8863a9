"""Declarations are the single home of settings and indicators; the README renders from them; layering holds."""

import ast
import re
from pathlib import Path

from sozialraum.docs import BLOCKS, render_into
from sozialraum.indicators.registry import INDICATORS
from sozialraum.settings import SETTINGS

ROOT = Path(__file__).resolve().parents[1]


def test_readme_tables_are_current():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, render in BLOCKS.items():
        assert f"<!-- BEGIN {name} -->" in text, f"README lacks the {name} table"
        assert render() in text, f"README's {name} table is stale: run `python tools/render_readme.py`"
    assert render_into(text) == text, "README tables are stale: run `python tools/render_readme.py`"
    for setting in SETTINGS.values():  # every setting is documented, with its help text
        assert f"`{setting.name}`" in text and setting.help.replace("|", "\\|") in text, setting.name


def test_every_setting_has_help_label_and_default():
    for s in SETTINGS.values():
        assert s.help.strip() and s.label.strip() and s.label_en.strip(), s.name
        if s.choices:
            assert s.default in s.choices, s.name
        if s.minimum is not None and not isinstance(s.default, bool):
            assert s.minimum <= s.default <= s.maximum, s.name


def test_settings_used_in_code_are_declared():
    used = set()
    for path in (ROOT / "sozialraum").rglob("*.py"):
        used |= set(re.findall(r"""\b(?:default|setting_input)\(\s*["']([a-z_0-9]+)["']""", path.read_text("utf-8")))
    for path in (ROOT / "app_pages").glob("*.py"):
        used |= set(re.findall(r"""setting_input\(\s*["']([a-z_0-9]+)["']""", path.read_text("utf-8")))
    undeclared = sorted(used - set(SETTINGS))
    assert not undeclared, f"settings used but not declared in sozialraum/settings.py: {undeclared}"


def test_rates_reference_declared_counts():
    for ind in INDICATORS.values():
        if ind.aggregation == "ratio":
            assert INDICATORS[ind.numerator].kind == "count"
            assert INDICATORS[ind.denominator].kind == "count"


def test_library_never_imports_streamlit():
    offenders = []
    for path in (ROOT / "sozialraum").rglob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            if any(n == "streamlit" or n.startswith("streamlit.") or n.startswith("streamlit_") for n in names):
                offenders.append(str(path.relative_to(ROOT)))
    assert not offenders, offenders


def test_heavy_libraries_not_imported_at_module_level():
    heavy = {"esda", "libpysal", "spopt", "kaleido", "playwright", "highspy", "mapclassify", "pulp"}
    offenders = []
    for path in (ROOT / "sozialraum").rglob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        for node in tree.body:  # module level only
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            if any(n.split(".")[0] in heavy for n in names):
                offenders.append(f"{path.relative_to(ROOT)}: {names}")
    assert not offenders, offenders
