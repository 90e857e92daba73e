"""A progress line on stderr while a command solves: only on a terminal, only after a second.

The line says the step the service is on ("solving", "what each offer is worth (3
re-solves)") and the seconds so far, redrawn in place, and is erased when the work ends:
what the command prints (stdout, or -o FILE) never contains it, and a command whose output
is JSON shows none. Nothing is shown when stderr is a pipe or a file, so logs stay clean.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

from .. import api

# A solve shorter than this shows nothing.
QUIET_SECONDS = 1.0
REDRAW_SECONDS = 0.25
# Re-solves (offer worth, what-ifs) side by side on this many cores at most.
MAX_WORKERS = 4


class ProgressLine:
    """The current step and the time since the start, drawn on `stream` once QUIET_SECONDS have passed."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.began = time.perf_counter()
        self.step = "starting"
        self.drawn = False
        self.shown = ""
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._draw_until_done, name="debtopt-progress", daemon=True)

    def say(self, step: str) -> None:
        self.step = step

    def _draw_until_done(self) -> None:
        while not self.done.wait(REDRAW_SECONDS):
            elapsed = time.perf_counter() - self.began
            text = f"debtopt: {self.step}... {elapsed:.0f} s"
            if elapsed >= QUIET_SECONDS and text != self.shown:
                self._write(f"\r\x1b[K{text}")
                self.shown, self.drawn = text, True

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # the terminal went away: the work goes on without the line
            self.done.set()

    def stop(self) -> None:
        self.done.set()
        self.thread.join()
        if self.drawn:
            self._write("\r\x1b[K")


def _terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (OSError, ValueError, AttributeError):  # closed, or not a real stream
        return False


def _workers() -> int:
    return max(1, min(MAX_WORKERS, os.cpu_count() or 1))


@contextmanager
def solving(json_output: bool) -> Iterator[Callable[[str], None] | None]:
    """The service's solves within it run their re-solves side by side, and say their steps on a
    progress line when stderr is a terminal and the output is not JSON."""
    stream = sys.stderr
    line = ProgressLine(stream) if not json_output and _terminal(stream) else None
    if line is not None:
        line.thread.start()
    try:
        with api.solving(progress=line.say if line is not None else None, workers=_workers()):
            yield line.say if line is not None else None
    finally:
        if line is not None:
            line.stop()


__all__ = ["ProgressLine", "solving"]
