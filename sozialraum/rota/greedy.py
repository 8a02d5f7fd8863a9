"""A quick feasible rota (heuristic, not exact): greedy sessions by marginal people served, then single swaps.

Used as the MIP start of ``sozialraum.rota.model.solve_rota`` so that HiGHS always holds an answer (and prunes
early); the exact model then proves it optimal or improves it. Works on the model's node list: ``nodes`` are
(venue, day, slot) triples, ``node_reach`` a bool (villages, nodes) array.
"""

from __future__ import annotations

import itertools

import numpy as np


def day_fits(route, start, end, out, back, between, day_len) -> bool:
    """Sessions (venue, slot) in slot order chain by car in the breaks and the day stays within ``day_len``."""
    if not route:
        return True
    for (v, t), (v2, t2) in itertools.pairwise(route):
        if t2 <= t or end[t] + between[v, v2] > start[t2]:
            return False
    (v0, t0), (v1, t1) = route[0], route[-1]
    return end[t1] + back[v1] - (start[t0] - out[v0]) <= day_len


def greedy_rota(nodes, node_reach, weights, staff_days, start, end, out, back, between, day_len,
                passes: int = 2) -> list[int]:
    """Indices into ``nodes`` of a feasible rota: at most ``staff_days`` days, each day one feasible route."""
    w = np.asarray(weights, dtype="float64")
    reach = np.asarray(node_reach, dtype=bool)
    routes: dict[int, list[tuple[int, int, int]]] = {}  # day -> [(venue, slot, node)] in slot order

    def fits(day_route):
        return day_fits([(v, t) for v, t, _ in day_route], start, end, out, back, between, day_len)

    def with_node(day_route, k):
        v, _, t = nodes[k]
        if any(tt == t for _, tt, _ in day_route):
            return None
        new = sorted([*day_route, (v, t, k)], key=lambda s: s[1])
        return new if fits(new) else None

    def covered_by(chosen):
        cov = np.zeros(len(w), dtype=bool)
        for k in chosen:
            cov |= reach[:, k]
        return cov

    chosen: list[int] = []
    covered = np.zeros(len(w), dtype=bool)
    while True:
        gains = w @ (reach & ~covered[:, None])
        done = False
        for k in np.argsort(-gains, kind="stable"):
            if gains[k] <= 0:
                done = True
                break
            d = nodes[k][1]
            if d not in routes and len(routes) >= staff_days:
                continue
            new = with_node(routes.get(d, []), int(k))
            if new is not None:
                routes[d] = new
                chosen.append(int(k))
                covered |= reach[:, k]
                break
        else:
            done = True
        if done:
            break
    # single swaps: replace one session by another of the same or an unused day when that serves more people
    for _ in range(passes):
        improved = False
        for k in chosen:  # the loop may rebind ``chosen``; it walks the list it started with
            rest = [c for c in chosen if c != k]
            base_cov = covered_by(rest)
            value = w[base_cov | reach[:, k]].sum()
            gains = w @ (reach & ~base_cov[:, None])
            d_old = nodes[k][1]
            left = [s for s in routes[d_old] if s[2] != k]
            for k2 in np.argsort(-gains, kind="stable"):
                if w[base_cov].sum() + gains[k2] <= value + 1e-9:
                    break
                d2 = nodes[k2][1]
                if d2 == d_old:
                    new = with_node(left, int(k2))
                elif d2 in routes:
                    new = with_node(routes[d2], int(k2))
                elif len(routes) - (1 if not left else 0) < staff_days:
                    new = with_node([], int(k2))
                else:
                    new = None
                if new is None:
                    continue
                if d2 != d_old:
                    if left:
                        routes[d_old] = left
                    else:
                        del routes[d_old]
                routes[d2] = new
                chosen = [*rest, int(k2)]
                improved = True
                break
        if not improved:
            break
    return sorted(chosen)
