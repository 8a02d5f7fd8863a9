"""Sources renamed and deleted (with what depends on them shown first) — on the 3×3 grid."""

from __future__ import annotations

import pandas as pd
import pytest

from sozialraum.errors import InputError
from sozialraum.store import manage
from sozialraum.store.write import Batch, SourceInfo, replace_source
from sozialraum.testing import dump_store, grid_batch


def _stats(con, source_id="ew", value=100.0):
    obs = pd.DataFrame([("zelle", f"r{r}c{c}", "ew_gesamt", "2024", value, None, None, None)
                        for r in range(3) for c in range(3)],
                       columns=["level", "area_key", "indicator", "period", "value", "numerator", "denominator",
                                "flag"])
    replace_source(con, SourceInfo(source_id, "Einwohner"), Batch(observations=obs))


@pytest.fixture
def con(store):
    replace_source(store, *grid_batch())
    _stats(store)
    return store


def test_dependents_name_rows_and_sources_built_on_it(con):
    dep = manage.dependents(con, "gitter")
    assert dep.rows["Gebiete"] == 13 and dep.rows["Gebietsebenen"] == 3 and dep.sources == ("ew",)
    assert any("ew" in line for line in dep.lines())
    assert manage.dependents(con, "ew").sources == () and manage.dependents(con, "ew").rows["Kennzahlwerte"] == 9


def test_deleting_a_stats_source_keeps_the_areas_and_its_rollups_go(con):
    assert manage.delete_source(con, "ew") == ["ew"]
    assert con.execute("SELECT count(*) FROM observations").fetchone()[0] == 0  # derived sums went too
    assert con.execute("SELECT count(*) FROM areas").fetchone()[0] == 13


def test_deleting_the_areas_takes_the_sources_built_on_them(con):
    assert sorted(manage.delete_source(con, "gitter")) == ["ew", "gitter"]
    assert con.execute("SELECT count(*) FROM sources").fetchone()[0] == 0


def test_rename_moves_every_row(con):
    manage.rename_source(con, "ew", new_id="einwohner_2024", title="Einwohner 2024")
    assert con.execute("SELECT title FROM sources WHERE source_id = 'einwohner_2024'").fetchone()[0] == \
        "Einwohner 2024"
    assert con.execute("SELECT count(*) FROM observations WHERE source_id = 'einwohner_2024' AND NOT derived"
                       ).fetchone()[0] == 9
    assert con.execute("SELECT count(*) FROM sources WHERE source_id = 'ew'").fetchone()[0] == 0


def test_rename_to_a_taken_id_or_an_unknown_source_changes_nothing(con):
    before = dump_store(con)
    with pytest.raises(InputError, match="schon vergeben"):
        manage.rename_source(con, "ew", new_id="gitter")
    with pytest.raises(InputError, match="gibt es nicht"):
        manage.delete_source(con, "fehlt")
    assert dump_store(con) == before
