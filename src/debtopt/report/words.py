"""The report's formatter: sentences from the gettext catalogues, with the document's names and months."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..analysis.document import ReportData
from ..domain.months import month_label
from ..i18n import Formatter


class Words(Formatter):
    """A Formatter that knows the report: account and offer names (never ids), plan months as calendar months."""

    def __init__(self, doc: ReportData, lang: str | None = None) -> None:
        super().__init__(lang or doc.language, doc.currency)
        self.doc = doc
        self.start = doc.start
        self.names = {a.id: a.name for a in doc.accounts}
        self.names.update({o.id: o.name for o in doc.offers})

    def month_of(self, t: int) -> str:
        """Plan month t as 'Mar 2027' / '2027年3月'."""
        year, month = (int(part) for part in month_label(self.start, t).split("-"))
        return self.month(year, month)

    def name(self, account_or_offer: str) -> str:
        return self.names.get(account_or_offer, account_or_offer)

    def names_of(self, ids: list[str]) -> str:
        return self.join([self.name(i) for i in ids])

    def sentences(self, parts: list[str]) -> str:
        """Sentences run together: with a space in English, none in Chinese."""
        return ("" if self.lang == "zh" else " ").join(p for p in parts if p)

    def clauses(self, parts: list[str]) -> str:
        """Clauses of one sentence: 'a, b and c' in English, 'a，b，c' in Chinese."""
        return "，".join(parts) if self.lang == "zh" else self.join(parts)

    def amount(self, value: Any) -> str:
        return self.money(Decimal(str(value)))

    def strategy(self, name: str) -> str:
        return {
            "optimal": self._("this plan"),
            "minimum": self._("minimum payments only"),
            "avalanche": self._("avalanche (highest rate first)"),
            "snowball": self._("snowball (smallest balance first)"),
            "balance-matching": self._("in proportion to balances"),
            "urgency": self._("most urgent first (closest to collection)"),
            "custom": self._("your own order"),
        }.get(name, name)

    def offer_kind(self, kind: str) -> str:
        return {
            "consolidation": self._("consolidation loan"),
            "balance-transfer": self._("balance transfer"),
            "cash-loan": self._("cash loan"),
            "asset-sale": self._("sale of belongings"),
            "hardship-plan": self._("hardship installment plan"),
            "settlement": self._("settlement for less than owed"),
        }.get(kind, kind)

    def legal_line(self, crosses: float | None) -> str:
        """The regulatory line an all-in cost is above, with the rule that sets it (current since 2020)."""
        if crosses is None:
            return ""
        if crosses >= 0.36:
            return self._("Above 36 % a year: the cap the 2017 cash-loan notice (整治办函〔2017〕141号) sets on the "
                          "all-in cost of online loans. Courts protect interest only up to four times the one-year "
                          "LPR (Supreme People's Court private-lending rules, amended 2020).")
        return self._("Above 24 % a year: the all-in cost regulators and licensed lenders keep consumer loans under. "
                      "Courts protect interest only up to four times the one-year LPR (Supreme People's Court "
                      "private-lending rules, amended 2020).")
