"""The city plan of Musterstadt: outline, centre, special zones and the residential density field.

Everything is drawn from one ``numpy.random.Generator``; the same seed gives the same plan. Coordinates are
metres in EPSG:25832 around a fictional centre in central Germany.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

EPSG = 25832
CENTRE = (521_000.0, 5_597_000.0)  # a fictional place in the hills of central Germany
MEAN_RADIUS_M = 6_300.0

# Kinds of zones and what they do to the city.
ESTATE = "estate"  # Großwohnsiedlung: dense, high transfer receipt
HOT_INNER = "hot_inner"  # inner-city quarter with high transfer receipt
AFFLUENT = "affluent"  # villa quarter: sparse, low transfer receipt
EMPTY_KINDS = ("industrial", "forest", "allotments")  # almost nobody lives here


def harmonic_radius(theta, harmonics, mean_radius_m: float) -> np.ndarray:
    """Radius (m) of a wavy outline at polar angle ``theta``: the mean radius × (1 + Σ amp·cos(k·θ + phase)) over
    the ``(k, amplitude, phase)`` harmonics (the demo city's and the demo Kreis's outline)."""
    theta = np.asarray(theta, dtype=float)
    r = np.ones_like(theta)
    for k, amp, phase in harmonics:
        r = r + amp * np.cos(k * theta + phase)
    return mean_radius_m * r


def harmonic_outline(centre, radius_at, n: int = 720):
    """The outline polygon around ``centre`` with ``n`` vertices, radius from ``radius_at(theta)``."""
    from shapely.geometry import Polygon

    theta = np.linspace(0.0, 2 * np.pi, n, endpoint=False)
    r = radius_at(theta)
    cx, cy = centre
    return Polygon(np.column_stack([cx + r * np.cos(theta), cy + r * np.sin(theta)]))


@dataclass(frozen=True)
class Zone:
    kind: str
    name: str
    x: float
    y: float
    radius: float  # metres


@dataclass(frozen=True)
class CityPlan:
    centre: tuple[float, float]
    harmonics: tuple[tuple[int, float, float], ...]  # (k, amplitude, phase) of the outline radius
    zones: tuple[Zone, ...]
    bumps: np.ndarray  # (m, 4): x, y, sigma, amplitude of the smooth density noise
    target_population: int

    def radius_at(self, theta: np.ndarray) -> np.ndarray:
        """Outline radius (m) at polar angle ``theta`` (radians, counter-clockwise from east)."""
        return harmonic_radius(theta, self.harmonics, MEAN_RADIUS_M)

    def outline(self, n: int = 720):
        return harmonic_outline(self.centre, self.radius_at, n)

    def zones_of(self, *kinds: str) -> list[Zone]:
        return [z for z in self.zones if z.kind in kinds]

    def influence(self, kind: str | tuple[str, ...], x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Largest Gaussian weight exp(-(d/r)^2) of the zones of ``kind`` at the points (0 where there are none)."""
        kinds = (kind,) if isinstance(kind, str) else kind
        out = np.zeros(np.shape(x), dtype=float)
        for z in self.zones_of(*kinds):
            d2 = ((np.asarray(x) - z.x) ** 2 + (np.asarray(y) - z.y) ** 2) / z.radius**2
            out = np.maximum(out, np.exp(-d2))
        return out

    def density(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Residents per km² (before scaling to the target population)."""
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        cx, cy = self.centre
        dx, dy = x - cx, y - cy
        d_km = np.hypot(dx, dy) / 1000.0
        rel = np.hypot(dx, dy) / self.radius_at(np.arctan2(dy, dx))
        dens = 12_000 * np.exp(-((d_km / 1.5) ** 2)) + 4_200 * np.exp(-((d_km / 3.4) ** 2)) + 700
        dens = dens * np.clip((1.0 - rel) * 3.5, 0.12, 1.0)  # thinning towards the city limits
        for z in self.zones_of(ESTATE):
            dens = dens + 17_000 * np.exp(-(((x - z.x) ** 2 + (y - z.y) ** 2) / z.radius**2) ** 1.5)
        dens = dens * (1.0 - 0.45 * self.influence(AFFLUENT, x, y))
        empty = np.zeros_like(dens)
        for z in self.zones_of(*EMPTY_KINDS):
            empty = np.maximum(empty, np.exp(-((((x - z.x) ** 2 + (y - z.y) ** 2) / z.radius**2) ** 2)))
        dens = dens * (1.0 - 0.97 * empty)
        noise = np.zeros_like(dens)
        for bx, by, sigma, amp in self.bumps:
            noise = noise + amp * np.exp(-((x - bx) ** 2 + (y - by) ** 2) / (2 * sigma**2))
        return dens * np.exp(noise)


ESTATE_NAMES = ("Sonnenfeld", "Neue Heide", "Wiesenhöhe", "Am Lerchenhang")
AFFLUENT_NAMES = ("Rosenhöhe", "Am Hang")


def _polar(centre, theta, r):
    return centre[0] + r * np.cos(theta), centre[1] + r * np.sin(theta)


def make_plan(rng: np.random.Generator) -> CityPlan:
    """Draw outline, zones and density noise for one Musterstadt."""
    # broad lobes (k = 2..7) plus a ragged edge (k = 8..40) like real municipal boundaries
    harmonics = tuple((k, float(rng.uniform(0.035, 0.10) * (2.0 / k) ** 0.7), float(rng.uniform(0, 2 * np.pi)))
                      for k in range(2, 8))
    harmonics += tuple((k, float(rng.uniform(0.004, 0.018) * (8.0 / k) ** 0.5), float(rng.uniform(0, 2 * np.pi)))
                       for k in range(8, 41))
    plan0 = CityPlan(CENTRE, harmonics, (), np.zeros((0, 4)), 0)
    base = rng.uniform(0, 2 * np.pi)
    slot = [base + i * np.pi / 4 + rng.uniform(-0.12, 0.12) for i in range(8)]

    def at(i: int, frac: float) -> tuple[float, float]:
        return _polar(CENTRE, slot[i], frac * float(plan0.radius_at(slot[i])))

    zones: list[Zone] = []
    for name, i in zip(ESTATE_NAMES[:3], (0, 3, 5)):
        zones.append(Zone(ESTATE, name, *at(i, rng.uniform(0.62, 0.74)), radius=rng.uniform(620, 760)))
    for name, i in zip(AFFLUENT_NAMES, (1, 6)):
        zones.append(Zone(AFFLUENT, name, *at(i, rng.uniform(0.45, 0.58)), radius=rng.uniform(850, 1050)))
    zones.append(Zone("industrial", "Gewerbegebiet", *at(2, rng.uniform(0.80, 0.86)), radius=800))
    zones.append(Zone("industrial", "Industriegebiet Am Kanal", *at(4, rng.uniform(0.78, 0.84)), radius=700))
    zones.append(Zone("forest", "Stadtwald", *at(7, rng.uniform(0.84, 0.9)), radius=900))
    zones.append(Zone("allotments", "Kleingärten", *at(3, rng.uniform(0.38, 0.45)), radius=330))
    hot_theta = rng.uniform(0, 2 * np.pi)
    zones.append(Zone(HOT_INNER, "Bahnhofsviertel", *_polar(CENTRE, hot_theta, rng.uniform(1000, 1300)),
                      radius=520))

    m = 14
    bx, by = _polar(CENTRE, rng.uniform(0, 2 * np.pi, m), MEAN_RADIUS_M * np.sqrt(rng.uniform(0, 1, m)))
    bumps = np.column_stack([bx, by, rng.uniform(800, 2000, m), rng.normal(0, 0.25, m)])
    return CityPlan(CENTRE, harmonics, tuple(zones), bumps, int(rng.integers(272_000, 290_000)))
