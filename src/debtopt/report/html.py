"""The HTML report: Jinja2 templates with autoescape on; one self-contained page, no script.

Every string is escaped by Jinja2; only the charts' SVG (drawn by matplotlib
from numbers, no scenario text) is inserted as markup. A Content-Security-Policy
meta tag forbids scripts and any outside resource. The page never scrolls
sideways on a phone (tables scroll within their box) and prints on A4 with
each letter on its own page.
"""

from __future__ import annotations

from collections.abc import Mapping

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from .blocks import Block

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'none'; base-uri 'none'; form-action 'none'"


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("debtopt.report", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.globals["kind"] = lambda block: type(block).__name__
    return env


_ENV = _environment()


def to_html(blocks: list[Block], lang: str, svgs: Mapping[str, str]) -> str:
    title = next((b.text for b in blocks if type(b).__name__ == "Heading"), "debtopt")  # type: ignore[union-attr]
    template = _ENV.get_template("report.html.j2")
    return template.render(blocks=blocks, lang=lang, title=title, csp=Markup(CSP),  # noqa: S704 (a constant)
                           svgs={key: Markup(svg) for key, svg in svgs.items()})  # noqa: S704 (matplotlib's own SVG)
