"""The work of one request, run in a worker process, in two stages.

1. Read and validate (a validator process): the body's bytes become a
   validated `Scenario`, within this server's limits, with the request's
   options checked against it. Nothing of the body is parsed in the event loop.
2. Run (a solver process): the validated scenario and options go through
   `debtopt.api`, and the answer is the bytes the CLI prints.

`execute(job)` is a plain function: a `Job` in, a `Reply` (status, media type,
body bytes) out. It never raises: a `DebtoptError` becomes its status and JSON
body through one table (`STATUSES`), anything else a 500 that says an internal
error happened (in stage 1 a 422: the body is all a validator had).

`worker_main(conn, parent_pid, role)` is a process's loop: it dies with the
server, imports what its jobs need, says it is ready, then answers one job at a
time until told to stop or until the server goes away.
"""

from __future__ import annotations

import json
import logging
import os
import pickle
import signal
import threading
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection
from typing import Any, Literal

from ..domain.choices import ReportFormat
from ..errors import (
    DebtoptError,
    FieldIssue,
    InfeasibleLimitError,
    InputError,
    OptionError,
    OutputError,
    ScenarioError,
    ScheduleError,
    SolverError,
)
from ..processes import die_with_parent, name_process, peak_rss_bytes

Kind = Literal["simulate", "optimize", "compare", "report", "checkin"]
Role = Literal["validate", "solve"]

# Shares of a request's time limit given to the optimizer: the rest is for the
# heuristics, building the model, the ledger replay and rendering. A report
# solves three times (the plan, then the budget 10 % up and down with a third
# of the main solve's time each), so its main solve gets less.
SOLVER_SHARE = 0.7
REPORT_SOLVER_SHARE = 0.4
MIN_SOLVER_SECONDS = 0.5

MEDIA_TYPES: dict[str, str] = {
    ReportFormat.JSON: "application/json",
    ReportFormat.CSV: "text/csv; charset=utf-8",
    ReportFormat.TEXT: "text/plain; charset=utf-8",
    ReportFormat.MARKDOWN: "text/markdown; charset=utf-8",
    ReportFormat.HTML: "text/html; charset=utf-8",
}

# The error tree -> HTTP statuses and the `error` word of the body (the most specific class wins).
STATUSES: dict[type[DebtoptError], tuple[int, str]] = {
    ScenarioError: (422, "invalid scenario"),
    OptionError: (422, "invalid request"),
    InfeasibleLimitError: (422, "infeasible limit"),
    ScheduleError: (422, "invalid request"),
    SolverError: (500, "solver error"),
    OutputError: (500, "internal error"),  # the service writes no file: one is a bug
    DebtoptError: (422, "invalid request"),
}

# The API's parameter names -> the service's query parameters; any other is `query.<its name>`.
QUERY_NAMES = {"time_limit_seconds": "time_limit"}

log = logging.getLogger("debtopt.server")


@dataclass(frozen=True, slots=True)
class Limits:
    """This server's limits on one scenario."""

    max_loans: int = 30
    max_horizon_months: int = 360
    max_offers: int = 10


@dataclass(frozen=True, slots=True)
class Job:
    kind: Kind
    options: dict[str, Any] = field(default_factory=dict)  # the API's keywords, and the output's `format`
    time_limit: float = 10.0
    body: bytes | None = None  # stage 1: the request's body
    limits: Limits = Limits()
    scenario: bytes | None = None  # stage 2: the Scenario stage 1 validated, pickled (the event loop never unpickles it)


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    media_type: str
    body: bytes
    scenario: bytes | None = None  # stage 1's result: the validated Scenario, pickled
    peak_rss_bytes: int = 0  # the worker's, after the job: the pool replaces a worker that grew too big


def query_path(path: str) -> str:
    """`time_limit_seconds` -> `query.time_limit`; `order` -> `query.order`."""
    head = path.split(".", 1)[0].split("[", 1)[0]
    return "query." + QUERY_NAMES.get(head, head) + path[len(head):]


def _encode(text: str) -> bytes:
    # A lone surrogate cannot be UTF-8; escaped, it stays valid JSON (`\\udc80`) and readable elsewhere.
    return text.encode("utf-8", "backslashreplace")


def error_body(error: str, message: str, issues: list[dict[str, str]] | None = None) -> bytes:
    data: dict[str, Any] = {"error": error, "message": message, "issues": issues or []}
    return _encode(json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n")


def error_reply(status: int, error: str, message: str, issues: list[dict[str, str]] | None = None) -> Reply:
    return Reply(status, "application/json", error_body(error, message, issues))


def _issues(exc: DebtoptError) -> list[dict[str, str]]:
    if isinstance(exc, OptionError):
        return [{"path": query_path(issue.path), "message": issue.message} for issue in exc.issues]
    if isinstance(exc, ScenarioError):
        return [{"path": issue.path, "message": issue.message} for issue in exc.issues]
    if isinstance(exc, InfeasibleLimitError):
        return [{"path": query_path("max_consecutive_overdue"), "message": str(exc)}]
    return []


def error_reply_for(exc: DebtoptError) -> Reply:
    """A DebtoptError as its status and JSON body, in the service's words."""
    status, word = next((STATUSES[cls] for cls in type(exc).__mro__ if cls in STATUSES), (500, "internal error"))
    message = str(exc)
    if isinstance(exc, OptionError):
        message = str(OptionError([FieldIssue(query_path(i.path), i.message) for i in exc.issues]))
    if isinstance(exc, InputError):  # a file read beside the scenario: say which (an actual file, a plan)
        word = f"invalid {exc.what}"
    return error_reply(status, word, message, _issues(exc))


def execute(job: Job) -> Reply:
    """Do one job (stage 1 when it carries a body, else stage 2); every outcome is a Reply."""
    stage = "validating" if job.scenario is None else "running"
    try:
        return _validate(job) if job.scenario is None else _run(job)
    except DebtoptError as exc:
        return error_reply_for(exc)
    except Exception as exc:  # a bug: logged with its traceback, answered without it
        log.error("internal error %s a %s request: %s\n%s", stage, job.kind, exc, traceback.format_exc())
        if job.scenario is None:
            # The body was all this process had: the request is refused, and the bug is in the log.
            message = f"this scenario could not be validated ({type(exc).__name__}; the server logged it as a bug)"
            return error_reply(422, "invalid scenario", message, [{"path": "", "message": message}])
        return error_reply(500, "internal error", f"a bug in debtopt, please report it: {type(exc).__name__}")


# ---------------------------------------------------------------- stage 1: read and validate
def _over_limits(scenario: Any, limits: Limits) -> Reply | None:
    issues = []
    if len(scenario.loans) > limits.max_loans:
        issues.append({"path": "loans", "message": f"{len(scenario.loans)} loans; this server takes at most "
                                                   f"{limits.max_loans} per request"})
    if scenario.horizon_months > limits.max_horizon_months:
        issues.append({"path": "horizon_months", "message": f"{scenario.horizon_months} months; this server plans "
                                                            f"at most {limits.max_horizon_months} months per request"})
    if len(scenario.offers) > limits.max_offers:
        issues.append({"path": "offers", "message": f"{len(scenario.offers)} offers; this server takes at most "
                                                    f"{limits.max_offers} per request"})
    if not issues:
        return None
    return error_reply(422, "over this server's limits", "the scenario is over this server's limits", issues)


def _validate(job: Job) -> Reply:
    from .. import api

    if job.kind == "checkin":
        return _validate_checkin(job)
    scenario = api.scenario_from_fields(api.scenario_fields(job.body or b""))
    over = _over_limits(scenario, job.limits)
    if over is not None:
        return over
    api.check_options(job.kind, scenario, **_api_options(job))
    return Reply(200, "application/octet-stream", b"", scenario=pickle.dumps(scenario))


def _validate_checkin(job: Job) -> Reply:
    """A check-in's body, {scenario, actual, plan}: each part validated, its issues named under its key."""
    from .. import api

    fields = api.scenario_fields(job.body or b"")  # the body's JSON, read as a scenario file is
    unknown = sorted(set(fields) - {"scenario", "actual", "plan"})
    missing = [key for key in ("scenario", "actual") if not isinstance(fields.get(key), dict)]
    if unknown or missing:
        raise ScenarioError([*(FieldIssue(key, "unknown field; the body holds scenario, actual and plan")
                               for key in unknown),
                             *(FieldIssue(key, "missing; give it as a JSON object") for key in missing)])
    with _under("scenario"):
        scenario = api.scenario_from_fields(fields["scenario"])
    over = _over_limits(scenario, job.limits)
    if over is not None:
        return over
    api.check_checkin_options(**job.options)
    with _under("actual"):
        actual = api.load_actual(fields["actual"], scenario)
    plan = None
    if fields.get("plan") is not None:
        with _under("plan"):
            plan = api.load_plan(fields["plan"])
    return Reply(200, "application/octet-stream", b"", scenario=pickle.dumps((scenario, actual, plan)))


@contextmanager
def _under(key: str) -> Iterator[None]:
    """The issues of one part of a body, named under its key (`actual.months[0].payments.card`)."""
    try:
        yield
    except ScenarioError as exc:
        issues = [FieldIssue(f"{key}.{i.path}" if i.path else key, i.message) for i in exc.issues]
        if isinstance(exc, InputError):
            raise InputError(issues, None, exc.what) from None
        raise ScenarioError(issues) from None


# ---------------------------------------------------------------- stage 2: run
def _api_options(job: Job) -> dict[str, Any]:
    """The job's options as the API's keywords, with the time each solve gets."""
    options = dict(job.options)
    if job.kind in ("optimize", "compare", "checkin"):
        options["time_limit_seconds"] = max(MIN_SOLVER_SECONDS, job.time_limit * SOLVER_SHARE)
    elif job.kind == "report":
        options["time_limit_seconds"] = max(MIN_SOLVER_SECONDS, job.time_limit * REPORT_SOLVER_SHARE)
    return options


def _checked_json(text: str) -> str:
    """JSON answers are JSON: a number too large for JSON (Infinity, NaN) is a bug, not an answer."""
    def refuse(constant: str) -> None:
        raise ValueError(f"the answer holds {constant}, which is not JSON")

    json.loads(text, parse_constant=refuse)
    return text


def _run(job: Job) -> Reply:
    from .. import api

    options = _api_options(job)
    scenario = pickle.loads(job.scenario or b"")  # written by this server's own validator (stage 1)
    fmt = str(options.pop("format", ReportFormat.HTML if job.kind == "report" else ReportFormat.JSON))
    lang = options.pop("lang", None) if job.kind != "report" else None  # the text's language (a report's is its own)
    if job.kind == "simulate":
        text = api.format_plan(api.simulate(scenario, **options), scenario, fmt, lang=lang)
    elif job.kind == "optimize":
        text = api.format_plan(api.optimize(scenario, **options), scenario, fmt, lang=lang)
    elif job.kind == "compare":
        text = api.format_comparison(api.compare(scenario, **options), scenario, fmt, lang=lang)
    elif job.kind == "report":
        text = api.report(scenario, format=fmt, **options)  # type: ignore[arg-type]
    elif job.kind == "checkin":
        scenario, actual, plan = scenario
        try:
            result = api.checkin(scenario, actual, plan=plan, **options)
        except InputError as exc:  # a month the ledger refuses: the body's `actual` part
            raise InputError([FieldIssue(f"actual.{i.path}" if i.path else "actual", i.message)
                              for i in exc.issues], None, exc.what) from None
        text = api.format_checkin(result, scenario, format="json")
    else:
        raise ValueError(f"unknown job kind {job.kind!r}")
    if fmt == ReportFormat.JSON:
        text = _checked_json(text)
    return Reply(200, MEDIA_TYPES[fmt], _encode(text))


# ---------------------------------------------------------------- the process
def warm_up(role: Role) -> None:
    """Import what jobs need, so the first request pays no import time.

    The solver and the renderers before the worker says it is ready; the
    charts (matplotlib, needed by HTML reports only) on a thread after, so a
    replacement worker is ready sooner.
    """
    from .. import api

    if role == "solve":
        api.preload()
        threading.Thread(target=api.preload_charts, name="debtopt-warm-up", daemon=True).start()


WORKER_NICENESS = 5


def lower_priority() -> None:
    """Run below the front door, so /healthz and refusals answer while solves run.

    Workers are CPU-bound for seconds; at the same priority the scheduler gives
    the event loop no more than its share of a busy core.
    """
    try:
        os.nice(WORKER_NICENESS)
    except (AttributeError, OSError):  # no nice() on this platform, or not allowed: same priority
        pass


def worker_main(conn: Connection, parent_pid: int, role: Role = "solve") -> None:
    """A worker process: answer jobs from `conn` one at a time until None or EOF."""
    die_with_parent(parent_pid)
    name_process(f"debtopt-{role}")
    lower_priority()
    # The server stops its workers itself; Ctrl-C in its terminal must not print a traceback per worker.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s[%(process)d]: %(message)s")
    warm_up(role)
    conn.send(("ready", os.getpid()))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        reply = replace(execute(job), peak_rss_bytes=peak_rss_bytes())
        try:
            conn.send(reply)
        except (BrokenPipeError, OSError):
            return
