"""Layer 1: pydantic models of scenarios, loans and plans, and their validation."""

from .load import load_scenario, parse_scenario, read_scenario_data, scenario_from_dict
from .plan import Escalation, LoanMonth, MonthRow, Plan, Schedule, Totals
from .scenario import Budget, BudgetChange, Inflow, Loan, Scenario

__all__ = [
    "Budget",
    "BudgetChange",
    "Escalation",
    "Inflow",
    "Loan",
    "LoanMonth",
    "MonthRow",
    "Plan",
    "Schedule",
    "Scenario",
    "Totals",
    "load_scenario",
    "parse_scenario",
    "read_scenario_data",
    "scenario_from_dict",
]
