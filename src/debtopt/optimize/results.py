"""Typed results of a solve: defined in `debtopt.domain.solver` (every layer reads them)."""

from ..domain.solver import SolveStatus, StageResult, StageStatus

__all__ = ["SolveStatus", "StageResult", "StageStatus"]
