"""OSRM, the routing engine: its build tools (inside the ``osrm-bindings`` wheel) and its in-process Table service.

Nothing here knows about stores or settings: paths and plain arrays in, arrays of seconds/metres out.
"""

from __future__ import annotations

import functools
import subprocess
from pathlib import Path

import numpy as np

from sozialraum.errors import InputError

# OSRM's Lua profile per travel mode and the speed (km/h) that profile assumes on ordinary ways; durations are
# rescaled from it to the speed chosen in the settings (walk, bike). The car keeps the profile's road speeds.
PROFILES = {"walk": "foot", "bike": "bicycle", "car": "car"}
PROFILE_SPEED_KMH = {"walk": 5.0, "bike": 15.0, "car": None}
PROFILE_MAX_SPEED_KMH = {"walk": 5.0, "bike": 21.0, "car": 160.0}  # fastest speed a profile can give a way


def package_dir() -> Path:
    try:
        import osrm
    except ImportError as exc:  # pragma: no cover - the dependency is declared
        raise InputError("Das Paket osrm-bindings (Routing-Engine OSRM) ist nicht installiert.") from exc
    return Path(osrm.__file__).parent


def tool(name: str) -> Path:
    path = package_dir() / "bin" / name
    if not path.exists():
        raise InputError(f"Das Werkzeug {name} fehlt im Paket osrm-bindings ({path}).")
    return path


def profile(mode: str) -> Path:
    return package_dir() / "share" / "profiles" / f"{PROFILES[mode]}.lua"


def _run(args: list[str], what: str, cwd: Path) -> None:
    proc = subprocess.run(args, cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-5:])
        raise InputError(f"{what} ist fehlgeschlagen (Rückgabewert {proc.returncode}):\n{tail}")


def build(osm_file: Path, out_dir: Path, mode: str, threads: int = 2, algorithm: str = "MLD") -> Path:
    """osrm-extract + osrm-contract (CH; or osrm-partition + osrm-customize for MLD) for one mode; returns the
    ``.osrm`` base path."""
    mode_dir = Path(out_dir) / mode
    mode_dir.mkdir(parents=True, exist_ok=True)
    suffix = ".osm.pbf" if str(osm_file).endswith(".pbf") else ".osm"
    src = mode_dir / f"network{suffix}"
    if src.exists() or src.is_symlink():
        src.unlink()
    try:
        src.symlink_to(Path(osm_file).resolve())
    except OSError:  # file systems without symlinks
        import shutil

        shutil.copyfile(osm_file, src)
    base = mode_dir / "network.osrm"
    _run([str(tool("osrm-extract")), "-p", str(profile(mode)), "-t", str(threads), src.name],
         f"osrm-extract ({mode})", mode_dir)
    if algorithm == "CH":
        _run([str(tool("osrm-contract")), "-t", str(threads), base.name], f"osrm-contract ({mode})", mode_dir)
    else:
        _run([str(tool("osrm-partition")), "-t", str(threads), base.name], f"osrm-partition ({mode})", mode_dir)
        _run([str(tool("osrm-customize")), "-t", str(threads), base.name], f"osrm-customize ({mode})", mode_dir)
    src.unlink()
    return base


@functools.lru_cache(maxsize=8)
def engine(base: str, algorithm: str, stamp: float):
    """The in-process OSRM engine on ``base`` (``stamp``: the files' mtime, so a rebuilt network is reopened)."""
    import osrm

    return osrm.OSRM(storage_config=base, algorithm=algorithm, use_shared_memory=False,
                     max_locations_distance_table=10**7)


def built(base: Path) -> str | None:
    """"CH" or "MLD" when the network at ``base`` is ready for that algorithm, else None."""
    base = Path(base)
    for algorithm, suffix in (("CH", ".osrm.hsgr"), ("MLD", ".osrm.mldgr")):
        if base.with_suffix(suffix).exists():
            return algorithm
    return None


def open_engine(base: Path):
    base = Path(base)
    algorithm = built(base)
    if algorithm is None:
        raise InputError(f"Kein fertiges Straßennetz unter {base.parent} (zuerst `sozialraum network build`).")
    suffix = ".osrm.hsgr" if algorithm == "CH" else ".osrm.mldgr"
    return engine(str(base), algorithm, base.with_suffix(suffix).stat().st_mtime)


def table(eng, sources_lonlat: np.ndarray, targets_lonlat: np.ndarray, distances: bool = False):
    """OSRM Table: (seconds, metres or None) of shape (sources, targets) with NaN = no route, and the snapping
    distances (metres from each input point to the street it was placed on) of sources and targets.

    ``distances``: also road metres (costly with MLD: every path is unpacked)."""
    import osrm

    n, m = len(sources_lonlat), len(targets_lonlat)
    coords = [(float(x), float(y)) for x, y in np.concatenate([sources_lonlat, targets_lonlat])]
    params = osrm.TableParameters(coordinates=coords, sources=list(range(n)), destinations=list(range(n, n + m)),
                                  annotations=["duration", "distance"] if distances else ["duration"],
                                  generate_hints=False)
    res = eng.Table(params)
    secs = _array(res["durations"], n, m)
    metres = _array(res["distances"], n, m) if distances else None
    snap_s = np.array([_snap(w) for w in res["sources"]], dtype="float64")
    snap_t = np.array([_snap(w) for w in res["destinations"]], dtype="float64")
    return secs, metres, snap_s, snap_t


def _snap(waypoint) -> float:
    try:
        d = waypoint["distance"]
    except (KeyError, TypeError):
        return 0.0
    return float(d) if d is not None else 0.0


def _array(rows, n: int, m: int) -> np.ndarray:
    out = np.array([[np.nan if v is None else v for v in row] for row in rows], dtype="float64")
    return out.reshape(n, m)


def route(eng, a_lonlat, b_lonlat) -> dict:
    """One route A → B: seconds, metres and the sequence of OSM node ids (for tests that check which ways are used)."""
    import osrm

    params = osrm.RouteParameters(coordinates=[tuple(map(float, a_lonlat)), tuple(map(float, b_lonlat))],
                                  annotations=["nodes"], overview="false")
    res = eng.Route(params)
    r = res["routes"][0]
    nodes = []
    for leg in r["legs"]:
        nodes.extend(int(x) for x in leg["annotation"]["nodes"])
    return {"seconds": float(r["duration"]), "metres": float(r["distance"]), "nodes": nodes}
