"""A plan's payments as an iCalendar file (RFC 5545), through the `icalendar` package.

One all-day event per payment, on the loan's due day in its month, titled with
the amount and the loan, with a reminder at 09:00 three days before.

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
from .payments import PlannedPayment, PlanPayments
from .words import words

PRODID = "-//debtopt//debt plan//EN"
UID_DOMAIN = "debtopt"
# All-day events start at 00:00; 2 days and 15 hours before is 09:00 three days earlier.
REMINDER = -datetime.timedelta(days=2, hours=15)


def payment_uid(loan_id: str, month: str) -> str:
    """The event's identity: the loan and the month, so an updated amount keeps it."""
    return f"{month}.{loan_id}@{UID_DOMAIN}"


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
    for payment in payments.payments:
        calendar.add_component(_event(payment, payments, stamp, sequence))
    ical: bytes = calendar.to_ical()
    return ical.decode("utf-8")


def _event(payment: PlannedPayment, payments: PlanPayments, stamp: datetime.datetime, sequence: int) -> Event:
    text = words(payments.language)
    amount = format_money(payment.cents, payments.currency)
    title = text["title"].format(amount=amount, name=payment.account.name)
    event = Event()
    event.add("uid", payment_uid(payment.account.id, payment.month))
    event.add("dtstamp", stamp)
    event.add("sequence", sequence)
    event.add("dtstart", payment.day)
    event.add("dtend", payment.day + datetime.timedelta(days=1))
    event.add("summary", title)
    event.add("description", _description(payment, payments))
    event.add("categories", ["debtopt"])
    event.add("transp", "TRANSPARENT")
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", REMINDER)
    alarm.add("description", text["alarm"].format(date=payment.day.isoformat(), amount=amount,
                                                  name=payment.account.name))
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
