"""Seeded random scenarios and random valid schedules, for tests and benchmarks.

    from scenarios import random_scenario, random_scenario_dict, random_plan

    scenario = random_scenario(7)                 # same seed, same scenario
    scenario = random_scenario(7, n_loans=20, horizon=120, tight=True)
    plan = random_plan(scenario, 7)               # a valid plan, stepped by the ledger

Every scenario this builds is valid (it goes through `scenario_from_dict`), and
exercises the whole contract: revolving and installment loans (fixed amount,
annuity, equal-principal), annual and daily rates, promotions, penalty rates and
multipliers, late fees, starting arrears, budget changes, inflows, starting
cash and a savings rate.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from debtopt.domain import Plan, Scenario, scenario_from_dict
from debtopt.domain.months import month_label
from debtopt.ledger import Ledger, LedgerRun, plan_from_run

__all__ = ["SMALL_TWO_LOANS", "random_offer", "random_scenario", "random_scenario_dict", "random_scenario_with_offers", "random_payments", "random_plan", "small_two_offers", "step_plan"]


def _rng(seed: int | random.Random) -> random.Random:
    return seed if isinstance(seed, random.Random) else random.Random(seed)


def _money(rng: random.Random, low: float, high: float) -> str:
    """A whole-cent amount as a string (exact through the validators)."""
    cents = rng.randint(round(low * 100), round(high * 100))
    return str(Decimal(cents) / 100)


def _loan(rng: random.Random, i: int) -> dict[str, Any]:
    kind = rng.choice(["revolving", "installment"])
    loan: dict[str, Any] = {"id": f"loan-{i}", "name": f"Loan {i}", "kind": kind}
    balance = Decimal(_money(rng, 50, 60000))
    loan["balance"] = str(balance)
    daily = rng.random() < 0.4
    if daily:
        rate = Decimal(rng.choice([0, 1, 2, 3, 4, 5, 6, 7, 8, 10])) / 10000 + Decimal(rng.randint(0, 9)) / 100000
        loan["daily_rate"] = str(rate)  # up to 0.00109 a day, 3.3 % a month
    else:
        loan["annual_rate"] = str(Decimal(rng.randint(0, 3600)) / 10000)  # 0 to 36 % a year
    if rng.random() < 0.2:
        unit = "daily_rate" if daily else "annual_rate"
        loan["promo_rate"] = str(Decimal(loan[unit]) * Decimal(rng.choice(["0", "0.5"])))
        loan["promo_months"] = rng.randint(1, 12)
    penalty = rng.random()
    if penalty < 0.3:
        loan["penalty_multiplier"] = rng.choice(["1.3", "1.5", "2"])
    elif penalty < 0.45:
        unit = "daily_rate" if daily else "annual_rate"
        loan["penalty_rate"] = str(Decimal(loan[unit]) * Decimal("1.5") + Decimal("0.0001" if daily else "0.01"))
    if rng.random() < 0.5:
        loan["late_fee"] = _money(rng, 0, 60)
    if rng.random() < 0.4:
        loan["late_fee_percent"] = rng.choice(["0.01", "0.05", "0.005"])
    loan["escalation_months"] = rng.choice([1, 2, 3, 3, 3, 4, 6])
    if rng.random() < 0.25 and loan["escalation_months"] > 1:
        arrears = min(balance, Decimal(_money(rng, 0.01, float(balance) / 3 + 0.01)))
        loan["arrears"] = str(arrears)
        loan["months_overdue"] = rng.randint(1, loan["escalation_months"] - 1)
    if kind == "revolving":
        loan["min_percent"] = rng.choice(["0.01", "0.02", "0.03", "0.05", "0.1"])
        if rng.random() < 0.7:
            loan["min_floor"] = rng.choice(["0", "25", "100", "300"])
    else:
        shape = rng.random()
        if shape < 0.3:
            loan["installment"] = _money(rng, 0.01 + float(balance) / 40, float(balance) / 3 + 1)
        else:
            loan["term_months"] = rng.randint(1, 48)
            loan["method"] = "annuity" if shape < 0.65 else "equal-principal"
    return loan


def random_scenario_dict(
    seed: int | random.Random,
    *,
    n_loans: int | None = None,
    horizon: int | None = None,
    tight: bool | None = None,
) -> dict[str, Any]:
    """The fields of a random valid scenario (as a file would give them).

    `tight` makes the budget short of the dues at first (so loans fall behind);
    by default one scenario in two is tight.
    """
    rng = _rng(seed)
    n = n_loans if n_loans is not None else rng.randint(1, 5)
    horizon = horizon if horizon is not None else rng.randint(1, 36)
    tight = tight if tight is not None else rng.random() < 0.5
    start_year, start_month = rng.randint(2024, 2030), rng.randint(1, 12)
    start = f"{start_year:04d}-{start_month:02d}"
    loans = [_loan(rng, i) for i in range(n)]
    total = sum(Decimal(loan["balance"]) for loan in loans)
    share = Decimal(rng.choice(["0.01", "0.02", "0.04"]) if tight else rng.choice(["0.05", "0.1", "0.3"]))
    budget: dict[str, Any] = {"monthly": str((total * share).quantize(Decimal("0.01")))}
    if rng.random() < 0.3:
        budget["starting_cash"] = _money(rng, 0, 5000)
    if rng.random() < 0.3:
        budget["savings_rate"] = rng.choice(["0.01", "0.02", "0.035"])
    changes = []
    for t in sorted(rng.sample(range(1, horizon + 1), k=min(horizon, rng.choice([0, 0, 1, 2])))):
        changes.append({"from": month_label(start, t), "monthly": str((total * Decimal(rng.choice(["0", "0.02", "0.1", "0.2"]))).quantize(Decimal("0.01")))})
    if changes:
        budget["changes"] = changes
    inflows = []
    for _ in range(rng.choice([0, 0, 1, 2])):
        t = rng.randint(1, horizon)
        inflows.append({"month": month_label(start, t), "amount": _money(rng, 1, float(total) / 2 + 1), "label": "windfall"})
    if inflows:
        budget["inflows"] = inflows
    return {
        "currency": rng.choice(["CNY", "USD"]),
        "language": rng.choice(["zh", "en"]),
        "start": start,
        "horizon_months": horizon,
        "budget": budget,
        "loans": loans,
    }


def random_scenario(seed: int | random.Random, **kwargs: Any) -> Scenario:
    """A random valid scenario; see `random_scenario_dict` for the options."""
    return scenario_from_dict(random_scenario_dict(seed, **kwargs))


def random_payments(run: LedgerRun, rng: random.Random) -> list[int]:
    """Open the next month of `run` and choose random valid payments for it (not yet settled).

    Each open loan, in a random order, gets nothing, its due, all it owes, or a
    random amount up to what it owes, always within the cash left.
    """
    st = run.open_month()
    n = len(st.owed)
    payments = [0] * n
    cash = st.cash_available
    order = list(range(n))
    rng.shuffle(order)
    for i in order:
        if not st.is_open[i] or cash <= 0:
            continue
        cap = min(st.owed[i], cash)
        pick = rng.random()
        if pick < 0.15:
            p = 0
        elif pick < 0.55:
            p = min(st.due[i], cap)
        elif pick < 0.75:
            p = cap
        elif pick < 0.85:
            p = max(0, min(st.due[i], cap) - rng.randint(1, 3))  # a few cents short
        else:
            p = rng.randint(0, cap)
        payments[i] = p
        cash -= p
    return payments


def step_plan(scenario: Scenario | Ledger, seed: int | random.Random, strategy: str = "random") -> tuple[LedgerRun, Plan]:
    """Step a fresh run with random valid payments to its end; the run and its plan."""
    rng = _rng(seed)
    ledger = scenario if isinstance(scenario, Ledger) else Ledger(scenario)
    run = ledger.start()
    while not run.finished:
        run.settle(random_payments(run, rng))
    return run, plan_from_run(run, strategy)


def random_plan(scenario: Scenario | Ledger, seed: int | random.Random, strategy: str = "random") -> Plan:
    """A random valid plan of `scenario`, stepped through the ledger."""
    return step_plan(scenario, seed, strategy)[1]


# Two loans, eight months, one of them two months behind: the API and server tests' small case.
SMALL_TWO_LOANS: dict[str, Any] = {
    "currency": "CNY",
    "language": "en",
    "start": "2027-01",
    "horizon_months": 8,
    "budget": {"monthly": 900},
    "loans": [
        {"id": "card", "name": "Credit card", "kind": "revolving", "balance": 3000, "daily_rate": 0.0005,
         "min_percent": 0.1, "late_fee_percent": 0.05},
        {"id": "weilidai", "name": "微粒贷", "kind": "installment", "balance": 2400, "daily_rate": 0.0005,
         "term_months": 6, "method": "equal-principal", "penalty_multiplier": 1.5, "arrears": 400,
         "months_overdue": 2},
    ],
}


def random_offer(rng: random.Random, data: dict[str, Any], offer_id: str = "offer") -> dict[str, Any]:
    """A valid offer of a random kind for the scenario `data` (a dict): its window, terms and
    fees drawn from ranges that make it sometimes worth taking and sometimes not."""
    horizon = data["horizon_months"]
    start_year, start_month = map(int, data["start"].split("-"))

    def month(t: int) -> str:
        k = start_month - 1 + t - 1
        return f"{start_year + k // 12:04d}-{k % 12 + 1:02d}"

    first = rng.randint(1, horizon)
    last = rng.randint(first, min(horizon, first + 2))
    total = sum(float(loan["balance"]) for loan in data["loans"])
    base = {"id": offer_id, "available_from": month(first), "available_until": month(last)}
    kind = rng.choice(["consolidation", "balance-transfer", "cash-loan", "asset-sale", "hardship-plan"])
    if kind == "hardship-plan":
        return {**base, "kind": kind, "loan": rng.choice(data["loans"])["id"], "term_months": rng.randint(1, 12),
                "method": rng.choice(["annuity", "equal-principal"]), "annual_rate": rng.choice([0, 0.06, 0.3]),
                "fee_percent": rng.choice([0, 0.02]), "grace_months": rng.choice([0, 0, 1, 2]),
                "waive_percent": rng.choice([0, 0.5, 1])}
    if kind == "asset-sale":
        return {**base, "kind": kind, "amount": round(rng.uniform(0.05, 0.5) * total, 2),
                "keep_value": round(rng.uniform(0, 0.1) * total, 2)}
    rate = rng.choice([0.0, 0.06, 0.12, 0.24, 0.36])
    if kind == "balance-transfer":
        new_loan = {"kind": "revolving", "annual_rate": rate, "promo_rate": 0, "promo_months": rng.randint(1, 6),
                    "min_percent": 0.05, "min_floor": 10}
    elif rng.random() < 0.5:
        new_loan = {"kind": "installment", "annual_rate": rate, "term_months": rng.randint(2, 12),
                    "method": rng.choice(["annuity", "equal-principal"])}
    else:
        new_loan = {"kind": "bullet", "annual_rate": rate, "due_month": rng.randint(0, 6)}
    offer = {**base, "kind": kind, "max_amount": round(rng.uniform(0.1, 1.0) * total, 2),
             "fee_added_percent": rng.choice([0, 0.03]), "fee_deducted_percent": rng.choice([0, 0.02]),
             "loan": new_loan}
    if kind != "cash-loan" and rng.random() < 0.5:
        payable = [loan["id"] for loan in data["loans"] if kind == "consolidation" or loan["kind"] == "revolving"]
        if payable:  # a balance transfer pays revolving loans only
            offer["pays"] = [rng.choice(payable)]
    return offer


def random_scenario_with_offers(seed: int, **size: Any) -> Scenario:
    """A generated scenario (random_scenario_dict's `size` options) with one to three random offers."""
    rng = random.Random(seed)
    data = random_scenario_dict(rng, **size)
    data["offers"] = [random_offer(rng, data, f"offer-{k}") for k in range(rng.randint(1, 3))]
    return scenario_from_dict(data)


def small_two_offers() -> Scenario:
    """A small scenario that takes two offers: a free family loan and an asset sale (each re-solve proves fast)."""
    data = random_scenario_dict(7, n_loans=2, horizon=6, tight=True)
    data["offers"] = [
        {"id": "mum", "kind": "cash-loan", "available_from": data["start"], "available_until": data["start"],
         "max_amount": "2000", "loan": {"kind": "bullet", "annual_rate": "0", "due_month": 12}},
        {"id": "bike", "kind": "asset-sale", "available_from": data["start"], "available_until": data["start"],
         "amount": "800", "keep_value": "10"},
    ]
    return scenario_from_dict(data)
