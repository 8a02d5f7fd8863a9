"""Store folders with versioned snapshots: publish, keep, roll back, lock, crash safety (SIGKILL at each step)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from sozialraum.errors import InputError
from sozialraum.store import snapshots
from sozialraum.store.write import replace_source
from sozialraum.testing import grid_batch

ROOT = Path(__file__).resolve().parents[1]


def _obs(value: float) -> pd.DataFrame:
    return pd.DataFrame([("zelle", "r0c0", "ew_gesamt", "2024", value, None, None, None)],
                        columns=["level", "area_key", "indicator", "period", "value", "numerator", "denominator",
                                 "flag"])


def _write(store: Path, value: float, **kw):
    source, batch = grid_batch(_obs(value))
    with snapshots.writing(store, **kw) as con:
        replace_source(con, source, batch)


def _value(store: Path) -> float:
    con = snapshots.open_current(store)
    try:
        return con.execute("SELECT value FROM observations WHERE area_key = 'r0c0' AND level = 'zelle' "
                           "AND indicator = 'ew_gesamt'").fetchone()[0]
    finally:
        con.close()


def test_each_write_publishes_the_next_version_and_readers_keep_theirs(tmp_path):
    store = tmp_path / "gitterstadt"
    _write(store, 100, note="erster Import", label="Gitterstadt")
    first = snapshots.current(store)
    assert first.version == 1 and first.path.name == "v000001.duckdb" and first.label == "Gitterstadt"
    reader = snapshots.open_current(store)  # a viewer holding version 1 open
    _write(store, 200)
    assert snapshots.current(store).version == 2 and snapshots.current(store).label == "Gitterstadt"
    assert _value(store) == 200
    # the viewer still reads its immutable snapshot, undisturbed by the writer
    assert reader.execute("SELECT value FROM observations WHERE area_key = 'r0c0' AND level = 'zelle' "
                          "AND indicator = 'ew_gesamt'").fetchone()[0] == 100
    reader.close()
    manifest = json.loads((store / "current.json").read_text())
    assert manifest["version"] == 2 and manifest["file"] == "v000002.duckdb"
    assert not [p for p in store.iterdir() if p.name.startswith(".tmp-")]


def test_a_failed_write_publishes_nothing_and_leaves_no_temp_file(tmp_path):
    store = tmp_path / "s"
    _write(store, 100)
    with pytest.raises(RuntimeError), snapshots.writing(store) as con:
        con.execute("DELETE FROM observations")
        raise RuntimeError("abgebrochen")
    assert snapshots.current(store).version == 1 and _value(store) == 100
    assert sorted(p.name for p in store.iterdir()) == [".lock", "current.json", "v000001.duckdb"]


def test_old_versions_are_pruned_and_rollback_publishes_an_old_one_again(tmp_path):
    store = tmp_path / "s"
    for v in (1, 2, 3, 4):
        _write(store, v * 100, keep=3)
    assert [s.version for s in snapshots.versions(store)] == [2, 3, 4]
    assert snapshots.versions(store)[0].note == "" and snapshots.versions(store)[0].published_at
    assert not (store / "v000001.duckdb").exists()
    back = snapshots.rollback(store)  # default: the version before the published one
    assert back.version == 5 and "Stand 3" in back.note and _value(store) == 300
    assert [s.note for s in snapshots.versions(store)][-1] == "Rückkehr zu Stand 3"
    snapshots.rollback(store, 4)
    assert _value(store) == 400
    with pytest.raises(InputError, match="gibt es nicht mehr"):
        snapshots.rollback(store, 1)


def test_second_writer_waits_then_is_refused_in_german(tmp_path):
    store = tmp_path / "s"
    _write(store, 100)
    inside, release = threading.Event(), threading.Event()

    def slow_writer():
        with snapshots.writing(store) as con:
            con.execute("UPDATE observations SET value = 111 WHERE area_key = 'r0c0'")
            inside.set()
            release.wait(10)

    t = threading.Thread(target=slow_writer)
    t.start()
    assert inside.wait(10)
    with pytest.raises(snapshots.StoreBusy, match="schreibt gerade ein anderer Vorgang"):
        _write(store, 999, wait_s=0.5)
    assert snapshots.current(store).version == 1  # the refused writer published nothing
    release.set()
    t.join()
    assert snapshots.current(store).version == 2 and _value(store) == 111  # never a mix of the two


def test_second_writer_that_waits_long_enough_goes_after_the_first(tmp_path):
    store = tmp_path / "s"
    _write(store, 100)
    inside = threading.Event()

    def slow_writer():
        with snapshots.writing(store) as con:
            con.execute("UPDATE observations SET value = 111 WHERE area_key = 'r0c0'")
            inside.set()
            time.sleep(1.0)

    t = threading.Thread(target=slow_writer)
    t.start()
    assert inside.wait(10)
    _write(store, 222, wait_s=30)
    t.join()
    assert snapshots.current(store).version == 3 and _value(store) == 222


def test_plain_file_still_works_and_connect_reads_a_store_folder(tmp_path):
    from sozialraum.store import connect

    plain = tmp_path / "alt.duckdb"
    _write(plain, 100)
    con = connect(plain, read_only=True)
    assert con.execute("SELECT count(*) FROM observations WHERE derived = false").fetchone()[0] == 1
    con.close()
    store = tmp_path / "s"
    _write(store, 100)
    con = connect(store, read_only=True)
    assert con.execute("SELECT count(*) FROM areas").fetchone()[0] > 0
    con.close()
    with pytest.raises(ValueError, match="writing"):
        connect(store)


def test_new_empty_store_and_store_list(tmp_path):
    snap = snapshots.create_store(tmp_path, "Landkreis Göttingen")
    assert snap.store.name == "landkreis-goettingen" and snap.label == "Landkreis Göttingen"
    con = snapshots.open_current(snap.store)
    assert con.execute("SELECT count(*) FROM areas").fetchone()[0] == 0
    from sozialraum.store.connection import metric_epsg

    assert metric_epsg(con) is None  # chosen by the first import from the data's location
    con.close()
    with pytest.raises(InputError, match="gibt es schon"):
        snapshots.create_store(tmp_path, "Landkreis  Göttingen")
    (tmp_path / "kein-store").mkdir()
    assert [s.store.name for s in snapshots.list_stores(tmp_path)] == ["landkreis-goettingen"]


def test_writes_into_a_read_only_folder_fail_with_a_german_message(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root ignores file permissions")
    store = tmp_path / "s"
    _write(store, 100)
    store.chmod(0o555)
    try:
        with pytest.raises(InputError, match="darf nicht geschrieben werden"):
            _write(store, 200)
    finally:
        store.chmod(0o755)


# ------------------------------------------------------------------------------------------ SIGKILL
CHILD = textwrap.dedent("""
    import os, shutil, sys, time
    import pandas as pd
    from sozialraum.store import snapshots
    from sozialraum.store.write import replace_source
    from sozialraum.testing import grid_batch

    point, store = sys.argv[1], sys.argv[2]

    def stop(name):
        if name == point:
            print("AT", name, flush=True)
            time.sleep(60)

    real_copy, real_replace, real_publish = shutil.copyfile, os.replace, snapshots._publish
    def copy(a, b):
        stop("before_copy"); real_copy(a, b); stop("after_copy")
    calls = []
    def replace(a, b):
        calls.append(b); stop(f"before_replace_{len(calls)}"); real_replace(a, b); stop(f"after_replace_{len(calls)}")
    snapshots.shutil.copyfile = copy
    snapshots.os.replace = replace

    obs = pd.DataFrame([("zelle", "r0c0", "ew_gesamt", "2024", 555.0, None, None, None)],
                       columns=["level", "area_key", "indicator", "period", "value", "numerator", "denominator",
                                "flag"])
    source, batch = grid_batch(obs)
    with snapshots.writing(store) as con:
        con.execute("BEGIN TRANSACTION")
        con.execute("DELETE FROM observations")
        stop("mid_transaction")
        con.execute("ROLLBACK")
        replace_source(con, source, batch)
        stop("after_write")
    stop("published")
    print("DONE", flush=True)
""")

# (kill point, published value afterwards): the published store is the old one until the manifest is replaced
KILL_POINTS = [("before_copy", 100), ("after_copy", 100), ("mid_transaction", 100), ("after_write", 100),
               ("before_replace_1", 100), ("after_replace_1", 100), ("before_replace_2", 100),
               ("after_replace_2", 555), ("published", 555)]


@pytest.mark.parametrize("point,expected", KILL_POINTS)
def test_sigkill_at_any_point_leaves_the_published_snapshot_intact(tmp_path, point, expected):
    store = tmp_path / "s"
    _write(store, 100)
    before = sorted(p.name for p in store.iterdir())
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-c", CHILD, point, str(store)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    line = proc.stdout.readline()
    assert line.strip() == f"AT {point}", line + proc.stderr.read()
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    assert _value(store) == expected  # readable, and exactly the old (or, once published, the new) data
    snapshots.cleanup(store)  # what the next start does
    left = sorted(p.name for p in store.iterdir())
    assert not [n for n in left if n.startswith(".tmp-")]
    if expected == 100:
        assert left == before
    else:
        assert snapshots.current(store).version == 2
    _write(store, 777)  # the store keeps working after the crash
    assert _value(store) == 777


# ------------------------------------------------------------------------------------------ CLI
def _stats_csv(tmp_path: Path) -> Path:
    path = tmp_path / "ew.csv"
    path.write_text("Zelle;Einwohner\n" + "".join(f"r{r}c{c};100\n" for r in range(3) for c in range(3)),
                    encoding="utf-8")
    return path


def _import(csv: Path, store: Path) -> int:
    from sozialraum.cli import main

    return main(["import-stats", str(csv), "--ebene", "zelle", "--schluessel", "Zelle", "--indikator",
                 "ew_gesamt=Einwohner", "--zeitraum", "2025", "--quelle", "ew2025", "--db", str(store)])


def test_cli_import_while_another_writer_holds_the_store_is_refused_in_german(tmp_path, capsys, monkeypatch):
    import dataclasses

    from sozialraum import settings

    monkeypatch.setitem(settings.SETTINGS, "store_write_wait_s",
                        dataclasses.replace(settings.SETTINGS["store_write_wait_s"], default=0.3))
    store = tmp_path / "s"
    _write(store, 100)
    inside, release = threading.Event(), threading.Event()

    def holder():
        with snapshots.writing(store):
            inside.set()
            release.wait(10)

    t = threading.Thread(target=holder)
    t.start()
    assert inside.wait(10)
    try:
        assert _import(_stats_csv(tmp_path), store) == 2
    finally:
        release.set()
        t.join()
    err = capsys.readouterr().err
    assert "schreibt gerade ein anderer Vorgang" in err and "Traceback" not in err
    assert _import(_stats_csv(tmp_path), store) == 0  # once the store is free the same import goes through
    assert snapshots.current(store).version == 3


def test_cli_import_without_a_target_never_writes_into_the_demo(tmp_path, capsys, monkeypatch):
    for var in ("SOZIALRAUM_DB", "SOZIALRAUM_STORE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("SOZIALRAUM_DATA", str(tmp_path / "data"))
    from sozialraum.cli import main

    code = main(["import-stats", str(_stats_csv(tmp_path)), "--ebene", "zelle", "--schluessel", "Zelle",
                 "--indikator", "ew_gesamt=Einwohner", "--zeitraum", "2025", "--quelle", "x"])
    assert code == 2 and "in welche Stadt" in capsys.readouterr().err
    assert not (tmp_path / "data").exists()


def test_store_commands_new_list_versions_rollback(tmp_path, capsys, monkeypatch):
    from sozialraum.cli import main

    monkeypatch.setenv("SOZIALRAUM_DATA", str(tmp_path))
    assert main(["store", "neu", "Neustadt an der Weinstraße"]) == 0
    folder = tmp_path / "neustadt-an-der-weinstrasse"
    _write(folder, 100)
    _write(folder, 200)
    capsys.readouterr()
    assert main(["store", "list"]) == 0
    assert "Neustadt an der Weinstraße" in capsys.readouterr().out
    assert main(["store", "versionen", folder.name]) == 0
    assert [line.split()[0:2] for line in capsys.readouterr().out.splitlines()][-1] == ["*", "3"]
    assert main(["store", "rollback", folder.name]) == 0
    assert _value(folder) == 100 and snapshots.current(folder).version == 4
    assert main(["store", "rollback", folder.name, "--version", "1"]) == 0  # the empty start
    con = snapshots.open_current(folder)
    assert con.execute("SELECT count(*) FROM areas").fetchone()[0] == 0
    con.close()


@pytest.fixture(scope="module")
def cli_store(tmp_path_factory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("kill")
    store = tmp / "s"
    _write(store, 100)
    return store, _stats_csv(tmp)


def test_sigkill_of_the_real_cli_import_at_random_times(cli_store):
    """The CLI import killed after a random delay: the published store is the old one or the complete new one."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    store, csv = cli_store
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("SOZIALRAUM_DB", None)
    cmd = [sys.executable, "-m", "sozialraum.cli", "import-stats", str(csv), "--ebene", "zelle", "--schluessel",
           "Zelle", "--indikator", "ew_gesamt=Einwohner", "--zeitraum", "2025", "--quelle", "ew2025", "--db",
           str(store)]

    @settings(max_examples=5, deadline=None, derandomize=True)
    @given(st.floats(min_value=0.0, max_value=6.0))
    def kill_after(delay):
        before = snapshots.current(store).version
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        now = snapshots.current(store)
        assert now.version in (before, before + 1)
        con = snapshots.open_current(store)
        try:
            rows = con.execute("SELECT count(*) FROM observations WHERE period = '2025' AND NOT derived"
                               ).fetchone()[0]
        finally:
            con.close()
        assert rows == (9 if now.version > 1 else 0)  # all of the import or none of it
        snapshots.cleanup(store)
        assert not [p for p in store.iterdir() if p.name.startswith(".tmp-")]

    kill_after()


def test_a_stores_network_folder_sits_beside_the_store_for_every_snapshot(tmp_path):
    from sozialraum.network.build import default_dir

    store = tmp_path / "stadt"
    _write(store, 100)
    con = snapshots.open_current(store)
    assert default_dir(con) == (tmp_path / "stadt.network").resolve()  # like the demo's network_dir(store)
    con.close()
    with snapshots.writing(store) as con:  # the writer's temporary file belongs to the same store
        assert default_dir(con) == (tmp_path / "stadt.network").resolve()
    plain = tmp_path / "alt.duckdb"
    _write(plain, 100)
    from sozialraum.store import connect

    con = connect(plain, read_only=True)
    assert default_dir(con) == (tmp_path / "alt.network").resolve()
    con.close()
