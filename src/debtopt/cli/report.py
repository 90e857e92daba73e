"""`debtopt report FILE`: the full report, explained, in one language and format; its charts and letters."""

from __future__ import annotations

from pathlib import Path

import click

from .. import api
from ..domain.choices import ChartFormat, Language, ReportFormat, values
from ..edge import color_for, output_format, run_guarded, write_files, write_output
from .plans import loan_ids
from .progress import solving


def _chart_links(names: list[str], charts_dir: Path, output: Path | None) -> dict[str, str]:
    """Chart key -> the path Markdown links to: relative to the report's folder when the charts are below it."""
    base = output.parent if output is not None else Path(".")
    try:
        folder = charts_dir.resolve().relative_to(base.resolve())
    except ValueError:
        folder = charts_dir.resolve()
    return {Path(name).stem: (folder / name).as_posix() for name in names}


@click.command("report")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--lang", type=click.Choice(values(Language)), default=None,
              help="Language of the report (default: the scenario's `language`, else en).")
@click.option("--format", "fmt", type=click.Choice(values(ReportFormat)), default=None,
              help="Output format (default: from -o's extension, else text).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file instead of the terminal (.txt, .md, .html, .json or .csv).")
@click.option("--charts", "charts_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Also save the charts in this folder (Markdown links to them).")
@click.option("--chart-format", type=click.Choice(values(ChartFormat)), default=ChartFormat.SVG.value,
              show_default=True, help="File format of the charts saved with --charts.")
@click.option("--letters", "letters_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Also write each lender's letter, in Chinese and in English, as Markdown files in this folder.")
@click.option("--order", default=None,
              help="Your own order of loans (ids, e.g. card,huabei): compared, and used for the borrowing section.")
@click.option("--heuristics-only", is_flag=True, default=False,
              help="Do not run the optimizer: explain the best heuristic plan.")
@click.option("--time-limit", type=float, default=60.0, show_default=True,
              help="Seconds the optimizer may take per solve.")
def report(file: Path, lang: str | None, fmt: str | None, output: Path | None, charts_dir: Path | None,
           chart_format: str, letters_dir: Path | None, order: str | None, heuristics_only: bool,
           time_limit: float) -> None:
    """The full report: the plan, why each payment, comparisons, borrowing, charts and letters to lenders."""

    def action() -> None:
        chosen = output_format(fmt, output, values(ReportFormat))
        scenario = api.load_scenario(file)
        with solving(json_output=chosen == ReportFormat.JSON):
            explained = api.explain(scenario, lang=lang, order=loan_ids(order),  # type: ignore[arg-type]
                                    heuristics_only=heuristics_only, time_limit_seconds=time_limit)
        links = None
        if charts_dir is not None:
            names = explained.save_charts(charts_dir, chart_format)
            links = _chart_links(names, charts_dir, output)
            click.echo(f"wrote {len(names)} charts to {charts_dir}", err=True)
        text = explained.text(chosen, color=color_for(output), chart_files=links)
        if letters_dir is not None:
            letters = explained.letters()
            write_files(letters, letters_dir, "letters")
            click.echo(f"wrote {len(letters)} letters to {letters_dir}", err=True)
        write_output(text, output)

    run_guarded(action)
