from __future__ import annotations

from pathlib import Path

import pytest

REFERENCE = Path(__file__).resolve().parents[1].parent / "shared" / "reference"


@pytest.fixture
def store():
    """An empty in-memory store."""
    from sozialraum.store import connect

    con = connect(":memory:")
    yield con
    con.close()


@pytest.fixture
def reference_dir() -> Path:
    """../shared/reference, or a clean skip when it is absent."""
    if not REFERENCE.is_dir():
        pytest.skip(f"reference data not found at {REFERENCE} (tests that need real data are skipped)")
    return REFERENCE
