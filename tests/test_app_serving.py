"""Serving: store folders in the app (list, switch, new), new snapshots picked up with a notice, roles (viewer /
planner / admin, local mode and OpenID Connect mapping), read-only fallback — AppTest on the 3×3 grid."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_app_pages_store import build_grid_store

from app_pages.roles import role_for
from sozialraum.store import snapshots

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")


@pytest.fixture(scope="module")
def grid_file(tmp_path_factory) -> Path:
    return build_grid_store(tmp_path_factory.mktemp("grid") / "grid.duckdb")


@pytest.fixture
def data(tmp_path, grid_file, monkeypatch):
    """A data folder with the grid city (store folder) and an empty one; no $SOZIALRAUM_DB."""
    import streamlit as st

    root = tmp_path / "data"
    snapshots.adopt(grid_file, root / "gitterstadt", label="Gitterstadt")
    snapshots.create_store(root, "Leerstadt")
    for var in ("SOZIALRAUM_DB", "SOZIALRAUM_STORE", "SOZIALRAUM_ROLE", "SOZIALRAUM_ROLES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("SOZIALRAUM_DATA", str(root))
    monkeypatch.setenv("SOZIALRAUM_STORE", "gitterstadt")
    st.cache_data.clear()
    yield root
    st.cache_data.clear()


def app(user: dict | None = None):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=90)
    if user is not None:
        at.user = user
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def pages(at) -> set[str]:
    """The pages st.navigation registered for this session (file names)."""
    with pytest.raises(ValueError, match="Known pages") as info:
        at.switch_page("app_pages/frame.py")  # a module, never a page
    import re

    return {Path(p).name for p in re.findall(r"'([^']+\.py)'", str(info.value).split("Known pages:")[1])}


# --------------------------------------------------------------------------------------------- role mapping
CONFIG = {"login": {"required": True},
          "roles": {"default": "viewer", "admin": ["IT@Stadt.de"], "planner": ["@sozialamt.stadt.de"]},
          "groups": {"claim": "groups", "sozialplanung": "planner"}}


@pytest.mark.parametrize("user,expected", [
    (None, None),                                                        # login required, nobody logged in
    ({"is_logged_in": False}, None),
    ({"is_logged_in": True, "email": "it@stadt.de"}, "admin"),           # case-insensitive address
    ({"is_logged_in": True, "email": "a.b@sozialamt.stadt.de"}, "planner"),  # domain entry
    ({"is_logged_in": True, "email": "a.b@sozialamt.stadt.de.evil.org"}, "viewer"),  # no suffix tricks
    ({"is_logged_in": True, "email": "rat@stadt.de", "groups": ["sozialplanung"]}, "planner"),  # group claim
    ({"is_logged_in": True, "email": "rat@stadt.de"}, "viewer"),         # default role
])
def test_role_mapping_is_a_pure_function(user, expected):
    assert role_for(user, CONFIG) == expected


def test_local_mode_is_planner_and_unknown_people_can_be_refused():
    assert role_for(None, {}) == "planner"
    strict = {"login": {"required": True}, "roles": {"default": "none", "admin": ["it@stadt.de"]}}
    assert role_for({"is_logged_in": True, "email": "fremd@example.org"}, strict) is None
    assert role_for({"is_logged_in": True, "email": "it@stadt.de", "groups": "x,y"}, strict) == "admin"


def test_a_broken_roles_file_is_an_error_not_a_planner(tmp_path):
    from app_pages.roles import load_config

    bad = tmp_path / "roles.toml"
    bad.write_text('[roles]\nchef = ["a@b.de"]\n', encoding="utf-8")
    with pytest.raises(ValueError, match="unbekannte Rolle"):
        load_config(bad)


# --------------------------------------------------------------------------------------------- roles in the app
def test_local_mode_planner_reaches_data_and_store_pages(data):
    at = app()
    assert {"daten.py", "stores.py", "ueberblick.py"} <= pages(at)


def test_viewer_cannot_reach_import_or_store_pages_nor_write(data, monkeypatch):
    monkeypatch.setenv("SOZIALRAUM_ROLE", "viewer")
    at = app()
    registered = pages(at)
    assert "daten.py" not in registered and "stores.py" not in registered
    assert {"ueberblick.py", "bedarf.py", "standorte.py", "profil.py", "export.py"} <= registered
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("app_pages/daten.py")
    # and the one write path of the app refuses a viewer, whatever page would call it
    from streamlit.testing.v1 import AppTest

    def try_write():
        import streamlit as st

        from app_pages import common
        from sozialraum.errors import InputError

        try:
            with common.writing("Versuch") as con:
                con.execute("DELETE FROM observations")
        except InputError as exc:
            st.error(str(exc))

    before = snapshots.current(data / "gitterstadt").version
    at2 = AppTest.from_function(try_write, default_timeout=60).run()
    assert any("nur das Ansehen" in e.value for e in at2.error)
    assert snapshots.current(data / "gitterstadt").version == before


def test_openid_connect_login_maps_people_to_roles(data, monkeypatch, tmp_path):
    roles_file = tmp_path / "roles.toml"
    roles_file.write_text('[login]\nrequired = true\n[roles]\ndefault = "viewer"\nplanner = ["planung@stadt.de"]\n',
                          encoding="utf-8")
    monkeypatch.setenv("SOZIALRAUM_ROLES", str(roles_file))
    at = app(user={"is_logged_in": False})
    assert [b.label for b in at.button] == ["Anmelden"]  # nothing but the login until someone logs in
    assert not at.dataframe and not at.metric
    at = app(user={"is_logged_in": True, "email": "rat@stadt.de"})
    assert "daten.py" not in pages(at)
    at = app(user={"is_logged_in": True, "email": "Planung@Stadt.de"})
    assert "daten.py" in pages(at)
    assert any("Planung" in c.value for c in at.sidebar.caption)


# --------------------------------------------------------------------------------------------- stores
def test_sidebar_lists_the_stores_and_switches(data):
    at = app()
    box = at.sidebar.selectbox(key="store")
    assert box.options == ["Gitterstadt", "Leerstadt"] and box.value == "gitterstadt"
    assert at.metric  # the overview shows the grid city's figures
    box.set_value("leerstadt").run()
    assert not at.exception
    assert any("noch keine Gebiete" in i.value or "keine" in i.value.lower() for i in list(at.info) + list(at.warning))


def test_a_shared_link_opens_its_city_and_switching_writes_it_into_the_link(data):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["view"] = {"stadt": "leerstadt"}  # what view.init reads from ?stadt=leerstadt
    at.run()
    assert not at.exception and at.sidebar.selectbox(key="store").value == "leerstadt"
    at.sidebar.selectbox(key="store").set_value("gitterstadt").run()
    assert not at.exception and at.session_state["view"]["stadt"] == "gitterstadt"


def test_running_session_picks_up_a_new_snapshot_with_a_notice(data):
    from sozialraum.store import manage

    at = app()
    assert not any("Daten aktualisiert" in i.value for i in at.info)
    with snapshots.writing(data / "gitterstadt", note="Test-Import") as con:
        manage.rename_source(con, "gitter", title="Gitterstadt, neuer Stand")
    version = snapshots.current(data / "gitterstadt").version
    at.run()
    assert any("Daten aktualisiert: Stand" in i.value and f"(Version {version})" in i.value for i in at.info)
    at.run()
    assert not any("Daten aktualisiert" in i.value for i in at.info)  # once


def test_store_page_creates_a_city_and_renames_and_deletes_sources(data):
    at = app()
    at.switch_page("app_pages/stores.py").run()
    assert not at.exception
    at.text_input(key="store_new_name").set_value("Neue Stadt Süd")
    at.button[[b.label for b in at.button].index("Anlegen")].click().run()
    assert (data / "neue-stadt-sued" / "current.json").exists()
    assert at.session_state["store"] == "neue-stadt-sued"
    at.sidebar.selectbox(key="store").set_value("gitterstadt").run()
    at.switch_page("app_pages/stores.py").run()
    assert any("darauf aufbauende Quellen" in m.value or "Gebiete" in m.value for m in at.markdown)
    version = snapshots.current(data / "gitterstadt").version
    at.text_input(key="rename_title").set_value("Gitter umbenannt")
    at.button[[b.label for b in at.button].index("Umbenennen")].click().run()
    assert not at.exception
    assert snapshots.current(data / "gitterstadt").version == version + 1
    con = snapshots.open_current(data / "gitterstadt")
    assert "Gitter umbenannt" in {r[0] for r in con.execute("SELECT title FROM sources").fetchall()}
    con.close()


def test_read_only_file_falls_back_to_viewing_with_a_notice(grid_file, tmp_path, monkeypatch):
    import shutil

    import streamlit as st

    from app_pages import store_access

    copy = tmp_path / "nur_lesen.duckdb"
    shutil.copy(grid_file, copy)
    monkeypatch.setenv("SOZIALRAUM_DB", str(copy))
    monkeypatch.delenv("SOZIALRAUM_ROLE", raising=False)
    monkeypatch.setattr(store_access, "_writable", lambda path: False)  # as a non-root user with chmod a-w would see
    st.cache_data.clear()
    at = app()
    assert any("schreibgeschützt" in i.value for i in at.info)
    assert at.metric
    at.switch_page("app_pages/stores.py").run()
    assert not at.exception and any("schreibgeschützt" in i.value for i in at.info)


@pytest.mark.parametrize("page", ["ueberblick", "bedarf", "angebote", "standorte", "rota", "profil", "export", "daten",
                                  "stores"])
def test_every_page_reads_a_store_folder_read_only(data, page):
    at = app()
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def test_planner_saves_a_scenario_as_a_new_snapshot(data):
    at = app()
    at.switch_page("app_pages/standorte.py").run()
    at.button[[b.label for b in at.button].index("Standorte berechnen")].click().run()
    assert not at.exception, [e.message for e in at.exception]
    before = snapshots.current(data / "gitterstadt").version
    at.text_input(key="standorte_name").set_value("Zwei Sprechstunden")
    at.button[[b.label for b in at.button].index("Speichern")].click().run()
    assert not at.exception and any("gespeichert" in s.value for s in at.success)
    assert snapshots.current(data / "gitterstadt").version == before + 1
    con = snapshots.open_current(data / "gitterstadt")
    assert con.execute("SELECT name FROM scenarios").fetchall() == [("Zwei Sprechstunden",)]
    con.close()


def test_empty_start_without_any_store_leads_to_a_new_city(tmp_path, monkeypatch):
    import streamlit as st

    for var in ("SOZIALRAUM_DB", "SOZIALRAUM_STORE", "SOZIALRAUM_ROLE", "SOZIALRAUM_ROLES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("SOZIALRAUM_DATA", str(tmp_path / "leer"))
    st.cache_data.clear()
    at = app()
    assert any("Städte & Datenstände" in e.value for e in at.error)  # says where to start, no traceback
    at.switch_page("app_pages/stores.py").run()
    at.text_input(key="store_new_name").set_value("Kreis Beispiel")
    at.button[[b.label for b in at.button].index("Anlegen")].click().run()
    assert not at.exception
    assert at.sidebar.selectbox(key="store").value == "kreis-beispiel"
    assert any("angelegt" in s.value for s in at.success)


def test_an_empty_language_control_does_not_crash_the_app(data):
    """Seen under load (bench_load): the language control came back empty and the app raised
    StreamlitWidgetAlreadyInstantiatedError on every page of that session."""
    at = app()
    at.session_state["lang"] = None
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.title[0].value == "Überblick"


def test_wizard_dry_run_and_commit_work_on_a_read_only_snapshot(data, tmp_path):
    """The wizard's plausibility dry run writes and rolls back: it runs on a scratch copy, never on the published
    snapshot; the commit becomes a new version."""
    from streamlit.testing.v1 import AppTest

    csv = tmp_path / "alo.csv"
    csv.write_text("Gebiet;Arbeitslose\nr0c0;12\nr1c1;30\n", encoding="utf-8")

    def wizard(path: str):
        from pathlib import Path

        import streamlit as st

        from app_pages import common
        from app_pages.wizard_commit import prepare
        from sozialraum.store.write import replace_source

        entry = {"file": "alo.csv", "level": "zelle", "key": "Gebiet", "period": "2024",
                 "indicators": {"arbeitslose": "Arbeitslose"}, "header_row": 1}
        info, batch, _notes, _report = prepare(common.get_con(), Path(path), {"source_id": "alo", "title": "ALO"},
                                             entry)
        with common.writing("Upload alo") as con:
            counts = replace_source(con, info, batch, confirm_warnings=True)
        st.success(f"{counts}")

    before = snapshots.current(data / "gitterstadt").version
    at = AppTest.from_function(wizard, args=(str(csv),), default_timeout=90).run()
    assert not at.exception, [e.message for e in at.exception]
    assert snapshots.current(data / "gitterstadt").version == before + 1
    con = snapshots.open_current(data / "gitterstadt")
    assert con.execute("SELECT count(*) FROM observations WHERE source_id = 'alo' AND NOT derived").fetchone()[0] == 2
    con.close()
