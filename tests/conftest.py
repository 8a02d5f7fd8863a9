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


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    """A freshly generated Musterstadt database for this module, announced to the app via $SOZIALRAUM_DB."""
    import os

    from sozialraum.demo import build_demo_db

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    build_demo_db(path)
    old = os.environ.get("SOZIALRAUM_DB")
    os.environ["SOZIALRAUM_DB"] = str(path)
    yield path
    if old is None:
        os.environ.pop("SOZIALRAUM_DB", None)
    else:
        os.environ["SOZIALRAUM_DB"] = old
