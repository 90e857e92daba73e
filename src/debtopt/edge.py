"""What every command-line edge shares: how errors become messages and exit codes,
and how output reaches a file without ever being written half-way.

Exit codes: 0 ok, 2 bad input (a scenario, an option, a schedule), 1 internal
error, 130 interrupted. Only the edges (cli, report_command, batch.commands) use this.
"""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path

import click

from .errors import DebtoptError, FieldIssue, ScenarioError


def write_output(text: str, output: Path | None) -> None:
    """Print, or write to a file atomically: a failure leaves no half-written file."""
    if output is None:
        click.echo(text, nl=False)
        return
    output = Path(output)
    directory = output.parent if str(output.parent) else Path(".")
    if not directory.is_dir():
        raise ScenarioError([FieldIssue("-o", f"no folder {directory}; create it first or choose another path")])
    fd, tmp = tempfile.mkstemp(prefix=f".{output.name}.", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        # mkstemp makes the file private; a report is an ordinary file (0666 less the umask).
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, output)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def color_for(output: Path | None) -> bool:
    return output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ


def run_guarded(action: Callable[[], None], interrupted: str = "interrupted") -> None:
    try:
        action()
    except DebtoptError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo(interrupted, err=True)
        sys.exit(130)
    except Exception as exc:  # a bug: say so plainly, keep the details for the report
        click.echo(f"internal error (a bug in debtopt, please report it): {type(exc).__name__}: {exc}", err=True)
        if os.environ.get("DEBTOPT_DEBUG"):
            traceback.print_exc()
        sys.exit(1)
