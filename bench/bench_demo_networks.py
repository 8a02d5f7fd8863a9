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
