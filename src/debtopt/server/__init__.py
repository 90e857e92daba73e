"""The HTTP service (`debtopt serve`; needs the `server` extra).

    from debtopt.server import Settings, create_app
    app = create_app(Settings(workers=2, max_loans=30))   # an ASGI app for any server

create_app is imported lazily so that `debtopt.server.settings` works without FastAPI.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .settings import Settings

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["Settings", "create_app"]


def create_app(settings: Settings | None = None) -> FastAPI:
    from .app import create_app as _create_app

    return _create_app(settings)
