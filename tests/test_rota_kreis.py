"""The rota at the scale of a Kreis (issue 12): the Musterkreis rota for 2 staff days and 45 minutes by bus, a
time limit that still returns a rota, and the exact reductions (dominated venues) and the greedy start on hand
cases. Times are printed, never asserted."""

from __future__ import annotations

import itertools
import time

import numpy as np
import pytest
from click.testing import CliRunner

from sozialraum.rota.greedy import day_fits, greedy_rota
from sozialraum.rota.model import RotaProblem, dominated_venues, solve_rota


@pytest.fixture(scope="module")
def kreis_db(tmp_path_factory):
    from sozialraum.cli import cli

    path = tmp_path_factory.mktemp("kreis") / "kreis.duckdb"
    result = CliRunner().invoke(cli, ["demo", "--kreis", "--db", str(path)])
    assert result.exit_code == 0, result.output
    return path


def _feasible(plan, day_minutes=480):
    """Every day of the plan: sessions in time order, the car makes the breaks, the day within its length."""
    assert len(plan.days) <= plan.parameters["staff_days"]
    assert (plan.days["work_min"] <= day_minutes).all()
    for _, day in plan.sessions.groupby("day"):
        starts = day["start"].tolist()
        assert starts == sorted(starts) and len(set(starts)) == len(starts)


def test_musterkreis_rota_two_days_45_minutes(kreis_db):
    from sozialraum.rota.plan import plan_rota
    from sozialraum.store import connect

    con = connect(kreis_db, read_only=True)
    try:
        t0, c0 = time.perf_counter(), time.process_time()
        plan = plan_rota(con, staff_days=2, bus_minutes=45)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    finally:
        con.close()
    print(f"Musterkreis rota (2 days, 45 min bus, with k-curve): {wall:.1f} s wall, {cpu:.1f} s CPU, "
          f"status {plan.summary['status']}, {len(plan.sessions)} sessions, share {plan.summary['covered_share']:.3f}")
    assert plan.summary["status"] in ("optimal", "time_limit")
    assert len(plan.sessions) >= 2 and plan.summary["days_used"] == 2
    assert 0.5 < plan.summary["covered_share"] <= 1.0
    assert plan.summary["status_text"] == "optimal" or "höchstens" in plan.summary["status_text"]
    _feasible(plan)
    # the k-curve never falls, and the rota itself is its last point
    covered = plan.k_curve["covered"].tolist()
    assert covered == sorted(covered) and covered[-1] == plan.summary["covered"]
    assert (plan.sessions["people"] % 10 == 0).all()


def test_a_tight_time_limit_still_gives_a_rota(kreis_db):
    """Never "keine Lösung" when a rota exists: the greedy start stands, with its status and gap."""
    from sozialraum.rota.plan import plan_rota
    from sozialraum.store import connect

    con = connect(kreis_db, read_only=True)
    try:
        plan = plan_rota(con, staff_days=1, bus_minutes=30, time_limit=0.05, k_curve_max=1)
    finally:
        con.close()
    print("time limit 0.05 s:", plan.summary["status"], plan.summary["status_text"], len(plan.sessions))
    assert len(plan.sessions) >= 1 and plan.summary["covered_share"] > 0
    assert plan.summary["status"] in ("optimal", "time_limit", "heuristic")
    if plan.summary["status"] != "optimal":
        assert plan.summary["status_text"] != "optimal" and "Zeitlimit" in plan.summary["status_text"]
    _feasible(plan)


# --------------------------------------------------------------------------------------------- reductions
def test_a_dominated_venue_is_dropped_and_equal_twins_keep_the_first():
    """Venues 0 and 1 at the same place; 1 reaches a subset of 0 → 1 dominated. Venue 2 reaches a village 0
    does not → kept. Venues 3 and 4 are equal twins → 4 dropped, 3 kept. A venue nearer to the main site is
    never dropped for a farther one."""
    reach = np.zeros((3, 5, 1, 1), dtype=bool)
    reach[[0, 1], 0] = True
    reach[0, 1] = True
    reach[[1, 2], 2] = True
    reach[2, 3] = reach[2, 4] = True
    xy = np.array([[0, 0], [0, 0], [5, 0], [9, 9], [9, 9]], dtype=float)
    between = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    out = np.hypot(xy[:, 0] - 1, xy[:, 1])
    assert dominated_venues(reach, out, out, between).tolist() == [False, True, False, False, True]
    nearer = out.copy()
    nearer[1] = out[0] - 0.5  # venue 1 is a little nearer to the main site: no longer dominated
    assert dominated_venues(reach, nearer, nearer, between).tolist() == [False, False, False, False, True]


@pytest.mark.parametrize("seed", range(6))
def test_greedy_start_is_feasible_and_the_model_is_at_least_as_good(seed):
    rng = np.random.default_rng(100 + seed)
    n, m, n_days, n_slots = 8, 5, 3, 3
    xy = rng.uniform(0, 40, size=(m + 1, 2))
    car = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1]) * 1.5
    p = RotaProblem(weights=rng.integers(1, 40, size=n).astype(float), reach=rng.random((n, m, n_days, n_slots)) < 0.3,
                    slot_start=np.array([540.0, 690.0, 840.0]), slot_end=np.array([630.0, 780.0, 930.0]),
                    car_out=car[m, :m], car_back=car[:m, m], car_between=car[:m, :m], day_minutes=420.0,
                    staff_days=2)
    nodes = [(v, d, t) for d in range(n_days) for t in range(n_slots) for v in range(m)]
    node_reach = np.array([p.reach[:, v, d, t] for v, d, t in nodes]).T
    chosen = greedy_rota(nodes, node_reach, p.weights, p.staff_days, p.slot_start, p.slot_end, p.car_out,
                         p.car_back, p.car_between, p.day_minutes)
    days = sorted({nodes[k][1] for k in chosen})
    assert len(days) <= p.staff_days
    for d in days:
        route = sorted([(nodes[k][0], nodes[k][2]) for k in chosen if nodes[k][1] == d], key=lambda s: s[1])
        assert day_fits(route, p.slot_start, p.slot_end, p.car_out, p.car_back, p.car_between, p.day_minutes)
    greedy_weight = p.weights[node_reach[:, chosen].any(axis=1)].sum() if chosen else 0.0
    res = solve_rota(p)
    assert res.status == "optimal" and res.covered_weight >= greedy_weight - 1e-9
    for d in res.days_used:
        mine = [(v, t) for v, dd, t in res.sessions if dd == d]
        for (v, t), (v2, t2) in itertools.pairwise(mine):
            assert t2 > t and p.slot_end[t] + p.car_between[v, v2] <= p.slot_start[t2]


def test_when_highs_returns_nothing_the_greedy_rota_stands(monkeypatch):
    """HiGHS raising (no solution in time) → the greedy rota, labelled as an approximation, not an error."""
    import sozialraum.siting._highs as highs
    from sozialraum.errors import SolverError

    def nothing(*args, **kwargs):
        raise SolverError("Rota: Das Zeitlimit ist abgelaufen.")

    monkeypatch.setattr(highs, "solve_mip", nothing)
    reach = np.zeros((2, 2, 1, 1), dtype=bool)
    reach[0, 0] = reach[1, 1] = True
    p = RotaProblem(weights=np.array([10.0, 30.0]), reach=reach, slot_start=np.array([540.0]),
                    slot_end=np.array([660.0]), car_out=np.array([10.0, 10.0]), car_back=np.array([10.0, 10.0]),
                    car_between=np.array([[0.0, 20.0], [20.0, 0.0]]), day_minutes=480.0, staff_days=1)
    res = solve_rota(p)
    assert res.status == "heuristic" and res.sessions == ((1, 0, 0),) and res.covered_weight == 30.0
    assert "unbekannt" in res.status_text and res.work_minutes == {0: 140.0}


def test_musterkreis_builds_its_routing_network_and_the_rota_uses_it(kreis_db):
    """`demo --kreis` builds car, walk and bus (GTFS) routing by default; the rota then takes car minutes from
    the roads and bus reach from the timetable at each session's time — no „Luftlinie“ — and the labelled
    straight-line fallback only when told not to use the network."""
    from sozialraum.network import read_info, store_network_dir
    from sozialraum.rota.plan import plan_rota, rota_inputs
    from sozialraum.store import connect, read

    con = connect(kreis_db, read_only=True)
    try:
        info = read_info(store_network_dir(con))
        assert {"car", "walk", "transit"} <= set(info.modes) and info.fictional
        assert bool(read.sources(con).set_index("source_id").loc["osm_netz", "fictional"])
        net = rota_inputs(con, staff_days=2, bus_minutes=45)
        line = rota_inputs(con, staff_days=2, bus_minutes=45, use_network=False)
        plan = plan_rota(con, staff_days=1, bus_minutes=45, k_curve_max=1)
    finally:
        con.close()
    assert "Straßennetz" in net.travel and "Fahrplan" in net.travel and "Luftlinie" not in net.travel
    assert "Luftlinie" in line.travel
    assert plan.summary["travel"] == net.travel
    p, q = net.problem, line.problem
    # a real timetable reaches far fewer venues within 45 minutes than a bus at 20 km/h that always runs
    assert 0 < p.reach.sum() < q.reach.sum()
    # car minutes on the roads are never below straight line at 160 km/h, and differ from the fallback's
    assert np.all(p.car_out > 0) and not np.allclose(p.car_out, q.car_out)
    # weekdays with the same timetable (Mon–Fri school days) reach the same venues
    assert all(np.array_equal(p.reach[:, :, 0], p.reach[:, :, d]) for d in range(1, p.reach.shape[2]))


def test_typical_week_skips_holidays(tmp_path):
    """The rota's bus week: the week (Monday on) with the most services running, so a feed that starts in a
    holiday week is read in its first ordinary week."""
    import datetime as dt

    from sozialraum.rota.network import service_days, typical_week

    (tmp_path / "calendar.txt").write_text(
        "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n"
        "wk,1,1,1,1,1,0,0,20260101,20261231\nschool,1,1,1,1,1,0,0,20260101,20261231\n", encoding="utf-8")
    (tmp_path / "calendar_dates.txt").write_text(
        "service_id,date,exception_type\n" + "".join(f"school,202601{d:02d},2\n" for d in range(5, 10))
        + "wk,20260112,2\nextra,20260113,1\n", encoding="utf-8")
    active = service_days(tmp_path)
    assert active(dt.date(2026, 1, 5)) == {"wk"} and active(dt.date(2026, 1, 12)) == {"school"}
    assert active(dt.date(2026, 1, 13)) == {"wk", "school", "extra"}
    assert active(dt.date(2026, 1, 10)) == frozenset()  # a Saturday
    # 5 Jan: school holidays (5 services); 12 Jan: one off, one extra (10); 19 Jan: all (10): the tie goes early
    week = typical_week(tmp_path, "20260101", 5)
    assert week[0] == dt.date(2026, 1, 12) and len(week) == 5
    assert [d.weekday() for d in week] == [0, 1, 2, 3, 4]


def test_rural_reach_on_the_kreis_network(kreis_db):
    """Rural reach on the Musterkreis uses the roads for the car and the timetable for the bus — labelled, no
    Luftlinie — and people who can walk all the way count as reaching the site without a car."""
    from sozialraum.access.rural import network_models, rural_reach_for_store
    from sozialraum.store import connect

    con = connect(kreis_db, read_only=True)
    try:
        out = rural_reach_for_store(con, "mk_gemeinde")
        _car, transit = network_models(con)
        bus_only = rural_reach_for_store(con, "mk_gemeinde", transit=transit)
        line = rural_reach_for_store(con, "mk_gemeinde", use_network=False)
    finally:
        con.close()
    assert "Straßennetz (Auto)" in out.attrs["car_label"] and "ÖPNV ab" in out.attrs["transit_label"]
    assert "ganz zu Fuß" in out.attrs["transit_label"] and "Luftlinie" not in out.attrs["transit_label"]
    assert "Luftlinie" in line.attrs["car_label"] and "Luftlinie" in line.attrs["transit_label"]
    assert (out["transit_share"].fillna(0) >= bus_only["transit_share"].fillna(0)).all()
    assert out.attrs["kreis"]["transit_share"] > bus_only.attrs["kreis"]["transit_share"]
    # a thin timetable reaches fewer people than a bus at 20 km/h that always runs
    assert out.attrs["kreis"]["transit_share"] < line.attrs["kreis"]["transit_share"]


def test_areas_reaching_a_jobcenter_site_count_as_served(kreis_db):
    """``served_by_sites``: Ortsteile that reach a Jobcenter site by bus/walk at session times leave the objective
    (the Kreisstadt's and the second town's), so no session serves them and the rota goes to the villages; the
    people of the two parts add up to the whole."""
    from sozialraum.rota.plan import plan_rota, rota_inputs
    from sozialraum.store import connect

    con = connect(kreis_db, read_only=True)
    try:
        plain = rota_inputs(con, staff_days=2, bus_minutes=45)
        inp = rota_inputs(con, staff_days=2, bus_minutes=45, served_by_sites=True)
        plan = plan_rota(con, staff_days=2, bus_minutes=45, k_curve_max=2, served_by_sites=True)
    finally:
        con.close()
    at = inp.at_sites
    assert 0 < at.sum() < len(at)
    towns = inp.areas["name"][at].tolist()
    assert all(any(t in name for t in ("Waldfelde", "Schöningen")) for name in towns[:3])
    assert np.all(inp.problem.weights[at] == 0)
    assert inp.problem.weights.sum() + inp.site_people == pytest.approx(plain.problem.weights.sum())
    np.testing.assert_array_equal(inp.problem.reach, plain.problem.reach)  # the venues' reach is unchanged
    np.testing.assert_allclose(inp.problem.car_between, plain.problem.car_between, rtol=1e-3, atol=0.1)
    served_names = {n for v in plan.sessions["villages"] for n in v.split("; ")}
    assert served_names and not served_names & set(towns)
    assert plan.summary["site_areas"] == int(at.sum()) and plan.summary["site_people"] % 10 == 0
