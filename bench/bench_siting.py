"""Benchmark: our sparse HiGHS models vs. spopt (the reference) — same optimum, and how long each takes.

Run:  .venv/bin/python bench/bench_siting.py [--big-demand 5000 --big-cand 600 --spopt-pmedian-sizes 400x50,800x100]

1. Same instances: random points, MCLP / p-median / LSCP solved by both; the optimal objectives must match.
2. Big instance (default 5,000 demand points × 600 candidates, uniform in 12 × 12 km, 15 min walk): MCLP by
   both (skip with --only-pmedian); p-median by us (Lagrangian bound and start, then refined from the 25
   nearest candidates per point, with a time cap, default 30 s; status, lower bound and proven gap printed) and by spopt only at smaller sizes (its p-median model is dense: demand × candidates
   assignment variables), timed and extrapolated linearly in the number of assignment variables — an
   optimistic estimate for spopt, stated as such in the output.
3. Berlin (``--berlin``, on by default when ../shared/reference exists): the store from ``recipes/berlin.toml``
   (built into /tmp/berlin.duckdb when missing), target group ``ew_gesamt`` 2024, 200 m demand grid, 15 min walk,
   k = 8 new sites beside the 14 fixed Jobcenter sites, k-curve to 8. Each plan runs as its own process
   (``sozialraum site --db …``), so the figures are the whole process: wall time and CPU time (the machine may be
   shared; CPU time is what the plan itself costs; the load average is printed beside the figures). The p-median
   plan includes the exact p-median for every k = 0…8 (the k-curve's mean travel time). Then, in this process:
   p-median k = 8 from a cold start and the warm-started p-median curve k = 0…8, each with its proven gap.
   spopt gets the same MCLP and p-median instances (dense 22,265 × 554 minutes, k = 8 with the Jobcenters
   predefined) in child processes with a time cap (``--spopt-timeout``; the p-median child also at 4 GB address
   space, since PuLP builds one Python object per assignment variable) and, in any case, random subsamples of the
   demand points (``--spopt-sample``, ``--spopt-pmedian-sample``) where ours and spopt are timed side by side.
spopt is run with PuLP's HiGHS interface, so the difference is the model building, not the solver engine.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
warnings.filterwarnings("ignore")

from sozialraum.access.travel import WalkingModel  # noqa: E402
from sozialraum.siting.models import solve_lscp, solve_mclp, solve_pmedian_refined  # noqa: E402

WALK = WalkingModel(detour=1.3, speed_kmh=4.5)


def instance(seed, n_dem, n_cand, side_m):
    rng = np.random.default_rng(seed)
    dem = rng.uniform(0, side_m, size=(n_dem, 2))
    cand = rng.uniform(0, side_m, size=(n_cand, 2))
    w = rng.integers(1, 100, size=n_dem).astype(float)
    return dem, cand, w


def dense_minutes(dem, cand):
    return WALK.to_minutes(np.hypot(dem[:, None, 0] - cand[None, :, 0], dem[:, None, 1] - cand[None, :, 1]))


def spopt_solver():
    import pulp

    return pulp.HiGHS(msg=False, timeLimit=600)


def spopt_mclp(dense, w, budget, p):
    from spopt.locate import MCLP

    t0 = time.perf_counter()
    m = MCLP.from_cost_matrix(dense, w, budget, p_facilities=p)
    t1 = time.perf_counter()
    m.solve(spopt_solver())
    t2 = time.perf_counter()
    sel = [j for j, v in enumerate(m.fac_vars) if v.value() > 0.5]
    return float(w[(dense[:, sel] <= budget).any(axis=1)].sum()), t1 - t0, t2 - t1


def spopt_pmedian(dense, w, p):
    import pulp
    from spopt.locate import PMedian

    t0 = time.perf_counter()
    m = PMedian.from_cost_matrix(dense, w, p_facilities=p)
    t1 = time.perf_counter()
    m.solve(spopt_solver())
    t2 = time.perf_counter()
    return float(pulp.value(m.problem.objective)), t1 - t0, t2 - t1


def spopt_lscp(dense, budget):
    from spopt.locate import LSCP

    t0 = time.perf_counter()
    m = LSCP.from_cost_matrix(dense, budget)
    m.solve(spopt_solver())
    return sum(v.value() > 0.5 for v in m.fac_vars), time.perf_counter() - t0


def timed(fn, *a, **kw):
    t0 = time.perf_counter()
    out = fn(*a, **kw)
    return out, time.perf_counter() - t0


def _word(same: bool) -> str:
    return "gleich" if same else "ABWEICHUNG"


def same_instances():
    print("== 1. Gleiche Instanzen: gleiches Optimum? ==")
    ok = True
    for seed, (n, m, side, budget, k) in enumerate([(300, 40, 5000, 12.0, 4), (500, 60, 6000, 12.0, 6),
                                                    (800, 80, 8000, 15.0, 8)]):
        dem, cand, w = instance(seed, n, m, side)
        dense = dense_minutes(dem, cand)
        cover = WALK.minutes(dem, cand, budget)
        ours = solve_mclp(cover, w, k, time_limit=120)
        ref, _, _ = spopt_mclp(dense, w, budget, k)
        same = abs(ours.objective - ref) <= 1e-6 * max(1, ref)
        ok &= same
        print(f"MCLP     {n:4d}×{m:3d} k={k}: ours {ours.objective:12.1f}  spopt {ref:12.1f}  {_word(same)}")
        pm = solve_pmedian_refined(WALK, dem, cand, w, k, nearest=25, time_limit=120)
        ref, _, _ = spopt_pmedian(dense, w, k)
        same = abs(pm.objective - ref) <= 1e-6 * max(1, ref)
        ok &= same
        print(f"p-Median {n:4d}×{m:3d} k={k}: ours {pm.objective:12.1f}  spopt {ref:12.1f}  {_word(same)}")
        try:
            ls = solve_lscp(WALK.minutes(dem, cand, 3.5 * budget), time_limit=120)
            ref_n, _ = spopt_lscp(dense, 3.5 * budget)
            same = ls.objective == ref_n
            ok &= same
            print(f"LSCP     {n:4d}×{m:3d}    : ours {ls.objective:12.0f}  spopt {ref_n:12.0f}  {_word(same)}")
        except Exception as exc:  # an uncoverable point: both would fail
            print(f"LSCP     {n:4d}×{m:3d}    : unlösbar ({exc})")
    print("Ergebnis:", "alle Optima gleich" if ok else "ABWEICHUNGEN gefunden")
    return ok


def big(n_dem, n_cand, side, budget, k, spopt_sizes, pm_limit, only_pmedian=False):
    print(f"\n== 2. Groß: {n_dem} Nachfragepunkte × {n_cand} Kandidaten, {budget:g} min, k = {k} ==")
    dem, cand, w = instance(42, n_dem, n_cand, side)
    if not only_pmedian:
        big_mclp(dem, cand, w, budget, k)
    big_pmedian(dem, cand, w, side, k, spopt_sizes, pm_limit)


def big_mclp(dem, cand, w, budget, k):
    n_dem = len(dem)
    cover, t_cover = timed(WALK.minutes, dem, cand, budget)
    print(f"Erreichbarkeit (KD-Baum, dünn): {t_cover:.2f} s, {cover.nnz} Paare "
          f"({cover.nnz / n_dem:.1f} je Nachfragepunkt)")
    ours, t_ours = timed(solve_mclp, cover, w, k, time_limit=300)
    print(f"MCLP ours : {t_ours:7.2f} s gesamt (HiGHS {ours.solve_seconds:.2f} s), Abdeckung {ours.objective:.1f}, "
          f"Status {ours.status}")
    dense, t_dense = timed(dense_minutes, dem, cand)
    ref, t_build, t_solve = spopt_mclp(dense, w, budget, k)
    t_ref = t_dense + t_build + t_solve
    print(f"MCLP spopt: {t_ref:7.2f} s gesamt (Matrix {t_dense:.2f} s, Modellaufbau {t_build:.2f} s, "
          f"Lösen {t_solve:.2f} s), Abdeckung {ref:.1f}")
    print(f"MCLP: gleiches Optimum: {abs(ref - ours.objective) <= 1e-6 * ref};  spopt/ours = {t_ref / t_ours:.1f}×")


def big_pmedian(dem, cand, w, side, k, spopt_sizes, pm_limit):
    n_dem, n_cand = len(dem), len(cand)
    pm, t_pm = timed(solve_pmedian_refined, WALK, dem, cand, w, k, nearest=25, time_limit=pm_limit)
    print(f"p-Median ours (ab 25 nächsten, Lagrange-Schranke, verfeinert): {t_pm:7.2f} s gesamt, "
          f"Ziel {pm.objective:.1f}, untere Schranke {pm.bound:.1f}, Status {pm.status}, "
          f"nachgewiesene Lücke {pm.gap:.3%} (Zeitlimit {pm_limit:g} s)")
    per_var = []
    for n_s, m_s in spopt_sizes:
        d_s, c_s, w_s = instance(7, n_s, m_s, side * np.sqrt(n_s / n_dem))
        dn = dense_minutes(d_s, c_s)
        ref_s, tb, ts = spopt_pmedian(dn, w_s, k)
        ours_s, t_o = timed(solve_pmedian_refined, WALK, d_s, c_s, w_s, k, nearest=25, time_limit=300)
        per_var.append((tb + ts) / (n_s * m_s))
        print(f"p-Median spopt {n_s}×{m_s}: {tb + ts:7.2f} s (Aufbau {tb:.2f} s, Lösen {ts:.2f} s); ours "
              f"{t_o:.2f} s ({ours_s.status}); Ziel gleich: {abs(ref_s - ours_s.objective) <= 1e-6 * ref_s}; "
              f"spopt/ours = {(tb + ts) / t_o:.1f}×")
    if per_var:
        est = max(per_var) * n_dem * n_cand
        print(f"p-Median spopt {n_dem}×{n_cand}: NICHT gerechnet; linear hochgerechnet (Sekunden je "
              f"Zuordnungsvariable der größten Messung) ≈ {est:.0f} s (optimistisch).")
        print(f"p-Median: spopt (hochgerechnet) / ours ≈ {est / t_pm:.0f}×  "
              f"(ours: {pm.status}, Lücke {pm.gap:.2%})")


ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT.parent / "shared" / "reference"


def _berlin_db(path: Path) -> Path | None:
    import subprocess

    if path.exists():
        return path
    if not (REFERENCE / "README.md").exists():
        return None
    print(f"Berlin-Datenbank fehlt: baue {path} aus recipes/berlin.toml …", flush=True)
    subprocess.run([sys.executable, "-m", "sozialraum.cli", "recipe", str(ROOT / "recipes" / "berlin.toml"),
                    "--data-dir", str(REFERENCE), "--db", str(path)], check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)
    return path


def _child(args, timeout=None, memory_gb=None):
    """Run a child process; (stdout, wall seconds, CPU seconds of the child) — or None on timeout (or, with
    ``memory_gb``, when the child dies at that address-space cap; the machine is shared)."""
    import json
    import os
    import resource
    import subprocess

    def cap():
        if memory_gb:
            limit = int(memory_gb * 1024 ** 3)
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    try:
        out = subprocess.run(args, capture_output=True, text=True, timeout=timeout, cwd=ROOT, env=env, check=True,
                             preexec_fn=cap if memory_gb else None)
    except subprocess.TimeoutExpired:
        return None
    except subprocess.CalledProcessError:
        if memory_gb:
            return None
        raise
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    line = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else "{}"
    return json.loads(line), wall, cpu


def _load() -> str:
    import os

    one, five, fifteen = os.getloadavg()
    return f"Last {one:.1f} / {five:.1f} / {fifteen:.1f} (1/5/15 min) auf {os.cpu_count()} Kernen"


def berlin(db: Path, spopt_timeout: float, sample: int, pmedian_limit: float, pm_sample: int):
    print(f"\n== 3. Berlin ({db}; {_load()}) ==")
    base = [sys.executable, "-m", "sozialraum.cli", "site", "--db", str(db), "--level", "berlin_plr",
            "--target", "ew_gesamt", "--period", "2024", "--k", "8", "--budget", "15", "--out", "/tmp/bench_sites.csv"]
    for model, extra in (("mclp", []), ("pmedian", ["--time-limit", str(pmedian_limit)])):
        got, wall, cpu = _child(base + ["--model", model] + extra)
        t = got["timings"]
        print(f"{model:8s}: ganzer Prozess {wall:6.2f} s (CPU {cpu:5.2f} s); im Plan: Laden {t['load_s']:.2f} s, "
              f"Wege {t['reach_s']:.2f} s, k-Kurve {t['k_curve_s']:.2f} s, Modell {t['solve_s']:.2f} s, "
              f"Erklärung {t['explain_s']:.2f} s; Status {got['status']}, Lücke {got['gap']:.3%}; "
              f"k-Kurve {got['k_curve_status']} (größte Lücke {got['k_curve_max_gap']:.3%}); "
              f"{got['n_demand_points']} Nachfragepunkte → {got['n_model_rows']} Modellzeilen")
        if model == "pmedian":
            print(f"          p-Median-Kurve k = 0…8 im selben Prozess: {got.get('pmedian_curve_status')} "
                  f"(größte Lücke {got.get('pmedian_curve_max_gap', float('nan')):.2e}); mittlere Wege "
                  + ", ".join(f"{r['k']}: {r.get('mean_minutes')}" for r in got["k_curve"]) + " min")
    # MCLP first: once PuLP has run HiGHS in this process with its own thread setting, HiGHS's global scheduler
    # refuses our single-threaded solves ("Not Set"), so every in-process solve of ours comes before spopt's
    ours = pmedian_berlin(db, pm_sample)
    spopt_berlin(db, spopt_timeout, sample)
    spopt_pmedian_berlin(db, spopt_timeout, ours)


def pmedian_berlin(db: Path, sample: int) -> dict:
    """p-median k = 8 in this process (cold, then the warm-started curve k = 0…8), and on a subsample for spopt."""
    from sozialraum.siting.pmedian import candidate_lists, pmedian_curve

    travel, dxy, cxy, w, fixed = _berlin_instance(db)
    print(f"-- p-Median Berlin im Prozess ({_load()})")
    c0, t0 = time.process_time(), time.perf_counter()
    res = solve_pmedian_refined(travel, dxy, cxy, w, 8, fixed=fixed, nearest=25, time_limit=60)
    t_pm, c_pm = time.perf_counter() - t0, time.process_time() - c0
    print(f"p-Median k = 8 (kalt, mit Kandidatenlisten): {t_pm:.2f} s (CPU {c_pm:.2f} s), Ziel {res.objective:.1f}, "
          f"untere Schranke {res.bound:.1f}, Status {res.status}, nachgewiesene Lücke {res.gap:.2e}; "
          f"{res.extra['steps']} Subgradientenschritte, {res.extra['survivors']} Kandidaten nach der Elimination "
          f"({res.extra['how']})")
    c0, t0 = time.process_time(), time.perf_counter()
    lists = candidate_lists(travel, dxy, cxy, w, fixed, 25)
    curve = pmedian_curve(travel, dxy, cxy, w, range(9), fixed, lists=lists, time_limit=60)
    t_c, c_c = time.perf_counter() - t0, time.process_time() - c0
    print(f"p-Median-Kurve k = 0…8 (warm von k − 1): {t_c:.2f} s (CPU {c_c:.2f} s), "
          f"{lists.lists.nnz} gelistete Paare; je k: "
          + "; ".join(f"{k}: {r.gap:.0e} {r.extra['steps']} Schr." for k, r in curve.items()))
    rng = np.random.default_rng(5)
    pick = np.sort(rng.choice(len(dxy), size=min(sample, len(dxy)), replace=False))
    ours_s, t_s = timed(lambda: solve_pmedian_refined(travel, dxy[pick], cxy, w[pick], 8, fixed=fixed, nearest=25,
                                                      time_limit=60))
    return {"t_pm": t_pm, "pick": pick, "sample": ours_s, "t_sample": t_s}


def spopt_pmedian_berlin(db: Path, timeout: float, ours: dict):
    """spopt's p-median on the whole instance (time and memory cap) and on the subsample ``ours`` was solved on."""
    travel, dxy, cxy, w, fixed = _berlin_instance(db)
    t_pm, pick, ours_s, t_s = ours["t_pm"], ours["pick"], ours["sample"], ours["t_sample"]
    t0 = time.perf_counter()
    got = _child([sys.executable, str(Path(__file__).resolve()), "--spopt-pmedian-child", str(db)],
                 timeout=timeout, memory_gb=4)
    t_child = time.perf_counter() - t0
    if got is None:
        why = f"Zeitdeckel {timeout:g} s" if t_child >= 0.95 * timeout else f"4-GB-Speicherdeckel nach {t_child:.0f} s"
        print(f"p-Median spopt ganz Berlin ({len(dxy)} × {len(cxy)} = {len(dxy) * len(cxy):,} Zuordnungsvariablen): "
              f"abgebrochen ({why}) → spopt/ours > {t_child / t_pm:.0f}×")
    else:
        out, wall, cpu = got
        print(f"p-Median spopt ganz Berlin: {out['seconds']:.1f} s, Ziel {out['objective']:.1f}; ours {t_pm:.2f} s; "
              f"spopt/ours = {out['seconds'] / t_pm:.0f}×")
    d_s, w_s = dxy[pick], w[pick]
    dense = travel.to_minutes(np.hypot(d_s[:, None, 0] - cxy[None, :, 0], d_s[:, None, 1] - cxy[None, :, 1]))
    t0 = time.perf_counter()
    ref = _spopt_pmedian_fixed(dense, w_s, 8, fixed)
    t_ref = time.perf_counter() - t0
    same = abs(ref - ours_s.objective) <= 1e-6 * max(1.0, ref)
    print(f"p-Median Stichprobe {len(pick)} von {len(dxy)} Punkten × {len(cxy)} Kandidaten, k = 8: spopt "
          f"{t_ref:.2f} s, ours {t_s:.2f} s ({ours_s.status}); gleiches Optimum: {same}; spopt/ours = "
          f"{t_ref / t_s:.0f}×")


def _spopt_pmedian_fixed(dense, w, k, fixed):
    import pulp
    from spopt.locate import PMedian

    pre = np.zeros(dense.shape[1], dtype=bool)
    pre[fixed] = True
    m = PMedian.from_cost_matrix(dense, w, p_facilities=k + len(fixed), predefined_facilities_arr=pre)
    m.solve(spopt_solver())
    return float(pulp.value(m.problem.objective))


def _spopt_pmedian_child(db: str):
    """Child process: spopt p-median on the whole Berlin instance; prints one JSON line."""
    import json

    travel, dxy, cxy, w, fixed = _berlin_instance(Path(db))
    t0 = time.perf_counter()
    dense = travel.to_minutes(np.hypot(dxy[:, None, 0] - cxy[None, :, 0], dxy[:, None, 1] - cxy[None, :, 1]))
    value = _spopt_pmedian_fixed(dense, w, 8, fixed)
    print(json.dumps({"objective": value, "seconds": time.perf_counter() - t0}))


def _berlin_instance(db: Path):
    import duckdb

    from sozialraum.access.store_adapter import load_demand
    from sozialraum.access.travel import model_from_settings
    from sozialraum.siting.plan import _candidates

    con = duckdb.connect(str(db), read_only=True)
    _, demand = load_demand(con, "berlin_plr", "2024", "ew_gesamt", spacing_m=200.0)
    cands = _candidates(con, None, False, True)
    con.close()
    travel = model_from_settings(None)
    dxy = demand[["x", "y"]].to_numpy(dtype="float64")
    cxy = cands[["x", "y"]].to_numpy(dtype="float64")
    return travel, dxy, cxy, demand["weight"].to_numpy(dtype="float64"), np.flatnonzero(cands["fixed"].to_numpy())


def _spopt_mclp_fixed(dense, w, budget, k, fixed):
    from spopt.locate import MCLP

    pre = np.zeros(dense.shape[1], dtype=bool)
    pre[fixed] = True
    t0 = time.perf_counter()
    m = MCLP.from_cost_matrix(dense, w, budget, p_facilities=k + len(fixed), predefined_facilities_arr=pre)
    m.solve(spopt_solver())
    sel = [j for j, v in enumerate(m.fac_vars) if v.value() > 0.5]
    return float(w[(dense[:, sel] <= budget).any(axis=1)].sum()), time.perf_counter() - t0


def _spopt_full_child(db: str):
    """Child process: spopt MCLP on the whole Berlin instance; prints one JSON line."""
    import json

    travel, dxy, cxy, w, fixed = _berlin_instance(Path(db))
    t0 = time.perf_counter()
    dense = travel.to_minutes(np.hypot(dxy[:, None, 0] - cxy[None, :, 0], dxy[:, None, 1] - cxy[None, :, 1]))
    t_dense = time.perf_counter() - t0
    cov, t = _spopt_mclp_fixed(dense, w, 15.0, 8, fixed)
    print(json.dumps({"covered": cov, "seconds": t + t_dense}))


def spopt_berlin(db: Path, timeout: float, sample: int):
    from sozialraum.siting.models import solve_mclp

    travel, dxy, cxy, w, fixed = _berlin_instance(db)
    ours, t_ours = timed(lambda: solve_mclp(travel.minutes(dxy, cxy, 15.0), w, 8, fixed=fixed, time_limit=600))
    res = _child([sys.executable, str(Path(__file__).resolve()), "--spopt-full-child", str(db)], timeout=timeout)
    if res is None:
        print(f"MCLP spopt ganz Berlin ({len(dxy)} × {len(cxy)}): nach {timeout:g} s abgebrochen (Zeitdeckel); "
              f"ours {t_ours:.2f} s (nur das Modell k = 8) → spopt/ours > {timeout / t_ours:.0f}×")
    else:
        got, wall, cpu = res
        print(f"MCLP spopt ganz Berlin: {got['seconds']:.1f} s (Prozess {wall:.1f} s, CPU {cpu:.1f} s), Abdeckung "
              f"{got['covered']:.1f}; ours {t_ours:.2f} s, Abdeckung {ours.covered_weight:.1f}; gleich: "
              f"{abs(got['covered'] - ours.covered_weight) <= 1e-6 * ours.covered_weight}; "
              f"spopt/ours = {got['seconds'] / t_ours:.0f}×")
    rng = np.random.default_rng(11)
    pick = np.sort(rng.choice(len(dxy), size=min(sample, len(dxy)), replace=False))
    d_s, w_s = dxy[pick], w[pick]
    ours_s, t_s = timed(lambda: solve_mclp(travel.minutes(d_s, cxy, 15.0), w_s, 8, fixed=fixed, time_limit=600))
    t0 = time.perf_counter()
    dense = travel.to_minutes(np.hypot(d_s[:, None, 0] - cxy[None, :, 0], d_s[:, None, 1] - cxy[None, :, 1]))
    t_dense = time.perf_counter() - t0
    ref, t_ref = _spopt_mclp_fixed(dense, w_s, 15.0, 8, fixed)
    t_ref += t_dense  # spopt needs the dense matrix; ours builds its sparse one inside the timed call below
    print(f"MCLP Stichprobe {len(pick)} von {len(dxy)} Berliner Nachfragepunkten × {len(cxy)} Kandidaten, k = 8: "
          f"spopt {t_ref:.2f} s, ours {t_s:.2f} s, gleiche Abdeckung: "
          f"{abs(ref - ours_s.covered_weight) <= 1e-6 * max(1.0, ref)}; spopt/ours = {t_ref / t_s:.1f}×")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--big-demand", type=int, default=5000)
    ap.add_argument("--big-cand", type=int, default=600)
    ap.add_argument("--side-m", type=float, default=12000.0)
    ap.add_argument("--budget", type=float, default=15.0)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--spopt-pmedian-sizes", default="500x60,1000x120")
    ap.add_argument("--skip-same", action="store_true")
    ap.add_argument("--pmedian-time-limit", type=float, default=30.0)
    ap.add_argument("--only-pmedian", action="store_true", help="Teil 2 ohne MCLP (nur p-Median)")
    ap.add_argument("--skip-big", action="store_true", help="Teil 2 auslassen")
    ap.add_argument("--berlin", default="/tmp/berlin.duckdb", help="Berlin-Datenbank (Teil 3; 'none' = aus)")
    ap.add_argument("--spopt-timeout", type=float, default=300.0, help="Zeitdeckel für spopt auf ganz Berlin (s)")
    ap.add_argument("--spopt-sample", type=int, default=3000, help="Stichprobe für spopt neben ours")
    ap.add_argument("--berlin-pmedian-limit", type=float, default=30.0, help="Zeitlimit p-Median Berlin (s)")
    ap.add_argument("--spopt-pmedian-sample", type=int, default=400, help="Stichprobe für spopts p-Median")
    ap.add_argument("--spopt-full-child", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--spopt-pmedian-child", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.spopt_full_child:
        _spopt_full_child(args.spopt_full_child)
        return
    if args.spopt_pmedian_child:
        _spopt_pmedian_child(args.spopt_pmedian_child)
        return
    sizes = [tuple(int(v) for v in s.split("x")) for s in args.spopt_pmedian_sizes.split(",") if s]
    if not args.skip_same:
        same_instances()
    if not args.skip_big:
        big(args.big_demand, args.big_cand, args.side_m, args.budget, args.k, sizes, args.pmedian_time_limit,
            args.only_pmedian)
    if args.berlin != "none":
        db = _berlin_db(Path(args.berlin))
        if db is None:
            print("\n== 3. Berlin: ../shared/reference fehlt, übersprungen ==")
        else:
            berlin(db, args.spopt_timeout, args.spopt_sample, args.berlin_pmedian_limit, args.spopt_pmedian_sample)


if __name__ == "__main__":
    main()
