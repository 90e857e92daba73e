"""Reading scenarios from TOML, JSON or a dict, with every problem named."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import FieldIssue, ScenarioError
from .scenario import Scenario
from .validate import check_scenario


def field_path(loc: tuple[int | str, ...]) -> str:
    """('loans', 2, 'daily_rate') -> 'loans[2].daily_rate'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


_OFFER_TAGS = {"consolidation", "balance-transfer", "cash-loan", "asset-sale", "hardship-plan"}


def _user_loc(loc: tuple[int | str, ...]) -> tuple[int | str, ...]:
    """The path as the user wrote it: without validator names or the union tag pydantic inserts."""
    out: list[int | str] = []
    for part in loc:
        if isinstance(part, str) and part.startswith("function-"):
            continue
        if isinstance(part, str) and part in _OFFER_TAGS and out and isinstance(out[-1], int):
            continue
        out.append(part)
    return tuple(out)


_FIXES = {
    "extra_forbidden": "unknown field; remove it or check its spelling (see `debtopt schema`)",
    "missing": "missing; this field is required",
}


def _issues_from(error: ValidationError) -> list[FieldIssue]:
    issues = []
    for item in error.errors(include_url=False):
        loc = _user_loc(item["loc"])
        message = _FIXES.get(item["type"]) or str(item["msg"]).removeprefix("Value error, ")
        if item["type"] == "literal_error":
            message = f"{message} (got {item.get('input')!r})"
        issues.append(FieldIssue(field_path(loc), message))
    return issues


def scenario_from_dict(data: Mapping[str, Any], source: str | None = None) -> Scenario:
    """Validate a scenario given as a mapping (the file format's fields)."""
    if not isinstance(data, Mapping):
        raise ScenarioError([FieldIssue("", "a scenario is a table of fields (a JSON object)")], source)
    try:
        scenario = Scenario.model_validate(dict(data))
    except ValidationError as exc:
        raise ScenarioError(_issues_from(exc), source) from None
    issues = check_scenario(scenario)
    if issues:
        raise ScenarioError(issues, source)
    return scenario


def read_scenario_data(path: str | Path) -> dict[str, Any]:
    """The raw fields of a .toml or .json scenario file."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ScenarioError([FieldIssue("", f"no such file: {path}")], str(path)) from None
    except OSError as exc:
        raise ScenarioError([FieldIssue("", f"cannot read {path}: {exc.strerror}")], str(path)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ScenarioError([FieldIssue("", "not UTF-8 text; save the file as UTF-8")], str(path)) from None
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text, parse_float=str)
        except json.JSONDecodeError as exc:
            raise ScenarioError([FieldIssue("", f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}")], str(path)) from None
    elif path.suffix.lower() == ".toml":
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ScenarioError([FieldIssue("", f"not valid TOML: {exc}")], str(path)) from None
    else:
        raise ScenarioError([FieldIssue("", f"unknown file type '{path.suffix}'; use .toml or .json")], str(path))
    if not isinstance(data, dict):
        raise ScenarioError([FieldIssue("", "the file must hold one table of fields (a JSON object)")], str(path))
    return data


def load_scenario(source: str | Path | Mapping[str, Any]) -> Scenario:
    """A validated scenario from a file path or a mapping; ScenarioError otherwise."""
    if isinstance(source, Mapping):
        return scenario_from_dict(source)
    return scenario_from_dict(read_scenario_data(source), str(source))
