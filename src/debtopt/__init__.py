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

from importlib.metadata import PackageNotFoundError as _PackageNotFoundError
from importlib.metadata import version as _version

# The optimizer's package is loaded first, so that the function `optimize` below, not the
# subpackage `debtopt.optimize`, is what `debtopt.optimize` names: Python binds a subpackage
# to its parent's attribute only when it first loads it. Internal code imports from
# `debtopt.optimize` (`from debtopt.optimize import ...`, which reads sys.modules), never
# `import debtopt.optimize as ...` (which reads this attribute).
from . import optimize as _optimizer_package  # noqa: F401  (see above)
from .api import (
    OBJECTIVES,
    REPORT_FORMATS,
    STRATEGIES,
    Comparison,
    Language,
    Objective,
    ReportFormat,
    Savings,
    Strategy,
    compare,
    load_scenario,
    optimize,
    render,
    scenario_schema,
    simulate,
)
from .domain.loans import LoanContract
from .domain.offers import AssetSale, BorrowOffer, HardshipPlan, Offer
from .domain.plan import Escalation, LoanMonth, MonthRow, Plan, Totals
from .domain.scenario import Budget, BudgetChange, Inflow, Loan, Scenario
from .errors import (
    DebtoptError,
    FieldIssue,
    InfeasibleLimitError,
    ScenarioError,
    ScheduleError,
    SolverError,
)

try:
    __version__: str = _version("debtopt")
except _PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = [
    "OBJECTIVES",
    "REPORT_FORMATS",
    "STRATEGIES",
    "AssetSale",
    "BorrowOffer",
    "Budget",
    "BudgetChange",
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
    "Plan",
    "ReportFormat",
    "Savings",
    "Scenario",
    "ScenarioError",
    "ScheduleError",
    "SolverError",
    "Strategy",
    "Totals",
    "__version__",
    "compare",
    "load_scenario",
    "optimize",
    "render",
    "scenario_schema",
    "simulate",
]
