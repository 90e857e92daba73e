"""The output file: one JSON record a line, in input order, safe to resume.

Each complete line ends in "\\n" and is flushed as soon as it is written, so a
crash leaves every finished record readable and at most one partial last line,
which `read_done` discards.

A record:
    {"input": "a.toml" | 7,           # file name, or 1-based line number of a JSONL input
     "error": null | "message",        # what `debtopt validate` (or the solver) would say
     "error_type": null | "ScenarioError" | "SolverError" | "TimeLimit" | "WorkerLost" | ... (ERROR_TYPES),
     "best": "avalanche" | null,       # the best chosen strategy in the contract's order
     "strategies": {"avalanche": {totals...}, ...},
     "plans": {"avalanche": {plan...}}}   # only with --plans
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ..errors import (
    DebtoptError,
    InfeasibleLimitError,
    OptionError,
    OutputError,
    ScenarioError,
    ScheduleError,
    SolverError,
)

# The error tree -> a record's `error_type` (the most specific class wins), and what the batch itself records.
ERROR_TYPES: dict[type[DebtoptError], str] = {
    ScenarioError: "ScenarioError",
    OptionError: "OptionError",
    ScheduleError: "ScheduleError",
    InfeasibleLimitError: "InfeasibleLimitError",
    SolverError: "SolverError",
    OutputError: "OutputError",
    DebtoptError: "DebtoptError",
}
TIME_LIMIT = "TimeLimit"  # the scenario ran past its wall-clock cap and its worker was stopped
WORKER_LOST = "WorkerLost"  # the worker process died on the scenario (killed, out of memory, a crash)
INTERNAL_ERROR = "InternalError"  # a bug in debtopt


def error_type(error: DebtoptError) -> str:
    return next(ERROR_TYPES[cls] for cls in type(error).__mro__ if cls in ERROR_TYPES)  # type: ignore[index]


def new_record(input_label: str | int, plans: bool = False) -> dict[str, Any]:
    record: dict[str, Any] = {"input": input_label, "error": None, "error_type": None, "best": None,
                              "strategies": {}}
    if plans:
        record["plans"] = {}
    return record


def error_record(input_label: str | int, kind: str, message: str, plans: bool = False) -> dict[str, Any]:
    """The record of an input that gave no result: what happened, in words."""
    record = new_record(input_label, plans)
    record["error"], record["error_type"] = message, kind
    return record


def record_line(record: dict[str, Any]) -> str:
    """Stable bytes: same record, same line; always one line of valid JSON.

    A string no UTF-8 can hold (a lone surrogate from the input) is written as
    its JSON escape; a figure JSON cannot hold (infinity) makes the record an
    error record rather than a line that is not JSON.
    """
    try:
        text = json.dumps(record, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except ValueError:
        broken = error_record(record.get("input", "?"), INTERNAL_ERROR, "internal error (a bug in debtopt, please "
                              "report it): a figure of this scenario's plans is not a finite number")
        text = json.dumps(broken, ensure_ascii=False, separators=(",", ":"))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(json.loads(text), ensure_ascii=True, separators=(",", ":"))
    return text + "\n"


@dataclass
class Summary:
    """Counts over every record of the output (resumed ones included)."""

    total: int = 0
    ok: int = 0
    resumed: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    best: Counter[str] = field(default_factory=Counter)
    escalations: int = 0  # records whose best plan escalates at least one loan

    def add(self, record: dict[str, Any]) -> None:
        self.total += 1
        if record.get("error") is not None:
            self.errors[record.get("error_type") or "error"] += 1
        else:
            self.ok += 1
        best = record.get("best")
        if best:
            self.best[best] += 1
            if record["strategies"][best].get("escalations"):
                self.escalations += 1

    def lines(self) -> list[str]:
        failed = sum(self.errors.values())
        out = [f"{self.total} scenarios: {self.ok} solved, {failed} with an error"
               + (f" ({self.resumed} done by an earlier run)" if self.resumed else "")]
        if self.errors:
            out.append("errors: " + ", ".join(f"{kind} {n}" for kind, n in sorted(self.errors.items())))
        if self.best:
            out.append("best strategy: " + ", ".join(f"{name} {n}" for name, n in self.best.most_common()))
            out.append(f"best plan still escalates a loan: {self.escalations}")
        return out


@dataclass
class Done:
    count: int
    last_input: str | int | None
    summary: Summary


def read_done(path: Path, repair: bool = True) -> Done:
    """The complete records already in `path`. A partial last line is discarded
    (and cut from the file when `repair`); a bad line before the last is an error."""
    path = Path(path)
    summary = Summary()
    last: str | int | None = None
    good_end = 0
    count = 0
    with path.open("rb") as handle:
        lines = iter(handle)
        pending = next(lines, None)
        while pending is not None:
            following = next(lines, None)
            complete = pending.endswith(b"\n")
            try:
                record = json.loads(pending) if complete else None
            except (json.JSONDecodeError, UnicodeDecodeError):
                record = None
            if record is None or not isinstance(record, dict) or "input" not in record:
                if following is None:
                    break  # a partial last line: the run was cut short while writing it
                raise OutputError(str(path), f"line {count + 1} is not a batch record; it is not this batch's "
                                             "output (choose another --out, or remove the file to start again)",
                                  "out")
            count += 1
            good_end += len(pending)
            last = record["input"]
            summary.add(record)
            pending = following
    if repair and good_end != path.stat().st_size:
        with path.open("r+b") as handle:
            handle.truncate(good_end)
    summary.resumed = count
    return Done(count, last, summary)


class RecordWriter:
    """Appends one complete line per record and flushes it."""

    def __init__(self, handle: IO[str]) -> None:
        self.handle = handle

    def write(self, record: dict[str, Any]) -> None:
        self.handle.write(record_line(record))
        self.handle.flush()
