"""The worked month of docs/model.md, checked against the ledger."""

from __future__ import annotations

from pathlib import Path

from debtopt.domain import load_scenario
from debtopt.ledger import Ledger

ROOT = Path(__file__).resolve().parents[1]


def test_worked_month_of_docs_model() -> None:
    scenario = load_scenario(ROOT / "examples" / "zhang-san.toml")
    ledger = Ledger(scenario)
    run = ledger.start()
    st = run.open_month()
    weilidai, card = scenario.loan_index("weilidai"), scenario.loan_index("card")
    assert st.cash_available == 320000
    assert (st.interest[card], st.owed[card], st.regular_due[card], st.due[card]) == (22350, 1512350, 151235, 151235)
    assert (st.interest[weilidai], st.penalty[weilidai], st.owed[weilidai]) == (18750, 6975, 1585725)
    assert (st.regular_due[weilidai], st.due[weilidai]) == (150725, 460725)
    assert st.due[weilidai] > st.cash_available  # why one escalation cannot be avoided
    payments = [0] * len(ledger.account_ids)  # the loans, then the offers' accounts (none opened)
    payments[card] = 100000
    month = run.settle(payments)
    row = next(r for r in month.loans if r.index == card)
    assert (row.fee, row.balance, row.arrears, row.overdue_run) == (2562, 1414912, 53797, 1)
    text = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    for figure in ("1,512.35", "25.62", "14,149.12", "537.97", "4,607.25", "1,507.25"):
        assert figure in text
