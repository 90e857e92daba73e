"""The heuristics: who gets the cash when it is short, where the rest goes, and the allocation arithmetic."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from debtopt.domain import scenario_from_dict
from debtopt.errors import OptionError
from debtopt.strategies import HEURISTICS, best_heuristic, run_heuristics, run_strategy
from debtopt.strategies.allocate import fill_in_order, fill_pro_rata

from scenarios import random_scenario

TWO_CARDS: dict[str, Any] = {
    "currency": "USD",
    "start": "2027-01",
    "horizon_months": 36,
    "budget": {"monthly": 600},
    "loans": [
        # dear card, big balance
        {"id": "dear", "kind": "revolving", "balance": 4000, "annual_rate": 0.30, "min_percent": 0.03,
         "min_floor": 35, "late_fee": 32},
        # cheap card, small balance
        {"id": "cheap", "kind": "revolving", "balance": 1000, "annual_rate": 0.12, "min_percent": 0.03,
         "min_floor": 35, "late_fee": 32},
    ],
}


def first_month(name: str, data: dict[str, Any], order: list[str] | None = None) -> dict[str, Any]:
    plan = run_strategy(scenario_from_dict(data), name, order)
    return {row.id: row for row in plan.months[0].loans} | {"_month": plan.months[0]}


def test_minimum_pays_dues_and_saves_the_rest() -> None:
    rows = first_month("minimum", TWO_CARDS)
    # dear: D = 4000 + round(0.025 * 4000) = 4100; R = max(35, round(0.03 * 4100)) = 123
    # cheap: D = 1000 + 10 = 1010; R = max(35, 30.30) = 35
    assert (rows["dear"].payment, rows["cheap"].payment) == (123, 35)
    assert rows["_month"].saved == 600 - 123 - 35


def test_avalanche_sends_the_rest_to_the_dearest_rate() -> None:
    rows = first_month("avalanche", TWO_CARDS)
    assert (rows["dear"].payment, rows["cheap"].payment) == (600 - 35, 35)


def test_snowball_sends_the_rest_to_the_smallest_debt() -> None:
    rows = first_month("snowball", TWO_CARDS)
    assert (rows["dear"].payment, rows["cheap"].payment) == (123, 600 - 123)


def test_balance_matching_spreads_the_rest_by_what_is_owed() -> None:
    rows = first_month("balance-matching", TWO_CARDS)
    # dues 123 + 35; the 442 left is split in proportion to what each owes, 4100 : 1010
    extra = 600 - 158
    dear_extra = rows["dear"].payment - 123
    assert rows["dear"].payment + rows["cheap"].payment == 600
    assert abs(float(dear_extra) - extra * 4100 / (4100 + 1010)) <= 0.01


def test_custom_follows_the_borrowers_order() -> None:
    rows = first_month("custom", TWO_CARDS, ["cheap", "dear"])
    assert (rows["dear"].payment, rows["cheap"].payment) == (123, 600 - 123)


def short_of_dues() -> dict[str, Any]:
    """Cash below the dues: who goes short?"""
    data = copy.deepcopy(TWO_CARDS)
    data["budget"]["monthly"] = 100
    data["loans"][1]["late_fee_percent"] = 0.05  # a shortfall on 'cheap' costs 1 % + 5 %
    data["loans"][1]["annual_rate"] = 0.12
    return data


def test_avalanche_lets_the_loan_go_short_where_a_shortfall_costs_least() -> None:
    rows = first_month("avalanche", short_of_dues())
    # shortfall cost a month: dear 2.5 %; cheap 1 % + 5 % late fee = 6 %: cheap is paid first.
    assert rows["cheap"].payment == 35 and rows["dear"].payment == 65
    assert rows["dear"].overdue and not rows["cheap"].overdue


def test_snowball_short_pays_the_smallest_debt_first() -> None:
    rows = first_month("snowball", short_of_dues())
    assert rows["cheap"].payment == 35 and rows["dear"].payment == 65


def test_minimum_short_cuts_every_due_in_proportion() -> None:
    rows = first_month("minimum", short_of_dues())
    assert rows["dear"].payment + rows["cheap"].payment == 100
    assert abs(float(rows["dear"].payment) - 100 * 123 / 158) < 0.01
    assert rows["dear"].overdue and rows["cheap"].overdue


def test_urgency_keeps_the_loan_nearest_escalation_current() -> None:
    data = copy.deepcopy(short_of_dues())
    data["budget"]["monthly"] = 300
    data["loans"][0].update(arrears=150, months_overdue=2)  # dear: one month from escalation
    rows = first_month("urgency", data)
    # dear's due = 150 + R: paying it in full stops the escalation; cheap goes short.
    assert not rows["dear"].overdue
    assert rows["cheap"].overdue
    avalanche = first_month("avalanche", data)
    assert avalanche["dear"].overdue and avalanche["dear"].escalated


def test_unknown_strategy_is_an_option_error_naming_the_parameter() -> None:
    with pytest.raises(OptionError, match="strategy: unknown strategy 'magic'") as caught:
        run_strategy(scenario_from_dict(TWO_CARDS), "magic")
    assert [issue.path for issue in caught.value.issues] == ["strategy"]


@pytest.mark.parametrize(("order", "path", "words"), [
    (None, "order", "the custom strategy needs an order"),
    (["dear", "nope"], "order", "no loan 'nope'"),
    (["dear", "dear"], "order", "named twice"),
])
def test_custom_order_errors_name_the_parameter(order: list[str] | None, path: str, words: str) -> None:
    with pytest.raises(OptionError) as caught:
        run_strategy(scenario_from_dict(TWO_CARDS), "custom", order)
    (issue,) = caught.value.issues
    assert issue.path == path and words in issue.message


def test_best_heuristic_is_the_first_in_the_contract_order() -> None:
    scenario = random_scenario(3, n_loans=4, horizon=24, tight=True)
    plans = run_heuristics(scenario)
    best = best_heuristic(scenario)
    assert best.rank_key() == min(p.rank_key() for p in plans.values())
    assert set(plans) == set(HEURISTICS)


@pytest.mark.parametrize("seed", range(12))
def test_every_heuristic_gives_a_valid_plan_on_random_scenarios(seed: int) -> None:
    scenario = random_scenario(seed, n_loans=1 + seed % 5, horizon=36, tight=seed % 2 == 0)
    for name, plan in run_heuristics(scenario).items():
        assert plan.strategy == name
        for month in plan.months:
            assert sum(r.payment for r in month.loans) <= month.cash_available
            assert month.saved >= 0


@settings(max_examples=200, deadline=None)
@given(
    cash=st.integers(0, 10_000),
    caps=st.lists(st.integers(0, 5_000), min_size=1, max_size=6),
    data=st.data(),
)
def test_allocations_never_exceed_cash_or_caps(cash: int, caps: list[int], data: st.DataObject) -> None:
    weights = data.draw(st.lists(st.integers(0, 9_000), min_size=len(caps), max_size=len(caps)))
    for fill in ("order", "pro_rata"):
        pays = [0] * len(caps)
        if fill == "order":
            left = fill_in_order(cash, list(range(len(caps))), caps, pays)
        else:
            left = fill_pro_rata(cash, weights, caps, pays)
        assert left >= 0 and sum(pays) + left == cash
        assert all(0 <= p <= c for p, c in zip(pays, caps, strict=True))
        fillable = sum(c for c, w in zip(caps, weights, strict=True) if fill == "order" or w > 0)
        assert left == max(0, cash - fillable)


def test_pro_rata_gives_rounding_cents_to_the_largest_remainders() -> None:
    pays = [0, 0, 0]
    assert fill_pro_rata(100, [1, 1, 1], [100, 100, 100], pays) == 0
    assert pays == [34, 33, 33]


def test_every_heuristic_continues_after_an_offer_opened_a_loan() -> None:
    """Strategies read each account's rates from the ledger run: an offer's new loan has its own."""
    from pathlib import Path

    from debtopt.domain import load_scenario
    from debtopt.domain.plan import Take
    from debtopt.ledger import Ledger, replay
    from debtopt.strategies import propose_schedule

    scenario = load_scenario(Path(__file__).resolve().parents[1] / "examples" / "us-consolidation.toml")
    ledger = Ledger(scenario)
    for name, decide in HEURISTICS.items():
        plan = replay(ledger, propose_schedule(ledger, decide, [Take(offer="transfer", month=1, amount=1200000)]), name)
        assert [d.offer for d in plan.decisions] == ["transfer"]
        assert any(row.id == "transfer" for month in plan.months for row in month.loans)
