"""Words, amounts and months in the borrower's language: gettext catalogues and Babel (CLDR).

Any layer may import this package (it imports nothing of debtopt's): the
report's sentences live in the `debtopt` gettext domain under `locale/`, one
`.po` per language, compiled to the `.mo` beside it (`tests/test_i18n.py`
checks each `.mo` is the compilation of its `.po`). Message ids are the English
sentences with named `{placeholders}`; a translator edits the `.po` file.

    fmt = Formatter("zh", "CNY")
    fmt.money(Decimal("1234.5"))      # '¥1,234.50'
    fmt.month(2027, 3)                # '2027年3月'
    fmt._("{loan}: pays the {due} due.", loan="花呗", due=fmt.money(d))

Regenerate the catalogues after changing a sentence (see docs/reports.md):
`pybabel extract -F babel.cfg -o src/debtopt/i18n/locale/debtopt.pot src`,
`pybabel update -D debtopt -i ... -d src/debtopt/i18n/locale`, translate,
`pybabel compile -D debtopt -d src/debtopt/i18n/locale`.
"""

from __future__ import annotations

import gettext
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_skeleton
from babel.numbers import format_currency, format_decimal, format_percent, get_currency_symbol

DOMAIN = "debtopt"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("en", "zh")
# The CLDR locale of each language the reports speak.
LOCALES = {"en": "en_US", "zh": "zh_CN"}
# A currency is written with the symbol its own country uses (¥ for CNY also in English, $ for USD).
HOME_LOCALE = {"CNY": "zh_CN", "USD": "en_US", "HKD": "zh_HK", "EUR": "de_DE", "GBP": "en_GB", "JPY": "ja_JP"}


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of `lang` (English falls back to the message ids)."""
    if lang not in LANGUAGES:
        raise ValueError(f"no messages for language '{lang}'; choose one of {', '.join(LANGUAGES)}")
    return gettext.translation(DOMAIN, localedir=str(LOCALE_DIR), languages=[lang], fallback=lang == "en")


@cache
def _money_pattern(lang: str, currency: str) -> str:
    locale = Locale.parse(LOCALES[lang])
    symbol = get_currency_symbol(currency, HOME_LOCALE.get(currency, LOCALES[lang]))
    pattern = locale.currency_formats["standard"].pattern
    return pattern.replace("¤", "'" + symbol.replace("'", "''") + "'")


def N_(message: str) -> str:
    """Marks a sentence for the catalogues where it is chosen before it is translated (Babel extracts `N_`)."""
    return message


def Nn_(singular: str, plural: str) -> tuple[str, str]:
    """The same for a sentence with a count: (singular, plural)."""
    return singular, plural


class Formatter:
    """Sentences, amounts, numbers, rates and months in one language and currency."""

    def __init__(self, lang: str, currency: str) -> None:
        self.lang = lang
        self.locale = LOCALES[lang]
        self.currency = currency
        self.catalogue = translations(lang)

    def _(self, message: str, /, **values: Any) -> str:
        """The sentence `message` in this language, its placeholders filled with formatted values."""
        text = self.catalogue.gettext(message)
        return text.format(**values) if values else text

    def n_(self, singular: str, plural: str, n: int, /, **values: Any) -> str:
        """A sentence whose wording depends on the count `n` (`{n}` is filled too)."""
        return self.catalogue.ngettext(singular, plural, n).format(n=n, **values)

    def money(self, amount: Decimal | int) -> str:
        """¥1,234.56 / $1,234.56 (a Decimal in currency units; an int is cents)."""
        value = Decimal(amount) / 100 if isinstance(amount, int) and not isinstance(amount, bool) else amount
        return format_currency(value, self.currency, format=_money_pattern(self.lang, self.currency),
                               locale=self.locale, currency_digits=True)

    def number(self, value: int | Decimal) -> str:
        return format_decimal(value, locale=self.locale)

    def rate(self, annual: Decimal | float) -> str:
        """An annual (or monthly) rate as a percentage, at most two decimals: 18.25%."""
        return format_percent(Decimal(str(annual)), "#,##0.##%", locale=self.locale)

    def month(self, year: int, month: int) -> str:
        """'Mar 2027' / '2027年3月'."""
        return format_skeleton("yMMM", date(year, month, 1), locale=self.locale)

    def join(self, items: list[str]) -> str:
        """A list in running text: 'A, B and C' / 'A、B和C'."""
        from babel.lists import format_list

        return format_list(items, locale=self.locale) if items else ""


__all__ = ["DOMAIN", "LANGUAGES", "LOCALES", "LOCALE_DIR", "N_", "Formatter", "Nn_", "translations"]
