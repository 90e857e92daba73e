"""Seeded, realistic debt portfolios for batch runs, benchmarks and tests.

    from debtopt.generate import generate_scenario, generate_scenarios, write_scenarios

    data = generate_scenario(seed=7, index=0, profile="cn-microloan")   # a scenario dict
    for data in generate_scenarios(seed=7, count=1000, profile="us-cards"): ...
    write_scenarios(generate_scenarios(7, 100, "mixed"), "out.jsonl", fmt="jsonl")

Profiles:
- ``cn-microloan``: 微粒贷, 借呗, 花呗, 京东白条 and other consumer-finance loans and
  bank credit cards; daily rates (万分之二 to 万分之六), penalty interest at 1.5x
  the rate, 10 % minimums on revolving bills, 5 % 违约金 on bank cards; a share
  already one or two months overdue; CNY, 36-month horizon.
- ``us-cards``: bank cards at 18-30 % APR, store cards above 28 %, personal loans
  (annuity), 0 % promotional balances; penalty APRs and $25-41 late fees; the
  minimum is what US issuers set, 1 % (or 2 %) of the balance plus the month's
  interest and fees (``min_rule = "percent-plus-interest"``), so paying it always
  repays some principal; USD, 60-month horizon, often some savings at a savings rate.
- ``mixed``: one borrower with loans from both catalogues (daily and annual
  rates in one scenario), in CNY or USD.

Each borrower has a monthly take-home income drawn for the market (CNY: median
¥7,500, ¥3,000 to ¥35,000; USD: median $4,300, $1,800 to $14,000), owes a drawn
number of months of it (median 4 in CNY, 8 in USD; the portfolio's balances are
scaled to that total), and puts at most three quarters of it towards debt. Budgets come in
three kinds, drawn per scenario, relative to the first month's minimums and
within that cap: ``tight`` (just above the minimums), ``short`` (below them for
some months, then recovering) and ``comfortable`` (well above them, or a third
to a half of the income when that is more). A borrower whose minimums are more
than the cap gets the cap: over-indebted, as many 以贷养贷 borrowers are.

Scenario `index` of a `seed` depends only on (seed, profile, index, options),
through its own `random.Random`: no global random state, no clock, no machine
dependence. The same call gives the same bytes everywhere, and any one scenario
can be made without making the ones before it.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from .domain.months import month_label

__all__ = [
    "BUDGET_KINDS",
    "FORMATS",
    "PROFILES",
    "generate_scenario",
    "generate_scenarios",
    "scenario_file_name",
    "scenario_to_json",
    "scenario_to_toml",
    "write_scenarios",
]

PROFILES = ("cn-microloan", "us-cards", "mixed")
BUDGET_KINDS = ("tight", "short", "comfortable")
FORMATS = ("jsonl", "json", "toml")
DEFAULT_LOANS = (2, 30)

_FX: dict[str, Decimal] = {"CNY": Decimal(1), "USD": Decimal("0.14")}  # CNY catalogue amounts in USD for the mixed profile
# Monthly take-home income: (median, low, high) in the currency's units; lognormal spread.
_INCOME: dict[str, tuple[float, float, float]] = {"CNY": (7500, 3000, 35000), "USD": (4300, 1800, 14000)}
DEBT_SHARE_CAP = Decimal("0.75")  # at most this share of the income goes to debt, whatever is due
# What a borrower owes, in months of income (the median; lognormal spread): Chinese online loans run
# 6 to 24 months, so their dues are a larger share of what is owed than US cards' minimums.
_DEBT_MONTHS: dict[str, float] = {"CNY": 4.0, "USD": 8.0}


def _cents(rng: random.Random, low: float, high: float, step: int = 1) -> int:
    """Whole cents in [low, high] (currency units), in multiples of `step` cents."""
    lo, hi = round(low * 100) // step, round(high * 100) // step
    return max(1, rng.randint(lo, max(lo, hi)) * step)


def _amount(cents: int) -> int | float:
    """Cents as a JSON/TOML number: an int when whole, else the float of exact cents."""
    return cents // 100 if cents % 100 == 0 else cents / 100


def _dec(value: Decimal | str) -> float:
    return float(Decimal(value))


# -- cn-microloan catalogue ---------------------------------------------------

def _cn_installment(rng: random.Random, loan_id: str, name: str, lender: str, lo: float, hi: float,
                    daily: tuple[int, int], terms: list[int], methods: list[str]) -> dict[str, Any]:
    balance = _amount(_cents(rng, lo, hi, step=100))
    term = rng.choice(terms)
    return {
        "id": loan_id, "name": name, "lender": lender, "kind": "installment",
        "balance": balance,
        "daily_rate": _dec(Decimal(rng.randint(*daily)) / 100000),  # 0.00020 .. 0.00060
        "penalty_multiplier": 1.5,
        "term_months": rng.randint(max(1, term // 3), term),  # months left
        "method": rng.choice(methods),
    }


def _cn_revolving(rng: random.Random, loan_id: str, name: str, lender: str, lo: float, hi: float,
                  bank: bool) -> dict[str, Any]:
    loan: dict[str, Any] = {
        "id": loan_id, "name": name, "lender": lender, "kind": "revolving",
        "balance": _amount(_cents(rng, lo, hi)),
        "daily_rate": 0.0005,
        "penalty_multiplier": 1.5,
        "min_percent": 0.1,
        "min_floor": 10 if bank else 0,
    }
    if bank:
        loan["late_fee_percent"] = 0.05  # 违约金: 5 % of the unpaid minimum
    return loan


_CN_PRODUCTS: list[tuple[str, str, str, float]] = [
    # (key, name, lender, weight)
    ("weilidai", "微粒贷", "WeBank 微众银行", 3),
    ("jiebei", "借呗", "Alipay 蚂蚁", 3),
    ("huabei", "花呗", "Alipay 蚂蚁", 3),
    ("baitiao", "京东白条", "JD 京东", 2),
    ("jintiao", "京东金条", "JD 京东", 1),
    ("duxiaoman", "度小满", "Du Xiaoman 度小满", 1),
    ("jietiao360", "360借条", "Qifu 奇富", 1),
    ("fenqile", "分期乐", "Lexin 乐信", 1),
    ("meituan", "美团月付", "Meituan 美团", 1),
    ("card", "信用卡", "bank", 4),
]
_CN_BANKS = ["招商银行", "工商银行", "建设银行", "中信银行", "浦发银行", "广发银行", "平安银行", "交通银行"]


def _cn_loan(rng: random.Random, loan_id: str) -> dict[str, Any]:
    key = rng.choices([p[0] for p in _CN_PRODUCTS], weights=[p[3] for p in _CN_PRODUCTS])[0]
    if key == "weilidai":
        loan = _cn_installment(rng, loan_id, "微粒贷", "WeBank 微众银行", 2000, 40000, (20, 50), [10, 20],
                               ["equal-principal", "annuity"])
    elif key == "jiebei":
        loan = _cn_installment(rng, loan_id, "借呗", "Alipay 蚂蚁", 1000, 30000, (20, 50), [6, 12],
                               ["annuity", "equal-principal"])
    elif key in ("jintiao", "duxiaoman", "jietiao360", "fenqile"):
        name, lender = next((p[1], p[2]) for p in _CN_PRODUCTS if p[0] == key)
        loan = _cn_installment(rng, loan_id, name, lender, 1000, 20000, (30, 60), [6, 12, 24], ["annuity"])
    elif key == "huabei":
        loan = _cn_revolving(rng, loan_id, "花呗", "Alipay 蚂蚁", 300, 15000, bank=False)
        loan["penalty_rate"] = 0.0005  # 逾期费 0.05 % a day instead of a multiplier
        del loan["penalty_multiplier"]
    elif key in ("baitiao", "meituan"):
        name, lender = next((p[1], p[2]) for p in _CN_PRODUCTS if p[0] == key)
        loan = _cn_revolving(rng, loan_id, name, lender, 200, 10000, bank=False)
    else:
        bank = rng.choice(_CN_BANKS)
        loan = _cn_revolving(rng, loan_id, f"{bank}信用卡", bank, 2000, 50000, bank=True)
    loan["escalation_months"] = 3  # 90 days: legal collection
    return loan


# -- us-cards catalogue -------------------------------------------------------

_US_ISSUERS = ["Chase", "Capital One", "Citi", "Discover", "Bank of America", "Wells Fargo", "Amex", "Barclays"]
_US_STORES = ["Synchrony", "Comenity", "TD Retail", "Credit One"]
_US_LENDERS = ["SoFi", "LendingClub", "Upstart", "Best Egg", "Discover Personal Loans", "OneMain"]


def _us_loan(rng: random.Random, loan_id: str) -> dict[str, Any]:
    kind = rng.choices(["card", "store", "personal", "promo"], weights=[5, 2, 2, 1])[0]
    if kind == "personal":
        loan = {
            "id": loan_id, "name": "Personal loan", "lender": rng.choice(_US_LENDERS), "kind": "installment",
            "balance": _amount(_cents(rng, 1500, 25000, step=100)),
            "annual_rate": _dec(Decimal(rng.randint(799, 2499)) / 10000),
            "term_months": rng.randint(6, 60),
            "method": "annuity",
            "late_fee": rng.choice([0, 0, 15, 25]),
            "escalation_months": 4,  # 120 days: charge-off for closed-end loans
        }
        return loan
    loan = {"id": loan_id, "kind": "revolving"}
    if kind == "store":
        loan.update(name="Store card", lender=rng.choice(_US_STORES), balance=_amount(_cents(rng, 200, 4000)),
                    annual_rate=_dec(Decimal(rng.randint(2799, 3299)) / 10000))
    else:
        issuer = rng.choice(_US_ISSUERS)
        loan.update(name=f"{issuer} card", lender=issuer, balance=_amount(_cents(rng, 500, 15000)),
                    annual_rate=_dec(Decimal(rng.randint(1799, 2999)) / 10000))
    if kind == "promo":
        loan["name"] = f"{loan['lender']} card (0 % intro)"
        loan["promo_rate"] = 0.0
        loan["promo_months"] = rng.randint(3, 18)
    if rng.random() < 0.4:
        loan["penalty_rate"] = 0.2999  # penalty APR after a missed payment
    # 1 % (some issuers 2 %) of the balance plus interest and fees: a percent of the balance alone,
    # below the monthly rate, would let a card paid at its minimum grow for decades
    loan["min_rule"] = "percent-plus-interest"
    loan["min_percent"] = rng.choice([0.01, 0.01, 0.01, 0.02])
    loan["min_floor"] = rng.choice([25, 29, 35, 40])
    loan["late_fee"] = rng.choice([25, 30, 32, 32, 41])
    loan["escalation_months"] = 6  # 180 days: charge-off
    return loan


# -- the scenario ------------------------------------------------------------

def _rough_first_due(loan: dict[str, Any]) -> Decimal:
    """About the first month's due, to size budgets (the ledger computes the real one)."""
    balance = Decimal(str(loan["balance"]))
    rate = Decimal(str(loan.get("daily_rate", 0))) * 30 + Decimal(str(loan.get("annual_rate", 0))) / 12
    arrears = Decimal(str(loan.get("arrears", 0)))
    if loan["kind"] == "revolving":
        floor = Decimal(str(loan.get("min_floor", 0)))
        if loan.get("min_rule") == "percent-plus-interest":
            return arrears + max(floor, Decimal(str(loan["min_percent"])) * balance + rate * balance)
        return arrears + max(floor, Decimal(str(loan["min_percent"])) * balance * (1 + rate))
    term = Decimal(loan["term_months"])
    return arrears + (balance - arrears) / term + balance * rate


def _scale(loan: dict[str, Any], factor: Decimal) -> None:
    for key in ("balance", "min_floor", "late_fee"):
        if key in loan and loan[key]:
            cents = int((Decimal(str(loan[key])) * factor * 100).to_integral_value())
            loan[key] = _amount(max(1, cents) if key == "balance" else cents)


def _sizes(rng: random.Random, loans: tuple[int, int]) -> int:
    """How many loans: skewed to few (most borrowers owe 3 to 8 lenders), up to the maximum."""
    lo, hi = loans
    return lo + min(hi - lo, int((hi - lo + 1) * rng.random() ** 3))


def _income(rng: random.Random, currency: str) -> Decimal:
    """A borrower's monthly take-home income: lognormal around the market's median, within its range."""
    median, low, high = _INCOME[currency]
    return Decimal(round(min(high, max(low, median * math.exp(rng.gauss(0, 0.45))))))


def _portfolio(rng: random.Random, profile: str, n: int, currency: str, income: Decimal) -> list[dict[str, Any]]:
    """n loans from the profile's catalogue, their balances scaled so the borrower owes a drawn number
    of months of income (median 4 in CNY, whose loans run 6 to 24 months; 8 in USD; 1 to 40); some
    already one or two dues behind."""
    items: list[dict[str, Any]] = []
    for i in range(n):
        loan_id = f"loan-{i + 1:02d}"
        if profile == "cn-microloan" or (profile == "mixed" and rng.random() < 0.5):
            loan = _cn_loan(rng, loan_id)
            if currency == "USD":
                _scale(loan, _FX["USD"])
        else:
            loan = _us_loan(rng, loan_id)
            if currency == "CNY":
                _scale(loan, Decimal(1) / _FX["USD"])
        items.append(loan)
    months_of_income = Decimal(min(40.0, max(1.0, _DEBT_MONTHS[currency] * math.exp(rng.gauss(0, 0.6)))))
    drawn = sum(Decimal(str(loan["balance"])) for loan in items)
    factor = income * months_of_income / drawn
    for loan in items:
        cents = int((Decimal(str(loan["balance"])) * factor * 100).to_integral_value())
        loan["balance"] = _amount(max(100, cents))  # at least 1.00 owed
    behind = 0.25 if profile == "cn-microloan" else 0.1
    for loan in items:
        if rng.random() < behind:  # one or two missed dues
            k = rng.randint(1, min(2, loan["escalation_months"] - 1))
            balance = Decimal(str(loan["balance"]))
            arrears = min(balance, (_rough_first_due(loan) * k * Decimal(rng.uniform(0.6, 1.0))).quantize(Decimal("0.01")))
            if arrears >= Decimal("0.01"):
                loan["arrears"] = _amount(int(arrears * 100))
                loan["months_overdue"] = k
    return items


def _budget(rng: random.Random, profile: str, items: list[dict[str, Any]], income: Decimal, kind: str | None,
            start: str, horizon: int, language: str, currency: str) -> dict[str, Any]:
    """The budget: of its kind relative to the first month's minimums, never above 75 % of the income."""
    minimums = sum(_rough_first_due(loan) for loan in items)
    kind = kind or rng.choices(BUDGET_KINDS, weights=[4, 3, 3])[0]
    cap = income * DEBT_SHARE_CAP
    step = 100 if currency == "CNY" else 10  # budgets in round amounts
    if kind == "tight":
        monthly = minimums * Decimal(rng.uniform(1.0, 1.15))
    elif kind == "comfortable":
        monthly = max(minimums * Decimal(rng.uniform(1.3, 2.0)), income * Decimal(rng.uniform(0.33, 0.5)))
    else:
        monthly = minimums * Decimal(rng.uniform(1.05, 1.3))
    monthly = min(monthly, cap)

    def rounded(amount: Decimal) -> int:
        return max(step * 100, int(math.ceil(amount / step)) * step * 100)

    monthly_cents = rounded(monthly)
    fields: dict[str, Any] = {"monthly": _amount(monthly_cents)}
    if profile != "cn-microloan" and rng.random() < 0.5:
        fields["starting_cash"] = _amount(_cents(rng, 0, float(monthly) * 0.5, step=1000))
        fields["savings_rate"] = rng.choice([0.0, 0.01, 0.04])
    elif profile == "cn-microloan" and rng.random() < 0.3:
        fields["savings_rate"] = 0.0035  # 余额宝-style money fund
    changes = []
    if kind == "short":
        # Income falls below the minimums for some months, then recovers.
        t_from = rng.randint(1, 6)
        months = rng.randint(2, 8)
        low = int(min(minimums, cap) * Decimal(rng.uniform(0.35, 0.9)) / step) * step * 100
        changes.append({"from": month_label(start, t_from), "monthly": _amount(low)})
        if t_from + months <= horizon:
            high = min(int(Decimal(monthly_cents) * Decimal(rng.uniform(1.0, 1.6))), rounded(cap))
            high = int(Decimal(high) / (step * 100)) * step * 100
            changes.append({"from": month_label(start, t_from + months), "monthly": _amount(max(high, step * 100))})
    if changes:
        if changes[0]["from"] == start:
            fields["monthly"] = changes.pop(0)["monthly"]
        fields["changes"] = changes
    if rng.random() < 0.2:
        label = rng.choice(["bonus", "tax refund", "sold a car", "gift from family"] if language == "en"
                           else ["年终奖", "变卖闲置", "亲友资助", "退税"])
        amount = _cents(rng, float(income) * 0.5, float(income) * 3, step=10000)
        fields["inflows"] = [{"month": month_label(start, rng.randint(1, 12)), "amount": _amount(amount),
                              "label": label}]
    return fields


def generate_scenario(
    seed: int,
    index: int = 0,
    profile: str = "cn-microloan",
    loans: tuple[int, int] = DEFAULT_LOANS,
    budget: str | None = None,
) -> dict[str, Any]:
    """The fields of scenario `index` of `seed`: valid for `debtopt.domain.load_scenario`.

    `loans` is the (min, max) number of loans; `budget` forces a budget kind
    (one of BUDGET_KINDS), else it is drawn.
    """
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; choose one of {', '.join(PROFILES)}")
    lo, hi = loans
    if not 1 <= lo <= hi <= 200:
        raise ValueError(f"loans must be 1 <= min <= max <= 200, not {loans}")
    if budget is not None and budget not in BUDGET_KINDS:
        raise ValueError(f"unknown budget kind {budget!r}; choose one of {', '.join(BUDGET_KINDS)}")
    rng = random.Random(f"debtopt-generate:{seed}:{profile}:{index}:{lo}-{hi}:{budget}")
    n = _sizes(rng, (lo, hi))

    if profile == "cn-microloan":
        currency, language, horizon = "CNY", "zh", 36
    elif profile == "us-cards":
        currency, language, horizon = "USD", "en", 60
    else:
        currency = rng.choice(["CNY", "USD"])
        language, horizon = ("zh" if currency == "CNY" else "en"), 48
    year = 2026 + rng.randint(0, 1)
    start = f"{year}-{rng.randint(1, 12):02d}"

    income = _income(rng, currency)
    items = _portfolio(rng, profile, n, currency, income)
    budget_fields = _budget(rng, profile, items, income, budget, start, horizon, language, currency)

    return {
        "currency": currency,
        "language": language,
        "start": start,
        "horizon_months": horizon,
        "budget": budget_fields,
        "loans": items,
    }


def generate_scenarios(
    seed: int,
    count: int,
    profile: str = "cn-microloan",
    loans: tuple[int, int] = DEFAULT_LOANS,
    budget: str | None = None,
    first: int = 0,
) -> Iterator[dict[str, Any]]:
    """Scenarios `first .. first+count-1` of `seed`, one at a time (streamed)."""
    for index in range(first, first + count):
        yield generate_scenario(seed, index, profile, loans, budget)


# -- writing ------------------------------------------------------------------

def scenario_to_json(data: dict[str, Any], indent: int | None = None) -> str:
    """Stable JSON (same dict, same bytes); one line unless `indent`."""
    if indent is None:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return json.dumps(data, ensure_ascii=False, indent=indent) + "\n"


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a TOML basic string
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def _toml_key(key: str) -> str:
    return key if key.replace("_", "").replace("-", "").isalnum() and key.isascii() else json.dumps(key)


def scenario_to_toml(data: dict[str, Any]) -> str:
    """A scenario dict as TOML (scalars first, then [budget], then [[loans]])."""
    lines = []
    tables = {k: v for k, v in data.items() if isinstance(v, dict)}
    arrays = {k: v for k, v in data.items() if isinstance(v, list) and v and all(isinstance(x, dict) for x in v)}
    for key, value in data.items():
        if key not in tables and key not in arrays:
            lines.append(f"{_toml_key(key)} = {_toml_value(value)}")
    for key, table in tables.items():
        lines += ["", f"[{_toml_key(key)}]"]
        lines += [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in table.items()]
    for key, items in arrays.items():
        for item in items:
            lines += ["", f"[[{_toml_key(key)}]]"]
            lines += [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in item.items()]
    return "\n".join(lines) + "\n"


def scenario_file_name(profile: str, index: int, fmt: str) -> str:
    return f"{profile}-{index:05d}.{fmt}"


def write_scenarios(
    scenarios: Iterable[dict[str, Any]],
    out: str | Path,
    fmt: str = "jsonl",
    profile: str = "scenario",
    first: int = 0,
) -> int:
    """Write scenarios as one JSONL file (`fmt="jsonl"`) or a folder of .json/.toml files.

    Files in a folder are named `{profile}-{index:05d}.{fmt}`, so file-name order
    is generation order. Returns how many were written.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    out = Path(out)
    count = 0
    if fmt == "jsonl":
        with out.open("w", encoding="utf-8", newline="\n") as handle:
            for data in scenarios:
                handle.write(scenario_to_json(data) + "\n")
                count += 1
        return count
    out.mkdir(parents=True, exist_ok=True)
    for offset, data in enumerate(scenarios):
        text = scenario_to_json(data, indent=2) if fmt == "json" else scenario_to_toml(data)
        (out / scenario_file_name(profile, first + offset, fmt)).write_text(text, encoding="utf-8", newline="\n")
        count += 1
    return count
