"""Networks built for one command run (``sozialraum site --osm FILE``), kept in a cache folder and reused while the
OSM/GTFS files, the clip box and the modes stay the same.

The folder: ``$SOZIALRAUM_NETZ_CACHE`` or ``~/.cache/sozialraum/netze``; one sub-folder per key (file names, sizes
and modification times, box, modes, CRS). ``network.json`` is written last by ``build_network``, so a half-built folder (no such file) is
built again, never reused.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path


def cache_root() -> Path:
    env = os.environ.get("SOZIALRAUM_NETZ_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "sozialraum" / "netze"


def _stamp(path: Path | None) -> list:
    if path is None:
        return [None]
    st = Path(path).stat()
    return [str(Path(path).resolve()), st.st_size, st.st_mtime_ns]


def run_key(osm_path, gtfs_path, box, modes, epsg) -> str:
    box = [round(float(v), 5) for v in box] if box is not None else None
    raw = json.dumps([_stamp(Path(osm_path)), _stamp(Path(gtfs_path) if gtfs_path else None), box,
                      sorted(modes), epsg], default=str)
    return hashlib.sha256(raw.encode()).hexdigest()[:20]


def network_for_run(osm_path, gtfs_path=None, *, box, epsg: int, modes=("walk",), root=None):
    """The network of ``osm_path`` (and ``gtfs_path`` for "transit" in ``modes``) clipped to ``box``, built once
    (MLD: build in seconds) and reused; returns ``(NetworkInfo, reused)``."""
    from sozialraum.network.build import build_network, read_info

    street = tuple(m for m in modes if m != "transit")
    want = set(modes)
    root = Path(root) if root is not None else cache_root()
    folder = root / run_key(osm_path, gtfs_path, box, modes, epsg)
    info = read_info(folder)
    if info is not None and want <= set(info.modes):
        return info, True
    shutil.rmtree(folder, ignore_errors=True)  # half built, or built for other modes (Valhalla's config holds
    folder.mkdir(parents=True, exist_ok=True)  # absolute paths, so the network is built in place)
    try:
        info = build_network(osm_path, gtfs_path if "transit" in want else None, clip_to=box, out_dir=folder,
                             modes=street, algorithm="MLD", epsg=epsg)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return read_info(folder) or info, False
