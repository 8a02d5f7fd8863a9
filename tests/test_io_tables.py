"""Statistics tables: German number formats, encodings, separators, markers, sentinels, row numbers."""

import math

import pandas as pd
import pytest

from sozialraum.errors import InputError
from sozialraum.io.tables import parse_number, read_raw, read_statistics


def _write(tmp_path, name, text, encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


@pytest.mark.parametrize("cell, value, flag", [
    ("1.234,5", 1234.5, None), ("0,5", 0.5, None), ("-3", -3.0, None), ("12", 12.0, None),
    ("1.234", 1234.0, None), (" 7 ", 7.0, None), ("1 234,5", 1234.5, None),
    ("*", None, "suppressed"), ("-", None, "missing"), ("x", None, "missing"), (".", None, "missing"),
    ("", None, "missing"), ("-9999", None, "missing"), ("-9.999", None, "missing"),
])
def test_parse_number_german(cell, value, flag):
    v, f = parse_number(cell, ",", sentinels=[-9999])
    assert f == flag
    assert (math.isnan(v) if value is None else v == value)


@pytest.mark.parametrize("cell", ["abc", "1,2,3", "1.23.4", "12a", "1,234.5"])
def test_parse_number_rejects(cell):
    with pytest.raises(ValueError):
        parse_number(cell, ",")


def test_parse_number_english_and_typed():
    assert parse_number("4.22594", ".") == (4.22594, None)
    assert parse_number("1,234.5", ".") == (1234.5, None)
    assert parse_number(3, ",") == (3.0, None)
    assert math.isnan(parse_number(-9999.0, ",", sentinels=[-9999])[0])


@pytest.mark.parametrize("encoding, bom", [("utf-8", False), ("utf-8", True), ("cp1252", False)])
@pytest.mark.parametrize("sep", [";", ",", "\t"])
def test_encodings_and_separators(tmp_path, encoding, bom, sep):
    dec = "," if sep != "," else "."
    text = (f"Schlüssel{sep}Straße{sep}Wert\n"
            f"0101{sep}Größe{sep}1{dec}5\n"
            f"0102{sep}Äußeres{sep}*\n")
    p = _write(tmp_path, "t.csv", ("\ufeff" if bom else "") + text, encoding)
    raw = read_raw(p)
    assert list(raw.columns) == ["Schlüssel", "Straße", "Wert"]
    assert raw.attrs["separator"] == sep
    assert raw["Straße"].tolist() == ["Größe", "Äußeres"]
    frame = read_statistics(p, key="Schlüssel", indicators={"rlb": "Wert"}, period="2024")
    assert frame["area_key"].tolist() == ["0101", "0102"]
    assert frame["value"].iloc[0] == 1.5
    assert frame["flag"].tolist() == [None, "suppressed"]


def test_decimal_comma_with_thousands_and_crlf(tmp_path):
    p = _write(tmp_path, "t.csv", "key;ew;quote\r\n001;1.234;12,5\r\n002;2.000.001;0,25\r\n")
    frame = read_statistics(p, key="key", indicators={"ew_gesamt": "ew", "mss_s1": "quote"}, period="2024")
    got = frame.set_index(["area_key", "indicator"])["value"].to_dict()
    assert got == {("001", "ew_gesamt"): 1234.0, ("002", "ew_gesamt"): 2000001.0,
                   ("001", "mss_s1"): 12.5, ("002", "mss_s1"): 0.25}


def test_decimal_point_detected_in_semicolon_file(tmp_path):
    p = _write(tmp_path, "t.csv", "key;s1\n01;4.22594\n02;1.5\n")
    frame = read_statistics(p, key="key", indicators={"mss_s1": "s1"}, period="2020")
    assert frame["value"].tolist() == [4.22594, 1.5]


def test_markers_and_sentinels(tmp_path):
    p = _write(tmp_path, "t.csv", "key,a\n1,*\n2,-\n3,x\n4,.\n5,\n6,-9999\n7,-9999.0\n8,42\n")
    frame = read_statistics(p, key="key", indicators={"rlb": "a"}, period="2024", sentinels=[-9999])
    assert frame["flag"].tolist() == ["suppressed"] + ["missing"] * 6 + [None]
    assert frame["value"].isna().sum() == 7 and frame["value"].iloc[-1] == 42


def test_sentinel_without_configuration_is_a_number(tmp_path):
    p = _write(tmp_path, "t.csv", "key,a\n1,-9999\n")
    assert read_statistics(p, key="key", indicators={"rlb": "a"}, period="2024")["value"].iloc[0] == -9999


def test_bad_cell_deep_in_file_names_row_and_column(tmp_path):
    lines = ["key;rlb;ew"] + [f"{i:05d};{i};{i * 10}" for i in range(1, 500)]
    lines[317] = "00317;3l7;3170"  # letter l instead of digit 1 in data row 317 -> spreadsheet row 318
    p = _write(tmp_path, "gross.csv", "\n".join(lines) + "\n")
    with pytest.raises(InputError) as exc:
        read_statistics(p, key="key", indicators={"rlb": "rlb", "ew_gesamt": "ew"}, period="2024")
    [problem] = exc.value.problems
    assert (problem.file, problem.row, problem.column) == ("gross.csv", 318, "rlb")
    assert "3l7" in str(exc.value) and "Zeile 318" in str(exc.value)


def test_keys_keep_leading_zeros_and_duplicates_rejected(tmp_path):
    p = _write(tmp_path, "t.csv", "key;a\n007;1\n08;2\n007;3\n")
    with pytest.raises(InputError, match=r"'007'.*Zeilen 2, 4"):
        read_statistics(p, key="key", indicators={"rlb": "a"}, period="2024")


def test_missing_key_and_missing_column(tmp_path):
    p = _write(tmp_path, "t.csv", "key;a\n01;1\n;2\n")
    with pytest.raises(InputError, match="Zeile 3.*Schlüssel fehlt"):
        read_statistics(p, key="key", indicators={"rlb": "a"}, period="2024")
    p = _write(tmp_path, "ok.csv", "key;a\n01;1\n")
    with pytest.raises(InputError, match="Spalte 'b'"):
        read_statistics(p, key="key", indicators={"rlb": "b"}, period="2024")


def test_ragged_row_named(tmp_path):
    p = _write(tmp_path, "t.csv", "key;a\n01;1\n02;1;5\n")
    with pytest.raises(InputError, match="Zeile 3"):
        read_raw(p)


def test_sum_of_columns_and_flags(tmp_path):
    p = _write(tmp_path, "t.csv", "key;u6;u6_15\n01;10;5\n02;*;3\n03;-;4\n")
    frame = read_statistics(p, key="key", indicators={"ew_u15": ["u6", "u6_15"]}, period="2024")
    assert frame["value"].iloc[0] == 15
    assert frame["flag"].tolist() == [None, "suppressed", "missing"]


def test_long_format_with_period_column_and_filter(tmp_path):
    p = _write(tmp_path, "t.csv", "kreis,jahr,merkmal,wert\n01001,2020,A,1\n01001,2021,A,2\n01001,2021,B,3\n"
                                  "01002,2021,A,4\n")
    frame = read_statistics(p, key="kreis", period_column="jahr", indicator_column="merkmal",
                            value_column="wert", indicators={"arbeitslose": "A"}, filters={"jahr": "2021"})
    assert frame[["area_key", "indicator", "period", "value"]].values.tolist() == [
        ["01001", "arbeitslose", "2021", 2.0], ["01002", "arbeitslose", "2021", 4.0]]


def test_xlsx_numbers_text_and_numeric_keys(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Daten"
    ws.append(["Titelzeile"])
    ws.append(["Kreis", "Wert"])
    ws.append([1001, 1.5])
    ws.append(["01002", "1.234,5"])
    ws.append(["01003", "*"])
    ws.append(["01004", "kaputt"])
    p = tmp_path / "t.xlsx"
    wb.save(p)
    with pytest.raises(InputError) as exc:
        read_statistics(p, key="Kreis", indicators={"rlb": "Wert"}, period="2024", sheet="Daten",
                        header_row=2, key_width=5)
    assert [(x.row, x.column) for x in exc.value.problems] == [(6, "Wert")]
    ws.delete_rows(6)
    wb.save(p)
    frame = read_statistics(p, key="Kreis", indicators={"rlb": "Wert"}, period="2024", sheet="Daten",
                            header_row=2, key_width=5)
    assert frame["area_key"].tolist() == ["01001", "01002", "01003"]
    assert frame["value"].tolist()[:2] == [1.5, 1234.5]
    assert frame["flag"].tolist() == [None, None, "suppressed"]
    assert frame["row"].tolist() == [3, 4, 5]


def test_real_mss_file_reads(reference_dir):
    path = reference_dir / "berlin-mss-2021" / "mss2021_indexindikatoren_plr.csv"
    frame = read_statistics(path, key="PLR_ID", indicators={"mss_s1": "S1"}, period="2020-12-31",
                            sentinels=[-9999])
    assert len(frame) == 542 and frame["area_key"].str.len().eq(8).all()
    assert isinstance(frame, pd.DataFrame) and (frame["flag"] == "missing").sum() > 0
