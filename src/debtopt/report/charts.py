"""Charts of a report, drawn with matplotlib (Agg) from the report's ledger-replayed figures.

Deterministic SVG: a fixed `svg.hashsalt`, no creation date in the metadata,
the font bundled with matplotlib (DejaVu Sans), text drawn as paths. Chart text
is kept to loan ids, dates (YYYY-MM) and numbers, which that font covers in any
language; the captions in the report's language sit outside the chart, so no
CJK font is needed.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.colors import ListedColormap  # noqa: E402

from .document import CHART_KEYS  # noqa: E402

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
_SIZE = (9.0, 3.6)


def _svg_id_supported() -> bool:
    return "svg.id" in matplotlib.rcParams


def _ids(data: dict[str, Any]) -> list[str]:
    return [loan["id"] for loan in data["loans"]]


def _dates(data: dict[str, Any]) -> list[str]:
    return [m["date"] for m in data["months"]]


def _ticks(ax: Any, n: int, dates: list[str]) -> None:
    step = max(1, -(-n // 12))
    positions = list(range(0, n, step))
    ax.set_xticks(positions)
    ax.set_xticklabels([dates[p] for p in positions], rotation=45, ha="right")


def _series(data: dict[str, Any], key: str) -> dict[str, list[float]]:
    ids = _ids(data)
    out = {i: [] for i in ids}
    for month in data["months"]:
        by_id = {lm["id"]: lm for lm in month["loans"]}
        for i in ids:
            out[i].append(float(by_id[i][key]) if i in by_id else 0.0)
    return out


def _colours(n: int) -> list[Any]:
    """The same colour for a loan in every chart (tab20 when there are many loans)."""
    cmap = plt.get_cmap("tab10" if n <= 10 else "tab20")
    return [cmap(k % cmap.N) for k in range(n)]


def _balances(ax: Any, data: dict[str, Any]) -> None:
    series = _series(data, "balance")
    x = list(range(len(data["months"])))
    ax.stackplot(x, *series.values(), labels=list(series), colors=_colours(len(series)))
    ax.set_ylabel(data["currency"])
    _ticks(ax, len(x), _dates(data))
    ax.legend(loc="upper right", fontsize=8, frameon=False)


def _payments(ax: Any, data: dict[str, Any]) -> None:
    series = _series(data, "payment")
    x = list(range(len(data["months"])))
    bottom = [0.0] * len(x)
    for (i, values), colour in zip(series.items(), _colours(len(series)), strict=True):
        ax.bar(x, values, bottom=bottom, label=i, width=0.8, color=colour)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_ylabel(data["currency"])
    _ticks(ax, len(x), _dates(data))
    ax.legend(loc="upper right", fontsize=8, frameon=False)


def _cost(ax: Any, data: dict[str, Any]) -> None:
    rows = data.get("comparison", {}).get("rows", [])
    names = [r["strategy"] for r in rows]
    parts = [("interest", "#4c72b0"), ("penalty_interest", "#dd8452"), ("fees", "#c44e52")]
    left = [0.0] * len(rows)
    y = list(range(len(rows)))
    for key, colour in parts:
        values = [float(r["totals"][key]) for r in rows]
        ax.barh(y, values, left=left, label=key, color=colour)
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.set_yticks(y)
    ax.set_yticklabels(names)
    ax.invert_yaxis()
    ax.set_xlabel(data["currency"])
    ax.legend(loc="lower right", fontsize=8, frameon=False)


def _overdue(ax: Any, data: dict[str, Any]) -> None:
    ids = _ids(data)
    grid = []
    for i in ids:
        row = []
        for month in data["months"]:
            lm = next((x for x in month["loans"] if x["id"] == i), None)
            row.append(0 if lm is None else (2 if lm["overdue"] else 1))
        grid.append(row)
    cmap = ListedColormap(["#f4f4f4", "#9fd3a0", "#b2182b"])
    ax.imshow(grid, aspect="auto", cmap=cmap, vmin=0, vmax=2, interpolation="nearest")
    ax.set_yticks(list(range(len(ids))))
    ax.set_yticklabels(ids)
    _ticks(ax, len(data["months"]), _dates(data))
    ax.set_xticks([x - 0.5 for x in range(len(data["months"]) + 1)], minor=True)
    ax.set_yticks([y - 0.5 for y in range(len(ids) + 1)], minor=True)
    ax.grid(which="minor", color="white", linewidth=1)
    ax.tick_params(which="minor", length=0)


_DRAW = {"balances": _balances, "payments": _payments, "cost": _cost, "overdue": _overdue}


def _figure(key: str, data: dict[str, Any]) -> Any:
    fig, ax = plt.subplots(figsize=_SIZE)
    _DRAW[key](ax, data)
    fig.tight_layout()
    return fig


def render_charts(data: dict[str, Any], fmt: str = "svg") -> dict[str, bytes]:
    """Each chart as SVG (or PNG) bytes, keyed by CHART_KEYS."""
    if fmt not in ("svg", "png"):
        raise ValueError("charts are saved as svg or png")
    out: dict[str, bytes] = {}
    rc = dict(_RC)
    for key in CHART_KEYS:
        if key == "cost" and not data.get("comparison"):
            continue
        # Per chart salt and id: several SVGs inline in one page never share an id for different shapes.
        rc["svg.hashsalt"] = f"debtopt-{key}"
        if _svg_id_supported():
            rc["svg.id"] = f"chart-{key}-svg"
        with matplotlib.rc_context(rc):
            fig = _figure(key, data)
            buffer = io.BytesIO()
            metadata = {"Date": None} if fmt == "svg" else {"Software": None}
            fig.savefig(buffer, format=fmt, metadata=metadata)
            plt.close(fig)
            out[key] = buffer.getvalue()
    return out


def inline_svgs(data: dict[str, Any]) -> dict[str, str]:
    """SVGs for embedding in HTML: without the XML declaration and DOCTYPE."""
    out = {}
    for key, svg in render_charts(data, "svg").items():
        text = svg.decode("utf-8")
        start = text.find("<svg")
        out[key] = text[start:].strip()
    return out


def save_charts(data: dict[str, Any], directory: Path, fmt: str = "svg") -> dict[str, str]:
    """Write each chart to DIRECTORY/KEY.FMT; return the file names by key."""
    directory.mkdir(parents=True, exist_ok=True)
    names = {}
    for key, content in render_charts(data, fmt).items():
        name = f"{key}.{fmt}"
        (directory / name).write_bytes(content)
        names[key] = name
    return names
