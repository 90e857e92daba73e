"""Layer 5: explanations, comparisons and renderers."""

from .tabular import (
    comparison_to_csv,
    comparison_to_json,
    plan_to_csv,
    plan_to_json,
)
from .text import comparison_to_text, plan_to_text

__all__ = [
    "comparison_to_csv",
    "comparison_to_json",
    "comparison_to_text",
    "plan_to_csv",
    "plan_to_json",
    "plan_to_text",
]
