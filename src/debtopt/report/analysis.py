"""Everything a report shows, as one JSON-able dict built from ledger-replayed plans.

`build_report` chooses the main plan (the optimizer's when `debtopt.optimize`
imports, else the best heuristic), explains every payment (reasons.py), and
adds the comparison, the cost of borrowing to pay debts, the value of one more
unit of cash per month, the budget what-ifs and each lender's proposal. Every
figure comes from a plan the ledger replayed; renderers only format.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from ..domain.load import scenario_from_dict
from ..domain.money import to_cents
from ..domain.plan import Plan
from ..domain.scenario import Scenario
from ..errors import SolverError
from ..strategies import HEURISTICS, run_strategy
from .reasons import explain
from .tabular import plan_json_data

REPORT_VERSION = 1
VALUE_UNIT = 100  # "an extra ¥100 in March saves ..."
VALUE_MAX_MONTHS = 36
BORROW_RATES = (Decimal("0.24"), Decimal("0.36"))  # the Chinese regulatory lines for private lending
BORROW_TERM = 12
BORROW_STEP = 500
BORROW_LOAN_ID = "new-online-loan"


def optimizer_available() -> bool:
    try:
        from ..optimize import optimize  # noqa: F401
    except Exception:  # not landed yet, or broken: the report falls back to heuristics
        return False
    return True


def _optimize(scenario: Scenario, time_limit: float | None) -> Plan | None:
    """The optimizer's plan; None when it is not there or fails (the report then explains the best heuristic)."""
    try:
        from ..optimize import optimize
    except Exception:
        return None
    kwargs: dict[str, Any] = {}
    if time_limit is not None and "time_limit_seconds" in inspect.signature(optimize).parameters:
        kwargs["time_limit_seconds"] = time_limit
    try:
        return optimize(scenario, **kwargs)
    except SolverError:
        return None


def extra_monthly_to_clear(scenario: Scenario, main: Plan) -> float | None:
    """How much more a month would have closed every loan within the horizon (None: not needed or not found)."""
    if main.totals.remaining_balance <= 0:
        return None
    if main.solver is not None and main.solver.extra_cash is not None:
        return main.solver.extra_cash.amount
    try:
        from ..optimize.shortfall import extra_monthly_to_clear as search
    except Exception:
        return None
    found = search(scenario)
    return None if found is None else float(found[0])


def _strip_timing(value: Any) -> Any:
    """Solver details without wall-clock figures: the same input gives the same bytes."""
    if isinstance(value, dict):
        return {k: _strip_timing(v) for k, v in value.items() if "second" not in k and k not in ("time", "elapsed")}
    if isinstance(value, list):
        return [_strip_timing(v) for v in value]
    return value


def _m(amount: Decimal) -> float:
    return float(amount)


def heuristic_plans(scenario: Scenario, order: Sequence[str] | None = None) -> dict[str, Plan]:
    plans = {name: run_strategy(scenario, name) for name in HEURISTICS}
    if order:
        plans["custom"] = run_strategy(scenario, "custom", list(order))
    return plans


def best_of(plans: dict[str, Plan]) -> str:
    return min(plans, key=lambda name: plans[name].rank_key())


def main_plan(scenario: Scenario, plans: dict[str, Plan], use_optimizer: bool, time_limit: float | None) -> tuple[Plan, str]:
    """The plan the report explains, and how it was found ("optimal" or "heuristic")."""
    if use_optimizer:
        plan = _optimize(scenario, time_limit)
        if plan is not None:
            return plan, "optimal"
    return plans[best_of(plans)], "heuristic"


def _totals(plan: Plan) -> dict[str, Any]:
    return plan.totals.model_dump(mode="json")


def comparison(main: Plan, plans: dict[str, Plan]) -> dict[str, Any]:
    rows = []
    mt = main.totals
    ranked = sorted(plans.items(), key=lambda kv: kv[1].rank_key())
    for name, plan in ranked:
        t = plan.totals
        rows.append({
            "strategy": name,
            "totals": _totals(plan),
            "payoff_date": plan.months[-1].date if t.payoff_month is not None else None,
            "savings": {
                "cost": _m(t.cost - mt.cost),
                "penalty_interest": _m(t.penalty_interest - mt.penalty_interest),
                "fees": _m(t.fees - mt.fees),
                "escalations": t.escalations - mt.escalations,
                "overdue_months": t.overdue_months - mt.overdue_months,
                "remaining_balance": _m(t.remaining_balance - mt.remaining_balance),
            },
        })
    return {"main": main.strategy, "rows": rows}


def _scenario_data(scenario: Scenario) -> dict[str, Any]:
    return scenario.model_dump(mode="json", by_alias=True, exclude_none=True)


def _with_inflow(scenario: Scenario, t: int, amount: Decimal) -> Scenario:
    from ..domain.months import month_label

    data = _scenario_data(scenario)
    data["budget"].setdefault("inflows", []).append({"month": month_label(scenario.start, t), "amount": str(amount)})
    return scenario_from_dict(data)


def _rerun(scenario: Scenario, strategy: str, order: Sequence[str] | None) -> Plan:
    if strategy == "custom":
        return run_strategy(scenario, "custom", list(order or []))
    return run_strategy(scenario, strategy)


def _base_strategy(main: Plan, plans: dict[str, Plan]) -> str:
    """The heuristic whose rule is replayed for what-ifs without a solver: the main plan's, else the best."""
    return main.strategy if main.strategy in plans else best_of(plans)


def borrowing(scenario: Scenario, main: Plan, plans: dict[str, Plan], order: Sequence[str] | None) -> dict[str, Any]:
    """以贷养贷: borrow what the plan leaves unpaid from a new lender, and follow the same rule.

    The amount is the least multiple of BORROW_STEP that, as cash in month 1,
    leaves no overdue month under the rule (searched up to everything owed).
    The new loan is an annuity over BORROW_TERM months with its first
    installment due in month 1, penalty 1.5x its rate, escalation at 3 months.
    """
    strategy = "custom" if order else _base_strategy(main, plans)
    base = plans[strategy]
    if base.totals.overdue_months == 0 and main.totals.overdue_months == 0:
        return {"needed": False, "strategy": strategy}
    owed = sum(to_cents(loan.balance) for loan in scenario.loans)
    step = BORROW_STEP * 100
    hi = -(-owed // step)

    def clears(k: int) -> bool:
        plan = _rerun(_with_inflow(scenario, 1, Decimal(k * step) / 100), strategy, order)
        return plan.totals.overdue_months == 0

    if not clears(hi):
        amount_steps = hi
    else:
        lo = 0
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if clears(mid):
                hi = mid
            else:
                lo = mid
        amount_steps = hi
    amount = Decimal(amount_steps * step) / 100
    rows = []
    for rate in BORROW_RATES:
        data = _scenario_data(scenario)
        data["budget"].setdefault("inflows", []).append(
            {"month": scenario.start, "amount": str(amount), "label": "borrowed"})
        data["loans"].append({"id": BORROW_LOAN_ID, "name": BORROW_LOAN_ID, "kind": "installment",
                              "balance": str(amount), "annual_rate": str(rate), "term_months": BORROW_TERM,
                              "method": "annuity", "penalty_multiplier": "1.5", "escalation_months": 3})
        borrowed = scenario_from_dict(data)
        new_order = [*order, BORROW_LOAN_ID] if order else None
        plan = _rerun(borrowed, strategy, new_order)
        new_interest = sum((lm.interest + lm.penalty_interest + lm.fees for m in plan.months for lm in m.loans
                            if lm.id == BORROW_LOAN_ID), Decimal(0))
        t = plan.totals
        rows.append({"rate": float(rate), "new_interest": _m(new_interest), "cost": _m(t.cost),
                     "escalations": t.escalations, "overdue_months": t.overdue_months,
                     "remaining_balance": _m(t.remaining_balance), "payoff_month": t.payoff_month})
    bt = base.totals
    better = any((r["escalations"], r["overdue_months"]) < (bt.escalations, bt.overdue_months) for r in rows)
    return {"needed": True, "strategy": strategy, "amount": float(amount), "month": 1, "term": BORROW_TERM,
            "base": {"cost": _m(bt.cost), "escalations": bt.escalations, "overdue_months": bt.overdue_months},
            "rows": rows, "verdict": "better" if better else "worse"}


def value_of_money(scenario: Scenario, main: Plan, plans: dict[str, Plan], order: Sequence[str] | None) -> dict[str, Any]:
    """What one more VALUE_UNIT of cash in each month saves.

    From the solver's cash duals when the plan carries them (plan.solver
    ["cash_values"], per month); else by replaying the plan's rule with the
    extra cash in each month in turn.
    """
    unit = Decimal(VALUE_UNIT)
    duals = main.solver.cash_values if main.solver is not None else None
    if isinstance(duals, list) and duals:
        months = [{"month": t, "saves": round(float(v) * VALUE_UNIT, 2), "overdue_fewer": 0, "escalations_fewer": 0}
                  for t, v in enumerate(duals, start=1) if t <= len(main.months)]
        return {"method": "dual", "unit": float(unit), "months": months}
    strategy = "custom" if order else _base_strategy(main, plans)
    base = plans[strategy].totals
    months = []
    for t in range(1, min(len(main.months), VALUE_MAX_MONTHS) + 1):
        plus = _rerun(_with_inflow(scenario, t, unit), strategy, order).totals
        # Cash not spent stays in savings: what it saves is the cost avoided and any debt no longer left at T.
        saves = (base.net_cost - plus.net_cost) + (base.remaining_balance - plus.remaining_balance)
        months.append({"month": t, "saves": _m(saves),
                       "overdue_fewer": base.overdue_months - plus.overdue_months,
                       "escalations_fewer": base.escalations - plus.escalations})
    return {"method": "replay", "strategy": strategy, "unit": float(unit), "months": months}


def _scaled_budget(scenario: Scenario, factor: Decimal) -> Scenario:
    data = _scenario_data(scenario)
    budget = data["budget"]

    def scale(amount: Any) -> str:
        return str((Decimal(str(amount)) * factor).quantize(Decimal("0.01")))

    budget["monthly"] = scale(budget["monthly"])
    for change in budget.get("changes", []):
        change["monthly"] = scale(change["monthly"])
    return scenario_from_dict(data)


def what_ifs(scenario: Scenario, method: str, order: Sequence[str] | None, use_optimizer: bool,
             time_limit: float | None) -> list[dict[str, Any]]:
    out = []
    for change, factor in (("up", Decimal("1.1")), ("down", Decimal("0.9"))):
        other = _scaled_budget(scenario, factor)
        plans = heuristic_plans(other, order)
        # A third of the main solve's time each: the what-ifs are indications, the main plan is the answer.
        limit = None if time_limit is None else max(1.0, time_limit / 3)
        plan, how = main_plan(other, plans, use_optimizer and method == "optimal", limit)
        t = plan.totals
        out.append({"change": change, "factor": float(factor), "budget": _m(other.budget.monthly),
                    "strategy": plan.strategy, "method": how, "totals": _totals(plan),
                    "payoff_date": plan.months[-1].date if t.payoff_month is not None else None})
    return out


def proposals(scenario: Scenario, main: Plan) -> list[dict[str, Any]]:
    """Per lender (loans grouped by `lender`, else each loan alone): what is owed and the planned payments."""
    groups: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for loan in scenario.loans:
        key = loan.lender or loan.id
        groups.setdefault(key, []).append(loan.id)
        names[key] = loan.lender or loan.display_name
    out = []
    for key, ids in groups.items():
        loans = [scenario.loans[scenario.loan_index(i)] for i in ids]
        payments = []
        for month in main.months:
            amount = sum((lm.payment for lm in month.loans if lm.id in ids), Decimal(0))
            if amount > 0:
                payments.append({"month": month.month, "date": month.date, "amount": _m(amount)})
        remaining = Decimal(0)
        if main.months:
            last = {lm.id: lm for m in main.months for lm in m.loans}
            remaining = sum((last[i].balance for i in ids if i in last), Decimal(0))
        out.append({
            "lender": names[key],
            "loans": ids,
            "owed": _m(sum((loan.balance for loan in loans), Decimal(0))),
            "arrears": _m(sum((loan.arrears for loan in loans), Decimal(0))),
            "payments": payments,
            "total": _m(sum((Decimal(str(p["amount"])) for p in payments), Decimal(0))),
            "remaining": _m(remaining),
        })
    return out


def offers(scenario: Scenario, main: Plan) -> list[dict[str, Any]]:
    """Every offer of the scenario: its terms, its all-in annual cost (borrowing offers), and the plan's decision."""
    from ..domain.months import month_index
    from ..domain.offers import AssetSale, BorrowOffer, HardshipPlan
    from ..ledger import offer_cost
    from ..ledger.terms import hardship_rate

    decisions = {d.offer: d for d in main.decisions}
    # what the optimizer says each offer is worth (its re-solve without it), when it ran
    offers_solved = main.solver.offers if main.solver is not None and main.solver.offers is not None else []
    worth = {row.offer: row.model_dump(mode="json") for row in offers_solved}
    out = []
    for offer in scenario.offers:
        row: dict[str, Any] = {
            "id": offer.id, "name": offer.name or offer.id, "kind": offer.kind,
            "first": month_index(scenario.start, offer.available_from),
            "last": month_index(scenario.start, offer.available_until),
        }
        if isinstance(offer, BorrowOffer):
            cost = offer_cost(scenario, offer.id)
            row.update(max_amount=_m(offer.max_amount), annual_rate=cost.annual_rate,
                       effective_annual_rate=cost.effective_annual_rate, crosses=cost.crosses)
        elif isinstance(offer, AssetSale):
            row.update(amount=_m(offer.amount), keep_value=_m(offer.keep_value))
        elif isinstance(offer, HardshipPlan):
            row.update(loan=offer.loan, term_months=offer.term_months, annual_rate=float(hardship_rate(offer) * 12),
                       fee_percent=float(offer.fee_percent), grace_months=offer.grace_months,
                       waive_percent=float(offer.waive_percent))
        taken = decisions.get(offer.id)
        row["taken"] = None if taken is None else {
            "month": taken.month, "amount": None if taken.amount is None else _m(taken.amount)}
        solved = worth.get(offer.id)
        if taken is not None and solved is not None and solved.get("worth"):
            row["worth"] = {**solved["worth"], "proved": bool(solved.get("proved", True))}
        out.append(row)
    return out


def build_report(scenario: Scenario, lang: str | None = None, order: Sequence[str] | None = None,
                 use_optimizer: bool = True, time_limit: float | None = None,
                 sections: frozenset[str] | None = None, plan: Plan | None = None) -> dict[str, Any]:
    """The whole report as data: the main plan in the spec's JSON shape plus explanations and sections.

    `plan`: the plan to explain (from `simulate` or `optimize`); by default the
    optimizer's (or, with `use_optimizer=False`, the best heuristic's).
    `sections` limits the optional parts (comparison, borrowing, value, whatif, proposals); None is all.
    """
    lang = lang or scenario.language
    want = sections if sections is not None else frozenset({"comparison", "borrowing", "value", "whatif", "proposals"})
    plans = heuristic_plans(scenario, order)
    if plan is None:
        main, method = main_plan(scenario, plans, use_optimizer, time_limit)
    else:
        main, method = plan, "optimal" if plan.strategy == "optimal" else "heuristic"
        use_optimizer = method == "optimal"
    data = plan_json_data(main)
    if data.get("solver") is not None:
        data["solver"] = _strip_timing(data["solver"])
    all_plans = dict(plans)
    if main.strategy not in all_plans or all_plans[main.strategy] != main:
        all_plans = {main.strategy: main, **{k: v for k, v in plans.items() if k != main.strategy}}
    data["explanations"] = explain(scenario, main)
    data["report"] = {"version": REPORT_VERSION, "language": lang, "method": method,
                      "start": scenario.start, "horizon_months": scenario.horizon_months,
                      "extra_monthly_to_clear": extra_monthly_to_clear(scenario, main)}
    data["loans"] = [{"id": loan.id, "name": loan.name, "lender": loan.lender, "kind": loan.kind,
                      "balance": _m(loan.balance), "arrears": _m(loan.arrears),
                      "months_overdue": loan.months_overdue, "escalation_months": loan.escalation_months}
                     for loan in scenario.loans]
    if scenario.offers:
        data["offers"] = offers(scenario, main)
    if "comparison" in want:
        data["comparison"] = comparison(main, all_plans)
    if "borrowing" in want:
        data["borrowing"] = borrowing(scenario, main, plans, order)
    if "value" in want:
        data["value_of_money"] = value_of_money(scenario, main, plans, order)
    if "whatif" in want:
        data["what_ifs"] = what_ifs(scenario, method, order, use_optimizer, time_limit)
    if "proposals" in want:
        data["proposals"] = proposals(scenario, main)
    return data
