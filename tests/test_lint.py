"""Undefined names and unused imports are bugs waiting for the one page path no test clicks (ruff's F rules)."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_no_undefined_names_or_unused_imports():
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    if not Path(ruff).exists():
        pytest.fail("ruff is missing: it is part of the test extras (pip install -e '.[test]')")
    result = subprocess.run([ruff, "check", "--select", "F", "--no-cache", "--quiet", "sozialraum", "app_pages",
                             "app.py", "tests", "bench", "tools"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
