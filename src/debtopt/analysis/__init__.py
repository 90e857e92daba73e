"""Layer 5: everything that re-solves or searches around a plan, and the report document built from it.

`offer_worth.with_offer_worth` (what each offer taken is worth: the optimum
re-solved without it) and `cash.with_extra_cash` (the extra monthly cash that
would clear the debt left at the horizon) fill the optimizer's plan's
`SolverReport`; the public API calls both after `debtopt.optimize.optimize`.
Nothing is imported here, so the report's modules load without the solver.
"""
