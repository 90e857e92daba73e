"""`debtopt report FILE`: the full report, explained, in one language and format.

Register it in cli.py with `main.add_command(report)`.
"""

from __future__ import annotations

from pathlib import Path

import click

from .edge import color_for as _color
from .edge import run_guarded as _run_guarded
from .edge import write_output
from .report.render import FORMATS


@click.command("report")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--lang", type=click.Choice(["en", "zh"]), default=None,
              help="Language of the report (default: the scenario's `language`, else en).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="Output format (default: from the -o file's extension, else text).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file instead of the terminal.")
@click.option("--charts", "charts_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Also save the charts in this folder (Markdown links to them).")
@click.option("--chart-format", type=click.Choice(["svg", "png"]), default="svg", show_default=True,
              help="File format of the charts saved with --charts.")
@click.option("--letters", "letters_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Also write each lender's letter, in Chinese and in English, as Markdown files in this folder.")
@click.option("--order", default=None,
              help="Your own order of loans (ids, e.g. card,huabei): compared, and used for the borrowing section.")
@click.option("--heuristics-only", is_flag=True, default=False,
              help="Do not run the optimizer: explain the best heuristic plan.")
@click.option("--time-limit", type=click.FloatRange(min=1), default=60.0, show_default=True,
              help="Seconds the optimizer may take per solve.")
def report(file: Path, lang: str | None, fmt: str | None, output: Path | None, charts_dir: Path | None, chart_format: str,
           letters_dir: Path | None, order: str | None, heuristics_only: bool, time_limit: float) -> None:
    """The full report: the plan, why each payment, comparisons, borrowing, charts and letters to lenders."""
    from .analysis.report_data import build_report_data
    from .domain import load_scenario
    from .errors import FieldIssue, ScenarioError
    from .report.render import render
    from .report.words import Words

    def action() -> None:
        scenario = load_scenario(file)
        language = lang or scenario.language
        ids = [part.strip() for part in order.split(",") if part.strip()] if order else None
        if order is not None and not ids:
            raise ScenarioError([FieldIssue("--order", "give loan ids separated by commas, e.g. card,huabei")])
        chosen = fmt or _format_of(output)
        plan, heuristics = _plan(scenario, ids, heuristics_only, time_limit)
        data = build_report_data(scenario, plan, lang=language, order=ids, heuristics=heuristics)
        svgs = None
        chart_files = None
        if charts_dir is not None:
            from .report.charts import save_charts

            names = save_charts(data, Words(data, language).names, charts_dir, chart_format)
            base = output.parent if output is not None else Path(".")
            try:
                rel = charts_dir.resolve().relative_to(base.resolve())
            except ValueError:
                rel = charts_dir.resolve()
            chart_files = {key: (rel / name).as_posix() for key, name in names.items()}
        if letters_dir is not None:
            from .report.render import letter_files

            letters_dir.mkdir(parents=True, exist_ok=True)
            for name, content in letter_files(data).items():
                (letters_dir / name).write_text(content, encoding="utf-8")
        if chosen == "html":
            from .report.charts import inline_svgs

            svgs = inline_svgs(data)
        text = render(data, chosen, language, color=_color(output) and chosen == "text",
                      svgs=svgs, chart_files=chart_files)
        write_output(text, output)
        if output is not None:
            click.echo(f"wrote {output}", err=True)

    _run_guarded(action)


_EXTENSIONS = {".html": "html", ".htm": "html", ".md": "markdown", ".json": "json", ".csv": "csv", ".txt": "text"}


def _format_of(output: Path | None) -> str:
    return _EXTENSIONS.get(output.suffix.lower(), "text") if output is not None else "text"


def _plan(scenario, order, heuristics_only, time_limit):  # type: ignore[no-untyped-def]
    """The plan the report explains: the optimizer's, or with --heuristics-only the best heuristic's."""
    from .optimize import optimize
    from .strategies import run_heuristics, run_strategy

    heuristics = run_heuristics(scenario)
    if order:
        heuristics["custom"] = run_strategy(scenario, "custom", list(order))
    if heuristics_only:
        return min(heuristics.values(), key=lambda p: p.rank_key()), heuristics
    return optimize(scenario, time_limit_seconds=time_limit), heuristics
