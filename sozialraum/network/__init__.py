"""Real street networks for travel times: build once from the user's OpenStreetMap extract (engine: OSRM, its
build tools inside the ``osrm-bindings`` wheel, offline), then ask travel-time matrices in process.

* ``build_network(osm_path, con=..., ...)`` (``build.py``) — clip, build walk/bike/car, record the source.
* ``store_network_dir(con)`` — the network of a store, or None.
* ``NetworkModel`` lives in ``sozialraum.access.travel`` beside the straight-line model.
"""

from sozialraum.network.build import (
    ATTRIBUTION, MODES, SOURCE_ID, NetworkInfo, build_network, read_info, store_network_dir,
)

__all__ = ["ATTRIBUTION", "MODES", "SOURCE_ID", "NetworkInfo", "build_network", "read_info", "store_network_dir"]
