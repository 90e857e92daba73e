"""Layer 5: everything that re-solves or searches around a plan, and the report document built from it."""
