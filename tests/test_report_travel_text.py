"""The report's methods text names the travel model its reach figures used."""

from types import SimpleNamespace

from sozialraum.export.report_methods import _travel_text
from sozialraum.settings import resolve
from sozialraum.store import connect


def test_without_a_network_the_straight_line_is_named_with_its_factor_and_speed():
    con = connect(":memory:")
    text = _travel_text(SimpleNamespace(con=con, settings=resolve({"detour_factor": 1.4})))
    assert text.startswith("Wege: Luftlinie × 1,40 bei 4,5 km/h")
    assert "Umwegfaktor 1,40" in text and "kein Straßennetz" in text


def test_the_mode_speed_is_used_for_the_straight_line_fallback():
    con = connect(":memory:")
    text = _travel_text(SimpleNamespace(con=con, settings=resolve({"travel_mode": "bike"})))
    assert text.startswith("Wege: Luftlinie × 1,30 bei 15,0 km/h")  # the declared cycling speed
