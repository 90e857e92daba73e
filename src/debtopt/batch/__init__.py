"""Batch runs: many scenarios, one record each, on local processes or a Dask cluster.

    from debtopt.batch import run_batch
    summary = run_batch(Path("scenarios/"), Path("results.jsonl"), workers=2)

docs/batch.md describes the record format, the engines and resuming.
"""

from .engines import ENGINES, DaskEngine, Engine, InlineEngine, ProcessEngine, make_engine
from .inputs import Task, read_tasks
from .records import Summary, read_done, record_line
from .runner import STRATEGIES, resolve_strategies, run_batch
from .work import WorkOptions, solve, solve_chunk

__all__ = [
    "ENGINES",
    "DaskEngine",
    "Engine",
    "InlineEngine",
    "ProcessEngine",
    "STRATEGIES",
    "Summary",
    "Task",
    "WorkOptions",
    "make_engine",
    "read_done",
    "read_tasks",
    "record_line",
    "resolve_strategies",
    "run_batch",
    "solve",
    "solve_chunk",
]
