"""The actual file of checkin.md: its models, and every problem named by its field against the scenario."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from debtopt.domain import load_scenario
from debtopt.domain.actual import Actual, load_actual
from debtopt.domain.scenario import Scenario
from debtopt.errors import InputError, ScenarioError

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def zhang_san() -> Scenario:
    return load_scenario(ROOT / "examples" / "zhang-san.toml")


def _december() -> dict[str, Any]:
    return {
        "scenario_start": "2026-12",
        "months": [{
            "month": "2026-12",
            "payments": {"huabei": 791.70, "card": 5817.22, "jiebei": 1061.71},
            "taken": [{"offer": "weilidai-fenqi"}, {"offer": "mum", "amount": 5000}],
        }],
    }


def _problems(data: dict[str, Any], scenario: Scenario) -> dict[str, str]:
    with pytest.raises(InputError) as caught:
        load_actual(data, scenario)
    assert caught.value.what == "actual file"
    return {issue.path: issue.message for issue in caught.value.issues}


def test_the_example_of_checkin_md_loads(zhang_san: Scenario) -> None:
    actual = load_actual(DATA / "zhang-san-actual.toml", zhang_san)
    [december] = actual.months
    assert december.cash == Decimal("3200")
    assert december.payment("card") == Decimal("5817.22")
    assert december.payment("weilidai") == 0  # not listed: paid nothing
    assert [(t.offer, t.amount) for t in december.taken] == [("weilidai-fenqi", None), ("mum", Decimal("5000"))]
    assert december.statements["card"].balance == Decimal("9120.55")
    assert december.statements["card"].arrears == 0
    assert actual.last_month == "2026-12" and actual.next_start == "2027-01"
    [jd] = actual.new_loans
    loan = jd.as_loan()
    assert (jd.month, loan.id, loan.balance, loan.min_percent) == ("2027-01", "jd-baitiao", Decimal("3000"), Decimal("0.1"))


def test_json_gives_the_same_actual(zhang_san: Scenario, tmp_path: Path) -> None:
    path = tmp_path / "actual.json"
    path.write_text(json.dumps(_december()), encoding="utf-8")
    assert load_actual(path, zhang_san) == load_actual(_december(), zhang_san)
    assert isinstance(load_actual(path, zhang_san), Actual)


def test_an_offers_loan_is_paid_from_the_month_after_it_is_taken(zhang_san: Scenario) -> None:
    data = _december()
    data["months"].append({"month": "2027-01", "payments": {"mum": 100, "weilidai": 800}})
    load_actual(data, zhang_san)
    data["months"][0]["payments"]["mum"] = 1
    problems = _problems(data, zhang_san)
    assert list(problems) == ["months[0].payments.mum"]
    assert "no loan 'mum' in 2026-12" in problems["months[0].payments.mum"]


def test_a_new_loan_is_paid_from_its_month(zhang_san: Scenario) -> None:
    data = _december()
    data["months"].append({"month": "2027-01", "payments": {"jd": 100}})
    data["new_loans"] = [{"month": "2027-01", "id": "jd", "kind": "revolving", "balance": 3000,
                          "annual_rate": 0.18, "min_percent": 0.1}]
    load_actual(data, zhang_san)
    data["months"][0]["statements"] = {"jd": {"balance": 1}}
    assert list(_problems(data, zhang_san)) == ["months[0].statements.jd"]


def test_wrong_start_and_months_out_of_order_name_the_month(zhang_san: Scenario) -> None:
    data = _december()
    data["scenario_start"] = "2026-11"
    data["months"][0]["month"] = "2026-11"
    assert "is not the scenario's start 2026-12" in _problems(data, zhang_san)["scenario_start"]
    data = _december()
    data["months"].append({"month": "2027-02"})
    assert "so this one is 2027-01" in _problems(data, zhang_san)["months[1].month"]


def test_months_past_the_horizon(zhang_san: Scenario) -> None:
    data = {"scenario_start": "2026-12",
            "months": [{"month": f"{2026 + (11 + t) // 12}-{(11 + t) % 12 + 1:02d}"} for t in range(zhang_san.horizon_months + 1)]}
    problems = _problems(data, zhang_san)
    assert list(problems) == [f"months[{zhang_san.horizon_months}].month"]
    assert "past the scenario's horizon" in problems[f"months[{zhang_san.horizon_months}].month"]


@pytest.mark.parametrize(("change", "path", "words"), [
    (lambda d: d["months"][0]["payments"].update(card=10.005), "months[0].payments.card", "fractions of a cent"),
    (lambda d: d["months"][0]["payments"].update(card=-1), "months[0].payments.card", "negative"),
    (lambda d: d["months"][0].update(cash="lots"), "months[0].cash", ""),
    (lambda d: d["months"][0].update(paid={}), "months[0].paid", "unknown field"),
    (lambda d: d.update(new_loan=[]), "new_loan", "unknown field"),
    (lambda d: d.pop("scenario_start"), "scenario_start", "missing"),
    (lambda d: d.update(months=[]), "months", "at least one month"),
    (lambda d: d["months"][0]["taken"].append({"offer": "nope"}), "months[0].taken[2].offer", "no offer 'nope'"),
    (lambda d: d["months"][0]["taken"][1].pop("amount"), "months[0].taken[1].amount", "how much was borrowed"),
    (lambda d: d["months"][0]["taken"][1].update(amount=50000), "months[0].taken[1].amount", "outside what 'mum' lends"),
    (lambda d: d["months"][0]["taken"][0].update(amount=1), "months[0].taken[0].amount", "remove amount"),
    (lambda d: d["months"][0]["taken"].append({"offer": "ebike"}), "months[0].taken[2].offer", "open from 2027-01"),
    (lambda d: d["months"][0]["taken"].append({"offer": "mum", "amount": 1}), "months[0].taken[2].offer", "taken once"),
    (lambda d: d["months"][0].update(statements={"card": {}}), "months[0].statements.card", "balance, its arrears"),
    (lambda d: d["months"][0].update(statements={"card": {"balance": 1, "arrears": 2}}), "months[0].statements.card",
     "above the balance"),
    (lambda d: d.update(new_loans=[{"month": "2027-01", "id": "card", "kind": "revolving", "balance": 1,
                                    "annual_rate": 0.1, "min_percent": 0.1}]), "new_loans[0].id", "already a loan's"),
    (lambda d: d.update(new_loans=[{"month": "2027-02", "id": "jd", "kind": "revolving", "balance": 1,
                                    "annual_rate": 0.1, "min_percent": 0.1}]), "new_loans[0].month", "outside the months"),
    (lambda d: d.update(new_loans=[{"month": "2027-01", "id": "jd", "kind": "revolving", "balance": 1,
                                    "annual_rate": 0.1}]), "new_loans[0].min_percent", "missing for a revolving loan"),
    (lambda d: d.update(new_loans=[{"id": "jd", "kind": "revolving", "balance": 1, "annual_rate": 0.1,
                                    "min_percent": 0.1}]), "new_loans[0].month", "missing"),
])
def test_each_problem_names_its_field(zhang_san: Scenario, change: Any, path: str, words: str) -> None:
    data = copy.deepcopy(_december())
    change(data)
    problems = _problems(data, zhang_san)
    assert path in problems, problems
    assert words in problems[path]


def test_every_problem_is_reported_at_once(zhang_san: Scenario) -> None:
    data = _december()
    data["months"][0]["payments"]["nope"] = 1
    data["months"][0]["taken"].append({"offer": "nope"})
    assert len(_problems(data, zhang_san)) == 2


@pytest.mark.parametrize(("name", "text", "words"), [
    ("a.toml", "months = [", "not valid TOML"),
    ("a.json", "{", "not valid JSON"),
    ("a.yaml", "", "unknown file type"),
    ("missing.toml", None, "no such file"),
])
def test_unreadable_files_are_an_input_error(zhang_san: Scenario, tmp_path: Path, name: str, text: str | None,
                                             words: str) -> None:
    path = tmp_path / name
    if text is not None:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_actual(path, zhang_san)
    assert isinstance(caught.value, InputError)
    assert words in str(caught.value)
    assert str(caught.value).startswith(f"{path}: invalid actual file")
