"""Matrices computed in advance answer the pages: a cached matrix serves every subset of its targets and every
smaller budget (no engine call, the same minutes), and ``warm_store`` / ``sozialraum network warm`` compute the
demo's default matrices so that coverage for one service type at a smaller budget is read from the cache."""

from __future__ import annotations

import numpy as np
import pytest
from test_network_store import DX, DY, LAT0, LON0, _store, _town_osm, _xy

from sozialraum.access.travel import NetworkModel


@pytest.fixture(scope="module")
def town_net(tmp_path_factory):
    from sozialraum.network import build_network

    folder = tmp_path_factory.mktemp("warm")
    con = _store(folder / "town.duckdb")
    info = build_network(_town_osm(folder / "town.osm.pbf"), con=con, margin_m=300, modes=("walk",),
                         algorithm="MLD")
    con.close()
    return info


def _files(info):
    return sorted(p.name for p in (info.path / "matrices").glob("*.npz"))


def test_a_subset_of_cached_targets_is_read_from_the_cache(town_net):
    pts = _xy([[LON0 + j * DX, LAT0 + i * DY] for i in range(6) for j in range(6)])
    targets = pts[[0, 7, 14, 21, 28, 35]]
    big = NetworkModel(town_net.path, "walk").minutes(pts, targets, 20.0)
    files = _files(town_net)
    sub = NetworkModel(town_net.path, "walk").minutes(pts, targets[[4, 1, 1]], 5.0)
    assert _files(town_net) == files  # no new matrix: columns 4, 1, 1 of the 20-minute one, filtered to 5
    expect = big[:, [4, 1, 1]].toarray()
    expect[expect > 5.0] = 0
    assert np.array_equal(sub.toarray(), expect) and sub.nnz > 0
    fresh = NetworkModel(town_net.path, "walk", cache=False).minutes(pts, targets[[4, 1, 1]], 5.0)
    assert np.allclose(fresh.toarray(), sub.toarray())


def test_a_target_outside_the_cached_set_is_computed(town_net):
    pts = _xy([[LON0 + j * DX, LAT0 + i * DY] for i in range(6) for j in range(6)])
    NetworkModel(town_net.path, "walk").minutes(pts, pts[[0, 7]], 20.0)
    files = _files(town_net)
    other = _xy([[LON0 + 2.5 * DX, LAT0 + 4 * DY]])  # a point between two nodes: in no cached set
    got = NetworkModel(town_net.path, "walk").minutes(pts, np.r_[pts[[0]], other], 20.0)
    assert len(_files(town_net)) == len(files) + 1
    fresh = NetworkModel(town_net.path, "walk", cache=False).minutes(pts, np.r_[pts[[0]], other], 20.0)
    assert np.allclose(got.toarray(), fresh.toarray())


def test_warm_store_fills_the_cache_the_pages_read(demo_db):
    from sozialraum.access.store_adapter import coverage_for_store
    from sozialraum.network import store_network_dir
    from sozialraum.network.warm import warm_store
    from sozialraum.store import connect, read

    con = connect(demo_db, read_only=True)
    try:
        net = store_network_dir(con)
        for old in (net / "matrices").glob("*.np[yz]") if (net / "matrices").exists() else ():
            old.unlink()
        done = warm_store(con, modes=("walk",), budget_min=6.0)
        assert set(done) == {"walk"}
        files = _files_of(net)
        assert len(files) == 2  # demand points × providers, venues and Jobcenter; sites × providers
        level = "ms_planungsraum"
        period = read.periods(con, indicator="rlb", level=level)[-1]
        cov = coverage_for_store(con, level, period, "rlb", service_types=["kita"], budget_min=5.0,
                                 settings={"travel_mode": "walk"})
        assert _files_of(net) == files  # one service type at a smaller budget: read from the warm matrix
        assert cov.city["covered"].iloc[0] > 0
        from sozialraum.access.travel import model_from_settings
        from sozialraum.network.warm import site_points

        sxy, pxy = site_points(con)
        model_from_settings({"travel_mode": "walk"}, network_dir=net).minutes(sxy, pxy[::3], 4.0)
        assert _files_of(net) == files  # the site planning's partners of a third of the providers: cached too
        again = warm_store(con, modes=("walk",), budget_min=6.0)
        assert _files_of(net) == files and again["walk"] < done["walk"] + 5  # nothing recomputed
    finally:
        con.close()


def _files_of(net):
    return sorted(p.name for p in (net / "matrices").glob("*.npz"))


def test_cli_network_warm_without_a_network(tmp_path):
    from click.testing import CliRunner

    from sozialraum.cli import cli

    con = _store(tmp_path / "leer.duckdb")
    con.close()
    res = CliRunner().invoke(cli, ["network", "warm", "--db", str(tmp_path / "leer.duckdb")])
    assert res.exit_code == 0 and "Kein Straßennetz" in res.output


def test_the_demo_builds_public_transport_by_default(demo_db):
    from sozialraum.access.travel import TransitModel, model_from_settings, travel_label
    from sozialraum.network import read_info, store_network_dir
    from sozialraum.store import connect

    con = connect(demo_db, read_only=True)
    try:
        net = store_network_dir(con)
    finally:
        con.close()
    assert set(read_info(net).modes) == {"walk", "bike", "car", "transit"}
    model = model_from_settings({"travel_mode": "transit"}, network_dir=net)
    assert isinstance(model, TransitModel) and travel_label(model).startswith("ÖPNV ab ")


def test_warm_store_computes_public_transport_at_the_default_budget(demo_db):
    from sozialraum.access.store_adapter import coverage_for_store
    from sozialraum.network import store_network_dir
    from sozialraum.network.warm import warm_store
    from sozialraum.settings import default
    from sozialraum.store import connect, read

    con = connect(demo_db, read_only=True)
    try:
        net = store_network_dir(con)
        done = warm_store(con, modes=("transit",))
        assert set(done) == {"transit"}
        files = _files_of(net)
        assert any(f.endswith(f"_{float(default('travel_budget_min')):g}.npz") for f in files)
        level = "ms_planungsraum"
        period = read.periods(con, indicator="rlb", level=level)[-1]
        coverage_for_store(con, level, period, "rlb", service_types=["schuldnerberatung"],
                           budget_min=default("travel_budget_min"), settings={"travel_mode": "transit"})
        assert _files_of(net) == files  # one service type by ÖPNV at the default budget: from the warm matrix
    finally:
        con.close()


def test_prune_keeps_the_newest_matrices_within_the_size(tmp_path):
    import os

    from scipy import sparse

    from sozialraum.network import cache

    big = sparse.random(300, 300, density=0.5, format="csr", random_state=1)  # ≈ 1 MB each uncompressed
    for i, name in enumerate(["alt", "mittel", "neu"]):
        cache.save_columns(tmp_path, name, np.c_[np.arange(300.0), np.arange(300.0)], 15.0, big)
        for f in tmp_path.glob(f"{name}-*"):
            os.utime(f, (1_000_000 + i, 1_000_000 + i))
    one = max(p.stat().st_size for p in tmp_path.glob("*.npz")) / 1024 / 1024
    assert cache.prune(tmp_path, one * 2.5) == 1
    left = sorted(p.name.split("-")[0] for p in tmp_path.glob("*.npz"))
    assert left == ["mittel", "neu"]
    assert sorted(p.name.split("-")[0] for p in tmp_path.glob("*.targets.npy")) == ["mittel", "neu"]
