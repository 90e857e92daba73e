"""Reading a plan back: the JSON that `optimize` and `simulate --format json` write (money-model.md, "A plan in JSON").

The exports and the check-in start from a plan file. It is validated as a
`Plan`, month by month, so a file that was cut short or edited by hand is an
`InputError` naming the field, never a traceback later. Its `solver` report is
the optimizer's account of how the plan was found; nothing downstream reads
it, and its JSON shape (timings and extra-cash keys folded in) is not the
model's, so it is left out.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import FieldIssue, InputError
from .load import field_path
from .months import month_label, parse_month
from .plan import Plan

WHAT = "plan"


def plan_from_dict(data: Mapping[str, Any], source: str | None = None) -> Plan:
    """Validate a plan given as the mapping its JSON holds."""
    if not isinstance(data, Mapping):
        raise InputError([FieldIssue("", "a plan is a JSON object, as `debtopt optimize --format json` writes")],
                         source, WHAT)
    fields = {key: value for key, value in data.items() if key != "solver"}
    try:
        plan = Plan.model_validate(fields)
    except ValidationError as exc:
        raise InputError([_issue(item) for item in exc.errors(include_url=False)], source, WHAT) from None
    issues = list(_check_months(plan))
    if issues:
        raise InputError(issues, source, WHAT)
    return plan


def load_plan(source: str | os.PathLike[str] | Mapping[str, Any]) -> Plan:
    """A validated `Plan` from a JSON file or a mapping; `InputError` naming every field at fault."""
    if isinstance(source, Mapping):
        return plan_from_dict(source)
    path = Path(source)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError([FieldIssue("", f"no such file: {path}")], str(path), WHAT) from None
    except UnicodeDecodeError:
        raise InputError([FieldIssue("", "not UTF-8 text; give the JSON file debtopt wrote")], str(path), WHAT) from None
    except OSError as exc:
        raise InputError([FieldIssue("", f"cannot read {path}: {exc.strerror}")], str(path), WHAT) from None
    try:
        data = json.loads(text, parse_float=str)
    except json.JSONDecodeError as exc:
        raise InputError([FieldIssue("", f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}; "
                                     "write the plan with --format json")], str(path), WHAT) from None
    return plan_from_dict(data, str(path))


def _issue(item: Any) -> FieldIssue:
    loc = tuple(part for part in item["loc"] if not (isinstance(part, str) and part.startswith("function-")))
    if item["type"] == "missing":
        return FieldIssue(field_path(loc), "missing; is this a plan written by `debtopt optimize --format json`?")
    return FieldIssue(field_path(loc), str(item["msg"]).removeprefix("Value error, "))


def _check_months(plan: Plan) -> Iterator[FieldIssue]:
    """The months run 1, 2, ... with their calendar months in order, and each loan appears once a month."""
    if not plan.months:
        yield FieldIssue("months", "empty; a plan has at least one month")
        return
    start = plan.months[0].date
    try:
        parse_month(start)
    except ValueError as exc:
        yield FieldIssue("months[0].date", str(exc))
        return
    for i, row in enumerate(plan.months):
        if row.month != i + 1:
            yield FieldIssue(f"months[{i}].month", f"{row.month}; plan months run 1, 2, 3 ..., so this is {i + 1}")
        if row.date != month_label(start, i + 1):
            yield FieldIssue(f"months[{i}].date", f"{row.date}; the months run on from {start}, so this is "
                             f"{month_label(start, i + 1)}")
        seen: set[str] = set()
        for j, loan in enumerate(row.loans):
            if loan.id in seen:
                yield FieldIssue(f"months[{i}].loans[{j}].id", f"'{loan.id}' appears twice in this month")
            seen.add(loan.id)


__all__ = ["load_plan", "plan_from_dict"]
