"""Batch runs: many scenarios, one record each, on local processes or a Dask cluster.

    from debtopt.batch import run_batch
    summary = run_batch(Path("scenarios/"), Path("results.jsonl"), workers=2)

docs/batch.md describes the record format, the engines, the limits and resuming.
The modules load when first used (`debtopt --help` loads none of them).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

ENGINES = ("local", "dask", "inline")
# A scenario's wall-clock cap in the batch is its time limit plus this (the work around the solver).
GRACE_SECONDS = 1.0

_WHERE = {
    "DaskEngine": "engines", "Engine": "engines", "InlineEngine": "engines", "ProcessEngine": "engines",
    "make_engine": "engines", "Task": "inputs", "read_tasks": "inputs", "Summary": "records",
    "read_done": "records", "record_line": "records", "STRATEGIES": "runner", "resolve_strategies": "runner",
    "run_batch": "runner", "WorkOptions": "work", "solve": "work", "solve_chunk": "work",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(f".{_WHERE[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["ENGINES", "GRACE_SECONDS", *sorted(_WHERE)]
