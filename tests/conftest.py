"""Shared fixtures. Keep this small: helpers that only one file needs live in that file."""

from __future__ import annotations

import copy
from typing import Any

import os

import pytest
from hypothesis import settings

# The property tests draw the same examples on every run and every machine, so the
# suite's outcome depends on the code alone; HYPOTHESIS_PROFILE=explore draws new ones.
settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore", max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

_MINIMAL: dict[str, Any] = {
    "currency": "CNY",
    "start": "2026-12",
    "horizon_months": 12,
    "budget": {"monthly": 1000},
    "loans": [
        {"id": "card", "kind": "revolving", "balance": 5000, "annual_rate": 0.18, "min_percent": 0.1},
    ],
}


@pytest.fixture
def minimal_scenario() -> dict[str, Any]:
    """The fields of a small valid scenario (one revolving loan), a fresh copy per test."""
    return copy.deepcopy(_MINIMAL)
