"""Benchmark: the generated demo networks — Musterstadt's streets and GTFS, the Musterkreis's roads and bus feed —
how long generating and writing them takes, how big they are, and how long OSRM's own tools take to build foot and
car networks from them.

Run: ``.venv/bin/python bench/bench_demo_networks.py [--seed 2024]``. Prints figures (wall and CPU seconds;
the machine may be shared); asserts nothing.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
import time
from pathlib import Path


def timed(label: str, fn):
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    print(f"{label:<48} {time.perf_counter() - wall:6.2f} s wall {time.process_time() - cpu:6.2f} s CPU")
    return out


def estate_reach(seed: int, base: Path, walk_kmh: float = 4.8, minutes: float = 15.0, detour: float = 1.3) -> None:
    """What a 15-minute walk reaches from each estate's centre (and, for comparison, from the city centre):
    straight line × detour against OSRM's foot network — the street nodes and the providers inside the
    straight-line circle, and the share of them the network reaches in time."""
    import numpy as np
    import osrm

    from sozialraum.demo import generate
    from sozialraum.demo.network import build_network, city
    from sozialraum.demo.osm_lines import to_lonlat
    from sozialraum.demo.plan import ESTATE

    plan, layout = city(seed)
    net = build_network(plan, layout, seed)
    prov = generate(seed)[0].points["providers"]
    pxy = np.column_stack([prov.geometry.x, prov.geometry.y])
    engine = osrm.OSRM(storage_config=str(base), algorithm="MLD", use_shared_memory=False)
    reach_m = walk_kmh * 1000 * minutes / 60
    places = [(z.name, z.x, z.y) for z in plan.zones_of(ESTATE)] + [("Stadtmitte (Vergleich)", *plan.centre)]
    for name, x, y in places:
        row = []
        for targets in (net.xy, pxy):
            inside = targets[np.hypot(*(targets - [x, y]).T) * detour <= reach_m]
            lon, lat = to_lonlat(np.vstack([[x, y], inside]))
            res = engine.Table(osrm.TableParameters(coordinates=list(zip(lon.tolist(), lat.tolist())), sources=[0],
                                                    annotations=["distance"]))
            d = res["distances"][0]
            walk = np.array([float(d[i]) if d[i] is not None else np.inf for i in range(1, len(inside) + 1)])
            row.append((len(inside), int((walk <= reach_m).sum())))
        (n_all, n_net), (p_all, p_net) = row
        print(f"  {name:<24} {minutes:.0f} min walk: street nodes Luftlinie×{detour} {n_all:4d}, network {n_net:4d} "
              f"({n_net / max(n_all, 1):.0%}); providers {p_all:3d} → {p_net:3d}")


def osrm_build(pbf: Path, profile: str) -> None:
    import osrm

    pkg = Path(osrm.__file__).parent
    work = pbf.parent / profile
    work.mkdir(exist_ok=True)
    shutil.copy(pbf, work / pbf.name)
    base = work / pbf.name.replace(".osm.pbf", ".osrm")
    start = time.perf_counter()
    subprocess.run([str(pkg / "bin/osrm-extract"), "-p", str(pkg / f"share/profiles/{profile}.lua"),
                    str(work / pbf.name)], check=True, capture_output=True, cwd=work)
    for tool in ("osrm-partition", "osrm-customize"):
        subprocess.run([str(pkg / "bin" / tool), str(base)], check=True, capture_output=True, cwd=work)
    print(f"{'  OSRM extract+partition+customize (' + profile + ')':<48} {time.perf_counter() - start:6.2f} s wall")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=2024)
    seed = parser.parse_args().seed
    from sozialraum.demo import network
    from sozialraum.demo_kreis.build import GTFS_FILE, OSM_FILE, generate, write_network

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        facts = timed("Musterstadt: city + streets + GTFS written", lambda: network.write_demo_network(tmp / "ms", seed))
        for name in (network.OSM_FILE, network.GTFS_FILE):
            print(f"  {name:<46} {(tmp / 'ms' / name).stat().st_size / 1e6:6.2f} MB")
        print(f"  {facts['nodes']} street nodes, {facts['edges']} edges, {facts['km']} km; crossings "
              f"{facts['crossings']}; detour across the barriers {facts['detour_across_barrier']}; "
              f"{facts['lines']['lines']} lines, {facts['lines']['stops']} stops, {facts['lines']['trips']} trips")
        for profile in ("foot", "car"):
            osrm_build(tmp / "ms" / network.OSM_FILE, profile)
        estate_reach(seed, tmp / "ms" / "foot" / network.OSM_FILE.replace(".osm.pbf", ".osrm"))
        kreis = timed("Musterkreis: generate (store batch)", lambda: generate(seed))
        kfacts = timed("Musterkreis: roads + GTFS written", lambda: write_network(tmp / "mk", kreis))
        for name in (OSM_FILE, GTFS_FILE):
            print(f"  {name:<46} {(tmp / 'mk' / name).stat().st_size / 1e6:6.2f} MB")
        print(f"  {kreis.info['residents']} residents, {kreis.info['levels']}; {kfacts['nodes']} road nodes, "
              f"{kfacts['km']} km; bus {kfacts['bus']}")
        for profile in ("foot", "car"):
            osrm_build(tmp / "mk" / OSM_FILE, profile)


if __name__ == "__main__":
    main()
