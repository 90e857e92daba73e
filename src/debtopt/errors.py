"""The one error tree of debtopt.

Every error a user can cause is a `DebtoptError`. The layers raise them; only
the edges (the CLI, the batch runner, the HTTP service) catch them, each with
one table from these classes to its exit codes, HTTP statuses or error records
(`edge.EXIT_CODES`, `server.worker.STATUSES`, `batch.records.ERROR_TYPES`).
Anything else that escapes is a bug.

    DebtoptError
    ├── ScenarioError         a scenario file or dict that is not valid
    │   └── InputError        another file debtopt reads: a plan, an actual file, a ledger, a statement
    ├── OptionError           an option of a call that is not valid: its parameter is named
    ├── OutputError           the output cannot be written where it was asked
    ├── ScheduleError         a schedule the ledger cannot replay
    ├── InfeasibleLimitError  a hard limit (e.g. max_consecutive_overdue) no plan meets
    └── SolverError           the solver failed and no fallback was possible

Errors name parameters as the Python API spells them (`time_limit_seconds`,
`order`); each edge translates them to its own words (`--time-limit`,
`query.order`) in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "DebtoptError",
    "FieldIssue",
    "InfeasibleLimitError",
    "InputError",
    "OptionError",
    "OutputError",
    "ScenarioError",
    "ScheduleError",
    "SolverError",
]


@dataclass(frozen=True, slots=True)
class FieldIssue:
    """One problem with one field: where it is and how to fix it."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class DebtoptError(Exception):
    """Base of every error debtopt raises on purpose."""


class ScenarioError(DebtoptError):
    """The scenario is not valid. `issues` lists every field at fault."""

    def __init__(self, issues: list[FieldIssue], source: str | None = None) -> None:
        self.issues = list(issues)
        self.source = source
        head = f"{source}: " if source else ""
        lines = "\n".join(f"  {issue}" for issue in self.issues)
        noun = "problem" if len(self.issues) == 1 else "problems"
        super().__init__(f"{head}invalid scenario ({len(self.issues)} {noun}):\n{lines}")


class InputError(ScenarioError):
    """A file read beside a scenario is not valid: a plan, an actual file, a beancount ledger, a statement.

    A kind of `ScenarioError` (bad input whose `issues` name each field or line
    at fault), so every edge already treats it as one; only the message names
    what the file is meant to be.
    """

    def __init__(self, issues: list[FieldIssue], source: str | None = None, what: str = "file") -> None:
        self.issues = list(issues)
        self.source = source
        self.what = what
        head = f"{source}: " if source else ""
        lines = "\n".join(f"  {issue}" for issue in self.issues)
        noun = "problem" if len(self.issues) == 1 else "problems"
        DebtoptError.__init__(self, f"{head}invalid {what} ({len(self.issues)} {noun}):\n{lines}")


class OptionError(DebtoptError):
    """An option (a keyword of the API, a flag of the CLI, a query parameter) is not valid.

    `issues` name the parameter as the API spells it, with the fix.
    """

    def __init__(self, issues: list[FieldIssue]) -> None:
        self.issues = list(issues)
        lines = "\n".join(f"  {issue}" for issue in self.issues)
        noun = "option" if len(self.issues) == 1 else "options"
        super().__init__(f"invalid {noun}:\n{lines}")


class OutputError(DebtoptError):
    """The output cannot be written: a missing folder, a path that is a folder, no permission.

    `parameter` names the option that gave the path, as the API spells it (`output`, `letters`, `out`).
    """

    def __init__(self, path: str, message: str, parameter: str = "output") -> None:
        self.path = path
        self.parameter = parameter
        super().__init__(f"{path}: {message}")


class ScheduleError(DebtoptError):
    """A schedule pays more than the cash at hand or more than is owed."""

    def __init__(self, message: str, month: int | None = None, loan_id: str | None = None) -> None:
        self.month = month
        self.loan_id = loan_id
        super().__init__(message)


class InfeasibleLimitError(DebtoptError):
    """A hard limit the user asked for cannot be met by any plan."""


class SolverError(DebtoptError):
    """The solver failed in a way no fallback could cover."""
