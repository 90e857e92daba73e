"""The HTML report in headless Chromium: no console errors, every chart drawn, the hostile name shown as text.

Needs Debian's `chromium` (`apt-get install -y chromium`); skipped with a reason when it is not installed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from debtopt.domain import scenario_from_dict
from debtopt.report.analysis import build_report
from debtopt.report.charts import inline_svgs
from debtopt.report.document import CHART_KEYS
from debtopt.report.render import render

from test_report_golden import SMALL, XSS

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install -y chromium)")


def _chromium(*args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True,
                              text=True, timeout=120, env={**os.environ, "LANG": "C.UTF-8"})


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    scenario = scenario_from_dict(SMALL)
    data = build_report(scenario, use_optimizer=False)
    html = render(scenario, data, "html", "zh", svgs=inline_svgs(data))
    # Self-contained: no scripts, no external styles, fonts or images.
    assert "<script" not in html and "<link" not in html and "@import" not in html
    assert not re.search(r'url\((?!#)|(src|href)="(https?:)?//', html)
    path = tmp_path_factory.mktemp("html") / "report.html"
    path.write_text(html, encoding="utf-8")
    return path


def test_dom_shows_the_name_as_text_and_every_chart(page: Path) -> None:
    done = _chromium("--dump-dom", "--enable-logging=stderr", "--v=0", page.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    assert "<script>alert" not in dom and "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
    for key in CHART_KEYS:
        assert re.search(rf'<figure class="chart" id="chart-{key}"><svg[^>]*width="[1-9]', dom), key
    console = [line for line in done.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert console == []
    assert XSS.split(">")[0] not in dom.replace("&lt;script&gt;", "")


def test_screenshot_is_not_blank_and_charts_are_drawn(page: Path, tmp_path: Path) -> None:
    from PIL import Image

    shot = tmp_path / "shot.png"
    done = _chromium(f"--screenshot={shot}", "--window-size=1200,6000", "--enable-logging=stderr", "--v=0",
                     page.as_uri())
    assert done.returncode == 0 and shot.exists(), done.stderr[-2000:]
    assert not [line for line in done.stderr.splitlines() if "CONSOLE" in line]
    import numpy as np

    image = np.asarray(Image.open(shot).convert("RGB"))
    colours = {tuple(int(v) for v in c) for c in np.unique(image.reshape(-1, 3), axis=0)}
    assert len(colours) > 50, "the screenshot is blank"

    def seen(rgb: tuple[int, int, int]) -> bool:
        return any(all(abs(c[k] - rgb[k]) <= 8 for k in range(3)) for c in colours)

    assert seen((0x1F, 0x77, 0xB4)), "payments chart (first loan's bars) not drawn"
    assert seen((0x4C, 0x72, 0xB0)), "cost chart not drawn"
    assert seen((0x9F, 0xD3, 0xA0)), "overdue grid not drawn"
    assert seen((0xFF, 0x7F, 0x0E)), "balances and payments charts (second loan) not drawn"
