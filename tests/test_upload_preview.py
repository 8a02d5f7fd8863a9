"""What an upload would change, per table, before anything is written (sozialraum.io.preview)."""

from __future__ import annotations

from sozialraum.io.preview import preview_changes
from sozialraum.store.write import Batch, replace_source
from sozialraum.testing import grid_areas, grid_batch


def counts(frame, table):
    return frame.set_index("Tabelle").loc[table, ["Neu", "Ersetzt", "Entfällt", "Konflikt"]].tolist()


def test_first_import_adds_everything(store):
    source, batch = grid_batch()
    changes = preview_changes(store, source.source_id, batch)
    assert counts(changes, "Gebietsebenen") == [3, 0, 0, 0]
    assert counts(changes, "Gebiete") == [13, 0, 0, 0]  # 9 cells + 3 rows + the city
    assert store.execute("SELECT count(*) FROM areas").fetchone()[0] == 0  # nothing written


def test_reimport_replaces_and_drops_what_is_missing(store):
    source, batch = grid_batch()
    replace_source(store, source, batch)
    areas = grid_areas()
    fewer = areas[areas["area_key"] != "r0c0"]
    changes = preview_changes(store, source.source_id, Batch(levels=batch.levels, areas=fewer))
    assert counts(changes, "Gebiete") == [0, 12, 1, 0]


def test_keys_of_another_source_are_conflicts(store):
    source, batch = grid_batch()
    replace_source(store, source, batch)
    changes = preview_changes(store, "andere_quelle", Batch(areas=grid_areas()))
    assert counts(changes, "Gebiete") == [0, 0, 0, 13]


def test_tables_the_source_no_longer_delivers_are_emptied(store):
    import pandas as pd

    source, batch = grid_batch(pd.DataFrame({
        "level": ["zelle"] * 2, "area_key": ["r0c0", "r0c1"], "indicator": ["rlb"] * 2, "period": ["2024"] * 2,
        "value": [5.0, 7.0], "numerator": [None] * 2, "denominator": [None] * 2, "flag": [None] * 2}))
    replace_source(store, source, batch)
    changes = preview_changes(store, source.source_id, Batch(levels=batch.levels, areas=batch.areas))
    # derived roll-ups are not counted; the two stored values would go
    assert counts(changes, "Kennzahlen") == [0, 0, 2, 0]
