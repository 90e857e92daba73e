"""Malformed scenarios (tests/fuzz_inputs.py) through load_scenario and the CLI (issue 16).

Every case is refused with exit code 2 and messages that name the field or the line, quote at
most a short excerpt and name no Python class; or it is accepted (exit 0). Never exit 1, a
traceback or unbounded work: the load's peak memory is held to a bound (deterministic, unlike
the clock; the time each category takes is measured in benchmarks/refusal_speed.py).

The default suite runs 330 cases (30 per category) through load_scenario, `validate` and
`simulate`, and `optimize --time-limit 1` on a third of them; the slow suite 3,300 cases
through all three commands.
"""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from debtopt.cli import main
from debtopt.domain import load_scenario, scenario_from_dict
from debtopt.errors import ScenarioError
from fuzz_inputs import CATEGORIES, FuzzCase, _examples, _leaves, _set, fuzz_case, fuzz_cases

DEFAULT_SEED, DEFAULT_COUNT = 16, 330
SLOW_SEED, SLOW_COUNT = 1616, 3300
# Reading is linear in the input: a few MB of Python objects per MB of text, never the
# gigabytes of a 10**99999999 turned into an integer.
PEAK_BYTES_FIXED, PEAK_BYTES_PER_INPUT_BYTE = 48 * 2**20, 40
FORBIDDEN = ("<class", "Input should", "instance of", "Traceback", "internal error", "Value error")


def check_messages(error: ScenarioError, case: FuzzCase) -> None:
    assert error.issues, case.description
    for issue in error.issues:
        text = str(issue)
        assert issue.message and len(text) < 500, (case.description, text[:600])
        assert not any(word in text for word in FORBIDDEN), (case.description, text)
        assert not any(ord(c) < 32 or 0xD800 <= ord(c) <= 0xDFFF for c in text), (case.description, text)


def load_case(case: FuzzCase, folder: Path) -> str:
    """'ok' or 'refused', checking the refusal's messages and the peak memory of the load."""
    path = case.write(folder)
    tracemalloc.start()
    try:
        load_scenario(path)
        outcome = "ok"
    except ScenarioError as error:
        check_messages(error, case)
        outcome = "refused"
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert peak < PEAK_BYTES_FIXED + PEAK_BYTES_PER_INPUT_BYTE * len(case.content), (case.description, peak)
    return outcome


def run_cli(args: list[str], case: FuzzCase) -> int:
    result = CliRunner().invoke(main, args, catch_exceptions=True)
    if result.exit_code == 0 and "-o" not in args and "--format" in args and args[args.index("--format") + 1] == "json":
        json.loads(result.output, parse_constant=lambda word: pytest.fail(f"{word} in JSON: {case.description}"))
    text = result.output + (str(result.exception) if result.exception and result.exit_code != 2 else "")
    assert result.exit_code in (0, 2), (case.name, case.description, args, result.exit_code, text[-2000:])
    assert "Traceback" not in result.output and "internal error" not in result.output, (case.description, text)
    if result.exit_code == 2:
        assert case.name in result.output or "invalid" in result.output, (case.description, result.output[-500:])
    return int(result.exit_code)


def run_commands(case: FuzzCase, folder: Path, solve: Callable[[int], bool]) -> int:
    """validate and simulate, and optimize when `solve(validate's exit code)`; validate's exit code."""
    path = str(case.write(folder))
    code = run_cli(["validate", path], case)
    simulated = run_cli(["simulate", path, "--format", "json"], case)
    assert simulated == code, case.description  # a valid scenario can always be simulated
    if solve(code):
        solved = run_cli(["optimize", path, "--time-limit", "1"], case)
        assert solved == 2 or code == 0, case.description
    return code


DEFAULT_CASES = fuzz_cases(DEFAULT_SEED, DEFAULT_COUNT)


def test_the_generator_is_seeded_and_covers_every_category() -> None:
    again = fuzz_cases(DEFAULT_SEED, DEFAULT_COUNT)
    assert [c.content for c in again] == [c.content for c in DEFAULT_CASES]
    assert fuzz_case(DEFAULT_SEED, 7).content == DEFAULT_CASES[7].content
    assert {c.category for c in DEFAULT_CASES} == set(CATEGORIES)
    assert fuzz_cases(DEFAULT_SEED + 1, 20) != DEFAULT_CASES[:20]
    assert len({c.content for c in DEFAULT_CASES}) > 0.9 * DEFAULT_COUNT


@pytest.mark.parametrize("category", CATEGORIES)
def test_every_case_loads_or_is_refused_with_named_fields(tmp_path: Path, category: str) -> None:
    outcomes = [load_case(case, tmp_path) for case in DEFAULT_CASES if case.category == category]
    assert len(outcomes) == DEFAULT_COUNT // len(CATEGORIES)
    if category in ("deep-nesting", "garbage", "duplicate-key", "bad-month", "broken-reference"):
        assert set(outcomes) == {"refused"}, category  # none of these can be a valid scenario


@pytest.mark.parametrize("category", CATEGORIES)
def test_every_case_through_the_cli_exits_0_or_2(tmp_path: Path, category: str) -> None:
    """Every case through validate and simulate; a third through optimize, of which at most two
    valid ones (a solve takes a second; the slow suite solves them all)."""
    solved: list[int] = []

    def solve_a_third(code: int) -> bool:
        every_third = len(solved) % 3 == 0 and (code == 2 or solved.count(0) < 2)
        solved.append(code if every_third else -1)
        return every_third

    for case in DEFAULT_CASES:
        if case.category == category:
            run_commands(case, tmp_path, solve_a_third)


@pytest.mark.slow
@pytest.mark.parametrize("part", range(10))
def test_thousands_of_cases_load_or_are_refused(tmp_path: Path, part: int) -> None:
    for case in fuzz_cases(SLOW_SEED, SLOW_COUNT)[part::10]:
        load_case(case, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("part", range(10))
def test_thousands_of_cases_through_the_cli(tmp_path: Path, part: int) -> None:
    for case in fuzz_cases(SLOW_SEED, SLOW_COUNT)[part::10]:
        run_commands(case, tmp_path, lambda code: True)


# --- valid but extreme: nothing overflows -----------------------------------------------------

EXTREME = {
    "currency": "CNY", "start": "2027-01", "horizon_months": 36,
    "budget": {"monthly": 10**12, "savings_rate": 1},
    "loans": [
        {"id": "card", "kind": "revolving", "balance": 10**12, "annual_rate": 12, "min_percent": 1},
        {"id": "loan", "kind": "installment", "balance": 10**12, "daily_rate": "0.0333333", "term_months": 600},
        {"id": "cent", "kind": "bullet", "balance": 0.01, "annual_rate": 12, "due_month": 0},
    ],
}


def test_valid_extreme_figures_run_through_every_command(tmp_path: Path) -> None:
    """100 % a month on 10^12 for 36 months (10^22 owed at the end): valid, and every command
    prints figures, never an overflow, and JSON never holds Infinity."""
    path = tmp_path / "extreme.json"
    path.write_text(json.dumps(EXTREME), encoding="utf-8")
    case = FuzzCase(0, "extreme-valid", "EXTREME", ".json", path.read_bytes())
    assert run_cli(["validate", str(path)], case) == 0
    result = CliRunner().invoke(main, ["simulate", str(path), "--format", "json"])
    assert result.exit_code == 0
    plan = json.loads(result.output, parse_constant=lambda word: pytest.fail(f"{word} in the JSON"))
    assert plan["totals"]["remaining_balance"] > 10**22
    assert run_cli(["optimize", str(path), "--time-limit", "1", "--format", "json", "-o", str(tmp_path / "o.json")],
                   case) == 0
    json.loads((tmp_path / "o.json").read_text(encoding="utf-8"), parse_constant=lambda word: pytest.fail(word))
    assert run_cli(["report", str(path), "--heuristics-only", "--format", "html", "-o", str(tmp_path / "r.html")],
                   case) == 0


# --- hypothesis: any JSON value in any field --------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40)
    | st.decimals(allow_nan=True) | st.sampled_from(["1e300", "1e-99999999", "-0", "١٢", "1_0", "2027-01\n"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(example=st.sampled_from(sorted(_examples())), choice=st.integers(min_value=0), value=JSON_VALUES)
def test_any_value_in_any_field_is_a_scenario_or_a_named_refusal(example: str, choice: int, value: object) -> None:
    import copy

    data = copy.deepcopy(_examples()[example])
    leaves = _leaves(data)
    path = leaves[choice % len(leaves)][0]
    _set(data, path, value)
    case = FuzzCase(0, "hypothesis", f"{example}: {path} = {value!r:.80}", ".json", b"")
    try:
        scenario_from_dict(data)
    except ScenarioError as error:
        check_messages(error, case)


@settings(max_examples=300, deadline=None)
@given(value=st.text(max_size=60) | st.integers() | st.floats() | st.decimals() | st.booleans())
@example(value="0000000000," + "\x1f" * 16 + "0")  # each control is six characters once escaped
def test_a_number_is_read_with_bounded_size_or_refused_in_words(value: object) -> None:
    from debtopt.domain.numbers import read_number

    try:
        number = read_number(value)
    except ValueError as error:
        assert "<class" not in str(error) and len(str(error)) < 200
    else:
        assert number.is_finite() and len(number.as_tuple().digits) <= 40 and abs(number.as_tuple().exponent) < 10**5


@settings(max_examples=200, deadline=None)
@given(amount=st.decimals(min_value=0, max_value=10**12, places=2, allow_nan=False, allow_infinity=False),
       written=st.sampled_from(["text", "float", "decimal"]))
def test_every_valid_amount_reads_back_exactly(amount: object, written: str) -> None:
    from decimal import Decimal

    data = {"start": "2026-12", "horizon_months": 12, "budget": {"monthly": 1000},
            "loans": [{"id": "card", "kind": "revolving", "balance": 5000, "annual_rate": 0.18, "min_percent": 0.1}]}
    assert isinstance(amount, Decimal)
    value: object = {"text": str(amount), "float": float(amount), "decimal": amount}[written]
    data["budget"]["starting_cash"] = value  # type: ignore[index]
    cash = scenario_from_dict(data).budget.starting_cash
    assert cash == (Decimal(repr(float(amount))) if written == "float" else amount)
