"""Levels imported one by one (each with its own hierarchy name and rank 0, as `import-areas` does by default)
are still one nested system for the confidentiality gate and for the roll-ups.

Grid: Zellen r0c0 = 2, r0c1 = 10, r0c2 = 10 under Zeile row0. If the gate looked at Zelle alone, r0c0 would be
hidden but the Zeile total 22 and the siblings 10 + 10 would give it back; so a second cell of the row (or the
row total) must be hidden too.
"""

import numpy as np
import pandas as pd

from sozialraum.analysis.confidentiality import published
from sozialraum.store import connect, replace_source
from sozialraum.testing import grid_batch


def _separately_named_levels(batch):
    levels = batch.levels.copy()
    levels["hierarchy"] = levels["level"]  # what `import-areas` without --system gives
    levels["rank"] = 0                      # ... and without --rang
    batch.levels = levels
    return batch


def _store(hierarchies_apart: bool):
    con = connect(":memory:")
    keys = [f"r{r}c{c}" for r in range(3) for c in range(3)]
    values = [2, 10, 10, 40, 40, 40, 50, 50, 50]
    obs = pd.DataFrame({"level": "zelle", "area_key": keys, "indicator": "rlb", "period": "2024",
                        "value": np.array(values, dtype=float), "numerator": np.nan, "denominator": np.nan,
                        "flag": None})
    source, batch = grid_batch(obs)
    if hierarchies_apart:
        batch = _separately_named_levels(batch)
    replace_source(con, source, batch)
    return con


def _recoverable(con) -> bool:
    cells = published(con, "zelle", period="2024", indicators=["rlb"]).set_index("area_key")["value"]
    row = published(con, "zeile", period="2024", indicators=["rlb"]).set_index("area_key")["value"]
    assert np.isnan(cells["r0c0"])  # primary suppression
    return bool(np.isfinite(row["row0"]) and np.isfinite(cells["r0c1"]) and np.isfinite(cells["r0c2"]))


def test_separately_imported_levels_are_one_system_for_the_gate():
    assert not _recoverable(_store(hierarchies_apart=True))


def test_named_hierarchy_still_protected():
    assert not _recoverable(_store(hierarchies_apart=False))


def test_rollups_run_finest_first_whatever_the_names():
    con = _store(hierarchies_apart=True)
    # names sort the coarsest pair (zeile → stadt) before (zelle → zeile): the city total must still be complete
    total = con.execute("SELECT value FROM observations WHERE level = 'stadt' AND indicator = 'rlb'").fetchone()
    assert total is not None and total[0] == 2 + 10 + 10 + 3 * 40 + 3 * 50
