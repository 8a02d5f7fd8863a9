"""Re-render the declaration tables in README.md (settings, indicators, types): python tools/render_readme.py"""

from pathlib import Path

from sozialraum.docs import render_into

readme = Path(__file__).resolve().parents[1] / "README.md"
readme.write_text(render_into(readme.read_text(encoding="utf-8")), encoding="utf-8")
print(f"updated {readme}")
