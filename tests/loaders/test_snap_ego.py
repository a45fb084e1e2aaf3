"""SNAP ego networks (ego-Twitter): SNAP's combined graph, feature tags, circles."""

from __future__ import annotations

import re
import tarfile

import numpy as np
import pytest
from loader_helpers import load, manifest_files

from graphkit.errors import InputError


def _reference(members: dict[str, bytes], tagged=None) -> tuple[set[tuple[str, str]], dict[str, set[str]]]:
    """SNAP's rule in plain Python: edges lines + ego -> every node of its .edges/.feat/.circles;
    tags: #/@ words of the features set to 1 (per ego's own featnames), ego features included
    (only for the egos in ``tagged``, all when ``None``)."""
    pairs: set[tuple[str, str]] = set()
    tags: dict[str, set[str]] = {}
    by_ego: dict[str, dict[str, str]] = {}
    for name, data in members.items():
        ego, ext = name.rsplit("/", 1)[-1].split(".")
        by_ego.setdefault(ego, {})[ext] = data.decode()
    for ego, files in by_ego.items():
        named = set()
        for line in files.get("edges", "").splitlines():
            a, b = line.split()
            pairs.add((a, b))
            named |= {a, b}
        for line in files.get("circles", "").splitlines():
            named |= set(line.split("\t")[1:])
        names = [line.split(" ", 1)[1] for line in files.get("featnames", "").splitlines()]
        words = [m.group(1) + m.group(2) if (m := re.match(r"([#@])(\w+)", n)) else None for n in names]
        if tagged is not None and ego not in tagged:
            named |= {line.split(" ", 1)[0] for line in files.get("feat", "").splitlines()}
            pairs |= {(ego, n) for n in named}
            continue
        for line in files.get("feat", "").splitlines():
            node, *values = line.split()
            named.add(node)
            tags.setdefault(node, set()).update(words[i].lower() for i, v in enumerate(values) if v == "1" and words[i])
        for line in files.get("egofeat", "").splitlines():
            tags.setdefault(ego, set()).update(words[i].lower() for i, v in enumerate(line.split()) if v == "1" and words[i])
        pairs |= {(ego, n) for n in named}
    return pairs, {k: v for k, v in tags.items() if v}


def _edge_set(graph) -> set[tuple[str, str]]:
    return set(map(tuple, graph.edges_frame()[["follower", "followee"]].astype(str).values.tolist()))


def _sample(shared_data) -> dict[str, bytes]:
    folder = shared_data / "snap" / "ego-twitter" / "egos_sample"
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("packed", [False, True], ids=["folder", "tar.gz"])
def test_sample_egos_match_snaps_rule(shared_data, tmp_path, packed):
    members = _sample(shared_data)
    path = shared_data / "snap" / "ego-twitter" / "egos_sample"
    if packed:
        path = tmp_path / "egos.tar.gz"
        with tarfile.open(path, "w:gz") as archive:
            for file in sorted((shared_data / "snap/ego-twitter/egos_sample").iterdir()):
                archive.add(file, f"twitter/{file.name}")
    workspace, reports = load(tmp_path / "ws", "snap-ego", [path])
    pairs, tags = _reference(members)
    graph = workspace.graph
    assert _edge_set(graph) == {p for p in pairs if p[0] != p[1]}
    assert reports[0].self_follows == sum(1 for a, b in pairs if a == b)
    assert graph.n_accounts == len({n for p in pairs for n in p})
    stored = graph.attribute("tags")
    got = {k: set(v.split(",")) for k, v in zip(graph.keys, stored) if isinstance(v, str)}
    assert got == tags
    assert sorted(graph.keys_of(np.flatnonzero(graph.observed))) == sorted(n.split(".")[0] for n in members if n.endswith(".edges"))
    circles = workspace.table("circles")
    expected = [(n.split(".")[0], line.split("\t")[0], m) for n, d in members.items() if n.endswith(".circles")
                for line in d.decode().splitlines() for m in line.split("\t")[1:]]
    assert sorted(map(tuple, circles[["ego", "circle", "member"]].values.tolist())) == sorted(expected)


def test_ego_12831_hashtags_are_tags(shared_data, tmp_path):
    folder = shared_data / "snap/ego-twitter/egos_sample"
    names = [line.split(" ", 1)[1] for line in (folder / "12831.featnames").read_text().splitlines()]
    own = [names[i] for i, v in enumerate((folder / "12831.egofeat").read_text().split()) if v == "1"]
    hashtag = next(n for n in own if re.fullmatch(r"#\w+", n)).lower()
    workspace, _ = load(tmp_path / "ws", "snap-ego", [folder])
    graph = workspace.graph
    tags = graph.attribute("tags").fillna("").str.split(",")
    having = set(graph.keys[tags.apply(lambda t: hashtag in t).to_numpy(dtype=bool)])
    assert "12831" in having
    assert all(t[:1] in "#@" and "," not in t for t in tags.iloc[graph.id_of("12831")])


@pytest.mark.slow
def test_whole_ego_twitter_set(shared_data, tmp_path):
    """81,306 accounts and SNAP's 1,768,149 follows (self-follows are dropped by design)."""
    path = shared_data / "snap" / "ego-twitter" / "twitter_egos_all_973.tar.gz"
    with tarfile.open(path) as archive:
        members = {m.name: archive.extractfile(m).read() for m in archive if m.isfile()}
    pairs: set[tuple[bytes, bytes]] = set()  # SNAP's rule again, on bytes for speed
    for name, data in members.items():
        ego, ext = name.rsplit("/", 1)[-1].encode().split(b".")
        if ext == b"edges":
            tokens = data.split()
            named = set(tokens)
            pairs.update(zip(tokens[0::2], tokens[1::2]))
        elif ext == b"feat":
            named = set(re.findall(rb"(?m)^(\d+) ", data))
        elif ext == b"circles":
            named = {m for line in data.splitlines() for m in line.split(b"\t")[1:]}
        else:
            continue
        pairs.update((ego, n) for n in named)
    assert len(pairs) == 1_768_149  # the reference itself reproduces SNAP's table
    self_loops = {p for p in pairs if p[0] == p[1]}
    workspace, reports = load(tmp_path / "ws", "snap-ego", [path])
    graph = workspace.graph
    assert graph.n_accounts == 81_306 == len({n for p in pairs for n in p})
    assert graph.n_follows == 1_768_149 - len(self_loops)
    got = graph.edges_frame()[["follower", "followee"]].astype(str)
    got_pairs = set(zip(got["follower"].str.encode("ascii"), got["followee"].str.encode("ascii")))
    assert got_pairs == pairs - self_loops
    _, tags = _reference({k: v for k, v in members.items() if k.rsplit("/", 1)[-1].startswith("12831.")})
    # ego 12831's tags: its own features plus its row in any ego's .feat
    expected = set(tags.get("12831", set()))
    for name, data in members.items():
        if name.endswith(".feat"):
            for line in re.findall(rb"(?m)^12831 [01 ]+$", data):
                ego = name.rsplit("/", 1)[-1].split(".")[0]
                names = [n.split(" ", 1)[1] for n in members[f"twitter/{ego}.featnames"].decode().splitlines()]
                expected |= {(m.group(1) + m.group(2)).lower() for i, v in enumerate(line.split()[1:])
                             if v == b"1" and (m := re.match(r"([#@])(\w+)", names[i]))}
    stored = set(graph.attribute("tags").iloc[graph.id_of("12831")].split(","))
    assert stored == expected and any(t.startswith("#") for t in stored)


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"1.edges": "2 3\n4\n"}, "1.edges, line 2: expected 2 numbers on the line, found 1"),
        ({"1.edges": "2 x\n"}, "1.edges, line 1: unexpected character 'x'"),
        ({"1.featnames": "0 #a\n1 #b\n", "1.feat": "2 1 0\n3 1\n"}, "1.feat, line 2: expected 2 features"),
        ({"1.featnames": "0 #a\n", "1.feat": "2 2\n"}, "1.feat, line 1: a feature value other than 0 or 1"),
        ({"1.circles": "c\t2\n"}, "no <ego>.edges or <ego>.feat file found"),
    ],
)
def test_bad_ego_files(tmp_path, files, message):
    folder = tmp_path / "egos"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text)
    with pytest.raises(InputError, match=re.escape(message)):
        load(tmp_path / "ws", "snap-ego", [folder])
    assert "manifest.json" not in manifest_files(tmp_path / "ws")


def test_tar_member_climbing_out_is_refused(tmp_path):
    path = tmp_path / "egos.tar"
    source = tmp_path / "x.edges"
    source.write_text("1 2\n")
    with tarfile.open(path, "w") as archive:
        archive.add(source, "../../x.edges")
    with pytest.raises(InputError, match=r"member \.\./\.\./x\.edges: its path climbs out"):
        load(tmp_path / "ws", "snap-ego", [path])
