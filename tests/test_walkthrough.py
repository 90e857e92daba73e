"""README's "The plan lives month to month": the whole walk-through, with its commands, as a borrower runs it.

Wang Fang plans from her scenario, puts the plan in her calendar, checks in March (as planned), April
(income fell, the card missed, a statement with an annual fee) and May (the bank's settlement, taken),
re-planning each time, and ends with a current plan in her calendar.
"""

from __future__ import annotations

import json
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

import icalendar
import pytest
from click.testing import CliRunner

from debtopt.cli import main as cli
from debtopt.domain import load_scenario

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "checkin"


def debtopt(*args: object) -> str:
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _events(path: Path) -> dict[str, Any]:
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


@pytest.fixture(scope="module")
def walk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("walk")
    debtopt("optimize", EXAMPLE / "wang-fang.toml", "--format", "json", "-o", d / "plan-1.json")
    debtopt("export", d / "plan-1.json", "--format", "ics", "--scenario", EXAMPLE / "wang-fang.toml",
            "-o", d / "calendar-1.ics")
    (d / "out-1.txt").write_text(debtopt(
        "checkin", EXAMPLE / "wang-fang.toml", "--plan", d / "plan-1.json", "--actual", EXAMPLE / "2027-03.toml",
        "-o", d / "next-1.toml", "--replan", "--new-plan", d / "plan-2.json", "--lang", "en"), encoding="utf-8")
    (d / "out-2.txt").write_text(debtopt(
        "checkin", d / "next-1.toml", "--plan", d / "plan-2.json", "--actual", EXAMPLE / "2027-04.toml",
        "-o", d / "next-2.toml", "--replan", "--new-plan", d / "plan-3a.json", "--lang", "en"), encoding="utf-8")
    with (d / "next-2.toml").open("a", encoding="utf-8") as scenario:  # the bank's offer, added to the scenario
        scenario.write((EXAMPLE / "card-settlement.toml").read_text(encoding="utf-8"))
    debtopt("optimize", d / "next-2.toml", "--format", "json", "-o", d / "plan-3.json")
    debtopt("export", d / "plan-3.json", "--format", "ics", "--scenario", d / "next-2.toml", "-o", d / "calendar-3.ics")
    (d / "out-3.txt").write_text(debtopt(
        "checkin", d / "next-2.toml", "--plan", d / "plan-3.json", "--actual", EXAMPLE / "2027-05.toml",
        "-o", d / "next-3.toml", "--replan", "--new-plan", d / "plan-4.json", "--lang", "en"), encoding="utf-8")
    debtopt("export", d / "plan-4.json", "--format", "ics", "--scenario", d / "next-3.toml", "-o", d / "calendar.ics")
    return d


def test_march_as_planned_keeps_the_plan(walk: Path) -> None:
    out = (walk / "out-1.txt").read_text(encoding="utf-8")
    assert "Nothing: the rest of the plan you followed is still the best, and it is kept." in out
    assert load_scenario(walk / "next-1.toml").start == "2027-04"
    first, second = (json.loads((walk / name).read_text(encoding="utf-8")) for name in ("plan-1.json", "plan-2.json"))
    assert [m["loans"] for m in second["months"]] == [m["loans"] for m in first["months"][1:]]


def test_april_carries_the_missed_payment_and_the_statement(walk: Path) -> None:
    out = (walk / "out-2.txt").read_text(encoding="utf-8")
    assert "Apr 2027: income fell; the cash for debts was ¥2,600.00 instead of ¥4,500.00." in out
    assert "Apr 2027: 招商银行信用卡 was not paid" in out
    assert "the statement's balance is ¥16,069.04, the ledger's ¥15,769.04: it added ¥300.00." in out
    card = next(loan for loan in tomllib.loads((walk / "next-2.toml").read_text(encoding="utf-8"))["loans"]
                if loan["id"] == "card")
    # the due missed (1,569.06) and its 违约金 (5 %: 78.45) are past due, one month running
    assert (card["balance"], card["arrears"], card["months_overdue"]) == (16069.04, 1647.51, 1)


def test_may_takes_the_settlement_and_carries_its_schedule(walk: Path) -> None:
    plan = json.loads((walk / "plan-3.json").read_text(encoding="utf-8"))
    (decision,) = plan["decisions"]
    assert (decision["offer"], decision["date"]) == ("cmb-settlement", "2027-05")
    price = Decimal(str(decision["amount"]))
    assert price + Decimal(str(decision["waived"])) > price * Decimal("1.6")  # 60 %: 40 % of what it owes forgiven
    card = next(loan for loan in tomllib.loads((walk / "next-3.toml").read_text(encoding="utf-8"))["loans"]
                if loan["id"] == "card")
    parts = [Decimal(str(part)) for part in card["settlement"]["parts"]]
    assert len(parts) == 5 and sum(parts) == Decimal(str(card["balance"])) == price - parts[0]
    assert "Nothing: the rest of the plan you followed is still the best" in (walk / "out-3.txt").read_text("utf-8")


def test_the_calendar_is_current_and_keeps_the_uids_of_unchanged_payments(walk: Path) -> None:
    before, after = _events(walk / "calendar-3.ics"), _events(walk / "calendar.ics")
    plan = json.loads((walk / "plan-4.json").read_text(encoding="utf-8"))
    assert plan["months"][0]["date"] == "2027-06"
    payments = [(m["date"], loan["id"]) for m in plan["months"] for loan in m["loans"] if loan["payment"] > 0]
    assert len([u for u in after if not u.startswith("offer.")]) == len(payments)
    unchanged = [uid for uid in after if uid in before and str(after[uid]["SUMMARY"]) == str(before[uid]["SUMMARY"])]
    assert len(unchanged) == len(payments)  # June on: the same payments, the same events, a later SEQUENCE
    assert all(int(after[uid]["SEQUENCE"]) > int(before[uid]["SEQUENCE"]) for uid in unchanged)
    assert not any(uid.startswith("2027-05.") for uid in after)  # May has passed
