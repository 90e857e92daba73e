"""Text from a user: what a scenario's strings may hold, and how a message quotes them.

Names and labels may be in any script. What is refused is what a terminal, a
spreadsheet or a browser would act on rather than show: control characters
(NUL, BEL, ESC, line breaks, tabs), lone surrogates (not characters at all), and
the invisible controls that reorder the text around them (bidirectional
embeddings, overrides and isolates).
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from .numbers import NumberText

EXCERPT_CHARS = 32

# Control characters (Unicode category Cc), surrogates (Cs), bidirectional embeddings,
# overrides and isolates, and the Unicode line and paragraph separators.
_REFUSED = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069\u2028\u2029]")
_NAMES = {0: "a NUL character", 7: "a BEL (bell) character", 8: "a backspace", 9: "a tab", 10: "a line break",
          13: "a carriage return", 27: "an ESC (escape) character", 127: "a DEL character"}


def text_problem(text: str) -> str | None:
    """What is wrong with a string of a scenario, or None. The caller names the field."""
    found = _REFUSED.search(text)
    if found is None:
        return None
    code, position = ord(found.group()), found.start() + 1
    if 0xD800 <= code <= 0xDFFF:
        return (f"holds a lone surrogate (U+{code:04X}) at character {position}, which is not a character; "
                "remove it or save the text as UTF-8 again")
    if code >= 0x2028:
        return (f"holds an invisible control (U+{code:04X}) at character {position} that reorders or breaks "
                "the text around it; remove it")
    name = _NAMES.get(code, "a control character")
    return f"holds {name} (U+{code:04X}) at character {position}; write the text on one line, without control characters"


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """A short quote of user text for a message: at most `limit` characters shown, controls escaped.

    The limit counts what is shown, so a run of control characters (six characters
    each once escaped) cannot stretch the message.
    """
    shown: list[str] = []
    width = 0
    for char in text:
        piece = f"\\u{ord(char):04x}" if _REFUSED.fullmatch(char) else char
        if width + len(piece) > limit:
            return f"'{''.join(shown)}…'"
        shown.append(piece)
        width += len(piece)
    return f"'{''.join(shown)}'"


def describe(value: object) -> str:
    """What a value is, in the words of the file formats (never a Python class name)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, NumberText):
        return excerpt(value.text).strip("'")
    if isinstance(value, int) and value.bit_length() > 128:
        return f"a number of about {int(value.bit_length() * 0.30103) + 1} digits"
    if isinstance(value, (int, float, Decimal)):
        return excerpt(str(value)).strip("'")
    if isinstance(value, str):
        return excerpt(value)
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, (datetime.date, datetime.time)):
        return "a date or time"
    return "a value of an unknown kind"
