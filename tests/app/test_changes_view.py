"""The app's Changes view: /api/changes answers what `graphkit changes` answers, between load dates."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from graphkit.workspace import open_workspace
from queries.changes import changes
from tests.app.conftest import HISTORY_DATES, Client


@pytest.fixture(scope="module")
def history_client(history_ws):
    from graphkit.app.server import bind, create_app, start_in_thread

    running = start_in_thread(create_app(str(history_ws)), bind("127.0.0.1", 0))
    yield Client(running.url)
    running.stop()


def _accounts(data: dict, section: str) -> list[str]:
    block = next(s for s in data["sections"] if s["name"] == section)
    column = [c["name"] for c in block["table"]["columns"]].index("account")
    return [row[column] for row in block["table"]["rows"]]


def test_the_last_two_loads_by_default_and_the_dates_to_pick(history_client, history_ws):
    status, data = history_client.json("/api/changes?brand=brand")
    assert status == 200
    assert data["dates"] == list(HISTORY_DATES)
    assert (data["since"], data["until"]) == HISTORY_DATES[1:]
    assert _accounts(data, "rising") == ["rising"] and _accounts(data, "new_followers") == []
    expected = changes(open_workspace(history_ws), "brand", since=HISTORY_DATES[1], until=HISTORY_DATES[2], top=50)
    for name in ("rising", "falling"):
        assert _accounts(data, name) == expected.sections[name]["account"].tolist()


def test_a_picked_range(history_client):
    status, data = history_client.json("/api/changes?" + urlencode(
        {"brand": "brand", "since": HISTORY_DATES[0], "until": HISTORY_DATES[1]}))
    assert status == 200
    assert _accounts(data, "new_followers") == ["fan8"] and _accounts(data, "lost_followers") == ["fan7"]
    assert "old" in _accounts(data, "falling")
    assert data["summary"]["followers_since"] == 8 and data["summary"]["followers_until"] == 8


def test_bad_dates_and_brands_are_one_sentence(history_client):
    status, data = history_client.json("/api/changes?brand=brand&since=yesterday")
    assert status == 400 and "not an ISO-8601 date" in data["error"]
    status, data = history_client.json("/api/changes?" + urlencode(
        {"brand": "brand", "since": HISTORY_DATES[2], "until": HISTORY_DATES[0]}))
    assert status == 400 and "is not before" in data["error"]
    status, data = history_client.json("/api/changes?brand=nobody")
    assert status in (400, 404) and "nobody" in data["error"]


def test_one_load_date_says_so(client):
    status, data = client.json("/api/changes?brand=acme")
    assert status == 200 and data["sections"] == [] and "one time only" in data["note"]
