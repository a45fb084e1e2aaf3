"""The map and the report in a real headless Chromium (Debian's ``chromium``).

Checks the rendered page, not the HTML text: every node and edge drawn, hover
and click show the account, the search box finds what Python says it should,
an account's ``<script>`` bio is shown as text and never runs, no console error,
and no request besides the page's own file. Saves screenshots under
``tmp_path`` (and, with ``GRAPHKIT_SCREENSHOTS=DIR``, into DIR too).

Skips when chromium is absent, except with ``CI=true``: there a missing
browser fails the test.
"""

from __future__ import annotations

import os
import shutil
import struct
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from graphkit.graph import FollowGraph
from queries.exporters import write_neighbourhood

from .cdp import Browser, find_chromium

pytestmark = pytest.mark.browser

XSS = "<script>alert(1)</script><img src=x onerror=alert(2)>"


@pytest.fixture(scope="module")
def chromium() -> str:
    path = find_chromium()
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is not installed; CI must install it (apt-get install -y chromium)")
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    return path


@pytest.fixture
def browser(chromium, tmp_path):
    with Browser(chromium, tmp_path / "profile") as opened:
        yield opened


def keep(path: Path) -> None:
    target = os.environ.get("GRAPHKIT_SCREENSHOTS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(target) / path.name)


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


def neighbourhood_graph(n: int = 400, seed: int = 7):
    """A seed, its followers and followees, with profiles; one hostile bio."""
    rng = np.random.default_rng(seed)
    names = [f"acct{i:03d}" for i in range(n)]
    pairs = [(name, "seed") for name in names[: n // 2]] + [("seed", name) for name in names[n // 2 :: 3]]
    for _ in range(n * 2):
        a, b = rng.choice(n, 2, replace=False)
        pairs.append((names[a], names[b]))
    profiles = pd.DataFrame({
        "key": ["seed", *names],
        "followers_count": pd.array([80_000, *rng.integers(100, 3_000_000, n)], dtype="Int64"),
        "bio": ["the brand", XSS, *["hiking and camping"] * (n - 1)],
        "display_name": ["Seed", "Evil <b>bold</b>", *[f"Name {i}" for i in range(1, n)]],
    })
    g = FollowGraph.from_pairs(pairs, attributes=profiles)
    members = ["seed", *names]
    table = pd.DataFrame({
        "rank": np.arange(len(members)),
        "account": members,
        "score": np.round(rng.random(len(members)), 4),
    })
    table.attrs["seed"] = "seed"
    chosen = set(members)
    edges = {(a, b) for a, b in pairs if a in chosen and b in chosen and a != b}
    return g, table, edges


def page_status(browser: Browser) -> dict:
    return browser.evaluate("JSON.parse(document.getElementById('gk-status').textContent)")


def test_map_renders_hovers_searches_and_stays_offline(browser, tmp_path):
    g, table, edges = neighbourhood_graph()
    page = tmp_path / "map.html"
    write_neighbourhood(g, table, page)
    browser.open(page.as_uri())
    status = page_status(browser)
    assert status["ready"] is True and status["errors"] == []
    assert status["nodesDrawn"] == len(table)
    assert status["edgesDrawn"] == len(edges)

    # hover the hostile account: its bio appears as text, nothing runs
    x, y = browser.evaluate("gkMap.screenOf('acct000')")
    browser.call("Input.dispatchMouseEvent", type="mouseMoved", x=x, y=y)
    tip = browser.evaluate("document.getElementById('gk-tip').hidden ? null : document.getElementById('gk-tip').textContent")
    assert tip is not None and tip.startswith("acct000")
    assert "Evil <b>bold</b>" in tip
    browser.call("Input.dispatchMouseEvent", type="mousePressed", x=x, y=y, button="left", clickCount=1)
    browser.call("Input.dispatchMouseEvent", type="mouseReleased", x=x, y=y, button="left", clickCount=1)
    panel = browser.evaluate("document.querySelector('#gk-panel h2').textContent")
    assert panel == "acct000"
    assert XSS in browser.evaluate("document.getElementById('gk-panel').textContent")
    assert browser.evaluate("document.querySelectorAll('img, #gk-panel script, #gk-tip script').length") == 0
    assert browser.evaluate("Array.from(document.querySelectorAll('b')).filter(b => b.textContent === 'bold').length") == 0
    assert page_status(browser)["selected"] == "acct000"

    # type into the search box like a user
    browser.call("Input.dispatchKeyEvent", type="keyDown", key="Escape", code="Escape", windowsVirtualKeyCode=27)
    box = browser.evaluate("(r => [r.left + 10, r.top + r.height / 2])(document.getElementById('gk-search').getBoundingClientRect())")
    browser.call("Input.dispatchMouseEvent", type="mousePressed", x=box[0], y=box[1], button="left", clickCount=1)
    browser.call("Input.dispatchMouseEvent", type="mouseReleased", x=box[0], y=box[1], button="left", clickCount=1)
    browser.call("Input.insertText", text="acct01")
    assert browser.evaluate("document.getElementById('gk-search').value") == "acct01"
    expected = sum(1 for name in table.account if "acct01" in name)  # acct010..acct019
    status = page_status(browser)
    assert status["matches"] == expected == 10
    assert browser.evaluate("document.getElementById('gk-count').textContent") == "10 matches"
    browser.call("Input.dispatchKeyEvent", type="keyDown", key="Enter", code="Enter", windowsVirtualKeyCode=13)
    assert page_status(browser)["selected"] == status["firstMatch"]

    # zoom in with the wheel: fewer nodes fit on screen
    browser.call("Input.dispatchMouseEvent", type="mouseWheel", x=x, y=y, deltaX=0, deltaY=-900)
    browser.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    assert page_status(browser)["nodesDrawn"] < len(table)

    shot = browser.screenshot(tmp_path / "map.png")
    assert png_size(shot)[0] == 1280 and png_size(shot)[1] > 500
    keep(shot)
    assert browser.console_errors() == []
    assert browser.dialogs() == []
    assert browser.requests() == [page.as_uri()]


def test_report_renders_offline(chromium, tmp_path):
    from queries.report import report

    g, table, edges = neighbourhood_graph(n=300, seed=3)
    page = tmp_path / "report.html"
    page.write_text(report(g, "seed", budget=20_000, map_limit=300), encoding="utf-8")
    with Browser(chromium, tmp_path / "profile", size=(1400, 900)) as browser:
        browser.open(page.as_uri())
        status = page_status(browser)
        assert status["ready"] is True and status["errors"] == [] and status["webgl"] is True
        assert status["nodes"] > 100 and status["clusterLabels"]  # the landscape, not the hairball
        headings = browser.evaluate("Array.from(document.querySelectorAll('h2')).map(h => h.textContent)")
        assert headings[0] == "What the audience follows, by tier"
        assert "Where the audience lives: the influencer landscape" in headings
        assert any(h.startswith("Plan for a budget") for h in headings)
        assert browser.evaluate("document.querySelectorAll('svg.gk-chart rect').length") == 7
        # plan and naive pick stacked: no table is clipped at 1,400 px
        right = browser.evaluate("Math.max(...Array.from(document.querySelectorAll('table.gk-table'))"
                                 ".map(t => t.getBoundingClientRect().right))")
        assert right <= 1400
        assert browser.evaluate("Array.from(document.querySelectorAll('.gk-scroll'))"
                                ".every(d => d.scrollWidth <= d.clientWidth)")
        shot = browser.full_screenshot(tmp_path / "report.png")
        assert png_size(shot)[1] > 900  # the whole page, not one screen
        keep(shot)
        assert browser.console_errors() == []
        assert browser.dialogs() == []
        assert [r for r in browser.requests() if not r.startswith("blob:")] == [page.as_uri()]
