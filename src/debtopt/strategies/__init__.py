"""Layer 3: the heuristics. Each proposes a schedule; the ledger decides its figures."""

from .heuristics import HEURISTICS, Custom, Decide
from .run import (
    STRATEGIES,
    best_heuristic,
    heuristics_taking,
    parse_takes,
    propose_schedule,
    resolve_order,
    run_heuristics,
    run_strategy,
)

__all__ = [
    "HEURISTICS",
    "STRATEGIES",
    "Custom",
    "Decide",
    "best_heuristic",
    "heuristics_taking",
    "parse_takes",
    "propose_schedule",
    "resolve_order",
    "run_heuristics",
    "run_strategy",
]
