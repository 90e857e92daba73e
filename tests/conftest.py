"""Shared fixtures. Keep this small: helpers that only one file needs live in that file."""

from __future__ import annotations

import copy
from typing import Any

import pytest

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
