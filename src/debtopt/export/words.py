"""The few sentences the exports write, in the scenario's language."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "calendar": "debtopt: debt payments",
        "title": "Pay {amount} to {name}",
        "alarm": "In 3 days, on {date}: pay {amount} to {name}",
        "plan": "debtopt plan ({strategy}), {month}: month {t} of {n}.",
        "due": "Due this month: {due}; still owed after this payment: {owed}.",
        "closes": "This payment pays it off.",
        "short": "The plan pays less than this month's due: the loan is overdue after it.",
        "lender": "Lender: {lender}.",
        "memo": "debtopt plan ({strategy}) month {t}: {due} due, {owed} owed after",
        "borrow": "Borrow {amount} from {name}",
        "sell": "Sell {name} for {amount}",
        "accept": "Accept {name}",
        "offer": "debtopt plan ({strategy}), {month}: month {t} of {n}. The plan takes this offer ({kind}).",
        "offer_memo": "debtopt plan ({strategy}) month {t}: {kind} taken",
    },
    "zh": {
        "calendar": "debtopt：还款计划",
        "title": "还款 {amount}：{name}",
        "alarm": "3 天后（{date}）还款 {amount}：{name}",
        "plan": "debtopt 还款计划（{strategy}），{month}：第 {t} 个月，共 {n} 个月。",
        "due": "本月应还 {due}；这笔还款后尚欠 {owed}。",
        "closes": "这笔还款后结清。",
        "short": "计划本月少于应还：还款后这笔贷款逾期。",
        "lender": "贷款机构：{lender}。",
        "memo": "debtopt 还款计划（{strategy}）第 {t} 个月：应还 {due}，还后尚欠 {owed}",
        "borrow": "借入 {amount}：{name}",
        "sell": "出售 {name}：{amount}",
        "accept": "接受 {name}",
        "offer": "debtopt 还款计划（{strategy}），{month}：第 {t} 个月，共 {n} 个月。计划本月接受这项选择（{kind}）。",
        "offer_memo": "debtopt 还款计划（{strategy}）第 {t} 个月：接受 {kind}",
    },
}


# How an offer's kind reads in a sentence; the English is the kind itself.
KINDS_ZH = {
    "consolidation": "债务整合贷款",
    "balance-transfer": "余额转移",
    "cash-loan": "借款",
    "asset-sale": "出售资产",
    "hardship-plan": "个性化分期",
    "settlement": "一次性结清",
}


def kind_words(language: str, kind: str) -> str:
    return KINDS_ZH.get(kind, kind) if language == "zh" else kind


def decision_title(text: dict[str, str], kind: str, name: str, amount: str | None) -> str:
    """What to do about an offer taken: borrow, sell, or accept (a hardship plan, a settlement)."""
    if kind in ("consolidation", "balance-transfer", "cash-loan") and amount is not None:
        return text["borrow"].format(amount=amount, name=name)
    if kind == "asset-sale" and amount is not None:
        return text["sell"].format(amount=amount, name=name)
    return text["accept"].format(name=name)


def words(language: str) -> dict[str, str]:
    return WORDS.get(language, WORDS["en"])
