"""Layer 4: the optimizer. The money contract as a MILP (PuLP, HiGHS by default).

    from debtopt.optimize import optimize
    plan = optimize(scenario)                       # the contract's order
    plan = optimize(scenario, objective="cost")     # money alone
    plan = optimize(scenario, max_consecutive_overdue=1, solver="cbc", time_limit_seconds=20)

PuLP is imported in this package and nowhere else.
"""

from .api import STAGES, optimize
from .results import SolveStatus, StageResult, StageStatus

__all__ = ["STAGES", "SolveStatus", "StageResult", "StageStatus", "optimize"]
