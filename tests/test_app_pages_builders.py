"""Map and chart builders of the pages Angebote & Erreichbarkeit and Standortplanung, on tiny frames."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest


@pytest.fixture(scope="module")
def cells():
    from sozialraum.testing import grid_areas

    g = grid_areas()
    return g[g.level == "zelle"].to_crs(4326).reset_index(drop=True)


def providers_at(cells, types):
    pts = cells.geometry.representative_point()
    return pd.DataFrame({"provider_id": [f"p{i}" for i in range(len(types))], "service_type": types,
                         "name": [f"A{i}" for i in range(len(types))], "traeger": ["T"] * len(types),
                         "dachverband": ["AWO"] * len(types), "kooperation": ["verweis"] * len(types),
                         "barrier_free": [True, None, False][: len(types)],
                         "lon": pts.x[: len(types)].to_numpy(), "lat": pts.y[: len(types)].to_numpy()})


def test_provider_map_draws_markers_catchments_and_stays_local(cells):
    from sozialraum.maps.access import CATCHMENT_CLASS, PROVIDER_CLASS, provider_map
    from sozialraum.maps.assets import external_links

    m = provider_map(cells, providers_at(cells, ["kita", "suchtberatung", "kita"]), radius_m=865, budget_min=15)
    html = m.get_root().render()
    assert external_links(m) == []
    # (folium's JSON spacing differs once streamlit-folium has rendered a map in the process)
    assert len(re.findall(rf'"className":\s*"{CATCHMENT_CLASS}"', html)) == 3  # one circle per provider
    assert re.search(rf'"className":\s*"{PROVIDER_CLASS}"', html)
    assert "15 min Fu\\u00dfweg" in html or "15 min Fußweg" in html  # legend note (JSON-escaped in the script)
    assert "Suchtberatung" in html and "Psychosoziale" not in html  # legend lists only the types shown
    bike = provider_map(cells, providers_at(cells, ["kita"]), radius_m=2000, budget_min=10, mode_word="Radfahrt")
    bike_html = bike.get_root().render()
    assert "10 min Radfahrt (Luftlinie 2.000 m)" in bike_html and "Fußweg" not in bike_html


def test_quantile_classes_without_mapclassify():
    import subprocess
    import sys

    from sozialraum.maps.access import quantile_classes

    c = quantile_classes(np.r_[np.nan, np.arange(10.0)], 5)
    assert c.bins == (1.8, 3.6, 5.4, 7.2, 9.0)
    assert list(c.assign([0, 2, 9, np.nan])) == [0, 1, 4, -1]
    assert c.labels[0] == "0,0 – 1,8"
    assert len(quantile_classes([2.0, 2.0, 2.0]).bins) == 1
    assert quantile_classes([np.nan]).k == 1
    # mapclassify's import alone takes seconds on a busy server: the page's classes must not need it
    code = ("import sys, numpy as np; from sozialraum.maps.access import quantile_classes; "
            "quantile_classes(np.arange(9.0)); print('mapclassify' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def fake_plan():
    from types import SimpleNamespace

    sites = pd.DataFrame({"id": ["jc", "v2", "v1"], "name": ["Jobcenter", "Bücherei", "Treff"],
                          "type_label": ["Jobcenter", "Bibliothek", "Stadtteilzentrum"],
                          "lon": [8.0, 8.01, 8.02], "lat": [50.0, 50.01, 50.02], "fixed": [True, False, False],
                          "order": [1, 3, 2], "covered": [120.0, 40.0, 60.0], "marginal_gain": [120.0, 40.0, 60.0]})
    site_areas = pd.DataFrame({"id": ["jc", "v1", "v2", "v1"], "area_key": ["a", "a", "b", "c"],
                               "people": [50.0, 10.0, 40.0, 30.0], "share_of_area": [0.8, 0.2, 1.0, 0.5]})
    area_service = pd.DataFrame({"area_key": ["a", "b", "c", "d"], "share_after": [1.0, 1.0, 0.5, 0.0]})
    return SimpleNamespace(sites=sites, site_areas=site_areas, area_service=area_service)


def test_plan_layers_numbers_new_sites_in_order_and_assigns_areas():
    from sozialraum.maps.siting import plan_layers

    sites, service = plan_layers(fake_plan())
    assert list(sites["name"]) == ["Jobcenter", "Treff", "Bücherei"]
    assert list(sites["label"]) == ["JC", "1", "2"] and list(sites["order"]) == [0, 1, 2]
    assert sites["tooltip"].iloc[1] == "Nr. 1: Treff (Stadtteilzentrum) – erreicht ≈ 60, Zugewinn ≈ 60"
    by_area = service.set_index("area_key")
    assert by_area.loc["a", "site"] == 0  # the Jobcenter serves most of a
    assert by_area.loc["b", "site"] == 2 and by_area.loc["c", "site"] == 1
    assert np.isnan(by_area.loc["d", "site"]) and by_area.loc["d", "share"] == 0.0


def test_siting_map_has_one_marker_per_site(cells):
    from sozialraum.maps.assets import external_links
    from sozialraum.maps.siting import FIXED_CLASS, SITE_CLASS, plan_layers, siting_map

    sites, service = plan_layers(fake_plan())
    m = siting_map(cells, sites, service, radius_m=500)
    html = m.get_root().render()
    assert external_links(m) == []
    assert len(re.findall(rf'"cls":\s*"{SITE_CLASS}"', html)) == 2
    assert len(re.findall(rf'"cls":\s*"{FIXED_CLASS}"', html)) == 1
    assert "L.Icon.Default" not in html and "L.marker(" in html  # labels only, no default image icon


def test_k_curve_chart_speaks_german():
    from sozialraum.charts.siting import k_curve_chart

    curve = pd.DataFrame({"k": [0, 1, 2], "covered_share": [0.25, 0.4, 0.45]})
    fig = k_curve_chart(curve, chosen_k=1, baseline=0.25)
    assert list(fig.data[0].hovertext) == [
        "nur bestehende Standorte: 25,0 % erreicht (+0,0 Prozentpunkte)",
        "1 neuer Standort: 40,0 % erreicht (+15,0 Prozentpunkte)",
        "2 neue Standorte: 45,0 % erreicht (+5,0 Prozentpunkte)"]
    assert fig.layout.xaxis.title.text == "Anzahl neuer Standorte (k)"
    assert list(fig.data[1].x) == [1]  # the chosen k is marked


def test_coverage_bar_sorts_and_formats():
    from sozialraum.charts.access import coverage_bar

    fig = coverage_bar(pd.DataFrame({"label": ["Kita", "Sucht", "Pflege"], "share": [0.5, np.nan, 0.9]}),
                       budget_min=15)
    assert list(fig.data[0].y) == ["Sucht", "Kita", "Pflege"]
    assert list(fig.data[0].text) == ["keine Angabe", "50,0 %", "90,0 %"]
    assert "15 Minuten" in fig.layout.xaxis.title.text
