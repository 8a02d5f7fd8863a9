"""Errors that name the file, row and column of bad input, in German, for planners."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is and what is wrong."""

    file: str | None
    problem: str
    row: int | None = None  # 1-based data row as a spreadsheet program shows it (header = row 1)
    column: str | None = None

    def __str__(self) -> str:
        where = [self.file or "Eingabe"]
        if self.row is not None:
            where.append(f"Zeile {self.row}")
        if self.column is not None:
            where.append(f"Spalte '{self.column}'")
        return f"{', '.join(where)}: {self.problem}"


class InputError(ValueError):
    """Raised when an input cannot be imported. Nothing has been written when it is raised."""

    def __init__(self, problems: Problem | list[Problem] | str, file: str | None = None):
        if isinstance(problems, str):
            problems = [Problem(file=file, problem=problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        shown = self.problems[:20]
        more = len(self.problems) - len(shown)
        text = "\n".join(str(p) for p in shown)
        if more > 0:
            text += f"\n… und {more} weitere Probleme"
        super().__init__(text)


class SolverError(RuntimeError):
    """A siting model could not be solved (infeasible, time limit, solver failure); the message says which."""
