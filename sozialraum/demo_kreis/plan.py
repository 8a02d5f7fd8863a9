"""The plan of the Musterkreis: outline, valleys, two towns and the villages, with their sizes.

A main valley crosses the Kreis; three side valleys branch off it towards the border. The Kreisstadt sits where
the first side valley joins, the second town further along the main valley. Villages line the valleys every two
kilometres or so; smaller villages lie on the uplands between them; three valley villages are former industrial
places (bigger, more transfer receipt). Coordinates are metres in EPSG:25832 around a fictional centre.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sozialraum.demo.plan import harmonic_outline, harmonic_radius

EPSG = 25832
CENTRE = (604_000.0, 5_612_000.0)  # fictional, in the hills of central Germany
MEAN_RADIUS_M = 18_500.0
TOWN_PARTS = (("Mitte", 0.0, 0.0), ("Nord", 0.0, 1300.0), ("Süd", 0.0, -1300.0), ("West", -1400.0, 0.0),
              ("Ost", 1400.0, 0.0))


@dataclass(frozen=True)
class Settlement:
    name: str
    x: float
    y: float
    kind: str  # town | village | upland
    town: int  # 0 or 1 for the parts of the two towns, -1 otherwise
    valley: int  # index of the valley it lies in, -1 on the uplands
    industrial: bool
    residents: int


@dataclass(frozen=True)
class KreisPlan:
    centre: tuple[float, float]
    harmonics: tuple[tuple[int, float, float], ...]
    valleys: tuple[np.ndarray, ...]  # polylines (m, 2); valley 0 is the main valley
    settlements: tuple[Settlement, ...]
    town_names: tuple[str, str]

    def radius_at(self, theta):
        return harmonic_radius(theta, self.harmonics, MEAN_RADIUS_M)

    def outline(self, n: int = 720):
        return harmonic_outline(self.centre, self.radius_at, n)

    def density(self, x, y):
        """A smooth field that makes the Voronoi blocks a little finer in and around the settlements."""
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        out = np.full(x.shape, 20.0)
        for s in self.settlements:
            sigma = 900.0 if s.kind == "town" else 450.0
            out = out + 2.0 * s.residents / (2 * np.pi * (sigma / 1000) ** 2) * \
                np.exp(-((x - s.x) ** 2 + (y - s.y) ** 2) / (2 * sigma**2))
        return out

    def inside(self, x, y) -> np.ndarray:
        dx, dy = np.asarray(x) - self.centre[0], np.asarray(y) - self.centre[1]
        return np.hypot(dx, dy) < self.radius_at(np.arctan2(dy, dx))


def _outline_harmonics(rng) -> tuple[tuple[int, float, float], ...]:
    h = tuple((k, float(rng.uniform(0.04, 0.11) * (2.0 / k) ** 0.7), float(rng.uniform(0, 2 * np.pi)))
              for k in range(2, 7))
    return h + tuple((k, float(rng.uniform(0.004, 0.02) * (7.0 / k) ** 0.5), float(rng.uniform(0, 2 * np.pi)))
                     for k in range(7, 36))


def _valley(start, direction, length, rng, step=100.0) -> np.ndarray:
    """A meandering polyline from ``start`` along ``direction`` (radians)."""
    t = np.arange(0.0, length + step, step)
    u = np.array([np.cos(direction), np.sin(direction)])
    v = np.array([-u[1], u[0]])
    wobble = sum(a * np.sin(2 * np.pi * t / w + p) for a, w, p in
                 zip(rng.uniform(300, 900, 2), rng.uniform(6000, 15000, 2), rng.uniform(0, 2 * np.pi, 2)))
    wobble = wobble - wobble[0]
    return np.asarray(start) + np.outer(t, u) + np.outer(wobble, v)


def _clip(plan_stub: KreisPlan, line: np.ndarray) -> np.ndarray:
    keep = plan_stub.inside(line[:, 0], line[:, 1])
    if not keep.any():
        return line[:0]
    first = int(np.argmax(keep))
    last = first + int(np.argmin(keep[first:])) if not keep[first:].all() else len(line)
    return line[first:last]


def _arclength(line: np.ndarray) -> np.ndarray:
    return np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(line, axis=0).T))])


def _at(line: np.ndarray, s: float) -> np.ndarray:
    cum = _arclength(line)
    return np.array([np.interp(s, cum, line[:, 0]), np.interp(s, cum, line[:, 1])])


def make_plan(rng: np.random.Generator, names) -> KreisPlan:
    """Draw the Musterkreis. ``names`` yields fictional place names (``sozialraum.demo_kreis.names``)."""
    harmonics = _outline_harmonics(rng)
    stub = KreisPlan(CENTRE, harmonics, (), (), ("", ""))
    axis = rng.uniform(0, np.pi)
    reach = 2.2 * MEAN_RADIUS_M
    start = np.asarray(CENTRE) - reach / 2 * np.array([np.cos(axis), np.sin(axis)]) + \
        rng.uniform(-2500, 2500) * np.array([-np.sin(axis), np.cos(axis)])
    main = _clip(stub, _valley(start, axis, reach, rng))
    total = _arclength(main)[-1]
    valleys = [main]
    junctions = (0.32, 0.55, 0.78)
    for k, frac in enumerate(junctions):
        side = 1 if k % 2 == 0 else -1
        p = _at(main, frac * total)
        direction = axis + side * rng.uniform(0.7, 1.2)
        valleys.append(_clip(stub, _valley(p, direction, reach, rng)))
    towns_at = (_at(main, junctions[0] * total), _at(main, 0.68 * total))

    settlements: list[Settlement] = []
    town_names = (names.town(), names.town())
    for t, (tx, ty) in enumerate(towns_at):
        parts = TOWN_PARTS if t == 0 else TOWN_PARTS[:4]
        for part, dx, dy in parts:
            settlements.append(Settlement(f"{town_names[t]}-{part}", tx + dx + rng.uniform(-150, 150),
                                          ty + dy + rng.uniform(-150, 150), "town", t, 0, False, 0))
    town_xy = np.array(towns_at)
    for v, line in enumerate(valleys):
        bank = 1.0 if rng.uniform() < 0.5 else -1.0  # the villages of a valley keep to one bank of its river
        cum = _arclength(line)
        s = rng.uniform(600, 1500) if v == 0 else 1600.0
        while s < cum[-1] - 400:
            p = _at(line, s)
            d = _at(line, min(s + 50, cum[-1])) - p
            normal = np.array([-d[1], d[0]]) / max(np.hypot(*d), 1e-9)
            p = p + normal * bank * rng.uniform(250, 500)
            if np.hypot(*(town_xy - p).T).min() > 2600 and _far_enough(settlements, p, 1400):
                settlements.append(Settlement(names.village(), float(p[0]), float(p[1]), "village", -1, v,
                                              False, 0))
            s += rng.uniform(1700, 2600)
    xmin, ymin, xmax, ymax = stub.outline().bounds
    tries = 0
    while sum(s.kind == "upland" for s in settlements) < 46 and tries < 20_000:
        tries += 1
        p = np.array([rng.uniform(xmin, xmax), rng.uniform(ymin, ymax)])
        if not stub.inside(p[0], p[1]) or _valley_distance(valleys, p) < 1800:
            continue
        if _far_enough(settlements, p, 2300) and np.hypot(*(town_xy - p).T).min() > 3500:
            settlements.append(Settlement(names.village(), float(p[0]), float(p[1]), "upland", -1, -1, False, 0))
    settlements = _sizes(settlements, rng)
    return KreisPlan(CENTRE, harmonics, tuple(valleys), tuple(settlements), town_names)


def _far_enough(settlements, p, d) -> bool:
    return all(np.hypot(s.x - p[0], s.y - p[1]) >= d for s in settlements)


def _valley_distance(valleys, p) -> float:
    return float(min(np.hypot(*(line - p).T).min() for line in valleys if len(line)))


def _sizes(settlements: list[Settlement], rng) -> list[Settlement]:
    """Residents per settlement: towns ~24,000 and ~17,000 (split over their parts), valley villages larger than
    upland ones, three former industrial villages in the valleys; about 130,000 in all."""
    from sozialraum.demo.geometry import allocate

    total = int(rng.integers(128_000, 134_000))
    towns = (int(rng.integers(23_000, 26_000)), int(rng.integers(16_000, 18_500)))
    kinds = np.array([s.kind for s in settlements])
    valley_idx = np.flatnonzero(kinds == "village")
    industrial = set(rng.choice(valley_idx, size=3, replace=False).tolist())
    weight = np.where(kinds == "village", rng.lognormal(np.log(900), 0.55, len(settlements)),
                      rng.lognormal(np.log(380), 0.6, len(settlements)))
    weight[list(industrial)] *= 3.0
    rural = np.flatnonzero(kinds != "town")
    counts = np.zeros(len(settlements), dtype=int)
    counts[rural] = allocate(total - sum(towns), weight[rural], minimum=90)
    for t, size in enumerate(towns):
        parts = [i for i, s in enumerate(settlements) if s.town == t]
        share = np.array([2.2 if settlements[i].name.endswith("Mitte") else 1.0 for i in parts])
        counts[parts] = allocate(size, share * rng.uniform(0.8, 1.2, len(parts)), minimum=1000)
    return [Settlement(s.name, s.x, s.y, s.kind, s.town, s.valley, i in industrial, int(counts[i]))
            for i, s in enumerate(settlements)]
