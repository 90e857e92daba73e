"""Scenario loading and validation (money-model.md, "The scenario file"): every bad input names its field."""

from __future__ import annotations

import json
import tomllib
from decimal import Decimal
from typing import Any

import pytest

from debtopt.domain import load_scenario, scenario_from_dict
from debtopt.errors import ScenarioError


def issues_of(data: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(data)
    return [(issue.path, issue.message) for issue in info.value.issues]


def test_one_cent_balance_and_installment_are_valid(minimal_scenario):
    # Regression: the lower bound was compared with the float 0.01, and Decimal("0.01") < 0.01 is True
    # (the float is 0.01000000000000000020...), so exactly one cent was rejected.
    minimal_scenario["loans"] = [
        {"id": "last-cent", "kind": "installment", "balance": "0.01", "annual_rate": 0.1, "installment": "0.01"}
    ]
    s = scenario_from_dict(minimal_scenario)
    assert s.loans[0].balance == Decimal("0.01") and s.loans[0].installment == Decimal("0.01")
    minimal_scenario["loans"][0]["balance"] = 0.01  # a float from TOML/JSON, too
    assert scenario_from_dict(minimal_scenario).loans[0].balance == Decimal("0.01")


# --- loading files -------------------------------------------------------------------------

TOML = """
currency = "CNY"
language = "zh"
start = "2026-12"
horizon_months = 60

[budget]
monthly = 2500
starting_cash = 0
savings_rate = 0.0
changes = [ { from = "2027-06", monthly = 6000 } ]
inflows = [ { month = "2027-02", amount = 12000, label = "sell the car" } ]

[[loans]]
id = "weilidai"
name = "微粒贷"
lender = "WeBank"
kind = "installment"
balance = 20000
daily_rate = 0.0005
penalty_multiplier = 1.5
term_months = 10
method = "equal-principal"
arrears = 4000
months_overdue = 2
escalation_months = 3

[[loans]]
id = "card"
name = "Credit card"
kind = "revolving"
balance = 15000.10
daily_rate = 0.0005
min_percent = 0.10
min_floor = 100
late_fee_percent = 0.05
"""


def check_spec_example(s) -> None:
    assert (s.currency, s.language, s.start, s.horizon_months) == ("CNY", "zh", "2026-12", 60)
    assert s.budget.monthly == Decimal(2500) and s.budget.changes[0].from_ == "2027-06"
    assert s.budget.inflows[0].amount == Decimal(12000) and s.budget.inflows[0].label == "sell the car"
    w, card = s.loans
    assert (w.id, w.name, w.kind, w.method, w.term_months) == ("weilidai", "微粒贷", "installment", "equal-principal", 10)
    assert w.daily_rate == Decimal("0.0005") and w.arrears == Decimal(4000) and w.months_overdue == 2
    assert card.balance == Decimal("15000.10") and card.min_percent == Decimal("0.10")
    assert card.min_floor == Decimal(100) and card.late_fee_percent == Decimal("0.05")


def test_load_toml(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(TOML, encoding="utf-8")
    check_spec_example(load_scenario(path))
    check_spec_example(load_scenario(str(path)))


def test_load_json_same_fields(tmp_path):
    data = tomllib.loads(TOML)
    path = tmp_path / "s.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    s = load_scenario(path)
    check_spec_example(s)
    # JSON numbers are read exactly (no float detour): 0.1 + 0.2 style values stay decimal
    data["loans"][1]["balance"] = 0.07
    path.write_text(json.dumps(data), encoding="utf-8")
    assert load_scenario(path).loans[1].balance == Decimal("0.07")


def test_load_a_mapping(minimal_scenario):
    assert load_scenario(minimal_scenario).loans[0].id == "card"


def test_defaults(minimal_scenario):
    del minimal_scenario["horizon_months"]
    s = scenario_from_dict(minimal_scenario)
    loan = s.loans[0]
    assert s.horizon_months == 120 and s.language == "en"
    assert s.budget.starting_cash == 0 and s.budget.savings_rate == 0
    assert (loan.escalation_months, loan.arrears, loan.months_overdue, loan.late_fee) == (3, 0, 0, 0)


def file_issues(path) -> list[tuple[str, str]]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert info.value.source == str(path)
    return [(issue.path, issue.message) for issue in info.value.issues]


def test_bad_toml_syntax(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('start = "2026-12"\nbudget = {monthly = }\n', encoding="utf-8")
    [(where, message)] = file_issues(path)
    assert where == "" and message.startswith("not valid TOML") and "line 2" in message


def test_bad_json_syntax(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"start": "2026-12",\n "budget": {"monthly": 1000,}}', encoding="utf-8")
    [(where, message)] = file_issues(path)
    assert where == "" and message.startswith("not valid JSON") and "line 2" in message


def test_json_that_is_not_an_object(tmp_path):
    path = tmp_path / "list.json"
    path.write_text("[1, 2]", encoding="utf-8")
    [(where, message)] = file_issues(path)
    assert where == "" and "one table of fields" in message


def test_missing_file(tmp_path):
    path = tmp_path / "nowhere.toml"
    [(where, message)] = file_issues(path)
    assert where == "" and message == f"no such file: {path}"


def test_unknown_file_type(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("start: 2026-12", encoding="utf-8")
    [(where, message)] = file_issues(path)
    assert where == "" and "use .toml or .json" in message


def test_not_utf8(tmp_path):
    path = tmp_path / "s.toml"
    path.write_bytes('name = "微粒贷"'.encode("gb18030"))
    [(where, message)] = file_issues(path)
    assert "UTF-8" in message


# --- bad fields, each named by its exact path ----------------------------------------------


def two_loans(data: dict[str, Any]) -> dict[str, Any]:
    data["loans"].append(
        {"id": "loan", "kind": "installment", "balance": 3000, "annual_rate": 0.12, "installment": 1000}
    )
    data["loans"].append(
        {"id": "wld", "kind": "installment", "balance": 3000, "daily_rate": 0.0005, "term_months": 6, "method": "annuity"}
    )
    return data


def only_issue(data: dict[str, Any]) -> tuple[str, str]:
    found = issues_of(data)
    assert len(found) == 1, found
    return found[0]


def test_the_base_scenario_is_valid(minimal_scenario):
    assert len(scenario_from_dict(two_loans(minimal_scenario)).loans) == 3


def test_unknown_top_level_key(minimal_scenario):
    minimal_scenario["horizon"] = 60
    path, message = only_issue(minimal_scenario)
    assert path == "horizon" and "unknown field" in message and "spelling" in message


def test_unknown_key_in_a_loan(minimal_scenario):
    two_loans(minimal_scenario)["loans"][1]["intrest_rate"] = 0.1
    path, message = only_issue(minimal_scenario)
    assert path == "loans[1].intrest_rate" and "unknown field" in message


def test_unknown_key_in_the_budget_and_its_lists(minimal_scenario):
    minimal_scenario["budget"]["monthy"] = 1
    minimal_scenario["budget"]["inflows"] = [{"month": "2027-01", "amount": 5, "lable": "x"}]
    assert sorted(p for p, _ in issues_of(minimal_scenario)) == ["budget.inflows[0].lable", "budget.monthy"]


def test_missing_required_fields(minimal_scenario):
    del minimal_scenario["start"]
    del minimal_scenario["loans"][0]["balance"]
    found = dict(issues_of(minimal_scenario))
    assert set(found) == {"start", "loans[0].balance"}
    assert all("required" in m for m in found.values())


def test_duplicate_ids(minimal_scenario):
    two_loans(minimal_scenario)["loans"][2]["id"] = "card"
    path, message = only_issue(minimal_scenario)
    assert path == "loans[2].id" and "already the id of loans[0]" in message and "unique" in message


def test_bad_id_characters(minimal_scenario):
    minimal_scenario["loans"][0]["id"] = "my card"
    path, _ = only_issue(minimal_scenario)
    assert path == "loans[0].id"


def test_two_rates(minimal_scenario):
    two_loans(minimal_scenario)["loans"][2]["annual_rate"] = 0.18
    path, message = only_issue(minimal_scenario)
    assert path == "loans[2].daily_rate" and "not both" in message


def test_no_rate(minimal_scenario):
    del two_loans(minimal_scenario)["loans"][1]["annual_rate"]
    path, message = only_issue(minimal_scenario)
    assert path == "loans[1].annual_rate" and "give annual_rate" in message and "daily_rate" in message


def test_arrears_above_balance(minimal_scenario):
    loan = two_loans(minimal_scenario)["loans"][1]
    loan.update(arrears=3000.01, months_overdue=1)
    path, message = only_issue(minimal_scenario)
    assert path == "loans[1].arrears" and "above the balance" in message


def test_arrears_equal_to_balance_is_valid(minimal_scenario):
    minimal_scenario["loans"][0].update(arrears=5000, months_overdue=2)
    assert scenario_from_dict(minimal_scenario).loans[0].arrears == Decimal(5000)


def test_arrears_without_months_overdue_and_the_reverse(minimal_scenario):
    two_loans(minimal_scenario)
    minimal_scenario["loans"][0]["arrears"] = 100
    minimal_scenario["loans"][1]["months_overdue"] = 1
    found = dict(issues_of(minimal_scenario))
    assert set(found) == {"loans[0].months_overdue", "loans[1].arrears"}


@pytest.mark.parametrize(
    ("where", "field"),
    [
        (("budget",), "monthly"),
        (("budget",), "starting_cash"),
        (("loans", 0), "balance"),
        (("loans", 0), "min_floor"),
        (("loans", 1), "installment"),
        (("loans", 0), "late_fee"),
        (("loans", 0), "arrears"),
    ],
)
def test_negative_amounts(minimal_scenario, where, field):
    two_loans(minimal_scenario)
    target = minimal_scenario["budget"] if where == ("budget",) else minimal_scenario["loans"][where[1]]
    target[field] = -5
    found = issues_of(minimal_scenario)
    path = "budget." + field if where == ("budget",) else f"loans[{where[1]}].{field}"
    assert (path, "-5 is negative; amounts are 0 or more") in found


def test_negative_rate(minimal_scenario):
    minimal_scenario["loans"][0]["annual_rate"] = -0.18
    path, message = only_issue(minimal_scenario)
    assert path == "loans[0].annual_rate" and "0 or more" in message


@pytest.mark.parametrize("amount", ["100.005", 100.001, "0.001"])
def test_fractions_of_a_cent(minimal_scenario, amount):
    minimal_scenario["loans"][0]["balance"] = amount
    path, message = only_issue(minimal_scenario)
    assert path == "loans[0].balance" and "fractions of a cent" in message and "two decimals" in message


def test_fractions_of_a_cent_in_an_inflow(minimal_scenario):
    minimal_scenario["budget"]["inflows"] = [{"month": "2027-01", "amount": "0.999"}]
    path, _ = only_issue(minimal_scenario)
    assert path == "budget.inflows[0].amount"


@pytest.mark.parametrize("month", ["2027-13", "27-01", "2027-1", "2027-00", "2027/01", "next month", 202701])
def test_impossible_months(minimal_scenario, month):
    minimal_scenario["start"] = month
    path, message = only_issue(minimal_scenario)
    assert path == "start" and ("YYYY-MM" in message)


def test_impossible_month_in_a_change(minimal_scenario):
    minimal_scenario["budget"]["changes"] = [{"from": "2027-13", "monthly": 5}]
    path, message = only_issue(minimal_scenario)
    assert path == "budget.changes[0].from" and "MM from 01 to 12" in message


@pytest.mark.parametrize(
    ("changes", "inflows", "bad"),
    [
        ([{"from": "2026-11", "monthly": 5}], [], "budget.changes[0].from"),  # before start
        ([{"from": "2027-12", "monthly": 5}], [], "budget.changes[0].from"),  # month 13 of 12
        ([], [{"month": "2027-01", "amount": 1}, {"month": "2028-01", "amount": 1}], "budget.inflows[1].month"),
        ([], [{"month": "2020-01", "amount": 1}], "budget.inflows[0].month"),
    ],
)
def test_months_outside_the_horizon(minimal_scenario, changes, inflows, bad):
    # start 2026-12, horizon 12: months 2026-12 .. 2027-11
    minimal_scenario["budget"].update(changes=changes, inflows=inflows)
    path, message = only_issue(minimal_scenario)
    assert path == bad and "outside the plan" in message


def test_last_month_of_the_horizon_is_inside(minimal_scenario):
    minimal_scenario["budget"]["changes"] = [{"from": "2027-11", "monthly": 5}]
    minimal_scenario["budget"]["inflows"] = [{"month": "2026-12", "amount": 5}]
    scenario_from_dict(minimal_scenario)


def test_two_changes_in_one_month(minimal_scenario):
    minimal_scenario["budget"]["changes"] = [{"from": "2027-03", "monthly": 5}, {"from": "2027-03", "monthly": 6}]
    path, message = only_issue(minimal_scenario)
    assert path == "budget.changes[1].from" and "already set by budget.changes[0]" in message


@pytest.mark.parametrize(
    ("field", "value", "ok"),
    [
        ("annual_rate", 12, True),  # 100 % a month exactly
        ("annual_rate", 12.01, False),
        ("annual_rate", 18, False),  # 18 written for 18 %
        ("daily_rate", 0.05, False),  # 150 % a month
    ],
)
def test_rate_above_100_percent_a_month(minimal_scenario, field, value, ok):
    loan = minimal_scenario["loans"][0]
    del loan["annual_rate"]
    loan[field] = value
    if ok:
        scenario_from_dict(minimal_scenario)
    else:
        path, message = only_issue(minimal_scenario)
        assert path == f"loans[0].{field}" and "more than 100 % a month" in message and "0.18" in message


def test_penalty_and_promo_rates_above_100_percent(minimal_scenario):
    two_loans(minimal_scenario)
    minimal_scenario["loans"][0]["penalty_rate"] = 24
    minimal_scenario["loans"][2].update(promo_rate=0.04, promo_months=3)
    assert [p for p, _ in issues_of(minimal_scenario)] == ["loans[0].penalty_rate", "loans[2].promo_rate"]


def test_penalty_rate_and_multiplier_both(minimal_scenario):
    minimal_scenario["loans"][0].update(penalty_rate=0.24, penalty_multiplier=1.5)
    path, message = only_issue(minimal_scenario)
    assert path == "loans[0].penalty_multiplier" and "not both" in message


def test_installment_loan_needs_installment_or_term(minimal_scenario):
    del two_loans(minimal_scenario)["loans"][1]["installment"]
    path, message = only_issue(minimal_scenario)
    assert path == "loans[1].term_months" and "installment" in message


def test_installment_and_method_both(minimal_scenario):
    two_loans(minimal_scenario)["loans"][1]["method"] = "annuity"
    path, message = only_issue(minimal_scenario)
    assert path == "loans[1].method" and "remove method" in message


def test_revolving_without_min_percent(minimal_scenario):
    del minimal_scenario["loans"][0]["min_percent"]
    path, message = only_issue(minimal_scenario)
    assert path == "loans[0].min_percent" and "revolving" in message and "0.10" in message


def test_revolving_with_installment_fields(minimal_scenario):
    minimal_scenario["loans"][0]["term_months"] = 12
    path, message = only_issue(minimal_scenario)
    assert path == "loans[0].term_months" and "only for installment loans" in message


def test_installment_with_revolving_fields(minimal_scenario):
    two_loans(minimal_scenario)["loans"][1]["min_floor"] = 100
    path, message = only_issue(minimal_scenario)
    assert path == "loans[1].min_floor" and "only for revolving loans" in message


@pytest.mark.parametrize(("months", "in_collection"), [(2, False), (3, True), (5, True)])
def test_a_loan_as_overdue_as_its_escalation_is_in_collection(minimal_scenario, months, in_collection):
    # money-model.md 1.1, item 8: accepted, and counted as escalated from month 1
    minimal_scenario["loans"][0].update(arrears=100, months_overdue=months, escalation_months=3)
    assert scenario_from_dict(minimal_scenario).loans[0].is_in_collection is in_collection


def test_in_collection_false_contradicts_months_overdue(minimal_scenario):
    minimal_scenario["loans"][0].update(arrears=100, months_overdue=3, escalation_months=3, in_collection=False)
    path, message = only_issue(minimal_scenario)
    assert path == "loans[0].in_collection" and "escalation_months (3)" in message and "remove" in message


def test_in_collection_is_kept_for_a_loan_brought_current(minimal_scenario):
    minimal_scenario["loans"][0]["in_collection"] = True
    assert scenario_from_dict(minimal_scenario).loans[0].is_in_collection


def test_promo_rate_without_promo_months(minimal_scenario):
    minimal_scenario["loans"][0]["promo_rate"] = 0
    path, message = only_issue(minimal_scenario)
    assert path == "loans[0].promo_months" and "how many months" in message


def test_promo_months_without_promo_rate(minimal_scenario):
    minimal_scenario["loans"][0]["promo_months"] = 6
    path, message = only_issue(minimal_scenario)
    assert path == "loans[0].promo_rate" and "promotional rate" in message


@pytest.mark.parametrize(
    ("field", "value", "path"),
    [
        ("kind", "mortgage", "loans[0].kind"),
        ("method", "balloon", "loans[1].method"),
    ],
)
def test_bad_choices_say_what_was_given(minimal_scenario, field, value, path):
    two_loans(minimal_scenario)
    index = 0 if field == "kind" else 2
    minimal_scenario["loans"][index][field] = value
    found = issues_of(minimal_scenario)
    where = f"loans[{index}].{field}"
    assert any(p == where and repr(value) in m for p, m in found), found


@pytest.mark.parametrize(
    ("key", "value", "path"),
    [
        ("horizon_months", 601, "horizon_months"),
        ("horizon_months", 0, "horizon_months"),
        ("currency", "yuan", "currency"),
        ("language", "fr", "language"),
        ("loans", [], "loans"),
    ],
)
def test_top_level_ranges(minimal_scenario, key, value, path):
    minimal_scenario[key] = value
    assert [p for p, _ in issues_of(minimal_scenario)] == [path]


def test_every_problem_is_reported_at_once(minimal_scenario):
    two_loans(minimal_scenario)
    minimal_scenario["loans"][0]["balance"] = "1.001"
    minimal_scenario["loans"][2]["bogus"] = 1
    minimal_scenario["budget"]["monthly"] = -1
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(minimal_scenario, source="mine.toml")
    assert sorted(i.path for i in info.value.issues) == ["budget.monthly", "loans[0].balance", "loans[2].bogus"]
    text = str(info.value)
    assert text.startswith("mine.toml: invalid scenario (3 problems):") and "  loans[2].bogus: unknown field" in text


def test_not_a_mapping():
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict([1, 2])  # type: ignore[arg-type]
    assert info.value.issues[0].path == ""
