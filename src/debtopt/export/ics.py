"""A plan's payments as an iCalendar file (RFC 5545), through the `icalendar` package.

One all-day event per payment, on the loan's due day in its month, titled with
the amount and the loan, with a reminder at 09:00 three days before; and one
on the 1st of the month for each offer the plan takes (borrow, sell, accept).

Calendars replace an event they already hold when its UID comes again, so the
UID depends only on what a payment *is* (which loan, which month), never on
the amount: re-importing the plan a check-in wrote updates each month's event
instead of adding a second one. Nothing depends on the clock: DTSTAMP is the
plan's first day, and SEQUENCE counts the months from 2000-01 to it, so a
re-plan, which starts later, supersedes the events of the plan before it in
clients that compare SEQUENCE.
"""

from __future__ import annotations

import datetime

from icalendar import Alarm, Calendar, Event

from ..domain.money import format_money
from ..domain.months import month_index, parse_month
from .payments import PlannedDecision, PlannedPayment, PlanPayments
from .words import decision_title, kind_words, words

PRODID = "-//debtopt//debt plan//EN"
UID_DOMAIN = "debtopt"
# All-day events start at 00:00; 2 days and 15 hours before is 09:00 three days earlier.
REMINDER = -datetime.timedelta(days=2, hours=15)


def payment_uid(loan_id: str, month: str) -> str:
    """The event's identity: the loan and the month, so an updated amount keeps it."""
    return f"{month}.{loan_id}@{UID_DOMAIN}"


def decision_uid(offer_id: str) -> str:
    """An offer is taken once: its event follows it if a re-plan takes it in another month."""
    return f"offer.{offer_id}@{UID_DOMAIN}"


def plan_to_ics(payments: PlanPayments) -> str:
    """The calendar as text (CRLF line ends, as RFC 5545 asks); the same plan gives the same bytes."""
    text = words(payments.language)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", text["calendar"])
    year, month = parse_month(payments.start)
    stamp = datetime.datetime(year, month, 1, tzinfo=datetime.timezone.utc)
    sequence = month_index("2000-01", payments.start) - 1
    for decision in payments.decisions:
        calendar.add_component(_decision_event(decision, payments, stamp, sequence))
    for payment in payments.payments:
        calendar.add_component(_event(payment, payments, stamp, sequence))
    ical: bytes = calendar.to_ical()
    return ical.decode("utf-8")


def _event(payment: PlannedPayment, payments: PlanPayments, stamp: datetime.datetime, sequence: int) -> Event:
    text = words(payments.language)
    amount = format_money(payment.cents, payments.currency)
    title = text["title"].format(amount=amount, name=payment.account.name)
    reminder = text["alarm"].format(date=payment.day.isoformat(), amount=amount, name=payment.account.name)
    return _all_day(payment_uid(payment.account.id, payment.month), payment.day, title,
                    _description(payment, payments), reminder, stamp, sequence)


def _decision_event(decision: PlannedDecision, payments: PlanPayments, stamp: datetime.datetime,
                    sequence: int) -> Event:
    text = words(payments.language)
    amount = None if decision.amount_cents is None else format_money(decision.amount_cents, payments.currency)
    title = decision_title(text, decision.kind, decision.name, amount)
    description = text["offer"].format(strategy=payments.strategy, month=decision.month, t=decision.plan_month,
                                       n=payments.months, kind=kind_words(payments.language, decision.kind))
    return _all_day(decision_uid(decision.offer), decision.day, title, description,
                    f"{decision.day.isoformat()}: {title}", stamp, sequence)


def _all_day(uid: str, day: datetime.date, title: str, description: str, reminder: str,
             stamp: datetime.datetime, sequence: int) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("sequence", sequence)
    event.add("dtstart", day)
    event.add("dtend", day + datetime.timedelta(days=1))
    event.add("summary", title)
    event.add("description", description)
    event.add("categories", ["debtopt"])
    event.add("transp", "TRANSPARENT")
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", REMINDER)
    alarm.add("description", reminder)
    event.add_component(alarm)
    return event


def _description(payment: PlannedPayment, payments: PlanPayments) -> str:
    text = words(payments.language)
    currency = payments.currency
    lines = [
        text["plan"].format(strategy=payments.strategy, month=payment.month, t=payment.plan_month, n=payments.months),
        text["due"].format(due=format_money(payment.due_cents, currency),
                           owed=format_money(payment.owed_after_cents, currency)),
    ]
    if payment.closes:
        lines.append(text["closes"])
    elif payment.cents < payment.due_cents:
        lines.append(text["short"])
    if payment.account.lender:
        lines.append(text["lender"].format(lender=payment.account.lender))
    return "\n".join(lines)
