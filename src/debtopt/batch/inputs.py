"""What a batch reads: a folder of scenario files, or a JSONL file of scenario objects.

Inputs are streamed: one `Task` at a time, in input order (file-name order for
a folder, line order for JSONL). Reading and parsing happen here, in the main
process, so that a worker (possibly on another machine) needs no access to the
files; validating and solving happen in the workers (`work.py`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..domain import read_scenario_data
from ..errors import FieldIssue, ScenarioError

SCENARIO_SUFFIXES = (".toml", ".json")
JSONL_SUFFIXES = (".jsonl", ".ndjson")


@dataclass(frozen=True, slots=True)
class Task:
    """One input: its label (file name or 1-based line number) and its fields, or why they could not be read."""

    position: int  # 0-based position in the input order
    input: str | int
    data: dict[str, Any] | None
    error: str | None = None

    @property
    def source(self) -> str:
        """How messages name this input: the file name, or `line N`."""
        return self.input if isinstance(self.input, str) else f"line {self.input}"


def _input_error(message: str) -> ScenarioError:
    return ScenarioError([FieldIssue("INPUT", message)])


def check_input(path: Path) -> str:
    """'folder' or 'jsonl'; ScenarioError (exit 2) with the fix otherwise."""
    path = Path(path)
    if path.is_dir():
        return "folder"
    if not path.exists():
        raise _input_error(f"no such file or folder: {path}")
    if path.suffix.lower() in JSONL_SUFFIXES:
        return "jsonl"
    raise _input_error(
        f"{path} is neither a folder of .toml/.json scenarios nor a .jsonl file (one scenario object per line)"
    )


def scenario_files(folder: Path) -> list[Path]:
    """The .toml and .json files of a folder (not its subfolders), in file-name order."""
    return sorted(
        (p for p in Path(folder).iterdir() if p.suffix.lower() in SCENARIO_SUFFIXES and not p.name.startswith(".")
         and p.is_file()),
        key=lambda p: p.name,
    )


def count_inputs(path: Path) -> int:
    """How many inputs, cheaply (for the progress bar): files, or non-blank lines."""
    if check_input(path) == "folder":
        return len(scenario_files(path))
    count = 0
    with Path(path).open("rb") as handle:
        for line in handle:
            count += bool(line.strip())
    return count


def _folder_tasks(folder: Path, skip: int) -> Iterator[Task]:
    for position, file in enumerate(scenario_files(folder)):
        if position < skip:
            continue
        try:
            data = read_scenario_data(file)
        except ScenarioError as exc:
            yield Task(position, file.name, None, str(ScenarioError(exc.issues, file.name)))
            continue
        yield Task(position, file.name, data)


def _jsonl_tasks(path: Path, skip: int) -> Iterator[Task]:
    position = 0
    with Path(path).open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue  # blank lines are not inputs
            if position < skip:
                position += 1
                continue
            source = f"line {number}"
            try:
                text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError:
                yield Task(position, number, None, str(ScenarioError([FieldIssue("", "not UTF-8 text")], source)))
                position += 1
                continue
            try:
                data = json.loads(text, parse_float=str)
            except json.JSONDecodeError as exc:
                message = f"not valid JSON: {exc.msg} at column {exc.colno}"
                yield Task(position, number, None, str(ScenarioError([FieldIssue("", message)], source)))
                position += 1
                continue
            if not isinstance(data, dict):
                message = "a line must hold one scenario object ({...})"
                yield Task(position, number, None, str(ScenarioError([FieldIssue("", message)], source)))
            else:
                yield Task(position, number, data)
            position += 1


def read_tasks(path: Path, skip: int = 0) -> Iterator[Task]:
    """The inputs of a batch in order, skipping the first `skip` (already done)."""
    if check_input(path) == "folder":
        return _folder_tasks(Path(path), skip)
    return _jsonl_tasks(Path(path), skip)
