"""The report's charts: balances and payments drawn with matplotlib (Agg, deterministic SVG), from the document.

The SVGs carry no words: only dates (YYYY-MM) and amounts, which the bundled
DejaVu Sans covers in any language. Which colour is which account is said by a
legend beside the chart, in the page's own text (`chart_legend`), so account
names in Chinese need no font inside the chart, and the legend never covers
the bars. Files saved with `--charts DIR` draw the legend below the plot.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path
from types import ModuleType

from ..analysis.document import ReportData

SVG_KEYS = ("balances", "payments")
_RC = {
    "svg.hashsalt": "debtopt",
    "svg.fonttype": "path",
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.dpi": 100,
    "savefig.dpi": 100,
}
_SIZE = (8.0, 3.2)


@cache
def plotting() -> tuple[ModuleType, ModuleType]:
    """matplotlib (on the Agg backend) and its pyplot, imported on first use: loading them takes
    about half a second, which the text and JSON outputs, which draw nothing, do not pay."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return matplotlib, plt


def colours(n: int) -> list[str]:
    """The same colour for an account in every chart and legend (tab10, tab20 past ten accounts)."""
    matplotlib, plt = plotting()
    cmap = plt.get_cmap("tab10" if n <= 10 else "tab20")
    return [matplotlib.colors.to_hex(cmap(k % cmap.N)) for k in range(n)]


def chart_legend(doc: ReportData, names: dict[str, str]) -> list[tuple[str, str]]:
    """(colour, account name) for every account, in column order."""
    return list(zip(colours(len(doc.accounts)), [names.get(a.id, a.id) for a in doc.accounts], strict=True))


def _series(doc: ReportData, key: str) -> list[list[float]]:
    out = []
    for a in doc.accounts:
        values = []
        for month in doc.plan.months:
            lm = next((x for x in month.loans if x.id == a.id), None)
            values.append(0.0 if lm is None else float(getattr(lm, key)))
        out.append(values)
    return out


def _ticks(ax: object, dates: list[str]) -> None:
    n = len(dates)
    step = max(1, -(-n // 8))
    positions = list(range(0, n, step))
    ax.set_xticks(positions)  # type: ignore[attr-defined]
    ax.set_xticklabels([dates[p] for p in positions], rotation=45, ha="right")  # type: ignore[attr-defined]


def _draw(key: str, doc: ReportData, labels: list[str] | None) -> object:
    _, plt = plotting()
    fig, ax = plt.subplots(figsize=_SIZE)
    dates = [m.date for m in doc.plan.months]
    x = list(range(len(dates)))
    series = _series(doc, "balance" if key == "balances" else "payment")
    cs = colours(len(series))
    if key == "balances":
        ax.stackplot(x, *series, colors=cs, labels=labels or [""] * len(series))
    else:
        bottom = [0.0] * len(x)
        for values, colour, label in zip(series, cs, labels or [""] * len(series), strict=True):
            ax.bar(x, values, bottom=bottom, width=0.8, color=colour, label=label)
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_ylabel(doc.currency)
    _ticks(ax, dates)
    if labels:  # a saved file has no page around it: the legend goes below the plot, never on it
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.32), ncol=min(4, len(labels)), frameon=False,
                  fontsize=8)
    fig.tight_layout()
    return fig


def render_charts(doc: ReportData, fmt: str = "svg", labels: list[str] | None = None,
                  fonts: list[str] | None = None) -> dict[str, bytes]:
    """Each chart as SVG (or PNG) bytes; `labels` (account names) draws the legend into the image."""
    if fmt not in ("svg", "png"):
        raise ValueError("charts are saved as svg or png")
    matplotlib, plt = plotting()
    out: dict[str, bytes] = {}
    for key in SVG_KEYS:
        # Per chart salt and id: several SVGs inline in one page never share an id for different shapes.
        rc = {**_RC, "svg.hashsalt": f"debtopt-{key}", "svg.id": f"chart-{key}-svg",
              "font.family": fonts or ["DejaVu Sans"]}
        with matplotlib.rc_context(rc):
            fig = _draw(key, doc, labels)
            buffer = io.BytesIO()
            metadata = {"Date": None} if fmt == "svg" else {"Software": None}
            fig.savefig(buffer, format=fmt, metadata=metadata, bbox_inches="tight")  # type: ignore[attr-defined]
            plt.close(fig)  # type: ignore[arg-type]
            out[key] = buffer.getvalue()
    return out


def inline_svgs(doc: ReportData) -> dict[str, str]:
    """SVGs for embedding in HTML: without the XML declaration and DOCTYPE, no words inside."""
    out = {}
    for key, svg in render_charts(doc, "svg").items():
        text = svg.decode("utf-8")
        out[key] = text[text.find("<svg"):].strip()
    return out


CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "WenQuanYi Zen Hei", "Source Han Sans SC")


def _fonts_for(names: list[str]) -> list[str] | None:
    """The font families that draw every character of the names: DejaVu Sans, then a CJK font the
    machine has (None: none does, the saved charts then name accounts by id)."""
    plotting()
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    def covers(path: str) -> set[int]:
        return set(FT2Font(path).get_charmap())

    needed = {ord(c) for name in names for c in name}
    have = covers(font_manager.findfont("DejaVu Sans"))
    if needed <= have:
        return ["DejaVu Sans"]
    for family in CJK_FONTS:
        try:
            path = font_manager.findfont(family, fallback_to_default=False)
        except ValueError:
            continue
        if needed <= have | covers(path):
            return ["DejaVu Sans", family]
    return None


def save_charts(doc: ReportData, names: dict[str, str], directory: Path, fmt: str = "svg") -> dict[str, str]:
    """Write each chart to DIRECTORY/KEY.FMT with its legend drawn in; return the file names by key."""
    directory.mkdir(parents=True, exist_ok=True)
    labels = [names.get(a.id, a.id) for a in doc.accounts]
    fonts = _fonts_for(labels)
    if fonts is None:
        labels = [a.id for a in doc.accounts]
    files = {}
    for key, content in render_charts(doc, fmt, labels, fonts).items():
        name = f"{key}.{fmt}"
        (directory / name).write_bytes(content)
        files[key] = name
    return files
