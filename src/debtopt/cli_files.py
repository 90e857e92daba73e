"""The command line for other tools' files: `debtopt export` (a plan into a calendar, a ledger, a
budgeting app) and `debtopt import` (a ledger into a scenario, a statement into an actual file).

An edge, like cli.py: bad input is an error naming its field or line, exit 2,
and nothing is written; what an import had to assume goes to stderr.
"""

from __future__ import annotations

from pathlib import Path

import click

from . import api
from .api import EXPORT_FORMATS
from .domain.choices import Language, values
from .edge import run_guarded, write_output
from .errors import FieldIssue, OptionError

# export/ and importing/ load icalendar and beancount (0.4 s): the API loads them only when a command runs.
LEDGER_SUFFIXES = (".beancount", ".bean")
DEFAULT_CASH_ACCOUNT = "Assets:Cash"  # export.beancount's default, spelled here so the help needs no import

output_option = click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
                             help="Write to this file instead of the terminal.")
scenario_option = click.option("--scenario", "scenario_file", type=click.Path(dir_okay=False, path_type=Path),
                               default=None, help="The scenario the plan was made from: loan names, lenders and "
                               "due days (without it: ids, and the 1st of the month).")


@click.command()
@click.argument("plan_file", metavar="PLAN.json", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), required=True,
              help="ics: calendar events with a reminder 3 days before; beancount: forecast transactions; "
                   "csv: a YNAB / Actual import (Date, Payee, Memo, Amount).")
@scenario_option
@click.option("--lang", type=click.Choice(values(Language)), default=None,
              help="Language of titles and memos (default: the scenario's, else en).")
@click.option("--cash-account", default=DEFAULT_CASH_ACCOUNT, show_default=True,
              help="For beancount: the account the payments come from.")
@click.option("--open/--no-open", "open_accounts", default=True, show_default=True,
              help="For beancount: write the open directives (leave them out to include the file in a ledger "
                   "that opens these accounts).")
@output_option
def export(plan_file: Path, fmt: str, scenario_file: Path | None, lang: str | None, cash_account: str,
           open_accounts: bool, output: Path | None) -> None:
    """Put a plan where you live: your calendar, your ledger, your budgeting app.

    PLAN.json is what `debtopt optimize` or `simulate --format json` wrote.
    """

    def action() -> None:
        api.check_export_options(fmt, cash_account)  # a bad option costs no reading
        plan = api.load_plan(plan_file)
        scenario = api.load_scenario(scenario_file) if scenario_file is not None else None
        text = api.export_plan(plan, scenario, format=fmt, source=str(plan_file), lang=lang,
                               cash_account=cash_account, open_accounts=open_accounts)
        write_output(text, output)

    run_guarded(action)


@click.command("import")
@click.argument("source", metavar="LEDGER.beancount|STATEMENT.csv", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--start", default=None, metavar="YYYY-MM",
              help="Ledger: the scenario's first month; balances are those before it (default: the month after "
                   "the ledger's last transaction).")
@click.option("--budget", default=None, metavar="AMOUNT",
              help="Ledger: cash for debt each month (default: the average paid to these loans in the last "
                   "three months before --start).")
@click.option("--horizon-months", type=click.IntRange(1, 600), default=None, help="Ledger: the plan's length.")
@click.option("--map", "column_map", default=None, metavar="date=COL,amount=COL,description=COL[,balance=COL]",
              help="Statement: which column holds what (the header's names).")
@click.option("--loan", default=None, help="Statement: the id of the loan in the scenario it is for.")
@click.option("--scenario", "scenario_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Statement: the scenario the check-in is for (its loans, offers and start).")
@click.option("--actual", "actual_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Statement: an actual file to add this loan's payments to (the other loans' stay).")
@click.option("--payments", "payment_sign", type=click.Choice(["negative", "positive"]), default="negative",
              show_default=True, help="Statement: the sign the lender gives payments (credits).")
@click.option("--match", default=None, help="Statement: only rows whose description contains this are payments.")
@click.option("--through", default=None, metavar="YYYY-MM",
              help="Statement: the last month to include (default: the month of its last row).")
@click.option("--date-format", default=None, metavar="FORMAT",
              help="Statement: how its dates are written, e.g. %m/%d/%Y (default: YYYY-MM-DD and its variants).")
@click.option("--encoding", default="utf-8-sig", show_default=True, help="Statement: the file's encoding (gbk, ...).")
@output_option
def import_(source: Path, start: str | None, budget: str | None, horizon_months: int | None,
            column_map: str | None, loan: str | None, scenario_file: Path | None, actual_file: Path | None,
            payment_sign: str, match: str | None, through: str | None, date_format: str | None, encoding: str,
            output: Path | None) -> None:
    """Read another tool's file: a beancount ledger into a scenario, or a lender's CSV statement into an
    actual file for the check-in.

    \b
        debtopt import ledger.beancount -o scenario.toml
        debtopt import statement.csv --map date=Date,amount=Amount,description=Description --loan card --scenario scenario.toml -o actual.toml
    """

    def action() -> None:
        suffix = source.suffix.lower()
        if suffix in LEDGER_SUFFIXES:
            _refuse(["--map", "--loan", "--scenario", "--actual", "--match", "--through", "--date-format"],
                    [column_map, loan, scenario_file, actual_file, match, through, date_format], "a ledger")
            result = api.import_ledger(source, start=start, budget=budget, horizon_months=horizon_months)
        elif suffix == ".csv":
            _refuse(["--start", "--budget", "--horizon-months"], [start, budget, horizon_months], "a statement")
            missing = [name for name, value in (("--map", column_map), ("--loan", loan), ("--scenario", scenario_file))
                       if value is None]
            if column_map is None or loan is None or scenario_file is None:
                raise OptionError([FieldIssue(name, "needed to read a statement") for name in missing])
            scenario = api.load_scenario(scenario_file)
            result = api.import_statement(source, column_map, loan, scenario, actual=actual_file,
                                          payments_negative=payment_sign == "negative", match=match,
                                          through=through, encoding=encoding, date_format=date_format)
        else:
            raise OptionError([FieldIssue("SOURCE", f"'{source.name}' is neither a beancount ledger "
                                          f"({', '.join(LEDGER_SUFFIXES)}) nor a CSV statement (.csv)")])
        for note in result.notes:
            click.echo(note, err=True)
        write_output(result.text, output)

    run_guarded(action)


def _refuse(names: list[str], given: list[object], kind: str) -> None:
    wrong = [name for name, value in zip(names, given) if value is not None]
    if wrong:
        raise OptionError([FieldIssue(name, f"not used when importing {kind}; remove it") for name in wrong])


def register_file_commands(group: click.Group) -> None:
    """Add `export` and `import` to the main command group (cli.py)."""
    group.add_command(export)
    group.add_command(import_)


__all__ = ["export", "import_", "register_file_commands"]
