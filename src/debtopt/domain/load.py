"""Reading scenarios from TOML, JSON or a dict, with every problem named.

The steps, each refusing with a ScenarioError that names the field (or the
line and column) and the fix: the size and encoding of the text, its nesting,
its syntax (syntax.py); the form of the raw fields (raw.py); the models'
fields, numbers bounded before any arithmetic (fields.py); the rules that tie
fields together (validate.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import FieldIssue, ScenarioError
from .fields import DERIVED
from .issues import capped, issues_from
from .limits import MAX_SCENARIO_BYTES
from .raw import check_raw, field_path
from .scenario import Scenario
from .syntax import Format, parse_scenario_text
from .validate import check_scenario

__all__ = ["field_path", "load_scenario", "parse_scenario", "read_scenario_data", "scenario_from_dict"]

_NOT_A_TABLE = "a scenario is one table of fields: a JSON object {...}, or a TOML file of key = value lines"


def _checked_raw(data: Any, source: str | None) -> dict[str, Any]:
    if not isinstance(data, Mapping):
        raise ScenarioError([FieldIssue("", _NOT_A_TABLE)], source)
    clean, issues = check_raw(data)
    if issues:
        raise ScenarioError(capped(issues), source)
    return clean  # type: ignore[no-any-return]


def scenario_from_dict(data: Mapping[str, Any], source: str | None = None, *, derived: bool = False) -> Scenario:
    """Validate a scenario given as a mapping (the file format's fields).

    `derived=True` is for a what-if the layers build from a scenario already
    validated (its model_dump plus more cash, a new loan, everything owed
    borrowed at once): it may have more items and larger amounts than an
    input may, and its figures follow the plan's own, so the input bounds
    (raw.py, MAX_AMOUNT, the growth bound) are not applied to it; every
    other rule is.
    """
    clean = dict(data) if derived else _checked_raw(data, source)
    try:
        scenario = Scenario.model_validate(clean, context={DERIVED: derived})
    except ValidationError as exc:
        raise ScenarioError(capped(issues_from(exc)), source) from None
    issues = check_scenario(scenario, growth=not derived)
    if issues:
        raise ScenarioError(capped(issues), source)
    return scenario


def parse_scenario(raw: bytes | str, fmt: Format = "json", source: str | None = None,
                   max_bytes: int = MAX_SCENARIO_BYTES) -> dict[str, Any]:
    """The raw fields of a scenario's JSON or TOML text (an HTTP body, a JSONL line), checked for form.

    `max_bytes` caps the size (a server passes its own). Pass the result to
    `scenario_from_dict`. ScenarioError, located, otherwise.
    """
    return _checked_raw(parse_scenario_text(raw, fmt, source, max_bytes), source)


def _format_of(path: Path) -> Format:
    suffix = path.suffix.lower()
    if suffix not in (".json", ".toml"):
        raise ScenarioError([FieldIssue("", f"unknown file type '{suffix}'; use .toml or .json")], str(path))
    return "json" if suffix == ".json" else "toml"


def read_scenario_data(path: str | Path, max_bytes: int = MAX_SCENARIO_BYTES) -> dict[str, Any]:
    """The raw fields of a .toml or .json scenario file, checked for form (at most `max_bytes`)."""
    path = Path(path)
    fmt = _format_of(path)
    try:
        with path.open("rb") as handle:
            raw = handle.read(max_bytes + 1)  # one byte more says it is too big, without reading it all
    except FileNotFoundError:
        raise ScenarioError([FieldIssue("", f"no such file: {path}")], str(path)) from None
    except OSError as exc:
        raise ScenarioError([FieldIssue("", f"cannot read {path}: {exc.strerror}")], str(path)) from None
    return parse_scenario(raw, fmt, str(path), max_bytes)


def load_scenario(source: str | Path | Mapping[str, Any], max_bytes: int = MAX_SCENARIO_BYTES) -> Scenario:
    """A validated scenario from a file path or a mapping; ScenarioError otherwise."""
    if isinstance(source, Mapping):
        return scenario_from_dict(source)
    return scenario_from_dict(read_scenario_data(source, max_bytes), str(source))
