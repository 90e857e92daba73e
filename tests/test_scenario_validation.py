"""Scenario loading and validation (money-model.md, "The scenario file"): every bad input names its field."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from debtopt.domain import scenario_from_dict
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
