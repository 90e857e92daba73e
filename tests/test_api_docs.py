"""docs/api.md's examples run as written (doctest, from the repository's root)."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_api_md_examples_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = doctest.testfile(str(ROOT / "docs" / "api.md"), module_relative=False, report=True,
                              optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 20
    assert result.failed == 0


def test_api_md_names_every_export() -> None:
    import debtopt

    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    missing = [name for name in debtopt.__all__ if name != "__version__" and f"`{name}" not in text]
    assert not missing, f"docs/api.md does not mention {missing}"
