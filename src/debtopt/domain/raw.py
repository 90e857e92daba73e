"""The raw fields of a scenario, checked for form before the models see them.

Whatever the source (a parsed file, an HTTP body, a budgeting app's dict),
`check_raw` walks the value without recursion and refuses, each at its path:
nesting deeper than MAX_DEPTH, lists and tables beyond their size limits,
field names that are not short text, keys a JSON object repeats, strings that
are too long or hold control characters or lone surrogates, integers too long
to be a number, and values no scenario file can hold. What it returns is
plain dicts and lists, safe for pydantic.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..errors import FieldIssue
from .limits import MAX_DEPTH, MAX_ITEMS, MAX_KEY_CHARS, MAX_KEYS, MAX_TEXT_CHARS, MAX_VALUES
from .numbers import NumberText
from .text import excerpt, text_problem

Loc = tuple[int | str, ...]
_SCALARS = (NumberText, int, float, Decimal, type(None), datetime.date, datetime.time)  # and bool, an int


def field_path(loc: Loc) -> str:
    """('loans', 2, 'daily_rate') -> 'loans[2].daily_rate'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


class _Walk:
    def __init__(self) -> None:
        self.issues: list[FieldIssue] = []
        self.values = 0

    def refuse(self, loc: Loc, message: str) -> None:
        self.issues.append(FieldIssue(field_path(loc), message))

    def table(self, value: Mapping[Any, Any], loc: Loc) -> tuple[dict[str, Any], list[tuple[Any, Loc]]]:
        out: dict[str, Any] = {}
        children: list[tuple[Any, Loc]] = []
        if len(value) > MAX_KEYS:
            self.refuse(loc, f"a table of {len(value):,} fields; a scenario's tables have at most {MAX_KEYS}")
            return out, children
        for key in getattr(value, "repeated", ()):
            self.refuse((*loc, key), "given twice in the same table; keep one of them")
        for key, item in value.items():
            if not isinstance(key, str):
                self.refuse(loc, "a field name that is not text; field names are words like \"balance\"")
            elif len(key) > MAX_KEY_CHARS:
                self.refuse(loc, f"a field name of {len(key):,} characters ({excerpt(key, 16)}); "
                                 "check the field names (`debtopt schema`)")
            elif problem := text_problem(key):
                self.refuse(loc, f"the field name {excerpt(key, 16)} {problem}")
            else:
                out[key] = item
                children.append((item, (*loc, key)))
        return out, children

    def items(self, value: list[Any] | tuple[Any, ...], loc: Loc) -> tuple[list[Any], list[tuple[Any, Loc]]]:
        if len(value) > MAX_ITEMS:
            self.refuse(loc, f"a list of {len(value):,} items; a scenario's lists have at most {MAX_ITEMS:,}")
            return [], []
        out = list(value)
        return out, [(item, (*loc, i)) for i, item in enumerate(out)]

    def leaf(self, value: Any, loc: Loc) -> None:
        """A string's length and characters; anything but text, numbers, dates, lists and tables is refused."""
        if isinstance(value, str):
            if len(value) > MAX_TEXT_CHARS:
                self.refuse(loc, f"{len(value):,} characters of text ({excerpt(value, 16)}); "
                                 f"text fields hold at most {MAX_TEXT_CHARS:,}")
            elif problem := text_problem(value):
                self.refuse(loc, f"{excerpt(value)} {problem}")
        elif not isinstance(value, _SCALARS):
            self.refuse(loc, "a value no scenario file can hold; use numbers, text, true/false, lists and tables")


def check_raw(data: Any) -> tuple[Any, list[FieldIssue]]:
    """A plain copy of `data` and the problems of form found in it (empty when none)."""
    walk = _Walk()
    root: list[Any] = [None]
    # Each entry: the value, its path, and where its copy goes (a container and a key).
    stack: list[tuple[Any, Loc, Any, int | str]] = []
    if isinstance(data, (Mapping, list, tuple)):
        stack.append((data, (), root, 0))
    else:
        walk.leaf(data, ())
        root[0] = data
    while stack:
        value, loc, parent, slot = stack.pop()
        if len(loc) >= MAX_DEPTH:
            walk.refuse(loc[:4], f"tables and lists nested more than {MAX_DEPTH} deep in here; "
                                 "a scenario needs 4 levels (offers[0].loan.kind)")
            continue
        copy, children = walk.table(value, loc) if isinstance(value, Mapping) else walk.items(value, loc)
        parent[slot] = copy
        walk.values += len(children)
        if walk.values > MAX_VALUES:
            walk.refuse((), f"more than {MAX_VALUES:,} values; a scenario has a few thousand at most")
            break
        for child, child_loc in reversed(children):
            if isinstance(child, (Mapping, list, tuple)):
                stack.append((child, child_loc, copy, child_loc[-1]))
            elif not isinstance(child, _SCALARS):  # numbers, booleans and null need no look
                walk.leaf(child, child_loc)
    return root[0], walk.issues
