"""Audience over time (issue 16): two crawls a month apart of a network that changed in between.

The test network (``tests/crawl/fakenet.py``) is crawled on 2026-01-01 and,
after :meth:`Network.changed` (follows added and removed, a follower count
crossing 10,000, a renamed handle), again on 2026-02-01. The expectations are
computed here from the two networks, without graphkit: ``changes`` must equal
them exactly; the workspace ``--as-of`` the first date must answer what a
copy of the workspace taken after the first crawl answers.
"""

from __future__ import annotations

import json
import math
import os
import shutil

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from graphkit.cli.main import cli
from graphkit.tiers import TierScheme
from graphkit.workspace import Workspace
from loaders.crawl import crawl_audience
from queries.changes import changes
from tests.crawl.conftest import BRAND, available, fast_options
from tests.crawl.fakenet import FakeServer, Network
from tests.crawl.schemas import validate

FIRST, SECOND = "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z"
PLATFORM = "bluesky"


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """``(network, later, ws_path, first_copy)``: the workspace after both crawls, and a copy after the first."""
    network = Network.generate(seed=1, n=400, brand_followers=120, mean_following=25)
    later = _with_brand_follows_changed(network.changed(seed=2))
    root = tmp_path_factory.mktemp("over-time")
    ws_path, first_copy = root / "ws", root / "first"
    saved = os.environ.get("GRAPHKIT_NOW")
    try:
        for when, net, refresh in ((FIRST, network, False), (SECOND, later, True)):
            os.environ["GRAPHKIT_NOW"] = when
            with FakeServer(net, page_cap=30, validate=validate) as server:
                summary = crawl_audience(Workspace(ws_path), PLATFORM, BRAND[PLATFORM], sample=10_000,
                                         random_seed=7, profiles_top=10_000, service=server.url,
                                         options=fast_options(refresh=refresh))
                assert summary.complete
            if when == FIRST:
                shutil.copytree(ws_path, first_copy)
    finally:
        if saved is None:
            os.environ.pop("GRAPHKIT_NOW", None)
        else:
            os.environ["GRAPHKIT_NOW"] = saved
    return network, later, ws_path, first_copy


def _with_brand_follows_changed(later: Network) -> Network:
    """The changed network, where also two accounts start following the brand and two stop."""
    followers = [f for f in later.followers(0) if available(later, f)]
    others = [i for i in range(1, len(later.accounts)) if i not in set(later.followers(0)) and available(later, i)]
    later.follows -= {(followers[-1], 0), (followers[-2], 0)}
    later.follows |= {(others[0], 0), (others[1], 0)}
    later.reindex()
    return later


# -- the expectations, from the networks -----------------------------------------------------
def _handles(net: Network) -> list[str]:
    return [a.handle(PLATFORM) for a in net.accounts]


def _observed(net: Network) -> list[int]:
    """The brand's followers whose following lists the crawl reads (the sample is all of them)."""
    return [f for f in net.followers(0) if available(net, f)]


def _audience_counts(net: Network) -> dict[int, int]:
    counts: dict[int, int] = {}
    for f in _observed(net):
        for x in net.following(f):
            if x != 0:
                counts[x] = counts.get(x, 0) + 1
    return counts


def _profiled(net: Network) -> set[int]:
    """Accounts whose profile (declared follower count) the Bluesky audience crawl fetches."""
    observed = _observed(net)
    wanted = {0, *net.followers(0)} - {f for f in net.followers(0) if not available(net, f)}
    wanted |= {x for f in observed for x in net.following(f)}
    return {i for i in wanted if net.accounts[i].status in ("ok", "private")}


def _newcombe(c1: int, n1: int, c2: int, n2: int, z: float = 1.96) -> tuple[float, float]:
    """Newcombe's method 10, written out from the paper's formulas (no graphkit code)."""
    def wilson(c, n):
        p = c / n
        centre, half = p + z * z / (2 * n), z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
        return max(0.0, (centre - half) / (1 + z * z / n)), min(1.0, (centre + half) / (1 + z * z / n))

    p1, p2 = c1 / n1, c2 / n2
    (l1, u1), (l2, u2) = wilson(c1, n1), wilson(c2, n2)
    return (p2 - p1) - math.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2), (p2 - p1) + math.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2)


# -- changes ------------------------------------------------------------------------------------
def test_changes_equal_the_known_changes(crawled):
    network, later, ws_path, _ = crawled
    old, new = _handles(network), _handles(later)
    result = changes(Workspace(ws_path), new[0], since=FIRST, until=SECOND, top=None)
    sections = result.sections

    # the rename: one account, reported as renamed, neither lost nor new
    renamed = [i for i in range(len(old)) if old[i] != new[i]]
    assert len(renamed) == 1
    assert sections["renames"][["account", "previous"]].values.tolist() == [[new[renamed[0]], old[renamed[0]]]]
    assert (sections["renames"]["renamed_at"] == pd.Timestamp(SECOND)).all()

    # new and lost followers, by account
    before, after = set(network.followers(0)), set(later.followers(0))
    assert set(sections["new_followers"]["account"]) == {new[i] for i in after - before}
    assert set(sections["lost_followers"]["account"]) == {new[i] for i in before - after}
    assert after - before and before - after, "the changed network adds and removes followers of the brand"
    summary = sections["summary"].iloc[0]
    assert (summary["followers_since"], summary["followers_until"]) == (len(before), len(after))
    assert (summary["observed_since"], summary["observed_until"]) == (len(_observed(network)), len(_observed(later)))
    observed_new = dict(zip(sections["new_followers"]["account"], sections["new_followers"]["observed"]))
    assert observed_new == {new[i]: available(later, i) for i in after - before}

    # audience shares at both dates, the change and its Newcombe interval
    n1, n2 = len(_observed(network)), len(_observed(later))
    c1, c2 = _audience_counts(network), _audience_counts(later)
    expected = {}
    for i in set(c1) | set(c2):
        a, b = c1.get(i, 0), c2.get(i, 0)
        if b / n2 != a / n1:
            expected[new[i]] = (a, b, b / n2 - a / n1, *_newcombe(a, n1, b, n2))
    shifts = pd.concat([sections["rising"], sections["falling"]])
    got = {r.account: (r.count_since, r.count_until, r.change, r.change_low, r.change_high)
           for r in shifts.itertuples()}
    assert set(got) == set(expected)
    for account, values in expected.items():
        assert got[account][:2] == values[:2]
        assert np.allclose(got[account][2:], values[2:], rtol=0, atol=1e-12), account
    # the z-test of each change, written out here; ranked by it, not by the raw change
    for r in shifts.itertuples():
        a, b = r.count_since, r.count_until
        pooled = (a + b) / (n1 + n2)
        z = (b / n2 - a / n1) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        assert abs(r.z_score - z) < 1e-12, r.account
    rising = sections["rising"]
    assert rising["z_score"].is_monotonic_decreasing and (rising["change"] > 0).all()
    assert sections["falling"]["z_score"].is_monotonic_increasing and (sections["falling"]["change"] < 0).all()

    # tier moves: the declared count crossing 10,000, and any other count that crossed a bound
    scheme = TierScheme.default()
    first_counts = {i: network.followers_count(i) for i in _profiled(network)}
    last_counts = {**first_counts, **{i: later.followers_count(i) for i in _profiled(later)}}
    moves = {new[i]: (first_counts[i], last_counts[i]) for i in first_counts
             if str(scheme.assign([first_counts[i]])[0]) != str(scheme.assign([last_counts[i]])[0])}
    crossing = next(i for i in range(1, len(later.accounts)) if later.followers_count(i) == 10_050)
    assert new[crossing] in moves, "the account crossing 10,000 was profiled at both dates"
    got_moves = {r.account: (r.followers_since, r.followers_until) for r in sections["tier_moves"].itertuples()}
    assert got_moves == moves
    row = sections["tier_moves"].set_index("account").loc[new[crossing]]
    assert (row["tier_until"], row["move"]) == ("micro", "up")


def test_changes_cli_table_and_json(crawled):
    _, later, ws_path, _ = crawled
    brand = _handles(later)[0]
    runner = CliRunner()
    table = runner.invoke(cli, ["-w", str(ws_path), "changes", brand, "--since", FIRST, "--until", SECOND, "--top", "3"])
    assert table.exit_code == 0, table.output
    for header in ("new followers:", "lost followers:", "rising in the audience", "falling in the audience",
                   "tier moves", "renamed handles: 1 of 1"):
        assert header in table.output
    as_json = runner.invoke(cli, ["-w", str(ws_path), "changes", brand, "--since", FIRST, "--until", SECOND,
                                  "--top", "3", "--format", "json"])
    rows = json.loads(as_json.stdout)
    assert rows[0]["section"] == "summary" and {r["section"] for r in rows} >= {"rising", "renames", "tier_moves"}
    assert sum(r["section"] == "rising" for r in rows) == 3
    bad = runner.invoke(cli, ["-w", str(ws_path), "changes", brand, "--since", SECOND, "--until", FIRST])
    assert bad.exit_code == 1 and "is not before --until" in bad.output and "Traceback" not in bad.output


# -- --as-of ------------------------------------------------------------------------------------
AS_OF_COMMANDS = [
    ["affinity", "{brand}", "--top", "15"],
    ["advocates", "{brand}", "--top", "15"],
    ["centrality", "--measure", "pagerank", "--top", "15"],
    ["lookalikes", "{followed}", "--top", "10"],
    ["expand", "{follower}", "--top", "15"],
    ["rank", "{brand}", "--top", "15"],
    ["overlap", "{followed}", "{follower}"],
    ["segments", "{brand}"],
    ["plan", "{brand}", "--budget", "2000"],
    ["export", "edges"],
    ["export", "accounts"],
]

#: Every command that answers a question about the graph (the rest load, serve or administer).
QUERY_COMMANDS = ("info", "affinity", "advocates", "talkers", "expand", "rank", "centrality", "lookalikes",
                  "overlap", "segments", "landscape", "plan", "report")


def test_every_query_command_has_as_of():
    import click

    from graphkit.cli.main import COMMANDS, cli

    context = click.Context(cli)
    commands = {name: cli.get_command(context, name) for name in COMMANDS}
    export = commands["export"]
    wanted = [commands[name] for name in QUERY_COMMANDS] + [export.get_command(context, name) for name in
                                                            export.list_commands(context)]
    for command in wanted:
        assert any("--as-of" in p.opts for p in command.params), command.name
    assert not any("--as-of" in p.opts for p in commands["changes"].params)  # it takes --since and --until


@pytest.mark.parametrize("command", AS_OF_COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_as_of_the_first_date_answers_as_the_first_crawl(crawled, command):
    network, later, ws_path, first_copy = crawled
    old = _handles(network)
    renamed = next(i for i, (a, b) in enumerate(zip(old, _handles(later))) if a != b)
    followed = max(_audience_counts(network).items(), key=lambda item: (item[1], -item[0]))[0]
    args = [part.format(brand=old[0], follower=old[renamed], followed=old[followed]) for part in command]
    runner = CliRunner()
    then = runner.invoke(cli, ["-w", str(first_copy), *args, "--format", "json"])
    as_of = runner.invoke(cli, ["-w", str(ws_path), *args, "--format", "json", "--as-of", FIRST])
    now = runner.invoke(cli, ["-w", str(ws_path), *[a.replace(old[renamed], _handles(later)[renamed]) for a in args],
                              "--format", "json"])
    assert then.exit_code == 0 and as_of.exit_code == 0, (then.output, as_of.output)
    assert json.loads(as_of.stdout) == json.loads(then.stdout)
    assert len(json.loads(then.stdout)) >= 1
    if command[0] not in ("lookalikes", "overlap") or now.exit_code == 0:
        assert json.loads(now.stdout) != json.loads(then.stdout), "the second crawl changed the answer"


def test_as_of_graph_equals_the_first_crawl(crawled):
    _, _, ws_path, first_copy = crawled
    then, as_of = Workspace(first_copy).graph, Workspace(ws_path).graph_as_of(FIRST)
    assert as_of.n_accounts == then.n_accounts and as_of.n_follows == then.n_follows
    assert as_of.accounts["key"].tolist() == then.accounts["key"].tolist()
    assert sorted(map(tuple, as_of.edges_frame().values.tolist())) == sorted(map(tuple, then.edges_frame().values.tolist()))
    columns = [c for c in then.accounts.columns if c != "follows_self"]
    pd.testing.assert_frame_equal(as_of.accounts[columns].reset_index(drop=True),
                                  then.accounts[columns].reset_index(drop=True), check_dtype=False)


def test_info_as_of_and_refusals(crawled):
    _, _, ws_path, first_copy = crawled
    runner = CliRunner()
    then = json.loads(runner.invoke(cli, ["-w", str(first_copy), "info", "--format", "json"]).output)
    as_of = json.loads(runner.invoke(cli, ["-w", str(ws_path), "info", "--format", "json", "--as-of", FIRST]).output)
    for key in ("accounts", "follows", "observed", "with_profile", "tiers"):
        assert as_of[key] == then[key], key
    assert len(as_of["sources"]) == len(then["sources"])
    too_early = runner.invoke(cli, ["-w", str(ws_path), "affinity", "x", "--as-of", "2025-06-01"])
    assert too_early.exit_code == 1 and "holds nothing that old" in too_early.output
    garbage = runner.invoke(cli, ["-w", str(ws_path), "affinity", "x", "--as-of", "last tuesday"])
    assert garbage.exit_code == 2 and "not an ISO-8601 date" in garbage.output
    for engine in ("neo4j", "spark"):  # refused before either engine is reached
        other = runner.invoke(cli, ["-w", str(ws_path), "affinity", "x", "--engine", engine, "--as-of", FIRST])
        assert other.exit_code == 2 and "--as-of" in other.output and "--engine memory" in other.output


# -- the dynamic GEXF ---------------------------------------------------------------------------
def _crawled_follows(net: Network) -> set[tuple[int, int]]:
    """What an audience crawl of ``net`` reads: the brand's followers list, the observed followers' lists."""
    return {(f, 0) for f in net.followers(0)} | {(s, x) for s in _observed(net) for x in net.following(s)}


def _read_dynamic(path, tmp_path):
    """``nx.read_gexf`` of the document. networkx cannot parse ``timeformat="dateTime"`` (networkx
    issue #3246, open in its GEXF list #4023), so it reads a copy saying ``date``, which it keeps as
    text; a spell without an end (still current) reads back as the text ``"None"``."""
    import networkx as nx

    copy = tmp_path / "for-networkx.gexf"
    copy.write_bytes(path.read_bytes().replace(b'timeformat="dateTime"', b'timeformat="date"', 1))
    return nx.read_gexf(copy, version="1.3")


def test_dynamic_gexf_of_a_neighbourhood_has_the_follows_spells(crawled, tmp_path):
    from tests.exports.test_exporters import validate_gexf

    network, later, ws_path, _ = crawled
    new = _handles(later)
    out = tmp_path / "timeline.gexf"
    result = CliRunner().invoke(cli, ["-w", str(ws_path), "export", "neighbourhood", new[0], "--top", "1000",
                                      "--out", str(out), "--dynamic"])
    assert result.exit_code == 0, result.output
    validate_gexf(out)
    text = out.read_text()
    assert 'mode="dynamic"' in text and 'timeformat="dateTime"' in text
    graph = _read_dynamic(out, tmp_path)
    hood = {new[i] for i in later.followers(0)} | {new[0]} | {new[i] for i in later.following(0)}
    assert set(graph.nodes) == hood

    first, second = _crawled_follows(network), _crawled_follows(later)
    re_read = set(_observed(later))
    start, end = FIRST, SECOND
    expected = {}
    for a, b in first | second:
        if new[a] not in hood or new[b] not in hood:
            continue
        if (a, b) in first and (a, b) in second:
            spells = [(start, "None")]
        elif (a, b) in first:
            ended = a in re_read or b == 0  # a whole list that no longer held it was read again
            spells = [(start, end if ended else "None")]
        else:
            spells = [(end, "None")]
        expected[(new[a], new[b])] = spells
    got = {(a, b): data["spells"] for a, b, data in graph.edges(data=True)}
    assert got == expected
    assert any(s[0][1] == end for s in got.values()) and any(s[0][0] == end for s in got.values())
    # an account's spells: from its first follow in the picture, open while one lasts
    for node, data in graph.nodes(data=True):
        touching = [s for (a, b), s in expected.items() if node in (a, b)]
        if touching:
            assert data["spells"][0][0] == min(s[0][0] for s in touching)
            assert (data["spells"][-1][1] == "None") == any(s[-1][1] == "None" for s in touching)


def test_dynamic_gexf_of_a_landscape_is_valid_and_timed(crawled, tmp_path):
    from tests.exports.test_exporters import validate_gexf

    _, later, ws_path, _ = crawled
    out = tmp_path / "landscape.gexf"
    result = CliRunner().invoke(cli, ["-w", str(ws_path), "export", "landscape", _handles(later)[0], "--top", "40",
                                      "--out", str(out), "--dynamic"])
    assert result.exit_code == 0, result.output
    validate_gexf(out)
    graph = _read_dynamic(out, tmp_path)
    starts = {data["spells"][0][0] for _, data in graph.nodes(data=True) if data.get("spells")}
    assert starts and starts <= {FIRST, SECOND}
    for a, b, data in graph.edges(data=True):
        if data.get("spells"):
            assert data["spells"][0][0] >= max(graph.nodes[a]["spells"][0][0], graph.nodes[b]["spells"][0][0])
    refused = CliRunner().invoke(cli, ["-w", str(ws_path), "export", "landscape", _handles(later)[0],
                                       "--out", str(tmp_path / "x.html"), "--dynamic"])
    assert refused.exit_code == 1 and "GEXF only" in refused.output


def test_history_survives_a_compaction(crawled, tmp_path):
    """Renames, spells and attribute history are kept when the segments fold into a new base."""
    _, later, ws_path, _ = crawled
    copy = tmp_path / "compacted"
    shutil.copytree(ws_path, copy)
    before_changes = changes(Workspace(ws_path), _handles(later)[0], since=FIRST, until=SECOND, top=None)
    before_graph = Workspace(ws_path).graph_as_of(FIRST)
    ws = Workspace(copy)
    report = ws.compact()
    ws.close()
    assert report["compacted"] and report["segments"] > 0
    after = Workspace(copy)
    assert after.counts and not after.manifest["segments"]
    after_changes = changes(after, _handles(later)[0], since=FIRST, until=SECOND, top=None)
    assert len(after_changes.sections["renames"]) == 1
    for name, frame in before_changes.sections.items():
        pd.testing.assert_frame_equal(after_changes.sections[name].reset_index(drop=True),
                                      frame.reset_index(drop=True), check_dtype=False, obj=name)
    graph = after.graph_as_of(FIRST)
    assert graph.accounts["key"].tolist() == before_graph.accounts["key"].tolist()
    assert sorted(map(tuple, graph.edges_frame().values.tolist())) == sorted(
        map(tuple, before_graph.edges_frame().values.tolist()))
