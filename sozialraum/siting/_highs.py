"""One small door to HiGHS: pass a sparse column-wise MIP, solve with a time limit, read the answer back."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from sozialraum.errors import SolverError


@dataclass(frozen=True)
class MipAnswer:
    status: str  # 'optimal' | 'time_limit' (a feasible solution, possibly not optimal)
    x: np.ndarray
    objective: float
    gap: float  # relative MIP gap reported by HiGHS (0 when proven optimal)
    seconds: float
    bound: float  # best proven bound on the optimum (dual bound): a lower bound when minimising


def _quiet_highs():
    """A ``highspy.Highs`` object; the banner HiGHS prints when the first one is made goes to /dev/null (the
    command line prints one JSON line on stdout, nothing else)."""
    import os
    import sys

    import highspy

    global _BANNER_DONE
    if _BANNER_DONE:
        return highspy.Highs()
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            h = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    _BANNER_DONE = True
    return h


_BANNER_DONE = False


class MipModel:
    """A sparse column-wise MIP passed to HiGHS once; ``solve`` may run many times, with row bounds changed in
    between (``set_row_bounds``) — e.g. the cardinality row of a covering model for k = 1, 2, …"""

    def __init__(self, a: sparse.spmatrix, cost, col_lower, col_upper, row_lower, row_upper, integer_cols, *,
                 maximize: bool, presolve: bool = True, what: str = "Standortmodell"):
        import highspy

        a = sparse.csc_matrix(a, dtype="float64")
        a.sort_indices()
        n_col, n_row = a.shape[1], a.shape[0]
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = n_col, n_row
        lp.col_cost_ = np.asarray(cost, dtype="float64")
        lp.col_lower_ = np.asarray(col_lower, dtype="float64")
        lp.col_upper_ = np.asarray(col_upper, dtype="float64")
        lp.row_lower_ = np.asarray(row_lower, dtype="float64")
        lp.row_upper_ = np.asarray(row_upper, dtype="float64")
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = n_col, n_row
        lp.a_matrix_.start_ = a.indptr.astype(np.int32)
        lp.a_matrix_.index_ = a.indices.astype(np.int32)
        lp.a_matrix_.value_ = a.data
        integrality = [highspy.HighsVarType.kContinuous] * n_col
        for j in np.asarray(integer_cols, dtype=np.int64):
            integrality[int(j)] = highspy.HighsVarType.kInteger
        lp.integrality_ = integrality
        lp.sense_ = highspy.ObjSense.kMaximize if maximize else highspy.ObjSense.kMinimize
        h = _quiet_highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("threads", 1)
        h.setOptionValue("random_seed", 0)
        if not presolve:
            h.setOptionValue("presolve", "off")
        h.passModel(lp)
        self.h, self.n_col, self.maximize, self.what = h, n_col, maximize, what
        self.n_integer = len(np.asarray(integer_cols))

    def set_row_bounds(self, row: int, lower: float, upper: float) -> None:
        self.h.changeRowBounds(int(row), float(lower), float(upper))

    def solve(self, *, time_limit: float, mip_rel_gap: float = 1e-9, start=None) -> MipAnswer:
        import highspy

        if not time_limit or time_limit <= 0:
            raise ValueError("Ein Zeitlimit (Sekunden > 0) ist Pflicht.")
        h, what = self.h, self.what
        h.setOptionValue("time_limit", float(time_limit))
        h.setOptionValue("mip_rel_gap", float(mip_rel_gap))
        if start is not None:
            sol = highspy.HighsSolution()
            sol.col_value = list(np.asarray(start, dtype="float64"))
            sol.value_valid = True
            h.setSolution(sol)
        t0 = time.perf_counter()
        h.run()
        seconds = time.perf_counter() - t0
        status = h.getModelStatus()
        info = h.getInfo()
        has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
        ms = highspy.HighsModelStatus
        if status in (ms.kInfeasible, ms.kUnboundedOrInfeasible):
            raise SolverError(f"{what}: Das Modell ist unlösbar (keine zulässige Auswahl erfüllt alle Bedingungen).")
        if not has_solution:
            if status == ms.kTimeLimit:
                raise SolverError(f"{what}: Das Zeitlimit von {time_limit:g} s ist abgelaufen, ohne dass eine "
                                  "zulässige Lösung gefunden wurde. Bitte das Zeitlimit erhöhen oder das Modell "
                                  "verkleinern (weniger Kandidaten, gröberes Raster).")
            raise SolverError(f"{what}: Der Optimierer hat keine Lösung geliefert ({h.modelStatusToString(status)}).")
        x = np.asarray(h.getSolution().col_value, dtype="float64")
        optimal = status == ms.kOptimal
        objective = float(info.objective_function_value)
        gap, bound = float(info.mip_gap), float(info.mip_dual_bound)
        if optimal and (not np.isfinite(gap) or gap < 0):
            gap = 0.0
        if not np.isfinite(bound) or (optimal and self.n_integer == 0):
            bound = objective if optimal else (-np.inf if not self.maximize else np.inf)
        return MipAnswer(status="optimal" if optimal else "time_limit", x=x, objective=objective,
                         gap=gap if np.isfinite(gap) else float("inf"), seconds=seconds, bound=bound)


def solve_mip(a: sparse.spmatrix, cost, col_lower, col_upper, row_lower, row_upper, integer_cols,
              *, maximize: bool, time_limit: float, mip_rel_gap: float = 1e-9, start=None,
              what: str = "Standortmodell", presolve: bool = True) -> MipAnswer:
    """Solve ``max/min cost·x`` s.t. ``row_lower <= a x <= row_upper``, bounds, ``integer_cols`` integer.

    ``start``: an optional feasible full solution handed to HiGHS as a MIP start. Raises ``SolverError`` with a
    German message when the model is infeasible or the time limit passes without any feasible solution.
    """
    if not time_limit or time_limit <= 0:
        raise ValueError("Ein Zeitlimit (Sekunden > 0) ist Pflicht.")
    model = MipModel(a, cost, col_lower, col_upper, row_lower, row_upper, integer_cols, maximize=maximize,
                     presolve=presolve, what=what)
    return model.solve(time_limit=time_limit, mip_rel_gap=mip_rel_gap, start=start)
