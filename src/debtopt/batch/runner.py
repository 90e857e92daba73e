"""A batch run: inputs in, one record per input out, in input order, resumable."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path

from ..errors import FieldIssue, ScenarioError
from ..strategies import HEURISTICS
from .engines import Chunk, make_engine
from .inputs import Task, check_input, count_inputs, read_tasks
from .records import RecordWriter, Summary, read_done
from .work import OPTIMAL, WorkOptions, available_strategies, load_optimizer


def resolve_strategies(names: Sequence[str] | None) -> tuple[str, ...]:
    """The strategies to run: the given names, checked, or every available one."""
    if not names:
        return tuple(available_strategies())
    known = [*HEURISTICS, OPTIMAL]
    out: list[str] = []
    for name in names:
        if name not in known:
            raise ScenarioError([FieldIssue("--strategies", f"unknown strategy '{name}'; choose from {', '.join(known)}")])
        if name == OPTIMAL and load_optimizer() is None:
            raise ScenarioError([FieldIssue("--strategies", "'optimal' needs the optimizer (debtopt.optimize), "
                                                            "which is not available in this install")])
        if name not in out:
            out.append(name)
    return tuple(out)


def chunked(tasks: Iterable[Task], size: int) -> Iterator[Chunk]:
    iterator = iter(tasks)
    while chunk := list(islice(iterator, size)):
        yield chunk


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
) -> Summary:
    """Run every input of `input_path` and write one record per input to `out`.

    `on_progress(done, total)` is called after each written chunk. Raises
    ScenarioError (exit 2) for a bad INPUT, --out or option; never for a scenario.
    """
    input_path, out = Path(input_path), Path(out)
    check_input(input_path)
    names = resolve_strategies(strategies)
    if out.is_dir():
        raise ScenarioError([FieldIssue("--out", f"{out} is a folder; give a file name such as results.jsonl")])
    if not out.parent.is_dir():
        raise ScenarioError([FieldIssue("--out", f"no folder {out.parent}; create it first")])
    total = count_inputs(input_path)
    skip = 0
    summary = Summary()
    if out.exists() and out.stat().st_size > 0:
        if resume:
            done = read_done(out)
            skip, summary = done.count, done.summary
            if skip > total:
                raise ScenarioError([FieldIssue("--resume", f"{out} holds {skip} records but INPUT has only {total} inputs; "
                                                            "it is the output of another batch")])
            if skip:
                expected = next(iter(read_tasks(input_path, skip - 1)), None)
                if expected is None or expected.input != done.last_input:
                    raise ScenarioError([FieldIssue("--resume", f"the last record of {out} is for input {done.last_input!r}, "
                                                                "not this INPUT's; it is the output of another batch")])
        elif not overwrite:
            raise ScenarioError([FieldIssue("--out", f"{out} already exists; add --resume to continue it, "
                                                     "or --overwrite to start again")])
    options = WorkOptions(strategies=names, plans=plans, time_limit_seconds=time_limit_seconds)
    if chunk_size is None:
        chunk_size = 1 if OPTIMAL in names else 8
    mode = "a" if resume else "w"
    if on_progress:
        on_progress(skip, total)
    if skip >= total:
        return summary
    with out.open(mode, encoding="utf-8", newline="\n") as handle, make_engine(engine, workers, scheduler) as pool:
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
