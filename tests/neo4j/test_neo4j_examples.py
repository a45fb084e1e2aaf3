"""The Examples of the ``neo4j`` commands' ``--help`` (and ``--engine neo4j`` ones), run on a server.

The other examples run in ``tests/core/test_help_examples.py``; these need the
session's Neo4j server, named by ``NEO4J_URI`` as a user would. They run in the
order a user would: push the demo workspace, query it, check the server, pull
it back.
"""

from __future__ import annotations

import json

import pytest

from tests.help_examples import all_examples, make_clone, needs_neo4j, run_example

pytestmark = pytest.mark.neo4j

ORDER = [("neo4j", "push"), ("neo4j",), ("neo4j", "status"), ("neo4j", "pull")]


def test_neo4j_examples_run_against_the_server(store, demo_workspace, tmp_path, monkeypatch):
    examples = all_examples()
    lines = [line for path in ORDER for line in examples[path]]
    lines += [line for path, found in examples.items() if path not in ORDER for line in found if needs_neo4j(line)]
    assert len(lines) >= 8
    make_clone(demo_workspace, tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NEO4J_URI", store.settings.uri)
    for line in lines:
        result = run_example(line)
        assert result.exit_code == 0, f"{line}\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
    facts = [json.loads(run_example(f"graphkit -w {ws} info --format json").stdout)
             for ws in ("graphkit-demo", "from-neo4j")]
    assert [(f["accounts"], f["follows"]) for f in facts] == [(facts[0]["accounts"], facts[0]["follows"])] * 2
