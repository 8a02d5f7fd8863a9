"""The area form of the page „Daten": parent = the key's first N characters (no parent column needed)."""

from __future__ import annotations

import json

import pytest
from shapely.geometry import box, mapping

from sozialraum.errors import InputError

X0, Y0 = 500_000.0, 5_700_000.0


def _geojson(path, rows):
    feats = [{"type": "Feature", "properties": {"id": k, "name": n},
              "geometry": mapping(box(X0 + i * 100, Y0, X0 + (i + 1) * 100, Y0 + 100))} for i, (k, n) in enumerate(rows)]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats,
                                "crs": {"type": "name", "properties": {"name": "EPSG:25832"}}}))
    return path


def test_parent_by_key_prefix(tmp_path):
    from app_pages.daten_forms import build_batch
    from sozialraum.store import connect, replace_source

    con = connect(":memory:")
    parents = _geojson(tmp_path / "bezirke.geojson", [("01", "Nord"), ("02", "Süd")])
    prepared = build_batch(con, "areas", parents, {"level": "bezirk", "label": "Bezirk", "key": "id", "name": "name",
                                                   "hierarchy": "bezirk", "rank": 0}, {"source_id": "bez"})
    replace_source(con, prepared.source, prepared.batch)
    kids = _geojson(tmp_path / "teile.geojson", [("0101", "A"), ("0102", "B"), ("0201", "C")])
    mapping_ = {"level": "teil", "label": "Stadtteil", "key": "id", "name": "name", "parent_level": "bezirk",
                "parent_slice": [0, 2], "hierarchy": "bezirk", "rank": -1}
    prepared = build_batch(con, "areas", kids, mapping_, {"source_id": "teile"})
    assert dict(zip(prepared.batch.areas["area_key"], prepared.batch.areas["parent_key"])) == {
        "0101": "01", "0102": "01", "0201": "02"}
    bad = _geojson(tmp_path / "falsch.geojson", [("0301", "X")])
    with pytest.raises(InputError) as exc:
        build_batch(con, "areas", bad, mapping_, {"source_id": "falsch"})
    assert "'03'" in str(exc.value) and exc.value.problems[0].row == 1
