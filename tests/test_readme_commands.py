"""The README names exactly the commands `sozialraum --help` lists (it once named a non-existent `import`)."""

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_lists_the_real_subcommands_and_uses_no_other():
    from sozialraum.cli import SUBCOMMANDS

    real = set(SUBCOMMANDS)
    text = README.read_text(encoding="utf-8")
    listed = text[text.index("with these subcommands"):text.index("There is no single")]
    assert set(re.findall(r"`([a-z][a-z-]*)`", listed)) == real
    used = set(re.findall(r"(?:^|[\s`])(?:\.venv/bin/)?sozialraum ([a-z][a-z-]+)", text, flags=re.M))
    assert used - real == set(), used - real
