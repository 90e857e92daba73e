"""Offers in the ledger (offers.md): each kind's effect, hand-computed to the cent."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from debtopt.domain import Schedule, scenario_from_dict
from debtopt.domain.plan import Take
from debtopt.errors import ScheduleError
from debtopt.ledger import Ledger, annuity_payment, replay

BASE: dict[str, Any] = {
    "currency": "CNY",
    "start": "2027-01",
    "horizon_months": 12,
    "budget": {"monthly": 1000},
    "loans": [
        # r = 0.24 / 12 = 0.02 a month
        {"id": "card", "kind": "revolving", "balance": 5000, "annual_rate": 0.24, "min_percent": 0.1, "late_fee": 25},
        {"id": "other", "kind": "revolving", "balance": 1000, "annual_rate": 0.12, "min_percent": 0.1},
    ],
    "offers": [
        {"id": "bank", "kind": "consolidation", "available_from": "2027-01", "available_until": "2027-03",
         "min_amount": 1000, "max_amount": 6000, "fee_added_percent": 0.05, "fee": 50, "pays": ["card"],
         "loan": {"kind": "installment", "annual_rate": 0.12, "term_months": 12, "method": "annuity"}},
        {"id": "car", "kind": "asset-sale", "available_from": "2027-02", "available_until": "2027-04",
         "amount": 3000, "keep_value": 500},
        {"id": "mum", "kind": "cash-loan", "available_from": "2027-01", "available_until": "2027-12",
         "max_amount": 2000, "loan": {"kind": "bullet", "annual_rate": 0, "due_month": 6}},
        {"id": "plan", "kind": "hardship-plan", "loan": "card", "available_from": "2027-01",
         "available_until": "2027-06", "term_months": 10, "method": "equal-principal", "fee_percent": 0.01,
         "grace_months": 1, "waive_percent": 0.5},
    ],
}
SCENARIO = scenario_from_dict(BASE)
# accounts: card, other, then the borrowing offers' new loans: bank, mum
CARD, OTHER, BANK, MUM = range(4)


def schedule(rows: list[list[int]], *takes: Take) -> Schedule:
    return Schedule(payments=rows, decisions=list(takes))


def test_accounts_are_loans_then_borrowing_offers() -> None:
    assert Ledger(SCENARIO).account_ids == ["card", "other", "bank", "mum"]


def test_consolidation_pays_its_loans_and_opens_a_new_loan() -> None:
    # month 1, card: I = round(0.02 * 5000) = 100.00, D = 5100.00. other: I = 10.00, D = 1010.00, due 101.00.
    # Take 5000: received = 5000 - round(0 * 5000) - 50 fee = 4950.00, restricted to card;
    # the new loan opens in month 2 at 5000 + round(0.05 * 5000) = 5250.00; fees 250 + 50 = 300.00.
    # Pay card 5100 (4950 from the proceeds, 150 from cash) and other 101: cash spent 251, saved 749.
    plan = replay(SCENARIO, schedule([[510000, 10100, 0, 0]], Take(offer="bank", month=1, amount=500000)))
    first, second = plan.months[0], plan.months[1]
    assert first.saved == pytest.approx(749) and first.loans[0].closed
    (decision,) = plan.decisions
    assert (decision.offer, decision.kind, decision.month, float(decision.amount)) == ("bank", "consolidation", 1, 5000)
    assert (float(decision.received), float(decision.fees), float(decision.unused)) == (4950, 300, 0)
    bank = next(r for r in second.loans if r.id == "bank")
    # month 2: I = round(0.01 * 5250) = 52.50; the annuity of 5250 over 12 months at 1 %:
    level = annuity_payment(525000, SCENARIO.offers[0].loan.monthly_rate, 12)
    assert level == 46646  # 5250 * 0.01 / (1 - 1.01^-12) = 466.4561...
    assert (float(bank.interest), float(bank.due)) == (52.5, 466.46)
    assert plan.totals.borrowed == 5000 and plan.totals.offer_fees == 300
    t = plan.totals
    assert t.cost == t.interest + t.penalty_interest + t.fees + t.offer_fees


def test_proceeds_not_paid_to_their_loans_are_lost() -> None:
    # Pay card only 4000: used 4000 of the 4950; 950.00 is lost; no cash spent.
    plan = replay(SCENARIO, schedule([[400000, 10100, 0, 0]], Take(offer="bank", month=1, amount=500000)))
    assert float(plan.decisions[0].unused) == 950 and float(plan.totals.unused_proceeds) == 950
    assert float(plan.months[0].saved) == 1000 - 101


def test_restricted_proceeds_cannot_pay_another_loan() -> None:
    # 'other' is not in pays: paying it 1010 with 1000 of cash is 10 too much, whatever the proceeds.
    with pytest.raises(ScheduleError, match="more than the 1000.00 cash at hand"):
        replay(SCENARIO, schedule([[0, 101000, 0, 0]], Take(offer="bank", month=1, amount=500000)))


def test_asset_sale_joins_the_cash_and_costs_its_keep_value() -> None:
    plan = replay(SCENARIO, schedule([[51000, 10100, 0, 0], [0, 0, 0, 0]], Take(offer="car", month=2)))
    assert float(plan.months[1].cash_available) == 389 + 1000 + 3000  # saved 389 in month 1
    assert float(plan.totals.asset_sales) == 3000 and float(plan.totals.keep_value) == 500


def test_cash_loan_with_a_bullet_due_after_six_months() -> None:
    rows = [[51000, 10100, 0, 0]] + [[0, 0, 0, 0]] * 11
    plan = replay(SCENARIO, schedule(rows, Take(offer="mum", month=1, amount=200000)))
    assert float(plan.months[0].cash_available) == 3000
    dues = [float(r.due) for m in plan.months for r in m.loans if r.id == "mum"]
    # opens in month 2; nothing due in its first 6 months (2-7); all 2000.00 due in month 8
    assert dues[:7] == [0, 0, 0, 0, 0, 0, 2000]


def test_hardship_plan_waives_converts_and_resets_arrears() -> None:
    # month 1 pay nothing: card U = 510.00, F = 25.00 -> B = 5125.00, A = 535.00; charges 25.00
    # month 2: I = round(0.02 * 4590) = 91.80, P = round(0.02 * 535) = 10.70, D = 5227.50,
    #   R = round(0.1 * 5227.50) = 522.75, due = 535 + 522.75 = 1057.75; pay 0: F = 25.00,
    #   B = 5252.50; charges = 25 + 10.70 + 25 = 60.70; waived = round(0.5 * 60.70) = 30.35,
    #   converted = 5222.15, fee = round(0.01 * 5222.15) = 52.22, new balance 5274.37, no arrears.
    # month 3: grace (nothing due, rate 0); month 4: due = round(5274.37 / 10) = 527.44.
    rows = [[0, 10100, 0, 0], [0, 9191, 0, 0], [0, 0, 0, 0], [52744, 0, 0, 0]]
    plan = replay(SCENARIO, schedule(rows, Take(offer="plan", month=2)))
    card = [r for m in plan.months for r in m.loans if r.id == "card"]
    assert (float(card[1].balance), float(card[1].arrears), card[1].overdue, card[1].months_overdue) == (
        5274.37, 0, False, 0)
    decision = plan.decisions[0]
    assert (float(decision.waived), float(decision.fees), float(decision.amount)) == (30.35, 52.22, 5274.37)
    assert (float(card[2].due), float(card[2].interest)) == (0, 0)
    assert (float(card[3].due), card[3].overdue) == (527.44, False)
    t = plan.totals
    assert t.cost == t.interest + t.penalty_interest + t.fees + t.offer_fees - t.waived


def test_hardship_stops_an_escalation() -> None:
    data = copy.deepcopy(BASE)
    data["loans"][0].update(arrears=500, months_overdue=2)
    scenario = scenario_from_dict(data)
    # card starts two months overdue: unpaid in month 1, it reaches 90 days and escalates.
    without = replay(scenario, schedule([[0, 10100, 0, 0]]))
    assert [(e.id, e.month) for e in without.escalated][0] == ("card", 1)
    with_plan = replay(scenario, schedule([[0, 10100, 0, 0]], Take(offer="plan", month=1)))
    card_rows = [r for m in with_plan.months for r in m.loans if r.id == "card"]
    assert ("card", 1) not in [(e.id, e.month) for e in with_plan.escalated]
    assert not card_rows[0].overdue and card_rows[0].months_overdue == 0


@pytest.mark.parametrize(("take", "words"), [
    (Take(offer="nope", month=1), "no offer 'nope'"),
    (Take(offer="car", month=1), "available only in months 2 to 4"),
    (Take(offer="bank", month=1, amount=700000), "outside 1000.00 to 6000.00"),
    (Take(offer="bank", month=1), "say how much is borrowed"),
    (Take(offer="car", month=2, amount=100), "sells for its amount"),
])
def test_decisions_the_ledger_refuses(take: Take, words: str) -> None:
    rows = [[0, 0, 0, 0]] * 3
    with pytest.raises(ScheduleError, match=words):
        replay(SCENARIO, schedule(rows, take))


def test_an_offer_is_taken_once() -> None:
    with pytest.raises(ScheduleError, match="already taken"):
        replay(SCENARIO, schedule([[0, 0, 0, 0]] * 3, Take(offer="mum", month=1, amount=100), Take(offer="mum", month=2, amount=100)))


def test_plan_with_decisions_replays_to_the_same_bytes() -> None:
    rows = [[510000, 10100, 0, 0]] + [[0, 0, 0, 0]] * 11
    plan = replay(SCENARIO, schedule(rows, Take(offer="bank", month=1, amount=500000), Take(offer="car", month=3)))
    again = replay(SCENARIO, plan.to_schedule(Ledger(SCENARIO).account_ids))
    assert again.model_dump_json() == plan.model_dump_json()


@pytest.mark.parametrize("seed", range(40))
def test_identities_hold_with_random_decisions(seed: int) -> None:
    """docs/model.md's identities with offers, on random valid decisions and payments."""
    import random

    rng = random.Random(seed)
    ledger = Ledger(SCENARIO)
    run = ledger.start()
    plans = {"bank": rng.choice([None, 1, 2, 3]), "car": rng.choice([None, 2, 3, 4]),
             "mum": rng.choice([None, 1, 5, 9]), "plan": rng.choice([None, 1, 2, 4, 6])}
    while not run.finished:
        t = run.month + 1
        takes = []
        for offer, month in plans.items():
            if month == t:
                amount = {"bank": rng.randint(100000, 600000), "mum": rng.randint(1, 200000)}.get(offer)
                takes.append(Take(offer=offer, month=t, amount=amount))
        if any(tk.offer == "plan" for tk in takes) and not run.accounts[CARD].balance:
            takes = [tk for tk in takes if tk.offer != "plan"]
        st = run.open_month(takes)
        pays = [0] * len(st.owed)
        restricted = sum(amount for amount, _ in st.restricted)
        cash = st.cash_available
        for i in rng.sample(range(len(pays)), len(pays)):
            extra = restricted if i == CARD else 0
            pays[i] = rng.randint(0, min(st.owed[i], cash + extra))
            used = min(extra, pays[i])
            cash -= pays[i] - used
            restricted -= used if i == CARD else 0
        run.settle(pays)
    from debtopt.ledger import plan_from_run

    plan = plan_from_run(run, "random")
    t = plan.totals
    borrow = [d for d in plan.decisions if d.kind in ("consolidation", "cash-loan", "balance-transfer")]
    deducted = sum((d.amount - d.received for d in borrow), start=0)
    added = sum((d.fees for d in plan.decisions), start=0) - deducted
    starting = sum(loan.balance for loan in SCENARIO.loans)
    assert t.paid == starting + t.borrowed + t.interest + t.penalty_interest + t.fees + added - t.waived - t.remaining_balance
    budgets = 1000 * len(plan.months)
    assert t.final_savings == budgets + t.asset_sales + (t.borrowed - deducted) - t.unused_proceeds + t.savings_interest - t.paid
    assert t.cost == t.interest + t.penalty_interest + t.fees + t.offer_fees + t.keep_value - t.waived
