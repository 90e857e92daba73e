"""`debtopt serve`: the HTTP service (needs the `server` extra: pip install 'debtopt[server]').

Register it in cli.py with `main.add_command(serve)`. Every option also reads
its DEBTOPT_SERVER_* environment variable; an option given wins.
"""

from __future__ import annotations

import logging
import sys

import click

from .settings import Settings

_DEFAULTS = Settings()


def _env(name: str) -> str:
    return Settings.env_name(name)


@click.command("serve")
@click.option("--host", default=_DEFAULTS.host, show_default=True, envvar=_env("host"),
              help="Address to listen on. Keep 127.0.0.1 unless a proxy in front of it is meant to reach it.")
@click.option("--port", type=click.IntRange(0, 65535), default=_DEFAULTS.port, show_default=True, envvar=_env("port"))
@click.option("--workers", type=click.IntRange(min=1), default=_DEFAULTS.workers, show_default=True,
              envvar=_env("workers"), help="Solver processes; each runs one request at a time.")
@click.option("--validators", type=click.IntRange(min=1), default=_DEFAULTS.validators, show_default=True,
              envvar=_env("validators"), help="Processes that read and validate request bodies.")
@click.option("--validate-timeout", "validate_seconds", type=click.FloatRange(min=0, min_open=True),
              default=_DEFAULTS.validate_seconds, show_default=True, envvar=_env("validate_seconds"),
              help="Seconds a body may take to validate; past them the request gets 422.")
@click.option("--max-worker-memory", "max_worker_memory_mb", type=click.IntRange(min=0),
              default=_DEFAULTS.max_worker_memory_mb, show_default=True, envvar=_env("max_worker_memory_mb"),
              help="MB: a worker whose peak memory passes this is replaced after its request (0: never).")
@click.option("--cors-origin", "cors_origins", multiple=True, envvar=_env("cors_origins"),
              help="Allow browser requests from this origin (repeat for more). CORS is off without it.")
@click.option("--max-loans", type=click.IntRange(min=1), default=_DEFAULTS.max_loans, show_default=True,
              envvar=_env("max_loans"), help="Loans per request.")
@click.option("--max-horizon", "max_horizon_months", type=click.IntRange(1, 600), default=_DEFAULTS.max_horizon_months,
              show_default=True, envvar=_env("max_horizon_months"), help="horizon_months per request.")
@click.option("--max-offers", type=click.IntRange(min=0), default=_DEFAULTS.max_offers, show_default=True,
              envvar=_env("max_offers"), help="Offers per request.")
@click.option("--max-body-bytes", type=click.IntRange(min=1), default=_DEFAULTS.max_body_bytes, show_default=True,
              envvar=_env("max_body_bytes"), help="Request body size; larger bodies get 413.")
@click.option("--time-limit", "default_time_limit", type=click.FloatRange(min=1), default=_DEFAULTS.default_time_limit,
              show_default=True, envvar=_env("default_time_limit"),
              help="Seconds of work a request gets when it does not say (its time_limit).")
@click.option("--max-time-limit", type=click.FloatRange(min=1), default=_DEFAULTS.max_time_limit, show_default=True,
              envvar=_env("max_time_limit"), help="The largest time_limit a request may ask for.")
@click.option("--grace", "grace_seconds", type=click.FloatRange(min=0), default=_DEFAULTS.grace_seconds,
              show_default=True, envvar=_env("grace_seconds"),
              help="Seconds past a request's time_limit before its worker is stopped (504).")
@click.option("--queue-size", type=click.IntRange(min=0), default=_DEFAULTS.queue_size, show_default=True,
              envvar=_env("queue_size"), help="Requests that may wait for a worker; more get 503.")
@click.option("--queue-timeout", type=click.FloatRange(min=0.1), default=_DEFAULTS.queue_timeout, show_default=True,
              envvar=_env("queue_timeout"), help="Seconds a request may wait for a worker before 503.")
@click.option("--solver", "solvers", multiple=True, envvar=_env("solvers"),
              help="A solver requests may choose (repeat for more; the first is the default). Default: highs.")
@click.option("--log-level", type=click.Choice(["critical", "error", "warning", "info", "debug"]), default="info",
              show_default=True, envvar=_env("log_level"))
def serve(host: str, port: int, workers: int, validators: int, validate_seconds: float, max_worker_memory_mb: int,
          cors_origins: tuple[str, ...], max_loans: int,
          max_horizon_months: int, max_offers: int, max_body_bytes: int, default_time_limit: float,
          max_time_limit: float, grace_seconds: float, queue_size: int, queue_timeout: float,
          solvers: tuple[str, ...], log_level: str) -> None:
    """Serve the API over HTTP: POST a scenario as JSON to /v1/simulate, /v1/optimize, /v1/compare or /v1/report.

    Docs at /docs (served from this machine), the schema at /openapi.json.
    """
    try:
        import uvicorn

        from .app import create_app
    except ModuleNotFoundError as exc:
        click.echo(f"error: the HTTP service needs the server extra ({exc.name} is missing): "
                   "pip install 'debtopt[server]'", err=True)
        sys.exit(2)
    try:
        settings = Settings(
            host=host, port=port, workers=workers, validators=validators, validate_seconds=validate_seconds,
            max_worker_memory_mb=max_worker_memory_mb, cors_origins=_split(cors_origins), max_loans=max_loans,
            max_horizon_months=max_horizon_months, max_offers=max_offers, max_body_bytes=max_body_bytes,
            default_time_limit=default_time_limit, max_time_limit=max_time_limit, grace_seconds=grace_seconds,
            queue_size=queue_size, queue_timeout=queue_timeout, solvers=_split(solvers) or _DEFAULTS.solvers,
        )
    except ValueError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    logging.basicConfig(level=log_level.upper(), format="%(levelname)s:     %(name)s: %(message)s")
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level=log_level,
                timeout_graceful_shutdown=5, server_header=False)


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    """Repeated options, or one comma-separated environment variable."""
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())
