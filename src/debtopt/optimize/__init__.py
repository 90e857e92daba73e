"""Layer 4: the optimizer. The money contract as a MILP (HiGHS through highspy; PuLP for CBC).

    from debtopt.domain.options import solve_options
    from debtopt.optimize import optimize
    plan = optimize(scenario, solve_options())                     # the contract's order
    plan = optimize(scenario, solve_options(objective="cost"))     # money alone
    plan = optimize(scenario, solve_options(max_consecutive_overdue=1, solver="cbc", time_limit_seconds=20))

`optimize` is a script of named steps (pipeline.py). PuLP and highspy are imported in
this package and nowhere else.
"""

from ..domain.choices import STAGES
from .pipeline import optimize
from .results import SolveStatus, StageResult, StageStatus

__all__ = ["STAGES", "SolveStatus", "StageResult", "StageStatus", "optimize"]
