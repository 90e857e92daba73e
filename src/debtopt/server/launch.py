"""Start `debtopt serve` in a subprocess on a free local port, wait until it answers, stop it after.

For the tests and benchmarks/server_load.py:

    with running_server("--workers", "2") as server:
        urllib.request.urlopen(server.url + "/healthz")

The server listens on 127.0.0.1 only. Its log goes to a temporary file,
`server.log()` reads it.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@dataclass
class RunningServer:
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path
    final_log: str | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def log(self) -> str:
        """What the server printed (kept after it stopped)."""
        if self.final_log is not None:
            return self.final_log
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def health(self, timeout: float = 5.0) -> dict[str, Any]:
        with urllib.request.urlopen(self.url + "/healthz", timeout=timeout) as response:
            data: dict[str, Any] = json.loads(response.read())
            return data

    def children(self) -> list[int]:
        """Pids of the server's child processes (its workers), from /proc (Linux)."""
        out = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[-1].split()
            if len(fields) > 1 and fields[1] == str(self.process.pid):
                out.append(int(entry.name))
        return sorted(out)

    def workers(self, role: str = "solve") -> list[int]:
        """Pids of the worker processes of one pool ("solve" or "validate"), by the name each gives itself."""
        out = []
        for pid in self.children():
            try:
                name = Path(f"/proc/{pid}/comm").read_text().strip()
            except OSError:
                continue
            if name == f"debtopt-{role}"[:15]:
                out.append(pid)
        return out


def wait_healthy(server: RunningServer, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"the server exited with code {server.process.returncode}:\n{server.log()}")
        try:
            if server.health(timeout=2.0).get("status") == "ok":
                return
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.1)
    raise TimeoutError(f"the server did not answer /healthz within {timeout:g} s:\n{server.log()}")


def stop(server: RunningServer, timeout: float = 15.0) -> int:
    """SIGTERM (uvicorn shuts down and stops its workers), then SIGKILL if it lingers."""
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGTERM)
        try:
            server.process.wait(timeout)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(5)
    return int(server.process.returncode)


@contextmanager
def running_server(*args: str, env: Mapping[str, str] | None = None, start_timeout: float = 90.0,
                   log_level: str = "warning") -> Iterator[RunningServer]:
    """`python -m debtopt.server --host 127.0.0.1 --port <free> ARGS`, healthy, stopped on exit."""
    port = free_port()
    command = [sys.executable, "-m", "debtopt.server", "--host", HOST, "--port", str(port),
               "--log-level", log_level, *args]
    environment = {**os.environ, **(env or {})}
    handle, name = tempfile.mkstemp(prefix="debtopt-server-", suffix=".log")
    log_file: BinaryIO = os.fdopen(handle, "wb")
    process = subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                               env=environment)
    server = RunningServer(process, port, Path(name))
    try:
        wait_healthy(server, start_timeout)
        yield server
    finally:
        stop(server)
        log_file.close()
        server.final_log = server.log()
        Path(name).unlink(missing_ok=True)
