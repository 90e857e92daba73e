"""A loan's `due_day`: the day of the month its payment falls due, for the calendar exports."""

from __future__ import annotations

from typing import Any

import pytest

from debtopt.domain import load_scenario
from debtopt.errors import ScenarioError


def test_due_day_defaults_to_the_first(minimal_scenario: dict[str, Any]) -> None:
    assert load_scenario(minimal_scenario).loans[0].due_day == 1


def test_due_day_is_kept(minimal_scenario: dict[str, Any]) -> None:
    minimal_scenario["loans"][0]["due_day"] = 28
    assert load_scenario(minimal_scenario).loans[0].due_day == 28


@pytest.mark.parametrize("day", [0, 29, 31, -1])
def test_a_day_not_in_every_month_names_the_field_and_the_fix(minimal_scenario: dict[str, Any], day: int) -> None:
    minimal_scenario["loans"][0]["due_day"] = day
    with pytest.raises(ScenarioError) as caught:
        load_scenario(minimal_scenario)
    [issue] = caught.value.issues
    assert issue.path == "loans[0].due_day"
    assert "1 to 28" in issue.message
