"""The app in a real headless Chromium, driven like a user over the DevTools protocol.

On the demo: pick the brand in the picker, filter the shortlist to micro, open an account, set
a budget, download the CSVs (checked against `graphkit rank` and `graphkit plan` output),
switch to the landscape and check that communities and labels are drawn; no console error,
no request leaving 127.0.0.1. Then the hostile-bio case and the token case. Screenshots go to
``GRAPHKIT_SCREENSHOTS`` when set (docs/img/app.png is taken here).
"""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import pandas as pd
import pytest

from graphkit.app.server import bind, create_app, start_in_thread
from tests.exports.cdp import Browser
from tests.exports.test_browser import keep, png_size

pytestmark = pytest.mark.browser


def wait_for(browser: Browser, expression: str, timeout: float = 60.0):
    """Poll a JavaScript expression until it is truthy; return its value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = browser.evaluate(expression)
        if value:
            return value
        time.sleep(0.1)
    raise TimeoutError(f"never true: {expression}")


def app_status(browser: Browser) -> dict:
    return browser.evaluate("JSON.parse(document.getElementById('gk-status').textContent || '{}')")


def drawn(browser: Browser, view: str, timeout: float = 90.0) -> dict:
    wait_for(browser, f"(s => s.drawn && s.drawn[{json.dumps(view)}] && s.pending === 0)"
                      "(JSON.parse(document.getElementById('gk-status').textContent || '{}'))", timeout)
    return app_status(browser)


def redrawn(browser: Browser, view: str, before: dict, condition: str = "true", timeout: float = 60.0) -> dict:
    """Wait until ``view`` is drawn again after the status ``before`` (its ``drawnAt`` time
    changed: the table on screen is the new one), nothing is pending and the JavaScript
    ``condition`` holds; the status then."""
    then = json.dumps((before.get("drawnAt") or {}).get(view))
    wait_for(browser, f"(s => s.pending === 0 && s.drawnAt && s.drawnAt[{json.dumps(view)}] !== {then} && ({condition}))"
                      "(JSON.parse(document.getElementById('gk-status').textContent || '{}'))", timeout)
    return app_status(browser)


def click(browser: Browser, selector: str) -> None:
    """A real mouse click in the middle of the element (scrolled into view first)."""
    x, y = wait_for(browser, f"(e => e && (e.scrollIntoView({{block: 'center'}}), true) && "
                             f"(r => r.width ? [r.left + r.width / 2, r.top + r.height / 2] : null)"
                             f"(e.getBoundingClientRect()))(document.querySelector({json.dumps(selector)}))")
    for kind in ("mousePressed", "mouseReleased"):
        browser.call("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)


def type_into(browser: Browser, selector: str, text: str, *, replace: bool = True) -> None:
    click(browser, selector)
    if replace:
        browser.evaluate(f"document.querySelector({json.dumps(selector)}).select()")
    browser.call("Input.insertText", text=text)


def press(browser: Browser, key: str, code: int) -> None:
    browser.call("Input.dispatchKeyEvent", type="keyDown", key=key, code=key, windowsVirtualKeyCode=code)
    browser.call("Input.dispatchKeyEvent", type="keyUp", key=key, code=key, windowsVirtualKeyCode=code)


def download(browser: Browser, selector: str, folder: Path, timeout: float = 60.0) -> Path:
    """Click a download link; return the file once written."""
    before = set(folder.iterdir())
    click(browser, selector)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        new = [p for p in set(folder.iterdir()) - before if not p.name.endswith(".crdownload")]
        if new:
            return new[0]
        time.sleep(0.1)
    raise TimeoutError(f"nothing downloaded from {selector}")


def local_only(browser: Browser, base: str) -> list[str]:
    """Requests that went anywhere but this server (blob: workers are in-page, not requests out)."""
    return [r for r in browser.requests() if not r.startswith(base) and not r.startswith(f"blob:{base[:-1]}")]


@pytest.fixture(scope="module")
def server(demo_ws):
    running = start_in_thread(create_app(str(demo_ws)), bind("127.0.0.1", 0))
    yield running
    running.stop()


def test_a_marketer_session(chromium, server, run_cli, demo_ws, tmp_path):
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    with Browser(chromium, tmp_path / "profile", size=(1400, 1080)) as browser:
        browser.open(server.url)
        browser.call("Page.setDownloadBehavior", behavior="allow", downloadPath=str(downloads))
        drawn(browser, "welcome")

        # pick the brand the way a user does: type, then click the suggestion
        type_into(browser, "#gk-brand", "acm")
        wait_for(browser, "!!document.querySelector('#gk-brand-list li[data-account=\"acme\"]')")
        click(browser, '#gk-brand-list li[data-account="acme"]')
        status = drawn(browser, "overview")
        assert status["brand"] == "acme"
        cards = browser.evaluate("Array.from(document.querySelectorAll('.gk-card b')).map(b => b.textContent)")
        assert cards[:2] == ["2,115", "1,557 (73.6%)"]

        # shortlist, filtered to micro
        click(browser, '.gk-tabs button[data-view="shortlist"]')
        before = drawn(browser, "shortlist")
        click(browser, "#gk-f-tier-micro")
        status = redrawn(browser, "shortlist", before, "location.search.includes('tier=micro')")
        tiers = browser.evaluate("Array.from(document.querySelectorAll('#gk-view-shortlist .gk-table tbody tr'))"
                                 ".map(r => r.children[2].textContent)")
        assert len(tiers) == 50 and set(tiers) == {"micro"}
        shown = status["shortlist"]["accounts"]

        # the CSV holds what is shown, and it is graphkit rank's ranking filtered to micro
        csv = download(browser, "#gk-download-shortlist-csv", downloads)
        table = pd.read_csv(csv)
        assert table["account"].tolist() == shown
        cli = run_cli("rank", "acme", "--top", "5000", "--format", "csv", workspace=demo_ws)
        ranked = pd.read_csv(io.StringIO(cli.stdout))
        micro = ranked[ranked["tier"] == "micro"].head(50).reset_index(drop=True)
        assert table["account"].tolist() == micro["account"].tolist()
        assert table["rank"].tolist() == micro["rank"].tolist()
        pd.testing.assert_series_equal(table["score"], micro["score"], check_exact=False, rtol=1e-12)

        # open an account from the table
        click(browser, "#gk-view-shortlist .gk-table tbody tr:first-child .gk-account-link")
        wait_for(browser, "(s => s.account && s.pending === 0)(JSON.parse(document.getElementById('gk-status').textContent))")
        card = app_status(browser)["account"]
        assert card["account"] == shown[0] and card["tier"] == "micro" and card["components"] >= 5
        why = browser.evaluate("Array.from(document.querySelectorAll('#gk-account .gk-kv')[0].rows)"
                               ".map(r => [r.cells[0].textContent, r.cells[1].textContent])")
        assert ["Score", f"{micro['score'][0]:.3f}"] in why
        press(browser, "Escape", 27)

        # plan: set a budget like a user
        click(browser, '.gk-tabs button[data-view="plan"]')
        before = drawn(browser, "plan")
        type_into(browser, "#gk-p-budget", "3000")
        press(browser, "Tab", 9)
        planned = redrawn(browser, "plan", before, "location.search.includes('budget=3000')")["plan"]
        cli = run_cli("plan", "acme", "--budget", "3000", "--format", "csv", workspace=demo_ws)
        expected = pd.read_csv(io.StringIO(cli.stdout))
        assert planned["accounts"] == expected["account"].tolist()
        plan_csv = pd.read_csv(download(browser, "#gk-download-plan-csv-plan", downloads))
        pd.testing.assert_frame_equal(plan_csv, expected)
        assert browser.evaluate("document.querySelector('svg.gk-curve polyline') !== null")
        # the plan above the naive pick: both whole at 1,400 px, nothing scrolled out of view
        assert browser.evaluate("Array.from(document.querySelectorAll('#gk-view-plan .gk-table-wrap'))"
                                ".every(d => d.scrollWidth <= d.clientWidth)")

        # pick two accounts by hand and see the deduplicated reach
        click(browser, "#gk-view-plan .gk-table tbody tr:nth-child(1) .gk-row-action button")
        wait_for(browser, "(s => s.selection && s.pending === 0)(JSON.parse(document.getElementById('gk-status').textContent))")
        click(browser, "#gk-view-plan .gk-table tbody tr:nth-child(2) .gk-row-action button")
        wait_for(browser, "(s => s.selection && s.selection.accounts.length === 2 && s.pending === 0)"
                          "(JSON.parse(document.getElementById('gk-status').textContent))")
        selection = app_status(browser)["selection"]
        assert selection["accounts"] == expected["account"].tolist()[:2]
        assert selection["reach"] == expected["cumulative_reach"][1]

        # the landscape: communities and labels drawn
        click(browser, '.gk-tabs button[data-view="landscape"]')
        drawn(browser, "landscape")
        wait_for(browser, "gkApp.landscape() && gkApp.landscape().layout === 'done'", timeout=30)
        browser.evaluate("gkApp.landscapeController().relabel()")
        land = browser.evaluate("gkApp.landscape()")
        assert land["webgl"] and land["nodes"] == 300 and land["errors"] == []
        assert len(land["clusterLabels"]) >= 4 and len(land["labels"]) >= 5
        labels = browser.evaluate("Array.from(document.querySelectorAll('.gk-land-cluster:not([hidden]) b'))"
                                  ".map(b => b.textContent)")
        assert labels == land["clusterLabels"]
        shot = browser.screenshot(tmp_path / "app.png")
        assert png_size(shot)[0] == 1400 and png_size(shot)[1] > 900
        keep(shot)

        # click a node: its account card opens
        x, y = browser.evaluate(f"gkApp.landscapeController().screenOf({json.dumps(land['labels'][0])})")
        for kind in ("mousePressed", "mouseReleased"):
            browser.call("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)
        wait_for(browser, f"(s => s.account && s.account.account === {json.dumps(land['labels'][0])})"
                          "(JSON.parse(document.getElementById('gk-status').textContent))")

        # the address bar reproduces the view
        url = browser.evaluate("location.href")
        assert "view=landscape" in url and "brand=acme" in url
        assert app_status(browser)["errors"] == []
        assert browser.console_errors() == []
        assert browser.dialogs() == []
        assert local_only(browser, server.url) == []


def test_a_shared_link_reproduces_the_shortlist(chromium, server, tmp_path):
    link = server.url + "?brand=acme&view=shortlist&tier=nano&excl=1&sort=followers_count&top=25"
    with Browser(chromium, tmp_path / "profile") as browser:
        browser.open(link)
        status = drawn(browser, "shortlist")
        assert status["shortlist"]["rows"] == 25
        assert browser.evaluate("document.querySelector('#gk-f-tier-nano').checked") is True
        assert browser.evaluate("document.querySelector('#gk-f-excl').checked") is True
        marks = browser.evaluate("Array.from(document.querySelectorAll('.gk-sort-mark')).map(m => m.parentNode.textContent)")
        assert marks == ["Followers ▼"]
        assert browser.console_errors() == [] and local_only(browser, server.url) == []


def test_a_hostile_bio_stays_text(chromium, tmp_path):
    from graphkit.api import load_files
    from graphkit.workspace import open_workspace

    bio = "<img src=x onerror=alert(1)>"
    (tmp_path / "brand.txt").write_text("".join(f"fan{i}\n" for i in range(8)), encoding="utf-8")
    rows = "".join(f"fan{i},evil\nfan{i},good{i % 3}\n" for i in range(8))
    (tmp_path / "edges.csv").write_text("follower,followee\n" + rows, encoding="utf-8")
    (tmp_path / "profiles.csv").write_text(
        f'username,full_name,followers,biography\nevil,"<b>Evil</b> <script>alert(2)</script>",20000,"{bio}"\n',
        encoding="utf-8")
    ws = open_workspace(tmp_path / "ws")
    load_files(ws, "followers", [tmp_path / "brand.txt"], of="brand")
    load_files(ws, "edges", [tmp_path / "edges.csv"])
    load_files(ws, "profiles", [tmp_path / "profiles.csv"])
    running = start_in_thread(create_app(str(tmp_path / "ws")), bind("127.0.0.1", 0))
    try:
        with Browser(chromium, tmp_path / "profile") as browser:
            browser.open(running.url + "?brand=brand&view=landscape&account=evil")
            drawn(browser, "landscape")
            wait_for(browser, "(s => s.account && s.pending === 0)(JSON.parse(document.getElementById('gk-status').textContent))")
            card = browser.evaluate("document.getElementById('gk-account').textContent")
            assert bio in card and "<b>Evil</b>" in card
            press(browser, "Escape", 27)  # close the card: it lies over the right of the map
            wait_for(browser, "gkApp.landscape() && gkApp.landscape().layout === 'done'")  # nodes stay put
            x, y = browser.evaluate("gkApp.landscapeController().screenOf('evil')")
            browser.call("Input.dispatchMouseEvent", type="mouseMoved", x=x, y=y)
            tip = wait_for(browser, "(t => t && !t.hidden && t.textContent)(document.querySelector('.gk-land-tip'))")
            assert bio in tip
            assert browser.evaluate("document.querySelectorAll('img').length") == 0
            assert browser.evaluate("Array.from(document.querySelectorAll('b')).some(b => b.textContent === 'Evil')") is False
            assert browser.dialogs() == [] and browser.console_errors() == []
            assert local_only(browser, running.url) == []
    finally:
        running.stop()


def test_the_token_case(chromium, demo_ws, tmp_path):
    running = start_in_thread(create_app(str(demo_ws), token="t0ken-for-the-test", loopback_only=False),
                              bind("127.0.0.1", 0))
    try:
        with Browser(chromium, tmp_path / "profile") as browser:
            browser.open(running.url + "?brand=acme")
            text = browser.evaluate("document.body.textContent")
            assert "needs its access token" in text
            assert browser.evaluate("document.getElementById('gk-status')") is None  # the app did not load
            browser.open(running.url + "?brand=acme&view=overview&token=t0ken-for-the-test")
            status = drawn(browser, "overview")
            assert status["brand"] == "acme"
            assert "token" not in browser.evaluate("location.href")
            assert browser.console_errors() == []
    finally:
        running.stop()


def test_the_changes_view(chromium, history_ws, run_cli, tmp_path):
    """Open Changes from the tabs, see the last two loads compared, pick another range like a user."""
    from tests.app.conftest import HISTORY_DATES

    running = start_in_thread(create_app(str(history_ws)), bind("127.0.0.1", 0))
    try:
        with Browser(chromium, tmp_path / "profile", size=(1400, 1080)) as browser:
            browser.open(running.url + "?brand=brand")
            drawn(browser, "overview")
            click(browser, '.gk-tabs button[data-view="changes"]')
            status = drawn(browser, "changes")["changes"]
            assert status["dates"] == list(HISTORY_DATES)
            assert (status["since"], status["until"]) == HISTORY_DATES[1:]
            assert status["sections"]["rising"] == ["rising"]
            options = browser.evaluate("Array.from(document.querySelectorAll('#gk-c-since option'))"
                                       ".map(o => o.textContent)")
            assert options == ["2026-01-01 00:00 UTC", "2026-02-01 00:00 UTC", "2026-03-01 00:00 UTC"]

            # pick January .. February in the date pickers
            browser.evaluate("(s => { s.value = " + json.dumps(HISTORY_DATES[0]) + "; "
                             "s.dispatchEvent(new Event('change')); })(document.querySelector('#gk-c-since'))")
            wait_for(browser, "(s => s.changes && s.changes.since === " + json.dumps(HISTORY_DATES[0]) +
                     " && s.pending === 0)(JSON.parse(document.getElementById('gk-status').textContent))")
            browser.evaluate("(s => { s.value = " + json.dumps(HISTORY_DATES[1]) + "; "
                             "s.dispatchEvent(new Event('change')); })(document.querySelector('#gk-c-until'))")
            wait_for(browser, "(s => s.changes && s.changes.until === " + json.dumps(HISTORY_DATES[1]) +
                     " && s.pending === 0)(JSON.parse(document.getElementById('gk-status').textContent))")
            shown = app_status(browser)["changes"]["sections"]
            cli = run_cli("changes", "brand", "--since", HISTORY_DATES[0], "--until", HISTORY_DATES[1],
                          "--top", "50", "--format", "json", workspace=history_ws)
            rows = json.loads(cli.stdout)
            for section in ("new_followers", "lost_followers", "rising", "falling"):
                assert shown[section] == [r["account"] for r in rows if r["section"] == section], section
            assert shown["new_followers"] == ["fan8"] and shown["lost_followers"] == ["fan7"]
            cells = browser.evaluate("Array.from(document.querySelectorAll('#gk-changes-lost_followers tbody td'))"
                                     ".map(td => td.textContent)")
            assert "fan7" in cells
            assert "since=" in browser.evaluate("location.href") and "view=changes" in browser.evaluate("location.href")
            assert app_status(browser)["errors"] == [] and browser.console_errors() == []
            assert local_only(browser, running.url) == []
    finally:
        running.stop()
