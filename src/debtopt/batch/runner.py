"""A batch run: inputs in, one record per input out, in input order, resumable."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path

from ..domain.choices import OPTIMAL, Heuristic, values
from ..domain.options import solve_options
from ..errors import FieldIssue, OptionError, OutputError
from . import GRACE_SECONDS
from .engines import Chunk, make_engine
from .inputs import Task, check_input, count_inputs, read_tasks
from .records import RecordWriter, Summary, read_done
from .work import WorkOptions

STRATEGIES = (*values(Heuristic), OPTIMAL)


def resolve_strategies(names: Sequence[str] | None) -> tuple[str, ...]:
    """The strategies to run: the given names, checked, or every heuristic and the optimum."""
    if not names:
        return STRATEGIES
    out: list[str] = []
    for name in names:
        if name not in STRATEGIES:
            raise OptionError([FieldIssue("strategies", f"unknown strategy '{name}'; "
                                                        f"choose from {', '.join(STRATEGIES)}")])
        if name not in out:
            out.append(name)
    return tuple(out)


def chunked(tasks: Iterable[Task], size: int) -> Iterator[Chunk]:
    iterator = iter(tasks)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _resume_point(input_path: Path, out: Path, resume: bool, overwrite: bool, total: int) -> tuple[int, Summary]:
    """How many inputs `out` already holds the records of (with --resume), and their summary."""
    if not (out.exists() and out.stat().st_size > 0):
        return 0, Summary()
    if not resume:
        if overwrite:
            return 0, Summary()
        raise OutputError(str(out), "already exists; add --resume to continue it, or --overwrite to start again",
                          "out")
    done = read_done(out)
    if done.count > total:
        raise OutputError(str(out), f"holds {done.count} records but INPUT has only {total} inputs; "
                                    "it is the output of another batch", "out")
    if done.count:
        expected = next(iter(read_tasks(input_path, done.count - 1)), None)
        if expected is None or expected.input != done.last_input:
            raise OutputError(str(out), f"its last record is for input {done.last_input!r}, not this INPUT's; "
                                        "it is the output of another batch", "out")
    return done.count, done.summary


def run_batch(
    input_path: Path,
    out: Path,
    strategies: Sequence[str] | None = None,
    plans: bool = False,
    time_limit_seconds: float = 10.0,
    engine: str = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    overwrite: bool = False,
    chunk_size: int | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    grace_seconds: float = GRACE_SECONDS,
) -> Summary:
    """Run every input of `input_path` and write one record per input to `out`.

    Each scenario runs under a wall-clock cap of `time_limit_seconds +
    grace_seconds`. `on_progress(done, total)` is called after each written
    chunk. Raises OptionError or OutputError (exit 2) for a bad INPUT, --out
    or option; never for a scenario.
    """
    input_path, out = Path(input_path), Path(out)
    check_input(input_path)
    names = resolve_strategies(strategies)
    solve_options(time_limit_seconds=time_limit_seconds)  # the optimizer's own check, before any work
    if grace_seconds < 0:
        raise OptionError([FieldIssue("grace_seconds", "seconds, 0 or more")])
    if out.is_dir():
        raise OutputError(str(out), "is a folder; give a file name such as results.jsonl", "out")
    if not out.parent.is_dir():
        raise OutputError(str(out), f"no folder {out.parent}; create it first", "out")
    total = count_inputs(input_path)
    skip, summary = _resume_point(input_path, out, resume, overwrite, total)
    options = WorkOptions(strategies=names, plans=plans, time_limit_seconds=time_limit_seconds)
    if chunk_size is None:
        chunk_size = 1 if OPTIMAL in names else 8
    if on_progress:
        on_progress(skip, total)
    if skip >= total:
        return summary
    pool = make_engine(engine, workers, scheduler, cap_seconds=time_limit_seconds + grace_seconds)
    with out.open("a" if resume else "w", encoding="utf-8", newline="\n") as handle, pool:
        writer = RecordWriter(handle)
        written = skip
        for records in pool.map(chunked(read_tasks(input_path, skip), chunk_size), options):
            for record in records:
                writer.write(record)
                summary.add(record)
            written += len(records)
            if on_progress:
                on_progress(written, total)
    return summary


__all__ = ["GRACE_SECONDS", "STRATEGIES", "chunked", "resolve_strategies", "run_batch"]
