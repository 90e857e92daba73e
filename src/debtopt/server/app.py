"""The HTTP service: FastAPI routes in front of two pools of worker processes.

    POST /v1/simulate   one heuristic's plan          (the CLI's `simulate --format json`)
    POST /v1/optimize   the optimal plan              (`optimize --format json`)
    POST /v1/compare    every strategy, best first    (`compare --format json`)
    POST /v1/report     the full report, HTML or JSON (`report --format html|json`)
    POST /v1/checkin    what really happened: the next scenario, and its plan  (`checkin`)
    GET  /v1/schema     the JSON Schema of scenarios  (`schema`)
    GET  /healthz       liveness and the pools' state
    GET  /docs          Swagger UI, served from this process (no CDN); /openapi.json

A POST's body is the scenario itself, as JSON with the file format's fields;
options are query parameters, typed by domain/choices.py's enums. The event
loop only reads bodies (within the size limit) and answers: a validator
process reads and validates each body under a short deadline, then a solver
process does the work under the request's time limit (worker.py, pool.py), so
the server keeps answering whatever a body holds and whatever the solves do.
Errors are JSON: {"error", "message", "issues": [{"path", "message"}]};
docs/api.md documents the statuses.
"""

# No `from __future__ import annotations` here: FastAPI reads the routes' annotations at run time,
# and some refer to names local to the route builders (the limits of the settings).
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__, api
from ..domain.choices import Language, Objective, PlanFormat, ReportFormat, SolverName, Strategy
from .http import Front, Problem, check_content_type, issue, problem_response, read_body
from .openapi import DOCS_ASSETS, ERROR_RESPONSES, body_doc, build_openapi, load_docs_assets, plan_responses
from .pool import JobTimedOut, PoolBusy, WorkerLost, WorkerPool
from .settings import Settings
from .worker import Job, Kind, Limits, Reply

log = logging.getLogger("debtopt.server")

# The report is built from the borrower's own strings (escaped); it needs no script and no outside resource.
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
# A body over the limit is still read (and dropped) up to this, so the connection can carry the next request.
DRAIN_BYTES = 4 * 2**20
MIN_DEADLINE_SECONDS = 0.5


def _ids(order: str | None) -> list[str] | None:
    """`order=card,huabei` -> ['card', 'huabei'] (the API checks them against the scenario)."""
    return None if order is None else [part.strip() for part in order.split(",") if part.strip()]


def _value(choice: Language | None) -> str | None:
    return None if choice is None else choice.value


class Service:
    """The two pools and what a POST goes through: read, validate (stage 1), run (stage 2), answer."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        rss = settings.max_worker_memory_mb * 2**20 if settings.max_worker_memory_mb else None
        self.validators = WorkerPool(settings.validators, queue_size=settings.queue_size,
                                     queue_timeout=settings.queue_timeout, role="validate", max_rss_bytes=rss)
        self.solvers = WorkerPool(settings.workers, queue_size=settings.queue_size,
                                  queue_timeout=settings.queue_timeout, role="solve", max_rss_bytes=rss)
        self.limits = Limits(settings.max_loans, settings.max_horizon_months, settings.max_offers)

    async def start(self) -> None:
        await self.validators.start()
        await self.solvers.start()

    async def close(self) -> None:
        await self.solvers.close()
        await self.validators.close()

    async def answer(self, request: Request, kind: Kind, options: dict[str, Any], time_limit: float) -> Response:
        try:
            return await self._answer(request, kind, options, time_limit)
        except Problem:
            raise
        except Exception:  # a bug here: answered, and the connection stays usable (nothing escapes to the server)
            log.exception("internal error on %s %s", request.method, request.url.path)
            raise Problem(500, "internal error", "a bug in debtopt, please report it") from None

    async def _answer(self, request: Request, kind: Kind, options: dict[str, Any], time_limit: float) -> Response:
        settings = self.settings
        body = await read_body(request, settings.max_body_bytes, max(DRAIN_BYTES, settings.max_body_bytes))
        check_content_type(request)
        solver = options.get("solver")
        if solver is not None and solver not in settings.solvers:
            raise Problem(422, "invalid request", f"solver {solver!r} is not offered here",
                          [issue("query.solver", f"choose one of {', '.join(settings.solvers)}")])
        stage1 = Job(kind, options, time_limit, body=body, limits=self.limits)
        checked, waited, worked = await self._validate(stage1, time_limit)
        if checked.status != 200:
            return self._response(checked, waited, worked)
        deadline = max(MIN_DEADLINE_SECONDS, time_limit + settings.grace_seconds - worked)
        stage2 = Job(kind, options, time_limit, limits=self.limits, scenario=checked.scenario)
        reply, queued, solved = await self._solve(stage2, deadline, time_limit)
        return self._response(reply, waited + queued, worked + solved)

    async def _validate(self, job: Job, time_limit: float) -> tuple[Reply, float, float]:
        seconds = min(self.settings.validate_seconds, time_limit + self.settings.grace_seconds)
        try:
            return await self.validators.run_timed(job, deadline=seconds)
        except PoolBusy as exc:
            raise Problem(503, "busy", str(exc), headers={"Retry-After": str(exc.retry_after)}) from None
        except JobTimedOut:
            message = f"this scenario took longer than {seconds:g} s to validate, and was refused"
            raise Problem(422, "invalid scenario", message, [issue("", message)]) from None
        except WorkerLost:
            message = "this scenario could not be validated (the process validating it died; the server logged it)"
            raise Problem(422, "invalid scenario", message, [issue("", message)]) from None

    async def _solve(self, job: Job, deadline: float, time_limit: float) -> tuple[Reply, float, float]:
        try:
            return await self.solvers.run_timed(job, deadline=deadline)
        except PoolBusy as exc:
            raise Problem(503, "busy", str(exc), headers={"Retry-After": str(exc.retry_after)}) from None
        except JobTimedOut:
            raise Problem(504, "time limit",
                          f"the work did not finish within time_limit={time_limit:g} s "
                          f"(+{self.settings.grace_seconds:g} s grace) and was stopped; "
                          "allow more time, or send a smaller scenario") from None
        except WorkerLost as exc:
            raise Problem(500, "worker lost", f"the worker process died during the work: {exc}") from None

    @staticmethod
    def _response(reply: Reply, waited: float, worked: float) -> Response:
        # Server-Timing: how long the request waited for workers, and how long the workers took (ms).
        headers = {"Server-Timing": f"queue;dur={waited * 1000:.1f}, work;dur={worked * 1000:.1f}"}
        if reply.media_type.startswith("text/html"):
            headers["Content-Security-Policy"] = REPORT_CSP
        return Response(reply.body, status_code=reply.status, media_type=reply.media_type, headers=headers)

    def health(self) -> dict[str, Any]:
        return {"status": "ok", "version": __version__, "pool": self.solvers.stats().as_dict(),
                "validators": self.validators.stats().as_dict()}


# ---------------------------------------------------------------- errors
def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def on_problem(request: Request, exc: Problem) -> Response:
        return problem_response(exc)

    @app.exception_handler(RequestValidationError)
    async def on_invalid_request(request: Request, exc: RequestValidationError) -> Response:
        issues = [issue(".".join(str(part) for part in error.get("loc", ())), str(error.get("msg", "not valid")))
                  for error in exc.errors()]
        return problem_response(Problem(422, "invalid request", "an option is not valid", issues))

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(request: Request, exc: StarletteHTTPException) -> Response:
        words = {404: "not found", 405: "method not allowed"}.get(exc.status_code, "http error")
        message = {404: f"no such endpoint: {request.url.path} (see /docs)",
                   405: f"{request.method} is not allowed on {request.url.path}"}.get(exc.status_code, str(exc.detail))
        return problem_response(Problem(exc.status_code, words, message, headers=dict(exc.headers or {})))

    @app.exception_handler(Exception)
    async def on_bug(request: Request, exc: Exception) -> Response:
        log.exception("internal error on %s %s", request.method, request.url.path)
        return problem_response(Problem(500, "internal error", "a bug in debtopt, please report it",
                                        headers={"Connection": "close"}))


# ---------------------------------------------------------------- routes
def _time_limit(settings: Settings) -> Any:
    """The `time_limit` query parameter, within this server's limit."""
    return Query(ge=1.0, le=settings.max_time_limit, allow_inf_nan=False,
                 description="Seconds of work for this request (the solver gets most of them); past it plus "
                             "the server's grace the answer is 504.")


def _add_plan_routes(app: FastAPI, service: Service) -> None:
    settings = service.settings
    TimeLimit = Annotated[float, _time_limit(settings)]
    Order = Annotated[str | None, Query(max_length=4000, description="Loan ids, e.g. card,huabei.")]
    Price = Annotated[float | None, Query(description="With objective=weighted: one overdue loan-month's price.")]
    Solver = Annotated[SolverName | None, Query(description=f"One of: {', '.join(settings.solvers)}.")]
    Lang = Annotated[Language | None, Query(description="The language of format=text (default: the scenario's).")]

    @app.post("/v1/simulate", summary="One strategy's plan, month by month",
              openapi_extra=body_doc(), responses=plan_responses())
    async def simulate(
        request: Request,
        strategy: Annotated[Strategy, Query(description="The heuristic to follow; custom needs order.")] = Strategy.AVALANCHE,
        order: Order = None,
        format: Annotated[PlanFormat, Query(description="json (the CLI's JSON), csv or text.")] = PlanFormat.JSON,
        lang: Lang = None,
        time_limit: TimeLimit = settings.default_time_limit,
    ) -> Response:
        options = {"strategy": strategy.value, "order": _ids(order), "format": format.value, "lang": _value(lang)}
        return await service.answer(request, "simulate", options, time_limit)

    def solve_keywords(objective: Objective, overdue_price: float | None, max_consecutive_overdue: int | None,
                       solver: SolverName | None, timings: bool) -> dict[str, Any]:
        return {"objective": objective.value, "overdue_price": overdue_price,
                "max_consecutive_overdue": max_consecutive_overdue,
                "solver": solver.value if solver is not None else settings.solvers[0], "timings": timings}

    @app.post("/v1/optimize", summary="The optimal plan: fewest escalations, overdue months, then cost",
              openapi_extra=body_doc(), responses=plan_responses())
    async def optimize(
        request: Request,
        objective: Annotated[Objective, Query()] = Objective.LEXICOGRAPHIC,
        overdue_price: Price = None,
        max_consecutive_overdue: Annotated[int | None, Query()] = None,
        solver: Solver = None,
        timings: Annotated[bool, Query(description="Keep wall-clock seconds in `solver` (not reproducible).")] = False,
        format: Annotated[PlanFormat, Query()] = PlanFormat.JSON,
        lang: Lang = None,
        time_limit: TimeLimit = settings.default_time_limit,
    ) -> Response:
        options = {**solve_keywords(objective, overdue_price, max_consecutive_overdue, solver, timings),
                   "format": format.value, "lang": _value(lang)}
        return await service.answer(request, "optimize", options, time_limit)

    @app.post("/v1/compare", summary="Every strategy side by side, best first, with the optimum",
              openapi_extra=body_doc(),
              responses={200: {"description": "The comparison, as `debtopt compare` prints it for `format`."},
                         **ERROR_RESPONSES})
    async def compare(
        request: Request,
        optimal: Annotated[bool, Query(description="Run the optimizer too (false: heuristics only).")] = True,
        objective: Annotated[Objective, Query()] = Objective.LEXICOGRAPHIC,
        overdue_price: Price = None,
        max_consecutive_overdue: Annotated[int | None, Query()] = None,
        solver: Solver = None,
        timings: Annotated[bool, Query()] = False,
        format: Annotated[PlanFormat, Query()] = PlanFormat.JSON,
        lang: Lang = None,
        time_limit: TimeLimit = settings.default_time_limit,
    ) -> Response:
        options = {"optimal": optimal, **solve_keywords(objective, overdue_price, max_consecutive_overdue, solver,
                                                        timings), "format": format.value, "lang": _value(lang)}
        return await service.answer(request, "compare", options, time_limit)



def _add_report_route(app: FastAPI, service: Service) -> None:
    settings = service.settings
    TimeLimit = Annotated[float, _time_limit(settings)]

    @app.post("/v1/report", summary="The full report: the plan, why each payment, comparisons, letters",
              openapi_extra=body_doc(),
              responses={200: {"description": "The report, as `debtopt report` writes it for `format` and `lang`.",
                               "content": {"text/html": {"schema": {"type": "string"}},
                                           "application/json": {"schema": {"type": "object"}}}},
                         **ERROR_RESPONSES})
    async def report(
        request: Request,
        format: Annotated[ReportFormat, Query(description="html (one page, charts inline) or json; "
                                                          "also markdown, text, csv.")] = ReportFormat.HTML,
        lang: Annotated[Language | None, Query(description="en or zh; by default the scenario's language.")] = None,
        order: Annotated[str | None, Query(max_length=4000,
                                           description="Your own order of loans, compared with the others.")] = None,
        heuristics_only: Annotated[bool, Query(description="Explain the best heuristic plan; no optimizer.")] = False,
        time_limit: TimeLimit = settings.default_time_limit,
    ) -> Response:
        options = {"format": format.value, "lang": _value(lang), "order": _ids(order),
                   "heuristics_only": heuristics_only}
        return await service.answer(request, "report", options, time_limit)


def _add_checkin_route(app: FastAPI, service: Service) -> None:
    settings = service.settings
    TimeLimit = Annotated[float, _time_limit(settings)]
    body = {"requestBody": {
        "required": True,
        "description": "{\"scenario\": the scenario's fields, \"actual\": the actual file's fields (checkin.md), "
                       "\"plan\": the plan followed, as its JSON (optional)}",
        "content": {"application/json": {"schema": {"type": "object"}}}}}

    @app.post("/v1/checkin", summary="Check in what really happened: the next scenario, and with replan its plan",
              openapi_extra=body,
              responses={200: {"description": "`debtopt checkin`'s result as JSON: the next scenario (`scenario`, "
                                              "`scenario_toml`), the months replayed (`passed`), `corrections`, "
                                              "`notes`, `against_plan`; with replan, `plan` and `changes`."},
                         **ERROR_RESPONSES})
    async def checkin(
        request: Request,
        replan: Annotated[bool, Query(description="Also plan the next scenario (the optimizer).")] = False,
        time_limit: TimeLimit = settings.default_time_limit,
    ) -> Response:
        return await service.answer(request, "checkin", {"replan": replan}, time_limit)


def _add_info_routes(app: FastAPI, service: Service) -> None:
    @app.get("/healthz", summary="Liveness and the worker pools' state")
    async def healthz() -> dict[str, Any]:
        return service.health()

    schema_text = json.dumps(api.scenario_schema(), ensure_ascii=False, indent=2) + "\n"

    @app.get("/v1/schema", summary="The JSON Schema of scenarios (the body of every POST)")
    async def schema() -> Response:
        return Response(schema_text, media_type="application/json")

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


# ---------------------------------------------------------------- the app
def create_app(settings: Settings | None = None) -> FastAPI:
    """The service with `settings` (by default from DEBTOPT_SERVER_* variables)."""
    settings = settings or Settings.from_env()
    service = Service(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await service.start()
        log.info("debtopt %s serving with %d solver and %d validator processes", __version__, settings.workers,
                 settings.validators)
        try:
            yield
        finally:
            await service.close()

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
    app.state.service = service
    app.openapi = lambda: build_openapi(app)  # type: ignore[method-assign]
    app.add_middleware(Front, health=service.health)  # before CORS, so that CORS covers /healthz too
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                           allow_methods=["GET", "POST"], allow_headers=["Content-Type"], max_age=600)

    _add_error_handlers(app)
    _add_plan_routes(app, service)
    _add_report_route(app, service)
    _add_checkin_route(app, service)
    _add_info_routes(app, service)
    return app
