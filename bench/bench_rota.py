"""Benchmark: the exact rota model on synthetic rural Kreise of growing size (prints figures, asserts nothing).

Run: ``.venv/bin/python bench/bench_rota.py [--villages 80] [--venues 40] [--staff-days 2] [--bus-minutes 45]
[--no-musterkreis]``.
A Kreis of 40 × 30 km: two towns (main site in the first), villages scattered along three valleys, one venue in
each of the first ``--venues`` villages; straight-line fallback travel (``sozialraum.rota.travel``) with the
default settings; bus windows 06:00–13:00 and 15:00–18:00 (a school-day pattern). Reports CPU seconds of one
solve and of the k-curve, sessions, share served and HiGHS status. Then the same for the Musterkreis demo
(``sozialraum demo --kreis``, built into a temporary folder) at Ortsteil and Gemeinde level, from its first
Jobcenter site.
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def instance(n_villages: int, n_venues: int, staff_days: int, bus_minutes: float, seed: int):
    from sozialraum.rota.model import RotaProblem
    from sozialraum.rota.plan import slots_from_text
    from sozialraum.rota.travel import slot_reach, straight_minutes, windows
    from sozialraum.settings import resolve

    s = resolve()
    rng = np.random.default_rng(seed)
    valley = rng.integers(0, 3, size=n_villages)
    along = rng.uniform(0, 40_000, size=n_villages)
    xy = np.column_stack([along, 5_000 + valley * 10_000 + rng.normal(0, 1_500, size=n_villages)])
    xy[:2] = [[8_000, 15_000], [30_000, 15_000]]  # the two towns
    weights = np.round(rng.lognormal(3.0, 1.0, size=n_villages))
    weights[:2] *= 20
    venues = xy[:n_venues]
    start, end = slots_from_text(s["rota_slots"], s["rota_session_min"])
    car = {"detour": s["rota_rural_detour"], "speed_kmh": s["rota_car_speed_kmh"]}
    bus = straight_minutes(xy, venues, detour=s["rota_rural_detour"], speed_kmh=s["rota_bus_speed_kmh"])
    walk = straight_minutes(xy, venues, detour=s["detour_factor"], speed_kmh=s["walking_speed_kmh"])
    reach = slot_reach(bus, walk, start, end, budget_min=bus_minutes, service=windows("06:00-13:00, 15:00-18:00"))
    base = xy[:1]
    return RotaProblem(weights=weights, reach=np.repeat(reach[:, :, None, :], int(s["rota_weekdays"]), axis=2),
                       slot_start=start, slot_end=end, car_out=straight_minutes(base, venues, **car)[0],
                       car_back=straight_minutes(venues, base, **car)[:, 0],
                       car_between=straight_minutes(venues, venues, **car), day_minutes=s["rota_day_minutes"],
                       staff_days=staff_days)


def main() -> None:
    from sozialraum.rota.model import rota_k_curve, solve_rota

    ap = argparse.ArgumentParser()
    ap.add_argument("--villages", type=int, nargs="+", default=[25, 80, 150])
    ap.add_argument("--venues", type=int, default=40)
    ap.add_argument("--staff-days", type=int, default=2)
    ap.add_argument("--bus-minutes", type=float, default=45)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-musterkreis", dest="musterkreis", action="store_false")
    args = ap.parse_args()
    print("villages venues  solve_cpu_s  kcurve_cpu_s  sessions  share   status")
    for n in args.villages:
        p = instance(n, min(args.venues, n), args.staff_days, args.bus_minutes, args.seed)
        t = time.process_time()
        res = solve_rota(p, time_limit=120)
        solve = time.process_time() - t
        t = time.process_time()
        rota_k_curve(p, time_limit=120)
        curve = time.process_time() - t
        print(f"{n:8d} {min(args.venues, n):6d} {solve:12.2f} {curve:13.2f} {len(res.sessions):9d} "
              f"{res.covered_share:6.3f}  {res.status}")
    if args.musterkreis:
        musterkreis(args.staff_days, args.bus_minutes)


def _row(label: str, p) -> None:
    from sozialraum.rota.model import rota_k_curve, solve_rota

    t = time.process_time()
    res = solve_rota(p, time_limit=120)
    solve = time.process_time() - t
    t = time.process_time()
    rota_k_curve(p, time_limit=120)
    curve = time.process_time() - t
    n, m = p.reach.shape[:2]
    print(f"{label:>14s} {n:4d} {m:6d} {solve:12.2f} {curve:13.2f} {len(res.sessions):9d} {res.covered_share:6.3f}  "
          f"{res.status}")


def musterkreis(staff_days: int, bus_minutes: float) -> None:
    import tempfile
    from pathlib import Path

    from click.testing import CliRunner

    from sozialraum.cli import cli
    from sozialraum.rota.plan import rota_inputs
    from sozialraum.store import connect

    import time

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "kreis.duckdb"
        t0 = time.perf_counter()
        result = CliRunner().invoke(cli, ["demo", "--kreis", "--db", str(path)])
        if result.exit_code != 0:
            raise SystemExit(result.output)
        print(f"demo --kreis incl. routing network: {time.perf_counter() - t0:.1f} s wall")
        con = connect(path, read_only=True)
        for level in ("mk_ortsteil", "mk_gemeinde"):
            for net, tag in ((True, "roads+GTFS"), (False, "Luftlinie")):
                for run in ("cold", "cached") if net else ("",):
                    t0 = time.perf_counter()
                    inputs = rota_inputs(con, level=level, staff_days=staff_days, bus_minutes=bus_minutes,
                                         use_network=net)
                    print(f"  travel ({tag} {run}): {time.perf_counter() - t0:.1f} s wall")
                _row(f"{level[3:]} {tag}", inputs.problem)
        con.close()


if __name__ == "__main__":
    main()
