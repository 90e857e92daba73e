"""`debtopt checkin SCENARIO --actual ACTUAL.toml [--plan PLAN.json] -o NEXT.toml [--replan --new-plan FILE]`."""

from __future__ import annotations

from pathlib import Path

import click

from .. import api
from ..domain.choices import Language, values
from ..edge import run_guarded, write_file

_PATH = click.Path(dir_okay=False, path_type=Path)


@click.command()
@click.argument("file", metavar="SCENARIO", type=_PATH)
@click.option("--actual", "actual_file", type=_PATH, required=True,
              help="What really happened (checkin.md): payments, cash, offers taken, statements, new loans.")
@click.option("--plan", "plan_file", type=_PATH, default=None,
              help="The plan you followed (its JSON): the months are compared with it, and a re-plan keeps it "
                   "where nothing better exists.")
@click.option("-o", "--output", type=_PATH, required=True, help="Write the next scenario to this TOML file.")
@click.option("--replan", is_flag=True, help="Also plan the next scenario and say what changed against the plan.")
@click.option("--new-plan", "new_plan_file", type=_PATH, default=None,
              help="With --replan: write the new plan's JSON here (for debtopt export).")
@click.option("--lang", type=click.Choice(values(Language)), default=None,
              help="Language of the summary (default: the scenario's).")
@click.option("--time-limit", "time_limit", type=float, default=60.0, show_default=True,
              help="With --replan: seconds for the solve.")
def checkin(file: Path, actual_file: Path, plan_file: Path | None, output: Path, replan: bool,
            new_plan_file: Path | None, lang: str | None, time_limit: float) -> None:
    """Check in what really happened; write the scenario that starts next month.

    The months given are replayed through the ledger; a lender's statement wins over the
    ledger's figure (the difference is shown). Then `debtopt optimize NEXT.toml`, or --replan.
    """

    def action() -> None:
        api.check_checkin_options(replan=replan, new_plan=new_plan_file is not None)
        scenario = api.load_scenario(file)
        result = api.checkin(scenario, actual_file, plan=plan_file, replan=replan, time_limit_seconds=time_limit)
        text = api.format_checkin(result, scenario, lang=lang, output=str(output))
        written = [output]
        if result.plan is not None and new_plan_file is not None:
            write_file(new_plan_file, api.format_plan(result.plan, result.scenario, "json"), "new_plan")
            written.append(new_plan_file)
        write_file(output, result.scenario_text)
        click.echo(text, nl=False)
        click.echo("wrote " + " and ".join(str(path) for path in written), err=True)

    run_guarded(action)
