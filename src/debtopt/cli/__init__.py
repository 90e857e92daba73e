"""The command line: a thin client of `debtopt.api` (edge.py turns its errors into messages and exit codes).

    debtopt validate | simulate | optimize | compare | report | schema | example   (cli/plans.py, cli/report.py)
    debtopt batch | generate                                                       (batch/commands.py)
    debtopt serve                                                                  (server/command.py)
    debtopt export | import                                                        (cli_files.py)
    debtopt checkin                                                                (cli/checkin.py)

Every command loads what its work needs when it runs: `debtopt --help` and
`debtopt validate` load no solver and no plotting library.
"""

from __future__ import annotations

import click

from ..batch.commands import batch, generate
from ..cli_files import export, import_
from ..server.command import serve
from .checkin import checkin
from .plans import compare, example, optimize, schema, simulate, validate
from .report import report


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="debtopt")
def main() -> None:
    """debtopt: which lender to pay, how much and when.

    Give it your loans and the cash you can spare each month (a TOML or JSON
    scenario file; `debtopt example zhang-san` writes one to start from) and it
    shows, month by month, the payments that let the fewest accounts escalate,
    keep the fewest months overdue, and then cost the least.
    """


for _command in (validate, simulate, optimize, compare, report, schema, example, serve, batch, generate, export,
                 import_, checkin):
    main.add_command(_command)

__all__ = ["main"]
