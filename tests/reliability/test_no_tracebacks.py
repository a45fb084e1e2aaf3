"""Binary and wrongly encoded input: one line on stderr and exit 1, in a real process.

Run as subprocesses so that anything Python prints outside click's control (an
"Exception ignored in ..." from a callback inside pyarrow, a traceback) shows up.
"""

from __future__ import annotations

import random
import subprocess
import sys

import pytest


def _noise(seed: int, size: int, low: int) -> bytes:
    rng = random.Random(seed)
    return bytes(rng.randrange(low, 256) for _ in range(size))


#: bytes that look like an image (NUL bytes), and noise without NUL that is not UTF-8
PNG_HEAD = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + _noise(7, 5000, 0)
NOISE = _noise(8, 20000, 1)


def graphkit(*args: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "graphkit.cli.main", *args], capture_output=True, text=True,
        timeout=120, cwd=cwd,
    )


def assert_one_line_error(done: subprocess.CompletedProcess, *needles: str) -> None:
    assert done.returncode == 1, (done.stdout, done.stderr)
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("Error: ")
    for needle in needles:
        assert needle in lines[0]


@pytest.mark.parametrize(("name", "data", "needle"), [
    ("image.png", PNG_HEAD, "binary data"),
    ("noise.bin", NOISE, "not valid UTF-8"),
    # a good head, then a row of another width with bytes pyarrow cannot decode
    ("edges.csv", b"follower,followee\nann,bob\n\xff\xfe,x,y\ncat,dan\n", "line 3"),
    ("tail.csv", b"follower,followee\n" + b"".join(b"u%d,v%d\n" % (i, i) for i in range(20000)) + NOISE,
     "line 20002"),
])
def test_binary_edge_files(tmp_path, name, data, needle):
    path = tmp_path / name
    path.write_bytes(data)
    done = graphkit("-w", str(tmp_path / "ws"), "load", "edges", str(path), cwd=tmp_path)
    assert_one_line_error(done, name, needle)


CONFIGS = [
    ("binary.toml", PNG_HEAD, "holds binary data (a NUL byte)"),
    ("latin.toml", "[tiers]\n# café\n".encode("cp1252"), "line 2: the {what} is not UTF-8 text (byte 0xe9"),
    ("noise.toml", NOISE, "is not UTF-8 text"),
]


@pytest.mark.parametrize(("name", "data", "needle"), CONFIGS)
@pytest.mark.parametrize(("option", "what"), [
    (("--tiers", "{path}", "info"), "tier file"),
    (("plan", "acme", "--budget", "1000", "--costs", "{path}"), "cost file"),
    (("rank", "acme", "--weights", "{path}"), "weights file"),
])
def test_binary_or_non_utf8_config_files(demo_workspace, tmp_path, name, data, needle, option, what):
    path = tmp_path / name
    path.write_bytes(data)
    args = [a.format(path=path) for a in option]
    done = graphkit("-w", str(demo_workspace), *args, cwd=tmp_path)
    assert_one_line_error(done, name, needle.format(what=what))
