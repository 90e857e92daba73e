"""What a batch reads: a folder of scenario files, or a JSONL file of scenario objects.

Inputs are streamed: one `Task` at a time, in input order (file-name order for
a folder, line order for JSONL). Reading and parsing happen here, in the main
process, so that a worker (possibly on another machine) needs no access to the
files; validating and solving happen in the workers (`work.py`).

Every input is one task, whatever it holds: a file or line that cannot be
read or parsed (not UTF-8, not JSON, nested too deeply, a number Python will
not convert, too large) is a task that carries its error, and becomes an error
record. Nothing an input holds stops the batch.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .. import api
from ..domain.limits import MAX_SCENARIO_BYTES
from ..errors import FieldIssue, OptionError, ScenarioError
from .records import INTERNAL_ERROR

SCENARIO_SUFFIXES = (".toml", ".json")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
# No scenario is larger: a longer line is refused as an input (its record says so) and skipped unread.
MAX_INPUT_BYTES = MAX_SCENARIO_BYTES


@dataclass(frozen=True, slots=True)
class Task:
    """One input: its label (file name or 1-based line number) and its fields, or why they could not be read."""

    position: int  # 0-based position in the input order
    input: str | int
    data: dict[str, Any] | None
    error: str | None = None
    error_type: str | None = None

    @property
    def source(self) -> str:
        """How messages name this input: the file name, or `line N`."""
        return self.input if isinstance(self.input, str) else f"line {self.input}"


def check_input(path: Path) -> str:
    """'folder' or 'jsonl'; OptionError (exit 2) with the fix otherwise."""
    path = Path(path)
    if path.is_dir():
        return "folder"
    if not path.exists():
        raise OptionError([FieldIssue("input", f"no such file or folder: {path}")])
    if path.suffix.lower() in JSONL_SUFFIXES:
        return "jsonl"
    raise OptionError([FieldIssue("input", f"{path} is neither a folder of .toml/.json scenarios nor a .jsonl file "
                                           "(one scenario object per line)")])


def scenario_files(folder: Path) -> list[Path]:
    """The .toml and .json files of a folder (not its subfolders), in file-name order."""
    return sorted(
        (p for p in Path(folder).iterdir() if p.suffix.lower() in SCENARIO_SUFFIXES and not p.name.startswith(".")
         and p.is_file()),
        key=lambda p: p.name,
    )


def _lines(handle: IO[bytes]) -> Iterator[tuple[int, bytes | None]]:
    """(line number, its bytes) for every non-blank line; None for a line over MAX_INPUT_BYTES (skipped unread)."""
    number = 0
    while True:
        raw = handle.readline(MAX_INPUT_BYTES + 1)
        if not raw:
            return
        number += 1
        if len(raw) > MAX_INPUT_BYTES and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):  # the rest of the long line, in pieces
                raw = handle.readline(MAX_INPUT_BYTES)
            yield number, None
        elif raw.strip():
            yield number, raw


def count_inputs(path: Path) -> int:
    """How many inputs, cheaply (for the progress bar): files, or non-blank lines."""
    if check_input(path) == "folder":
        return len(scenario_files(path))
    with Path(path).open("rb") as handle:
        return sum(1 for _ in _lines(handle))


def _unreadable(position: int, label: str | int, error: ScenarioError) -> Task:
    return Task(position, label, None, str(error), "ScenarioError")


def _bug(position: int, label: str | int, exc: Exception) -> Task:
    source = label if isinstance(label, str) else f"line {label}"
    message = f"{source}: internal error (a bug in debtopt, please report it): {type(exc).__name__}: {str(exc)[:200]}"
    return Task(position, label, None, message, INTERNAL_ERROR)


def _file_task(position: int, file: Path) -> Task:
    try:
        return Task(position, file.name, api.read_scenario_fields(file))  # reads no more than a scenario may be
    except ScenarioError as exc:
        return _unreadable(position, file.name, ScenarioError(exc.issues, file.name))
    except Exception as exc:  # a bug in reading: this input's record says so, the batch goes on
        return _bug(position, file.name, exc)


def _line_task(position: int, number: int, raw: bytes | None) -> Task:
    source = f"line {number}"
    if raw is None:
        message = f"the line is over {MAX_INPUT_BYTES // 2**20} MiB; no scenario is that large"
        return _unreadable(position, number, ScenarioError([FieldIssue("", message)], source))
    try:
        return Task(position, number, api.scenario_fields(raw, source))
    except ScenarioError as exc:
        return _unreadable(position, number, exc)
    except Exception as exc:
        return _bug(position, number, exc)


def _folder_tasks(folder: Path, skip: int) -> Iterator[Task]:
    for position, file in enumerate(scenario_files(folder)):
        if position >= skip:
            yield _file_task(position, file)


def _jsonl_tasks(path: Path, skip: int) -> Iterator[Task]:
    with Path(path).open("rb") as handle:
        for position, (number, raw) in enumerate(_lines(handle)):
            if position >= skip:
                yield _line_task(position, number, raw)


def read_tasks(path: Path, skip: int = 0) -> Iterator[Task]:
    """The inputs of a batch in order, skipping the first `skip` (already done)."""
    if check_input(path) == "folder":
        return _folder_tasks(Path(path), skip)
    return _jsonl_tasks(Path(path), skip)
