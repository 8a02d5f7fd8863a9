"""What-if at the size of a city: how long one click takes (evaluate a hand-made selection) on a synthetic
Berlin-sized instance (22,000 demand points, 554 candidates + 14 fixed sites, 15 minutes on foot in a straight
line), and the first click with a new number of sites (the exact optimum for it: one MIP).

    python bench/bench_whatif.py
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd


def main() -> None:
    from sozialraum.access.travel import WalkingModel
    from sozialraum.siting.models import pattern
    from sozialraum.siting.whatif import WhatIfContext, apply_click, evaluate_view

    rng = np.random.default_rng(7)
    n_dem, n_cand, n_fixed = 22_000, 554, 14
    dxy = rng.uniform(0, 30_000, (n_dem, 2))
    cxy = rng.uniform(0, 30_000, (n_cand + n_fixed, 2))
    w = rng.gamma(1.5, 3.0, n_dem)
    travel = WalkingModel(1.3, 4.5)
    t0 = time.perf_counter()
    reach = travel.minutes(dxy, cxy, 15.0)
    ids = [f"jc{i}" for i in range(n_fixed)] + [f"v{i}" for i in range(n_cand)]
    cands = pd.DataFrame({"id": ids, "name": ids, "type": ["hauptsitz"] * n_fixed + ["bibliothek"] * n_cand,
                          "type_label": "", "lon": 0.0, "lat": 0.0, "x": cxy[:, 0], "y": cxy[:, 1],
                          "fixed": [True] * n_fixed + [False] * n_cand})
    demand = pd.DataFrame({"area_key": (dxy[:, 0] // 3000).astype(int).astype(str), "x": dxy[:, 0],
                           "y": dxy[:, 1], "weight": w})
    ctx = WhatIfContext({"budget_min": 15.0}, {}, cands, demand, travel, reach, pattern(reach), w,
                        np.arange(n_fixed), 30.0, 25833, (0.0, 0.0, 30_000.0, 30_000.0))
    print(f"reach matrix: {time.perf_counter() - t0:.2f} s ({reach.nnz:,} pairs)".replace(",", "."))
    sel = [f"v{i}" for i in range(8)]
    t0 = time.perf_counter()
    evaluate_view(ctx, sel)
    print(f"first evaluation with 8 new sites (incl. the exact optimum for k = 8): {time.perf_counter() - t0:.2f} s")
    times = []
    for i in range(8, 18):
        out = apply_click(sel, ctx.fixed_ids, ctx.ids, f"v{i}", "verschieben", sel[0])  # move site 1 around
        t0 = time.perf_counter()
        evaluate_view(ctx, out.selection)
        times.append(time.perf_counter() - t0)
    print(f"a click that moves a site (same k): median {np.median(times) * 1000:.0f} ms over {len(times)} clicks")
    t0 = time.perf_counter()
    evaluate_view(ctx, sel + ["v100"])
    print(f"a click that adds a site (new k = 9, one MIP): {time.perf_counter() - t0:.2f} s")


if __name__ == "__main__":
    main()
