"""From the model's solution to whole-cent payments the ledger replays.

Month by month, on the ledger's own statement:
- a loan the model closes is paid exactly what the ledger says it owes (no dust);
- a loan the model keeps current is paid at least the ledger's exact due (the
  model's due can be a fraction of a cent off: paying 0.004 short is overdue);
- a loan the model lets fall behind is paid the model's payment, rounded;
then, if the rounding asks for more than the cash at hand, the excess is taken
first from loans that are overdue anyway, then from extra payments, and only at
last from a due; and cents the floors left unspent go back where the model paid
them (a cent kept in savings earns less than the debt it would have paid). The
ledger's replay of these payments is the plan. A guide (a ledger plan's
payments) chooses, where the model pays a fraction of a cent, which of the two
whole cents is paid: the ledger's interest, rounded half away from zero, favours
one or the other by a cent.

A plan that spends every cent can still come up a cent short a month later:
the ledger rounds each interest to the cent, the model does not, and a due or a
closing balance a cent above the model's makes a loan overdue (a late fee, and
dust that keeps the loan open). When the replay shows more overdue months than
the model planned, it is rounded again keeping a cent or two of every extra
payment back in savings (never from a due), for the months where
the ledger asks a little more than the model did; the best replay is kept.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from ..domain.choices import OfferKind
from ..domain.offers import BorrowOffer
from ..domain.plan import Plan, Schedule, Take
from ..domain.ranking import Rank
from ..domain.scenario import Scenario
from ..errors import ScheduleError
from ..ledger import Ledger, LedgerRun, Statement, plan_from_run
from ..ledger.offers import proceeds
from .model import Model

DRIFT_MONTHS = 3
Guide = Sequence[Sequence[int]]  # whole-cent payments by plan month (from 0), then ledger account
# (cents kept in savings, from plan month) tried in turn while the replay is worse than the model
# (cents kept in savings, take them from loans overdue anyway before extra payments) tried in
# turn while the replay has more overdue months than the model: each order helps other cases
RESERVES = tuple((cents, first) for cents in (0, 1, 2, 4, 8, 16, 32, 64) for first in (False, True))[1:]


@dataclass(slots=True)
class Rounded:
    plan: Plan
    schedule: Schedule
    max_deviation: float  # cents: the largest |B_ledger - B_model| over loan-months
    max_deviation_per_month: float  # max over t of sum_i |B_ledger - B_model| / (open loans x months elapsed)


def round_solution(ledger: Ledger, model: Model, values: list[float], strategy: str = "optimal",
                   guide: Guide | None = None, rank: Rank = Plan.rank_key) -> Rounded:
    """The replay of the model's solution in whole cents; rounded again with a reserve if rounding cost a month,
    the better of the roundings kept in the order of `rank` (the objective's: domain/ranking.py).
    `guide`: whole-cent payments (a ledger plan's, by month and account) that choose, where
    the model's payment lies within a cent of them, which of its two whole cents is paid."""
    planned = planned_overdue(model, values)
    best: Rounded | None = None
    refused: ScheduleError | None = None
    for reserve, overdue_first in RESERVES:
        run = ledger.start()
        try:
            rows, takes, worst, worst_rate = round_months(run, model, values, reserve, overdue_first, guide)
        except ScheduleError as exc:  # this rounding asked the ledger for a cent it has not: try the next
            refused = refused or exc
            continue
        rounded = Rounded(plan_from_run(run, strategy), Schedule(payments=rows, decisions=takes), worst, worst_rate)
        if best is None or rank(rounded.plan) < rank(best.plan):
            best = rounded
        if best.plan.totals.overdue_months <= planned:
            break
    if best is None:
        assert refused is not None
        raise refused
    return best


def planned_overdue(model: Model, values: list[float]) -> int:
    """The model's own count of overdue loan-months (a month a hardship plan converts is
    not one: model.counted)."""
    return round(sum(c * values[j] for j, c in model.objective("overdue").items()))


def prefix_setting(ledger: Ledger, model: Model, values: list[float]) -> tuple[int, bool] | None:
    """The first (reserve, overdue_first) of RESERVES whose rounding of the model's months
    keeps no more loan-months overdue than the model (or the best; None if the ledger
    refuses every one): for a short model's months that heuristics then continue (horizon.py)."""
    planned = planned_overdue(model, values)
    best: tuple[int, tuple[int, bool]] | None = None
    for setting in ((0, False), *RESERVES):
        run = ledger.start()
        try:
            round_months(run, model, values, *setting)
        except ScheduleError:
            continue
        count = sum(loan.overdue for result in run.results for loan in result.loans)
        if best is None or count < best[0]:
            best = (count, setting)
        if count <= planned:
            break
    return None if best is None else best[1]


@dataclass(slots=True)
class Decisions:
    """The model's decisions on offers, by plan month, and which model loan stands for each
    ledger account: a borrowing offer's account is the copy of the month it is taken in; a
    loan a hardship plan converts is the converted copy from the month after."""

    takes: dict[int, list[Take]]
    account_loan: dict[int, int]
    switch: dict[int, tuple[int, int]]  # account -> (month index from which, model loan)

    def loan_at(self, account: int, t: int) -> int | None:
        """The model loan of `account` in month index t (its payment p[t]; its state B[t])."""
        if account in self.switch and t >= self.switch[account][0]:
            return self.switch[account][1]
        return self.account_loan.get(account)


def decisions(scenario: Scenario, model: Model, values: list[float], reserve_cents: int = 0) -> Decisions:
    """The model's decisions (see `Decisions`). The amount borrowed is rounded up to the
    cent (within the offer's limits), so the proceeds cover what the model paid out of them;
    with a reserve, it borrows up to `reserve_cents` more (within its limit): where the model
    spends every cent on dues, the ledger's dues, each rounded half up, can exceed the model's
    by a cent a loan, and only more cash covers that. A cash loan's extra joins the cash; a
    restricted loan's pays what the month's cash paid its loans beyond the proceeds (no more:
    what it does not pay is lost), which leaves as much cash in savings."""
    takes: dict[int, list[Take]] = {}
    account_loan: dict[int, int] = {i: i for i in range(model.data.n_loans)}
    switch: dict[int, tuple[int, int]] = {}
    for offer, ov in zip(model.data.offers, model.offers):
        for t, y in ov.y.items():
            if values[y] < 0.5:
                continue
            amount = None
            if offer.kind == OfferKind.HARDSHIP_PLAN:
                switch[offer.account] = (t + 1, offer.copies[t])
            elif offer.kind not in (OfferKind.ASSET_SALE, OfferKind.SETTLEMENT):
                low, high = max(1, math.ceil(offer.min_amount - 1e-9)), int(offer.max_amount + 1e-9)
                amount = min(high, max(low, math.ceil(values[ov.X[t]] - 1e-6)))
                # the ledger rounds the deducted fee: a cent or two more borrowed, so what it
                # receives covers what the model used or received
                need = math.ceil(values[ov.used[t]] - 1e-6) if t in ov.used else 0
                borrow = scenario.offers[scenario.offer_index(offer.id)]
                assert isinstance(borrow, BorrowOffer)
                while amount < high and proceeds(borrow, amount).received < need:
                    amount += 1
                if offer.kind == OfferKind.CASH_LOAN or offer.pays is None:
                    amount = min(high, amount + reserve_cents)
                elif reserve_cents and t in ov.used:
                    from_cash = sum(values[model.loans[k].p[t]] for k in offer.pays) - values[ov.used[t]]
                    amount = min(high, amount + max(0, min(reserve_cents, math.floor(from_cash + 1e-6) - 1)))
                account_loan[offer.account] = offer.copies[t]
            takes.setdefault(t + 1, []).append(Take(offer=offer.id, month=t + 1, amount=amount))
            break
    return Decisions(takes, account_loan, switch)


class Role(Enum):
    """What the model does with a loan in a month, and so what its rounded payment aims at."""

    CLOSE = "close"  # paid all it owes
    CURRENT = "current"  # paid at least its due
    OVERDUE = "overdue"  # paid the model's payment, short of the due
    SETTLE = "settle"  # a settlement's part, exactly: never cut, never more than the model pays early


def round_months(
    run: LedgerRun, model: Model, values: list[float], reserve_cents: int = 0, overdue_first: bool = False,
    guide: Guide | None = None,
) -> tuple[list[list[int]], list[Take], float, float]:
    """Settle the model's months (1..its horizon, which may end before the plan's) on `run`:
    (payment rows, decisions taken, largest balance deviation in cents, largest deviation per loan-month).

    Savings are kept at `reserve_cents` or more (beyond the model's own) by holding
    back extra payments and payments to loans overdue anyway, never a due, for later
    months' rounding; `overdue_first` says which of the two gives first. `guide`: as in
    `round_solution`."""
    dec = decisions(run.ledger.scenario, model, values, reserve_cents)
    taken: list[Take] = []
    rows: list[list[int]] = []
    worst = worst_rate = 0.0
    while not run.finished and run.month < model.data.horizon:
        month_takes = _month_takes(run, model, dec)
        taken += month_takes
        st = run.open_month(month_takes)
        t = st.month - 1
        want, role, aim = _wanted(st, model, values, dec, t, run.ledger.horizon_months)
        guided = _follow_guide(st, model, values, dec, want, role, aim, guide[t]) \
            if guide is not None and t < len(guide) else set()
        behind = _behind_longest_first(model, values, dec, role, t)
        _keep_reserve(st, model, values, want, role, behind, reserve_cents, overdue_first)
        _fit_cash(st, want, role, behind)
        _spend_floored_cents(st, model, values, want, role, aim, reserve_cents, guided)
        if st.month == run.ledger.horizon_months:
            _pay_down_at_the_end(st, model, values, dec, want)
        run.settle(want)
        rows.append(want)
        month_worst, total = _deviation(run, st, model, values, dec)
        worst = max(worst, month_worst)
        # Drift per loan-month elapsed. The ledger rounds up to four amounts of a loan's month
        # (interest, penalty interest, the percent minimum, the percent late fee) and the
        # payment is rounded too, so one month alone can differ by two cents: the drift is
        # judged over at least DRIFT_MONTHS months.
        worst_rate = max(worst_rate, total / (max(1, sum(st.is_open)) * max(t + 1, DRIFT_MONTHS)))
    return rows, taken, worst, worst_rate


def _month_takes(run: LedgerRun, model: Model, dec: Decisions) -> list[Take]:
    """The model's decisions of the next month, less a hardship plan or a settlement on a loan already closed."""
    hardship = {o.id: o.account for o in model.data.offers if o.kind == OfferKind.HARDSHIP_PLAN}
    settles = {o.id: o.account for o in model.data.offers if o.kind == OfferKind.SETTLEMENT}
    takes = []
    for take in dec.takes.get(run.month + 1, []):
        if take.offer in hardship and run.accounts[hardship[take.offer]].balance == 0:
            dec.switch.pop(hardship[take.offer], None)  # the loan closed: nothing to convert
            continue
        if take.offer in settles and run.accounts[settles[take.offer]].balance == 0:
            continue  # the loan closed: nothing to settle
        takes.append(take)
    return takes


def _wanted(st: Statement, model: Model, values: list[float], dec: Decisions, t: int, horizon_months: int
            ) -> tuple[list[int], list[Role | None], list[float]]:
    """Each account's payment in whole cents, from the model's month t, its role, and the
    payment in fractions of a cent that the whole cents were floored from (`aim`)."""
    width = len(st.owed)
    want = [0] * width
    role: list[Role | None] = [None] * width
    aim = [0.0] * width
    for i in range(width):
        k = dec.loan_at(i, t)
        if not st.is_open[i] or k is None:
            continue
        if i in st.settling:  # a settlement's part: exactly what the ledger says it is
            early = _early(model, values, i, t) if model.data.horizon == horizon_months else 0  # not a short model's
            paid = math.floor(values[model.loans[k].p[t]] + 1e-6)  # a schedule already under way at the start
            want[i], role[i] = min(st.owed[i], max(st.due[i] + early, paid)), Role.SETTLE
            continue
        v = model.loans[k]
        mp = values[v.p[t]]
        # a loan a hardship plan converts this month is closed only by paying all it owes: its
        # balance after the month is the converted loan's (which a waiver may bring to 0)
        k_after = dec.loan_at(i, t + 1)
        after = model.loans[k if k_after is None else k_after]  # not v: converted this month
        if (after is v and values[v.B[t + 1]] < 0.5) or mp >= st.owed[i] - 0.5:
            want[i], role[i] = st.owed[i], Role.CLOSE
        elif values[v.o[t]] < 0.5:
            # At least what brings the ledger's balance down to the model's next balance (no
            # fee is due on a current loan): cents the ledger's rounding added are paid off the
            # next month instead of piling up into a due a dime above the model's. Floored: the
            # cents left go where the floors lost most (`_spend_floored_cents`).
            aim[i] = max(mp, st.owed[i] - values[v.B[t + 1]]) if after is v else mp
            want[i], role[i] = max(st.due[i], math.floor(aim[i] + 1e-6)), Role.CURRENT
        else:
            # the model's payment plus what the ledger owes beyond the model (its rounding so
            # far), so the unpaid part, the fee and next month's balance stay the model's; never
            # less than the model's payment: cents the ledger's rounding saved, kept in savings,
            # earn less than the loan charges
            drift = st.owed[i] - sum(a * values[c] for c, a in model.owed(k, t)) if after is v else 0.0
            aim[i] = mp + max(0.0, drift)
            want[i], role[i] = max(0, math.floor(aim[i] + 1e-6)), Role.OVERDUE
        want[i] = min(want[i], st.owed[i])
    return want, role, aim


def _follow_guide(st: Statement, model: Model, values: list[float], dec: Decisions, want: list[int],
                  role: list[Role | None], aim: list[float], guided: Sequence[int]) -> set[int]:
    """Where the model pays a fraction of a cent, whole cents either side of it are both
    roundings of the model's point, and the ledger's interest, rounded half away from zero,
    can favour either: pay the guide's, when it is one of them (of the model's payment or of
    the aim that follows the ledger's drift), and still the due of a loan the model keeps current.
    The accounts whose cents the guide chose."""
    t = st.month - 1
    followed = set()
    for i, cents in enumerate(guided[: len(want)]):
        k = dec.loan_at(i, t)
        if role[i] not in (Role.CURRENT, Role.OVERDUE) or k is None or cents > st.owed[i]:
            continue
        paid = values[model.loans[k].p[t]]
        if not math.floor(min(paid, aim[i]) + 1e-6) <= cents <= math.ceil(max(paid, aim[i]) - 1e-6):
            continue
        if role[i] == Role.CURRENT and cents < st.due[i]:
            continue
        want[i] = cents
        followed.add(i)
    return followed


def _with_role(role: list[Role | None], *roles: Role) -> list[int]:
    return [i for i, r in enumerate(role) if r in roles]


def _keep_reserve(st: Statement, model: Model, values: list[float], want: list[int], role: list[Role | None],
                  behind: list[int], reserve_cents: int, overdue_first: bool) -> None:
    """Hold back cents for later months' rounding, from extra payments and from loans overdue
    anyway (a cent less there changes only cents, but comes back as arrears when the loan is
    brought current, so those kept behind longest give first: `behind`): which first is the
    caller's choice. Never from a due."""
    t = st.month - 1
    reserve = reserve_cents - (st.cash_available - st.cash_taken(want))
    if reserve_cents > 0:  # the cents are kept beyond what the model itself saves for later months
        reserve += max(0, math.floor(values[model.S[t + 1]] + 1e-6))
    if reserve <= 0:
        return
    n = len(want)
    extra = (_with_role(role, Role.CURRENT), [min(st.due[i], want[i]) for i in range(n)], False)
    overdue = (behind, [0] * n, True)
    for order, floors, as_given in ((overdue, extra) if overdue_first else (extra, overdue)):
        reserve = _cut(want, reserve, order, floors, keep_order=as_given)


def _behind_longest_first(model: Model, values: list[float], dec: Decisions, role: list[Role | None], t: int
                          ) -> list[int]:
    """The loans overdue anyway this month, those the model keeps behind longest first: a cent
    not paid to a loan the model brings current next month is owed in that month's due (its
    arrears), so keeping it back saves nothing and tips that month overdue when the cash is
    short; a loan left behind to the horizon gives its cents up for good."""
    def current_again(i: int) -> int:
        for later in range(t + 1, model.data.horizon):
            k = dec.loan_at(i, later)
            if k is None or values[model.loans[k].o[later]] < 0.5:
                return later
        return model.data.horizon

    return sorted(_with_role(role, Role.OVERDUE), key=lambda i: (-current_again(i), i))


def _fit_cash(st: Statement, want: list[int], role: list[Role | None], behind: list[int]) -> None:
    """Take what rounding asks beyond the cash at hand from loans overdue anyway (`behind`, in
    its order), then from payments above the due, and only at last from a due."""
    n = len(want)
    for _ in range(4 + 2 * n):  # restricted proceeds: a cut to a loan they pay may not lower the cash spent
        short = st.cash_taken(want) - st.cash_available
        if short <= 0:
            return
        short = _cut(want, short, behind, [0] * n, keep_order=True)
        floors = [min(st.due[i], want[i]) for i in range(n)]
        short = _cut(want, short, _with_role(role, Role.CURRENT), floors)
        short = _cut(want, short, _with_role(role, Role.CLOSE), floors)
        short = _cut(want, short, _with_role(role, Role.SETTLE), floors)  # parts paid early, never the part due
        _cut(want, short, _with_role(role, Role.CURRENT, Role.CLOSE), [0] * n)


def _spend_floored_cents(st: Statement, model: Model, values: list[float], want: list[int],
                         role: list[Role | None], aim: list[float], reserve_cents: int,
                         guided: set[int] | frozenset[int] = frozenset()) -> None:
    """The cents the floors left unspent, beyond what the model saves and the reserve, paid
    where the model paid them: a cent each to the payments floored furthest below the
    model's, largest remainder first (ties to the earlier account). Each payment floored
    alone loses up to a cent; left in savings at a lower rate than the debt's, those cents
    cost more than the model's optimum did, and the heuristics, which spend every cent,
    beat it by that much. A payment whose cents a guide chose gets one last."""
    t = st.month - 1
    keep = reserve_cents + max(0, math.floor(values[model.S[t + 1]] + 0.5))
    order = sorted((i for i in range(len(want)) if role[i] in (Role.CURRENT, Role.OVERDUE)
                    and want[i] < st.owed[i] and aim[i] - want[i] > 1e-6), key=lambda i: (i in guided, want[i] - aim[i], i))
    for i in order:
        if st.cash_available - st.cash_taken(want) <= keep:
            return
        want[i] += 1
        if st.cash_taken(want) > st.cash_available:  # restricted proceeds: never more than the cash
            want[i] -= 1


def _pay_down_at_the_end(st: Statement, model: Model, values: list[float], dec: Decisions, want: list[int]) -> None:
    """The last month: the cents floors kept for later rounding have no later, and cash kept
    after T is worth nothing in any objective (what is owed at T ranks before net cost, and
    savings after T earn nothing within the horizon): all of it pays debt down. (The model's
    own savings at T are float noise: half a cent it cannot pay, kept as a whole cent owed.) A
    settlement's parts due after T are paid down too, last (the ledger takes a payment above the
    part off the last parts; the model's `early` floored can leave a cent of them owed)."""
    t = st.month - 1
    left = max(0, st.cash_available - st.cash_taken(want))
    payers = [i for i in range(len(want)) if st.is_open[i] and dec.loan_at(i, t) is not None]
    for i in sorted(payers, key=lambda i: -values[model.loans[dec.loan_at(i, t) or i].p[t]]):
        extra = min(left, st.owed[i] - want[i])
        want[i] += extra
        left -= extra


def _deviation(run: LedgerRun, st: Statement, model: Model, values: list[float], dec: Decisions
               ) -> tuple[float, float]:
    """(largest, sum of) |B_ledger - B_model| over the accounts after the month just settled."""
    t = st.month - 1
    worst = total = 0.0
    for i in range(len(st.owed)):
        k = dec.loan_at(i, t + 1)
        if st.is_open[i] and k is not None and i not in st.settling:  # a settled loan's parts are cash
            dev = abs(run.accounts[i].balance - values[model.loans[k].B[t + 1]])
            worst = max(worst, dev)
            total += dev
    return worst, total


def _early(model: Model, values: list[float], account: int, t: int) -> int:
    """In the model's last month, what of a settlement's parts due after it the model pays now."""
    if t != model.data.horizon - 1:
        return 0
    early = sum(values[column] for offer, ov in zip(model.data.offers, model.offers)
                if offer.kind == OfferKind.SETTLEMENT and offer.account == account for column in ov.early.values())
    return max(0, math.floor(early + 1e-6))


def _cut(want: list[int], short: int, order: list[int], floors: list[int], keep_order: bool = False) -> int:
    """Lower `want` on `order` (largest first, or in the order given) towards `floors` until `short` is covered."""
    for i in (order if keep_order else sorted(order, key=lambda i: -(want[i] - floors[i]))):
        if short <= 0:
            break
        cut = min(short, max(0, want[i] - floors[i]))
        want[i] -= cut
        short -= cut
    return short
