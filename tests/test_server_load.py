"""A bounded load on a real server: 60 mixed simulate and optimize requests, 16 in flight, none may fail.

The full run (500 requests) is benchmarks/server_load.py; its numbers are in
benchmarks/results/server_load.md.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]


def load_benchmark() -> ModuleType:
    spec = importlib.util.spec_from_file_location("server_load", ROOT / "benchmarks" / "server_load.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["server_load"] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow  # about 8 s; the server's concurrency tests in test_server*.py stay in the default suite
def test_sixty_mixed_requests_sixteen_at_a_time_none_fails() -> None:
    bench = load_benchmark()
    result = bench.run(requests=60, concurrency=16, time_limit=1.0, optimize_every=4, workers=2)
    assert not result["failed"], [(o.call, o.status, o.error) for o in result["failed"]]
    assert result["statuses"] == {200: 60}
    rows = {row["name"]: row for row in result["rows"]}
    assert rows["simulate"]["count"] == 45 and rows["optimize"]["count"] == 15
    assert rows["optimize zhang-san"]["count"] and rows["optimize us-cards"]["count"]
    assert result["pool"]["timed_out"] == 0 and result["pool"]["lost"] == 0
    # Each optimize has 1 s; with 16 in flight on 2 workers, no request should wait anywhere near the timeout.
    assert rows["all"]["max"] < 30_000
    assert 0 < rows["simulate"]["work_p50"] < rows["optimize"]["work_p50"] < 1000 * (1.0 + 2.0)
    text = bench.markdown(result, "python benchmarks/server_load.py --requests 60")
    assert "| all | 60 | 0 |" in text
    assert result["health_ms"] and all(ms < float("inf") for ms in result["health_ms"])  # every probe a 200
    assert "`GET /healthz` probed every 100 ms" in text


def test_percentile_is_nearest_rank() -> None:
    bench = load_benchmark()
    values = [float(v) for v in range(1, 101)]
    assert bench.percentile(values, 0.5) == 50 and bench.percentile(values, 0.95) == 95
    assert bench.percentile([7.0], 0.95) == 7
