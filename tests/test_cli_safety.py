"""The CLI never shows a traceback and never destroys data: locks, read-only files, demo over real data,
plausibility refusals (exit 2, German message) and ``--bestaetigen``."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from sozialraum.cli import main
from sozialraum.store import connect, replace_source
from sozialraum.testing import dump_store, grid_batch

HOLD = "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); time.sleep(60)"


def _grid_store(path: Path) -> None:
    con = connect(path)
    try:
        replace_source(con, *grid_batch())
    finally:
        con.close()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def held(tmp_path):
    """A store file held open (write lock) by another process, like the running app."""
    path = tmp_path / "app.duckdb"
    _grid_store(path)
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    yield path
    proc.kill()
    proc.wait()


def _run(capsys, *args) -> tuple[int, str]:
    code = main(list(map(str, args)))
    out = capsys.readouterr()
    return code, out.out + out.err


def test_demo_refuses_a_store_held_by_the_app(held, capsys):
    before = _digest(held)
    code, text = _run(capsys, "demo", "--db", held)
    assert code == 2
    assert "wird gerade von einem anderen Programm" in text and "(z. B. der laufenden App)" in text
    assert "Traceback" not in text
    assert _digest(held) == before
    assert not list(held.parent.glob(".app.duckdb*.tmp"))


def test_import_while_the_app_holds_the_store_gives_a_german_message(held, tmp_path, capsys):
    csv = tmp_path / "ew.csv"
    csv.write_text("Gebiet;EW\nr0c0;100\n", encoding="utf-8")
    code, text = _run(capsys, "import-stats", csv, "--db", held, "--ebene", "zelle", "--schluessel", "Gebiet",
                      "--indikator", "ew_gesamt=EW", "--zeitraum", "2024", "--quelle", "ew")
    assert code == 2 and "wird gerade von einem anderen Programm" in text and "beenden" in text
    assert "Traceback" not in text and "IO Error" not in text


def test_read_only_store_gives_a_german_message(tmp_path, capsys, monkeypatch):
    import duckdb

    def refuse(*_a, **_k):
        raise duckdb.IOException(f'IO Error: Cannot open file "{tmp_path}/ro.duckdb": Permission denied')

    # root may write anywhere, so the refusal of a read-only file is simulated at DuckDB's door
    _grid_store(tmp_path / "ro.duckdb")
    monkeypatch.setattr("sozialraum.store.connection.duckdb.connect", refuse)
    code, text = _run(capsys, "list", "--db", tmp_path / "ro.duckdb")
    assert code == 2 and "kann nicht beschrieben werden" in text and "Schreibrechte" in text
    assert "Traceback" not in text


def test_demo_refuses_a_store_with_other_sources_unless_forced(tmp_path, capsys):
    path = tmp_path / "stadt.duckdb"
    _grid_store(path)
    con = connect(path, read_only=True)
    before = dump_store(con)
    con.close()
    code, text = _run(capsys, "demo", "--db", path)
    assert code == 2 and "enthält andere Daten als die Musterstadt: gitter" in text and "--force" in text
    con = connect(path, read_only=True)
    assert dump_store(con) == before
    con.close()
    code, text = _run(capsys, "demo", "--db", path, "--keep-other-sources")
    assert code == 0, text
    con = connect(path, read_only=True)
    # the demo's data and its (fictional) street network
    assert {r[0] for r in con.execute("SELECT source_id FROM sources").fetchall()} == {"gitter", "musterstadt",
                                                                                        "osm_netz", "oepnv_fahrplan"}
    con.close()
    code, text = _run(capsys, "demo", "--db", path, "--force")
    assert code == 0, text
    con = connect(path, read_only=True)
    assert sorted(r[0] for r in con.execute("SELECT source_id FROM sources").fetchall()) == ["musterstadt",
                                                                                          "oepnv_fahrplan", "osm_netz"]
    con.close()
    # no temporary file left behind (the demo's street network and timetable folder belongs beside the store)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["stadt.duckdb", "stadt.network"]
    # the demo over the demo needs no --force
    code, text = _run(capsys, "demo", "--db", path)
    assert code == 0, text


def _stats(tmp_path, text, name="sgb2.csv"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_impossible_values_fail_the_import_and_leave_the_store(tmp_path, capsys):
    path = tmp_path / "s.duckdb"
    _grid_store(path)
    con = connect(path, read_only=True)
    before = dump_store(con)
    con.close()
    csv = _stats(tmp_path, "Gebiet;EW;RLB\nr0c0;100;10\nr0c1;100;-3\nr0c2;100;500\n")
    code, text = _run(capsys, "import-stats", csv, "--db", path, "--ebene", "zelle", "--schluessel", "Gebiet",
                      "--indikator", "ew_gesamt=EW", "--indikator", "rlb=RLB", "--zeitraum", "2024",
                      "--quelle", "sgb2", "--bestaetigen")
    assert code == 2
    assert "sgb2.csv, Zeile 3, Spalte 'RLB': negativer Wert −3" in text
    assert "sgb2.csv, Zeile 4, Spalte 'RLB': rlb = 500 ist größer als ew_gesamt = 100" in text
    con = connect(path, read_only=True)
    assert dump_store(con) == before
    con.close()


def test_doubtful_values_need_bestaetigen_and_are_flagged(tmp_path, capsys):
    path = tmp_path / "s.duckdb"
    _grid_store(path)
    rows = "".join(f"r{r}c{c};1000\n" for r in range(3) for c in range(3)).replace("r2c2;1000", "r2c2;2036643")
    csv = _stats(tmp_path, "Gebiet;EW\n" + rows, "ew.csv")
    args = ["import-stats", csv, "--db", path, "--ebene", "zelle", "--schluessel", "Gebiet", "--indikator",
            "ew_gesamt=EW", "--zeitraum", "2024", "--quelle", "ew"]
    code, text = _run(capsys, *args)
    assert code == 2 and "nichts wurde geschrieben" in text and "--bestaetigen" in text
    assert "ew.csv, Zeile 10, Spalte 'EW': ew_gesamt = 2.036.643 in 'r2c2' ist größer als alle anderen" in text
    code, text = _run(capsys, *args, "--bestaetigen")
    assert code == 0, text
    con = connect(path, read_only=True)
    flags = dict(con.execute("SELECT area_key, flag FROM observations WHERE indicator = 'ew_gesamt' "
                             "AND level IN ('zelle', 'stadt') AND flag IS NOT NULL").fetchall())
    con.close()
    assert flags == {"r2c2": "doubtful", "stadt": "doubtful"}


def test_sentinel_is_no_value_by_default(tmp_path, capsys):
    path = tmp_path / "s.duckdb"
    _grid_store(path)
    csv = _stats(tmp_path, "Gebiet;EW\nr0c0;100\nr0c1;-9999\n", "ew.csv")
    code, text = _run(capsys, "import-stats", csv, "--db", path, "--ebene", "zelle", "--schluessel", "Gebiet",
                      "--indikator", "ew_gesamt=EW", "--zeitraum", "2024", "--quelle", "ew")
    assert code == 0, text
    assert "ew.csv, Zeile 3, Spalte 'EW': Wert −9.999 als Platzhalter für „kein Wert“ gelesen" in text
    con = connect(path, read_only=True)
    assert con.execute("SELECT value, flag FROM observations WHERE area_key = 'r0c1' AND indicator = 'ew_gesamt'"
                       ).fetchone() == (None, "missing")
    con.close()


def test_a_very_long_csv_field_is_read_or_refused_in_german(tmp_path, capsys):
    path = tmp_path / "s.duckdb"
    _grid_store(path)
    long_name = "x" * 300_000  # above Python's csv default limit of 128 KiB
    csv = _stats(tmp_path, f"Gebiet;EW;Notiz\nr0c0;100;{long_name}\n", "lang.csv")
    code, text = _run(capsys, "import-stats", csv, "--db", path, "--ebene", "zelle", "--schluessel", "Gebiet",
                      "--indikator", "ew_gesamt=EW", "--zeitraum", "2024", "--quelle", "lang")
    assert code == 0, text
    broken = _stats(tmp_path, 'Gebiet;EW\nr0c0;"100\n' + "y" * (17 * 1024 * 1024) + "\n", "kaputt.csv")
    code, text = _run(capsys, "import-stats", broken, "--db", path, "--ebene", "zelle", "--schluessel", "Gebiet",
                      "--indikator", "ew_gesamt=EW", "--zeitraum", "2024", "--quelle", "kaputt")
    assert code == 2 and "kaputt.csv" in text and "nicht geschlossenes Anführungszeichen" in text
    assert "Traceback" not in text
