"""The HTTP service's settings: limits per request, the worker pool, CORS.

Each setting has an environment variable (DEBTOPT_SERVER_...) and a
`debtopt serve` option of the same name; the option wins. docs/api.md lists them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from ..domain.choices import SolverName

ENV_PREFIX = "DEBTOPT_SERVER_"


@dataclass(frozen=True, slots=True)
class Settings:
    """Limits and sizes of one server. Every request is checked against them."""

    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 2
    """Worker processes that solve; each runs one request at a time."""
    validators: int = 2
    """Worker processes that read and validate request bodies (a few milliseconds each; more than one, so
    that a body that takes long to refuse holds up no other)."""
    validate_seconds: float = 2.0
    """Past this, validating a body is stopped and the request gets 422 (a body no real scenario needs)."""
    max_worker_memory_mb: int = 1024
    """A worker whose peak memory passes this is replaced after its request (0: never)."""
    max_loans: int = 30
    """Loans per scenario."""
    max_horizon_months: int = 360
    """`horizon_months` per scenario (the file format allows 600)."""
    max_offers: int = 10
    """Offers per scenario."""
    max_body_bytes: int = 256 * 1024
    """Request body size; larger bodies get 413."""
    default_time_limit: float = 10.0
    """Seconds of work a request gets when it does not say (`time_limit`)."""
    max_time_limit: float = 60.0
    """The largest `time_limit` a request may ask for."""
    grace_seconds: float = 5.0
    """Past `time_limit` + this, the worker is stopped and the request gets 504. Generous: on a busy
    machine the work around the solver (heuristics, model, replay) takes longer than its share."""
    queue_size: int = 64
    """Requests that may wait for a free worker; more get 503 at once."""
    queue_timeout: float = 30.0
    """Seconds a request may wait for a free worker before it gets 503."""
    solvers: tuple[str, ...] = (SolverName.HIGHS.value,)
    """Solvers a request may choose (`solver`); the first is the default."""
    cors_origins: tuple[str, ...] = field(default_factory=tuple)
    """Origins allowed by CORS; none (the default) turns CORS off."""

    def __post_init__(self) -> None:
        problems = []
        for name in ("workers", "validators", "max_loans", "max_horizon_months", "max_body_bytes"):
            if getattr(self, name) < 1:
                problems.append(f"{name} must be 1 or more")
        for name in ("max_offers", "queue_size", "max_worker_memory_mb"):
            if getattr(self, name) < 0:
                problems.append(f"{name} must be 0 or more")
        if not 1.0 <= self.default_time_limit <= self.max_time_limit:
            problems.append("default_time_limit must be at least 1 and at most max_time_limit")
        if self.grace_seconds < 0 or self.queue_timeout <= 0:
            problems.append("grace_seconds must be 0 or more and queue_timeout more than 0")
        if self.validate_seconds <= 0:
            problems.append("validate_seconds must be more than 0")
        if not self.solvers:
            problems.append("solvers must name at least one solver")
        if not 0 <= self.port <= 65535:
            problems.append("port must be from 0 to 65535")
        if problems:
            raise ValueError("; ".join(problems))

    @staticmethod
    def env_name(name: str) -> str:
        return ENV_PREFIX + name.upper()

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Defaults, then DEBTOPT_SERVER_* variables, then `overrides` (None values are ignored)."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(cls.env_name(f.name))
            if raw is None or raw.strip() == "":
                continue
            values[f.name] = _parse(f.name, raw, cls.__dataclass_fields__[f.name].default)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


def _parse(name: str, raw: str, default: Any) -> Any:
    text = raw.strip()
    try:
        if name in ("solvers", "cors_origins"):
            return tuple(part.strip() for part in text.split(",") if part.strip())
        if isinstance(default, bool):
            return text.lower() in ("1", "true", "yes", "on")
        if isinstance(default, int):
            return int(text)
        if isinstance(default, float):
            return float(text)
    except ValueError:
        raise ValueError(f"{Settings.env_name(name)}={raw!r} is not a valid {type(default).__name__}") from None
    return text
