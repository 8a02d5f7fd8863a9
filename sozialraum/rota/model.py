"""The mobile consultation rota as an exact covering model on plain arrays (pure core, HiGHS via highspy).

A session is a (venue, weekday, time slot). One mobile team leaves a main site by car, holds sessions one after
another and drives back; a village counts as served when its people can reach at least one session of the week
by bus or on foot at that time of day (``reach``, computed by the caller from bus availability). The model picks
the sessions that serve the most people of the target group within the team's days and hours.

Exact for this model (proven optimal by HiGHS unless the time limit is hit, then ``status='time_limit'``):

- per weekday a time-expanded route: nodes (venue, slot), an arc from one session to a later one only when the
  car gets there in the break (``slot_end + car_between <= next slot_start``), arcs from and back to the main
  site; flow conservation makes each used day one route, so the routing check per day is part of the model;
- the working time of a day (leaving the main site to coming back, driving and waiting included) is at most
  ``day_minutes``; at most ``staff_days`` days are used;
- a village is served if one chosen session reaches it (maximal covering on the people of the target group).

Ties, exactly too (a second solve): among rotas that serve the most people, the fewest sessions, then the least
driving. When every weekday offers the same sessions the days are
interchangeable; the model then holds only the first ``staff_days`` of them and fills them in weekday order
(symmetry breaking, no loss of optimality).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from sozialraum.errors import InputError

WEEKDAYS = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")
DRIVE_WEIGHT = 1e-4  # second stage: sessions first, then driving minutes (a week drives far less than 10,000)


@dataclass(frozen=True)
class RotaProblem:
    """Inputs of one rota, all plain arrays (n villages, m venues, D weekdays, T time slots).

    weights: (n,) people of the target group per village (safe weights: published counts or stand-ins).
    reach: bool (n, m, D, T) — village i reaches a session at venue v on day d in slot t (bus/walk there and
      back at that time of day); an (n, m, T) array is used for every day.
    slot_start, slot_end: (T,) minutes after midnight, increasing.
    car_out, car_back: (m,) car minutes from the main site to the venue and back.
    car_between: (m, m) car minutes between venues.
    day_minutes: longest working day of the team, driving and waiting included.
    staff_days: how many days a week the team is out (at most one team per day).
    venue_days: optional bool (m, D): the venue can host a session on that day.
    """

    weights: np.ndarray
    reach: np.ndarray
    slot_start: np.ndarray
    slot_end: np.ndarray
    car_out: np.ndarray
    car_back: np.ndarray
    car_between: np.ndarray
    day_minutes: float
    staff_days: int
    venue_days: np.ndarray | None = None


@dataclass(frozen=True)
class RotaResult:
    """sessions: (venue, day, slot) triples in day and time order; covered: bool (n,) villages served."""

    sessions: tuple[tuple[int, int, int], ...]
    covered: np.ndarray
    covered_weight: float
    total_weight: float
    days_used: tuple[int, ...]
    work_minutes: dict  # day → minutes from leaving the main site to coming back
    drive_minutes: dict  # day → car minutes
    status: str
    gap: float
    solve_seconds: float

    @property
    def covered_share(self) -> float:
        return self.covered_weight / self.total_weight if self.total_weight > 0 else 0.0


def _check(p: RotaProblem) -> tuple[np.ndarray, np.ndarray]:
    w = np.asarray(p.weights, dtype="float64")
    reach = np.asarray(p.reach, dtype=bool)
    n = len(w)
    start, end = np.asarray(p.slot_start, dtype="float64"), np.asarray(p.slot_end, dtype="float64")
    t_count = len(start)
    if reach.ndim == 3:
        days = p.venue_days.shape[1] if p.venue_days is not None else 5
        reach = np.repeat(reach[:, :, None, :], days, axis=2)
    if reach.ndim != 4 or reach.shape[0] != n or reach.shape[3] != t_count:
        raise InputError(f"Rota: Erreichbarkeit hat die Form {reach.shape}, erwartet (Orte, Standorte, Tage, "
                         f"Zeitfenster) = ({n}, m, D, {t_count}).")
    m = reach.shape[1]
    if len(end) != t_count or np.any(end <= start) or np.any(np.diff(start) <= 0):
        raise InputError("Rota: Zeitfenster müssen aufsteigend sein und jeweils nach ihrem Beginn enden.")
    for name, arr, shape in (("car_out", p.car_out, (m,)), ("car_back", p.car_back, (m,)),
                             ("car_between", p.car_between, (m, m))):
        a = np.asarray(arr, dtype="float64")
        if a.shape != shape or not np.all(np.isfinite(a)) or np.any(a < 0):
            raise InputError(f"Rota: Fahrzeiten {name} müssen die Form {shape} haben und ≥ 0 sein.")
    if np.any(~np.isfinite(w)) or np.any(w < 0):
        raise InputError("Rota: Gewichte der Orte müssen endlich und ≥ 0 sein.")
    if p.staff_days < 0 or p.day_minutes <= 0:
        raise InputError("Rota: Einsatztage ≥ 0 und Arbeitszeit je Tag > 0 sind nötig.")
    if p.venue_days is not None:
        vd = np.asarray(p.venue_days, dtype=bool)
        if vd.shape != reach.shape[1:3]:
            raise InputError(f"Rota: venue_days hat die Form {vd.shape}, erwartet {reach.shape[1:3]}.")
        reach = reach & vd[None, :, :, None]
    return w, reach


def solve_rota(problem: RotaProblem, *, time_limit: float = 30.0) -> RotaResult:
    """The rota that serves the most people (see the module docstring)."""
    from sozialraum.siting._highs import solve_mip

    w, reach = _check(problem)
    n, m, n_days, n_slots = reach.shape
    start = np.asarray(problem.slot_start, dtype="float64")
    end = np.asarray(problem.slot_end, dtype="float64")
    out = np.asarray(problem.car_out, dtype="float64")
    back = np.asarray(problem.car_back, dtype="float64")
    between = np.asarray(problem.car_between, dtype="float64")
    day_len = float(problem.day_minutes)
    total = float(w.sum())
    useful = w > 0
    # nodes: sessions that serve someone and fit into a day on their own
    nodes = [(v, d, t) for d in range(n_days) for t in range(n_slots) for v in range(m)
             if reach[useful, v, d, t].any() and out[v] + (end[t] - start[t]) + back[v] <= day_len]
    if not nodes or problem.staff_days == 0:
        return RotaResult((), np.zeros(n, dtype=bool), 0.0, total, (), {}, {}, "optimal", 0.0, 0.0)
    all_days = sorted({d for _, d, _ in nodes})
    symmetric = _days_identical(reach, nodes, all_days)
    if symmetric and problem.staff_days < len(all_days):  # interchangeable days: the first ones suffice
        keep_days = set(all_days[:problem.staff_days])
        nodes = [key for key in nodes if key[1] in keep_days]
    by_day: dict[int, list[int]] = {}
    for k, (_v, d, _t) in enumerate(nodes):
        by_day.setdefault(d, []).append(k)
    days = sorted(by_day)
    # columns: x (one per node), y (one per day), arcs, z (one per useful reachable village)
    n_x = len(nodes)
    y_col = {d: n_x + i for i, d in enumerate(days)}
    arcs: list[tuple[int, int, int, float, float]] = []  # (day, tail node or -1, head node or -1, drive, time)
    for d in days:
        ks = by_day[d]
        for k in ks:
            v, _, t = nodes[k]
            arcs.append((d, -1, k, out[v], start[t] - out[v]))  # from the main site: departure time
            arcs.append((d, k, -1, back[v], end[t] + back[v]))  # back to the main site: return time
        for k in ks:
            v, _, t = nodes[k]
            for k2 in ks:
                v2, _, t2 = nodes[k2]
                if t2 > t and end[t] + between[v, v2] <= start[t2]:
                    arcs.append((d, k, k2, between[v, v2], 0.0))
    a0 = n_x + len(days)
    # villages reached by the same sessions share one covering variable (their people summed): exact, smaller
    node_reach = np.array([reach[:, v, d, t] for v, d, t in nodes]).T  # (n, nodes)
    groups: dict[tuple[int, ...], float] = {}
    for i in np.flatnonzero(useful & node_reach.any(axis=1)):
        key = tuple(np.flatnonzero(node_reach[i]).tolist())
        groups[key] = groups.get(key, 0.0) + float(w[i])
    patterns, group_w = list(groups), np.array(list(groups.values()), dtype="float64")
    z0 = a0 + len(arcs)
    n_col = z0 + len(patterns)
    rows, cols, vals, lo, hi = [], [], [], [], []

    def row(entries, lower, upper):
        r = len(lo)
        for c, v in entries:
            rows.append(r)
            cols.append(c)
            vals.append(v)
        lo.append(lower)
        hi.append(upper)

    inflow: dict[int, list[int]] = {k: [] for k in range(n_x)}
    outflow: dict[int, list[int]] = {k: [] for k in range(n_x)}
    src: dict[int, list[int]] = {d: [] for d in days}
    snk: dict[int, list[int]] = {d: [] for d in days}
    for j, (d, tail, head, _drive, _time) in enumerate(arcs):
        c = a0 + j
        (src[d] if tail < 0 else outflow[tail]).append(c)
        (snk[d] if head < 0 else inflow[head]).append(c)
    for k in range(n_x):  # x = inflow = outflow
        row([(c, 1.0) for c in inflow[k]] + [(k, -1.0)], 0.0, 0.0)
        row([(c, 1.0) for c in outflow[k]] + [(k, -1.0)], 0.0, 0.0)
    for d in days:  # one route per used day, working time within the day
        row([(c, 1.0) for c in src[d]] + [(y_col[d], -1.0)], 0.0, 0.0)
        row([(c, 1.0) for c in snk[d]] + [(y_col[d], -1.0)], 0.0, 0.0)
        row([(c, arcs[c - a0][4]) for c in snk[d]] + [(c, -arcs[c - a0][4]) for c in src[d]], -np.inf, day_len)
    row([(y_col[d], 1.0) for d in days], 0.0, float(problem.staff_days))
    if symmetric:
        for d, d2 in itertools.pairwise(days):
            row([(y_col[d], 1.0), (y_col[d2], -1.0)], 0.0, np.inf)
    for q, pat in enumerate(patterns):  # z_g <= sessions that reach the villages of group g
        row([(z0 + q, 1.0)] + [(k, -1.0) for k in pat], -np.inf, 0.0)
    a = sparse.csc_matrix((vals, (rows, cols)), shape=(len(lo), n_col))
    upper, integer = np.ones(n_col), np.arange(z0)
    cost = np.zeros(n_col)
    cost[z0:] = group_w
    ans = solve_mip(a, cost, np.zeros(n_col), upper, np.array(lo), np.array(hi), integer, maximize=True,
                    time_limit=time_limit, what="Rota")
    status, gap, seconds = ans.status, ans.gap, ans.seconds
    if status == "optimal":  # second stage: keep the people served, fewest sessions, then least driving
        best = float(cost @ ans.x)
        keep = sparse.csr_matrix((group_w, (np.zeros(len(patterns), dtype=int), np.arange(z0, n_col))),
                                 shape=(1, n_col))
        a2 = sparse.vstack([a, keep]).tocsc()
        cost2 = np.zeros(n_col)
        cost2[:n_x] = 1.0
        cost2[a0:z0] = [DRIVE_WEIGHT * arc[3] for arc in arcs]
        second = solve_mip(a2, cost2, np.zeros(n_col), upper, np.append(lo, best - 1e-7 * max(1.0, abs(best))),
                           np.append(hi, np.inf), integer, maximize=False, time_limit=time_limit, start=ans.x,
                           what="Rota")
        ans, seconds = second, seconds + second.seconds
    x = ans.x
    chosen = [nodes[k] for k in range(n_x) if x[k] > 0.5]
    chosen.sort(key=lambda s: (s[1], s[2], s[0]))
    covered = np.zeros(n, dtype=bool)
    for v, d, t in chosen:
        covered |= reach[:, v, d, t] & useful
    used = tuple(sorted({d for _, d, _ in chosen}))
    work, drive = {}, {}
    for d in used:
        day_arcs = [arc for j, arc in enumerate(arcs) if arc[0] == d and x[a0 + j] > 0.5]
        drive[d] = float(sum(arc[3] for arc in day_arcs))
        work[d] = float(sum(arc[4] for arc in day_arcs if arc[2] < 0) - sum(arc[4] for arc in day_arcs if arc[1] < 0))
    return RotaResult(tuple(chosen), covered, float(w[covered].sum()), total, used, work, drive, status, gap,
                      seconds)


def _days_identical(reach: np.ndarray, nodes, days) -> bool:
    """Every used weekday offers the same sessions with the same reach (then days are interchangeable)."""
    if len(days) < 2:
        return False
    sets = {d: sorted((v, t) for v, dd, t in nodes if dd == d) for d in days}
    first = sets[days[0]]
    return all(sets[d] == first for d in days) and all(
        np.array_equal(reach[:, :, days[0], :], reach[:, :, d, :]) for d in days[1:])


def rota_k_curve(problem: RotaProblem, max_days: int | None = None, *, time_limit: float = 30.0,
                 results: dict | None = None) -> list[dict]:
    """The gain of each extra staff day: for 0 … ``max_days`` days (default: the problem's), the best rota's
    people served, share and what the extra day adds (each solved exactly on its own). ``results``: solved
    rotas by number of days to reuse (filled in with the new ones)."""
    from dataclasses import replace

    top = problem.staff_days if max_days is None else int(max_days)
    results = {} if results is None else results
    rows, prev = [], 0.0
    for s in range(top + 1):
        if s not in results:
            results[s] = solve_rota(replace(problem, staff_days=s), time_limit=time_limit)
        res = results[s]
        rows.append({"staff_days": s, "covered_weight": res.covered_weight, "covered_share": res.covered_share,
                     "added_weight": res.covered_weight - prev, "sessions": len(res.sessions), "status": res.status})
        prev = res.covered_weight
    return rows
