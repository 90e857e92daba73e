"""`validate`, `simulate`, `optimize`, `compare`, `schema`, `example`: each a few lines around `debtopt.api`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from .. import api
from ..domain.choices import Language, Objective, PlanFormat, SolverName, Strategy, values
from ..edge import color_for, output_format, run_guarded, write_output
from .progress import solving

PLAN_FORMATS = values(PlanFormat)

scenario_argument = click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
format_option = click.option("--format", "fmt", type=click.Choice(PLAN_FORMATS), default=None,
                             help="Output format (default: from -o's extension, else text).")
output_option = click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
                             help="Write to this file instead of the terminal (.txt, .json or .csv).")
lang_option = click.option("--lang", type=click.Choice(values(Language)), default=None,
                           help="Language of the text output (default: the scenario's `language`).")


def loan_ids(text: str | None) -> list[str] | None:
    """`card,huabei` -> ['card', 'huabei'] (the API checks them)."""
    return None if text is None else [part.strip() for part in text.split(",") if part.strip()]


@click.command()
@scenario_argument
def validate(file: Path) -> None:
    """Check a scenario file and say what is wrong, field by field."""

    def action() -> None:
        click.echo(f"{file}: {api.summarize(api.load_scenario(file))}")

    run_guarded(action)


@click.command()
@scenario_argument
@click.option("--strategy", "-s", type=click.Choice(values(Strategy)), default=Strategy.AVALANCHE.value,
              show_default=True, help="The heuristic to follow.")
@click.option("--order", default=None, help="For --strategy custom: loan ids in the order to pay, e.g. card,huabei.")
@click.option("--take", "take_texts", multiple=True, metavar="OFFER:MONTH[:AMOUNT]",
              help="For --strategy custom: take an offer of the scenario in a month (YYYY-MM or plan month), "
                   "e.g. --take mum:2027-02:15000 or --take car:3. Repeatable.")
@format_option
@lang_option
@output_option
def simulate(file: Path, strategy: str, order: str | None, take_texts: tuple[str, ...], fmt: str | None,
             lang: str | None, output: Path | None) -> None:
    """Show month by month what one strategy does to your loans."""

    def action() -> None:
        chosen = output_format(fmt, output, PLAN_FORMATS)
        scenario = api.load_scenario(file)
        plan = api.simulate(scenario, strategy, loan_ids(order), takes=take_texts)  # type: ignore[arg-type]
        write_output(api.format_plan(plan, scenario, chosen, color=color_for(output), lang=lang), output)

    run_guarded(action)


def solver_options(command: Callable[..., None]) -> Callable[..., None]:
    """The optimizer's options, shared by `optimize` and `compare`."""
    options = [
        click.option("--objective", type=click.Choice(values(Objective)), default=Objective.LEXICOGRAPHIC.value,
                     show_default=True, help="lexicographic: fewest escalations, then overdue months, then what is "
                     "still owed, then net cost. cost: money alone. weighted: cost plus --overdue-price per overdue "
                     "loan-month."),
        click.option("--overdue-price", default=None,
                     help="With --objective weighted: what one overdue loan-month is worth, in the scenario's currency."),
        click.option("--max-consecutive-overdue", type=int, default=None,
                     help="A hard limit on any loan's consecutive overdue months."),
        click.option("--solver", type=click.Choice(values(SolverName)), default=SolverName.HIGHS.value,
                     show_default=True, help="highs (HiGHS in-process, loaded as arrays), pulp-highs (HiGHS through "
                     "PuLP's own class) or cbc (CBC through PuLP)."),
        click.option("--time-limit", "time_limit", type=float, default=60.0, show_default=True,
                     help="A safety cap on the whole call's seconds (at least 0.5). The solves are bounded by "
                     "--max-nodes, so the same file gives the same plan on any machine; when this cap stops a step "
                     "first, the output says so."),
        click.option("--max-nodes", "max_nodes", type=int, default=api.DEFAULT_MAX_NODES, show_default=True,
                     help="The work limit: branch-and-bound nodes per solver call. More can prove more; the plan "
                     "depends on it, never on the machine's speed."),
        click.option("--timings", is_flag=True, help="Include wall-clock seconds in the output (not reproducible)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _solver_keywords(objective: str, overdue_price: str | None, max_consecutive_overdue: int | None, solver: str,
                     time_limit: float, max_nodes: int, timings: bool) -> dict[str, Any]:
    return {"objective": objective, "overdue_price": overdue_price, "max_consecutive_overdue": max_consecutive_overdue,
            "solver": solver, "time_limit_seconds": time_limit, "max_nodes": max_nodes, "timings": timings}


@click.command()
@scenario_argument
@solver_options
@click.option("--offer-worth/--no-offer-worth", default=True, show_default=True,
              help="Say what each offer taken is worth: the optimum re-solved without it (slower).")
@format_option
@lang_option
@output_option
def optimize(file: Path, objective: str, overdue_price: str | None, max_consecutive_overdue: int | None,
             solver: str, time_limit: float, max_nodes: int, timings: bool, offer_worth: bool, fmt: str | None,
             lang: str | None, output: Path | None) -> None:
    """The best schedule: fewest accounts escalating, fewest months overdue, then the least cost."""

    def action() -> None:
        chosen = output_format(fmt, output, PLAN_FORMATS)
        scenario = api.load_scenario(file)
        keywords = _solver_keywords(objective, overdue_price, max_consecutive_overdue, solver, time_limit, max_nodes,
                                    timings)
        with solving(json_output=chosen == PlanFormat.JSON):
            plan = api.optimize(scenario, offer_worth=offer_worth, **keywords)
        write_output(api.format_plan(plan, scenario, chosen, color=color_for(output), lang=lang), output)

    run_guarded(action)


@click.command()
@scenario_argument
@click.option("--no-optimal", is_flag=True, help="Heuristics only: skip the optimizer.")
@click.option("--order", default=None,
              help="Add your own plan (the 'custom' row): loan ids in the order to pay, e.g. card,huabei.")
@click.option("--take", "take_texts", multiple=True, metavar="OFFER:MONTH[:AMOUNT]",
              help="With --order: the offers your plan takes, e.g. --take wangdai:2026-12:20000. Repeatable.")
@solver_options
@format_option
@lang_option
@output_option
def compare(file: Path, no_optimal: bool, order: str | None, take_texts: tuple[str, ...], objective: str,
            overdue_price: str | None, max_consecutive_overdue: int | None, solver: str, time_limit: float,
            max_nodes: int, timings: bool, fmt: str | None, lang: str | None, output: Path | None) -> None:
    """Every strategy side by side: escalations, overdue months, cost, payoff; and what the optimum saves."""

    def action() -> None:
        chosen = output_format(fmt, output, PLAN_FORMATS)
        scenario = api.load_scenario(file)
        keywords = _solver_keywords(objective, overdue_price, max_consecutive_overdue, solver, time_limit, max_nodes,
                                    timings)
        with solving(json_output=chosen == PlanFormat.JSON):
            table = api.compare(scenario, optimal=not no_optimal, order=loan_ids(order), takes=take_texts,
                                **keywords)
        write_output(api.format_comparison(table, scenario, chosen, color=color_for(output), lang=lang), output)

    run_guarded(action)


@click.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file instead of the terminal.")
def schema(output: Path | None) -> None:
    """Print the JSON Schema of scenario files."""

    def action() -> None:
        write_output(json.dumps(api.scenario_schema(), ensure_ascii=False, indent=2) + "\n", output)

    run_guarded(action)


@click.command()
@click.argument("name", type=click.Choice(api.EXAMPLES))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file instead of the terminal.")
def example(name: str, output: Path | None) -> None:
    """Write a bundled example scenario (to the terminal, or to -o FILE)."""

    def action() -> None:
        write_output(api.example_text(name), output)

    run_guarded(action)
