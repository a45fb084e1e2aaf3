"""Strings written by strangers never become code: loaded from files, exported by the CLI.

tests/exports checks the writers on graphs built in memory; this file goes end
to end: hostile handles, bios, display names, categories and tags are *loaded*
from CSV files like a user's, then every query output format, every
neighbourhood export format and ``graphkit report`` are produced by the CLI and
checked: CSV cells a spreadsheet would run are neutralized, HTML holds no markup
from the data, XML/JSON/Parquet hold the literal text.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from click.testing import CliRunner

from graphkit.cli.main import cli

FORMULA = "=cmd|' /C calc'!A0"
IMG = "<img src=x onerror=alert(1)>"
CLOSE = "</script><script>alert(2)</script>"
PAYLOADS = [FORMULA, IMG, CLOSE, "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "=HYPERLINK(\"http://x\")"]
# handles are lower-cased by normalization; these are the keys they become
EVIL_HANDLES = ["=cmd|' /c calc'!a0", "<img src=x onerror=alert(1)>", "</script><script>alert(2)</script>",
                "+evil", "@@sum(a1)", "-evil"]
EVIL_KEYS = ["=cmd|' /c calc'!a0", "<img src=x onerror=alert(1)>", "</script><script>alert(2)</script>",
             "+evil", "sum(a1)", "-evil"]
DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")
#: queries whose answer is the brand's own followers, or other accounts than the seed
ANSWER_IS_OTHERS = {"advocates", "lookalikes"}


def _csv_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


@pytest.fixture(scope="module")
def hostile_ws(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    followers = [f"fan{i}" for i in range(12)]
    (folder / "acme.txt").write_text("\n".join(followers) + "\n")
    edges = [["follower", "followee"]]
    for i, fan in enumerate(followers):
        edges += [[fan, handle] for handle in EVIL_HANDLES[: 3 + i % 4]]
        edges.append([fan, "acme"])
    (folder / "edges.csv").write_text(_csv_text(edges))
    profiles = [["username", "full_name", "followers", "biography", "category", "hashtags", "city"]]
    for n, handle in enumerate(EVIL_HANDLES):
        payload = PAYLOADS[n % len(PAYLOADS)]
        profiles.append([handle, PAYLOADS[(n + 1) % len(PAYLOADS)], str(5000 + 20_000 * n), f"{payload} {IMG}",
                         CLOSE, f"#hiking,{FORMULA},{IMG}", payload])
    (folder / "profiles.csv").write_text(_csv_text(profiles))
    ws = folder / "ws"
    for args in (["followers", str(folder / "acme.txt"), "--of", "acme"], ["edges", str(folder / "edges.csv")],
                 ["profiles", str(folder / "profiles.csv")]):
        result = CliRunner().invoke(cli, ["-w", str(ws), "load", *args], catch_exceptions=False)
        assert result.exit_code == 0, result.stderr
    return ws


def _run(ws: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["-w", str(ws), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_the_hostile_strings_were_loaded_verbatim(hostile_ws):
    from graphkit.workspace import Workspace

    graph = Workspace(hostile_ws).graph
    assert set(EVIL_KEYS) <= set(graph.keys.tolist())
    bios = graph.attribute("bio").dropna().tolist()
    assert any(FORMULA in bio for bio in bios) and any(IMG in bio for bio in bios)


def _assert_csv_safe(text: str) -> list[dict]:
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows
    for row in rows:
        for value in row.values():
            if value and value.startswith(DANGEROUS_START):
                # only numbers may start with a sign
                float(value)
    return rows


QUERIES = [
    ["affinity", "acme", "--top", "50"],
    ["advocates", "acme"],
    ["rank", "acme", "--explain"],
    ["expand", "acme", "--hops", "2"],
    ["lookalikes", "=cmd|' /c calc'!a0", "--min-audience", "1", "--min-shared", "1"],
    ["centrality", "--top", "50"],
    ["export", "accounts"],
    ["export", "edges"],
]


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: " ".join(q[:2]))
def test_csv_output_neutralizes_formulas(hostile_ws, tmp_path, query):
    rows = _assert_csv_safe(_run(hostile_ws, *query, "--format", "csv"))
    cells = {v for row in rows for v in row.values()}
    if query[0] not in ANSWER_IS_OTHERS:
        assert "'" + EVIL_KEYS[0] in cells  # the formula account is there, neutralized
    out = tmp_path / "out.csv"
    _run(hostile_ws, *query, "-o", str(out))
    _assert_csv_safe(out.read_text("utf-8"))


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: " ".join(q[:2]))
def test_json_ndjson_and_parquet_keep_the_literal_text(hostile_ws, tmp_path, query):
    data = json.loads(_run(hostile_ws, *query, "--format", "json"))
    lines = [json.loads(line) for line in _run(hostile_ws, *query, "--format", "ndjson").splitlines() if line]
    assert data == lines
    strings = {v for row in data for v in row.values() if isinstance(v, str)}
    if query[0] not in ANSWER_IS_OTHERS:
        assert strings & set(EVIL_KEYS), "the hostile accounts should be in the answer"
    assert not any(s.startswith("'") and s[1:] in EVIL_KEYS for s in strings)  # not mangled
    out = tmp_path / "out.parquet"
    _run(hostile_ws, *query, "-o", str(out))
    frame = pd.read_parquet(out)
    assert set(frame.select_dtypes(exclude="number").stack().astype(str)) >= strings & set(EVIL_KEYS)


def _assert_html_safe(page: str) -> None:
    for payload in (IMG, "<img", "<script><script>", "alert(2)</script>", "onerror=alert(1)>"):
        assert payload not in page, payload
    # only the page's own script elements, each closed once
    opened = re.findall(r"<script[^>]*>", page)
    assert len(opened) == page.count("</script>") <= 3
    assert "innerHTML" not in page and "document.write" not in page


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json", "csv", "parquet", "html"])
def test_every_neighbourhood_export_format(hostile_ws, tmp_path, fmt):
    out = tmp_path / f"hood.{fmt}"
    _run(hostile_ws, "export", "neighbourhood", "acme", "--hops", "2", "-o", str(out))
    if fmt == "html":
        _assert_html_safe(out.read_text("utf-8"))
    elif fmt in ("graphml", "gexf"):
        graph = nx.read_graphml(out) if fmt == "graphml" else nx.read_gexf(out)
        labels = {str(graph.nodes[n].get("label", n)) for n in graph.nodes} | {str(n) for n in graph.nodes}
        assert set(EVIL_KEYS) <= labels
        bios = {graph.nodes[n].get("bio") for n in graph.nodes}
        assert any(isinstance(b, str) and FORMULA in b and IMG in b for b in bios)
    elif fmt == "json":
        text = out.read_text("utf-8")
        assert set(EVIL_KEYS) <= set(re.findall(r'"([^"]*)"', text)) | set(json.dumps(json.loads(text)).split('"'))
    elif fmt == "csv":
        _assert_csv_safe(out.read_text("utf-8"))
    else:
        nodes = pd.read_parquet(out)
        assert set(EVIL_KEYS) <= set(nodes.iloc[:, :3].astype(str).stack())


def test_report_page_holds_no_markup_from_the_data(hostile_ws, tmp_path):
    out = tmp_path / "report.html"
    _run(hostile_ws, "report", "acme", "-o", str(out), "--budget", "100000")
    page = out.read_text("utf-8")
    _assert_html_safe(page)
    assert "default-src 'none'" in page
    # the data are there, escaped (JSON inside the page, or HTML entities)
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in page or "&lt;img src=x onerror=alert(1)&gt;" in page


def test_table_output_shows_text_not_terminal_escapes(hostile_ws, tmp_path):
    (tmp_path / "esc.csv").write_text("username,biography\nann,\"\x1b[2J\x1b]0;pwned\x07 hi\"\n")
    result = CliRunner().invoke(cli, ["-w", str(hostile_ws), "load", "profiles", str(tmp_path / "esc.csv")],
                                catch_exceptions=False)
    if result.exit_code == 0:  # accepted: the escape must not reach the terminal raw
        text = _run(hostile_ws, "export", "accounts", "--format", "table")
        assert "\x1b" not in text and "\x07" not in text
    else:
        assert result.exit_code == 1 and "control character" in result.stderr
