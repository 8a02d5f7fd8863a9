"""Roles: viewer (maps, profiles, reports, exports), planner (imports, recipes, scenarios, settings), admin
(stores, roll-back, users).

Local mode (no roles file, or one without ``[login] required = true``): nobody logs in and everybody is a planner —
one person on a laptop, as before. Shared deployment: a roles file (``$SOZIALRAUM_ROLES``, else
``<data folder>/roles.toml``) with ``[login] required = true``; people log in with OpenID Connect through
Streamlit's ``st.login`` (the identity provider is configured in ``.streamlit/secrets.toml``, section ``[auth]``)
and get the role the file maps their e-mail address, domain or group to. See docs/SERVING.md.

``role_for`` is a pure function (tested without Streamlit); pages call :func:`require_role` or :func:`allowed`.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

ROLES = ("viewer", "planner", "admin")
LABELS = {"viewer": ("Ansicht", "Viewer"), "planner": ("Planung", "Planner"), "admin": ("Verwaltung", "Admin")}


def rank(role: str | None) -> int:
    return ROLES.index(role) if role in ROLES else -1


def load_config(path: str | Path | None) -> dict:
    """The roles file as a dict ({} when there is none). A broken file is an error, never a silent planner."""
    if path is None or not Path(path).is_file():
        return {}
    with open(path, "rb") as fh:
        config = tomllib.load(fh)
    for role in config.get("roles", {}):
        if role != "default" and role not in ROLES:
            raise ValueError(f"Rollendatei {path}: unbekannte Rolle {role!r} (erlaubt: {', '.join(ROLES)})")
    default = config.get("roles", {}).get("default", "viewer")
    if default not in ROLES + ("none",):
        raise ValueError(f"Rollendatei {path}: [roles] default = {default!r} ist keine Rolle")
    return config


def login_required(config: dict) -> bool:
    return bool(config.get("login", {}).get("required", False))


def role_for(user: dict | None, config: dict) -> str | None:
    """The role of ``user`` (the claims of ``st.user``: email, groups, …) under ``config`` (the roles file).

    - no login required (local mode): ``config['local_role']`` or "planner";
    - login required but nobody logged in: None (the app shows the login button only);
    - logged in: the highest role whose list names the e-mail address (case-insensitive) or its domain
      (an entry starting with ``@``), or, with ``[groups] claim = "groups"``, a group mapped to a role;
      otherwise ``[roles] default`` ("viewer" unless set; "none" refuses unknown people).
    """
    if not login_required(config):
        role = config.get("local_role", "planner")
        return role if role in ROLES else "planner"
    if not user or not user.get("is_logged_in"):
        return None
    email = str(user.get("email") or "").strip().lower()
    domain = "@" + email.split("@", 1)[1] if "@" in email else None
    found = []
    roles = config.get("roles", {})
    for role in ROLES:
        entries = {str(e).strip().lower() for e in roles.get(role, [])}
        if email and (email in entries or (domain and domain in entries)):
            found.append(role)
    groups_cfg = dict(config.get("groups", {}))
    claim = groups_cfg.pop("claim", "groups")
    claimed = user.get(claim) or []
    if isinstance(claimed, str):
        claimed = [g.strip() for g in claimed.split(",")]
    for group in claimed:
        role = groups_cfg.get(str(group))
        if role in ROLES:
            found.append(role)
    if found:
        return max(found, key=rank)
    default = roles.get("default", "viewer")
    return default if default in ROLES else None


# --------------------------------------------------------------------------------------------- Streamlit side
def config_path() -> Path:
    from sozialraum.store.connection import data_dir

    return Path(os.environ.get("SOZIALRAUM_ROLES") or data_dir() / "roles.toml")


def config() -> dict:
    return load_config(config_path())


def current_role() -> str | None:
    """This session's role. ``$SOZIALRAUM_ROLE`` fixes it for a whole process (e.g. a public viewer replica)."""
    import streamlit as st

    forced = os.environ.get("SOZIALRAUM_ROLE")
    if forced in ROLES:
        return forced
    cfg = config()
    user = st.user.to_dict() if login_required(cfg) else None
    return role_for(user, cfg)


def allowed(role: str) -> bool:
    """Whether this session may do what ``role`` may do (roles are ordered viewer < planner < admin)."""
    return rank(current_role()) >= rank(role)


def require_role(role: str) -> None:
    """Stop the page with a German message unless this session has at least ``role``."""
    import streamlit as st

    from app_pages.common import tr

    if allowed(role):
        return
    de, en = LABELS[role]
    st.warning(tr(f"Dieser Bereich ist der Rolle „{de}“ vorbehalten. Bitte bei der Verwaltung des Dashboards "
                  "nachfragen, wenn Sie hier arbeiten sollen.",
                  f"This area needs the role '{en}'."))
    st.stop()


def login_gate() -> str | None:
    """In a shared deployment: show the login button (and stop) until the person has logged in; return the role.
    In local mode: "planner" without any login."""
    import streamlit as st

    from app_pages.common import tr

    role = current_role()
    cfg = config()
    if not login_required(cfg) or os.environ.get("SOZIALRAUM_ROLE") in ROLES:
        return role
    provider = cfg.get("login", {}).get("provider") or None
    if not st.user.is_logged_in:
        st.title("Sozialraum-Dashboard")
        st.info(tr("Bitte melden Sie sich mit Ihrem Dienstkonto an.", "Please log in with your work account."))
        st.button(tr("Anmelden", "Log in"), key="login", on_click=st.login, args=(provider,) if provider else ())
        st.stop()
    if role is None:
        st.error(tr(f"Für {st.user.email} ist keine Rolle eingetragen. Bitte bei der Verwaltung des Dashboards "
                    "melden.", f"No role for {st.user.email}."))
        st.button(tr("Abmelden", "Log out"), key="logout_norole", on_click=st.logout)
        st.stop()
    st.sidebar.caption(f"{st.user.email} · {tr(*LABELS[role])}")
    st.sidebar.button(tr("Abmelden", "Log out"), key="logout", on_click=st.logout)
    return role
