"""The portfolio generator: valid, realistic, deterministic for a seed."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from debtopt.domain import load_scenario
from debtopt.generate import (
    BUDGET_KINDS,
    PROFILES,
    generate_scenario,
    generate_scenarios,
    scenario_to_json,
    scenario_to_toml,
    write_scenarios,
)


@pytest.mark.parametrize("profile", PROFILES)
def test_every_generated_scenario_is_valid(profile: str) -> None:
    sizes = set()
    for data in generate_scenarios(seed=3, count=120, profile=profile):
        scenario = load_scenario(data)
        sizes.add(len(scenario.loans))
        assert 2 <= len(scenario.loans) <= 30
    assert min(sizes) <= 3 and max(sizes) >= 12  # small and large portfolios both occur


def test_profiles_look_like_their_markets() -> None:
    cn = [generate_scenario(5, i, "cn-microloan") for i in range(60)]
    assert all(d["currency"] == "CNY" for d in cn)
    loans = [loan for d in cn for loan in d["loans"]]
    assert all("daily_rate" in loan for loan in loans)
    assert any(loan.get("arrears") for loan in loans)  # some already overdue
    assert {"微粒贷", "借呗", "花呗"} <= {loan["name"] for loan in loans}
    revolving = [loan for loan in loans if loan["kind"] == "revolving"]
    assert all(loan["min_percent"] == 0.1 for loan in revolving)
    us = [loan for i in range(60) for loan in generate_scenario(5, i, "us-cards")["loans"]]
    assert all("annual_rate" in loan for loan in us)
    cards = [loan for loan in us if loan["kind"] == "revolving" and "promo_rate" not in loan]
    assert all(0.179 <= loan["annual_rate"] <= 0.33 for loan in cards)
    assert any("promo_rate" in loan for loan in us) and any(loan["kind"] == "installment" for loan in us)
    mixed = [generate_scenario(5, i, "mixed") for i in range(60)]
    assert any({"daily_rate", "annual_rate"} <= {k for loan in d["loans"] for k in loan} for d in mixed)


@pytest.mark.parametrize("budget", BUDGET_KINDS)
def test_budget_kinds_and_loan_range(budget: str) -> None:
    for i in range(20):
        data = generate_scenario(9, i, "mixed", loans=(4, 6), budget=budget)
        assert 4 <= len(data["loans"]) <= 6
        load_scenario(data)
        if budget == "short":
            assert data["budget"].get("changes")  # the budget falls below the minimums, then recovers


def test_same_seed_same_bytes_and_any_index_alone(tmp_path: Path) -> None:
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    write_scenarios(generate_scenarios(11, 40, "mixed"), a)
    write_scenarios(generate_scenarios(11, 40, "mixed"), b)
    assert a.read_bytes() == b.read_bytes()
    assert scenario_to_json(generate_scenario(11, 17, "mixed")) == a.read_text(encoding="utf-8").splitlines()[17]
    assert a.read_bytes() != scenario_to_json(generate_scenario(12, 0, "mixed"))
    assert generate_scenario(11, 0, "mixed") != generate_scenario(12, 0, "mixed")


def test_same_bytes_in_another_process_with_another_hash_seed(tmp_path: Path) -> None:
    outputs = []
    for hash_seed in ("1", "2"):
        out = tmp_path / f"{hash_seed}.jsonl"
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        subprocess.run([sys.executable, "benchmarks/generate.py", "-p", "mixed", "-n", "25", "--seed", "4", "-o", str(out)],
                       check=True, env=env, cwd=Path(__file__).parent.parent, capture_output=True)
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    expected = "".join(scenario_to_json(d) + "\n" for d in generate_scenarios(4, 25, "mixed")).encode()
    assert outputs[0] == expected


@pytest.mark.parametrize("fmt", ["toml", "json"])
def test_scenario_files_load(tmp_path: Path, fmt: str) -> None:
    written = write_scenarios(generate_scenarios(2, 15, "cn-microloan"), tmp_path / "s", fmt, "cn-microloan")
    files = sorted((tmp_path / "s").iterdir())
    assert written == len(files) == 15 and files[0].name == f"cn-microloan-00000.{fmt}"
    for file, data in zip(files, generate_scenarios(2, 15, "cn-microloan"), strict=True):
        load_scenario(file)
        if fmt == "toml":
            assert tomllib.loads(file.read_text(encoding="utf-8")) == data
    if fmt == "toml":
        assert scenario_to_toml(generate_scenario(2, 0)) == files[0].read_text(encoding="utf-8")


@pytest.mark.parametrize(("profile", "currency", "top", "median_range"), [
    ("cn-microloan", "CNY", 26250, (2000, 10000)),  # at most 75 % of a ¥35,000 income
    ("us-cards", "USD", 10500, (800, 4000)),
])
def test_budgets_follow_incomes_and_what_is_owed(profile: str, currency: str, top: int,
                                                 median_range: tuple[int, int]) -> None:
    budgets, ratios = [], []
    for data in generate_scenarios(seed=6, count=150, profile=profile):
        assert data["currency"] == currency
        amounts = [data["budget"]["monthly"], *(c["monthly"] for c in data["budget"].get("changes", []))]
        assert max(amounts) <= top
        owed = sum(loan["balance"] for loan in data["loans"])
        budgets.append(data["budget"]["monthly"])
        ratios.append(data["budget"]["monthly"] / owed)
    budgets.sort()
    assert median_range[0] <= budgets[len(budgets) // 2] <= median_range[1]
    # a larger debt does not buy a larger budget beyond the income: most budgets are under a third of what is owed
    assert sum(r < 1 / 3 for r in ratios) >= 0.9 * len(ratios)


def test_us_cards_repay_at_their_minimum() -> None:
    """Percent-plus-interest: paying only the minimum lowers the balance every month (B' = (1 - p) B at
    least), where 1 % of what is owed at 31 % a year would let it grow for decades."""
    from debtopt.domain import scenario_from_dict
    from debtopt.strategies import run_strategy

    cards = [loan for i in range(40) for loan in generate_scenario(8, i, "us-cards")["loans"]
             if loan["kind"] == "revolving"]
    assert cards and all(loan["min_rule"] == "percent-plus-interest" and loan["min_percent"] in (0.01, 0.02)
                         for loan in cards)
    for loan in cards[:10]:
        alone = {k: v for k, v in loan.items() if k not in ("arrears", "months_overdue")}
        scenario = scenario_from_dict({"currency": "USD", "start": "2027-01", "horizon_months": 24,
                                       "budget": {"monthly": 100000}, "loans": [alone]})
        balances = [month.loans[0].balance for month in run_strategy(scenario, "minimum").months]
        assert all(b < a for a, b in zip(balances, balances[1:])), loan["id"]
