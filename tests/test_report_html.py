"""The HTML report in headless Chromium at 1280 and 390 px, and printed on A4.

At each width: the page never scrolls sideways (tables scroll in their own box),
every chart is drawn inside the page, a screenshot is not blank. Printed: the
PDF's page count, and each letter starts a page (the same report without its
letters has exactly that many pages fewer... at least one per letter).
Needs Debian's `chromium`; skipped, with the reason, when it is not installed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from debtopt.analysis.document import ReportData
from debtopt.report.charts import inline_svgs
from debtopt.report.render import render

from test_report_golden import example

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars"]
# Test-only: the report itself forbids scripts; this copy measures the page and writes the result in the title.
PROBE = """<script>
const page = document.documentElement;
const charts = [...document.querySelectorAll("figure.chart")].map(f => f.getBoundingClientRect());
const drawn = charts.filter(r => r.width > 50 && r.height > 20 && r.right <= innerWidth + 1).length;
document.title = JSON.stringify({scroll: page.scrollWidth, inner: innerWidth, charts: charts.length, drawn});
</script>"""

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install -y chromium)")


def _chromium(*args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True,
                              text=True, timeout=120, env={**os.environ, "LANG": "C.UTF-8"})


def _page(doc: ReportData, lang: str, folder: Path, probe: bool = False) -> Path:
    html = render(doc, "html", lang, svgs=inline_svgs(doc))
    if probe:
        html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html).replace("</body>", PROBE + "</body>")
    path = folder / f"report.{lang}{'.probe' if probe else ''}.html"
    path.write_text(html, encoding="utf-8")
    return path


CASES = [("zhang-san", "zh"), ("us-consolidation", "en")]


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize(("name", "lang"), CASES)
def test_no_sideways_scroll_and_every_chart_drawn(name: str, lang: str, width: int, tmp_path: Path) -> None:
    import json

    _, doc = example(name)
    done = _chromium("--dump-dom", f"--window-size={width},900", _page(doc, lang, tmp_path, probe=True).as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(re.search(r"<title>(.*?)</title>", done.stdout).group(1).replace("&quot;", '"'))  # type: ignore[union-attr]
    assert seen["scroll"] <= seen["inner"], f"the page scrolls sideways at {width} px: {seen}"
    assert seen["charts"] == 4 and seen["drawn"] == 4, seen


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize(("name", "lang"), CASES)
def test_screenshot_is_not_blank(name: str, lang: str, width: int, tmp_path: Path) -> None:
    import numpy as np
    from PIL import Image

    _, doc = example(name)
    shot = tmp_path / f"{name}-{width}.png"
    done = _chromium(f"--screenshot={shot}", f"--window-size={width},2000", _page(doc, lang, tmp_path).as_uri())
    assert done.returncode == 0 and shot.exists(), done.stderr[-2000:]
    image = np.asarray(Image.open(shot).convert("RGB"))
    assert len(np.unique(image.reshape(-1, 3), axis=0)) > 50, "the screenshot is blank"
    if os.environ.get("DEBTOPT_SCREENSHOTS"):  # to look at them: DEBTOPT_SCREENSHOTS=/tmp/shots
        Path(os.environ["DEBTOPT_SCREENSHOTS"]).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(os.environ["DEBTOPT_SCREENSHOTS"]) / f"{name}.{lang}.{width}.png")


def _pages(pdf: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))


@pytest.mark.parametrize(("name", "lang"), CASES)
def test_prints_on_a4_with_each_letter_on_its_own_pages(name: str, lang: str, tmp_path: Path) -> None:
    _, doc = example(name)
    counts = []
    for which, d in (("with", doc), ("without", doc.model_copy(update={"letters": []}))):
        pdf = tmp_path / f"{which}.pdf"
        page = _page(d, lang, tmp_path / which) if (tmp_path / which).mkdir() is None else None
        done = _chromium("--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())  # type: ignore[union-attr]
        assert done.returncode == 0 and pdf.exists(), done.stderr[-2000:]
        counts.append(_pages(pdf))
        text = pdf.read_bytes()
        assert re.search(rb"/MediaBox\s*\[\s*0 0 59[45]\.\d* 84[12]\.\d*", text), "not A4"
    with_letters, without = counts
    assert doc.letters and with_letters - without >= len(doc.letters), counts
    assert with_letters <= 12, f"{with_letters} pages"
