"""Small input traps: an unknown column is not mapped to residents, leading zeros lost, 'nan' in source notes."""

from __future__ import annotations

import pytest

from sozialraum.errors import InputError
from sozialraum.store import SourceInfo, replace_source
from sozialraum.testing import grid_batch


def test_unknown_upload_column_gets_no_indicator_by_default():
    from app_pages.daten_forms import _guess_indicator
    from sozialraum.indicators.registry import INDICATORS

    keys = [k for k, i in INDICATORS.items() if i.aggregation != "ratio"]
    assert _guess_indicator("Bemerkung", INDICATORS, keys) is None
    assert keys[_guess_indicator("Arbeitslose", INDICATORS, keys)] == "alo_sgb2"


def test_lost_leading_zero_gets_a_hint(store, tmp_path):
    from sozialraum.io.loader import import_statistics

    source, batch = grid_batch()
    batch.areas["area_key"] = batch.areas["area_key"].replace({"r0c0": "0101"})
    replace_source(store, source, batch)
    csv = tmp_path / "ew.csv"
    csv.write_text("Gebiet;EW\n101;100\n", encoding="utf-8")
    with pytest.raises(InputError, match="ew.csv, Zeile 2, Spalte 'Gebiet': unbekannter Gebietsschlüssel '101' .* "
                                         "führende Null verloren\\? Bekannt ist '0101'.*--schluessel-stellen 4"):
        import_statistics(store, csv, source=SourceInfo("ew", "EW"), level="zelle", key="Gebiet",
                          indicators={"ew_gesamt": "EW"}, period="2024")
    report = import_statistics(store, csv, source=SourceInfo("ew", "EW"), level="zelle", key="Gebiet",
                               indicators={"ew_gesamt": "EW"}, period="2024", key_width=4)
    assert report.counts["observations"] == 1


def test_no_nan_in_xlsx_source_notes(store):
    from sozialraum.export.data_export import _notes
    from sozialraum.store import Batch

    # two sources with different empty fields: pandas reads the gaps as NaN, which used to print as 'nan'
    replace_source(store, *grid_batch())
    replace_source(store, SourceInfo("b", "Quelle B", licence="CC BY 4.0"), Batch())
    notes = _notes(store)
    assert "Quelle: Quelle B · CC BY 4.0" in notes and "Quelle: Gitterstadt (Testdaten) · Tests" in notes
    assert not any("nan" in n for n in notes)


def test_app_upload_path_names_file_row_column_of_an_impossible_value(store, tmp_path):
    from app_pages.daten_forms import build_batch
    from sozialraum.io.plausibility import PlausibilityWarning

    replace_source(store, *grid_batch())
    before = store.execute("SELECT count(*) FROM observations").fetchone()[0]
    csv = tmp_path / "upload.csv"
    csv.write_text("Gebiet;Einwohner\nr0c0;100\nr0c1;-4\n", encoding="utf-8")
    mapping = {"level": "zelle", "key": "Gebiet", "period": "2024", "indicators": {"ew_gesamt": "Einwohner"}}
    prepared = build_batch(store, "statistics", csv, mapping, {"source_id": "upload"})
    with pytest.raises(InputError) as exc:
        replace_source(store, prepared.source, prepared.batch)
    assert not isinstance(exc.value, PlausibilityWarning)
    assert "upload.csv, Zeile 3, Spalte 'Einwohner': negativer Wert −4" in str(exc.value)
    assert store.execute("SELECT count(*) FROM observations").fetchone()[0] == before
