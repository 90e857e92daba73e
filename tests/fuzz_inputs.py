"""A seeded generator of malformed scenarios, built from the bundled examples.

    from fuzz_inputs import CATEGORIES, fuzz_cases
    for case in fuzz_cases(seed=16, count=300):   # the same bytes on every machine
        path = case.write(tmp_path)                # <category>-<index>.json or .toml
        ...                                        # or post case.content as a body

Each case is one example (zhang-san, us-cards, us-consolidation) with one
hostile change, written as JSON or TOML: a value of the wrong type, a huge or
tiny number, nesting thousands deep, bad unicode, a truncated file, garbage,
a repeated key, a bad month, a broken reference between loans and offers, or
valid but extreme terms. Case `index` of a `seed` depends on nothing else
(its own random.Random), and the categories take turns, so any `count` covers
them evenly. What debtopt must do with every case: refuse it with exit code 2
(HTTP 422 or 413) naming the field or the line, or accept it (exit 0), never
fail (exit 1, HTTP 500) or hang.
"""

from __future__ import annotations

import copy
import json
import random
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

EXAMPLES = Path(__file__).resolve().parents[1] / "src" / "debtopt" / "examples"
CATEGORIES = (
    "wrong-type", "huge-number", "tiny-number", "deep-nesting", "bad-unicode", "truncated",
    "garbage", "duplicate-key", "bad-month", "broken-reference", "extreme-valid",
)

Path_ = tuple[int | str, ...]


@dataclass(frozen=True)
class FuzzCase:
    """One malformed scenario: its bytes, the file type they claim, and what was done to the example."""

    index: int
    category: str
    description: str
    suffix: str  # ".json" or ".toml"
    content: bytes

    @property
    def name(self) -> str:
        return f"{self.category}-{self.index:05d}{self.suffix}"

    def write(self, folder: Path) -> Path:
        path = Path(folder) / self.name
        path.write_bytes(self.content)
        return path


@dataclass(frozen=True)
class Raw:
    """Text written into the file as it is: a number JSON or TOML cannot express otherwise, deep brackets."""

    text: str


class Repeated(dict[str, Any]):
    """A table written with one of its keys twice (`again`: the key and the second value)."""

    again: tuple[str, Any] = ("", None)


# -- the examples and their fields --------------------------------------------

@cache
def _examples() -> dict[str, dict[str, Any]]:
    return {path.stem: tomllib.loads(path.read_text(encoding="utf-8")) for path in sorted(EXAMPLES.glob("*.toml"))}


def _leaves(data: Any, path: Path_ = ()) -> list[tuple[Path_, Any]]:
    stack, out = [(path, data)], []
    while stack:
        where, value = stack.pop()
        if isinstance(value, dict):
            stack.extend(((*where, k), v) for k, v in reversed(list(value.items())))
        elif isinstance(value, list) and value and isinstance(value[0], (dict, list)):
            stack.extend(((*where, i), v) for i, v in reversed(list(enumerate(value))))
        else:
            out.append((where, value))
    return out


def _tables(data: Any, path: Path_ = ()) -> list[Path_]:
    out = [path] if isinstance(data, dict) else []
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else []
    for key, value in items:
        out.extend(_tables(value, (*path, key)))
    return out


def _get(data: Any, path: Path_) -> Any:
    for part in path:
        data = data[part]
    return data


def _set(data: Any, path: Path_, value: Any) -> None:
    _get(data, path[:-1])[path[-1]] = value


def _pick(rng: random.Random, data: Any, want: Callable[[Path_, Any], bool]) -> Path_:
    found = [path for path, value in _leaves(data) if want(path, value)]
    return rng.choice(found) if found else rng.choice([path for path, _ in _leaves(data)])


def _is_number(path: Path_, value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_text(path: Path_, value: Any) -> bool:
    return isinstance(value, str)


def _is_month(path: Path_, value: Any) -> bool:
    return path[-1] in ("start", "from", "month", "available_from", "available_until")


# -- writing JSON and TOML, with Raw text and repeated keys -------------------

def _json(value: Any, ascii_only: bool) -> str:
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, dict):
        pairs = [(k, v) for k, v in value.items()]
        if isinstance(value, Repeated):
            pairs.append(value.again)
        return "{" + ", ".join(f"{json.dumps(k, ensure_ascii=ascii_only)}: {_json(v, ascii_only)}" for k, v in pairs) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_json(v, ascii_only) for v in value) + "]"
    return json.dumps(value, ensure_ascii=ascii_only)


def _toml_key(key: str) -> str:
    bare = key and all(c.isascii() and (c.isalnum() or c in "-_") for c in key)
    return key if bare else json.dumps(key)


def _toml_value(value: Any) -> str:
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (int, str)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        pairs = list(value.items()) + ([value.again] if isinstance(value, Repeated) else [])
        return "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in pairs if v is not None) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value if v is not None) + "]"
    return '"?"'


def _is_section(value: Any) -> bool:
    return isinstance(value, dict)


def _is_section_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(_is_section(v) for v in value)


def _toml_table(table: dict[str, Any], name: str, lines: list[str]) -> None:
    pairs = list(table.items()) + ([table.again] if isinstance(table, Repeated) else [])
    for key, value in pairs:
        if value is not None and not _is_section(value) and not _is_section_list(value):
            lines.append(f"{_toml_key(key)} = {_toml_value(value)}")
    for key, value in pairs:  # a repeated section is declared twice
        child = f"{name}.{_toml_key(key)}" if name else _toml_key(key)
        if _is_section(value):
            lines.extend(["", f"[{child}]"])
            _toml_table(value, child, lines)
        elif _is_section_list(value):
            for item in value:
                lines.extend(["", f"[[{child}]]"])
                _toml_table(item, child, lines)


def write_text(data: Any, fmt: str, rng: random.Random) -> str:
    """The scenario's text in `fmt` (JSON compact or indented, ASCII or not; TOML with sections)."""
    if fmt == "json" or not isinstance(data, dict):
        return _json(data, ascii_only=rng.random() < 0.5)
    lines: list[str] = []
    _toml_table(data, "", lines)
    return "\n".join(lines) + "\n"


def _encode(text: str) -> bytes:
    return text.encode("utf-8", errors="surrogatepass")  # a raw lone surrogate becomes invalid UTF-8


# -- the categories -----------------------------------------------------------

WRONG_VALUES: list[Any] = [True, False, None, "text", "", 3.5, 0, -1, [], {}, [1, 2], {"a": 1}, "1_000", "١٢٣",
                           "1,000", " 12", "12 ", "0x10", "1e3", "true", "null", "12", 12, ["card"], "２０"]
HUGE = ["1e300", "1e999", "-1e999", "9" * 5000, "1" + "0" * 40, "1e30", "Infinity", "-Infinity", "NaN",
        "1.7976931348623157e308", "123456789012345678901234567890", "1e1000000000", "1000000000000.01",
        "1000000000000", "1e12", "99999999999999999999"]
TINY = ["1e-99999999", "1e-400", "5e-324", "0.000000000000000000000000001", "-0", "-0.0", "1e-20000000",
        "0e-99999", "0.0000000001", "1e-24", "1e-25", "-1e-300"]
BAD_MONTHS: list[Any] = ["2027-13", "2027-00", "0000-01", "9999-12", "9999-06", "1899-12", "2027-1", "2027-01\n",
                         "２０２７-０１", "٢٠٢٧-٠١", "2027/01", "", "2027-01-01", " 2027-01", "27-01", 202701,
                         "2027-01\x00", "next month", "2027-02-30"]
TEXTS: list[Any] = ["\ud800", "a\udfffb", "a\x1b[31mb", "\x07bell", "nul\x00", "\u202eevil", "line\u2028break",
                    "tab\there", "cr\r", "x" * 1_000_000, "Zhang 张三 Ωμέγα", "👩‍👩‍👧", "\ufeffbom", "\x7f",
                    "\x9b", "a" * 201]


def _wrong_type(rng: random.Random, data: Any) -> tuple[Any, str]:
    if rng.random() < 0.15:
        path: Path_ = rng.choice([("budget",), ("loans",), ("loans", 0), ("start",), ("horizon_months",)])
    else:
        path = _pick(rng, data, lambda p, v: True)
    value = rng.choice(WRONG_VALUES)
    _set(data, path, value)
    return data, f"{path} = {value!r}"


def _number_case(values: list[str]) -> Callable[[random.Random, Any], tuple[Any, str]]:
    def change(rng: random.Random, data: Any) -> tuple[Any, str]:
        path = _pick(rng, data, _is_number)
        text = rng.choice(values)
        as_string = rng.random() < 0.25
        _set(data, path, text if as_string else Raw(text))
        return data, f"{path} = {text[:40]}{' (as a string)' if as_string else ''}"
    return change


def _deep(rng: random.Random, data: Any) -> tuple[Any, str]:
    depth = rng.choice([21, 50, 1000, 10_000, 100_000])
    shape = rng.choice(["lists", "tables", "open", "dotted", "header"])
    path = _pick(rng, data, lambda p, v: True)
    if shape == "lists":
        token = "[" * depth + "1" + "]" * depth
    elif shape == "open":
        token = "[" * depth
    elif shape == "tables":
        token = '{"a": ' * depth + "1" + "}" * depth  # TOML reads it as a syntax error, JSON as nesting
    else:
        token = "1\n" + ("[" if shape == "header" else "") + ".".join(["a"] * depth) + ("]\nb" if shape == "header" else "") + " = 1"
    _set(data, path, Raw(token))
    return data, f"{path}: {shape} {depth} deep"


def _unicode(rng: random.Random, data: Any) -> tuple[Any, str]:
    if rng.random() < 0.2:  # a key, not a value
        table = _get(data, rng.choice(_tables(data)))
        key = rng.choice(TEXTS[:10])
        table[key] = 1
        return data, f"key {key[:20]!r}"
    path = _pick(rng, data, _is_text)
    value = rng.choice(TEXTS)
    _set(data, path, value)
    return data, f"{path} = {value[:20]!r}"


def _repeated(rng: random.Random, data: Any) -> tuple[Any, str]:
    path = rng.choice(_tables(data))
    table = _get(data, path)
    if not table:
        return data, "nothing to repeat"
    key = rng.choice(list(table))
    again = Repeated(table)
    again.again = (key, table[key] if rng.random() < 0.5 else rng.choice(WRONG_VALUES))
    if path:
        _set(data, path, again)
        return data, f"{path}.{key} twice"
    return again, f"{key} twice"


def _bad_month(rng: random.Random, data: Any) -> tuple[Any, str]:
    path = _pick(rng, data, _is_month)
    value = rng.choice(BAD_MONTHS)
    _set(data, path, value)
    return data, f"{path} = {value!r}"


def _broken_reference(rng: random.Random, data: Any) -> tuple[Any, str]:
    loans, offers = data["loans"], data.get("offers", [])
    ids = [loan["id"] for loan in loans] + [offer["id"] for offer in offers]
    choice = rng.randrange(6)
    if choice == 0 and any("pays" in o for o in offers):
        offer = rng.choice([o for o in offers if "pays" in o])
        offer["pays"][rng.randrange(len(offer["pays"]))] = rng.choice(["no-such-loan", ids[-1], "", "a b"])
        return data, f"pays -> {offer['pays']}"
    if choice == 1 and any(o.get("kind") == "hardship-plan" for o in offers):
        offer = next(o for o in offers if o.get("kind") == "hardship-plan")
        loans[:] = [loan for loan in loans if loan["id"] != offer["loan"]] or loans
        return data, f"loan of {offer['id']} removed"
    if choice == 2:
        loans[-1]["id"] = loans[0]["id"]
        return data, "two loans with one id"
    if choice == 3 and offers:
        rng.choice(offers)["id"] = rng.choice(loans)["id"]
        return data, "an offer with a loan's id"
    if choice == 4:
        rng.choice(loans)["id"] = rng.choice(["", "has space", "x" * 65, "ид", "a/b", "\u202e"])
        return data, "a bad loan id"
    data["loans"] = []
    return data, "no loans"


def _extreme(rng: random.Random, data: Any) -> tuple[Any, str]:
    """Figures at the limits: 100 % a month, 10^12 balances, 600 months, 100 % late fees.

    Some stay valid (the layers after the loader must then handle them without overflowing),
    some pass the growth bound and are refused with the reason.
    """
    horizon = data.get("horizon_months", 120)
    data["horizon_months"] = rng.choice([horizon, horizon, 120, 600])
    for loan in data["loans"]:
        rate = rng.choice(["annual", "daily", "keep", "keep"])
        if rate != "keep":
            loan.pop("annual_rate", None), loan.pop("daily_rate", None)
            loan.pop("penalty_multiplier", None), loan.pop("promo_rate", None), loan.pop("promo_months", None)
            loan["annual_rate" if rate == "annual" else "daily_rate"] = 12 if rate == "annual" else Raw("0.0333333")
        if rng.random() < 0.4:
            loan["balance"] = rng.choice([1_000_000_000_000, 0.01, 999_999_999_999.99])
            loan.pop("arrears", None), loan.pop("months_overdue", None)
        if rng.random() < 0.2:
            loan["late_fee_percent"] = 1
    if rng.random() < 0.5:
        data["budget"]["monthly"] = rng.choice([1_000_000_000_000, 0, 0.01])
    return data, f"extreme terms over {data['horizon_months']} months"


_CHANGES: dict[str, Callable[[random.Random, Any], tuple[Any, str]]] = {
    "wrong-type": _wrong_type,
    "huge-number": _number_case(HUGE),
    "tiny-number": _number_case(TINY),
    "deep-nesting": _deep,
    "bad-unicode": _unicode,
    "duplicate-key": _repeated,
    "bad-month": _bad_month,
    "broken-reference": _broken_reference,
    "extreme-valid": _extreme,
}


def _truncated(rng: random.Random, data: Any, fmt: str) -> tuple[bytes, str]:
    content = _encode(write_text(data, fmt, rng))
    cut = rng.choice([0, 1, rng.randrange(1, len(content)), len(content) - 1, len(content) // 2])
    return content[:cut], f"cut at byte {cut} of {len(content)}"


def _garbage(rng: random.Random, data: Any, fmt: str) -> tuple[bytes, str]:
    kind = rng.randrange(9)
    if kind == 0:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 2000))), "random bytes"
    if kind == 1:
        return "".join(rng.choice("{}[]\":,=.#'\\ \n\tabc019eE+-") for _ in range(rng.randrange(1, 3000))).encode(), "random syntax"
    if kind == 2:
        return rng.choice([b"", b" ", b"\n\n", b"\xef\xbb\xbf", b"null", b"42", b"[]", b'"text"', b"{", b"}"]), "tiny"
    if kind == 3:
        other = "toml" if fmt == "json" else "json"
        return _encode(write_text(data, other, rng)), f"{other} text in a .{fmt} file"
    if kind == 4:
        return b"\x00" * rng.choice([1, 100, 10_000]), "NUL bytes"
    if kind == 5:
        return b" " * (3 * 1024 * 1024), "3 MB of spaces"
    if kind == 6:
        return b"start: 2027-01\nloans:\n  - id: card\n", "YAML"
    if kind == 7:
        content = bytearray(_encode(write_text(data, fmt, rng)))
        for _ in range(rng.randrange(1, 20)):
            content[rng.randrange(len(content))] = rng.randrange(256)
        return bytes(content), "bytes flipped"
    return b"<html><script>alert(1)</script></html>", "HTML"


def fuzz_case(seed: int, index: int) -> FuzzCase:
    """Case `index` of `seed`: the same bytes on every machine and run."""
    rng = random.Random(f"debtopt-fuzz:{seed}:{index}")
    category = CATEGORIES[index % len(CATEGORIES)]
    example = rng.choice(sorted(_examples()))
    data = copy.deepcopy(_examples()[example])
    fmt = rng.choice(("json", "toml"))
    if category == "truncated":
        content, what = _truncated(rng, data, fmt)
    elif category == "garbage":
        content, what = _garbage(rng, data, fmt)
    else:
        data, what = _CHANGES[category](rng, data)
        content = _encode(write_text(data, fmt, rng))
    return FuzzCase(index, category, f"{example}: {what}", f".{fmt}", content)


def fuzz_cases(seed: int = 16, count: int = 300) -> list[FuzzCase]:
    """`count` cases of `seed`, the categories taking turns."""
    return [fuzz_case(seed, index) for index in range(count)]
