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
    },
}


def words(language: str) -> dict[str, str]:
    return WORDS.get(language, WORDS["en"])
