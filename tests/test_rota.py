"""The mobile consultation rota (issue 12): exact covering model on tiny hand-checkable cases, a brute-force
check of optimality, the straight-line travel fallback, the iCalendar writer and the ``rota`` command.

The hand case: villages A (30 people), B (20), C (10), each with one venue a, b, c; two weekdays; a morning slot
09:00–11:00 and an afternoon slot 14:00–16:00. The bus runs only in the morning: A reaches a and b by bus, B
reaches b by bus, C walks to c (any time). Car from the main site: a 30, b 40, c 20 minutes; between venues
a–b 60, a–c 100, b–c 200 (longer than the 3-hour break, so b in the morning and c in the afternoon do not fit
one day).
"""

from __future__ import annotations

import itertools
import re
from datetime import UTC, date, datetime

import numpy as np
import pandas as pd
import pytest

from sozialraum.errors import InputError
from sozialraum.rota.model import RotaProblem, rota_k_curve, solve_rota
from sozialraum.rota.travel import slot_reach, windows

A, B, C = 0, 1, 2
MORNING, AFTERNOON = 0, 1


def _hand(**kw) -> RotaProblem:
    bus = np.full((3, 3), 99.0)
    bus[A, [A, B]] = 30.0
    bus[B, B] = 30.0
    walk = np.full((3, 3), 99.0)
    walk[C, C] = 5.0
    reach = slot_reach(bus, walk, [540, 840], [660, 960], budget_min=45, service=windows("06:00-13:00"))
    between = np.array([[0, 60, 100], [60, 0, 200], [100, 200, 0]], dtype=float)
    args = {"weights": np.array([30.0, 20.0, 10.0]), "reach": np.repeat(reach[:, :, None, :], 2, axis=2),
                "slot_start": np.array([540.0, 840.0]), "slot_end": np.array([660.0, 960.0]),
                "car_out": np.array([30.0, 40.0, 20.0]), "car_back": np.array([30.0, 40.0, 20.0]), "car_between": between,
                "day_minutes": 480.0, "staff_days": 1}
    return RotaProblem(**(args | kw))


def test_bus_only_in_the_morning():
    p = _hand()
    r = p.reach[:, :, 0, :]
    assert r[A, A, MORNING] and r[A, B, MORNING] and r[B, B, MORNING] and r[C, C, MORNING]
    assert not r[A, A, AFTERNOON] and not r[B, B, AFTERNOON]  # no bus back after 16:00 (nor there at 13:30)
    assert r[C, C, AFTERNOON]  # walking needs no bus
    assert r.sum() == 5


def test_one_staff_day_by_hand():
    """One day: b in the morning serves A and B (50); a + c (40) is worse; b + c would serve all but the car
    needs 200 minutes from b to c and the break is 180."""
    res = solve_rota(_hand())
    assert res.status == "optimal" and res.sessions == ((B, 0, MORNING),)
    assert res.covered.tolist() == [True, True, False] and res.covered_weight == 50.0
    assert res.work_minutes == {0: 40 + 120 + 40} and res.drive_minutes == {0: 80.0}


def test_the_routing_check_decides():
    """With b–c at 170 minutes the car makes it in the break: one day serves everyone."""
    between = _hand().car_between.copy()
    between[B, C] = between[C, B] = 170.0
    res = solve_rota(_hand(car_between=between))
    assert res.sessions == ((B, 0, MORNING), (C, 0, AFTERNOON)) and res.covered_weight == 60.0
    assert res.work_minutes[0] == (960 + 20) - (540 - 40) and res.drive_minutes[0] == 40 + 170 + 20
    # ... unless the working day is shorter than leaving at 08:20 and coming back at 16:20
    res = solve_rota(_hand(car_between=between, day_minutes=479.0))
    assert res.covered_weight == 50.0


def test_two_staff_days_and_the_k_curve():
    res = solve_rota(_hand(staff_days=2))
    assert res.covered_weight == 60.0 and len(res.days_used) == 2 and res.days_used == (0, 1)  # Monday first
    assert {(v, t) for v, _, t in res.sessions} in ({(B, MORNING), (C, MORNING)}, {(B, MORNING), (C, AFTERNOON)})
    curve = rota_k_curve(_hand(staff_days=2))
    assert [r["covered_weight"] for r in curve] == [0.0, 50.0, 60.0]
    assert [r["added_weight"] for r in curve] == [0.0, 50.0, 10.0]


def test_day_length_and_venue_days():
    # 199 minutes a day: b (200 with the drives) no longer fits; a (180) does, c (160) too, not both
    res = solve_rota(_hand(day_minutes=199.0, staff_days=2))
    assert res.covered_weight == 40.0
    # venue b only on Tuesday: the rota puts it there
    days = np.ones((3, 2), dtype=bool)
    days[B, 0] = False
    res = solve_rota(_hand(venue_days=days))
    assert res.sessions == ((B, 1, MORNING),)


def test_nothing_to_do():
    assert solve_rota(_hand(staff_days=0)).sessions == ()
    res = solve_rota(_hand(weights=np.zeros(3), staff_days=2))
    assert res.sessions == () and res.covered_weight == 0.0


def test_hostile_inputs_are_refused_in_german():
    with pytest.raises(InputError, match="Zeitfenster"):
        solve_rota(_hand(slot_start=np.array([840.0, 540.0])))
    with pytest.raises(InputError, match="Fahrzeiten"):
        solve_rota(_hand(car_out=np.array([30.0, -1.0, 20.0])))
    with pytest.raises(InputError, match="Gewichte"):
        solve_rota(_hand(weights=np.array([30.0, np.nan, 10.0])))
    with pytest.raises(InputError, match="nicht lesbar"):
        windows("6 bis 13")
    with pytest.raises(InputError, match="Uhrzeit"):
        windows("06:00-25:00")


# --------------------------------------------------------------------------------------------- exactness
def _brute_force(p: RotaProblem) -> float:
    """Every combination of one day plan per weekday (a plan: sessions in increasing slots that the car can
    chain, within the working day), at most ``staff_days`` days used → the most people served."""
    w, reach = p.weights, p.reach
    n, m, n_days, n_slots = reach.shape
    plans = [()]
    for size in range(1, n_slots + 1):
        for slots in itertools.combinations(range(n_slots), size):
            for venues in itertools.product(range(m), repeat=size):
                ok = all(p.slot_end[t] + p.car_between[v, v2] <= p.slot_start[t2]
                         for (v, t), (v2, t2) in zip(zip(venues, slots), zip(venues[1:], slots[1:])))
                work = p.slot_end[slots[-1]] + p.car_back[venues[-1]] - p.slot_start[slots[0]] + p.car_out[venues[0]]
                if ok and work <= p.day_minutes:
                    plans.append(tuple(zip(venues, slots)))
    best = 0.0
    for choice in itertools.product(plans, repeat=n_days):
        if sum(1 for c in choice if c) > p.staff_days:
            continue
        covered = np.zeros(n, dtype=bool)
        for d, plan in enumerate(choice):
            for v, t in plan:
                covered |= reach[:, v, d, t]
        best = max(best, float(w[covered].sum()))
    return best


@pytest.mark.parametrize("seed", range(12))
def test_optimal_against_brute_force(seed):
    rng = np.random.default_rng(seed)
    n, m, n_days, n_slots = 6, 3, 2, 3
    xy = rng.uniform(0, 40, size=(m + 1, 2))  # km; index m = the main site
    car = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1]) * 1.5  # ≈ minutes
    p = RotaProblem(weights=rng.integers(0, 40, size=n).astype(float),
                    reach=rng.random((n, m, n_days, n_slots)) < 0.3,
                    slot_start=np.array([540.0, 690.0, 840.0]), slot_end=np.array([630.0, 780.0, 930.0]),
                    car_out=car[m, :m], car_back=car[:m, m], car_between=car[:m, :m],
                    day_minutes=float(rng.choice([300.0, 420.0, 480.0])), staff_days=int(rng.integers(1, 3)))
    res = solve_rota(p)
    assert res.status == "optimal"
    assert res.covered_weight == pytest.approx(_brute_force(p))
    # the answer is itself feasible: sessions chain in time and the days respect the limits
    assert len(res.days_used) <= p.staff_days
    for d in res.days_used:
        mine = [(v, t) for v, dd, t in res.sessions if dd == d]
        for (v, t), (v2, t2) in itertools.pairwise(mine):
            assert t2 > t and p.slot_end[t] + p.car_between[v, v2] <= p.slot_start[t2]
        assert res.work_minutes[d] <= p.day_minutes + 1e-9


# --------------------------------------------------------------------------------------------- iCalendar
def test_ics_is_valid_text():
    from sozialraum.export.ics import fold, rota_ics

    sessions = pd.DataFrame([
        {"day": 1, "start": "09:00", "end": "11:00", "venue_id": "v1", "venue": "Gemeindehaus Oberdorf, Saal",
         "villages": "Oberdorf; Unterdorf; " + "Ä" * 80, "people": 40.0},
        {"day": 3, "start": "14:00", "end": "16:00", "venue_id": "v2", "venue": "Bibliothek", "villages": "Tal",
         "people": float("nan")},
    ])
    text = rota_ics(sessions, first_week=date(2026, 12, 2), rhythm="fortnightly",
                    stamp=datetime(2026, 11, 28, 12, 0, tzinfo=UTC), note="Luftlinie")
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")
    physical = text.split("\r\n")[:-1]
    assert all(len(line.encode("utf-8")) <= 75 for line in physical)
    unfolded = text.replace("\r\n ", "").split("\r\n")
    assert unfolded.count("BEGIN:VEVENT") == 2 and unfolded.count("END:VEVENT") == 2
    # Tuesday and Thursday of the week of 2 December 2026 (Monday 30 November), local Berlin time
    assert "DTSTART;TZID=Europe/Berlin:20261201T090000" in unfolded
    assert "DTEND;TZID=Europe/Berlin:20261203T160000" in unfolded
    assert unfolded.count("RRULE:FREQ=WEEKLY;INTERVAL=2") == 2 and "BEGIN:VTIMEZONE" in unfolded
    assert "SUMMARY:Sprechstunde Gemeindehaus Oberdorf\\, Saal" in unfolded
    desc = [u for u in unfolded if u.startswith("DESCRIPTION:")]
    assert "Oberdorf\\; Unterdorf\\; " + "Ä" * 80 in desc[0] and "≈ 40 Personen" in desc[0]
    assert "Personen" not in desc[1]
    assert fold("X" * 75) == "X" * 75 and fold("X" * 76) == "X" * 75 + "\r\n X"


# --------------------------------------------------------------------------------------------- store + CLI
@pytest.fixture
def grid_file(tmp_path):
    """The 3×3 grid of test_siting_plan as a store file: one Jobcenter at r0c0, venues at r0c2, r1c1, r2c0,
    r2c2; recipients 10/10/2 in row 0 (r0c0 and r0c2 suppressed: 6 each as safe weights), 20s, 30s."""
    from test_siting_plan import RLB, _pts

    from sozialraum.store import Batch, SourceInfo, connect, replace_source
    from sozialraum.testing import grid_batch

    path = tmp_path / "kreis.duckdb"
    con = connect(path)
    obs = [("zelle", k, "rlb", "2024", v, None, None, None) for k, v in RLB.items()]
    replace_source(con, *grid_batch(pd.DataFrame(obs, columns=["level", "area_key", "indicator", "period", "value",
                                                                "numerator", "denominator", "flag"])))
    points = {
        "jobcenter_sites": _pts([("jc1", "geschaeftsstelle", "Jobcenter Süd", 0, 0)], ["site_id", "site_type", "name"]),
        "candidate_venues": _pts([("v02", "bibliothek", "Bibliothek Ost", True, 0, 2),
                                  ("v11", "stadtteilzentrum", "=Gemeindehaus Mitte", True, 1, 1),
                                  ("v20", "familienzentrum", "Familienzentrum Nordwest", True, 2, 0),
                                  ("v22", "bibliothek", "Bibliothek Nordost", False, 2, 2)],
                                 ["venue_id", "venue_type", "name", "barrier_free"]),
    }
    replace_source(con, SourceInfo("orte", "Orte (Testdaten)", fictional=True), Batch(points=points))
    con.close()
    return path


def test_plan_rota_on_the_grid(grid_file):
    """Bus 5 minutes: 1 km straight line × 1.4 at 20 km/h = 4.2 minutes, so a venue serves its cell and the four
    edge neighbours (like the MCLP case). One day has three slots: v11 (100), v20 and v22 (+ 60) = 160 of 172;
    two days add v02 (r0c2: 6) = 166; r0c0 has no venue near it."""
    from sozialraum.rota.plan import plan_rota
    from sozialraum.store import connect

    con = connect(grid_file, read_only=True)
    plan = plan_rota(con, staff_days=1, bus_minutes=5, k_curve_max=2)
    assert plan.parameters["level"] == "zelle" and plan.summary["status"] == "optimal"
    assert sorted(plan.sessions["venue_id"]) == ["v11", "v20", "v22"] and set(plan.sessions["weekday"]) == {"Montag"}
    assert plan.sessions["start"].tolist() == ["09:00", "11:30", "14:00"]
    assert plan.summary["covered_share"] == pytest.approx(160 / 172)
    assert plan.k_curve["covered"].tolist() == [0.0, 160.0, 170.0] and plan.k_curve["added"].tolist()[1:] == [160.0, 10.0]
    assert plan.summary["areas_estimated"] == ["r0c0", "r0c2"] and "Luftlinie" in plan.summary["travel"]
    assert (plan.sessions["people"] % 10 == 0).all()
    assert len(plan.days) == 1 and plan.days["n_sessions"].iloc[0] == 3
    # the bus stops at 13:00: at 14:00 only the people of the venue's own cell come (on foot)
    late = plan_rota(con, staff_days=1, bus_minutes=5, settings={"rota_bus_hours": "06:00-13:00"}, k_curve_max=1)
    last = late.sessions.set_index("start").loc["14:00"]
    assert last["n_villages"] == 1 and last["venue_id"] in ("v20", "v22")
    # still 160: v11 and one corner venue by bus in the morning, the other corner's own cell (30) walks at 14:00
    assert late.summary["covered_share"] == pytest.approx(160 / 172)
    con.close()


def test_rota_command_writes_csv_and_ics(grid_file, tmp_path):
    import json

    from click.testing import CliRunner

    from sozialraum.cli import cli

    out, ics = tmp_path / "rota.csv", tmp_path / "rota.ics"
    result = CliRunner().invoke(cli, ["rota", "--db", str(grid_file), "--staff-days", "2", "--bus-minutes", "5",
                                      "--out", str(out), "--ics", str(ics), "--start-date", "2026-12-07",
                                      "--rhythm", "fortnightly"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.output.strip().splitlines()[-1])
    assert info["sessions"] == 4 and info["covered"] == 170.0 and "Luftlinie" in info["travel"]
    assert [r["added"] for r in info["k_curve"]] == [0.0, 160.0, 10.0]
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = raw.decode("utf-8-sig").split("\r\n")
    assert rows[0].startswith("Wochentag;Beginn;Ende;Ort") and len([r for r in rows[1:] if r]) == 4
    assert any(";'=Gemeindehaus Mitte;" in r for r in rows)  # no formula injection
    assert all(r.endswith("14-täglich") for r in rows[1:] if r)
    text = ics.read_text(encoding="utf-8")
    assert text.count("BEGIN:VEVENT") == 4 and "INTERVAL=2" in text
    assert re.search(r"DTSTART;TZID=Europe/Berlin:202612(07|08)T0900", text)


def test_rota_command_errors_are_german(tmp_path, grid_file):
    from sozialraum.cli import main

    assert main(["rota", "--db", str(tmp_path / "fehlt.duckdb"), "--out", str(tmp_path / "r.csv")]) == 2
    assert main(["rota", "--db", str(grid_file), "--out", str(tmp_path / "r.csv"), "--base", "xyz"]) == 2
    assert main(["rota", "--db", str(grid_file), "--out", str(tmp_path / "r.csv"), "--slots", "14:00, 09:00"]) == 2
    assert not (tmp_path / "r.csv").exists()


def test_every_setting_renders_as_a_widget():
    """The rota's text settings (time slots, bus hours) render as text fields; every other setting as before."""
    from streamlit.testing.v1 import AppTest

    def script():
        import streamlit as st

        from app_pages.common import setting_input
        from sozialraum.settings import SETTINGS

        st.session_state["seen"] = {name: setting_input(name) for name in SETTINGS}

    at = AppTest.from_function(script).run(timeout=60)
    assert not at.exception
    from sozialraum.settings import SETTINGS

    seen = at.session_state["seen"]
    assert seen == {name: s.default for name, s in SETTINGS.items()}
    texts = [t.value for t in at.text_input]
    assert SETTINGS["rota_slots"].default in texts and SETTINGS["rota_bus_hours"].default in texts
    # every free-text setting (also the ÖPNV departure time of the travel settings) is a text field, nothing else
    assert texts == [s.default for s in SETTINGS.values() if isinstance(s.default, str) and not s.choices]


def test_rota_command_on_a_locked_or_broken_store(grid_file, tmp_path, capsys):
    """No traceback: a store another process holds for writing, and a file that is no database."""
    import subprocess
    import sys
    import textwrap

    from sozialraum.cli import main

    junk = tmp_path / "kaputt.duckdb"
    junk.write_bytes(b"das ist keine Datenbank" * 100)
    assert main(["rota", "--db", str(junk), "--out", str(tmp_path / "r.csv")]) == 2
    assert "lässt sich nicht öffnen" in capsys.readouterr().err
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys, duckdb
        con = duckdb.connect({str(grid_file)!r})
        print("open", flush=True)
        sys.stdin.read()
    """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        assert main(["rota", "--db", str(grid_file), "--out", str(tmp_path / "r.csv")]) == 2
        assert "zum Schreiben geöffnet" in capsys.readouterr().err
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
