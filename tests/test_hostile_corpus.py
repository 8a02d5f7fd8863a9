"""The hostile corpus (tools/hostile_corpus.py) through the importers, as library calls and on the command line.

Each refusal: an ``InputError`` (CLI: exit code 2, no traceback) whose German message names the file (and the
row and column where the case says so), and the store row-for-row unchanged (full table dumps compared).
Doubtful files: a ``PlausibilityWarning`` and the store unchanged. Accepted files: written, with the checks of
the case (e.g. HTML and formulas kept literally as data; escaping and neutralising happen on output).
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

from sozialraum.errors import InputError
from sozialraum.io.plausibility import PlausibilityWarning
from sozialraum.store import SourceInfo, connect, replace_source
from sozialraum.testing import dump_store, grid_batch

ROOT = Path(__file__).resolve().parents[1]
SOURCE = SourceInfo("feind", "Feindliche Datei")


def _tool():
    import sys

    if "hostile_corpus" in sys.modules:
        return sys.modules["hostile_corpus"]
    spec = importlib.util.spec_from_file_location("hostile_corpus", ROOT / "tools" / "hostile_corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["hostile_corpus"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def cases(tmp_path_factory):
    return _tool().corpus(tmp_path_factory.mktemp("feindlich"))


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("vorlage") / "grid.duckdb"
    con = connect(path)
    try:
        replace_source(con, *grid_batch())
    finally:
        con.close()
    return path


def _dump(path: Path) -> dict:
    con = connect(path, read_only=True)
    try:
        return dump_store(con)
    finally:
        con.close()


def _library(case, con, tmp: Path):
    from sozialraum.io import loader

    opts = dict(case.options)
    if case.importer == "areas":
        return loader.import_areas(con, case.path, source=SOURCE, **opts)
    if case.importer == "statistics":
        return loader.import_statistics(con, case.path, source=SOURCE, **opts)
    if case.importer == "points":
        table = opts.pop("table")
        return loader.import_points(con, case.path, source=SOURCE, table=table, **opts)
    from sozialraum.io.upload import stage_upload

    return stage_upload(case.path.name, case.path.read_bytes(), tmp / "upload")


def _cli_args(case, db: Path) -> list[str] | None:
    o = case.options
    if case.importer == "areas":
        return ["import-areas", str(case.path), "--ebene", o["level"], "--bezeichnung", o["label"],
                "--schluessel", o["key"], "--name", o["name"], "--quelle", "feind", "--db", str(db)]
    if case.importer == "statistics":
        args = ["import-stats", str(case.path), "--ebene", o["level"], "--schluessel", o["key"],
                "--zeitraum", o["period"], "--quelle", "feind", "--db", str(db)]
        for ind, col in o["indicators"].items():
            args += ["--indikator", f"{ind}={col}"]
        return args
    if case.importer == "points":
        args = ["import-points", str(case.path), "--tabelle", o["table"], "--typ", o["values"]["service_type"],
                "--x", o["x"], "--y", o["y"], "--crs", o["crs"], "--quelle", "feind", "--db", str(db)]
        for fld, col in o["columns"].items():
            args += ["--feld", f"{fld}={col}"]
        return args
    return None  # uploads exist only in the app


def _check_accepted(case, path: Path) -> list[str]:
    con = connect(path, read_only=True)
    try:
        return [f"{case.name}: {sql} -> {got}, expected {want}"
                for sql, want in case.check.items() if (got := con.execute(sql).fetchone()) != tuple(want)]
    finally:
        con.close()


def test_every_hostile_file_through_the_library(cases, template, tmp_path):
    failures = []
    for case in cases:
        db = tmp_path / f"{case.name}.duckdb"
        shutil.copy(template, db)
        before = _dump(db)
        con = connect(db)
        try:
            try:
                _library(case, con, tmp_path / case.name)
                outcome, message = "accept", ""
            except PlausibilityWarning as exc:
                outcome, message = "warn", str(exc)
            except InputError as exc:
                outcome, message = "refuse", str(exc)
        finally:
            con.close()
        if outcome != case.expect:
            failures.append(f"{case.name}: expected {case.expect}, got {outcome} {message[:300]}")
            continue
        missing = [m for m in case.mentions if m not in message]
        if missing:
            failures.append(f"{case.name}: message lacks {missing}: {message[:400]}")
        if outcome in ("refuse", "warn") and _dump(db) != before:
            failures.append(f"{case.name}: the store changed although the import was refused")
        if outcome == "accept":
            failures += _check_accepted(case, db)
    assert failures == [], "\n".join(failures)


def test_every_hostile_file_on_the_command_line(cases, template, tmp_path, capsys):
    from sozialraum.cli import main

    failures = []
    for case in cases:
        db = tmp_path / f"{case.name}.duckdb"
        shutil.copy(template, db)
        args = _cli_args(case, db)
        if args is None:
            continue
        before = _dump(db)
        code = main(args)
        out = capsys.readouterr()
        text = out.out + out.err
        if "Traceback" in text:
            failures.append(f"{case.name}: traceback on the command line")
        want = 0 if case.expect == "accept" else 2
        if code != want:
            failures.append(f"{case.name}: exit code {code}, expected {want}: {text[:300]}")
            continue
        if case.expect != "accept":
            missing = [m for m in case.mentions if m not in text]
            if missing:
                failures.append(f"{case.name}: CLI message lacks {missing}: {text[:400]}")
            if _dump(db) != before:
                failures.append(f"{case.name}: the store changed although the import was refused")
        else:
            failures += _check_accepted(case, db)
    assert failures == [], "\n".join(failures)


def test_exports_neutralise_what_the_corpus_smuggled_in(cases, template, tmp_path):
    """HTML and formulas accepted as data come out of CSV as text that cannot run."""
    import csv
    import io

    from sozialraum.export.data_export import export_bytes
    from sozialraum.io import loader

    tool = _tool()
    case = next(c for c in cases if c.name == "punkte_html_formel")
    db = tmp_path / "export.duckdb"
    shutil.copy(template, db)
    con = connect(db)
    try:
        opts = dict(case.options)
        loader.import_points(con, case.path, source=SOURCE, table=opts.pop("table"), **opts)
        rows = list(csv.DictReader(io.StringIO(export_bytes(con, "sites", "csv").decode("utf-8-sig")),
                                   delimiter=";"))
    finally:
        con.close()
    row = next(r for r in rows if r["Name"] == tool.HTML)
    assert row["Träger"] == "'" + tool.FORMULA
