"""The HTTP service when it is full, when a worker dies, with CORS on, with settings from the environment,
and when it stops: a one-worker server started for the module (see tests/test_server.py for the rest)."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from debtopt.server.command import serve
from debtopt.server.launch import RunningServer, running_server
from debtopt.server.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
ORIGIN = "https://budget-app.example"

SMALL: dict[str, Any] = {
    "currency": "USD",
    "start": "2027-01",
    "horizon_months": 12,
    "budget": {"monthly": 300},
    "loans": [{"id": "card", "kind": "revolving", "balance": 1500, "annual_rate": 0.24, "min_percent": 0.05,
               "min_floor": 25, "late_fee": 30}],
}


def slow_to_solve() -> dict[str, Any]:
    """12 loans x 60 months with too little cash: no solver proves it in seconds, so an optimize
    request keeps its worker busy for its whole time limit (the examples now solve in ~2 s)."""
    import json

    from scenarios import random_scenario_dict

    return json.loads(json.dumps(random_scenario_dict(7, n_loans=12, horizon=60, tight=True)))


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    # Settings from the environment, an option over a variable (workers), CORS for one origin.
    env = {"DEBTOPT_SERVER_WORKERS": "3", "DEBTOPT_SERVER_MAX_OFFERS": "0", "DEBTOPT_SERVER_QUEUE_SIZE": "1",
           "DEBTOPT_SERVER_QUEUE_TIMEOUT": "1.5"}
    with running_server("--workers", "1", "--cors-origin", ORIGIN, env=env) as running:
        yield running


def post_later(server: RunningServer, delay: float, path: str, body: dict[str, Any], out: dict[str, Any],
               key: str, **params: Any) -> threading.Thread:
    def run() -> None:
        time.sleep(delay)
        started = time.monotonic()
        with httpx.Client(base_url=server.url, timeout=60) as http:
            out[key] = http.post(path, params=params, json=body)
        out[key + "_seconds"] = time.monotonic() - started

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def wait_idle(server: RunningServer, workers: int = 1, timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pool: dict[str, Any] = server.health()["pool"]
        if pool["alive"] == workers and pool["idle"] == workers:
            return pool
        time.sleep(0.1)
    raise AssertionError(f"the pool did not come back: {server.health()}")


def test_settings_from_the_environment_and_options(server: RunningServer) -> None:
    assert server.health()["pool"]["size"] == 1  # --workers 1 over DEBTOPT_SERVER_WORKERS=3
    sale = {"id": "tv", "kind": "asset-sale", "available_from": "2027-01", "available_until": "2027-02",
            "amount": 100}
    response = httpx.post(server.url + "/v1/simulate", json={**SMALL, "offers": [sale]})
    assert response.status_code == 422
    assert response.json()["issues"] == [{"path": "offers",
                                          "message": "1 offers; this server takes at most 0 per request"}]


def test_busy_server_answers_503(server: RunningServer) -> None:
    wait_idle(server)
    out: dict[str, Any] = {}
    threads = [
        post_later(server, 0.0, "/v1/optimize", slow_to_solve(), out, "solving", time_limit=4),  # takes the worker
        post_later(server, 0.5, "/v1/simulate", SMALL, out, "waiting"),  # waits, then gives up after 1.5 s
        post_later(server, 1.0, "/v1/simulate", SMALL, out, "refused"),  # the queue (1) is full: 503 at once
    ]
    for thread in threads:
        thread.join(60)
    assert out["solving"].status_code == 200, out["solving"].text
    refused = out["refused"]
    assert refused.status_code == 503 and refused.json()["error"] == "busy"
    assert int(refused.headers["retry-after"]) >= 1
    assert out["refused_seconds"] < 0.5
    waiting = out["waiting"]
    assert waiting.status_code == 503 and "within 1.5 s" in waiting.json()["message"]
    assert 1.4 < out["waiting_seconds"] < 3
    assert server.health()["pool"]["rejected"] >= 2
    assert httpx.post(server.url + "/v1/simulate", json=SMALL).status_code == 200


def test_a_worker_killed_while_idle_is_replaced_without_a_failed_request(server: RunningServer) -> None:
    """The pool sees an idle worker die (its sentinel), replaces it at once, and never hands it a job.

    A request sent meanwhile waits for the replacement: 200, or 503 if starting one takes longer
    than this module's 1.5 s queue timeout on a busy machine; never 500 (a job given to the dead).
    """
    wait_idle(server)
    lost = server.health()["pool"]["lost"]
    [worker] = server.workers()
    os.kill(worker, signal.SIGKILL)
    time.sleep(0.3)
    response = httpx.post(server.url + "/v1/simulate", json=SMALL, timeout=60)
    assert response.status_code in (200, 503), response.text
    pool = wait_idle(server)
    assert pool["lost"] == lost + 1 and pool["timed_out"] == 0
    assert server.workers() != [worker]
    assert httpx.post(server.url + "/v1/simulate", json=SMALL, timeout=60).status_code == 200


def test_a_worker_that_dies_during_a_job_is_a_500_and_is_replaced(server: RunningServer) -> None:
    wait_idle(server)
    lost = server.health()["pool"]["lost"]
    out: dict[str, Any] = {}
    thread = post_later(server, 0.0, "/v1/optimize", slow_to_solve(), out, "solving", time_limit=5)
    time.sleep(1.5)
    [worker] = server.workers()
    os.kill(worker, signal.SIGKILL)
    thread.join(60)
    response = out["solving"]
    assert response.status_code == 500 and response.json()["error"] == "worker lost"
    wait_idle(server)
    assert server.health()["pool"]["lost"] == lost + 1
    assert httpx.post(server.url + "/v1/simulate", json=SMALL).status_code == 200


def test_cors_for_the_configured_origin_only(server: RunningServer) -> None:
    preflight = httpx.options(server.url + "/v1/optimize",
                              headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST",
                                       "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == ORIGIN
    assert "POST" in preflight.headers["access-control-allow-methods"]
    response = httpx.post(server.url + "/v1/simulate", json=SMALL, headers={"Origin": ORIGIN})
    assert response.headers["access-control-allow-origin"] == ORIGIN
    other = httpx.post(server.url + "/v1/simulate", json=SMALL, headers={"Origin": "https://evil.example"})
    assert other.status_code == 200 and "access-control-allow-origin" not in other.headers
    refused = httpx.options(server.url + "/v1/optimize",
                            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in refused.headers


def test_stopping_the_server_stops_its_workers() -> None:
    with running_server("--workers", "2") as running:
        workers = running.workers()
        assert len(workers) == 2
        process = running.process
    # uvicorn shuts down on SIGTERM, then re-raises it: the exit says which signal stopped it.
    assert process.returncode in (0, -signal.SIGTERM)
    assert "Traceback" not in running.log() and "Error" not in running.log(), running.log()
    time.sleep(0.2)
    for pid in workers:
        assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2]


def test_serve_refuses_bad_settings_without_starting() -> None:
    result = CliRunner().invoke(serve, ["--time-limit", "30", "--max-time-limit", "10"])
    assert result.exit_code == 2 and "default_time_limit" in result.output
    result = CliRunner().invoke(serve, ["--workers", "0"])
    assert result.exit_code == 2
    help_text = CliRunner().invoke(serve, ["--help"]).output
    for option in ("--host", "--port", "--cors-origin", "--max-loans", "--max-horizon", "--max-offers",
                   "--max-body-bytes", "--time-limit", "--grace"):
        assert option in help_text


def test_settings_from_env_parsing() -> None:
    settings = Settings.from_env({"DEBTOPT_SERVER_MAX_LOANS": "5", "DEBTOPT_SERVER_CORS_ORIGINS": "https://a, https://b",
                                  "DEBTOPT_SERVER_GRACE_SECONDS": "1.5", "DEBTOPT_SERVER_SOLVERS": "highs,cbc"},
                                 workers=4)
    assert settings.max_loans == 5 and settings.workers == 4 and settings.grace_seconds == 1.5
    assert settings.cors_origins == ("https://a", "https://b") and settings.solvers == ("highs", "cbc")
    with pytest.raises(ValueError, match="DEBTOPT_SERVER_MAX_LOANS"):
        Settings.from_env({"DEBTOPT_SERVER_MAX_LOANS": "many"})
    with pytest.raises(ValueError, match="workers"):
        Settings(workers=0)


def test_serve_without_the_server_extra_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "uvicorn", None)
    result = CliRunner().invoke(serve, [])
    assert result.exit_code == 2
    assert "pip install 'debtopt[server]'" in result.output and "uvicorn" in result.output
