"""What an import gives the edge: the file's text, and what to tell the user about it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import tomli_w


@dataclass(frozen=True, slots=True)
class ImportResult:
    text: str
    notes: list[str] = field(default_factory=list)


def to_toml(data: Mapping[str, Any], comment: str) -> str:
    """`data` as TOML (Decimals written exactly), after a comment saying where it came from."""
    head = "".join(f"# {line}\n" for line in comment.splitlines())
    return head + "\n" + tomli_w.dumps(dict(data))
