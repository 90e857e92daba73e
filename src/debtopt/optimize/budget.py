"""What a solve may spend: work per solver call, and the wall-clock safety cap.

Every solver call is bounded by work (`nodes` of branch and bound: `SolveLimits`),
so what it finds depends on the model and the options alone. The deadline of
`time_limit_seconds` is a safety cap only: each call is also given the seconds
left, and when the cap rather than the work ends a call (or the call ends past
it), `capped` records it, so the plan can say that it may differ on another
machine. Nothing else in optimize/ reads the clock to decide anything.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from ..domain.options import DEFAULT_MAX_NODES
from .solve import SolveLimits, SolveOutcome


@dataclass(slots=True)
class Budget:
    deadline: float  # a time.perf_counter() value: the safety cap
    nodes: int = DEFAULT_MAX_NODES  # the work limit of each solver call
    capped: bool = False  # the cap ended a call: the result may differ on another machine

    @classmethod
    def starting_now(cls, seconds: float, nodes: int = DEFAULT_MAX_NODES) -> Budget:
        return cls(time.perf_counter() + seconds, nodes)

    def seconds_left(self) -> float:
        return self.deadline - time.perf_counter()

    @property
    def spent(self) -> bool:
        """The cap has passed: the steps still to come are skipped, and the plan says so."""
        return self.seconds_left() <= 0.0

    def limits(self, nodes: int | None = None) -> SolveLimits:
        """One solver call's limits: `nodes` (default: the budget's) and the seconds left."""
        return SolveLimits(max(0.05, self.seconds_left()), self.nodes if nodes is None else max(1, int(nodes)))

    def record(self, out: SolveOutcome) -> SolveOutcome:
        """Note a call the cap ended (or that ended past the cap, its outcome then in doubt)."""
        if out.timed_out or self.spent:
            self.capped = True
        return out

    def check(self) -> None:
        """After a step whose solver calls are not seen one by one (an LP with integers fixed)."""
        if self.spent:
            self.capped = True


__all__ = ["Budget"]
