"""debtopt: which lender to pay, how much, and when.

The stable Python API (docs/api.md):

    import debtopt

    scenario = debtopt.load_scenario("my-debts.toml")      # or a dict of the file's fields
    plan = debtopt.optimize(scenario, time_limit_seconds=10)
    print(plan.totals.escalations, plan.totals.cost)
    plan.model_dump_json()                                  # the CLI's --format json data
    debtopt.render(plan, scenario, format="html")           # the full report

Everything in `__all__` is kept compatible within a major version; anything
reached through a submodule (debtopt.ledger, debtopt.optimize, ...) is internal.
Every error debtopt raises on purpose is a `DebtoptError`.
"""

import sys as _sys
import types as _types

from .api import (
    OBJECTIVES,
    REPORT_FORMATS,
    STRATEGIES,
    CheckinResult,
    Comparison,
    Language,
    Objective,
    ReportFormat,
    Savings,
    Strategy,
    checkin,
    compare,
    load_scenario,
    optimize,
    render,
    scenario_schema,
    simulate,
)
from .domain.loans import LoanContract
from .domain.offers import AssetSale, BorrowOffer, HardshipPlan, Offer, Settlement
from .domain.plan import Escalation, LoanMonth, MonthRow, Plan, Totals
from .domain.scenario import Budget, BudgetChange, Inflow, Loan, Scenario
from .errors import (
    DebtoptError,
    FieldIssue,
    InfeasibleLimitError,
    OptionError,
    OutputError,
    ScenarioError,
    ScheduleError,
    SolverError,
)


class _Package(_types.ModuleType):
    """`debtopt.optimize` is the function, even once the subpackage of that name is loaded.

    Python binds a subpackage to its parent's attribute whenever it loads it;
    the optimizer's package is loaded only when a solve needs it (so that
    `import debtopt` and `debtopt --help` load no solver), so that binding is
    refused here. Internal code imports from `debtopt.optimize`
    (`from debtopt.optimize import ...`, which reads sys.modules), never
    `import debtopt.optimize as ...` (which reads this attribute).
    """

    def __setattr__(self, name: str, value: object) -> None:
        if name == "optimize" and isinstance(value, _types.ModuleType):
            return
        super().__setattr__(name, value)


_sys.modules[__name__].__class__ = _Package



def __getattr__(name: str) -> str:
    # The version is read from the installed metadata when first asked for, not at every import.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version as installed_version

        try:
            version = installed_version("debtopt")
        except PackageNotFoundError:  # run from a source tree that was never installed
            version = "0+unknown"
        globals()["__version__"] = version
        return version
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = [
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
