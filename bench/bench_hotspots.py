"""Gi* and local Moran's I on Berlin's 542 Planungsräume (MSS 2021 values); prints seconds.

Geometry from ../shared/reference/berlin-lor-2021/lor_planungsraeume_2021.geojson (EPSG:4326, reprojected to
EPSG:25833), values S1/S3/S4 from the MSS 2021 index indicators (-9999 = no value). Run:

    .venv/bin/python bench/bench_hotspots.py [--permutations 999] [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REFERENCE = Path(__file__).resolve().parents[1].parent / "shared" / "reference"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--permutations", type=int, default=999)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not REFERENCE.is_dir():
        print(f"reference data not found at {REFERENCE}; nothing to measure")
        return 0

    t0 = time.perf_counter()
    import geopandas as gpd
    import numpy as np
    import pandas as pd

    from sozialraum.analysis import hotspots

    import esda  # noqa: F401 - imported here so that import time is measured separately
    import libpysal  # noqa: F401
    t_import = time.perf_counter() - t0

    t0 = time.perf_counter()
    gdf = gpd.read_file(REFERENCE / "berlin-lor-2021" / "lor_planungsraeume_2021.geojson").to_crs(25833)
    mss = pd.read_csv(REFERENCE / "berlin-mss-2021" / "mss2021_indexindikatoren_plr.csv", dtype={"PLR_ID": str})
    mss = mss.replace(-9999, np.nan)
    gdf = gdf.merge(mss[["PLR_ID", "S1", "S3", "S4"]], on="PLR_ID", how="left").rename(columns={"PLR_ID": "area_key"})
    t_read = time.perf_counter() - t0
    print(f"{len(gdf)} Planungsräume; imports {t_import:.2f} s, reading + reprojecting {t_read:.2f} s")

    t0 = time.perf_counter()
    neighbours = hotspots.neighbours_from_geometry(gdf)
    t_w = time.perf_counter() - t0
    n_nb = np.array([len(x) for x in neighbours])
    print(f"Queen neighbours: {t_w:.3f} s (mean {n_nb.mean():.1f}, min {n_nb.min()}, islands {(n_nb == 0).sum()})")

    for column in ("S1", "S3", "S4"):
        for name, core in (("Gi*", hotspots.gi_star_core), ("Moran_Local", hotspots.local_moran_core)):
            times = []
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                out = core(gdf[column].to_numpy(dtype=float), neighbours, permutations=args.permutations)
                times.append(time.perf_counter() - t0)
            labels = out["label"].value_counts().to_dict()
            print(f"{column} {name:12s} {args.permutations} permutations: best {min(times):.3f} s, "
                  f"mean {sum(times) / len(times):.3f} s  {labels}")
    for name, run in (("gi_star", hotspots.gi_star), ("local_moran", hotspots.local_moran)):
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            run(gdf, "S4", permutations=args.permutations)
            times.append(time.perf_counter() - t0)
        print(f"{name}(gdf) end to end incl. Queen neighbours: best {min(times):.3f} s, "
              f"mean {sum(times) / len(times):.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
