"""The `debtopt batch` and `debtopt generate` commands (an edge: errors become exit codes).

Registered in cli.py with `main.add_command(batch)` and `main.add_command(generate)`.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import click

from ..edge import run_guarded
from ..errors import FieldIssue, OptionError, OutputError
from ..generate import BUDGET_KINDS, DEFAULT_LOANS, FORMATS, PROFILES, generate_scenarios, scenario_to_json, write_scenarios
from . import ENGINES, GRACE_SECONDS


def _guarded(action: Callable[[], None]) -> None:
    run_guarded(action, interrupted="interrupted; every record written so far is complete: continue with --resume")


def _progress_bar() -> tuple[Callable[[int, int], None], Callable[[], None]]:
    """A rich progress bar on stderr, with rate and time left: (update, stop)."""
    from rich.console import Console
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task, TextColumn,
                               TimeElapsedColumn, TimeRemainingColumn)
    from rich.text import Text

    class Rate(ProgressColumn):
        def render(self, task: Task) -> Text:
            speed = task.finished_speed or task.speed
            return Text("-- /s" if speed is None else f"{speed:,.1f} /s")

    progress = Progress(TextColumn("scenarios"), BarColumn(), MofNCompleteColumn(), Rate(), TimeElapsedColumn(),
                        TextColumn("left"), TimeRemainingColumn(), console=Console(stderr=True), transient=False)
    progress.start()
    task_id = None

    def update(done: int, total: int) -> None:
        nonlocal task_id
        if task_id is None:
            # Records done by an earlier run (--resume) start the bar; they do not count towards the rate.
            task_id = progress.add_task("batch", total=total, completed=done)
            return
        progress.update(task_id, completed=done)

    return update, progress.stop


@click.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(exists=True, path_type=Path))
@click.option("--out", "-o", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The JSONL file of records, one per input, in input order.")
@click.option("--strategies", "-s", default=None,
              help="Comma-separated, e.g. optimal,avalanche. Default: every heuristic, and optimal when available.")
@click.option("--plans", is_flag=True, help="Put each strategy's full plan in the records.")
@click.option("--time-limit", "time_limit", type=float, default=10.0, show_default=True,
              help="Seconds the optimizer may spend on one scenario (at least 0.5).")
@click.option("--grace", "grace_seconds", type=float, default=GRACE_SECONDS, show_default=True,
              help="Seconds past --time-limit a scenario may take in all; then its worker is stopped and its "
                   "record says so (TimeLimit).")
@click.option("--workers", "-w", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: the number of CPUs). 1 runs in this process.")
@click.option("--engine", type=click.Choice(ENGINES), default="local", show_default=True,
              help="local: processes on this machine; dask: a dask.distributed cluster; inline: this process, "
                   "with no time cap (for debugging).")
@click.option("--scheduler", default=None, help="With --engine dask: the scheduler address, e.g. tcp://10.0.0.5:8786. "
                                                 "Without it, a LocalCluster of --workers processes.")
@click.option("--resume", is_flag=True, help="Continue an interrupted run: skip the inputs already in --out.")
@click.option("--overwrite", is_flag=True, help="Replace an existing --out instead of refusing.")
@click.option("--chunk-size", type=click.IntRange(min=1), default=None,
              help="Scenarios sent to a worker at once (default 8; 1 with optimal).")
@click.option("--progress/--no-progress", default=None, help="Show a progress bar on stderr (default: when it is a terminal).")
def batch(input_path: Path, out: Path, strategies: str | None, plans: bool, time_limit: float, grace_seconds: float,
          workers: int | None, engine: str, scheduler: str | None, resume: bool, overwrite: bool,
          chunk_size: int | None, progress: bool | None) -> None:
    """Run many scenarios: INPUT is a folder of .toml/.json files (in file-name order) or a .jsonl file.

    Writes one record per input to --out, in input order: the input, the error
    (if the scenario is not valid, could not be solved, ran past its time limit
    and grace, or killed its worker; the batch goes on) and each strategy's
    totals. Every line is flushed when written, so an interrupted run keeps its
    records; --resume continues it.
    """

    def action() -> None:
        names = [name.strip() for name in strategies.split(",") if name.strip()] if strategies is not None else None
        if strategies is not None and not names:
            raise OptionError([FieldIssue("strategies", "no strategy named; e.g. --strategies avalanche,optimal")])
        show = sys.stderr.isatty() if progress is None else progress
        update, stop = _progress_bar() if show else (None, lambda: None)
        from .runner import run_batch

        started = time.monotonic()
        try:
            summary = run_batch(input_path, out, names, plans=plans, time_limit_seconds=time_limit, engine=engine,
                                workers=workers, scheduler=scheduler, resume=resume, overwrite=overwrite,
                                chunk_size=chunk_size, on_progress=update, grace_seconds=grace_seconds)
        finally:
            stop()
        elapsed = time.monotonic() - started
        new = summary.total - summary.resumed
        for line in summary.lines():
            click.echo(line)
        rate = f", {new / elapsed:,.1f} scenarios/s" if elapsed > 0 and new else ""
        click.echo(f"wrote {new} records to {out} in {elapsed:.1f} s{rate}", err=True)

    _guarded(action)


def _loans_range(ctx: click.Context, param: click.Parameter, value: str) -> tuple[int, int]:
    try:
        parts = [int(p) for p in value.split("-")]
    except ValueError:
        parts = []
    if len(parts) == 1:
        parts = parts * 2
    if len(parts) != 2 or not 1 <= parts[0] <= parts[1] <= 200:
        raise click.BadParameter(f"'{value}' is not a range like 2-30 (from 1 to 200 loans)")
    return parts[0], parts[1]


@click.command()
@click.option("--profile", "-p", type=click.Choice(PROFILES), default="cn-microloan", show_default=True)
@click.option("--count", "-n", type=click.IntRange(min=0), default=100, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same bytes, on any machine.")
@click.option("--loans", default=f"{DEFAULT_LOANS[0]}-{DEFAULT_LOANS[1]}", show_default=True,
              callback=_loans_range, help="How many loans a portfolio has: MIN-MAX (skewed to few) or one number.")
@click.option("--budget", type=click.Choice(BUDGET_KINDS), default=None,
              help="Force one budget kind (default: drawn per scenario).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="jsonl", show_default=True,
              help="jsonl: one file, a scenario a line; json or toml: a folder of files.")
@click.option("--first", type=click.IntRange(min=0), default=0, help="Index of the first scenario (to extend a set).")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="The .jsonl file, or the folder for json/toml. Default for jsonl: the terminal.")
def generate(profile: str, count: int, seed: int, loans: tuple[int, int], budget: str | None, fmt: str, first: int,
             output: Path | None) -> None:
    """Write seeded, realistic portfolios (cn-microloan, us-cards, mixed) for batch runs and benchmarks."""

    def action() -> None:
        scenarios = generate_scenarios(seed, count, profile, loans, budget, first)
        if output is None:
            if fmt != "jsonl":
                raise OptionError([FieldIssue("output", f"--format {fmt} writes a folder of files; give it with -o")])
            for data in scenarios:
                click.echo(scenario_to_json(data))
            return
        if fmt == "jsonl" and output.is_dir():
            raise OutputError(str(output), "is a folder; give a file name such as scenarios.jsonl")
        if fmt != "jsonl" and output.exists() and not output.is_dir():
            raise OutputError(str(output), f"is a file; --format {fmt} writes a folder")
        written = write_scenarios(scenarios, output, fmt, profile, first)
        click.echo(f"wrote {written} {profile} scenarios (seed {seed}) to {output}", err=True)

    _guarded(action)


__all__ = ["batch", "generate"]
