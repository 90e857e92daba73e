"""The command line: the edge where errors become messages and exit codes.

Exit codes: 0 ok, 2 bad input (a scenario, an option, a schedule), 1 internal error.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import click

from .domain import Scenario, load_scenario
from .domain.money import format_money, to_cents
from .domain.plan import Plan
from .domain.scenario import Scenario as ScenarioModel
from .edge import color_for as _color
from .edge import run_guarded as _run_guarded
from .edge import write_output
from .errors import FieldIssue, ScenarioError
from .report import (
    comparison_to_csv,
    comparison_to_json,
    comparison_to_text,
    plan_to_csv,
    plan_to_json,
    plan_to_text,
)
from .optimize import optimize as optimize_plan
from .report.solver_text import solver_to_text
from .strategies import HEURISTICS, STRATEGIES, parse_takes, run_heuristics, run_strategy

EXAMPLES = ("zhang-san", "us-cards", "us-consolidation")
FORMATS = click.Choice(["text", "json", "csv"])


def render_plan(plan: Plan, scenario: Scenario, fmt: str, output: Path | None, timings: bool = False) -> str:
    if plan.solver is not None and not timings:
        # Wall-clock seconds differ run to run; the same input must give the same bytes.
        plan = plan.model_copy(update={"solver": plan.solver.without_timings()})
    if fmt == "json":
        return plan_to_json(plan)
    if fmt == "csv":
        return plan_to_csv(plan)
    from .analysis.report_data import build_report_data

    # what to do this month and the next, before the tables (the document without its re-solves)
    doc = build_report_data(scenario, plan, lang="en", sections=frozenset())
    return plan_to_text(plan, scenario, color=_color(output), doc=doc) + solver_to_text(plan)


scenario_argument = click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
format_option = click.option("--format", "fmt", type=FORMATS, default="text", show_default=True, help="Output format.")
output_option = click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
                             help="Write to this file instead of the terminal.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="debtopt")
def main() -> None:
    """debtopt: which lender to pay, how much and when.

    Give it your loans and the cash you can spare each month (a TOML or JSON
    scenario file; `debtopt example zhang-san` writes one to start from) and it
    shows, month by month, the payments that let the fewest accounts escalate,
    keep the fewest months overdue, and then cost the least.
    """


@main.command()
@scenario_argument
def validate(file: Path) -> None:
    """Check a scenario file and say what is wrong, field by field."""

    def action() -> None:
        scenario = load_scenario(file)
        owed = sum(to_cents(loan.balance) for loan in scenario.loans)
        click.echo(
            f"{file}: valid. {len(scenario.loans)} loan{'s' if len(scenario.loans) != 1 else ''}, "
            f"{format_money(owed, scenario.currency)} owed, {scenario.horizon_months} months from {scenario.start}."
        )

    _run_guarded(action)


@main.command()
@scenario_argument
@click.option("--strategy", "-s", type=click.Choice(STRATEGIES), default="avalanche", show_default=True,
              help="The heuristic to follow.")
@click.option("--order", default=None, help="For --strategy custom: loan ids in the order to pay, e.g. card,huabei.")
@click.option("--take", "take_texts", multiple=True, metavar="OFFER:MONTH[:AMOUNT]",
              help="For --strategy custom: take an offer of the scenario in a month (YYYY-MM or plan month), "
                   "e.g. --take mum:2027-02:15000 or --take car:3. Repeatable.")
@format_option
@output_option
def simulate(file: Path, strategy: str, order: str | None, take_texts: tuple[str, ...], fmt: str,
             output: Path | None) -> None:
    """Show month by month what one strategy does to your loans."""

    def action() -> None:
        scenario = load_scenario(file)
        if order is not None and strategy != "custom":
            raise ScenarioError([FieldIssue("--order", "only used with --strategy custom; add --strategy custom")])
        ids = [part.strip() for part in order.split(",") if part.strip()] if order else None
        plan = run_strategy(scenario, strategy, ids, parse_takes(scenario, take_texts))
        write_output(render_plan(plan, scenario, fmt, output), output)

    _run_guarded(action)


def solver_options(command: Callable[..., None]) -> Callable[..., None]:
    """The optimizer's options, shared by `optimize` and `compare`."""
    options = [
        click.option("--objective", type=click.Choice(["lexicographic", "cost", "weighted"]), default="lexicographic",
                     show_default=True, help="lexicographic: fewest escalations, then overdue months, then what is "
                     "still owed, then net cost. cost: money alone. weighted: cost plus --overdue-price per overdue "
                     "loan-month."),
        click.option("--overdue-price", type=float, default=None,
                     help="With --objective weighted: what one overdue loan-month is worth, in the scenario's currency."),
        click.option("--max-consecutive-overdue", type=click.IntRange(min=0), default=None,
                     help="A hard limit on any loan's consecutive overdue months."),
        click.option("--solver", default="highs", show_default=True,
                     help="highs (HiGHS in-process, loaded as arrays), pulp-highs (HiGHS through PuLP's own class), "
                          "cbc (CBC through PuLP), or any solver PuLP knows."),
        click.option("--time-limit", "time_limit", type=click.FloatRange(min=0.5), default=60.0, show_default=True,
                     help="Seconds for the whole solve; the best plan found is returned with its gaps."),
        click.option("--timings", is_flag=True, help="Include wall-clock seconds in the output (not reproducible)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _solve(scenario: Scenario, objective: str, overdue_price: float | None, max_consecutive_overdue: int | None,
           solver: str, time_limit: float, offer_worth: bool = False) -> Plan:
    if objective == "weighted" and overdue_price is None:
        raise ScenarioError([FieldIssue("--overdue-price", "--objective weighted needs a price per overdue loan-month")])
    if overdue_price is not None and objective != "weighted":
        raise ScenarioError([FieldIssue("--overdue-price", "only used with --objective weighted")])
    if overdue_price is not None and overdue_price < 0:
        raise ScenarioError([FieldIssue("--overdue-price", "must be 0 or more")])
    return optimize_plan(scenario, objective=objective, overdue_price=overdue_price,  # type: ignore[arg-type]
                         max_consecutive_overdue=max_consecutive_overdue, solver=solver,
                         time_limit_seconds=time_limit, offer_worth=offer_worth)


@main.command()
@scenario_argument
@solver_options
@click.option("--offer-worth/--no-offer-worth", default=True, show_default=True,
              help="Say what each offer taken is worth: the optimum re-solved without it (slower).")
@format_option
@output_option
def optimize(file: Path, objective: str, overdue_price: float | None, max_consecutive_overdue: int | None,
             solver: str, time_limit: float, timings: bool, offer_worth: bool, fmt: str, output: Path | None) -> None:
    """The best schedule: fewest accounts escalating, fewest months overdue, then the least cost."""

    def action() -> None:
        scenario = load_scenario(file)
        plan = _solve(scenario, objective, overdue_price, max_consecutive_overdue, solver, time_limit, offer_worth)
        write_output(render_plan(plan, scenario, fmt, output, timings), output)

    _run_guarded(action)


@main.command()
@scenario_argument
@click.option("--no-optimal", is_flag=True, help="Heuristics only: skip the optimizer.")
@click.option("--order", default=None,
              help="Add your own plan (the 'custom' row): loan ids in the order to pay, e.g. card,huabei.")
@click.option("--take", "take_texts", multiple=True, metavar="OFFER:MONTH[:AMOUNT]",
              help="With --order: the offers your plan takes, e.g. --take wangdai:2026-12:20000. Repeatable.")
@solver_options
@format_option
@output_option
def compare(file: Path, no_optimal: bool, order: str | None, take_texts: tuple[str, ...], objective: str,
            overdue_price: float | None, max_consecutive_overdue: int | None, solver: str, time_limit: float,
            timings: bool, fmt: str, output: Path | None) -> None:
    """Every strategy side by side: escalations, overdue months, cost, payoff; and what the optimum saves."""

    def action() -> None:
        scenario = load_scenario(file)
        if take_texts and order is None:
            raise ScenarioError([FieldIssue("--take", "the offers of your own plan: give its --order too")])
        plans = run_heuristics(scenario)
        if order is not None:  # the borrower's own idea, checked against the optimum
            ids = [part.strip() for part in order.split(",") if part.strip()]
            plans["custom"] = run_strategy(scenario, "custom", ids, parse_takes(scenario, take_texts))
        if not no_optimal:
            optimal = _solve(scenario, objective, overdue_price, max_consecutive_overdue, solver, time_limit)
            if optimal.solver is not None and not timings:
                optimal = optimal.model_copy(update={"solver": optimal.solver.without_timings()})
            plans = {"optimal": optimal, **plans}
        best = min(plans, key=lambda name: plans[name].rank_key())
        if fmt == "json":
            text = comparison_to_json(scenario, plans, best)
        elif fmt == "csv":
            text = comparison_to_csv(plans)
        else:
            text = comparison_to_text(scenario, plans, best, color=_color(output))
        write_output(text, output)

    _run_guarded(action)


@main.command()
@output_option
def schema(output: Path | None) -> None:
    """Print the JSON Schema of scenario files."""

    def action() -> None:
        data: dict[str, Any] = ScenarioModel.model_json_schema(by_alias=True)
        write_output(json.dumps(data, ensure_ascii=False, indent=2) + "\n", output)

    _run_guarded(action)


@main.command()
@click.argument("name", type=click.Choice(EXAMPLES))
@output_option
def example(name: str, output: Path | None) -> None:
    """Write a bundled example scenario (to the terminal, or to -o FILE)."""

    def action() -> None:
        text = resources.files("debtopt").joinpath("examples", f"{name}.toml").read_text(encoding="utf-8")
        write_output(text, output)

    _run_guarded(action)


from .report_command import report  # noqa: E402  (an edge module that needs `main`'s helpers)
from .server.command import serve  # noqa: E402  (needs no FastAPI until it runs)
from .batch.commands import batch, generate  # noqa: E402
from .cli_files import register_file_commands  # noqa: E402  (export and import: other tools' files)

main.add_command(report)
main.add_command(serve)
main.add_command(batch)
main.add_command(generate)
register_file_commands(main)

__all__ = ["main", "HEURISTICS"]
