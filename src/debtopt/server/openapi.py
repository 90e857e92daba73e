"""The service's description: OpenAPI with the scenario's and the plan's schemas, and Swagger UI's files (no CDN)."""

from __future__ import annotations

from importlib import resources
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic.json_schema import models_json_schema

from ..domain.plan import Plan
from ..domain.scenario import Scenario
from .http import ErrorBody


def body_doc() -> dict[str, Any]:
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


def plan_responses() -> dict[int | str, dict[str, Any]]:
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
