"""National scale: recipes/deutschland.toml on ../shared/reference (skipped when absent; ~10 s)."""

from pathlib import Path

import pytest

from sozialraum.store import connect

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT.parent / "shared" / "reference"

pytestmark = [pytest.mark.reference, pytest.mark.slow]


@pytest.fixture(scope="module")
def germany(tmp_path_factory):
    if not REFERENCE.is_dir():
        pytest.skip(f"reference data not found at {REFERENCE}")
    from sozialraum.io.recipe import run_recipe

    con = connect(tmp_path_factory.mktemp("de") / "de.duckdb")
    report = run_recipe(con, ROOT / "recipes" / "deutschland.toml", REFERENCE)
    yield con, report
    con.close()


def test_gemeinden_and_kreise(germany):
    con, report = germany
    counts = dict(con.execute("SELECT level, count(*) FROM areas GROUP BY 1").fetchall())
    assert counts == {"de_gemeinde": 10_997, "de_kreis": 400}
    assert con.execute("SELECT value FROM store_meta WHERE key='metric_epsg'").fetchone() == ("25832",)
    # Eisenach's outdated Kreis 16056 is mapped to the Wartburgkreis and the report says so
    assert con.execute("SELECT parent_key FROM areas WHERE area_key='160560000000'").fetchone() == ("16063",)
    assert "Obergebiet 16056 durch 16063 ersetzt" in str(report)
    keys = con.execute("SELECT min(length(area_key)), max(length(area_key)) FROM areas "
                       "WHERE level='de_kreis'").fetchone()
    assert keys == (5, 5)
    # Gemeinden tile their Kreis: areas agree within the generalisation of VG5000
    ratio = con.execute("SELECT sum(g.area_m2) / (SELECT sum(area_m2) FROM areas WHERE level='de_kreis') "
                        "FROM areas g WHERE g.level='de_gemeinde'").fetchone()[0]
    assert ratio == pytest.approx(1.0, abs=0.01)


def test_kreis_indicators(germany):
    con, _ = germany
    got = {(k, i): v for k, i, v in con.execute(
        "SELECT area_key, indicator, value FROM observations WHERE level='de_kreis' AND NOT derived").fetchall()}
    assert len(got) == 1200
    assert got[("11000", "ew_gesamt")] == 3_755_251
    assert got[("11000", "gisd_score")] == pytest.approx(0.5354, abs=1e-4)
    assert got[("11000", "arbeitslose")] == 198_401
    total = con.execute("SELECT sum(value) FROM observations WHERE indicator='ew_gesamt' "
                        "AND level='de_kreis'").fetchone()[0]
    assert total == 84_358_845
