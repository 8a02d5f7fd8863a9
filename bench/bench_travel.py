"""Benchmark: building the street network and travel-time matrices on it (OSRM via osrm-bindings).

Run:  .venv/bin/python bench/bench_travel.py [--reference DIR] [--algorithms MLD,CH] [--demand 22000 --cand 600]

Instances (synthetic grids of demand points and random candidates over real OSM clips, 15 min walk):
1. "Berlin-sized": 22,000 demand points × 600 candidates over the north-Bayreuth clip (about 20 × 24 km;
   ~45 points per km², Berlin's 200 m demand grid has ~25 per km²).
2. Dense: the same numbers over the Lauf a.d. Pegnitz clip (4.4 × 3.5 km; ~1,400 points per km²; each candidate
   reaches thousands of points — a worst case).
For each: build time per mode, matrix time cold (engine) and from the cache (.npz beside the network), the number
of pairs within the budget and the process's peak memory.
3. ``--demo``: the Musterstadt page figures — coverage + 2SFCA of the Angebote page per mode cold (engine), the
   background pre-computation (``sozialraum.network.warm``), then every mode × budget redraw from the cache.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sozialraum.access.travel import NetworkModel  # noqa: E402
from sozialraum.network import build_network  # noqa: E402

CLIPS = {"north-bayreuth": (11.42, 49.90, 11.66, 50.08), "lauf-an-der-pegnitz": (11.255, 49.503, 11.300, 49.527)}


def grid(box, n):
    side = int(np.ceil(np.sqrt(n)))
    gx, gy = np.meshgrid(np.linspace(box[0], box[2], side), np.linspace(box[1], box[3], side))
    return np.c_[gx.ravel(), gy.ravel()][:n]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(osm: Path, box, algorithm: str, n_dem: int, n_cand: int, budget: float, modes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        info = build_network(osm, clip_to=None, out_dir=tmp, modes=modes, algorithm=algorithm)
        build = time.perf_counter() - t
        per_mode = ", ".join(f"{m} {s:.1f} s" for m, s in info.build_seconds.items() if m != "clip")
        print(f"  build ({algorithm}, {'+'.join(modes)}): {build:.1f} s ({per_mode})")
        rng = np.random.default_rng(1)
        dem = grid(box, n_dem)
        cand = np.c_[rng.uniform(box[0], box[2], n_cand), rng.uniform(box[1], box[3], n_cand)]
        model = NetworkModel(info.path, "walk", speed_kmh=4.5, access_kmh=4.5, epsg=4326)
        t = time.perf_counter()
        m = model.minutes(dem, cand, budget)
        cold = time.perf_counter() - t
        t = time.perf_counter()
        m2 = NetworkModel(info.path, "walk", speed_kmh=4.5, access_kmh=4.5, epsg=4326).minutes(dem, cand, budget)
        warm = time.perf_counter() - t
        assert m2.nnz == m.nnz
        print(f"  walk matrix {len(dem):,} × {len(cand):,}, {budget:g} min: cold {cold:.1f} s, cached {warm:.2f} s, "
              f"{m.nnz:,} pairs within the budget, peak memory {peak_mb():,.0f} MB")


def demo() -> None:
    from sozialraum.access.store_adapter import (
        coverage_for_store,
        fca_for_store,
        load_demand,
    )
    from sozialraum.demo import build_demo_db
    from sozialraum.network.warm import warm_store
    from sozialraum.settings import resolve
    from sozialraum.store import connect, read

    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        build_demo_db(Path(tmp) / "demo.duckdb")
        print(f"  demo build (with its street network): {time.perf_counter() - t:.1f} s")
        con = connect(Path(tmp) / "demo.duckdb", read_only=True)
        level = "ms_planungsraum"
        period = read.periods(con, indicator="rlb", level=level)[-1]
        s = resolve({})
        dem = load_demand(con, level, period, "rlb", spacing_m=s["demand_grid_m"], threshold=s["suppression_threshold"])

        def page(mode, budget):
            t = time.perf_counter()
            coverage_for_store(con, level, period, "rlb", budget_min=budget, settings={"travel_mode": mode}, demand=dem)
            fca_for_store(con, level, period, "rlb", service_types=["kita"], budget_min=budget,
                          settings={"travel_mode": mode}, demand=dem, scale=100.0)
            return time.perf_counter() - t

        for mode in ("walk", "bike", "car"):
            print(f"  Angebote coverage + 2SFCA, {mode} 15 min, cold (no pre-computation): {page(mode, 15):.1f} s")
        for old in (Path(tmp) / "demo.network" / "matrices").glob("*.np[yz]"):
            old.unlink()
        t = time.perf_counter()
        done = warm_store(con)
        print(f"  pre-computation (background in the app): {time.perf_counter() - t:.1f} s "
              f"({', '.join(f'{m} {v:.1f} s' for m, v in done.items())})")
        worst = max(page(mode, budget) for mode in ("walk", "bike", "car") for budget in (5, 15, 30, 60))
        print(f"  redraw after a change of mode or budget (12 combinations), slowest: {worst:.2f} s")
        con.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    root = Path(__file__).resolve().parents[1]
    ap.add_argument("--reference", type=Path, default=root.parent / "shared" / "reference")
    ap.add_argument("--algorithms", default="MLD,CH")
    ap.add_argument("--demand", type=int, default=22_000)
    ap.add_argument("--cand", type=int, default=600)
    ap.add_argument("--budget", type=float, default=15.0)
    ap.add_argument("--clips", default="north-bayreuth,lauf-an-der-pegnitz")
    ap.add_argument("--demo", action="store_true", help="only the Musterstadt page figures")
    args = ap.parse_args()
    if args.demo:
        print("Musterstadt:")
        demo()
        return
    clips = args.reference / "osm-germany-clips"
    if not clips.is_dir():
        sys.exit(f"reference clips not found at {clips} (use --reference DIR)")
    for name in args.clips.split(","):
        print(f"{name}:")
        for algorithm in args.algorithms.split(","):
            modes = ("walk", "bike", "car") if algorithm == "MLD" else ("walk",)
            run(clips / f"{name}.osm.pbf", CLIPS[name], algorithm, args.demand, args.cand, args.budget, modes)


if __name__ == "__main__":
    main()
