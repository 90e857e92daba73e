"""What the event loop does with a request itself: read its body within the limit, and answer errors as JSON.

Nothing here parses the body: validation runs in a worker process (worker.py,
stage 1), so a hostile body never holds the event loop. A request refused
before its body is read (413) still has its body read and dropped, up to
`drain_bytes`, so the client's keep-alive connection stays usable; a larger
one is answered with `Connection: close`.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from pydantic import BaseModel

from .worker import error_body

JSON_TYPES = ("application/json",)


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


def problem_response(problem: Problem) -> Response:
    return Response(error_body(problem.error, problem.message, problem.issues), status_code=problem.status,
                    media_type="application/json", headers=problem.headers)


def issue(path: str, message: str) -> dict[str, str]:
    return {"path": path, "message": message}


async def _drain(request: Request, drain_bytes: int) -> bool:
    """Read and drop the body; False when more than `drain_bytes` came (the connection must close)."""
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > drain_bytes:
            return False
    return True


async def read_body(request: Request, limit: int, drain_bytes: int) -> bytes:
    """The body, refused with 413 past `limit` bytes: by Content-Length first, then as it streams.

    One pass over the stream: a body that arrives whole in one message (a busy server reads it
    after it has all come) is over the limit in the same pass that ends the stream."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            size = int(declared)
        except ValueError:
            raise Problem(400, "bad request", "Content-Length is not a number",
                          headers={"Connection": "close"}) from None
        if size > limit:
            kept = size <= drain_bytes and await _drain(request, drain_bytes)
            raise Problem(413, "body too large", f"the body is {size} bytes; this server takes at most {limit}",
                          headers={} if kept else {"Connection": "close"})
    chunks: list[bytes] = []
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > drain_bytes:
            break  # dropped unread: the connection closes
        if received <= limit:
            chunks.append(chunk)
    if received > limit:
        raise Problem(413, "body too large", f"the body is over {limit} bytes, the most this server takes",
                      headers={} if received <= drain_bytes else {"Connection": "close"})
    return b"".join(chunks)


def check_content_type(request: Request) -> None:
    """JSON (or no Content-Type, taken as JSON); 415 otherwise."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type and content_type not in JSON_TYPES and not content_type.endswith("+json"):
        raise Problem(415, "unsupported media type",
                      f"send the scenario as JSON with Content-Type: application/json, not {content_type[:80]}")


Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]]
SECURITY_HEADERS = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]


class Front:
    """The service's front door, a plain ASGI middleware: the security headers on every answer, and
    `GET /healthz` answered at once, without the framework's routing, whatever else is queued.

    (The framework's /healthz route stays, for the OpenAPI description; it gives the same answer.)
    """

    def __init__(self, app: ASGIApp, health: Callable[[], dict[str, Any]]) -> None:
        self.app = app
        self.health = health

    async def __call__(self, scope: Scope, receive: Callable[[], Awaitable[Message]],
                       send: Callable[[Message], Awaitable[None]]) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(name, value) for name, value in SECURITY_HEADERS if name not in present]
                message["headers"] = headers
            await send(message)

        if scope["path"] == "/healthz" and scope["method"] == "GET":
            body = json.dumps(self.health()).encode()
            await send_with_headers({"type": "http.response.start", "status": 200, "headers": [
                (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})
            return
        await self.app(scope, receive, send_with_headers)
