"""The public API's names and signatures, pinned (in the style of httpx's tests/test_exported_members.py).

A change here is a change to what budgeting apps import: make it on purpose,
note it in docs/api.md, and mind the version.
"""

from __future__ import annotations

import inspect
import subprocess
import sys
import types
from pathlib import Path

import pytest

import debtopt

EXPORTED = [
    "OBJECTIVES",
    "REPORT_FORMATS",
    "STRATEGIES",
    "AssetSale",
    "BorrowOffer",
    "Budget",
    "BudgetChange",
    "CheckinResult",
    "Comparison",
    "DebtoptError",
    "Escalation",
    "FieldIssue",
    "HardshipPlan",
    "InfeasibleLimitError",
    "Inflow",
    "Language",
    "Loan",
    "LoanContract",
    "LoanMonth",
    "MonthRow",
    "Objective",
    "Offer",
    "OptionError",
    "OutputError",
    "Plan",
    "ReportFormat",
    "Savings",
    "Scenario",
    "ScenarioError",
    "ScheduleError",
    "Settlement",
    "SolverError",
    "Strategy",
    "Totals",
    "__version__",
    "checkin",
    "compare",
    "load_scenario",
    "optimize",
    "render",
    "scenario_schema",
    "simulate",
]

SIGNATURES = {
    "load_scenario": "(source: 'str | os.PathLike[str] | Mapping[str, Any]') -> 'Scenario'",
    "simulate": "(scenario: 'Scenario', strategy: 'Strategy' = 'avalanche', order: 'Sequence[str] | None' = None, "
                "*, takes: 'Sequence[Take | str]' = ()) -> 'Plan'",
    "optimize": "(scenario: 'Scenario', *, objective: 'Objective' = 'lexicographic', "
                "overdue_price: 'float | Decimal | None' = None, max_consecutive_overdue: 'int | None' = None, "
                "solver: 'str' = 'highs', time_limit_seconds: 'float' = 60.0, max_nodes: 'int' = 5000, "
                "timings: 'bool' = False, offer_worth: 'bool' = True) -> 'Plan'",
    "compare": "(scenario: 'Scenario', *, optimal: 'bool' = True, objective: 'Objective' = 'lexicographic', "
               "overdue_price: 'float | Decimal | None' = None, max_consecutive_overdue: 'int | None' = None, "
               "solver: 'str' = 'highs', time_limit_seconds: 'float' = 60.0, max_nodes: 'int' = 5000, "
               "timings: 'bool' = False, order: 'Sequence[str] | None' = None, takes: 'Sequence[Take | str]' = ()) -> 'Comparison'",
    "render": "(plan: 'Plan', scenario: 'Scenario', *, format: 'ReportFormat' = 'text', "
              "lang: 'Language | None' = None, time_limit_seconds: 'float | None' = 60.0) -> 'str'",
    "scenario_schema": "() -> 'dict[str, Any]'",
    "checkin": "(scenario: 'Scenario', actual: 'PathOrData | Actual', *, plan: 'PathOrData | Plan | None' = None, "
               "replan: 'bool' = False, time_limit_seconds: 'float' = 60.0, offer_worth: 'bool' = False)"
               " -> 'CheckinResult'",
}


def test_all_is_pinned() -> None:
    assert debtopt.__all__ == EXPORTED


def test_every_public_name_is_exported_and_nothing_else() -> None:
    # Submodules (debtopt.domain, debtopt.cli, ...) become attributes once imported: they are not the API.
    public = {
        name for name, value in vars(debtopt).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert public == set(EXPORTED) - {"__version__"}
    for name in EXPORTED:
        assert hasattr(debtopt, name), name


def test_signatures_are_pinned() -> None:
    for name, expected in SIGNATURES.items():
        assert str(inspect.signature(getattr(debtopt, name))) == expected, name


def test_error_tree() -> None:
    children = (debtopt.ScenarioError, debtopt.OptionError, debtopt.OutputError, debtopt.ScheduleError,
                debtopt.InfeasibleLimitError, debtopt.SolverError)
    for child in children:
        assert issubclass(child, debtopt.DebtoptError)
    for a in children:  # siblings: an option error is not the scenario's, and so on
        assert [b for b in children if b is not a and issubclass(a, b)] == [], a
    assert issubclass(debtopt.DebtoptError, Exception)
    assert debtopt.FieldIssue("loans[0].balance", "x").path == "loans[0].balance"


def test_models_are_pydantic_and_documented() -> None:
    from pydantic import BaseModel

    for name in ("Scenario", "Budget", "BudgetChange", "Inflow", "Loan", "LoanContract", "AssetSale", "BorrowOffer",
                 "HardshipPlan", "Plan", "MonthRow", "LoanMonth", "Totals", "Escalation", "Comparison", "Savings"):
        assert issubclass(getattr(debtopt, name), BaseModel), name
    for name in SIGNATURES:
        assert inspect.getdoc(getattr(debtopt, name)), f"{name} has no docstring"


def test_choices_match_the_layers() -> None:
    from typing import get_args

    from debtopt.domain import choices
    from debtopt.optimize import STAGES
    from debtopt.report.render import FORMATS
    from debtopt.strategies import STRATEGIES

    assert set(debtopt.STRATEGIES) == set(STRATEGIES)
    assert set(debtopt.OBJECTIVES) == set(STAGES)
    assert set(debtopt.REPORT_FORMATS) == set(FORMATS)
    # The API's Literal types (what a type checker sees) are the enums' values, in their order.
    for literal, enum in ((debtopt.Strategy, choices.Strategy), (debtopt.Objective, choices.Objective),
                          (debtopt.ReportFormat, choices.ReportFormat), (debtopt.Language, choices.Language)):
        assert get_args(literal) == choices.values(enum), literal
    assert debtopt.STRATEGIES == choices.values(choices.Strategy)


def test_version_and_py_typed() -> None:
    from importlib import resources

    assert debtopt.__version__ and debtopt.__version__[0].isdigit()
    assert resources.files("debtopt").joinpath("py.typed").is_file()


@pytest.mark.slow
def test_mypy_strict_on_the_public_surface_and_a_client(tmp_path: Path) -> None:
    """`mypy --strict` passes on the public modules, and a client's typo in a choice is a type error."""
    root = Path(__file__).resolve().parents[1]
    client = tmp_path / "client.py"
    client.write_text(
        "import debtopt\n"
        "s = debtopt.load_scenario('x.toml')\n"
        "p: debtopt.Plan = debtopt.optimize(s, objective='cost', time_limit_seconds=5)\n"
        "c: debtopt.Comparison = debtopt.compare(s, optimal=False)\n"
        "html: str = debtopt.render(p, s, format='html', lang='zh')\n"
        "debtopt.simulate(s, strategy='avalance')\n",
        encoding="utf-8",
    )
    command = [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "cache"),
               "src/debtopt/__init__.py", "src/debtopt/api.py", "src/debtopt/server"]
    result = subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    result = subprocess.run([*command[:6], str(client)], cwd=root, capture_output=True, text=True, timeout=300)
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert len(errors) == 1 and "client.py:6:" in errors[0] and "avalance" in errors[0], result.stdout
