"""The bundled examples' optimal plans, each solved once per test run.

Several tests judge the same solve (zhang-san under the cost objective is judged against every
heuristic, against urgency's plan and by the report's comparison). A solve is bounded by work, so
its plan depends only on the scenario and the options: solving it once and handing each test its
own copy judges exactly what solving it in each test would.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from caps import NO_CAP_SECONDS

from debtopt.domain.load import load_scenario
from debtopt.domain.options import solve_options
from debtopt.domain.plan import Plan
from debtopt.optimize import optimize

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def example_plan(name: str, objective: str = "lexicographic", overdue_price: int | None = None) -> Plan:
    """examples/<name>.toml optimized (no offer worth), a copy the test may change."""
    return _solved(name, objective, overdue_price).model_copy(deep=True)


@cache
def _solved(name: str, objective: str, overdue_price: int | None) -> Plan:
    options = solve_options(objective=objective, overdue_price=overdue_price, time_limit_seconds=NO_CAP_SECONDS,
                            offer_worth=False)
    return optimize(load_scenario(EXAMPLES / f"{name}.toml"), options)
