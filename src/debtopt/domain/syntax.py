"""Scenario text to raw fields: size, encoding, nesting and syntax, each refusal located.

Checked before parsing, on the text itself: the size (MAX_SCENARIO_BYTES or
the caller's cap), UTF-8, and how deeply tables and lists nest (MAX_DEPTH),
so neither the JSON nor the TOML reader ever recurses far. Every number comes
out as `NumberText` (numbers.py); JSON objects that repeat a key are marked
(`Pairs.repeated`) for raw.py to name. A syntax error says its line and
column, what is wrong there, and the fix.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections import Counter
from typing import Any, Literal

from ..errors import FieldIssue, ScenarioError
from .limits import (
    MAX_DEPTH,
    MAX_NUMBER_CHARS,
    MAX_SCENARIO_BYTES,
    MAX_TEXT_CHARS,
    MAX_TOML_CHARS,
    MAX_TOML_STATEMENTS,
    MAX_VALUES,
)
from .numbers import NumberText
from .text import excerpt

Format = Literal["json", "toml"]


class Pairs(dict[str, Any]):
    """A JSON object as read; `repeated` lists the keys it gave more than once."""

    repeated: tuple[str, ...] = ()


def _pairs(items: list[tuple[str, Any]]) -> Pairs:
    table = Pairs(items)
    if len(table) < len(items):
        counts = Counter(key for key, _ in items)
        table.repeated = tuple(key for key, count in counts.items() if count > 1)
    return table


def _refuse(message: str, source: str | None) -> ScenarioError:
    return ScenarioError([FieldIssue("", message)], source)


def where(text: str, position: int) -> str:
    """'line 3, column 7' of a character position (1-based, as editors count)."""
    line = text.count("\n", 0, position) + 1
    column = position - text.rfind("\n", 0, position)
    return f"line {line}, column {column}"


def _near(text: str, position: int) -> str:
    """' near <the line>': the whole line when short, else from a little before the position."""
    start = text.rfind("\n", 0, position) + 1
    end = text.find("\n", position)
    line = text[start:end if end >= 0 else len(text)]
    offset = 0 if len(line) <= 40 else max(0, position - start - 12)
    snippet = line[offset:].strip()
    return f" near {excerpt(snippet, 40)}" if snippet else ""


# -- size and encoding --------------------------------------------------------

def decode(raw: bytes, source: str | None, max_bytes: int = MAX_SCENARIO_BYTES) -> str:
    """The text of a scenario: at most `max_bytes` bytes of UTF-8 (a BOM is allowed)."""
    if len(raw) > max_bytes:
        raise _refuse(f"larger than {max_bytes:,} bytes, the most a scenario may have; "
                      "a real scenario is a few kilobytes: check that this is the right file", source)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        good = raw[: exc.start].decode("utf-8-sig", errors="replace")
        raise _refuse(f"not UTF-8 text: byte 0x{raw[exc.start]:02x} at {where(good, len(good))}; "
                      "save the file as UTF-8", source) from None


# -- nesting, before any parser sees the text ---------------------------------

_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_AS_PARENS = bytes.maketrans(b"[{]}", b"(())")
_TOO_DEEP = b"(" * (MAX_DEPTH + 1)
# TOML strings (the group: multi-line first) and comments (no group).
_TOML_SKIP = re.compile(r'("""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"[^"\n]*"|\'[^\'\n]*\')|#[^\n]*')
# An integer -0 (TOML's reader gives 0, so it is caught in the text): after = [ or , and not
# part of a longer number, a float (-0.0 is caught as a NumberText) or a date.
_SIGNED_ZERO = re.compile(r"(?:^|[=\[,])[ \t]*(-0)(?![\w.:+-])", re.MULTILINE)
_LONG_TOKEN = re.compile(r"[^\s=,.\[\]{}#\"']{%d}" % (MAX_NUMBER_CHARS + 1))
_DOTTED = re.compile(r"(?:\.[ \t]*[A-Za-z0-9_-]*[ \t]*){%d}" % MAX_DEPTH)
_DOTTED_RAW = re.compile(r"(?:\.[ \t]*(?:[A-Za-z0-9_-]+|\"[^\"\n]*\"|'[^'\n]*')?[ \t]*){%d}" % MAX_DEPTH)
_TOKEN = {
    "json": re.compile(r'\\[\s\S]|["\n\[\]{}]'),
    "toml": re.compile(r'\\[\s\S]|"""|\'\'\'|["\'#\n\[\]{}]'),
}
_CLOSES = {'"': '"', "'": "'", '"""': '"""', "'''": "'''", "#": "\n"}
_ONE_LINE = frozenset({"\"", "'", "\n"})


def _without_escapes(text: str) -> str:
    """Escapes pair left to right, so removing them keeps every string's boundaries (C speed, linear)."""
    return text.replace("\\\\", "").replace('\\"', "")


def _too_deep(outside: str) -> bool:
    """Whether brackets nest deeper than MAX_DEPTH (give or take MAX_DEPTH for unclosed ones).

    Innermost pairs are peeled a level at a time, each pass in C; a run of
    MAX_DEPTH + 1 openers, or a pair left after MAX_DEPTH + 1 passes, is too
    deep. Exactness is the raw walk's (raw.py), after parsing: this only keeps
    the parsers from recursing far.
    """
    parens = outside.encode("utf-8", "surrogatepass").translate(None, _NOT_BRACKETS).translate(_AS_PARENS)
    for _ in range(MAX_DEPTH + 1):
        if _TOO_DEEP in parens:
            return True
        peeled = parens.replace(b"()", b"")
        if len(peeled) == len(parens):
            return False
        parens = peeled
    return b"()" in parens


def check_nesting(text: str, fmt: Format, source: str | None) -> None:
    """Refuse tables and lists nested deeper than MAX_DEPTH, or TOML keys dotted as deep."""
    plain = _without_escapes(text)
    if fmt == "json":
        outside = "".join(plain.split('"')[::2])  # JSON strings are the odd parts between quotes
        if outside.count(",") > MAX_VALUES:  # each value but the last of a list or object ends in one
            raise _refuse(f"more than {MAX_VALUES:,} values; a scenario has a few thousand at most: "
                          "check that this is the right file", source)
    else:
        if len(plain) > MAX_TOML_CHARS:
            raise _refuse(f"a TOML scenario of more than {MAX_TOML_CHARS:,} characters; a real one is a few "
                          "thousand: check that this is the right file, or write it as JSON", source)
        outside = _TOML_SKIP.sub("", plain)
        _check_toml_size(plain, outside, source)
    if _too_deep(outside):
        raise _refuse(f"tables and lists nested more than {MAX_DEPTH} deep{_deep_at(text, fmt)}; "
                      "a scenario needs 4 levels (offers[0].loan.kind): check the brackets", source)
    if fmt == "toml" and _DOTTED.search(outside):
        found = _DOTTED_RAW.search(text)
        at = f" at {where(text, found.start())}" if found else ""
        raise _refuse(f"a dotted key more than {MAX_DEPTH} parts long{at}; "
                      "a scenario needs 3 (offers.loan.kind)", source)


def _check_toml_size(plain: str, outside: str, source: str | None) -> None:
    """The pure-Python TOML reader takes seconds on what JSON's reads in milliseconds: bound its work first."""
    statements, commas = outside.count("="), outside.count(",")
    if statements > MAX_TOML_STATEMENTS or commas > MAX_TOML_STATEMENTS:
        what = f"{statements:,} keys" if statements > MAX_TOML_STATEMENTS else f"{commas:,} list items"
        raise _refuse(f"{what}, more than the {MAX_TOML_STATEMENTS:,} a TOML scenario may have; "
                      "a real one has a few hundred: check that this is the right file", source)
    if _LONG_TOKEN.search(outside):
        found = _LONG_TOKEN.search(plain)
        at = f" at {where(plain, found.start())}" if found else ""
        raise _refuse(f"a number or bare key longer than {MAX_NUMBER_CHARS} characters{at}; "
                      f"write numbers with at most {MAX_NUMBER_CHARS} characters", source)
    if _SIGNED_ZERO.search(outside):
        found = _SIGNED_ZERO.search(plain)
        at = f" at {where(plain, found.start(1))}" if found else ""
        raise _refuse(f"-0 is a signed zero{at}; write 0", source)
    longest = max(map(len, _TOML_SKIP.findall(plain)), default=0)
    if longest > MAX_TEXT_CHARS + 2:
        raise _refuse(f"a string of about {longest:,} characters; text fields hold at most {MAX_TEXT_CHARS:,}: "
                      "check the quotes", source)


def _deep_at(text: str, fmt: Format) -> str:
    """' at line L, column C' where nesting first goes too deep (a scan that stops there)."""
    depth, closing = 0, ""
    for token in _TOKEN[fmt].finditer(text):
        symbol = token.group()
        if closing:
            # one-line strings and comments end at the line's end (an unclosed string there is its own error)
            if symbol == closing or (symbol.endswith("\n") and closing in _ONE_LINE):
                closing = ""
            continue
        if symbol in _CLOSES:
            closing = _CLOSES[symbol]
        elif symbol in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return f" at {where(text, token.start())}"
        elif symbol in "]}":
            depth -= 1
    return ""


# -- the parsers --------------------------------------------------------------

def parse_text(text: str, fmt: Format, source: str | None) -> Any:
    """The raw value of a scenario's text; ScenarioError located at the line and column."""
    if not text.strip():
        raise _refuse("the text is empty; write the scenario's fields (`debtopt example zhang-san` writes one "
                      "to start from)", source)
    check_nesting(text, fmt, source)
    return _parse_json(text, source) if fmt == "json" else _parse_toml(text, source)


def _parse_json(text: str, source: str | None) -> Any:
    try:
        return json.loads(text, parse_float=NumberText, parse_int=NumberText, parse_constant=NumberText,
                          object_pairs_hook=_pairs)
    except json.JSONDecodeError as exc:
        raise _refuse(_json_message(exc, text), source) from None


_JSON_FIXES = [
    ("Expecting value", "a value is missing or not valid", "write numbers as digits, text in double quotes, "
     "true, false or null"),
    ("Expecting property name", "a field name is missing or not in double quotes", "write \"name\": value, "
     "with no comma after the last field"),
    ("Expecting ':'", "a ':' is missing after a field name", "write \"name\": value"),
    ("Expecting ','", "a ',' is missing between two values", "separate the values of a list or object with commas"),
    ("Unterminated string", "a string is not closed", "add the closing double quote"),
    ("Invalid control character", "a control character (a line break or tab) inside a string",
     "write it as \\n or \\t, or remove it"),
    ("Invalid \\escape", "an unknown escape after a backslash", "write a backslash as \\\\"),
    ("Invalid \\u", "a \\u escape without four hex digits", "write \\u followed by four hex digits"),
    ("Extra data", "more text after the scenario's closing brace", "remove it: a file holds one JSON object"),
    ("Illegal trailing comma", "a comma after the last item", "remove the comma"),
]


def _json_message(exc: json.JSONDecodeError, text: str) -> str:
    if not text[exc.pos:].strip() and not exc.msg.startswith("Extra data"):
        return f"not valid JSON: the text ends at {where(text, exc.pos)} before the scenario does; " \
               "the file may be cut short: check its end"
    for prefix, what, fix in _JSON_FIXES:
        if exc.msg.startswith(prefix):
            return f"not valid JSON at {where(text, exc.pos)}{_near(text, exc.pos)}: {what}; {fix}"
    return f"not valid JSON at {where(text, exc.pos)}{_near(text, exc.pos)}: {exc.msg.lower()}; check the text there"


_TOML_AT = re.compile(r"^(?P<msg>.*) \(at (?:line (?P<line>\d+), column (?P<col>\d+)|end of document)\)$", re.S)
_TOML_FIXES = [
    ("Invalid value", "a value is missing or not valid",
     "write numbers as digits, text and months in double quotes (\"2027-03\"), true or false"),
    ("Expected '=' after a key", "a key without '= value'", "write key = value, one per line"),
    ("Cannot overwrite a value", "this key is already set", "give each key once in its table"),
    ("Cannot declare", "this table is declared twice", "merge the two into one"),
    ("Cannot mutate", "this key is already set", "give each key once in its table"),
    ("Duplicate inline table key", "a key given twice in this inline table", "give each key once"),
    ("Unterminated string", "a string is not closed", "add the closing quote"),
    ("Illegal character", "a character not allowed here (a control character, or a line break inside a "
     "one-line string)", "close the string on its line, or remove the character"),
    ("Unclosed array", "a list is not closed", "add the closing ']'"),
    ("Unclosed inline table", "an inline table is not closed", "add the closing '}'"),
    ("Expected newline or end of document", "more text after a value on the same line",
     "put each key = value on its own line; a month is written in quotes: \"2027-03\""),
    ("Invalid initial character for a key part", "a key starts with a character keys cannot start with",
     "write keys with letters, digits, '_' and '-', or in double quotes"),
    ("Invalid statement", "a line that is not key = value or a [table]", "check the line"),
    ("Escaped character is not a Unicode scalar value", "a \\u escape of a lone surrogate, which is no character",
     "remove the escape"),
    ("Unescaped '\\'", "a backslash alone in a string", "write a backslash as \\\\, or use 'single quotes'"),
    ("Invalid date or datetime", "a date that is not a real date", "write a month in quotes: \"2027-03\""),
]


def _parse_toml(text: str, source: str | None) -> Any:
    try:
        return tomllib.loads(text, parse_float=NumberText)
    except tomllib.TOMLDecodeError as exc:
        raise _refuse(_toml_message(str(exc), text), source) from None
    except ValueError:  # an integer of thousands of digits: int() refuses it inside tomllib
        found = re.search(r"[0-9][0-9_]{99,}", text)
        at = f" at {where(text, found.start())}" if found else ""
        raise _refuse(f"not valid TOML: a number of thousands of digits{at}; write numbers with at most "
                      "40 characters", source) from None


def _toml_message(raw: str, text: str) -> str:
    match = _TOML_AT.match(raw)
    what_raw = match["msg"] if match else raw
    if match and match["line"]:
        line, column = int(match["line"]), int(match["col"])
        lines = text.split("\n")
        position = sum(len(part) + 1 for part in lines[: line - 1]) + column - 1
        at = f"line {line}, column {column}{_near(text, position)}"
    else:
        at = f"the end ({where(text, len(text))}), which comes too early: the file may be cut short"
    for prefix, what, fix in _TOML_FIXES:
        if what_raw.startswith(prefix):
            return f"not valid TOML at {at}: {what}; {fix}"
    return f"not valid TOML at {at}: {excerpt(what_raw.lower(), 60).strip(chr(39))}; check the text there"


def parse_scenario_text(raw: bytes | str, fmt: Format, source: str | None = None,
                        max_bytes: int = MAX_SCENARIO_BYTES) -> Any:
    """The raw value a scenario text holds (not yet checked: see raw.py), from bytes or text."""
    if isinstance(raw, str):
        size = len(raw.encode("utf-8", errors="surrogatepass"))
        if size > max_bytes:
            raise _refuse(f"{size:,} bytes, more than the {max_bytes:,} a scenario may have; "
                          "a real scenario is a few kilobytes: check that this is the right text", source)
        text = raw.removeprefix("\ufeff")
    else:
        text = decode(raw, source, max_bytes)
    return parse_text(text, fmt, source)
