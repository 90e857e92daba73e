"""The gettext catalogues: current with the code, complete, compiled; Babel's money and months."""

from __future__ import annotations

import io
import string
from decimal import Decimal
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from debtopt.i18n import LOCALE_DIR, Formatter

SRC = Path(__file__).resolve().parents[1] / "src" / "debtopt"


def _po(lang: str):  # noqa: ANN202
    return read_po((LOCALE_DIR / lang / "LC_MESSAGES" / "debtopt.po").open("rb"), locale=lang)


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_the_catalogues_hold_every_sentence_of_the_code() -> None:
    """Babel extracts the same messages as the .pot and each .po has: run the commands in docs/reports.md."""
    found = {msgid for _, _, msgid, _, _ in extract_from_dir(str(SRC), method_map=[("**.py", "python")],
                                                          keywords={"_": None, "n_": (1, 2), "N_": None, "Nn_": (1, 2)})}
    pot = {m.id for m in read_po((LOCALE_DIR / "debtopt.pot").open("rb")) if m.id}
    assert found == pot
    for lang in ("en", "zh"):
        assert {m.id for m in _po(lang) if m.id} == pot, lang


def test_chinese_is_complete_with_the_same_placeholders() -> None:
    for m in _po("zh"):
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strs = m.string if isinstance(m.string, tuple) else (m.string,)
        assert all(strs), f"untranslated: {ids[0]}"
        want = set().union(*(_fields(i) for i in ids))
        for text in strs:
            assert _fields(text) <= want and _fields(text) >= _fields(ids[0]) - {"n"}, ids[0]


def test_each_mo_is_its_po_compiled() -> None:
    for lang in ("en", "zh"):
        buffer = io.BytesIO()
        write_mo(buffer, _po(lang))
        assert buffer.getvalue() == (LOCALE_DIR / lang / "LC_MESSAGES" / "debtopt.mo").read_bytes(), \
            f"{lang}: run `pybabel compile -D debtopt -d src/debtopt/i18n/locale`"


def test_money_numbers_and_months_per_language() -> None:
    zh, en, us = Formatter("zh", "CNY"), Formatter("en", "CNY"), Formatter("en", "USD")
    assert zh.money(Decimal("1234.5")) == "¥1,234.50" == en.money(123450)
    assert us.money(Decimal("-12.3")) == "-$12.30" and Formatter("zh", "USD").money(Decimal(5)) == "$5.00"
    assert zh.month(2027, 3) == "2027年3月" and en.month(2027, 3) == "Mar 2027"
    assert zh.rate(Decimal("0.1825")) == "18.25%" and zh.join(["A", "B", "C"]) == "A、B和C"
    assert zh._("Your debt plan") == "您的还款计划" and en._("Your debt plan") == "Your debt plan"
    assert en.n_("{n} account-month past due.", "{n} account-months past due.", 2) == "2 account-months past due."
