"""pydantic's errors in the scenario file's words: the field's path, what is wrong, the fix.

Every message is a plain template filled with the field's values, quoting the
input only as a short excerpt, and never naming a Python class.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from ..errors import FieldIssue
from .choices import OfferKind
from .limits import MAX_ISSUES
from .raw import Loc, field_path
from .text import describe

_OFFER_TAGS = frozenset(OfferKind)
_TABLE = "must be a table of fields ({{...}} in JSON, [section] or {{ key = value }} in TOML)"

# error type -> message template; {input} is an excerpt of the value, the rest comes from pydantic's ctx.
_MESSAGES = {
    "extra_forbidden": "unknown field; remove it or check its spelling (see `debtopt schema`)",
    "missing": "missing; this field is required",
    "model_type": _TABLE,
    "model_attributes_type": _TABLE,
    "dict_type": _TABLE,
    "list_type": "must be a list ([...]), not {input}",
    "string_type": "must be text in double quotes, not {input}",
    "string_too_short": "is empty; give at least {min_length} character",
    "string_too_long": "is longer than {max_length} characters; shorten it",
    "too_short": "needs at least {min_length} item; add one",
    "too_long": "has {actual_length} items, more than the {max_length} allowed; keep at most {max_length}",
    "greater_than_equal": "{input} is below {ge}; give {ge} or more",
    "less_than_equal": "{input} is above {le}; give at most {le}",
    "literal_error": "must be one of {expected} (got {input})",
    "union_tag_invalid": "must be one of {expected_tags} (got {input})",
    "union_tag_not_found": "missing; say which kind of offer this is: {kinds}",
}
_PATTERNS = {
    "^[A-Za-z0-9_-]+$": "{input} is not an id; ids use the letters A-Z and a-z, digits, '-' and '_' only",
    "^[A-Z]{3}$": "{input} is not a currency code; write the ISO 4217 code in capitals, e.g. CNY or USD",
}


def user_loc(loc: tuple[int | str, ...]) -> Loc:
    """The path as the user wrote it: without validator names or the union tag pydantic inserts."""
    out: list[int | str] = []
    for part in loc:
        if isinstance(part, str) and part.startswith("function-"):
            continue
        if isinstance(part, str) and part in _OFFER_TAGS and out and isinstance(out[-1], int):
            continue
        out.append(part)
    return tuple(out)


def _message(item: Any) -> str:
    kind = item["type"]
    ctx = {key: str(value) for key, value in (item.get("ctx") or {}).items()}
    value = item.get("input")
    if kind == "value_error":
        return str(item["msg"]).removeprefix("Value error, ")
    if kind == "union_tag_invalid" and isinstance(value, dict):
        value = value.get("kind")
    if kind == "string_pattern_mismatch":
        template = _PATTERNS.get(ctx.get("pattern", ""), "{input} is not in the expected form; see `debtopt schema`")
    else:
        template = _MESSAGES.get(kind, "{input} is not a valid value here; see `debtopt schema` for this field")
    kinds = ", ".join(OfferKind)
    return template.format_map({**ctx, "input": describe(value), "kinds": kinds})


def issues_from(error: ValidationError) -> list[FieldIssue]:
    """pydantic's errors as FieldIssues, in file order."""
    issues = []
    for item in error.errors(include_url=False):
        loc = user_loc(item["loc"])
        if item["type"] in ("union_tag_invalid", "union_tag_not_found"):
            loc = (*loc, "kind")
        issues.append(FieldIssue(field_path(loc), _message(item)))
    return issues


def capped(issues: list[FieldIssue]) -> list[FieldIssue]:
    """At most MAX_ISSUES problems, and a count of the rest: a message stays readable."""
    if len(issues) <= MAX_ISSUES:
        return issues
    rest = len(issues) - MAX_ISSUES
    return [*issues[:MAX_ISSUES], FieldIssue("", f"and {rest:,} more problems; fix these first")]
