"""Travel models: who reaches what in how many minutes, as a sparse matrix (only pairs within the budget).

Two models share one interface, so any precomputed cost matrix (a routing engine, a transit model) can replace
the default without touching coverage or siting code:

* ``WalkingModel(detour, speed_kmh)``: straight-line distance in a metric CRS × detour factor, at walking speed.
  Pairs are found with a KD-tree, so nothing of size demand × sites is ever built densely.
* ``NetworkModel(network_dir, mode)``: minutes on a real street network (walk / bike / car) built with
  ``sozialraum.network.build_network`` from an OpenStreetMap extract; only pairs within the budget are computed
  and the matrices are cached beside the network.
* ``MatrixModel(matrix)``: a precomputed origin × target matrix of minutes (dense ndarray with NaN/inf for
  "unreachable", or a scipy sparse matrix in which a missing entry means "unreachable").

Both return ``scipy.sparse.csr_matrix`` of shape (origins, targets) holding minutes for every pair with
``minutes <= budget``. **Zero travel times**: a sparse matrix cannot tell a stored 0 from a missing entry (many
scipy operations silently drop explicit zeros), so a pair at distance 0 is stored as ``ZERO_MINUTES`` (1e-9
minutes). Every *stored* entry means "reachable"; use ``.indices``/``.indptr`` (the sparsity pattern), never
``value > 0``, to test reachability.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

ZERO_MINUTES = 1e-9  # stored instead of 0 so that a pair at distance 0 does not vanish from the sparse matrix


def _xy(points, what: str) -> np.ndarray:
    arr = np.asarray(points, dtype="float64")
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError(f"{what}: erwartet ein Feld von (x, y)-Koordinaten mit Form (n, 2), erhalten {arr.shape}")
    if len(arr) and not np.isfinite(arr).all():
        raise ValueError(f"{what}: Koordinaten enthalten fehlende oder unendliche Werte")
    return arr


def _keep_zeros(values: np.ndarray) -> np.ndarray:
    return np.where(values <= 0, ZERO_MINUTES, values)


@dataclass(frozen=True)
class WalkingModel:
    """Straight line × ``detour`` at ``speed_kmh``; coordinates in metres (a metric CRS)."""

    detour: float = 1.3
    speed_kmh: float = 4.5

    def __post_init__(self):
        if not self.detour >= 1.0:
            raise ValueError(f"Umwegfaktor muss mindestens 1 sein, erhalten {self.detour}")
        if not self.speed_kmh > 0:
            raise ValueError(f"Gehgeschwindigkeit muss positiv sein, erhalten {self.speed_kmh}")

    @property
    def label(self) -> str:
        return f"Luftlinie × {self.detour:.2f} bei {self.speed_kmh:.1f} km/h".replace(".", ",")

    @property
    def metres_per_minute(self) -> float:
        return self.speed_kmh * 1000.0 / 60.0

    def radius_m(self, budget_min: float) -> float:
        """Straight-line radius that corresponds to ``budget_min`` minutes."""
        return budget_min * self.metres_per_minute / self.detour

    def to_minutes(self, straight_m):
        return np.asarray(straight_m, dtype="float64") * self.detour / self.metres_per_minute

    def minutes(self, origins_xy, targets_xy, budget_min: float) -> sparse.csr_matrix:
        """Minutes for every origin–target pair within ``budget_min`` (sparse, see module doc on zeros)."""
        from scipy.spatial import cKDTree

        origins, targets = _xy(origins_xy, "Startpunkte"), _xy(targets_xy, "Ziele")
        shape = (len(origins), len(targets))
        if not len(origins) or not len(targets) or budget_min < 0:
            return sparse.csr_matrix(shape, dtype="float64")
        radius = self.radius_m(budget_min) * (1 + 1e-9)  # a pair exactly at the budget counts as reachable
        pairs = cKDTree(origins).sparse_distance_matrix(cKDTree(targets), radius, output_type="ndarray")
        # output_type="ndarray" keeps pairs at distance 0 (the dok/coo outputs drop them)
        rows, cols = pairs["i"].astype(np.int64), pairs["j"].astype(np.int64)
        return _dedupe(rows, cols, self.to_minutes(pairs["v"]), shape)

    def nearest(self, origins_xy, targets_xy, n: int, always=()) -> sparse.csr_matrix:
        """Minutes from each origin to its ``n`` nearest targets plus the targets in ``always`` (no budget)."""
        from scipy.spatial import cKDTree

        origins, targets = _xy(origins_xy, "Startpunkte"), _xy(targets_xy, "Ziele")
        shape = (len(origins), len(targets))
        if not len(origins) or not len(targets):
            return sparse.csr_matrix(shape, dtype="float64")
        n = int(min(max(n, 1), len(targets)))
        dist, idx = cKDTree(targets).query(origins, k=n)
        dist, idx = dist.reshape(len(origins), n), idx.reshape(len(origins), n)
        rows = np.repeat(np.arange(len(origins)), n)
        cols, values = idx.ravel(), self.to_minutes(dist.ravel())
        always = np.asarray(list(always), dtype=np.int64)
        if len(always):
            d = np.hypot(origins[:, None, 0] - targets[None, always, 0], origins[:, None, 1] - targets[None, always, 1])
            rows = np.concatenate([rows, np.repeat(np.arange(len(origins)), len(always))])
            cols = np.concatenate([cols, np.tile(always, len(origins))])
            values = np.concatenate([values, self.to_minutes(d.ravel())])
        return _dedupe(rows, cols, values, shape)


def _dedupe(rows, cols, values, shape) -> sparse.csr_matrix:
    """CSR from triplets where a duplicate (row, col) keeps one copy of its (identical) value."""
    order = np.lexsort((cols, rows))
    rows, cols, values = rows[order], cols[order], values[order]
    keep = np.ones(len(rows), dtype=bool)
    keep[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
    out = sparse.csr_matrix((_keep_zeros(values[keep]), (rows[keep], cols[keep])), shape=shape)
    out.sort_indices()
    return out


class MatrixModel:
    """A precomputed origin × target matrix of minutes (e.g. from a routing engine).

    ``origins`` and ``targets`` passed to ``minutes``/``nearest`` are row and column *indices* into the matrix
    (``None`` = all rows / all columns). Dense input: NaN or inf = unreachable. Sparse input: a missing entry =
    unreachable, a stored 0 is a real zero (kept as ``ZERO_MINUTES``).
    """

    def __init__(self, matrix):
        if sparse.issparse(matrix):
            m = sparse.csr_matrix(matrix, dtype="float64", copy=True)
            m.data = _keep_zeros(m.data)
            self._sparse, self._dense = m, None
        else:
            d = np.asarray(matrix, dtype="float64")
            if d.ndim != 2:
                raise ValueError(f"Kostenmatrix muss zweidimensional sein, erhalten Form {d.shape}")
            self._sparse, self._dense = None, np.where(np.isfinite(d), d, np.inf)
        if (self._dense is not None and (self._dense < 0).any()) or \
                (self._sparse is not None and (self._sparse.data < 0).any()):
            raise ValueError("Kostenmatrix enthält negative Reisezeiten")

    @property
    def shape(self) -> tuple[int, int]:
        return (self._dense if self._dense is not None else self._sparse).shape

    def _sub(self, origins, targets):
        rows = np.arange(self.shape[0]) if origins is None else np.asarray(origins, dtype=np.int64)
        cols = np.arange(self.shape[1]) if targets is None else np.asarray(targets, dtype=np.int64)
        if self._dense is not None:
            return self._dense[np.ix_(rows, cols)]
        return self._sparse[rows][:, cols].tocsr()

    def minutes(self, origins=None, targets=None, budget_min: float = np.inf) -> sparse.csr_matrix:
        sub = self._sub(origins, targets)
        if sparse.issparse(sub):
            sub = sub.tocoo()
            keep = sub.data <= budget_min
            out = sparse.csr_matrix((sub.data[keep], (sub.row[keep], sub.col[keep])), shape=sub.shape)
        else:
            r, c = np.nonzero(sub <= budget_min)
            out = sparse.csr_matrix((_keep_zeros(sub[r, c]), (r, c)), shape=sub.shape)
        out.sort_indices()
        return out

    def nearest(self, origins=None, targets=None, n: int = 25, always=()) -> sparse.csr_matrix:
        sub = self._sub(origins, targets)
        dense = sub.toarray() if sparse.issparse(sub) else sub
        if sparse.issparse(sub):
            dense = np.where(sub.toarray() == 0, np.inf, dense)  # missing = unreachable
        n = int(min(max(n, 1), dense.shape[1])) if dense.shape[1] else 0
        if not n or not dense.shape[0]:
            return sparse.csr_matrix(dense.shape, dtype="float64")
        idx = np.argpartition(dense, n - 1, axis=1)[:, :n]
        rows = np.repeat(np.arange(dense.shape[0]), n)
        cols = idx.ravel()
        always = np.asarray(list(always), dtype=np.int64)
        if len(always):
            rows = np.concatenate([rows, np.repeat(np.arange(dense.shape[0]), len(always))])
            cols = np.concatenate([cols, np.tile(always, dense.shape[0])])
        values = dense[rows, cols]
        ok = np.isfinite(values)
        return _dedupe(rows[ok], cols[ok], values[ok], dense.shape)


# Luftlinie speeds per mode (settings); the network model takes walk/bike speeds from them too
MODE_SPEED_SETTING = {"walk": "walking_speed_kmh", "bike": "cycling_speed_kmh", "car": "car_speed_kmh"}
MODE_LABELS = {"luftlinie": "Luftlinie", "walk": "zu Fuß", "bike": "Fahrrad", "car": "Auto", "transit": "ÖPNV"}
NEAREST_BUDGET_MIN = {"walk": 60.0, "bike": 45.0, "car": 30.0, "transit": 60.0}  # nearest(): how far the network search looks


class NetworkModel:
    """Minutes on a built street network (``sozialraum.network``) for ``mode`` walk / bike / car.

    Coordinates passed to ``minutes``/``nearest`` are in ``epsg`` (default: the store CRS recorded with the
    network; 4326 = lon/lat). ``speed_kmh`` rescales the walk/bike profile (None: the profile's own speed; the
    car keeps the road speeds of its profile). The way from a point to the street it is placed on is added at
    ``access_kmh``. Matrices are cached as ``.npz`` beside the network (key: network, mode, parameters, points).
    """

    def __init__(self, network_dir, mode: str, *, speed_kmh: float | None = None, access_kmh: float = 4.5,
                 epsg: int | None = None, cache: bool = True):
        from pathlib import Path

        from sozialraum.network.build import read_info
        from sozialraum.network.osrm_engine import PROFILE_SPEED_KMH

        self.network_dir = Path(network_dir)
        info = read_info(self.network_dir)
        if info is None:
            raise ValueError(f"Kein Straßennetz unter {self.network_dir}")
        if mode not in info.modes:
            raise ValueError(f"Das Netz unter {self.network_dir} enthält kein Verkehrsmittel {mode!r}")
        if speed_kmh is not None and not speed_kmh > 0:
            raise ValueError(f"Geschwindigkeit muss positiv sein, erhalten {speed_kmh}")
        self.info, self.mode, self.cache = info, mode, cache
        profile_speed = PROFILE_SPEED_KMH[mode]
        self.speed_kmh = float(speed_kmh) if (speed_kmh and profile_speed) else profile_speed
        self.scale = profile_speed / self.speed_kmh if profile_speed else 1.0
        self.access_kmh = float(access_kmh)
        self.epsg = int(epsg if epsg is not None else (info.epsg or 4326))

    @property
    def label(self) -> str:
        return f"Straßennetz ({MODE_LABELS[self.mode]})"

    @property
    def max_speed_kmh(self) -> float:
        """The fastest the mode can be on this network (straight-line minutes at it are a lower bound)."""
        from sozialraum.network.osrm_engine import PROFILE_MAX_SPEED_KMH

        return max(PROFILE_MAX_SPEED_KMH[self.mode] * self.scale, self.access_kmh)

    def radius_m(self, budget_min: float) -> None:
        """None: reach on a network is no circle (maps draw no straight-line circles for this model)."""
        return None

    def reach_bound_m(self, budget_min: float) -> float:
        """Upper bound of the straight-line reach within ``budget_min`` (nothing farther is reachable)."""
        return budget_min * self.max_speed_kmh * 1000.0 / 60.0

    def params(self) -> dict:
        return {"scale": round(self.scale, 9), "access_kmh": self.access_kmh, "epsg": self.epsg}

    def lonlat(self, xy) -> np.ndarray:
        arr = _xy(xy, "Punkte")
        if self.epsg == 4326 or not len(arr):
            return arr
        from pyproj import Transformer

        t = Transformer.from_crs(self.epsg, 4326, always_xy=True)
        lon, lat = t.transform(arr[:, 0], arr[:, 1])
        return np.c_[lon, lat]

    def _table(self):
        from sozialraum.network import osrm_engine

        eng = osrm_engine.open_engine(self.info.base(self.mode))
        return lambda src, dst: osrm_engine.table(eng, src, dst)

    def minutes(self, origins_xy, targets_xy, budget_min: float) -> sparse.csr_matrix:
        """Network minutes for every origin–target pair within ``budget_min`` (same structure as WalkingModel)."""
        from sozialraum.network import cache
        from sozialraum.network.matrix import budget_matrix

        origins, targets = _xy(origins_xy, "Startpunkte"), _xy(targets_xy, "Ziele")
        budget_min = float(budget_min)
        folder = self.network_dir / "matrices"
        family = cache.family_key(self.info.network_id, self.mode, self.params(), origins)
        if self.cache:  # these targets, or a superset of them (e.g. all providers, computed in advance)
            hit = cache.load_columns(folder, family, targets, budget_min)
            if hit is not None:
                return hit
        out = budget_matrix(self._table(), self.lonlat(origins), self.lonlat(targets), budget_min,
                            scale=self.scale, access_m_per_min=self.access_kmh * 1000.0 / 60.0,
                            max_m_per_min=self.max_speed_kmh * 1000.0 / 60.0)
        if self.cache:
            cache.save_columns(folder, family, targets, budget_min, out)
        return out

    def nearest(self, origins_xy, targets_xy, n: int, always=()) -> sparse.csr_matrix:
        """Minutes from each origin to its ``n`` nearest targets on the network plus the targets in ``always``
        (the search looks ``NEAREST_BUDGET_MIN`` minutes far; targets beyond that count as unreachable)."""
        full = self.minutes(origins_xy, targets_xy, NEAREST_BUDGET_MIN[self.mode]).tocsr()
        return NetworkModel._pick_nearest(full, n, always)

    @staticmethod
    def _pick_nearest(full, n: int, always=()) -> sparse.csr_matrix:
        full = sparse.csr_matrix(full)
        shape = full.shape
        if not shape[0] or not shape[1]:
            return full
        n = int(min(max(n, 1), shape[1]))
        always = {int(a) for a in always}
        rows, cols, vals = [], [], []
        for i in range(shape[0]):
            lo, hi = full.indptr[i], full.indptr[i + 1]
            idx, val = full.indices[lo:hi], full.data[lo:hi]
            pick = np.argsort(val, kind="stable")[:n]
            keep = set(pick.tolist()) | {j for j, c in enumerate(idx) if int(c) in always}
            keep = np.fromiter(sorted(keep), dtype=np.int64, count=len(keep))
            rows.append(np.full(len(keep), i))
            cols.append(idx[keep])
            vals.append(val[keep])
        if not rows:
            return sparse.csr_matrix(shape, dtype="float64")
        return _dedupe(np.concatenate(rows), np.concatenate(cols), np.concatenate(vals), shape)


WEEKDAYS = ("mo", "di", "mi", "do", "fr", "sa", "so")


def transit_departure(first_date: str | None, weekday: str, time_of_day: str) -> str:
    """ISO date-time of the first ``weekday`` (mo … so) on or after the feed's first day (YYYYMMDD), at
    ``time_of_day`` (HH:MM). Without a calendar: the week of 2 March 2026."""
    import datetime as dt

    start = dt.date(int(first_date[:4]), int(first_date[4:6]), int(first_date[6:8])) if first_date else \
        dt.date(2026, 3, 2)
    day = start + dt.timedelta(days=(WEEKDAYS.index(weekday) - start.weekday()) % 7)
    hh, mm = (int(v) for v in str(time_of_day).strip().split(":")[:2])
    if not (0 <= hh < 24 and 0 <= mm < 60):
        raise ValueError(f"Uhrzeit {time_of_day!r}: erwartet HH:MM")
    return f"{day.isoformat()}T{hh:02d}:{mm:02d}"


class TransitModel:
    """Public transport with walking to and from the stops (Valhalla multimodal on the network's GTFS).

    Valhalla gives no multimodal matrix; ``minutes`` reads reach off isochrones from each target (departing at
    ``depart``) in up to 4 steps of the budget, so minutes are the upper edge of the step (e.g. 15-minute budget:
    3.75 / 7.5 / 11.25 / 15). The trip is computed from the target outwards (same departure time), an
    approximation of the trip towards it.
    """

    STEPS = 4

    def __init__(self, network_dir, *, depart: str, max_walk_m: float = 800.0, epsg: int | None = None,
                 cache: bool = True):
        from pathlib import Path

        from sozialraum.network.build import read_info

        self.network_dir = Path(network_dir)
        info = read_info(self.network_dir)
        if info is None or "transit" not in info.modes:
            raise ValueError(f"Kein ÖPNV-Netz unter {self.network_dir}")
        self.info, self.mode, self.depart, self.max_walk_m = info, "transit", str(depart), float(max_walk_m)
        self.epsg = int(epsg if epsg is not None else (info.epsg or 4326))
        self.cache = cache

    @property
    def label(self) -> str:
        return f"ÖPNV ab {self.depart.replace('T', ' ')} (Isochronen, höchstens {self.max_walk_m:.0f} m zu Fuß)"

    def radius_m(self, budget_min: float) -> None:
        return None

    lonlat = NetworkModel.lonlat

    def minutes(self, origins_xy, targets_xy, budget_min: float) -> sparse.csr_matrix:
        import shapely

        from sozialraum.network import cache, valhalla_engine

        origins, targets = _xy(origins_xy, "Startpunkte"), _xy(targets_xy, "Ziele")
        shape = (len(origins), len(targets))
        budget_min = float(budget_min)
        if not len(origins) or not len(targets) or budget_min <= 0:
            return sparse.csr_matrix(shape, dtype="float64")
        params = {"depart": self.depart, "max_walk_m": self.max_walk_m, "epsg": self.epsg, "budget": budget_min}
        family = cache.family_key(self.info.network_id, "transit", params, origins)
        folder = self.network_dir / "matrices"
        if self.cache:  # each target's isochrones are its own: a superset's columns are exact (same budget)
            hit = cache.load_columns(folder, family, targets, budget_min)
            if hit is not None:
                return hit
        o_ll, t_ll = self.lonlat(origins), self.lonlat(targets)
        steps = [budget_min * (i + 1) / self.STEPS for i in range(self.STEPS)]
        act = valhalla_engine.actor(self.network_dir)
        best = np.full(shape, np.inf)
        for j in range(len(targets)):
            try:
                polys = valhalla_engine.isochrones(act, t_ll[j], steps, self.depart, self.max_walk_m)
            except RuntimeError:  # no street near the target: nothing reaches it
                continue
            for step in sorted(polys, reverse=True):
                inside = shapely.contains_xy(polys[step], o_ll[:, 0], o_ll[:, 1])
                best[inside, j] = step
        r, c = np.nonzero(np.isfinite(best))
        out = _dedupe(r, c, best[r, c], shape)
        if self.cache:
            cache.save_columns(folder, family, targets, budget_min, out)
        return out

    def nearest(self, origins_xy, targets_xy, n: int, always=()) -> sparse.csr_matrix:
        """The ``n`` nearest targets within 60 minutes by public transport (plus ``always``)."""
        full = self.minutes(origins_xy, targets_xy, 60.0)
        return NetworkModel._pick_nearest(full, n, always)


def travel_label(model) -> str:
    """How reach is measured, for captions and reports: "Luftlinie …" or "Straßennetz (…)"."""
    return getattr(model, "label", "Eigene Kostenmatrix")


def model_from_settings(values: dict | None = None, network_dir=None):
    """The travel model of the settings: on the store's network (``network_dir``, from
    ``sozialraum.network.store_network_dir(con)``) when one is built for the chosen mode, else the straight line
    ("Luftlinie") × detour factor at the mode's speed."""
    from sozialraum.settings import resolve

    s = resolve(values)
    mode = str(s["travel_mode"])
    walk = float(s["walking_speed_kmh"])
    if mode != "luftlinie" and network_dir is not None:
        from sozialraum.network.build import read_info

        info = read_info(network_dir)
        if info is not None and mode == "transit" and "transit" in info.modes:
            depart = transit_departure(info.transit_dates[0], str(s["transit_weekday"]), str(s["transit_depart"]))
            return TransitModel(network_dir, depart=depart, max_walk_m=float(s["transit_max_walk_m"]))
        if info is not None and mode in info.modes and mode != "transit":
            speed = float(s[MODE_SPEED_SETTING[mode]]) if mode in ("walk", "bike") else None
            return NetworkModel(network_dir, mode, speed_kmh=speed, access_kmh=walk)
    speed = float(s[MODE_SPEED_SETTING.get(mode, "walking_speed_kmh")])
    return WalkingModel(detour=float(s["detour_factor"]), speed_kmh=speed)
