"""`debtopt import`: a beancount ledger into a scenario, a lender's CSV statement into an actual file."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from debtopt.cli import main
from debtopt.domain import load_scenario
from debtopt.domain.actual import load_actual
from debtopt.errors import InputError, OptionError
from debtopt.export import plan_payments, plan_to_beancount
from debtopt.importing import import_ledger, import_statement, parse_column_map
from debtopt.strategies import run_strategy

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
LEDGER = DATA / "household.beancount"
STATEMENT = DATA / "card-statement.csv"
ZHANG_SAN = ROOT / "examples" / "zhang-san.toml"
CARD_MAP = "date=Transaction Date,amount=Amount,description=Description,balance=Balance"


def run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


# ---------------------------------------------------------------- ledger
def test_a_ledger_becomes_a_scenario_that_validates_and_simulates() -> None:
    result = import_ledger(LEDGER)
    scenario = load_scenario(tomllib.loads(result.text))
    assert (scenario.currency, scenario.start) == ("CNY", "2026-12")
    loans = {loan.id: loan for loan in scenario.loans}
    assert list(loans) == ["huabei", "jiebei", "card"]  # the paid-off 白条 and the account marked debtopt: FALSE are left out
    # balances before 2026-12-01: opening balance, less payments, plus charges and interest
    assert loans["huabei"].balance == Decimal("6000") - 800 - 700 - 650
    assert loans["jiebei"].balance == Decimal("12000") - 3 * 1050
    assert loans["card"].balance == Decimal("9000") - 900 + 350 + 135 - 850 - 850
    huabei = loans["huabei"]
    assert (huabei.name, huabei.lender, huabei.kind, huabei.daily_rate, huabei.min_percent, huabei.due_day) == (
        "花呗", "Alipay", "revolving", Decimal("0.0005"), Decimal("0.10"), 10)
    assert (loans["jiebei"].kind, loans["jiebei"].term_months, loans["jiebei"].method) == ("installment", 12, "annuity")
    assert (loans["card"].annual_rate, loans["card"].late_fee) == (Decimal("0.18"), Decimal("50"))
    # the budget: what went from Assets to these three loans, averaged over September to November
    assert scenario.budget.monthly == Decimal("2633.33")
    plan = run_strategy(scenario, "avalanche")
    assert plan.totals.payoff_month is not None


def test_the_notes_say_what_was_found_assumed_and_ignored() -> None:
    notes = "\n".join(import_ledger(LEDGER).notes)
    assert "3 loans, balances before 2026-12-01" in notes
    assert "card (Liabilities:CMB:Card, line 29): owes ¥6,885.00" in notes
    assert "assumed: kind revolving, current, no arrears" in notes.split("card (")[1]
    assert "ignored (not a loan's field): cashback" in notes
    assert "no late fees" in notes.split("jiebei (")[1].split("\n")[0]
    assert "budget: ¥2,633.33 a month, the average paid to these loans from Assets accounts in 2026-09 to 2026-11 " \
           "(2026-09: ¥2,750.00, 2026-10: ¥2,600.00, 2026-11: ¥2,550.00)" in notes


def test_start_budget_and_horizon_options() -> None:
    result = import_ledger(LEDGER, start="2026-10", budget="3000", horizon_months=24)
    scenario = load_scenario(tomllib.loads(result.text))
    assert (scenario.start, scenario.horizon_months, scenario.budget.monthly) == ("2026-10", 24, Decimal("3000"))
    loans = {loan.id: loan for loan in scenario.loans}
    assert loans["baitiao"].balance == Decimal("800")  # not yet paid off at the start of October
    assert loans["huabei"].balance == Decimal("6000") - 800
    assert "budget: ¥3,000.00 a month, from --budget." in result.notes


def test_an_id_from_the_metadata(tmp_path: Path) -> None:
    """`id:`, or `loan-id:` as `debtopt export` writes it on its open directives, names the loan."""
    path = _ledger(tmp_path, '  name: "花呗"\n', '  name: "花呗"\n  loan-id: "hb"\n')
    scenario = load_scenario(tomllib.loads(import_ledger(path).text))
    assert [loan.id for loan in scenario.loans] == ["hb", "jiebei", "card"]


def test_a_forecast_debtopt_exported_is_not_history(tmp_path: Path) -> None:
    """Including the plan's own beancount export in the ledger changes nothing the import reads."""
    scenario = load_scenario(tomllib.loads(import_ledger(LEDGER).text))
    forecast = plan_to_beancount(plan_payments(run_strategy(scenario, "avalanche"), scenario),
                                 cash_account="Assets:Bank:Checking", open_accounts=False)
    forecast = forecast.replace("Liabilities:Debt:Huabei", "Liabilities:Alipay:Huabei")
    forecast = forecast.replace("Liabilities:Debt:Jiebei", "Liabilities:Alipay:Jiebei")
    forecast = forecast.replace("Liabilities:Debt:Card", "Liabilities:CMB:Card")
    ledger = tmp_path / "with-forecast.beancount"
    ledger.write_text(LEDGER.read_text(encoding="utf-8") + "\n" + forecast, encoding="utf-8")
    again = import_ledger(ledger, start="2026-12")
    assert tomllib.loads(again.text) == tomllib.loads(import_ledger(LEDGER).text)


def _ledger(tmp_path: Path, old: str, new: str) -> Path:
    text = LEDGER.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "ledger.beancount"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


@pytest.mark.parametrize(("old", "new", "words"), [
    ("  daily-rate: 0.0004\n", "", "line 21, Liabilities:Alipay:Jiebei: no rate; add `rate: 0.18`"),
    ("  term-months: 12\n", "", "line 21, Liabilities:Alipay:Jiebei: an installment loan needs `term-months:`"),
    ("term-months: 12", "term-months: 12.5", "line 21, Liabilities:Alipay:Jiebei, term-months: 12.5 is not a whole"),
    ("rate: 0.18", 'rate: "18%"', "line 29, Liabilities:CMB:Card, rate: '18%' is not a number"),
    ("min-percent: 0.10\n  late-fee: 50", "min-percent: 1.5\n  late-fee: 50",
     "line 29, Liabilities:CMB:Card, min-percent: above 100 %"),
    ("late-fee: 50 CNY", "late-fee: 50 USD", "line 29, Liabilities:CMB:Card, late-fee: 50 USD is not in the loan's"),
    ("  Liabilities:JD:Baitiao           800.00 CNY\n", "  Liabilities:JD:Baitiao           800.00 USD\n",
     "line 84: Invalid currency USD for account 'Liabilities:JD:Baitiao'"),
    ("2026-11-20 * \"CMB\"", "2026-11-20 * CMB", "line 97: syntax error"),
    ("  Assets:Bank:Checking\n\n2026-11-05", "  Assets:Bank:Wrong\n\n2026-11-05",
     "Invalid reference to unknown account 'Assets:Bank:Wrong'"),
])
def test_a_ledger_problem_names_its_line(tmp_path: Path, old: str, new: str, words: str) -> None:
    with pytest.raises(InputError) as caught:
        import_ledger(_ledger(tmp_path, old, new))
    assert caught.value.what == "beancount ledger"
    assert words in str(caught.value), str(caught.value)


def test_a_loan_owed_in_two_currencies_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "l.beancount"
    path.write_text('2026-01-01 open Liabilities:Card\n  rate: 0.18\n2026-01-01 open Expenses:Shop\n'
                    '2026-03-02 * "shop"\n  Liabilities:Card  -100.00 CNY\n  Expenses:Shop\n'
                    '2026-03-03 * "shop"\n  Liabilities:Card  -10.00 USD\n  Expenses:Shop\n', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        import_ledger(path, budget="100")
    assert "line 1, Liabilities:Card: holds CNY, USD; a loan is owed in one currency" in str(caught.value)


def test_a_ledger_with_no_payments_needs_a_budget(tmp_path: Path) -> None:
    path = tmp_path / "l.beancount"
    path.write_text('2026-01-01 open Liabilities:Card CNY\n  rate: 0.18\n2026-01-01 open Expenses:Shop\n'
                    '2026-03-02 * "shop"\n  Liabilities:Card  -100.00 CNY\n  Expenses:Shop\n', encoding="utf-8")
    with pytest.raises(OptionError) as caught:
        import_ledger(path)
    assert caught.value.issues[0].path == "--budget"
    scenario = load_scenario(tomllib.loads(import_ledger(path, budget="50").text))
    assert (scenario.start, scenario.loans[0].balance, scenario.loans[0].min_percent) == ("2026-04", 100, Decimal("0.10"))


def test_the_ledger_command_writes_the_scenario_and_says_what_it_assumed(tmp_path: Path) -> None:
    out = tmp_path / "scenario.toml"
    result = run("import", str(LEDGER), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "assumed:" in result.output  # the notes go to stderr, which the runner mixes in
    assert load_scenario(out).loans[0].id == "huabei"
    assert run("validate", str(out)).exit_code == 0


@pytest.mark.parametrize(("args", "words"), [
    (["--start", "2026-13"], "--start"),
    (["--budget", "lots"], "--budget: 'lots' is not an amount"),
    (["--budget", "10.001"], "--budget"),
    (["--map", "date=Date"], "--map: not used when importing a ledger"),
])
def test_bad_ledger_options_are_exit_2_and_write_nothing(tmp_path: Path, args: list[str], words: str) -> None:
    out = tmp_path / "scenario.toml"
    result = run("import", str(LEDGER), *args, "-o", str(out))
    assert result.exit_code == 2, result.output
    assert words in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_a_broken_ledger_is_exit_2_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "scenario.toml"
    path = _ledger(tmp_path, "  daily-rate: 0.0004\n", "")
    result = run("import", str(path), "-o", str(out))
    assert result.exit_code == 2
    assert "invalid beancount ledger" in result.output and "line 21" in result.output
    assert not out.exists()
    for name, words in [("missing.beancount", "no such file"), ("notes.txt", "neither a beancount ledger")]:
        result = run("import", str(tmp_path / name))
        assert result.exit_code == 2 and words in result.output


# ---------------------------------------------------------------- statement
def test_a_statement_becomes_an_actual_file_for_the_check_in() -> None:
    scenario = load_scenario(ZHANG_SAN)
    result = import_statement(STATEMENT, parse_column_map(CARD_MAP), "card", scenario, match="还款")
    data = tomllib.loads(result.text)
    actual = load_actual(data, scenario)
    assert [m.month for m in actual.months] == ["2026-12", "2027-01", "2027-02"]
    assert [m.payment("card") for m in actual.months] == [Decimal("5817.22"), Decimal("944.59"), Decimal("1598.36")]
    # the lender's balance after the month's payment
    assert [m.statements["card"].balance for m in actual.months] == [Decimal("10008.16"), Decimal("9163.57"),
                                                                     Decimal("7702.92")]
    notes = "\n".join(result.notes)
    assert "3 payments to card in 2026-12 to 2027-02" in notes
    assert "skipped: 3 rows not payments (charges, interest, refunds); 1 row before 2026-12." in notes
    assert "a loan not listed counts as paid 0" in notes


def test_without_match_every_credit_is_a_payment_and_sign_can_flip(tmp_path: Path) -> None:
    scenario = load_scenario(ZHANG_SAN)
    columns = parse_column_map("date=Transaction Date,amount=Amount,description=Description")
    actual = load_actual(tomllib.loads(import_statement(STATEMENT, columns, "card", scenario).text), scenario)
    assert actual.months[0].payment("card") == Decimal("5817.22") + Decimal("39.00")  # the refund is a credit too
    flipped = tmp_path / "flipped.csv"
    flipped.write_text("Date,Amount,Memo\n2026-12-03,791.70,repayment\n2026-12-20,120.00,repayment\n"
                       "2026-12-21,-35.00,purchase\n", encoding="utf-8")
    actual = load_actual(tomllib.loads(import_statement(
        flipped, parse_column_map("date=Date,amount=Amount,description=Memo"), "huabei", scenario,
        payments_negative=False).text), scenario)
    assert actual.months[0].payment("huabei") == Decimal("911.70")


def test_statements_add_up_into_one_actual_file(tmp_path: Path) -> None:
    scenario = load_scenario(ZHANG_SAN)
    first = tmp_path / "actual.toml"
    first.write_text(import_statement(STATEMENT, parse_column_map(CARD_MAP), "card", scenario, match="还款").text,
                     encoding="utf-8")
    huabei = tmp_path / "huabei.csv"
    huabei.write_text("日期,金额,摘要\n2026/12/10,-791.70,还款\n2027/01/10,-723.22,还款\n", encoding="gbk")
    result = import_statement(huabei, parse_column_map("date=日期,amount=金额,description=摘要"), "huabei", scenario,
                              actual=first, encoding="gbk")
    actual = load_actual(tomllib.loads(result.text), scenario)
    assert [dict(m.payments) for m in actual.months] == [
        {"card": Decimal("5817.22"), "huabei": Decimal("791.70")},
        {"card": Decimal("944.59"), "huabei": Decimal("723.22")},
        {"card": Decimal("1598.36")},
    ]
    assert actual.months[0].statements["card"].balance == Decimal("10008.16")  # kept
    assert any("huabei counts as paid 0 after it" in note for note in result.notes)


def test_us_dates_with_a_date_format(tmp_path: Path) -> None:
    scenario = load_scenario(ZHANG_SAN)
    path = tmp_path / "us.csv"
    path.write_text("Posted,Amount,Payee\n12/15/2026,\"($1,200.00)\",PAYMENT\n", encoding="utf-8")
    columns = parse_column_map("date=Posted,amount=Amount,description=Payee")
    actual = load_actual(tomllib.loads(import_statement(path, columns, "card", scenario,
                                                        date_format="%m/%d/%Y").text), scenario)
    assert actual.months[0].payment("card") == Decimal("1200")


@pytest.mark.parametrize(("text", "words"), [
    ("a,b\n", "no row names all the columns Date, Amount, Memo (the first row has: a, b)"),
    ("Date,Amount,Memo\n2026-12-10,-791.7x,x\n", "line 2, column 'Amount': '-791.7x' is not an amount"),
    ("Date,Amount,Memo\n2026-13-10,-1,x\n", "line 2, column 'Date': '2026-13-10' is not a date"),
    ("Date,Amount,Memo\n2026-12-10,-1.005,x\n", "line 2, column 'Amount': '-1.005' has fractions of a cent"),
    ("Date,Amount,Memo\n2026-12-10\n", "line 2, column 'Amount': missing"),
    ("Date,Amount,Memo\n2026-10-10,-1,x\n", "line 2: the statement's last row: 2026-10 is before the scenario's start"),
    ("Date,Amount,Memo\n", "no rows after the header"),
])
def test_a_statement_problem_names_its_line_and_column(tmp_path: Path, text: str, words: str) -> None:
    path = tmp_path / "s.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        import_statement(path, parse_column_map("date=Date,amount=Amount,description=Memo"), "card",
                         load_scenario(ZHANG_SAN))
    assert words in str(caught.value), str(caught.value)


@pytest.mark.parametrize(("text", "words"), [
    ("date=Date,amount=Amount", "say which column holds description"),
    ("date=Date,amount=Amount,description=Memo,cost=X", "unknown field 'cost'"),
    ("date,amount=Amount,description=Memo", "'date' is not FIELD=COLUMN"),
])
def test_a_bad_map_names_the_option(text: str, words: str) -> None:
    with pytest.raises(OptionError) as caught:
        parse_column_map(text)
    assert caught.value.issues[0].path == "--map" and words in caught.value.issues[0].message


def test_the_statement_command(tmp_path: Path) -> None:
    out = tmp_path / "actual.toml"
    base = ["import", str(STATEMENT), "--map", CARD_MAP, "--scenario", str(ZHANG_SAN)]
    result = run(*base, "--loan", "card", "--match", "还款", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert load_actual(out, load_scenario(ZHANG_SAN)).months[2].payment("card") == Decimal("1598.36")
    out.unlink()
    for args, words in [
        (["--loan", "nope"], "--loan: no loan 'nope'"),
        (["--loan", "card", "--through", "2026-11"], "--through: 2026-11 is before the scenario's start"),
        (["--loan", "card", "--encoding", "klingon"], "--encoding: unknown encoding"),
        (["--loan", "card", "--budget", "10"], "--budget: not used when importing a statement"),
        (["--loan", "huabei", "--encoding", "ascii"], "not ascii text"),
    ]:
        result = run(*base, *args, "-o", str(out))
        assert result.exit_code == 2, (args, result.output)
        assert words in result.output and "Traceback" not in result.output
        assert not out.exists()
    result = run("import", str(STATEMENT), "-o", str(out))
    assert result.exit_code == 2 and "--map: needed to read a statement" in result.output
