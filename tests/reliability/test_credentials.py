"""Credentials never leak: not in output, error messages, logs, the manifest or exports.

tests/neo4j/test_neo4j_settings.py checks ``repr`` and the error of an
unreachable server; here every ``graphkit neo4j`` command and a query with
``--engine neo4j`` run with the password given every way a user can (option,
environment, ``user:password@`` in the URI) against a closed port, with the
driver's debug logging on, and nothing they print, log or write holds it.
"""

from __future__ import annotations

import logging
import socket

import pytest
from click.testing import CliRunner

from graphkit.cli.main import cli

SECRET = "s3cr3t-Pa55-for-tests"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


WAYS = {
    "option": lambda uri: ({}, ["--uri", uri, "--password", SECRET]),
    "environment": lambda uri: ({"NEO4J_URI": uri, "NEO4J_PASSWORD": SECRET}, []),
    "uri userinfo": lambda uri: ({}, ["--uri", uri.replace("bolt://", f"bolt://neo4j:{SECRET}@"),
                                      "--password", SECRET]),
}
COMMANDS = [["neo4j", "status"], ["neo4j", "status", "--format", "json"], ["neo4j", "push"],
            ["neo4j", "push", "--json"], ["neo4j", "pull"], ["neo4j", "pull", "--json"]]


@pytest.mark.parametrize("way", sorted(WAYS))
def test_no_command_prints_logs_or_writes_the_password(way, demo_copy, tmp_path, monkeypatch, caplog):
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    env, options = WAYS[way](f"bolt://127.0.0.1:{_closed_port()}")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    caplog.set_level(logging.DEBUG)
    files_before = {p: p.read_bytes() for p in demo_copy.rglob("*") if p.is_file() and p.name != ".lock"}
    queries = [["affinity", "acme", "--engine", "neo4j"], ["expand", "acme", "--engine", "neo4j"]]
    for args in [*(c + options for c in COMMANDS), *queries]:
        result = CliRunner().invoke(cli, ["-w", str(demo_copy), *args], catch_exceptions=False)
        shown = result.stdout + result.stderr
        assert SECRET not in shown, f"{args}: {shown}"
        assert "Traceback" not in shown
        if result.exit_code != 0:
            assert result.exit_code in (1, 2)
            assert [line for line in result.stderr.splitlines() if line.startswith("Error")], result.stderr
    assert any(r.name.startswith("neo4j") for r in caplog.records)  # the driver's log was captured
    assert SECRET not in caplog.text, "the password reached a log record"
    for record in caplog.records:
        assert SECRET not in str(record.args)
    files_after = {p: p.read_bytes() for p in demo_copy.rglob("*") if p.is_file() and p.name != ".lock"}
    assert files_after == files_before  # a failed push/pull writes nothing
    assert not any(SECRET.encode() in data for data in files_after.values())


def test_settings_and_store_hide_userinfo_passwords_too():
    from graphkit.neo4j import Neo4jSettings, Neo4jStore

    settings = Neo4jSettings(uri=f"neo4j+s://ann:{SECRET}@db.example:7687", password=SECRET, database="g")
    for text in (repr(settings), str(settings), settings.where, settings.safe_uri, repr(Neo4jStore(settings)),
                 settings.scrub(f"auth failed for {SECRET}")):
        assert SECRET not in text
    assert "db.example:7687" in settings.where


def test_info_and_exports_never_hold_connection_settings(demo_copy, monkeypatch, tmp_path):
    monkeypatch.setenv("NEO4J_PASSWORD", SECRET)
    for args in (["info", "--format", "json"], ["export", "accounts", "--format", "csv"],
                 ["report", "acme", "-o", str(tmp_path / "r.html")]):
        result = CliRunner().invoke(cli, ["-w", str(demo_copy), *args], catch_exceptions=False)
        assert result.exit_code == 0, result.stderr
        assert SECRET not in result.stdout + result.stderr
    assert SECRET not in (tmp_path / "r.html").read_text("utf-8")
