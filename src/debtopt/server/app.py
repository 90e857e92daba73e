"""The HTTP service: FastAPI routes in front of a pool of solver processes.

    POST /v1/simulate   one heuristic's plan          (the CLI's `simulate --format json`)
    POST /v1/optimize   the optimal plan              (`optimize --format json`)
    POST /v1/compare    every strategy, best first    (`compare --format json`)
    POST /v1/report     the full report, HTML or JSON (`report --format html|json`)
    GET  /v1/schema     the JSON Schema of scenarios  (`schema`)
    GET  /healthz       liveness and the pool's state
    GET  /docs          Swagger UI, served from this process (no CDN); /openapi.json

A POST's body is the scenario itself, as JSON with the file format's fields;
options are query parameters. The event loop only reads, validates and
answers; every simulation, solve and report runs in a worker process under
the request's time limit (pool.py), so the server keeps answering while
solves run. Errors are JSON: {"error", "message", "issues": [{"path", "message"}]}.
docs/api.md documents the statuses.
"""

# No `from __future__ import annotations` here: FastAPI reads the routes' annotations at run time,
# and some refer to names local to create_app (the limits of its settings).
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from typing import Annotated, Any, Literal

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..api import Strategy, load_scenario
from ..domain.plan import Plan
from ..domain.scenario import Scenario
from ..errors import ScenarioError
from .pool import JobTimedOut, PoolBusy, WorkerLost, WorkerPool
from .settings import Settings
from .worker import Job, Kind, error_body

log = logging.getLogger("debtopt.server")

PlanFormat = Literal["json", "csv", "text"]
ReportFormat = Literal["html", "json", "markdown", "text", "csv"]
Lang = Literal["en", "zh"]
ObjectiveName = Literal["lexicographic", "cost", "weighted"]
JSON_TYPES = ("application/json",)
# The report is built from the borrower's own strings (escaped); it needs no script and no outside resource.
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"


class Issue(BaseModel):
    path: str
    message: str


class ErrorBody(BaseModel):
    """Every error answer: what went wrong, in words, and the fields at fault."""

    error: str
    message: str
    issues: list[Issue] = []


class Problem(Exception):
    """An answer other than 200, raised anywhere in a request and turned into JSON by one handler."""

    def __init__(self, status: int, error: str, message: str, issues: list[dict[str, str]] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message
        self.issues = issues or []
        self.headers = headers or {}


def _problem_response(problem: Problem) -> Response:
    return Response(error_body(problem.error, problem.message, problem.issues), status_code=problem.status,
                    media_type="application/json", headers=problem.headers)


def _issue(path: str, message: str) -> dict[str, str]:
    return {"path": path, "message": message}


# ---------------------------------------------------------------- reading a body
async def read_body(request: Request, limit: int) -> bytes:
    """The body, refused with 413 past `limit` bytes: by Content-Length first, then as it streams."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            size = int(declared)
        except ValueError:
            raise Problem(400, "bad request", "Content-Length is not a number") from None
        if size > limit:
            raise Problem(413, "body too large", f"the body is {size} bytes; this server takes at most {limit}")
    chunks: list[bytes] = []
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > limit:
            raise Problem(413, "body too large", f"the body is over {limit} bytes, the most this server takes")
        chunks.append(chunk)
    return b"".join(chunks)


def parse_scenario_body(request: Request, body: bytes) -> dict[str, Any]:
    """The JSON object of a request body, as the CLI reads a .json file (decimals kept exact)."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type and content_type not in JSON_TYPES and not content_type.endswith("+json"):
        raise Problem(415, "unsupported media type",
                      f"send the scenario as JSON with Content-Type: application/json, not {content_type}")
    if not body.strip():
        raise Problem(422, "invalid scenario", "the body is empty; send the scenario as a JSON object",
                      [_issue("", "the body is empty; send the scenario as a JSON object")])
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Problem(422, "invalid scenario", "the body is not UTF-8",
                      [_issue("", "the body is not UTF-8 text")]) from None
    try:
        data = json.loads(text, parse_float=str)
    except json.JSONDecodeError as exc:
        message = f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        raise Problem(422, "invalid scenario", message, [_issue("", message)]) from None
    except RecursionError:
        raise Problem(422, "invalid scenario", "the JSON is nested too deeply",
                      [_issue("", "the JSON is nested too deeply")]) from None
    if not isinstance(data, dict):
        message = "a scenario is a JSON object of the file format's fields (see GET /v1/schema)"
        raise Problem(422, "invalid scenario", message, [_issue("", message)])
    return data


def validate_scenario(data: dict[str, Any], settings: Settings) -> Scenario:
    """The scenario, within this server's limits: 422 with each field at fault otherwise."""
    try:
        scenario = load_scenario(data)
    except ScenarioError as exc:
        issues = [_issue(issue.path, issue.message) for issue in exc.issues]
        raise Problem(422, "invalid scenario", str(exc), issues) from None
    issues = []
    if len(scenario.loans) > settings.max_loans:
        issues.append(_issue("loans", f"{len(scenario.loans)} loans; this server takes at most "
                                      f"{settings.max_loans} per request"))
    if scenario.horizon_months > settings.max_horizon_months:
        issues.append(_issue("horizon_months", f"{scenario.horizon_months} months; this server plans at most "
                                               f"{settings.max_horizon_months} months per request"))
    if len(scenario.offers) > settings.max_offers:
        issues.append(_issue("offers", f"{len(scenario.offers)} offers; this server takes at most "
                                       f"{settings.max_offers} per request"))
    if issues:
        raise Problem(422, "over this server's limits", "the scenario is over this server's limits", issues)
    return scenario


def parse_order(order: str | None, scenario: Scenario | None, required: bool) -> list[str] | None:
    """`order=card,huabei`: loan ids, each once, each the scenario's."""
    if order is None:
        if required:
            raise Problem(422, "invalid request", "strategy=custom needs an order",
                          [_issue("query.order", "strategy=custom needs an order: loan ids, e.g. card,huabei")])
        return None
    ids = [part.strip() for part in order.split(",") if part.strip()]
    if not ids:
        raise Problem(422, "invalid request", "order names no loan",
                      [_issue("query.order", "give loan ids separated by commas, e.g. card,huabei")])
    if scenario is not None:
        known = [loan.id for loan in scenario.loans]
        for loan_id in ids:
            if loan_id not in known:
                raise Problem(422, "invalid request", f"no loan {loan_id!r}",
                              [_issue("query.order", f"no loan {loan_id!r}; the loans are {', '.join(known)}")])
            if ids.count(loan_id) > 1:
                raise Problem(422, "invalid request", f"{loan_id!r} is named twice",
                              [_issue("query.order", f"{loan_id!r} is named twice; name each loan once")])
    return ids


# ---------------------------------------------------------------- OpenAPI
def _body_doc() -> dict[str, Any]:
    return {"requestBody": {
        "required": True,
        "description": "The scenario: the scenario file's fields as a JSON object (GET /v1/schema).",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Scenario"}}},
    }}


def _error_doc(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}}


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    413: _error_doc("The body is over the size limit."),
    415: _error_doc("The body is not sent as JSON."),
    422: _error_doc("The scenario or an option is not valid, or over this server's limits; "
                    "`issues` names each field (`query.NAME` for an option)."),
    503: _error_doc("Every worker is busy and the queue is full, or no worker was free in time; see Retry-After."),
    504: _error_doc("The work ran past `time_limit` plus the server's grace seconds and was stopped."),
}


def _plan_responses() -> dict[int | str, dict[str, Any]]:
    return {200: {"description": "The plan, as the CLI prints it for the same `format`.",
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Plan"}},
                              "text/csv": {"schema": {"type": "string"}},
                              "text/plain": {"schema": {"type": "string"}}}},
            **ERROR_RESPONSES}


def build_openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    _, defs = models_json_schema([(Scenario, "validation"), (Plan, "serialization"), (ErrorBody, "validation")],
                                 by_alias=True, ref_template="#/components/schemas/{model}")
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.update(defs.get("$defs", {}))
    app.openapi_schema = schema
    return schema


# ---------------------------------------------------------------- docs assets (no CDN)
DOCS_ASSETS = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "favicon-32x32.png": "image/png",
}


def load_docs_assets() -> dict[str, bytes]:
    """Swagger UI's files from the swagger-ui-bundle package, read once at start-up; {} when it is missing."""
    try:
        root = resources.files("swagger_ui_bundle").joinpath("vendor")
        folder = next(p for p in root.iterdir() if p.name.startswith("swagger-ui-"))
        return {name: folder.joinpath(name).read_bytes() for name in DOCS_ASSETS}
    except (ModuleNotFoundError, StopIteration, OSError):
        return {}


# ---------------------------------------------------------------- the app
def create_app(settings: Settings | None = None) -> FastAPI:
    """The service with `settings` (by default from DEBTOPT_SERVER_* variables)."""
    settings = settings or Settings.from_env()
    pool = WorkerPool(settings.workers, queue_size=settings.queue_size, queue_timeout=settings.queue_timeout)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await pool.start()
        log.info("debtopt %s serving with %d worker processes", __version__, settings.workers)
        try:
            yield
        finally:
            await pool.close()

    app = FastAPI(
        title="debtopt",
        version=__version__,
        description=("Which lender to pay, how much and when. POST a scenario (the scenario file's fields as "
                     "JSON); options are query parameters; answers are the CLI's output for the same options."),
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.pool = pool
    app.openapi = lambda: build_openapi(app)  # type: ignore[method-assign]
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                           allow_methods=["GET", "POST"], allow_headers=["Content-Type"], max_age=600)

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response

    @app.exception_handler(Problem)
    async def on_problem(request: Request, exc: Problem) -> Response:
        return _problem_response(exc)

    @app.exception_handler(RequestValidationError)
    async def on_invalid_request(request: Request, exc: RequestValidationError) -> Response:
        issues = []
        for error in exc.errors():
            loc = [str(part) for part in error.get("loc", ())]
            issues.append(_issue(".".join(loc), str(error.get("msg", "not valid"))))
        return _problem_response(Problem(422, "invalid request", "an option is not valid", issues))

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(request: Request, exc: StarletteHTTPException) -> Response:
        words = {404: "not found", 405: "method not allowed"}.get(exc.status_code, "http error")
        message = {404: f"no such endpoint: {request.url.path} (see /docs)",
                   405: f"{request.method} is not allowed on {request.url.path}"}.get(exc.status_code, str(exc.detail))
        return _problem_response(Problem(exc.status_code, words, message, headers=dict(exc.headers or {})))

    @app.exception_handler(Exception)
    async def on_bug(request: Request, exc: Exception) -> Response:
        log.exception("internal error on %s %s", request.method, request.url.path)
        return _problem_response(Problem(500, "internal error", "a bug in debtopt, please report it"))

    TimeLimit = Annotated[float, Query(ge=1.0, le=settings.max_time_limit, allow_inf_nan=False,
                                       description="Seconds of work for this request (the solver gets most of "
                                                   "them); past it plus the server's grace the answer is 504.")]

    async def run_job(request: Request, kind: Kind, options: dict[str, Any], time_limit: float,
                      order: str | None = None, order_required: bool = False) -> Response:
        body = await read_body(request, settings.max_body_bytes)
        data = parse_scenario_body(request, body)
        scenario = validate_scenario(data, settings)
        ids = parse_order(order, scenario, order_required)
        if ids is not None:
            options["order"] = ids
        if "solver" in options and options["solver"] not in settings.solvers:
            raise Problem(422, "invalid request", f"solver {options['solver']!r} is not offered here",
                          [_issue("query.solver", f"choose one of {', '.join(settings.solvers)}")])
        job = Job(kind=kind, scenario=data, options=options, time_limit=time_limit)
        try:
            reply, waited, worked = await pool.run_timed(job, deadline=time_limit + settings.grace_seconds)
        except PoolBusy as exc:
            raise Problem(503, "busy", str(exc), headers={"Retry-After": str(exc.retry_after)}) from None
        except JobTimedOut:
            raise Problem(504, "time limit",
                          f"the work did not finish within time_limit={time_limit:g} s "
                          f"(+{settings.grace_seconds:g} s grace) and was stopped; "
                          "allow more time, or send a smaller scenario") from None
        except WorkerLost as exc:
            raise Problem(500, "worker lost", f"the worker process died during the work: {exc}") from None
        # Server-Timing: how long the request waited for a worker, and how long the worker took (ms).
        headers = {"Server-Timing": f"queue;dur={waited * 1000:.1f}, work;dur={worked * 1000:.1f}"}
        if reply.media_type.startswith("text/html"):
            headers["Content-Security-Policy"] = REPORT_CSP
        return Response(reply.body, status_code=reply.status, media_type=reply.media_type, headers=headers)

    def solver_checks(objective: str, overdue_price: float | None) -> None:
        if objective == "weighted" and overdue_price is None:
            raise Problem(422, "invalid request", "objective=weighted needs overdue_price",
                          [_issue("query.overdue_price", "objective=weighted needs a price per overdue loan-month")])
        if overdue_price is not None and objective != "weighted":
            raise Problem(422, "invalid request", "overdue_price is only used with objective=weighted",
                          [_issue("query.overdue_price", "only used with objective=weighted")])

    @app.get("/healthz", summary="Liveness and the worker pool's state")
    async def healthz() -> dict[str, Any]:
        return {"status": "ok", "version": __version__, "pool": pool.stats().as_dict()}

    @app.get("/v1/schema", summary="The JSON Schema of scenarios (the body of every POST)")
    async def schema() -> Response:
        text = json.dumps(Scenario.model_json_schema(by_alias=True), ensure_ascii=False, indent=2) + "\n"
        return Response(text, media_type="application/json")

    @app.post("/v1/simulate", summary="One strategy's plan, month by month",
              openapi_extra=_body_doc(), responses=_plan_responses())
    async def simulate(
        request: Request,
        strategy: Annotated[Strategy, Query(description="The heuristic to follow; custom needs order.")] = "avalanche",
        order: Annotated[str | None, Query(max_length=4000, description="For strategy=custom: loan ids, e.g. card,huabei.")] = None,
        format: Annotated[PlanFormat, Query(description="json (the CLI's JSON), csv or text.")] = "json",
        time_limit: TimeLimit = settings.default_time_limit,
    ) -> Response:
        if order is not None and strategy != "custom":
            raise Problem(422, "invalid request", "order is only used with strategy=custom",
                          [_issue("query.order", "only used with strategy=custom")])
        return await run_job(request, "simulate", {"strategy": strategy, "format": format}, time_limit,
                             order=order, order_required=strategy == "custom")

    @app.post("/v1/optimize", summary="The optimal plan: fewest escalations, overdue months, then cost",
              openapi_extra=_body_doc(), responses=_plan_responses())
    async def optimize(
        request: Request,
        objective: Annotated[ObjectiveName, Query()] = "lexicographic",
        overdue_price: Annotated[float | None, Query(ge=0, allow_inf_nan=False, description="With objective=weighted: one overdue loan-month's price.")] = None,
        max_consecutive_overdue: Annotated[int | None, Query(ge=0, le=600)] = None,
        solver: Annotated[str | None, Query(description=f"One of: {', '.join(settings.solvers)}.")] = None,
        timings: Annotated[bool, Query(description="Keep wall-clock seconds in `solver` (not reproducible).")] = False,
        format: Annotated[PlanFormat, Query()] = "json",
        time_limit: TimeLimit = settings.default_time_limit,
    ) -> Response:
        solver_checks(objective, overdue_price)
        options = {"objective": objective, "overdue_price": overdue_price,
                   "max_consecutive_overdue": max_consecutive_overdue, "solver": solver or settings.solvers[0],
                   "timings": timings, "format": format}
        return await run_job(request, "optimize", options, time_limit)

    @app.post("/v1/compare", summary="Every strategy side by side, best first, with the optimum",
              openapi_extra=_body_doc(),
              responses={200: {"description": "The comparison, as `debtopt compare` prints it for `format`."},
                         **ERROR_RESPONSES})
    async def compare(
        request: Request,
        optimal: Annotated[bool, Query(description="Run the optimizer too (false: heuristics only).")] = True,
        objective: Annotated[ObjectiveName, Query()] = "lexicographic",
        overdue_price: Annotated[float | None, Query(ge=0, allow_inf_nan=False)] = None,
        max_consecutive_overdue: Annotated[int | None, Query(ge=0, le=600)] = None,
        solver: Annotated[str | None, Query(description=f"One of: {', '.join(settings.solvers)}.")] = None,
        timings: Annotated[bool, Query()] = False,
        format: Annotated[PlanFormat, Query()] = "json",
        time_limit: TimeLimit = settings.default_time_limit,
    ) -> Response:
        solver_checks(objective, overdue_price)
        options = {"optimal": optimal, "objective": objective, "overdue_price": overdue_price,
                   "max_consecutive_overdue": max_consecutive_overdue, "solver": solver or settings.solvers[0],
                   "timings": timings, "format": format}
        return await run_job(request, "compare", options, time_limit)

    @app.post("/v1/report", summary="The full report: the plan, why each payment, comparisons, letters",
              openapi_extra=_body_doc(),
              responses={200: {"description": "The report, as `debtopt report` writes it for `format` and `lang`.",
                               "content": {"text/html": {"schema": {"type": "string"}},
                                           "application/json": {"schema": {"type": "object"}}}},
                         **ERROR_RESPONSES})
    async def report(
        request: Request,
        format: Annotated[ReportFormat, Query(description="html (one page, charts inline) or json; also markdown, text, csv.")] = "html",
        lang: Annotated[Lang | None, Query(description="en or zh; by default the scenario's language.")] = None,
        order: Annotated[str | None, Query(max_length=4000, description="Your own order of loans, compared with the others.")] = None,
        heuristics_only: Annotated[bool, Query(description="Explain the best heuristic plan; no optimizer.")] = False,
        time_limit: TimeLimit = settings.default_time_limit,
    ) -> Response:
        options = {"format": format, "lang": lang, "heuristics_only": heuristics_only}
        return await run_job(request, "report", options, time_limit, order=order)

    assets = load_docs_assets()

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        if not assets:
            return HTMLResponse("<!DOCTYPE html><title>debtopt API</title><p>Swagger UI is not installed here "
                                "(pip install 'debtopt[server]'). The API description is at "
                                '<a href="/openapi.json">/openapi.json</a>.</p>')
        return get_swagger_ui_html(openapi_url="/openapi.json", title="debtopt API",
                                   swagger_js_url="/docs/assets/swagger-ui-bundle.js",
                                   swagger_css_url="/docs/assets/swagger-ui.css",
                                   swagger_favicon_url="/docs/assets/favicon-32x32.png",
                                   swagger_ui_parameters={"validatorUrl": None, "tryItOutEnabled": True})

    @app.get("/docs/assets/{name}", include_in_schema=False)
    async def docs_asset(name: str) -> Response:
        if name not in assets:
            raise StarletteHTTPException(404)
        return Response(assets[name], media_type=DOCS_ASSETS[name], headers={"Cache-Control": "max-age=86400"})

    return app
