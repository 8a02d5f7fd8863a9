"""Siting scenarios in the store's ``scenarios`` table: parameters and result as JSON, so a plan can be shown
again, compared and exported without solving anew."""

from __future__ import annotations

import json
import uuid

import pandas as pd

from sozialraum.errors import InputError
from sozialraum.siting.plan import SitingPlan


def save(con, name: str, plan: SitingPlan, *, scenario_id: str | None = None) -> str:
    """Store ``plan`` under ``name``; returns the scenario id (a new one unless ``scenario_id`` is given, in
    which case that scenario is replaced)."""
    name = (name or "").strip()
    if not name:
        raise InputError("Bitte einen Namen für das Szenario angeben.")
    sid = scenario_id or uuid.uuid4().hex[:12]
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM scenarios WHERE scenario_id = ?", [sid])
        con.execute("INSERT INTO scenarios (scenario_id, name, parameters, result) VALUES (?, ?, ?, ?)",
                    [sid, name, json.dumps(plan.parameters, ensure_ascii=False), plan.to_json()])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return sid


def load(con, scenario_id: str) -> SitingPlan:
    row = con.execute("SELECT result FROM scenarios WHERE scenario_id = ?", [scenario_id]).fetchone()
    if row is None:
        raise InputError(f"Szenario {scenario_id!r} gibt es nicht (mehr).")
    return SitingPlan.from_json(row[0])


def list_scenarios(con) -> pd.DataFrame:
    """scenario_id, name, created_at, model, k, budget_min, level, period, target_indicator — newest first."""
    rows = con.execute("SELECT scenario_id, name, created_at, parameters FROM scenarios "
                       "ORDER BY created_at DESC, scenario_id").fetchall()
    out = []
    for sid, name, created, params in rows:
        p = json.loads(params)
        out.append({"scenario_id": sid, "name": name, "created_at": created, "model": p.get("model"),
                    "k": p.get("k"), "budget_min": p.get("budget_min"), "level": p.get("level"),
                    "period": p.get("period"), "target_indicator": p.get("target_indicator")})
    return pd.DataFrame(out, columns=["scenario_id", "name", "created_at", "model", "k", "budget_min", "level",
                                      "period", "target_indicator"])


def delete(con, scenario_id: str) -> bool:
    """Remove a scenario; True if it existed."""
    n = con.execute("SELECT count(*) FROM scenarios WHERE scenario_id = ?", [scenario_id]).fetchone()[0]
    con.execute("DELETE FROM scenarios WHERE scenario_id = ?", [scenario_id])
    return n > 0


save_scenario, load_scenario, delete_scenario = save, load, delete
