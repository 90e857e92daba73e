"""Helpers for the check-in tests: an actual file that follows a plan, random plans that take offers."""

from __future__ import annotations

import json
import random
from typing import Any

from scenarios import random_offer, random_scenario_dict

from debtopt.domain import Plan, Scenario, scenario_from_dict
from debtopt.domain.actual import Actual, actual_from_dict
from debtopt.domain.choices import BORROW_KINDS
from debtopt.domain.money import from_cents
from debtopt.domain.months import month_index, month_label
from debtopt.domain.offers import BorrowOffer, HardshipPlan, Settlement
from debtopt.domain.plan import Take
from debtopt.errors import ScheduleError
from debtopt.ledger import Ledger, LedgerRun


def actual_following(plan: Plan, scenario: Scenario, months: int) -> dict[str, Any]:
    """The actual file of a borrower who did exactly what `plan` said for its first `months` months."""
    rows = []
    for row in plan.months[:months]:
        month: dict[str, Any] = {"month": row.date,
                                 "payments": {loan.id: str(loan.payment) for loan in row.loans if loan.payment}}
        taken = [{"offer": d.offer, **({"amount": str(d.amount)} if d.kind in BORROW_KINDS else {})}
                 for d in plan.decisions if d.month == row.month]
        if taken:
            month["taken"] = taken
        rows.append(month)
    return {"scenario_start": scenario.start, "months": rows}


def month_rows(plan: Plan, skip: int = 0) -> list[str]:
    """A plan's months from `skip` on as JSON without their plan-month number, each loan in id order:
    the same calendar months of two plans compare byte for byte."""
    out = []
    for row in plan.months[skip:]:
        data = row.model_dump(mode="json")
        data.pop("month")
        data["loans"] = sorted(data["loans"], key=lambda loan: loan["id"])
        out.append(json.dumps(data, sort_keys=True, ensure_ascii=False))
    return out


def settlement_offer(rng: random.Random, data: dict[str, Any], offer_id: str) -> dict[str, Any]:
    """A random settlement of one of the scenario's loans, priced by percent or amount, in 1 to 6 parts."""
    horizon = data["horizon_months"]
    first = rng.randint(1, horizon)
    last = rng.randint(first, min(horizon, first + 3))
    offer = {"id": offer_id, "kind": "settlement", "loan": rng.choice(data["loans"])["id"],
             "available_from": month_label(data["start"], first), "available_until": month_label(data["start"], last),
             "instalments": rng.choice([1, 1, 2, 3, 6]), "forgiven_tax_rate": rng.choice([0, 0, 0.22])}
    if rng.random() < 0.6:
        offer["percent"] = rng.choice([0.3, 0.5, 0.8])
    else:
        offer["amount"] = round(float(data["loans"][0]["balance"]) * rng.uniform(0.2, 0.9), 2)
    return offer


def random_case(seed: int) -> tuple[random.Random, Scenario]:
    """A small random scenario with random offers (settlements among them) and some percent-plus-interest cards."""
    rng = random.Random(seed)
    data = random_scenario_dict(rng, n_loans=rng.randint(1, 4), horizon=rng.randint(6, 30))
    offers = [random_offer(rng, data, f"offer-{k}") for k in range(rng.randint(0, 2))]
    offers += [settlement_offer(rng, data, f"settle-{k}") for k in range(rng.randint(0, 2))]
    data["offers"] = offers
    for loan in data["loans"]:
        if loan["kind"] == "revolving" and rng.random() < 0.3:
            loan["min_rule"] = "percent-plus-interest"
            loan["min_percent"] = "0.01"
    return rng, scenario_from_dict(data)


def _takes(rng: random.Random, run: LedgerRun, scenario: Scenario, t: int, done: dict[str, int | None]) -> list[Take]:
    """Offers taken at random in month t, among those a borrower could take then (each once, one
    conversion or settlement a loan, a restricted offer only while a loan it pays is open)."""
    takes = []
    for offer in scenario.offers:
        if offer.id in done or rng.random() < 0.6:
            continue
        if not month_index(scenario.start, offer.available_from) <= t <= month_index(scenario.start,
                                                                                      offer.available_until):
            continue
        amount = None
        if isinstance(offer, BorrowOffer):
            if offer.kind != "cash-loan":
                pays = offer.pays or [loan.id for loan in scenario.loans]
                if not any(run.accounts[scenario.loan_index(loan_id)].balance for loan_id in pays):
                    continue
            low, high = int(offer.min_amount * 100), int(offer.max_amount * 100)
            amount = rng.randint(max(low, 1), max(low, high))
        if isinstance(offer, HardshipPlan | Settlement):
            i = scenario.loan_index(offer.loan)
            account = run.accounts[i]
            if account.balance == 0 or account.settlement is not None or i in done.values():
                continue
            done[offer.id] = i
        else:
            done[offer.id] = None
        takes.append(Take(offer=offer.id, month=t, amount=amount))
    return takes


def random_run(rng: random.Random, scenario: Scenario) -> tuple[LedgerRun, list[list[int]], list[Take]] | None:
    """Step the scenario to its end with random offers taken and random payments (restricted proceeds
    spent on their loans first): the run, its payment rows and decisions; None if the ledger refused."""
    run = Ledger(scenario).start()
    rows: list[list[int]] = []
    decisions: list[Take] = []
    done: dict[str, int | None] = {}
    while not run.finished:
        takes = _takes(rng, run, scenario, run.month + 1, done)
        try:
            st = run.open_month(takes)
        except ScheduleError:
            return None
        pays = [0] * len(st.owed)
        for received, accounts in st.restricted:
            for i in sorted(accounts):
                if st.is_open[i]:
                    paid = min(st.owed[i] - pays[i], received)
                    pays[i] += paid
                    received -= paid
        cash = st.cash_available
        order = list(range(len(st.owed)))
        rng.shuffle(order)
        for i in order:
            if not st.is_open[i]:
                continue
            cap = min(st.owed[i] - pays[i], max(0, cash))
            pick = rng.random()
            if pick < 0.15:
                paid = 0
            elif pick < 0.6:
                paid = min(max(0, st.due[i] - pays[i]), cap)
            elif pick < 0.75:
                paid = cap
            else:
                paid = rng.randint(0, cap)
            pays[i] += paid
            cash -= paid
        try:
            run.settle(pays)
        except ScheduleError:
            return None
        rows.append(pays)
        decisions += takes
    return run, rows, decisions


def actual_of_run(scenario: Scenario, run: LedgerRun, rows: list[list[int]], decisions: list[Take],
                  months: int) -> Actual:
    """The actual file of the first `months` months of a random run."""
    ids = run.ledger.account_ids
    out = []
    for t in range(1, months + 1):
        month: dict[str, Any] = {"month": month_label(scenario.start, t),
                                 "payments": {ids[i]: str(from_cents(p)) for i, p in enumerate(rows[t - 1]) if p}}
        taken = [{"offer": d.offer, **({"amount": str(from_cents(d.amount))} if d.amount is not None else {})}
                 for d in decisions if d.month == t]
        if taken:
            month["taken"] = taken
        out.append(month)
    return actual_from_dict({"scenario_start": scenario.start, "months": out}, scenario)
