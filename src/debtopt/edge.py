"""The command line's boundary, shared by every command (cli/, batch/commands.py, server/command.py):
the one table from the error tree to exit codes, the one table from the API's parameter names to the
CLI's words, and output that reaches a file whole or not at all.

In the manner of httpx's `_main.py`: the commands are thin clients of `debtopt.api`;
everything they raise on purpose is a `DebtoptError`, turned into a message and an
exit code here and nowhere else. Exit codes: 0 ok, 2 bad input (a scenario, an
option, an output path), 1 a solver failure or a bug, 130 interrupted.
"""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from collections.abc import Callable, Mapping
from pathlib import Path

import click

from .domain.choices import ReportFormat
from .errors import (
    DebtoptError,
    FieldIssue,
    InfeasibleLimitError,
    OptionError,
    OutputError,
    ScenarioError,
    ScheduleError,
    SolverError,
)

# The error tree -> exit codes (the most specific class wins; DebtoptError covers a new child until it has a row).
EXIT_CODES: dict[type[DebtoptError], int] = {
    ScenarioError: 2,
    OptionError: 2,
    OutputError: 2,
    ScheduleError: 2,
    InfeasibleLimitError: 2,
    SolverError: 1,
    DebtoptError: 2,
}
EXIT_BUG = 1
EXIT_INTERRUPTED = 130

# The API's parameter names -> the command line's flags and arguments.
FLAGS: dict[str, str] = {
    "strategy": "--strategy",
    "order": "--order",
    "takes": "--take",
    "objective": "--objective",
    "overdue_price": "--overdue-price",
    "max_consecutive_overdue": "--max-consecutive-overdue",
    "solver": "--solver",
    "time_limit_seconds": "--time-limit",
    "max_nodes": "--max-nodes",
    "timings": "--timings",
    "offer_worth": "--offer-worth",
    "format": "--format",
    "lang": "--lang",
    "chart_format": "--chart-format",
    "heuristics_only": "--heuristics-only",
    "output": "-o",
    "charts": "--charts",
    "letters": "--letters",
    "name": "NAME",
    "input": "INPUT",
    "out": "--out",
    "strategies": "--strategies",
    "resume": "--resume",
    "engine": "--engine",
    "scheduler": "--scheduler",
    "actual": "--actual",
    "new_plan": "--new-plan",
    "replan": "--replan",
    "workers": "--workers",
    "grace_seconds": "--grace",
    "cash_account": "--cash-account",
}


def exit_code(error: DebtoptError) -> int:
    for cls in type(error).__mro__:
        if cls in EXIT_CODES:
            return EXIT_CODES[cls]  # type: ignore[index]
    return EXIT_BUG


def flag(path: str) -> str:
    """`time_limit_seconds` -> `--time-limit`; `takes[1]` -> `--take[1]`; other paths (scenario fields) unchanged."""
    head = path.split(".", 1)[0].split("[", 1)[0]
    return FLAGS[head] + path[len(head):] if head in FLAGS else path


def message(error: DebtoptError) -> str:
    """What the user reads, in the command line's words."""
    if isinstance(error, OptionError):
        return str(OptionError([FieldIssue(flag(i.path), i.message) for i in error.issues]))
    if isinstance(error, OutputError):
        return f"{flag(error.parameter)} {error}"
    return str(error)


def run_guarded(action: Callable[[], None], interrupted: str = "interrupted") -> None:
    """Run a command's work: every outcome is an exit code and, unless it succeeded, one message on stderr."""
    try:
        action()
    except DebtoptError as exc:
        click.echo(f"error: {message(exc)}", err=True)
        sys.exit(exit_code(exc))
    except KeyboardInterrupt:
        click.echo(interrupted, err=True)
        sys.exit(EXIT_INTERRUPTED)
    except Exception as exc:  # a bug: say so plainly, keep the details for the report
        click.echo(f"internal error (a bug in debtopt, please report it): {type(exc).__name__}: {exc}", err=True)
        if os.environ.get("DEBTOPT_DEBUG"):
            traceback.print_exc()
        sys.exit(EXIT_BUG)


# ---------------------------------------------------------------- output
# `-o FILE` decides the format by its extension unless --format says otherwise.
EXTENSIONS: dict[str, ReportFormat] = {
    ".txt": ReportFormat.TEXT, ".json": ReportFormat.JSON, ".csv": ReportFormat.CSV, ".md": ReportFormat.MARKDOWN,
    ".markdown": ReportFormat.MARKDOWN, ".html": ReportFormat.HTML, ".htm": ReportFormat.HTML,
}


def output_format(given: str | None, output: Path | None, allowed: tuple[str, ...],
                  default: str = ReportFormat.TEXT) -> str:
    """--format when given; else the format of -o's extension; else `default`."""
    if given is not None:
        return given
    if output is None:
        return default
    by_extension = EXTENSIONS.get(Path(output).suffix.lower())
    if by_extension is None:
        return default
    if by_extension not in allowed:
        suffixes = [suffix for suffix, fmt in EXTENSIONS.items() if fmt in allowed and len(suffix) <= 5]
        names = ", ".join(suffixes[:-1]) + " or " + suffixes[-1] if len(suffixes) > 1 else suffixes[0]
        raise OptionError([FieldIssue("output", f"{output.name} names a {by_extension} file, which this command "
                                                f"does not write; name it {names}, or give --format")])
    return by_extension.value


def _folder_of(path: Path, parameter: str) -> Path:
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise OutputError(str(path), f"no folder {directory}; create it first or choose another path", parameter)
    if path.is_dir():
        raise OutputError(str(path), "is a folder; give a file name", parameter)
    return directory


def write_file(path: Path, content: str | bytes, parameter: str = "output") -> None:
    """Write atomically: a failure leaves no half-written file (OutputError saying why)."""
    path = Path(path)
    directory = _folder_of(path, parameter)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:200]}.", dir=directory)
    except OSError as exc:
        raise OutputError(str(path), f"cannot write here: {exc.strerror}", parameter) from None
    try:
        data = content.encode("utf-8", "backslashreplace") if isinstance(content, str) else content
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        # mkstemp makes the file private; an output is an ordinary file (0666 less the umask).
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(str(path), f"cannot write it: {exc.strerror}", parameter) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_output(text: str, output: Path | None) -> None:
    """Print, or write to -o FILE atomically and say so on stderr ("wrote plan.json")."""
    if output is None:
        click.echo(text, nl=False)
        return
    write_file(output, text)
    click.echo(f"wrote {output}", err=True)


def write_files(files: Mapping[str, str | bytes], folder: Path, parameter: str) -> list[Path]:
    """Write each file into `folder` (created), atomically each; OutputError when the folder cannot be."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(str(folder), f"cannot create this folder: {exc.strerror}", parameter) from None
    written = []
    for name, content in files.items():
        write_file(folder / name, content, parameter)
        written.append(folder / name)
    return written


def color_for(output: Path | None) -> bool:
    return output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
