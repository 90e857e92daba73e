"""The check-in (checkin.md): the months that passed replayed by the ledger, the next scenario carried exactly."""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from checkin_helpers import actual_following, actual_of_run, month_rows, random_case, random_run

from debtopt.domain import Schedule, load_scenario, scenario_from_dict
from debtopt.domain.actual import actual_from_dict, load_actual
from debtopt.domain.plan import Take
from debtopt.errors import InputError
from debtopt.ledger import Ledger, replay
from debtopt.ledger.checkin import check_in
from debtopt.strategies import HEURISTICS, run_strategy

ROOT = Path(__file__).parent.parent
ZHANG_SAN = ROOT / "examples" / "zhang-san.toml"
EXAMPLES = [ROOT / "examples" / f"{name}.toml" for name in ("zhang-san", "us-cards", "us-consolidation")]


def test_the_spec_example_carries_every_loan_and_reports_the_cards_statement() -> None:
    scenario = load_scenario(ZHANG_SAN)
    result = check_in(scenario, load_actual(ROOT / "tests" / "data" / "zhang-san-actual.toml", scenario))
    # the card: I = round(0.015 x 14,900) = 223.50, D = 15,123.50, paid 5,817.22: the ledger's B' is 9,306.28;
    # the statement says 9,120.55, a correction of -185.73
    (correction,) = result.corrections
    assert (correction.loan, correction.month, correction.field) == ("card", "2026-12", "balance")
    assert (correction.ledger, correction.statement, correction.amount) == (
        Decimal("9306.28"), Decimal("9120.55"), Decimal("-185.73"))
    fields, loans = result.fields, {loan["id"]: loan for loan in result.fields["loans"]}
    assert (fields["start"], fields["horizon_months"]) == ("2027-01", 35)
    # cash 3,200 + mum's 5,000 - paid 7,670.63 = 529.37 saved; January's budget, June's change and the
    # February sale remain
    assert fields["budget"]["starting_cash"] == Decimal("529.37") and fields["budget"]["monthly"] == 2200
    assert [c["from"] for c in fields["budget"]["changes"]] == ["2027-06"]
    assert [i["month"] for i in fields["budget"]["inflows"]] == ["2027-02"]
    assert list(loans) == ["weilidai", "huabei", "card", "jiebei", "jd-baitiao", "mum"]
    assert loans["card"]["balance"] == Decimal("9120.55") and "arrears" not in loans["card"]
    # 借呗 paid its 1,061.71: 11,941.60 - 1,061.71; the annuity stays as set, 11 months left
    assert (loans["jiebei"]["balance"], loans["jiebei"]["installment"], loans["jiebei"]["term_months"]) == (
        Decimal("10879.89"), Decimal("1061.71"), 11)
    assert "method" not in loans["jiebei"]
    # 微粒贷: unpaid (D 15,857.25), converted by 个性化分期 with half its 69.75 penalty interest waived
    # (34.88): 15,822.37 over 24 months at 0.03 % a day, its part round(15,822.37 / 24) = 659.27, one
    # month of grace left, the original's penalty rate (0.05 % x 1.5) and escalation months
    w = loans["weilidai"]
    assert (w["balance"], w["principal_part"], w["term_months"], w["grace_months"]) == (
        Decimal("15822.37"), Decimal("659.27"), 24, 1)
    assert (w["daily_rate"], w["penalty_rate"], w["method"], w.get("arrears")) == (
        Decimal("0.0003"), Decimal("0.00075"), "equal-principal", None)
    # mum's loan opens in January: its due month is still a year on
    assert (loans["mum"]["kind"], loans["mum"]["balance"], loans["mum"]["due_month"]) == ("bullet", 5000, 12)
    # offers taken are gone; the e-bike and the consolidation keep their windows
    offers = {offer["id"]: offer for offer in fields["offers"]}
    assert set(offers) == {"wangdai", "ebike", "cmb-consolidation"}
    assert offers["wangdai"]["available_from"] == "2027-01" and offers["ebike"]["available_from"] == "2027-01"
    assert offers["cmb-consolidation"]["available_from"] == "2027-06"
    assert result.scenario.start == "2027-01" and result.notes == []


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
@pytest.mark.parametrize("months", [1, 3, 8])
def test_following_a_heuristic_then_planning_again_gives_its_remaining_months(path: Path, months: int) -> None:
    scenario = load_scenario(path)
    for name in HEURISTICS:
        plan = run_strategy(scenario, name)
        if months >= len(plan.months):
            continue
        result = check_in(scenario, actual_from_dict(actual_following(plan, scenario, months), scenario))
        again = run_strategy(result.scenario, name)
        assert month_rows(again) == month_rows(plan, months), name
        assert again.totals.remaining_balance == plan.totals.remaining_balance


def _check_carried_exactly(seed: int) -> bool:
    """A random plan (offers taken, random payments) cut at a random month: the check-in's next
    scenario replays the rest of the plan to the same months, cent for cent. False when the ledger
    refused the random plan or the next scenario could not hold a state exactly (said in its notes)."""
    rng, scenario = random_case(seed)
    stepped = random_run(rng, scenario)
    if stepped is None or len(stepped[1]) < 2:
        return False
    run, rows, decisions = stepped
    months = rng.randint(1, len(rows) - 1)
    result = check_in(scenario, actual_of_run(scenario, run, rows, decisions, months))
    if result.notes:
        return False
    old_ids, new_ids = run.ledger.account_ids, Ledger(result.scenario).account_ids
    tail = []
    for row in rows[months:]:
        shifted = [0] * len(new_ids)
        for i, paid in enumerate(row):
            if paid:
                shifted[new_ids.index(old_ids[i])] = paid
        tail.append(shifted)
    later = [Take(offer=d.offer, month=d.month - months, amount=d.amount) for d in decisions if d.month > months]
    again = replay(result.scenario, Schedule(payments=tail, decisions=later))
    from debtopt.ledger import plan_from_run

    assert month_rows(again) == month_rows(plan_from_run(run, "random"), months), seed
    return True


def test_a_check_in_carries_every_state_exactly_on_random_plans() -> None:
    assert sum(_check_carried_exactly(seed) for seed in range(80)) >= 60


@pytest.mark.slow
def test_a_check_in_carries_every_state_exactly_on_many_random_plans() -> None:
    assert sum(_check_carried_exactly(seed) for seed in range(80, 2080)) >= 1500


MISSED: dict[str, Any] = {
    "currency": "CNY", "start": "2027-01", "horizon_months": 12, "budget": {"monthly": 4000},
    "loans": [
        {"id": "card", "kind": "revolving", "balance": 10000, "daily_rate": 0.0005, "penalty_multiplier": 1.5,
         "min_percent": 0.1, "min_floor": 10, "late_fee_percent": 0.05, "escalation_months": 3},
        {"id": "loan", "kind": "installment", "balance": 6000, "annual_rate": 0.12, "term_months": 6,
         "method": "equal-principal", "late_fee": 50},
    ],
}


def test_a_missed_payment_carries_arrears_fees_and_months_overdue_as_the_ledger_does() -> None:
    scenario = scenario_from_dict(MISSED)
    # month 1 both dues paid (card: I = round(0.015 x 10,000) = 150.00, D = 10,150.00, R = 1,015.00);
    # month 2 the card is missed; month 3 it is paid a little
    actual = {"scenario_start": "2027-01", "months": [
        {"month": "2027-01", "payments": {"card": 1015.00, "loan": 1060.00}},
        {"month": "2027-02", "payments": {"loan": 1050.00}},
        {"month": "2027-03", "payments": {"card": 300, "loan": 1040.00}},
    ]}
    result = check_in(scenario, actual_from_dict(actual, scenario))
    # the same months stepped by the ledger directly
    run = Ledger(scenario).start()
    for row in ([101500, 106000], [0, 105000], [30000, 104000]):
        run.open_month()
        run.settle(row)
    card = next(loan for loan in result.fields["loans"] if loan["id"] == "card")
    account = run.accounts[0]
    assert (card["balance"], card["arrears"], card["months_overdue"]) == (
        Decimal(account.balance) / 100, Decimal(account.arrears) / 100, 2)
    # month 2: D = 9,135.00 + 137.03 = 9,272.03 (I = round(0.015 x 9,135)), due 927.20, unpaid: fee 46.36
    february = result.passed.months[1].loans[0]
    assert (february.due, february.fees, february.arrears) == (Decimal("927.20"), Decimal("46.36"), Decimal("973.56"))
    assert result.passed.totals.fees == february.fees + result.passed.months[2].loans[0].fees
    loan = next(loan for loan in result.fields["loans"] if loan["id"] == "loan")
    assert (loan["principal_part"], loan["term_months"], "arrears" in loan) == (Decimal("1000.00"), 3, False)


def test_statements_override_the_ledger_and_the_overdue_state_follows_them() -> None:
    scenario = scenario_from_dict(MISSED)
    actual = {"scenario_start": "2027-01", "months": [
        # the card is missed, but the lender's statement shows it current (a payment the borrower
        # forgot to write down); the loan was paid, but the lender shows 25.00 past due
        {"month": "2027-01", "payments": {"loan": 1060.00},
         "statements": {"card": {"balance": 9135.00, "arrears": 0}, "loan": {"arrears": 25}}},
    ]}
    result = check_in(scenario, actual_from_dict(actual, scenario))
    found = {(c.loan, c.field): c.amount for c in result.corrections}
    # the ledger: card B' = 10,150.00 + 50.75 fee (5 % of 1,015.00), A' = 1,065.75; loan B' = 5,000.00, A' = 0
    assert found == {("card", "balance"): Decimal("-1065.75"), ("card", "arrears"): Decimal("-1065.75"),
                     ("loan", "arrears"): Decimal("25.00")}
    loans = {loan["id"]: loan for loan in result.fields["loans"]}
    assert "months_overdue" not in loans["card"] and loans["loan"]["months_overdue"] == 1
    row = result.passed.months[0].loans[0]
    assert (row.balance, row.overdue) == (Decimal("9135.00"), False)
    assert result.passed.totals.overdue_months == 1  # the loan's month, not the card's


def test_an_escalation_in_the_months_passed_puts_the_loan_in_collection() -> None:
    data = copy.deepcopy(MISSED)
    data["loans"][0].update(arrears=900, months_overdue=2)
    scenario = scenario_from_dict(data)
    result = check_in(scenario, actual_from_dict(
        {"scenario_start": "2027-01", "months": [{"month": "2027-01", "payments": {"loan": 1060.00}},
                                                 {"month": "2027-02", "payments": {"card": 4500, "loan": 1050}}]},
        scenario))
    card = result.fields["loans"][0]
    # escalated in January (third month overdue), brought current in February: still in collection
    assert [(e.id, e.month) for e in result.passed.escalated] == [("card", 1)]
    assert card["in_collection"] is True and "months_overdue" not in card
    assert result.scenario.loans[0].is_in_collection
    plan = run_strategy(result.scenario, "avalanche")
    assert plan.totals.escalations == 1 and plan.escalated[0].in_collection


def test_a_new_loan_counts_from_its_month_and_a_settlement_schedule_is_carried() -> None:
    data = copy.deepcopy(MISSED)
    data["offers"] = [{"id": "deal", "kind": "settlement", "loan": "card", "available_from": "2027-01",
                       "available_until": "2027-03", "percent": 0.6, "instalments": 4}]
    scenario = scenario_from_dict(data)
    actual = {"scenario_start": "2027-01", "months": [
        # the card owes D = 10,150.00; the price round(0.6 x 10,150) = 6,090.00 in 4 parts of 1,522.50
        {"month": "2027-01", "payments": {"card": 1522.50, "loan": 1060.00}, "taken": [{"offer": "deal"}]},
        {"month": "2027-02", "payments": {"card": 1522.50, "loan": 1050.00, "baitiao": 50}},
    ], "new_loans": [{"month": "2027-02", "id": "baitiao", "kind": "revolving", "balance": 800, "daily_rate": 0.0005,
                      "min_percent": 0.1}]}
    result = check_in(scenario, actual_from_dict(actual, scenario))
    loans = {loan["id"]: loan for loan in result.fields["loans"]}
    assert loans["card"]["settlement"] == {"parts": [Decimal("1522.50"), Decimal("1522.50")],
                                           "owed_if_broken": Decimal("7105.00")}
    assert loans["card"]["balance"] == Decimal("3045.00")
    # the new loan: I = round(0.015 x 800) = 12.00 in February, paid 50.00
    assert loans["baitiao"]["balance"] == Decimal("762.00")
    assert "offers" not in result.fields  # the settlement was taken
    plan = replay(result.scenario, Schedule(payments=[[152250, 104000, 0], [152250, 0, 0]]))
    assert plan.months[1].loans[0].closed and plan.totals.waived == 0  # forgiven in the plan before


@pytest.mark.parametrize(("month", "path", "words"), [
    ({"month": "2027-01", "payments": {"card": 20000}}, "months[0].payments.card", "2027-01"),
    ({"month": "2027-01", "payments": {"card": 1500, "loan": 1060}, "cash": 2000}, "months[0].payments",
     "2027-01"),
])
def test_a_payment_the_ledger_refuses_names_the_month_and_loan(month: dict[str, Any], path: str, words: str) -> None:
    scenario = scenario_from_dict(MISSED)
    with pytest.raises(InputError) as info:
        check_in(scenario, actual_from_dict({"scenario_start": "2027-01", "months": [month]}, scenario))
    (issue,) = info.value.issues
    assert issue.path == path and words in issue.message


def test_a_settlement_taken_names_no_amount() -> None:
    data = copy.deepcopy(MISSED)
    data["offers"] = [{"id": "deal", "kind": "settlement", "loan": "card", "available_from": "2027-01",
                       "available_until": "2027-03", "percent": 0.6}]
    scenario = scenario_from_dict(data)
    with pytest.raises(InputError) as info:
        actual_from_dict({"scenario_start": "2027-01", "months": [
            {"month": "2027-01", "taken": [{"offer": "deal", "amount": 100}]}]}, scenario)
    assert [i.path for i in info.value.issues] == ["months[0].taken[0].amount"]


def test_no_month_is_left_after_the_horizon() -> None:
    data = {**MISSED, "horizon_months": 2}
    scenario = scenario_from_dict(data)
    months = [{"month": "2027-01"}, {"month": "2027-02"}]
    with pytest.raises(InputError, match="horizon"):
        check_in(scenario, actual_from_dict({"scenario_start": "2027-01", "months": months}, scenario))


def test_money_moved_counts_what_a_plan_changes_against_the_old_one() -> None:
    from debtopt.analysis.checkin import money_moved

    plan = run_strategy(scenario_from_dict(MISSED), "avalanche")
    assert money_moved(plan, plan) == 0
    first = plan.months[0]
    card, loan = first.loans
    moved = first.model_copy(update={"loans": [card.model_copy(update={"payment": card.payment - 10}),
                                               loan.model_copy(update={"payment": loan.payment + 10})]})
    other = plan.model_copy(update={"months": [moved, *plan.months[1:]]})
    assert money_moved(other, plan) == 20  # ¥10 taken from the card and paid to the loan
    dropped = plan.model_copy(update={"months": [first.model_copy(update={"loans": [card]}), *plan.months[1:]]})
    assert money_moved(dropped, plan) == loan.payment  # a payment the plan no longer makes counts whole


def test_a_check_in_after_the_last_payment_says_there_is_nothing_left_to_plan() -> None:
    scenario = scenario_from_dict({**MISSED, "budget": {"monthly": 20000}})
    # the card owes D = 10,150.00 in January, the loan 6,060.00: both paid off
    actual = {"scenario_start": "2027-01", "months": [{"month": "2027-01", "payments": {"card": 10150, "loan": 6060}}]}
    with pytest.raises(InputError) as info:
        check_in(scenario, actual_from_dict(actual, scenario))
    assert "nothing left to plan" in info.value.issues[0].message
