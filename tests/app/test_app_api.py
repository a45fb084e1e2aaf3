"""The app's HTTP API on the demo: same numbers as the library, errors as one sentence,
downloads equal to what is shown, a workspace change picked up, nothing written."""

from __future__ import annotations

import io
import json
import shutil

import pandas as pd
import pytest

from graphkit.app.server import bind, create_app, start_in_thread
from graphkit.workspace import open_workspace
from queries.plan import load_costs, plan, ranking_scores
from queries.shortlist import candidates, shortlist
from queries.writers import to_csv

from .conftest import Client


def test_page_and_static_files(client):
    status, headers, body = client.get("/")
    assert status == 200
    assert "default-src 'none'" in headers["content-security-policy"]
    assert "worker-src blob:" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"
    text = body.decode()
    assert "http://" not in text and "https://" not in text  # nothing loaded from elsewhere
    for name in ("app.js", "landscape.js", "vendor/graph-vendor.min.js", "app.css"):
        status, headers, data = client.get(f"/static/{name}")
        assert status == 200 and len(data) > 1000, name
    assert client.get("/static/../routes.py")[0] == 404
    assert client.get("/static/vendor/README.md")[0] == 404
    status, _, body = client.get("/no/such/page")
    assert status == 404 and b"Traceback" not in body and b"Not found" in body


def test_shortlist_is_the_library_table(client, demo_graph):
    status, data = client.json("/api/shortlist?brand=acme&tier=micro&top=20&excl=1")
    assert status == 200
    expected = shortlist(candidates(demo_graph, "acme"), tiers=["micro"], exclude_followed=True, top=20)
    names = [c["name"] for c in data["table"]["columns"]]
    assert [r[names.index("account")] for r in data["table"]["rows"]] == expected["account"].tolist()
    scores = [r[names.index("score")] for r in data["table"]["rows"]]
    assert scores == pytest.approx(expected["score"].tolist())
    headings = {c["name"]: c["heading"] for c in data["table"]["columns"]}
    assert headings["lift_lower"] == "Cautious lift" and headings["audience_count"] == "Audience followers"
    assert all(c["explanation"] for c in data["table"]["columns"])
    assert "niche_overlap" not in names and any("Niche fit is hidden" in n for n in data["notes"])
    assert data["matched"] == shortlist(candidates(demo_graph, "acme"), tiers=["micro"],
                                        exclude_followed=True, top=None).shape[0]


def test_downloads_hold_exactly_what_is_shown(client, demo_graph):
    query = "brand=acme&tier=nano,micro&sort=followers_count&top=25"
    _, data = client.json(f"/api/shortlist?{query}")
    status, headers, body = client.get(f"/download/shortlist.csv?{query}")
    assert status == 200 and headers["content-disposition"] == 'attachment; filename="acme-shortlist.csv"'
    frame = pd.read_csv(io.BytesIO(body))
    assert frame.columns.tolist() == [c["name"] for c in data["table"]["columns"]]
    assert frame["account"].tolist() == [r[1] for r in data["table"]["rows"]]
    expected = shortlist(candidates(demo_graph, "acme"), tiers=["nano", "micro"], sort="followers_count", top=25)
    assert body.decode() == to_csv(expected[frame.columns.tolist()])
    status, headers, body = client.get(f"/download/shortlist.xlsx?{query}")
    assert status == 200 and body[:2] == b"PK" and "spreadsheetml" in headers["content-type"]
    status, _, body = client.get(f"/download/shortlist.pdf?{query}")
    assert status == 400 and b".csv or .xlsx" in body


def test_bad_requests_are_one_sentence(client):
    status, data = client.json("/api/shortlist?brand=acmee")
    assert status == 400 and "did you mean 'acme'" in data["error"]
    status, data = client.json("/api/shortlist?brand=acme&top=lots")
    assert status == 400 and data["error"] == "top must be a whole number, not 'lots'"
    status, data = client.json("/api/shortlist")
    assert status == 400 and "pick a brand" in data["error"]
    status, data = client.json("/api/plan?brand=acme&budget=-5")
    assert status == 400 and "budget must be between" in data["error"]
    status, data = client.json("/api/plan?brand=acme&cost_giga=5")
    assert status == 400 and "no tier 'giga'" in data["error"]


def test_a_bug_is_a_500_without_details(client, monkeypatch):
    from graphkit.app import views

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals at /home/user")

    monkeypatch.setattr(views, "shortlist_table", broken)
    status, headers, body = client.get("/api/shortlist?brand=acme")
    assert status == 500
    assert b"secret" not in body and b"Traceback" not in body and b"internal error" in body
    status, _, body = client.get("/download/shortlist.csv?brand=acme")
    assert status == 500 and b"secret" not in body and b"<html" in body


def test_plan_with_edited_costs_and_picks(client, demo_graph):
    status, data = client.json("/api/plan?brand=acme&budget=2000&currency=EUR&cost_nano=100&ptier=nano,micro"
                               "&pick=hike_theo,summitwithjade")
    assert status == 200
    costs = load_costs()
    costs = type(costs)(tier={**costs.tier, "nano": 100.0}, account=costs.account, currency="EUR")
    scores, label = ranking_scores(demo_graph, "acme", tiers=["nano", "micro"])  # as graphkit plan does
    expected = plan(demo_graph, "acme", 2000, costs=costs, tiers=["nano", "micro"], scores=scores,
                    scores_label=label)
    names = [c["name"] for c in data["plan"]["columns"]]
    assert [r[names.index("account")] for r in data["plan"]["rows"]] == expected["account"].tolist()
    assert data["reach"] == expected.attrs["reach"]
    assert data["budget"] == "2,000 EUR" and "EUR" in data["summary"]["plan"]
    assert data["plan"]["display"][0][names.index("cost")].endswith(" EUR")
    assert "edited in the page" in data["costsSource"]
    assert [r[1] for r in data["selection"]["table"]["rows"]] == ["hike_theo", "summitwithjade"]
    assert len(data["curve"]["rows"]) == 8
    status, _, body = client.get("/download/plan.csv?brand=acme&budget=2000&currency=EUR&cost_nano=100"
                                 "&ptier=nano,micro&which=naive")
    assert status == 200
    assert pd.read_csv(io.BytesIO(body))["account"].tolist() == expected.attrs["naive"]["account"].tolist()


def test_landscape_account_overview_status(client):
    status, data = client.json("/api/landscape?brand=acme&ltop=120")
    assert status == 200
    assert len(data["payload"]["nodes"]["id"]) == 120 and data["payload"]["clusters"]
    assert data["summary"].startswith("The 120 accounts acme's audience follows most")
    status, data = client.json("/api/account?brand=acme&account=hike_theo&pick=theo.trail.59")
    assert status == 200 and data["tier"] == "micro"
    assert {r["name"] for r in data["ranking"]} >= {"score", "affinity_pct", "ppr_pct"}
    assert data["planOverlap"]["new_reach"] > 0 and data["lookalikes"]["rows"]
    status, data = client.json("/api/overview?brand=acme")
    assert status == 200 and data["summary"]["observed"] == 1557
    assert [r[0] for r in data["tierMix"]["rows"]][:3] == ["unknown", "regular", "nano"]
    status, data = client.json("/api/status")
    assert data["generation"] >= 1 and data["sources"] and data["crawls"] == []


def test_a_new_load_shows_up_and_the_app_writes_nothing(demo_ws, tmp_path):
    from graphkit.api import load_files

    path = tmp_path / "ws"
    shutil.copytree(demo_ws, path)
    before = {p.relative_to(path): p.stat().st_mtime_ns for p in path.rglob("*")}
    running = start_in_thread(create_app(str(path)), bind("127.0.0.1", 0))
    try:
        client = Client(running.url)
        for query in ("/api/brands?q=", "/api/overview?brand=acme", "/api/shortlist?brand=acme",
                      "/api/landscape?brand=acme&ltop=50", "/api/plan?brand=acme&budget=1000",
                      "/download/shortlist.xlsx?brand=acme"):
            assert client.get(query)[0] == 200, query
        after = {p.relative_to(path): p.stat().st_mtime_ns for p in path.rglob("*")}
        assert after == before  # nothing written, not even a lock file
        generation = client.json("/api/status")[1]["generation"]
        assert client.json("/api/brands?q=newbrand")[1]["brands"] == []
        follows = tmp_path / "newbrand.txt"
        follows.write_text("hike_theo\ncamp_omar\n", encoding="utf-8")
        load_files(open_workspace(path), "followers", [follows], of="newbrand")
        assert client.json("/api/status")[1]["generation"] == generation + 1
        assert [b["account"] for b in client.json("/api/brands?q=newbrand")[1]["brands"]] == ["newbrand"]
    finally:
        running.stop()


def test_hostile_strings_travel_as_data(tmp_path):
    from graphkit.api import load_files

    bio = "<img src=x onerror=alert(1)>"
    (tmp_path / "brand.txt").write_text("fan1\nfan2\n", encoding="utf-8")
    (tmp_path / "edges.csv").write_text("follower,followee\nfan1,evil\nfan2,evil\nfan1,good\n", encoding="utf-8")
    (tmp_path / "profiles.csv").write_text(f'username,followers,biography\nevil,20000,"{bio}"\n', encoding="utf-8")
    ws = open_workspace(tmp_path / "ws")
    load_files(ws, "followers", [tmp_path / "brand.txt"], of="brand")
    load_files(ws, "edges", [tmp_path / "edges.csv"])
    load_files(ws, "profiles", [tmp_path / "profiles.csv"])
    running = start_in_thread(create_app(str(tmp_path / "ws")), bind("127.0.0.1", 0))
    try:
        status, data = Client(running.url).json("/api/account?brand=acme".replace("acme", "brand") + "&account=evil")
        assert status == 200
        assert {p["name"]: p["display"] for p in data["profile"]}["bio"] == bio
        status, headers, body = Client(running.url).get("/api/landscape?brand=brand")
        assert headers["content-type"] == "application/json"
        assert bio in json.loads(body)["payload"]["fields"][-1]["values"]
    finally:
        running.stop()


def test_the_overview_shows_a_real_crawls_progress(tmp_path):
    # crawl the test network into a workspace (stopped half-way, then finished) while the app serves it
    from graphkit.workspace import Workspace
    from loaders.crawl import crawl_audience, crawl_documents
    from tests.crawl.conftest import BRAND, fast_options
    from tests.crawl.fakenet import FakeServer, Network

    network = Network.generate(seed=3, n=150, brand_followers=50, mean_following=12)
    ws = tmp_path / "ws"
    brand = BRAND["bluesky"]
    with FakeServer(network, page_cap=20) as fake:
        first = crawl_audience(Workspace(ws), "bluesky", brand, sample=15, random_seed=5, profiles_top=50,
                               service=fake.url, options=fast_options(max_requests=6))
        assert first.stopped and "max-requests" in first.stopped
        running = start_in_thread(create_app(str(ws)), bind("127.0.0.1", 0))
        try:
            client = Client(running.url)
            status, data = client.json(f"/api/overview?brand={brand}")
            assert status == 200
            (crawl,) = data["status"]["crawls"]
            (job_name, job), = crawl_documents(Workspace(ws))["bluesky"]["jobs"].items()
            assert (crawl["platform"], crawl["job"], crawl["finished"]) == ("bluesky", job_name, None)
            assert crawl["progress"] == job["progress"] and crawl["progress"]["requests_done"] == 6
            assert crawl["progress"]["lists_done"] < crawl["progress"]["lists_planned"]
            assert crawl["text"].startswith(f"lists {job['progress']['lists_done']} of "
                                            f"{job['progress']['lists_planned']} (")
            assert "requests 6 of " in crawl["text"] and crawl["started"] and crawl["updated"]
            # the crawl goes on to the end: the running app reads the new state
            done = crawl_audience(Workspace(ws), "bluesky", brand, sample=15, random_seed=5, profiles_top=50,
                                  service=fake.url, options=fast_options())
            assert done.complete
            status, data = client.json("/api/status")
            (crawl,) = data["crawls"]
            progress = crawl_documents(Workspace(ws))["bluesky"]["jobs"][job_name]["progress"]
            assert crawl["finished"] and crawl["progress"] == progress
            assert progress["lists_done"] == progress["lists_planned"] > 0
            assert crawl["text"].startswith(f"lists {progress['lists_done']} of {progress['lists_planned']} (100%)")
        finally:
            running.stop()
