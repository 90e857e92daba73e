"""`debtopt export`: a plan in a calendar (icalendar), a ledger (beancount) and a budgeting app's CSV."""

from __future__ import annotations

import copy
import csv
import datetime
import io
import json
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from beancount import loader
from beancount.core import data as bc
from click.testing import CliRunner
from icalendar import Calendar

from debtopt.cli import main
from debtopt.domain import load_scenario
from debtopt.domain.money import to_cents
from debtopt.domain.plan import Plan
from debtopt.domain.plan_file import load_plan
from debtopt.domain.scenario import Scenario
from debtopt.export import plan_payments, plan_to_beancount, plan_to_budget_csv, plan_to_ics
from debtopt.export.budget_csv import neutralise
from debtopt.report import plan_to_json
from debtopt.strategies import parse_takes, run_strategy
from caps import NO_CAP

ROOT = Path(__file__).resolve().parents[1]

SCENARIO: dict[str, Any] = {
    "currency": "CNY",
    "language": "en",
    "start": "2027-01",
    "horizon_months": 24,
    "budget": {"monthly": 3000},
    "loans": [
        {"id": "card", "name": "招商银行信用卡", "lender": "CMB", "kind": "revolving", "balance": 8000,
         "daily_rate": 0.0005, "min_percent": 0.1, "due_day": 18},
        {"id": "loan", "name": "Car loan", "kind": "installment", "balance": 6000, "annual_rate": 0.12,
         "term_months": 12, "due_day": 5},
        {"id": "huabei", "name": "花呗", "kind": "revolving", "balance": 3000, "daily_rate": 0.0005,
         "min_percent": 0.1},
    ],
    "offers": [
        {"id": "mum", "name": "Mum", "kind": "cash-loan", "available_from": "2027-01", "available_until": "2027-06",
         "max_amount": 2000, "loan": {"kind": "bullet", "annual_rate": 0, "due_month": 6, "due_day": 25}},
    ],
}


def run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _scenario(**budget: Any) -> Scenario:
    data = copy.deepcopy(SCENARIO)
    data["budget"].update(budget)
    return load_scenario(data)


def _plan(scenario: Scenario) -> Plan:
    return run_strategy(scenario, "custom", ["card", "huabei", "loan", "mum"], parse_takes(scenario, ["mum:1:2000"]))


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    scenario = _scenario()
    (tmp_path / "s.json").write_text(json.dumps(SCENARIO), encoding="utf-8")
    (tmp_path / "plan.json").write_text(plan_to_json(_plan(scenario)), encoding="utf-8")
    return tmp_path / "plan.json", tmp_path / "s.json"


def _all_events(text: str) -> list[Any]:
    return list(Calendar.from_ical(text).walk("VEVENT"))


def _events(text: str) -> list[Any]:
    """The payments' events (an offer's event has a UID of its own kind)."""
    return [event for event in _all_events(text) if not str(event["uid"]).startswith("offer.")]


def _paid(plan: Plan) -> Counter[tuple[str, str]]:
    return Counter({(row.date, loan.id): to_cents(loan.payment) for row in plan.months for loan in row.loans
                    if loan.payment > 0})


# ---------------------------------------------------------------- ics
def test_one_event_per_payment_on_its_loans_due_day_with_a_reminder() -> None:
    scenario = _scenario()
    plan = _plan(scenario)
    events = _events(plan_to_ics(plan_payments(plan, scenario)))
    paid = _paid(plan)
    assert len(events) == len(paid) > 10
    due_days = {"card": 18, "loan": 5, "huabei": 1, "mum": 25}
    names = {"card": "招商银行信用卡", "loan": "Car loan", "huabei": "花呗", "mum": "Mum"}
    for event in events:
        start = event.decoded("dtstart")
        loan_id = str(event["uid"]).split(".", 1)[1].removesuffix("@debtopt")
        assert isinstance(start, datetime.date) and not isinstance(start, datetime.datetime)
        assert start.day == due_days[loan_id]
        cents = paid[(f"{start.year:04d}-{start.month:02d}", loan_id)]
        amount = f"¥{cents // 100:,}.{cents % 100:02d}"
        assert str(event["summary"]) == f"Pay {amount} to {names[loan_id]}"
        [alarm] = event.walk("VALARM")
        assert str(alarm["action"]) == "DISPLAY"
        fires = datetime.datetime.combine(start, datetime.time()) + alarm.decoded("trigger")
        assert fires == datetime.datetime.combine(start - datetime.timedelta(days=3), datetime.time(9))
    assert "Lender: CMB." in str(next(e for e in events if "card" in str(e["uid"]))["description"])


def test_each_offer_taken_is_an_event_on_the_first_of_its_month() -> None:
    scenario = _scenario()
    text = plan_to_ics(plan_payments(_plan(scenario), scenario))
    [offer] = [event for event in _all_events(text) if str(event["uid"]).startswith("offer.")]
    assert str(offer["uid"]) == "offer.mum@debtopt"
    assert offer.decoded("dtstart") == datetime.date(2027, 1, 1)
    assert str(offer["summary"]) == "Borrow ¥2,000.00 from Mum"
    assert len(offer.walk("VALARM")) == 1


def test_without_the_scenario_loans_are_ids_due_on_the_first() -> None:
    plan = _plan(_scenario())
    events = _events(plan_to_ics(plan_payments(plan)))
    assert {event.decoded("dtstart").day for event in events} == {1}
    assert all(str(event["summary"]).endswith(str(event["uid"]).split(".")[1].removesuffix("@debtopt"))
               for event in events)


def test_the_same_plan_gives_the_same_bytes_and_no_clock() -> None:
    scenario = _scenario()
    first = plan_to_ics(plan_payments(_plan(scenario), scenario))
    assert first == plan_to_ics(plan_payments(_plan(scenario), scenario))
    stamps = {event.decoded("dtstamp") for event in _events(first)}
    assert stamps == {datetime.datetime(2027, 1, 1, tzinfo=datetime.timezone.utc)}
    assert first.startswith("BEGIN:VCALENDAR\r\n")


def test_an_updated_plan_keeps_the_uids_of_the_same_loan_and_month() -> None:
    """A re-export replaces events: the same loan and month give the same UID whatever the amount."""
    scenario, richer = _scenario(), _scenario(monthly=3600)
    before, after = _plan(scenario), _plan(richer)
    events_before = {str(e["uid"]): e for e in _events(plan_to_ics(plan_payments(before, scenario)))}
    events_after = {str(e["uid"]): e for e in _events(plan_to_ics(plan_payments(after, richer)))}
    both = set(events_before) & set(events_after)
    paid_before, paid_after = _paid(before), _paid(after)
    assert set(paid_before) & set(paid_after)  # payments of the same loan in the same month
    assert len(both) == len(set(paid_before) & set(paid_after))
    changed = [uid for uid in both if events_before[uid]["summary"] != events_after[uid]["summary"]]
    assert changed, "the richer budget should change some amounts"
    assert len(events_before) == len(_events(plan_to_ics(plan_payments(before, scenario))))  # no duplicates


def test_a_replan_that_starts_later_keeps_the_uids_and_supersedes() -> None:
    """After a check-in the plan starts months later: its months' events keep their UIDs, with a higher SEQUENCE."""
    scenario = _scenario()
    plan = _plan(scenario)
    later_data = copy.deepcopy(SCENARIO)
    later_data["start"] = "2027-04"
    later_data["offers"] = []
    later = load_scenario(later_data)
    replan = run_strategy(later, "avalanche")
    old = {str(e["uid"]): e for e in _events(plan_to_ics(plan_payments(plan, scenario)))}
    new = {str(e["uid"]): e for e in _events(plan_to_ics(plan_payments(replan, later)))}
    shared = set(old) & set(new)
    assert any(uid.startswith("2027-04.") for uid in shared)
    assert all(new[uid]["sequence"] > old[uid]["sequence"] for uid in shared)


def test_chinese_titles_with_the_scenarios_language() -> None:
    data = copy.deepcopy(SCENARIO)
    data["language"] = "zh"
    scenario = load_scenario(data)
    events = _events(plan_to_ics(plan_payments(_plan(scenario), scenario)))
    assert all(str(event["summary"]).startswith("还款 ¥") for event in events)
    english = _events(plan_to_ics(plan_payments(_plan(scenario), scenario, language="en")))
    assert all(str(event["summary"]).startswith("Pay ¥") for event in english)


# ---------------------------------------------------------------- beancount
def test_beancount_loads_with_no_errors_and_books_every_payment() -> None:
    scenario = _scenario()
    plan = _plan(scenario)
    text = plan_to_beancount(plan_payments(plan, scenario), cash_account="Assets:Bank:Checking")
    entries, errors, _ = loader.load_string(text)
    assert errors == []
    transactions = [e for e in entries if isinstance(e, bc.Transaction)]
    assert len(transactions) == len(_paid(plan))
    assert {t.flag for t in transactions} == {"!"}
    assert all("debtopt-plan" in t.tags for t in transactions)
    booked: Counter[str] = Counter()
    for transaction in transactions:
        assert sum(p.units.number for p in transaction.postings) == 0
        for posting in transaction.postings:
            if posting.account.startswith("Liabilities:Debt:"):
                booked[posting.account] += to_cents(posting.units.number)
    opened = {e.meta["loan-id"]: e.account for e in entries if isinstance(e, bc.Open) and "loan-id" in e.meta}
    assert opened == {"card": "Liabilities:Debt:Card", "loan": "Liabilities:Debt:Car-Loan",
                      "huabei": "Liabilities:Debt:Huabei", "mum": "Liabilities:Debt:Mum"}
    for loan_id, account in opened.items():
        assert booked[account] == sum(to_cents(l.payment) for row in plan.months for l in row.loans if l.id == loan_id)


def test_beancount_without_opens_includes_into_a_ledger_that_has_them(tmp_path: Path) -> None:
    scenario = _scenario()
    with_opens = plan_to_beancount(plan_payments(_plan(scenario), scenario))
    forecast = plan_to_beancount(plan_payments(_plan(scenario), scenario), open_accounts=False)
    assert " open " not in forecast
    (tmp_path / "forecast.beancount").write_text(forecast, encoding="utf-8")
    opens = "".join(line + "\n" for line in with_opens.splitlines() if " open " in line)
    (tmp_path / "main.beancount").write_text(opens + 'include "forecast.beancount"\n', encoding="utf-8")
    _, errors, _ = loader.load_file(str(tmp_path / "main.beancount"))
    assert errors == []


def test_account_names_stay_valid_and_distinct() -> None:
    data = copy.deepcopy(SCENARIO)
    data["loans"][0]["name"] = "Card"
    data["loans"][1]["name"] = "card!"
    scenario = load_scenario(data)
    entries, errors, _ = loader.load_string(plan_to_beancount(plan_payments(_plan(scenario), scenario)))
    assert errors == []
    accounts = sorted(e.account for e in entries if isinstance(e, bc.Open) and "loan-id" in e.meta)
    assert accounts == ["Liabilities:Debt:Card", "Liabilities:Debt:Card-2", "Liabilities:Debt:Huabei",
                        "Liabilities:Debt:Mum"]


# ---------------------------------------------------------------- csv
def test_budget_csv_has_the_documented_columns_and_negative_outflows() -> None:
    scenario = _scenario()
    plan = _plan(scenario)
    rows = list(csv.DictReader(io.StringIO(plan_to_budget_csv(plan_payments(plan, scenario)))))
    assert list(rows[0]) == ["Date", "Payee", "Memo", "Amount"]
    inflows = [row for row in rows if Decimal(row["Amount"]) > 0]
    outflows = [row for row in rows if Decimal(row["Amount"]) < 0]
    assert len(outflows) == len(_paid(plan)) and len(rows) == len(outflows) + len(inflows)
    assert sum(Decimal(row["Amount"]) for row in outflows) == -plan.totals.paid
    # the cash the offer brought: mum's loan, on the 1st of the month it is taken
    assert [(row["Date"], row["Payee"], row["Amount"]) for row in inflows] == [("2027-01-01", "Mum", "2000.00")]
    assert rows[1]["Date"] == "2027-01-01" and rows[1]["Payee"] == "花呗"
    assert [row["Date"] for row in rows] == sorted(row["Date"] for row in rows)


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_cells_that_a_spreadsheet_would_run_get_an_apostrophe(start: str) -> None:
    assert neutralise(start + "SUM(A1)") == "'" + start + "SUM(A1)"


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x","click")', "+1", "-card", "@SUM(A1)"])
def test_a_loan_named_like_a_formula_is_text_in_the_csv(name: str) -> None:
    data = copy.deepcopy(SCENARIO)
    data["loans"][2]["name"] = name
    scenario = load_scenario(data)
    rows = list(csv.reader(io.StringIO(plan_to_budget_csv(plan_payments(_plan(scenario), scenario)))))
    payees = {row[1] for row in rows[1:]}
    assert "'" + name in payees and name not in payees


def test_plain_cells_are_left_alone() -> None:
    assert neutralise("花呗") == "花呗"
    assert neutralise("Card 1") == "Card 1"


# ---------------------------------------------------------------- the command
@pytest.mark.parametrize("fmt", ["ics", "beancount", "csv"])
def test_the_command_writes_each_format(files: tuple[Path, Path], fmt: str) -> None:
    plan, scenario = files
    out = plan.parent / f"out.{fmt}"
    result = run("export", str(plan), "--format", fmt, "--scenario", str(scenario), "-o", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_bytes().decode("utf-8")  # as written: the calendar's and the CSV's CRLF kept
    expected = {"ics": plan_to_ics, "beancount": plan_to_beancount, "csv": plan_to_budget_csv}[fmt]
    assert text == expected(plan_payments(load_plan(plan), _scenario()))


def test_a_plan_from_optimize_json_is_read(tmp_path: Path) -> None:
    """The optimizer's JSON carries a solver report whose shape is not the model's: it is not read."""
    plan_file = tmp_path / "plan.json"
    result = run("optimize", str(ROOT / "examples" / "us-cards.toml"), "--format", "json", "--timings",
                 "--no-offer-worth", "--time-limit", NO_CAP, "-o", str(plan_file))
    assert result.exit_code == 0, result.output
    result = run("export", str(plan_file), "--format", "ics", "--scenario", str(ROOT / "examples" / "us-cards.toml"))
    assert result.exit_code == 0, result.output
    assert len(_events(result.output)) == len(_paid(load_plan(plan_file)))


def _broken(plan: Path, change: Any) -> Path:
    data = json.loads(plan.read_text(encoding="utf-8"))
    change(data)
    plan.write_text(json.dumps(data), encoding="utf-8")
    return plan


@pytest.mark.parametrize(("change", "words"), [
    (lambda d: d["months"][1]["loans"][0].update(payment="lots"), "months[1].loans[0].payment: 'lots' is not a number"),
    (lambda d: d["months"][1]["loans"][0].update(payment=1.234), "months[1].loans[0].payment: 1.234 has fractions"),
    (lambda d: d["months"][2].update(date="2030-01"), "months[2].date: 2030-01; the months run on from 2027-01"),
    (lambda d: d.pop("totals"), "totals: missing"),
    (lambda d: d.update(months=[]), "months: empty"),
])
def test_a_bad_plan_is_exit_2_naming_the_field_and_writes_nothing(files: tuple[Path, Path], change: Any,
                                                                   words: str) -> None:
    plan, _ = files
    out = plan.parent / "out.ics"
    result = run("export", str(_broken(plan, change)), "--format", "ics", "-o", str(out))
    assert result.exit_code == 2
    assert "invalid plan" in result.output and words in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


@pytest.mark.parametrize(("change", "words"), [
    (lambda d: d["months"][0]["loans"][0].update(payment=d["months"][0]["loans"][0]["payment"] + 0.01),
     "months[0]: the scenario cannot replay this plan (month 1: pays 5000.01 in all, more than the 5000.00 cash"),
    (lambda d: d["months"][0]["loans"][0].update(due=d["months"][0]["loans"][0]["due"] + 1),
     "months[0].loans[0].due: 813.00 in the plan, 812.00 when the ledger replays"),
    (lambda d: d["months"][0]["loans"][0].update(id="nope"), "no loan or borrowing offer 'nope'"),
    (lambda d: d.update(currency="USD"), "the plan is in USD"),
])
def test_a_plan_that_is_not_the_scenarios_is_exit_2(files: tuple[Path, Path], change: Any, words: str) -> None:
    plan, scenario = files
    out = plan.parent / "out.csv"
    result = run("export", str(_broken(plan, change)), "--format", "csv", "--scenario", str(scenario), "-o", str(out))
    assert result.exit_code == 2, result.output
    assert "invalid plan for this scenario" in result.output and words in result.output
    assert not out.exists()


def test_the_cli_default_cash_account_is_the_exports() -> None:
    from debtopt import cli_files
    from debtopt.export import beancount

    assert cli_files.DEFAULT_CASH_ACCOUNT == beancount.DEFAULT_CASH_ACCOUNT


def test_bad_files_and_options_are_exit_2(files: tuple[Path, Path]) -> None:
    plan, scenario = files
    (plan.parent / "not.json").write_text("{", encoding="utf-8")
    for args, words in [
        (["export", str(plan.parent / "missing.json"), "--format", "ics"], "no such file"),
        (["export", str(plan.parent / "not.json"), "--format", "ics"], "not valid JSON"),
        (["export", str(plan), "--format", "beancount", "--cash-account", "cash"], "--cash-account"),
        (["export", str(plan), "--format", "ics", "--scenario", str(plan.parent / "none.toml")], "no such file"),
    ]:
        result = run(*args)
        assert result.exit_code == 2, (args, result.output)
        assert words in result.output
