"""Hostile input (issue 16): every case refused as a ScenarioError naming the field (or the line
and column) with the fix, without echoing the input or naming a Python class."""

from __future__ import annotations

import json
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from debtopt.domain import load_scenario, read_scenario_data, scenario_from_dict
from debtopt.domain.limits import MAX_DEPTH
from debtopt.domain.load import parse_scenario
from debtopt.errors import ScenarioError
from debtopt.generate import PROFILES, generate_scenario, scenario_to_json, scenario_to_toml

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
ZHANG_SAN = (EXAMPLES / "zhang-san.toml").read_text(encoding="utf-8")


def refusal(source: Any) -> list[tuple[str, str]]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(source)
    issues = [(issue.path, issue.message) for issue in info.value.issues]
    for path, message in issues:
        assert "<class" not in message and "Input should" not in message and "instance of" not in message
        assert len(path) + len(message) < 400, message
    return issues


def only(source: Any) -> tuple[str, str]:
    issues = refusal(source)
    assert len(issues) == 1, issues
    return issues[0]


def file(tmp_path: Path, text: str | bytes, name: str = "s.json") -> Path:
    path = tmp_path / name
    if isinstance(text, str):
        text = text.encode("utf-8", errors="surrogatepass")
    path.write_bytes(text)
    return path


def as_json(data: dict[str, Any], **replace: str) -> str:
    """The scenario as JSON text, with `"@name@"` placeholders swapped for raw text."""
    text = json.dumps(data, ensure_ascii=False)
    for key, raw in replace.items():
        text = text.replace(f'"@{key}@"', raw)
    return text


# --- numbers, from their text --------------------------------------------------------------

@pytest.mark.parametrize("text", ["1e300", "1e999", "1E+400", "123456789012345678901234567890"])
def test_huge_amounts_are_refused_at_their_field(tmp_path, minimal_scenario, text):
    minimal_scenario["loans"][0]["balance"] = "@b@"
    path, message = only(file(tmp_path, as_json(minimal_scenario, b=text)))
    assert path == "loans[0].balance" and "largest amount" in message and "1,000,000,000,000" in message


def test_an_amount_of_5000_digits_is_refused_without_converting_it(tmp_path, minimal_scenario):
    minimal_scenario["loans"][0]["balance"] = "@b@"
    path, message = only(file(tmp_path, as_json(minimal_scenario, b="9" * 5000)))
    assert path == "loans[0].balance" and "too long for a number" in message and "9" * 40 not in message


@pytest.mark.parametrize("text", ["1e-99999999", "1e-20000000", "1e-400"])
def test_a_rate_with_a_vast_negative_exponent_is_refused_at_once(tmp_path, minimal_scenario, text):
    minimal_scenario["loans"][0]["annual_rate"] = "@r@"
    path, message = only(file(tmp_path, as_json(minimal_scenario, r=text)))
    assert path == "loans[0].annual_rate" and ("too small" in message or "decimal places" in message)


def test_a_31_byte_body_with_a_tiny_exponent_is_refused(minimal_scenario):
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict({**minimal_scenario, "budget": {"monthly": 100, "savings_rate": "1e-20000000"}})
    assert [i.path for i in info.value.issues] == ["budget.savings_rate"]


@pytest.mark.parametrize(("text", "words"), [
    ("NaN", "not a finite number"), ("Infinity", "not a finite number"), ("-Infinity", "not a finite number"),
    ("-0", "signed zero"), ("-0.0", "signed zero"),
])
def test_nan_infinity_and_signed_zero_are_refused(tmp_path, minimal_scenario, text, words):
    minimal_scenario["budget"]["starting_cash"] = "@v@"
    path, message = only(file(tmp_path, as_json(minimal_scenario, v=text)))
    assert path == "budget.starting_cash" and words in message


@pytest.mark.parametrize("value", [float("nan"), float("inf"), Decimal("NaN"), Decimal("-Infinity"), -0.0])
def test_nan_infinity_and_signed_zero_from_the_python_api(minimal_scenario, value):
    minimal_scenario["loans"][0]["balance"] = value
    path, _ = only(minimal_scenario)
    assert path == "loans[0].balance"


@pytest.mark.parametrize("toml_value", ["nan", "inf", "-inf", "-0.0", "1e999"])
def test_toml_nan_and_infinity(tmp_path, toml_value):
    text = ZHANG_SAN.replace("balance = 15600", f"balance = {toml_value}")
    path, _ = only(file(tmp_path, text, "z.toml"))
    assert path == "loans[0].balance"


@pytest.mark.parametrize("toml_value", ["-0", "[-0]", "[1, -0]"])
def test_a_toml_integer_minus_zero_is_refused_with_its_line(tmp_path, toml_value):
    text = ZHANG_SAN.replace("balance = 15600", f"balance = {toml_value}")
    line = 1 + text[:text.index(f"balance = {toml_value}")].count("\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(file(tmp_path, text, "z.toml"))
    assert f"signed zero at line {line}," in str(info.value)


def test_minus_zero_in_a_string_or_a_comment_is_not_a_number(tmp_path):
    text = ZHANG_SAN.replace("balance = 15600", "balance = 15600  # was = -0 once, [-0, 1]")
    text = text.replace('name = "微粒贷"', 'name = "微粒贷 = -0"', 1)
    assert load_scenario(file(tmp_path, text, "z.toml")).loans[0].balance == 15600


@pytest.mark.parametrize(("value", "words"), [
    ("1_000", "without separators"), ("1,000", "without separators"), ("١٠٠٠", "digits 0-9"),
    ("１０００", "digits 0-9"), (" 1000", "spaces"), ("1000\n", "line break"), ("0x10", "not a number"),
])
def test_strings_that_are_not_plain_numbers(minimal_scenario, value, words):
    minimal_scenario["loans"][0]["balance"] = value
    path, message = only(minimal_scenario)
    assert path == "loans[0].balance" and words in message


def test_numbers_written_as_strings_still_count(minimal_scenario):
    minimal_scenario["loans"][0].update(balance="1500.50", annual_rate="0.18")
    minimal_scenario["horizon_months"] = "24"
    s = scenario_from_dict(minimal_scenario)
    assert s.loans[0].balance == Decimal("1500.50") and s.horizon_months == 24


def test_the_largest_amount_is_valid_and_one_cent_more_is_not(minimal_scenario):
    minimal_scenario["budget"]["starting_cash"] = "1000000000000"
    assert scenario_from_dict(minimal_scenario).budget.starting_cash == Decimal(10) ** 12
    minimal_scenario["budget"]["starting_cash"] = "1000000000000.01"
    assert only(minimal_scenario)[0] == "budget.starting_cash"


# --- strict types ---------------------------------------------------------------------------

@pytest.mark.parametrize("value", [True, False])
def test_a_boolean_is_not_a_number(minimal_scenario, value):
    minimal_scenario["loans"][0].update(kind="installment", term_months=value)
    del minimal_scenario["loans"][0]["min_percent"]
    path, message = only(minimal_scenario)
    assert path == "loans[0].term_months" and "not a number" in message


def test_term_months_true_in_toml_is_refused(tmp_path):
    path, message = only(file(tmp_path, ZHANG_SAN.replace("term_months = 10 ", "term_months = true "), "z.toml"))
    assert path == "loans[0].term_months" and "true is not a number" in message


@pytest.mark.parametrize("value", ["3.5", "3"])
def test_a_number_is_not_a_name(tmp_path, minimal_scenario, value):
    minimal_scenario["loans"][0]["name"] = "@n@"
    path, message = only(file(tmp_path, as_json(minimal_scenario, n=value)))
    assert path == "loans[0].name" and "must be text" in message and value in message


def test_a_fraction_of_a_month_is_refused(minimal_scenario):
    minimal_scenario["horizon_months"] = 12.5
    path, message = only(minimal_scenario)
    assert path == "horizon_months" and "whole number" in message


def test_a_whole_float_is_a_count(minimal_scenario):
    minimal_scenario["horizon_months"] = 12.0
    assert scenario_from_dict(minimal_scenario).horizon_months == 12


# --- months ---------------------------------------------------------------------------------

@pytest.mark.parametrize("month", ["2027-01\n", "２０２７-０１", "٢٠٢٧-٠١", " 2027-01", "2027-01-01", "1899-12"])
def test_months_are_strictly_yyyy_mm(minimal_scenario, month):
    minimal_scenario["start"] = month
    path, message = only(minimal_scenario)
    assert path == "start" and ("YYYY-MM" in message or "line" in message or "1900" in message)


@pytest.mark.parametrize("start", ["9999-06", "9999-12", "9999-02"])
def test_a_start_whose_plan_runs_past_9999_is_refused_at_start(minimal_scenario, start):
    minimal_scenario["start"] = start
    path, message = only(minimal_scenario)
    assert path == "start" and "runs past 9999-12" in message and "start in 9999-01 or earlier" in message


def test_the_last_possible_start_is_valid(minimal_scenario):
    minimal_scenario["start"] = "9999-01"
    assert scenario_from_dict(minimal_scenario).start == "9999-01"


# --- text -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "words"), [
    ("\x1b[31mred", "ESC"), ("ring\x07", "BEL"), ("nul\x00", "NUL"), ("two\nlines", "line break"),
    ("\u202eevil", "invisible control"), ("a\ud800b", "lone surrogate"),
])
def test_control_characters_and_lone_surrogates_are_refused(minimal_scenario, text, words):
    minimal_scenario["loans"][0]["name"] = text
    path, message = only(minimal_scenario)
    assert path == "loans[0].name" and words in message
    assert not any(c in message for c in "\x1b\x07\x00\u202e\ud800")  # the message shows escapes, not the characters


def test_a_lone_surrogate_escape_in_json(tmp_path, minimal_scenario):
    minimal_scenario["loans"][0]["name"] = "@n@"
    path, message = only(file(tmp_path, as_json(minimal_scenario, n='"\\ud800"')))
    assert path == "loans[0].name" and "lone surrogate" in message


def test_a_lone_surrogate_escape_in_toml(tmp_path):
    line = ZHANG_SAN.split("\n").index('name = "花呗"') + 1
    path, message = only(file(tmp_path, ZHANG_SAN.replace('name = "花呗"', 'name = "\\uD800"'), "z.toml"))
    assert path == "" and f"line {line}, column" in message and "surrogate" in message


@pytest.mark.parametrize("name", ["微粒贷 个性化分期", "Zoë O’Brien", "محمد", "Ωμέγα", "👩‍👩‍👧 family", "कर्ज़"])
def test_names_in_any_script_are_valid(minimal_scenario, name):
    minimal_scenario["loans"][0]["name"] = name
    assert scenario_from_dict(minimal_scenario).loans[0].name == name


def test_a_megabyte_name_is_refused_with_a_short_excerpt(tmp_path, minimal_scenario):
    minimal_scenario["loans"][0]["name"] = "x" * 1_000_000
    for source in (minimal_scenario, file(tmp_path, json.dumps(minimal_scenario)), ):
        path, message = only(source)
        assert path == "loans[0].name" and "1,000,000 characters" in message and len(message) < 200


def test_a_megabyte_name_in_toml(tmp_path):
    text = ZHANG_SAN.replace('name = "花呗"', 'name = "' + "x" * 1_000_000 + '"')
    path, message = only(file(tmp_path, text, "z.toml"))
    assert "characters" in message and len(message) < 300


def test_a_long_unknown_key_is_not_echoed(minimal_scenario):
    minimal_scenario["k" * 100_000] = 1
    path, message = only(minimal_scenario)
    assert path == "" and "100,000 characters" in message and len(message) < 200


def test_ids_stay_as_they_are(minimal_scenario):
    minimal_scenario["loans"][0]["id"] = "卡"
    path, message = only(minimal_scenario)
    assert path == "loans[0].id" and "A-Z" in message


# --- duplicate keys -------------------------------------------------------------------------

def test_a_duplicate_json_key_is_named(tmp_path, minimal_scenario):
    text = json.dumps(minimal_scenario).replace('"balance": 5000', '"balance": 5000, "balance": 6000')
    path, message = only(file(tmp_path, text))
    assert path == "loans[0].balance" and "given twice" in message


def test_a_duplicate_toml_key_names_its_line(tmp_path):
    text = ZHANG_SAN.replace("balance = 7800", "balance = 7800\nbalance = 7900")
    path, message = only(file(tmp_path, text, "z.toml"))
    lines = text.split("\n")
    line = next(i for i, t in enumerate(lines, 1) if t == "balance = 7900")
    assert path == "" and f"line {line}" in message and "already set" in message


def test_a_table_declared_twice_in_toml(tmp_path):
    path, message = only(file(tmp_path, ZHANG_SAN + "\n[budget]\nmonthly = 1\n", "z.toml"))
    assert "declared twice" in message and "line" in message


# --- nesting, syntax, truncation, garbage, size ---------------------------------------------

@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 10_000, 100_000])
@pytest.mark.parametrize("shape", ["[", '{"a": '])
def test_deep_json_is_refused_before_parsing(tmp_path, minimal_scenario, depth, shape):
    close = "]" if shape == "[" else "}"
    minimal_scenario["budget"]["inflows"] = "@x@"
    text = as_json(minimal_scenario, x=shape * depth + "1" + close * depth)
    path, message = only(file(tmp_path, text))
    assert path == "" and f"nested more than {MAX_DEPTH} deep at line 1, column" in message


def test_unclosed_brackets_are_refused(tmp_path):
    path, message = only(file(tmp_path, "[" * 100_000))
    assert "nested more than" in message


@pytest.mark.parametrize("value", ["[" * 100_000, "[" * 10_000 + "]" * 10_000, "{a=" * 50_000])
def test_deep_toml_is_refused_before_parsing(tmp_path, value):
    line = ZHANG_SAN.split("\n").index("balance = 15600") + 1
    path, message = only(file(tmp_path, ZHANG_SAN.replace("balance = 15600", f"balance = {value}"), "z.toml"))
    # {a={a=... is as many keys as it is deep: the count of keys refuses it first
    assert (f"nested more than {MAX_DEPTH} deep at line {line}" in message) or "keys, more than" in message


@pytest.mark.parametrize("text", ["a" + ".a" * 100_000 + " = 1\n", "[" + "a." * 50_000 + "a]\n"])
def test_deeply_dotted_toml_keys_are_refused(tmp_path, text):
    path, message = only(file(tmp_path, text, "z.toml"))
    assert "dotted key" in message and "line 1" in message


def test_depth_from_the_python_api(minimal_scenario):
    deep: Any = 1
    for _ in range(5000):
        deep = [deep]
    minimal_scenario["budget"]["inflows"] = deep
    path, message = only(minimal_scenario)
    assert path.startswith("budget.inflows[0]") and "nested more than" in message


def test_a_table_that_contains_itself(minimal_scenario):
    minimal_scenario["budget"]["inflows"] = [minimal_scenario]
    issues = refusal(minimal_scenario)
    assert issues and all("nested more than" in m and len(p) < 60 for p, m in issues)


@pytest.mark.parametrize(("text", "where", "words"), [
    ('{"start": "2026-12",\n "budget": {"monthly": 1000,}}', "line 2, column 28", "comma after the last item"),
    ('{"start": "2026-12",\n "budget": {"monthly": }}', "line 2, column 24", "value is missing"),
    ('{"start" "2026-12"}', "line 1, column 10", "':' is missing"),
    ('{"start": "2026-12"} x', "line 1, column 22", "more text after"),
    ("{'start': 1}", "line 1, column 2", "double quotes"),
])
def test_json_syntax_errors_say_line_column_and_fix(tmp_path, text, where, words):
    path, message = only(file(tmp_path, text))
    assert path == "" and message.startswith("not valid JSON") and where in message and words in message


@pytest.mark.parametrize(("text", "where", "words"), [
    ('start = "2026-12"\nbudget = {monthly = }\n', "line 2, column 21", "value is missing"),
    ("start = 2027-01\n", "line 1, column 13", "in quotes"),
    ('start = "2026-12\n', "line 1, column 17", "line break inside a one-line string"),
    ('a = [1, 2\nb = 1', "line 2", "list is not closed"),
])
def test_toml_syntax_errors_say_line_column_and_fix(tmp_path, text, where, words):
    path, message = only(file(tmp_path, text, "s.toml"))
    assert path == "" and message.startswith("not valid TOML") and where in message and words in message


@pytest.mark.parametrize("fmt", ["json", "toml"])
def test_a_truncated_file_says_where_it_ends(tmp_path, fmt):
    data = tomllib.loads(ZHANG_SAN)
    text = json.dumps(data, indent=1) if fmt == "json" else ZHANG_SAN
    cut = text.index('"weilidai-fenqi"' if fmt == "json" else 'name = "微粒贷 个性化分期"') + 5
    path, message = only(file(tmp_path, text[:cut], f"z.{fmt}"))
    assert "line" in message and ("cut short" in message or "not closed" in message)


@pytest.mark.parametrize("content", [b"\x00\x01\x02garbage", b"\xff\xfe\x00", b"<html>", b"", b"\xef\xbb\xbf"])
@pytest.mark.parametrize("suffix", [".json", ".toml"])
def test_garbage_is_refused_with_its_place(tmp_path, content, suffix):
    path, message = only(file(tmp_path, content, "g" + suffix))
    assert path == "" and ("line 1" in message or "one table of fields" in message or "empty" in message), message


def test_invalid_utf8_says_where(tmp_path):
    path, message = only(file(tmp_path, b'{"start": "2026-12",\n "x": "\xc3\x28"}'))
    assert "not UTF-8" in message and "line 2, column 8" in message


def test_the_size_cap_is_a_parameter(tmp_path, minimal_scenario):
    path = file(tmp_path, json.dumps(minimal_scenario))
    load_scenario(path)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, max_bytes=100)
    assert "the most a scenario may have" in str(info.value)
    with pytest.raises(ScenarioError):
        parse_scenario(json.dumps(minimal_scenario).encode(), "json", max_bytes=100)
    assert parse_scenario(json.dumps(minimal_scenario), "json")["start"] == "2026-12"


def test_a_file_of_3_mb_is_refused_without_reading_it_all(tmp_path):
    path = file(tmp_path, b" " * (3 * 1024 * 1024))
    assert "the most a scenario may have" in only(path)[1]


def test_toml_is_bounded_before_its_slow_reader_runs(tmp_path):
    many = "".join(f"k{i} = {i}\n" for i in range(20_000))
    assert "keys, more than" in only(file(tmp_path, many, "m.toml"))[1]
    long_list = "a = [" + "1, " * 20_000 + "]\n"
    assert "list items" in only(file(tmp_path, long_list, "l.toml"))[1]


# --- offers' rates, growth, extremes --------------------------------------------------------

def test_a_hardship_plans_rate_is_range_checked(tmp_path):
    data = tomllib.loads(ZHANG_SAN)
    data["offers"][0]["daily_rate"] = "@r@"
    path, message = only(file(tmp_path, as_json(data, r="1e300")))
    assert path == "offers[0].daily_rate" and "far above any rate" in message
    data["offers"][0]["daily_rate"] = 0.05  # 150 % a month
    path, message = only(data)
    assert path == "offers[0].daily_rate" and "100 % a month" in message


def test_100_percent_a_month_over_600_months_is_refused_with_the_reason(minimal_scenario):
    minimal_scenario["horizon_months"] = 600
    minimal_scenario["loans"][0]["annual_rate"] = 12
    path, message = only(minimal_scenario)
    assert path == "loans[0].annual_rate" and "10^30" in message and "600 months" in message
    assert "horizon_months" in message


def test_100_percent_a_month_over_a_year_is_valid(minimal_scenario):
    minimal_scenario["loans"][0]["annual_rate"] = 12
    assert scenario_from_dict(minimal_scenario).horizon_months == 12


def test_late_fees_that_compound_are_named(minimal_scenario):
    minimal_scenario["horizon_months"] = 600
    minimal_scenario["loans"][0].update(annual_rate=0.01, late_fee_percent=1)
    assert only(minimal_scenario)[0] == "loans[0].late_fee_percent"


def test_cash_that_grows_past_the_bound_is_refused(minimal_scenario):
    minimal_scenario["horizon_months"] = 600
    minimal_scenario["budget"].update(monthly=10**12, savings_rate=1)
    assert only(minimal_scenario)[0] == "budget.savings_rate"


def test_real_terms_over_600_months_are_valid(minimal_scenario):
    # A 36 % loan with a 1.5x penalty rate and 5 % late fees, 50 years unpaid: about 10^24-fold.
    minimal_scenario["horizon_months"] = 600
    minimal_scenario["loans"][0].update(annual_rate=0.36, penalty_multiplier=1.5, late_fee_percent=0.05,
                                        balance=50_000)
    assert scenario_from_dict(minimal_scenario).horizon_months == 600


def test_a_long_list_of_loan_ids_is_cut_short_in_a_message(minimal_scenario):
    minimal_scenario["loans"] = [
        {"id": f"loan-{i:03d}", "kind": "revolving", "balance": 100, "annual_rate": 0.1, "min_percent": 0.1}
        for i in range(150)
    ]
    minimal_scenario["offers"] = [{"id": "h", "kind": "hardship-plan", "loan": "nope", "available_from": "2026-12",
                                   "available_until": "2026-12", "term_months": 6}]
    path, message = only(minimal_scenario)
    assert path == "offers[0].loan" and "and 142 more" in message and len(message) < 200


def test_many_problems_are_counted_not_listed(minimal_scenario):
    minimal_scenario["budget"]["inflows"] = [{"month": "bad", "amount": 1}] * 500
    issues = refusal(minimal_scenario)
    assert len(issues) == 51 and issues[-1] == ("", "and 450 more problems; fix these first")


# --- nothing valid became invalid -----------------------------------------------------------

@pytest.mark.parametrize("name", ["zhang-san", "us-cards", "us-consolidation"])
def test_the_examples_stay_valid(name):
    assert load_scenario(EXAMPLES / f"{name}.toml").loans


@pytest.mark.parametrize("profile", PROFILES)
def test_generated_scenarios_stay_valid_as_json_and_toml(tmp_path, profile):
    for index in range(40):
        data = generate_scenario(seed=16, index=index, profile=profile)
        scenario_from_dict(data)
        load_scenario(file(tmp_path, scenario_to_json(data), "g.json"))
        load_scenario(file(tmp_path, scenario_to_toml(data), "g.toml"))


def test_a_what_if_may_go_beyond_the_input_bounds(minimal_scenario):
    """The report's what-ifs (everything owed borrowed at once, budgets scaled) and offer_cost's
    600-month schedule are built from a valid scenario: derived=True keeps every rule but the
    input bounds (amounts up to 10^12, the growth bound, the raw limits)."""
    minimal_scenario["budget"]["inflows"] = [{"month": "2026-12", "amount": "200000000000000"}]
    assert only(minimal_scenario)[0] == "budget.inflows[0].amount"
    assert scenario_from_dict(minimal_scenario, derived=True).budget.inflows[0].amount == Decimal(2 * 10**14)
    minimal_scenario["budget"]["inflows"] = []
    minimal_scenario.update(horizon_months=600)
    minimal_scenario["loans"][0]["annual_rate"] = 12
    scenario_from_dict(minimal_scenario, derived=True)
    minimal_scenario["loans"][0]["annual_rate"] = 13
    with pytest.raises(ScenarioError):
        scenario_from_dict(minimal_scenario, derived=True)


@pytest.mark.parametrize("amount", ["1e99999", "1e99999999", "nan", "1_000"])
def test_a_take_amount_on_the_command_line_is_read_like_a_field(amount):
    from click.testing import CliRunner

    from debtopt.cli import main

    result = CliRunner().invoke(main, ["simulate", str(EXAMPLES / "zhang-san.toml"), "--strategy", "custom",
                                       "--order", "weilidai,huabei,card,jiebei", "--take", f"mum:2027-02:{amount}"])
    assert result.exit_code == 2 and "--take" in result.output and "not an amount" in result.output


def test_read_scenario_data_gives_plain_fields(tmp_path):
    data = read_scenario_data(EXAMPLES / "zhang-san.toml")
    assert type(data) is dict and data["loans"][0]["id"] == "weilidai"
    assert scenario_from_dict(data) == load_scenario(EXAMPLES / "zhang-san.toml")


def test_an_excerpt_counts_escaped_controls_in_its_limit():
    from debtopt.domain.text import EXCERPT_CHARS, excerpt

    quoted = excerpt("1," + "\x1f" * 40)
    assert len(quoted) <= EXCERPT_CHARS + 3 and quoted.endswith("…'") and "\\u001f" in quoted
    assert excerpt("a" * EXCERPT_CHARS) == "'" + "a" * EXCERPT_CHARS + "'"
