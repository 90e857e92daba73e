"""The work of one request, run in a worker process.

`execute(job)` is a plain function: it takes a `Job` (what to do, the
scenario's fields, the options) and returns a `Reply` (status, media type,
body bytes). It never raises: a `DebtoptError` becomes its status and JSON
body, anything else a 500 that says an internal error happened. The bytes are
those the CLI prints for the same input and options.

`worker_main(conn)` is the process's loop: it imports what the jobs need,
says it is ready, then answers one job at a time until told to stop or until
the server goes away.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import traceback
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any, Literal

Kind = Literal["simulate", "optimize", "compare", "report"]

# Shares of a request's time limit given to the optimizer: the rest is for the
# heuristics, building the model, the ledger replay and rendering. A report
# solves three times (the plan, then the budget 10 % up and down with a third
# of the main solve's time each), so its main solve gets less.
SOLVER_SHARE = 0.7
REPORT_SOLVER_SHARE = 0.4

MEDIA_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "text": "text/plain; charset=utf-8",
    "markdown": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
}

log = logging.getLogger("debtopt.server")


@dataclass(frozen=True, slots=True)
class Job:
    kind: Kind
    scenario: dict[str, Any]
    options: dict[str, Any] = field(default_factory=dict)
    time_limit: float = 10.0


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    media_type: str
    body: bytes


def error_body(error: str, message: str, issues: list[dict[str, str]] | None = None) -> bytes:
    data: dict[str, Any] = {"error": error, "message": message, "issues": issues or []}
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def error_reply(status: int, error: str, message: str, issues: list[dict[str, str]] | None = None) -> Reply:
    return Reply(status, "application/json", error_body(error, message, issues))


def execute(job: Job) -> Reply:
    """Do one job; every outcome is a Reply."""
    from ..errors import DebtoptError, InfeasibleLimitError, ScenarioError

    try:
        return _run(job)
    except ScenarioError as exc:
        issues = [{"path": issue.path, "message": issue.message} for issue in exc.issues]
        return error_reply(422, "invalid scenario", str(exc), issues)
    except InfeasibleLimitError as exc:
        issues = [{"path": "query.max_consecutive_overdue", "message": str(exc)}]
        return error_reply(422, "infeasible limit", str(exc), issues)
    except DebtoptError as exc:
        status = 500 if exc.exit_code == 1 else 422
        name = "solver error" if status == 500 else "invalid request"
        return error_reply(status, name, str(exc))
    except Exception as exc:  # a bug: logged with its traceback, answered without it
        log.error("internal error in %s: %s\n%s", job.kind, exc, traceback.format_exc())
        return error_reply(500, "internal error", f"a bug in debtopt, please report it: {type(exc).__name__}")


def _run(job: Job) -> Reply:
    from .. import api
    from ..report.solver_text import solver_to_text
    from ..report.tabular import comparison_to_csv, comparison_to_json, plan_to_csv, plan_to_json
    from ..report.text import comparison_to_text, plan_to_text

    options = job.options
    fmt = str(options.get("format", "json"))
    scenario = api.load_scenario(job.scenario)
    if job.kind in ("simulate", "optimize"):
        if job.kind == "simulate":
            plan = api.simulate(scenario, options.get("strategy", "avalanche"), options.get("order"))
        else:
            plan = api.optimize(scenario, time_limit_seconds=max(0.5, job.time_limit * SOLVER_SHARE),
                                **_solver_options(options))
        if fmt == "csv":
            text = plan_to_csv(plan)
        elif fmt == "text":
            from ..analysis.report_data import build_report_data

            doc = build_report_data(scenario, plan, lang="en", sections=frozenset())  # what to do now, first
            text = plan_to_text(plan, scenario, doc=doc) + solver_to_text(plan)
        else:
            text = plan_to_json(plan)
        return Reply(200, MEDIA_TYPES[fmt], text.encode("utf-8"))
    if job.kind == "compare":
        comparison = api.compare(scenario, optimal=bool(options.get("optimal", True)),
                                 time_limit_seconds=max(0.5, job.time_limit * SOLVER_SHARE),
                                 **_solver_options(options))
        plans = comparison.plans
        if fmt == "csv":
            text = comparison_to_csv(plans)
        elif fmt == "text":
            text = comparison_to_text(scenario, plans, comparison.best)
        else:
            text = comparison_to_json(scenario, plans, comparison.best)
        return Reply(200, MEDIA_TYPES[fmt], text.encode("utf-8"))
    if job.kind == "report":
        return _report(scenario, options, job.time_limit)
    raise ValueError(f"unknown job kind {job.kind!r}")


def _solver_options(options: dict[str, Any]) -> dict[str, Any]:
    keys = ("objective", "overdue_price", "max_consecutive_overdue", "solver", "timings")
    return {key: options[key] for key in keys if key in options}


def _report(scenario: Any, options: dict[str, Any], time_limit: float) -> Reply:
    """`debtopt report`: the plan the report chooses (the optimizer's unless heuristics_only), explained."""
    from ..analysis.report_data import build_report_data
    from ..optimize import optimize
    from ..report.render import render
    from ..strategies import run_heuristics, run_strategy

    fmt = str(options.get("format", "html"))
    lang = options.get("lang") or scenario.language
    order = options.get("order")
    heuristics = run_heuristics(scenario)
    if order:
        heuristics["custom"] = run_strategy(scenario, "custom", list(order))
    limit = max(1.0, time_limit * REPORT_SOLVER_SHARE)
    if options.get("heuristics_only", False):
        plan = min(heuristics.values(), key=lambda p: p.rank_key())
    else:
        plan = optimize(scenario, time_limit_seconds=limit)
    data = build_report_data(scenario, plan, lang=lang, order=order, heuristics=heuristics,
                             time_limit_seconds=max(1.0, min(5.0, limit / 3)))
    svgs = None
    if fmt == "html":
        from ..report.charts import inline_svgs

        svgs = inline_svgs(data)
    text = render(data, fmt, lang, svgs=svgs)
    return Reply(200, MEDIA_TYPES[fmt], text.encode("utf-8"))


def warm_up() -> None:
    """Import everything a job needs, so the first request pays no import time."""
    from .. import api  # noqa: F401
    from ..optimize import optimize  # noqa: F401
    from ..analysis import report_data  # noqa: F401
    from ..report import charts, render, solver_text, tabular, text  # noqa: F401


def worker_main(conn: Connection) -> None:
    """A worker process: answer jobs from `conn` one at a time until None or EOF."""
    # The server stops its workers itself; Ctrl-C in its terminal must not print a traceback per worker.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s[%(process)d]: %(message)s")
    warm_up()
    conn.send(("ready", os.getpid()))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        reply = execute(job)
        try:
            conn.send(reply)
        except (BrokenPipeError, OSError):
            return
