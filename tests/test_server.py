"""The HTTP service against a real uvicorn server on 127.0.0.1: every endpoint, every error status, time limits.

One server (two workers) is started for the module in a subprocess, on a free
port, and stopped after; `debtopt.server.launch` does it.
"""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from scenarios import SMALL_TWO_LOANS

import debtopt
from debtopt.cli import main as cli
from debtopt.generate import generate_scenario
from debtopt.server.launch import RunningServer, running_server

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
MAX_BODY = 65536

SMALL: dict[str, Any] = copy.deepcopy(SMALL_TWO_LOANS)  # a copy of its own per module


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    with running_server("--workers", "2", "--max-loans", "60", "--max-horizon", "480", "--max-offers", "5",
                        "--max-body-bytes", str(MAX_BODY), "--grace", "1", "--time-limit", "10",
                        "--max-time-limit", "30") as running:
        yield running


@pytest.fixture(scope="module")
def client(server: RunningServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=60) as http:
        yield http


@pytest.fixture(scope="module")
def small_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("server") / "small.json"
    path.write_text(json.dumps(SMALL, ensure_ascii=False), encoding="utf-8")
    return path


def cli_out(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def example(name: str) -> dict[str, Any]:
    import tomllib

    return tomllib.loads((EXAMPLES / f"{name}.toml").read_text(encoding="utf-8"))


def big_scenario() -> dict[str, Any]:
    """60 loans over 480 months, the most the test server takes."""
    data = generate_scenario(seed=1, index=0, profile="mixed", loans=(60, 60), budget="short")
    data["horizon_months"] = 480
    return data


def slow_scenario() -> dict[str, Any]:
    """The big scenario with a tenth of its budget: far short of the dues, every plan runs the 480
    months (the generator's budgets follow incomes and pay it off in a year or two), and its
    report takes well over 10 s."""
    data = big_scenario()
    data["budget"] = {"monthly": round(data["budget"]["monthly"] / 10)}
    return data


def assert_error(response: httpx.Response, status: int, error: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert set(body) == {"error", "message", "issues"}
    assert body["message"]
    if error is not None:
        assert body["error"] == error
    return body


# ---------------------------------------------------------------- the endpoints
def test_healthz(client: httpx.Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["version"] == debtopt.__version__
    assert body["pool"]["size"] == 2 and body["pool"]["alive"] == 2
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "server" not in response.headers


def test_schema_is_the_cli_schema(client: httpx.Client) -> None:
    response = client.get("/v1/schema")
    assert response.status_code == 200
    assert response.text == cli_out("schema")


@pytest.mark.parametrize("fmt", ["json", "csv", "text"])
def test_simulate_answers_what_the_cli_prints(fmt: str, client: httpx.Client, small_file: Path) -> None:
    response = client.post("/v1/simulate", params={"strategy": "snowball", "format": fmt}, json=SMALL)
    assert response.status_code == 200, response.text
    assert response.text == cli_out("simulate", str(small_file), "-s", "snowball", "--format", fmt)
    expected_type = {"json": "application/json", "csv": "text/csv", "text": "text/plain"}[fmt]
    assert response.headers["content-type"].startswith(expected_type)
    queue, work = response.headers["server-timing"].split(", ")
    assert queue.startswith("queue;dur=") and work.startswith("work;dur=") and float(work[9:]) > 0


def test_simulate_every_strategy_and_a_custom_order(client: httpx.Client, small_file: Path) -> None:
    scenario = debtopt.load_scenario(SMALL)
    for strategy in ("minimum", "avalanche", "snowball", "balance-matching", "urgency"):
        response = client.post("/v1/simulate", params={"strategy": strategy}, json=SMALL)
        assert response.json() == debtopt.simulate(scenario, strategy).model_dump(mode="json")  # type: ignore[arg-type]
    response = client.post("/v1/simulate", params={"strategy": "custom", "order": "weilidai,card"}, json=SMALL)
    assert response.status_code == 200
    assert response.text == cli_out("simulate", str(small_file), "-s", "custom", "--order", "weilidai,card",
                                     "--format", "json")


def test_optimize_answers_what_the_cli_prints(client: httpx.Client, small_file: Path) -> None:
    response = client.post("/v1/optimize", params={"time_limit": 20}, json=SMALL)
    assert response.status_code == 200, response.text
    plan = response.json()
    assert plan["strategy"] == "optimal" and plan["solver"]["status"] == "optimal"
    assert response.text == cli_out("optimize", str(small_file), "--format", "json", "--time-limit", "20")
    assert debtopt.Plan.model_validate(plan).totals.escalations == 0


def test_optimize_options(client: httpx.Client) -> None:
    weighted = client.post("/v1/optimize", params={"objective": "weighted", "overdue_price": 50, "time_limit": 20,
                                                   "timings": True}, json=SMALL)
    assert weighted.status_code == 200, weighted.text
    solver = weighted.json()["solver"]
    assert solver["objective"] == "weighted" and "total_seconds" in solver
    csv = client.post("/v1/optimize", params={"format": "csv", "objective": "cost"}, json=SMALL)
    assert csv.status_code == 200 and csv.text.startswith("month,date,loan,payment")
    limited = client.post("/v1/optimize", params={"max_consecutive_overdue": 2}, json=SMALL)
    assert limited.status_code == 200 and limited.json()["totals"]["max_consecutive_overdue"] <= 2


def test_compare_answers_what_the_cli_prints(client: httpx.Client, small_file: Path) -> None:
    response = client.post("/v1/compare", params={"time_limit": 20}, json=SMALL)
    assert response.status_code == 200, response.text
    assert response.json()["best"] == "optimal"
    assert response.text == cli_out("compare", str(small_file), "--format", "json", "--time-limit", "20")
    heuristics = client.post("/v1/compare", params={"optimal": "false", "format": "csv"}, json=SMALL)
    assert heuristics.text == cli_out("compare", str(small_file), "--no-optimal", "--format", "csv")


def test_report_html_and_json(client: httpx.Client) -> None:
    html = client.post("/v1/report", params={"lang": "zh", "time_limit": 8}, json=SMALL)
    assert html.status_code == 200, html.text
    assert html.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in html.headers["content-security-policy"]
    assert html.text.startswith("<!DOCTYPE html>") and 'lang="zh"' in html.text and "<svg" in html.text
    data = client.post("/v1/report", params={"format": "json", "heuristics_only": True}, json=SMALL)
    assert data.status_code == 200
    body = data.json()
    assert body["method"] == "heuristic" and body["explanations"]
    scenario = debtopt.load_scenario(SMALL)
    from debtopt.analysis.report_data import build_report_data
    from debtopt.report.render import render
    from debtopt.strategies import best_heuristic

    assert data.text == render(build_report_data(scenario, best_heuristic(scenario), lang="en"), "json", "en")
    ordered = client.post("/v1/report", params={"format": "json", "heuristics_only": True,
                                                "order": "weilidai,card"}, json=SMALL)
    assert ordered.status_code == 200
    assert "custom" in {row["strategy"] for row in ordered.json()["comparison"]}


@pytest.mark.parametrize(("fmt", "media", "start"), [
    ("markdown", "text/markdown", "# "), ("text", "text/plain", ""), ("csv", "text/csv", "month,date,loan"),
])
def test_report_other_formats(fmt: str, media: str, start: str, client: httpx.Client) -> None:
    response = client.post("/v1/report", params={"format": fmt, "heuristics_only": True}, json=SMALL)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media) and response.text.startswith(start)
    assert "content-security-policy" not in response.headers


def test_an_example_end_to_end(client: httpx.Client) -> None:
    response = client.post("/v1/simulate", params={"strategy": "urgency"}, json=example("zhang-san"))
    assert response.status_code == 200, response.text
    assert response.json()["totals"]["escalations"] == 1


# ---------------------------------------------------------------- 422: the scenario
def test_invalid_scenario_names_each_field(client: httpx.Client) -> None:
    bad = {**SMALL, "start": "2027-13", "extra": True,
           "loans": [{**SMALL["loans"][0], "daily_rate": -1}, SMALL["loans"][1]]}
    with pytest.raises(debtopt.ScenarioError) as excinfo:
        debtopt.load_scenario(bad)
    expected = [{"path": issue.path, "message": issue.message} for issue in excinfo.value.issues]
    for endpoint in ("simulate", "optimize", "compare", "report"):
        body = assert_error(client.post(f"/v1/{endpoint}", json=bad), 422, "invalid scenario")
        assert body["issues"] == expected
    assert {issue["path"] for issue in expected} == {"start", "extra", "loans[0].daily_rate"}


@pytest.mark.parametrize(("content", "words"), [
    (b"{not json", "not valid JSON"),
    (b"[1, 2, 3]", "JSON object"),
    (b"", "empty"),
    (b"   ", "empty"),
    (b"\xff\xfe{}", "UTF-8"),
    (b"[" * 100000 + b"]" * 100000, "nested more than"),
])
def test_bodies_that_are_not_a_scenario(content: bytes, words: str, client: httpx.Client) -> None:
    if len(content) > MAX_BODY:
        content = b"[" * 30000 + b"]" * 30000
    body = assert_error(client.post("/v1/simulate", content=content, headers={"Content-Type": "application/json"}),
                        422, "invalid scenario")
    assert words in body["message"] or words in json.dumps(body["issues"])


def test_content_type(client: httpx.Client) -> None:
    text = json.dumps(SMALL).encode()
    assert_error(client.post("/v1/simulate", content=text, headers={"Content-Type": "text/plain"}), 415)
    assert_error(client.post("/v1/simulate", content=text,
                             headers={"Content-Type": "application/x-www-form-urlencoded"}), 415)
    ok = client.post("/v1/simulate", content=text, headers={"Content-Type": "application/json; charset=utf-8"})
    assert ok.status_code == 200
    bare = httpx.Request("POST", f"{client.base_url}/v1/simulate", content=text)
    assert "content-type" not in bare.headers
    assert client.send(bare).status_code == 200


# ---------------------------------------------------------------- 422: the options
@pytest.mark.parametrize(("endpoint", "params", "path"), [
    ("simulate", {"strategy": "fastest"}, "query.strategy"),
    ("simulate", {"order": "card"}, "query.order"),
    ("simulate", {"strategy": "custom"}, "query.order"),
    ("simulate", {"strategy": "custom", "order": "card,nope"}, "query.order"),
    ("simulate", {"strategy": "custom", "order": "card,card"}, "query.order"),
    ("simulate", {"strategy": "custom", "order": " , "}, "query.order"),
    ("simulate", {"format": "pdf"}, "query.format"),
    ("simulate", {"format": "text", "lang": "fr"}, "query.lang"),
    ("simulate", {"time_limit": 31}, "query.time_limit"),
    ("simulate", {"time_limit": 0.5}, "query.time_limit"),
    ("simulate", {"time_limit": "nan"}, "query.time_limit"),
    ("simulate", {"time_limit": "soon"}, "query.time_limit"),
    ("optimize", {"objective": "weighted"}, "query.overdue_price"),
    ("optimize", {"overdue_price": 5}, "query.overdue_price"),
    ("optimize", {"objective": "weighted", "overdue_price": -5}, "query.overdue_price"),
    ("optimize", {"objective": "weighted", "overdue_price": "inf"}, "query.overdue_price"),
    ("optimize", {"max_consecutive_overdue": -1}, "query.max_consecutive_overdue"),
    ("optimize", {"solver": "cbc"}, "query.solver"),
    ("optimize", {"timings": "maybe"}, "query.timings"),
    ("compare", {"optimal": "perhaps"}, "query.optimal"),
    ("report", {"format": "pdf"}, "query.format"),
    ("report", {"lang": "fr"}, "query.lang"),
    ("report", {"order": "card,nope"}, "query.order"),
])
def test_bad_options(endpoint: str, params: dict[str, Any], path: str, client: httpx.Client) -> None:
    body = assert_error(client.post(f"/v1/{endpoint}", params=params, json=SMALL), 422)
    assert [issue["path"] for issue in body["issues"]] == [path]


def test_a_limit_no_plan_meets(client: httpx.Client) -> None:
    body = assert_error(client.post("/v1/optimize", params={"max_consecutive_overdue": 1}, json=SMALL), 422,
                        "infeasible limit")
    assert body["issues"][0]["path"] == "query.max_consecutive_overdue"
    assert "already 2 months overdue" in body["message"]


# ---------------------------------------------------------------- 422: this server's limits
def test_limits_on_loans_horizon_and_offers(client: httpx.Client) -> None:
    many = generate_scenario(seed=3, index=0, profile="us-cards", loans=(61, 61))
    body = assert_error(client.post("/v1/simulate", json=many), 422, "over this server's limits")
    assert body["issues"] == [{"path": "loans", "message": "61 loans; this server takes at most 60 per request"}]
    long = {**SMALL, "horizon_months": 481}
    body = assert_error(client.post("/v1/optimize", json=long), 422)
    assert [issue["path"] for issue in body["issues"]] == ["horizon_months"]
    sale = {"kind": "asset-sale", "available_from": "2027-01", "available_until": "2027-03", "amount": 500}
    six = {**SMALL, "offers": [{**sale, "id": f"thing-{k}"} for k in range(6)]}
    body = assert_error(client.post("/v1/compare", json=six), 422)
    assert [issue["path"] for issue in body["issues"]] == ["offers"]
    five = {**SMALL, "offers": six["offers"][:5]}
    assert client.post("/v1/simulate", json=five).status_code == 200
    assert client.post("/v1/simulate", json=big_scenario()).status_code == 200  # 60 loans, 480 months: allowed


# ---------------------------------------------------------------- 413
def test_a_body_over_the_limit_by_content_length(client: httpx.Client) -> None:
    padded = {**SMALL, "loans": [{**SMALL["loans"][0], "name": "x" * MAX_BODY}, SMALL["loans"][1]]}
    response = client.post("/v1/simulate", json=padded)
    body = assert_error(response, 413, "body too large")
    assert str(MAX_BODY) in body["message"]


def test_a_streamed_body_over_the_limit(client: httpx.Client) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"currency": "CNY", "loans": [], "pad": "'
        for _ in range(40):
            yield b"x" * 4096
        yield b'"}'

    request = httpx.Request("POST", f"{client.base_url}/v1/optimize", content=chunks(),
                            headers={"Content-Type": "application/json"})
    assert "content-length" not in request.headers and request.headers["transfer-encoding"] == "chunked"
    assert_error(client.send(request), 413, "body too large")
    # A streamed body under the limit is read as usual.
    small = json.dumps(SMALL).encode()
    request = httpx.Request("POST", f"{client.base_url}/v1/simulate", content=iter([small[:100], small[100:]]),
                            headers={"Content-Type": "application/json"})
    assert client.send(request).status_code == 200


@pytest.mark.parametrize("pieces", [1, 3, 41], ids=["whole", "three-pieces", "many-pieces"])
def test_a_body_over_the_limit_is_413_however_it_arrives(pieces: int) -> None:
    """A busy server reads a body after it has all come, as one message: still 413, never a 500."""
    import asyncio

    from starlette.requests import Request

    from debtopt.server.http import Problem, read_body

    body = b"x" * 4096 * 40
    size = -(-len(body) // pieces)
    parts = [body[k:k + size] for k in range(0, len(body), size)]
    messages = [{"type": "http.request", "body": part, "more_body": k < len(parts) - 1} for k, part in enumerate(parts)]

    async def receive() -> dict[str, Any]:
        return messages.pop(0)

    request = Request({"type": "http", "method": "POST", "path": "/v1/optimize", "headers": []}, receive)
    with pytest.raises(Problem) as refused:
        asyncio.run(read_body(request, 100_000, 1_000_000))
    assert refused.value.status == 413 and refused.value.headers == {} and not messages


# ---------------------------------------------------------------- 404, 405
def test_unknown_paths_and_methods(client: httpx.Client) -> None:
    assert_error(client.get("/v1/nothing"), 404, "not found")
    assert_error(client.post("/v2/optimize", json=SMALL), 404)
    assert_error(client.get("/etc/passwd"), 404)
    assert_error(client.get("/docs/assets/../../etc/passwd"), 404)
    assert_error(client.get("/docs/assets/index.html"), 404)
    body = assert_error(client.get("/v1/optimize"), 405, "method not allowed")
    assert "GET" in body["message"]
    assert_error(client.put("/v1/simulate", json=SMALL), 405)
    assert_error(client.post("/healthz"), 405)


def test_no_paths_are_accepted(client: httpx.Client) -> None:
    """A scenario is only ever a JSON body: a file name is not read, wherever it is put."""
    assert_error(client.post("/v1/simulate", json="examples/zhang-san.toml"), 422, "invalid scenario")
    assert_error(client.post("/v1/simulate", params={"file": str(EXAMPLES / "zhang-san.toml")}, json={}), 422)
    body = assert_error(client.post("/v1/simulate", json={"file": str(EXAMPLES / "zhang-san.toml")}), 422)
    assert "file" in {issue["path"] for issue in body["issues"]}


# ---------------------------------------------------------------- docs, CORS
def test_docs_work_offline(client: httpx.Client) -> None:
    page = client.get("/docs")
    assert page.status_code == 200 and "swagger-ui" in page.text
    assert "http://" not in page.text and "https://" not in page.text and "//cdn" not in page.text
    for asset, kind in (("swagger-ui-bundle.js", "javascript"), ("swagger-ui.css", "css"),
                        ("favicon-32x32.png", "png")):
        response = client.get(f"/docs/assets/{asset}")
        assert response.status_code == 200 and kind in response.headers["content-type"]
        assert f"/docs/assets/{asset}" in page.text
    assert len(client.get("/docs/assets/swagger-ui-bundle.js").content) > 100_000
    assert_error(client.get("/redoc"), 404)


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install -y chromium)")
def test_docs_render_in_a_browser_without_a_network(server: RunningServer, tmp_path: Path) -> None:
    """Swagger UI draws every endpoint from this server's own files (the machine has no network anyway)."""
    assert CHROMIUM is not None
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path}",
             "--virtual-time-budget=10000", "--dump-dom", server.url + "/docs"]
    done = subprocess.run([CHROMIUM, *flags], capture_output=True, text=True, timeout=120)
    dom = done.stdout
    for path in ("/v1/simulate", "/v1/optimize", "/v1/compare", "/v1/report", "/v1/schema", "/healthz"):
        assert f'data-path="{path}"' in dom, path
    assert "Failed to load" not in dom and "Unable to render" not in dom


def test_openapi(client: httpx.Client) -> None:
    spec = client.get("/openapi.json").json()
    assert set(spec["paths"]) == {"/healthz", "/v1/schema", "/v1/simulate", "/v1/optimize", "/v1/compare",
                                  "/v1/report", "/v1/checkin"}
    schemas = spec["components"]["schemas"]
    assert {"Scenario", "Plan", "ErrorBody", "Loan", "Totals"} <= set(schemas)
    optimize = spec["paths"]["/v1/optimize"]["post"]
    assert optimize["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Scenario"}
    assert {p["name"] for p in optimize["parameters"]} == {"objective", "overdue_price", "max_consecutive_overdue",
                                                           "solver", "timings", "format", "lang", "time_limit"}
    assert {"413", "422", "503", "504"} <= set(optimize["responses"])

    def refs(node: Any) -> Iterator[str]:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "$ref":
                    yield value
                else:
                    yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    for ref in refs(spec):
        assert ref.removeprefix("#/components/schemas/") in schemas, ref


def test_cors_is_off_by_default(client: httpx.Client) -> None:
    response = client.post("/v1/simulate", json=SMALL, headers={"Origin": "https://evil.example"})
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers
    preflight = client.options("/v1/simulate", headers={"Origin": "https://evil.example",
                                                        "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in preflight.headers


# ---------------------------------------------------------------- time limits and workers
def test_a_request_past_its_limit_gets_504_while_the_others_complete(server: RunningServer) -> None:
    before = httpx.get(server.url + "/healthz").json()["pool"]
    results: dict[str, Any] = {}

    def slow() -> None:
        started = time.monotonic()
        with httpx.Client(base_url=server.url, timeout=60) as http:
            # A report replays the plan's rule dozens of times (value of money, borrowing, what-ifs):
            # at 60 loans x 480 months that takes far longer than 1 s, whatever the optimizer does.
            results["slow"] = http.post("/v1/report", params={"time_limit": 1, "heuristics_only": True,
                                                              "format": "json"}, json=slow_scenario())
        results["slow_seconds"] = time.monotonic() - started

    def quick(i: int) -> tuple[int, float]:
        time.sleep(0.2 + 0.1 * i)
        started = time.monotonic()
        with httpx.Client(base_url=server.url, timeout=60) as http:
            response = http.post("/v1/simulate", params={"strategy": "avalanche"}, json=SMALL)
        return response.status_code, time.monotonic() - started

    thread = threading.Thread(target=slow)
    thread.start()
    with ThreadPoolExecutor(4) as pool:
        quick_results = list(pool.map(quick, range(12)))
    thread.join(60)
    body = assert_error(results["slow"], 504, "time limit")
    assert "time_limit=1" in body["message"]
    assert results["slow_seconds"] < 1 + 1 + 3  # the deadline (time_limit + grace), plus some scheduling
    assert all(status == 200 for status, _ in quick_results), quick_results
    assert max(seconds for _, seconds in quick_results) < 5
    # The stopped worker is replaced; the pool serves as before.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        pool_state = httpx.get(server.url + "/healthz").json()["pool"]
        if pool_state["alive"] == 2 and pool_state["idle"] == 2:
            break
        time.sleep(0.2)
    assert pool_state["alive"] == 2 and pool_state["idle"] == 2, pool_state
    assert pool_state["timed_out"] == before["timed_out"] + 1
    assert httpx.post(server.url + "/v1/simulate", json=SMALL, timeout=30).status_code == 200


def test_a_hard_problem_within_its_limit_gets_the_best_plan_found(client: httpx.Client) -> None:
    started = time.monotonic()
    response = client.post("/v1/optimize", params={"time_limit": 5}, json=big_scenario())
    seconds = time.monotonic() - started
    assert response.status_code == 200, response.text
    plan = response.json()
    # The best plan found in the 70 % of the time the solver gets (or a heuristic's, said so plainly).
    assert plan["solver"]["status"] in ("time_limit", "work_limit", "optimal", "fallback")
    assert plan["totals"]["escalations"] <= min(
        debtopt.simulate(debtopt.load_scenario(big_scenario()), s).totals.escalations  # type: ignore[arg-type]
        for s in ("minimum", "avalanche", "snowball", "balance-matching", "urgency"))
    assert seconds < 5 + 1


def test_the_server_answers_while_every_worker_solves(server: RunningServer) -> None:
    from scenarios import random_scenario_dict

    # 12 loans x 60 months with too little cash: no solver proves it in seconds, so each
    # request keeps its worker busy for its time limit (the examples now solve in under a second).
    hard = json.loads(json.dumps(random_scenario_dict(7, n_loans=12, horizon=60, tight=True)))

    def solve(_: int) -> int:
        with httpx.Client(base_url=server.url, timeout=60) as http:
            return http.post("/v1/optimize", params={"time_limit": 4}, json=hard).status_code

    with ThreadPoolExecutor(2) as pool:
        futures = [pool.submit(solve, i) for i in range(2)]
        deadline = time.monotonic() + 4  # both reach a solver (each is validated first, in a validator process)
        while time.monotonic() < deadline and httpx.get(server.url + "/healthz").json()["pool"]["busy"] < 2:
            time.sleep(0.05)
        with httpx.Client(base_url=server.url, timeout=5) as http:
            started = time.monotonic()
            health = http.get("/healthz").json()
            schema = http.get("/v1/schema")
            error = http.post("/v1/simulate", json={"start": "x"})
            answered = time.monotonic() - started
        statuses = [future.result() for future in futures]
    assert health["pool"]["busy"] == 2
    assert schema.status_code == 200 and error.status_code == 422
    assert answered < 1.0
    assert statuses == [200, 200]
