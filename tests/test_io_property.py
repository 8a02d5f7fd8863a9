"""Property tests: German-formatted tables round-trip; one corrupted cell → InputError naming it, store unchanged."""

import math
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sozialraum.errors import InputError
from sozialraum.io.loader import import_statistics
from sozialraum.io.tables import read_statistics
from sozialraum.store import SourceInfo, connect, replace_source
from sozialraum.testing import dump_store as dump
from sozialraum.testing import grid_batch

MARKERS = {"*": "suppressed", "-": "missing", "x": "missing", ".": "missing", "": "missing"}
CELLS = [f"r{r}c{c}" for r in range(3) for c in range(3)]


def german(value: float, decimals: int) -> str:
    """1234.5 → '1.234,5' (thousands dots, decimal comma)."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


cell_strategy = st.one_of(
    st.tuples(st.floats(min_value=-1e7, max_value=1e7, allow_nan=False), st.integers(0, 3)),
    st.sampled_from(sorted(MARKERS)),
)


@st.composite
def tables(draw, keys=None):
    n_cols = draw(st.integers(1, 3))
    if keys is None:
        keys = draw(st.lists(st.text("0123456789", min_size=1, max_size=6), min_size=1, max_size=12,
                             unique=True))
    rows = [[draw(cell_strategy) for _ in range(n_cols)] for _ in keys]
    return keys, rows


def render(keys, rows, newline="\n"):
    header = ";".join(["Schlüssel"] + [f"Spalte {j}" for j in range(len(rows[0]))])
    lines = [header]
    expected = []
    for k, row in zip(keys, rows):
        cells, exp = [], []
        for c in row:
            if isinstance(c, str):
                cells.append(c)
                exp.append((None, MARKERS[c]))
            else:
                value, decimals = c
                text = german(value, decimals)
                cells.append(text)
                exp.append((float(text.replace(".", "").replace(",", ".")), None))
        lines.append(";".join([k] + cells))
        expected.append(exp)
    return newline.join(lines) + newline, expected


INDICATORS = ["rlb", "elb", "nef"]


@settings(max_examples=40, deadline=None)
@given(tables(), st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]), st.sampled_from(["\n", "\r\n"]))
def test_german_tables_round_trip(table, encoding, newline):
    keys, rows = table
    text, expected = render(keys, rows, newline)
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "t.csv"
        p.write_bytes(text.encode(encoding))
        frame = read_statistics(p, key="Schlüssel", period="2024",
                                indicators={INDICATORS[j]: f"Spalte {j}" for j in range(len(rows[0]))})
    for j in range(len(rows[0])):
        part = frame[frame["indicator"] == INDICATORS[j]]
        assert part["area_key"].tolist() == keys  # leading zeros kept
        for (value, flag), got_v, got_f in zip([e[j] for e in expected], part["value"], part["flag"]):
            assert got_f == flag
            assert (math.isnan(got_v) if value is None else got_v == value)




@pytest.fixture(scope="module")
def filled_store():
    con = connect(":memory:")
    replace_source(con, *grid_batch())
    con.execute("SELECT 1")
    yield con
    con.close()


junk = st.text(alphabet="abcdefghijklmnopqrstuvwyzäöüß?!#%&", min_size=1, max_size=6) | st.sampled_from(
    ["1,2,3", "1.2.3,4", "12a", "1e", "--1", "1,5,"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tables(keys=CELLS), st.data(), junk)
def test_one_corrupted_cell_is_named_and_store_unchanged(filled_store, table, data, bad):
    keys, rows = table
    i = data.draw(st.integers(0, len(rows) - 1))
    j = data.draw(st.integers(0, len(rows[0]) - 1))
    rows = [list(r) for r in rows]
    rows[i][j] = "§"  # placeholder, replaced after rendering
    text, _ = render(keys, [[c if c != "§" else "*" for c in r] for r in rows])
    lines = text.split("\n")
    cells = lines[i + 1].split(";")
    cells[j + 1] = bad
    lines[i + 1] = ";".join(cells)
    source = SourceInfo("prop", "Eigenschaftstest")
    before = dump(filled_store)
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "kaputt.csv"
        p.write_text("\n".join(lines), encoding="utf-8")
        with pytest.raises(InputError) as exc:
            import_statistics(filled_store, p, source=source, level="zelle", key="Schlüssel", period="2024",
                              indicators={INDICATORS[k]: f"Spalte {k}" for k in range(len(rows[0]))})
    [problem] = exc.value.problems
    assert (problem.file, problem.row, problem.column) == ("kaputt.csv", i + 2, f"Spalte {j}")
    assert dump(filled_store) == before
