"""Connection settings and errors: the password never shows (no server needed)."""

from __future__ import annotations

import socket

import pytest

from graphkit.errors import ConfigError, Neo4jStoreError
from graphkit.neo4j import Neo4jSettings, Neo4jStore
from graphkit.neo4j.store import quote_name

SECRET = "hunter2-very-secret"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_repr_and_str_hide_the_password():
    settings = Neo4jSettings(uri="bolt://db:7687", user="ann", password=SECRET, database="g")
    for text in (repr(settings), str(settings), repr(Neo4jStore(settings)), settings.where):
        assert SECRET not in text
    assert "password='***'" in repr(settings)
    assert "password=***" in repr(Neo4jStore(settings))
    assert "password=None" in repr(Neo4jSettings())


def test_options_win_over_the_environment():
    env = {"NEO4J_URI": "neo4j://env:1", "NEO4J_USER": "envuser", "NEO4J_PASSWORD": "envpass",
           "NEO4J_DATABASE": "envdb"}
    from_env = Neo4jSettings.resolve(env=env)
    assert (from_env.uri, from_env.user, from_env.password, from_env.database) == (
        "neo4j://env:1", "envuser", "envpass", "envdb")
    given = Neo4jSettings.resolve(uri="bolt://opt:2", user="u", password="p", database="d", env=env)
    assert (given.uri, given.user, given.password, given.database) == ("bolt://opt:2", "u", "p", "d")
    assert Neo4jSettings.resolve(env={}).auth is None
    assert from_env.auth == ("envuser", "envpass")


def test_a_bad_scheme_is_a_config_error_without_credentials():
    with pytest.raises(ConfigError) as err:
        Neo4jSettings(uri=f"http://ann:{SECRET}@db:7474", password=SECRET)
    assert SECRET not in str(err.value)
    assert "bolt://" in str(err.value)


def test_an_unreachable_server_is_one_clear_error_without_the_password():
    uri = f"bolt://127.0.0.1:{_closed_port()}"
    with pytest.raises(Neo4jStoreError) as err:
        Neo4jStore(Neo4jSettings(uri=uri, password=SECRET)).open()
    message = str(err.value)
    assert SECRET not in message
    assert uri in message and "not reachable" in message
    assert "\n" not in message


def test_cli_error_is_one_line_exit_1_and_never_prints_the_password(run_cli):
    uri = f"bolt://127.0.0.1:{_closed_port()}"
    result = run_cli("neo4j", "status", "--uri", uri, "--password", SECRET)
    assert result.exit_code == 1
    assert SECRET not in result.stdout + result.stderr
    assert result.stderr.startswith("Error: Neo4j at " + uri)
    assert len(result.stderr.strip().splitlines()) == 1


def test_help_never_shows_the_password_from_the_environment(run_cli, monkeypatch):
    monkeypatch.setenv("NEO4J_PASSWORD", SECRET)
    for command in ("push", "pull", "status"):
        result = run_cli("neo4j", command, "--help")
        assert result.exit_code == 0
        assert "NEO4J_PASSWORD" in result.stdout and SECRET not in result.stdout


@pytest.mark.parametrize(
    "name, quoted",
    [("Account", "`Account`"), ("a`) DETACH DELETE n //", "`a``) DETACH DELETE n //`")],
)
def test_names_are_backtick_quoted(name, quoted):
    assert quote_name(name) == quoted


@pytest.mark.parametrize("name", ["", "  ", "a\nb"])
def test_bad_names_are_refused(name):
    with pytest.raises(Neo4jStoreError):
        quote_name(name)
