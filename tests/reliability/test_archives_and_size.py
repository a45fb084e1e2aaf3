"""Hostile archives and oversized files: refused before anything is extracted or read whole.

tests/loaders/test_exports.py covers zip members with ``../``, absolute paths, a
symlink and a high-ratio zip bomb; these tests add Windows-style paths, NUL
bytes, a member that lies about its size, the archive-wide limit, the same
checks for SNAP ego tar archives, and files of several GB under a memory cap.
"""

from __future__ import annotations

import io
import json
import os
import stat
import struct
import subprocess
import sys
import tarfile
import textwrap
import zipfile
from pathlib import Path

import pytest

from graphkit.errors import InputError
from loaders import ReadContext, read_source

FOLLOWERS = json.dumps([{"title": "", "string_list_data": [{"value": "ann"}]}])


def _zip(path: Path, members) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            zf.writestr(name, data)
    return path


def _listing(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


@pytest.mark.parametrize(("name", "message"), [
    ("..\\..\\evil.json", "climbs out of the archive"),
    ("C:/Windows/evil.json", "is absolute"),
    ("c:\\evil.json", "is absolute"),
    ("ok/../../evil.json", "climbs out of the archive"),
    ("//server/share/evil.json", "is absolute"),
])
def test_zip_member_paths_that_escape_are_refused(tmp_path, name, message):
    archive = _zip(tmp_path / "dl.zip", [(name, b"{}"), ("followers_1.json", FOLLOWERS)])
    before = _listing(tmp_path.parent)
    with pytest.raises(InputError, match=message) as err:
        read_source(archive, ReadContext(kind="download", owner="me"))
    assert "dl.zip, member" in str(err.value)
    assert _listing(tmp_path.parent) == before  # nothing extracted anywhere


def test_zip_member_name_with_a_nul_byte_is_refused(tmp_path):
    archive = _zip(tmp_path / "dl.zip", [("followers_1.json", FOLLOWERS)])
    data = archive.read_bytes().replace(b"followers_1.json", b"followers\x001.json")
    archive.write_bytes(data)
    with pytest.raises(InputError):
        read_source(archive, ReadContext(kind="download", owner="me"))


def test_a_hard_link_or_device_in_a_zip_is_never_followed(tmp_path):
    info = zipfile.ZipInfo("connections/followers_1.json")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    archive = tmp_path / "dl.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(info, "../../../../etc/passwd")
        zf.writestr("connections/following.json", FOLLOWERS)
    with pytest.raises(InputError, match="symbolic link"):
        read_source(archive, ReadContext(kind="download", owner="me"))


def _patch_declared_size(archive: Path, member: str, size: int) -> None:
    """Rewrite a member's uncompressed size in the local header and the central directory."""
    data = bytearray(archive.read_bytes())
    name = member.encode()
    local = data.find(b"PK\x03\x04")
    while local >= 0:
        name_len = struct.unpack_from("<H", data, local + 26)[0]
        if data[local + 30 : local + 30 + name_len] == name:
            struct.pack_into("<I", data, local + 22, size)
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while central >= 0:
        name_len = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + name_len] == name:
            struct.pack_into("<I", data, central + 24, size)
        central = data.find(b"PK\x01\x02", central + 4)
    archive.write_bytes(bytes(data))


def test_a_member_that_lies_about_its_size_never_inflates_past_it(tmp_path):
    archive = _zip(tmp_path / "dl.zip", [("followers_1.json", b" " * (8 << 20) + FOLLOWERS.encode())])
    _patch_declared_size(archive, "followers_1.json", 1000)  # a small "size" passes the ratio check
    with pytest.raises(InputError, match=r"member followers_1\.json") as err:
        read_source(archive, ReadContext(kind="download", owner="me"))
    assert "\n" not in str(err.value)


def test_the_whole_archive_limit_stops_many_modest_members(tmp_path, monkeypatch):
    import loaders.archives as archives

    monkeypatch.setattr(archives, "MAX_TOTAL_BYTES", 1 << 20)
    rows = json.dumps([{"string_list_data": [{"value": f"user{i:07d}"}]} for i in range(12_500)])
    assert 600_000 < len(rows) < 1 << 20
    archive = _zip(tmp_path / "dl.zip", [("ig/followers_1.json", rows), ("ig/followers_2.json", rows)])
    with pytest.raises(InputError, match="the archive inflates beyond 1,048,576 bytes"):
        read_source(archive, ReadContext(kind="download", owner="me"))


def _tar(path: Path, members) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for info, data in members:
            if data is not None:
                info.size = len(data)
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return path


def _link(name: str, target: str, kind=tarfile.SYMTYPE) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = target
    return info


@pytest.mark.parametrize(("member", "message"), [
    ((tarfile.TarInfo("../../1.edges"), b"1 2\n"), "climbs out"),
    ((tarfile.TarInfo("/tmp/1.edges"), b"1 2\n"), "is absolute"),
    ((_link("egos/1.edges", "/etc/passwd"), None), "is a link"),
    ((_link("egos/2.edges", "egos/1.edges", tarfile.LNKTYPE), None), "is a link"),
])
def test_snap_ego_tar_members_that_escape_or_link_are_refused(tmp_path, member, message):
    archive = _tar(tmp_path / "egos.tar.gz", [(tarfile.TarInfo("egos/1.edges"), b"1 2\n"), member])
    before = _listing(tmp_path.parent)
    with pytest.raises(InputError, match=message):
        read_source(archive, ReadContext(kind="snap-ego"))
    assert _listing(tmp_path.parent) == before


def test_snap_ego_tar_bomb_is_refused(tmp_path, monkeypatch):
    import loaders.snap_ego as snap_ego

    monkeypatch.setattr(snap_ego, "MAX_MEMBER_BYTES", 1 << 20)
    archive = _tar(tmp_path / "egos.tar.gz", [(tarfile.TarInfo("1.edges"), b"1 2\n" * (1 << 19))])
    assert archive.stat().st_size < 100_000
    with pytest.raises(InputError, match="refusing it"):
        read_source(archive, ReadContext(kind="snap-ego"))


# -- a file of several GB is refused before it is read, under a memory cap -------------------
CAPPED = textwrap.dedent("""
    import json, resource, sys
    resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[1]), int(sys.argv[1])))
    from graphkit.errors import GraphkitError
    from loaders import ReadContext, read_source
    outcomes = {}
    for kind, path in json.loads(sys.argv[2]):
        try:
            read_source(path, ReadContext(kind=kind, owner="me" if kind in ("followers", "following") else None))
            outcomes[path] = "read"
        except GraphkitError as err:
            outcomes[path] = str(err)
    print(json.dumps(outcomes))
""")
GB = 1024**3


def _sparse(path: Path, head: bytes, size: int) -> Path:
    with open(path, "wb") as handle:
        handle.write(head)
        handle.truncate(size)
    return path


def test_files_of_several_gb_are_refused_before_reading_under_a_memory_cap(tmp_path):
    size = 3 * GB
    cases = [
        ("profiles", _sparse(tmp_path / "profiles.json", b'[{"username": "ann", "bio": "', size)),
        ("profiles", _sparse(tmp_path / "profiles.csv", b"username,bio\nann,", size)),
        ("followers", _sparse(tmp_path / "followers.txt", b"ann\nbob\n", size)),
        ("followers", _sparse(tmp_path / "followers_1.json", b'[{"string_list_data": [{"value": "', size)),
        ("following", _sparse(tmp_path / "following.js", b"window.YTD.following.part0 = [", size)),
        ("posts", _sparse(tmp_path / "posts.json", b'[{"author": "ann", "text": "', size)),
        ("customers", _sparse(tmp_path / "customers.csv", b"instagram,total_spent\nann,", size)),
        ("export", _sparse(tmp_path / "user_data_tiktok.json", b'{"Your Activity": {"Follower": {"FansList": [', size)),
    ]
    cap = int(1.5 * GB)  # half the file: reading it whole would fail with MemoryError
    probe = subprocess.run([sys.executable, "-c", CAPPED, str(cap), "[]"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"the interpreter does not start under a {cap:,}-byte address-space cap: {probe.stderr[-200:]}")
    result = subprocess.run(
        [sys.executable, "-c", CAPPED, str(cap), json.dumps([(k, str(p)) for k, p in cases])],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    outcomes = json.loads(result.stdout)
    for _, path in cases:
        message = outcomes[str(path)]
        assert message != "read"
        assert str(path) in message and ("3,221,225,4" in message or "bytes" in message), message
        assert "\n" not in message
    for _, path in cases:
        os.unlink(path)


def test_the_size_guard_holds_for_standard_input_too(monkeypatch):
    from loaders import textio

    monkeypatch.setenv("GRAPHKIT_MAX_FILE_BYTES", "1000")

    class Stdin:
        buffer = io.BytesIO(b"ann\n" * 1000)

    monkeypatch.setattr(textio.sys, "stdin", Stdin)
    with pytest.raises(InputError, match="<stdin>: is 1,000 bytes; graphkit reads"):
        read_source("-", ReadContext(kind="followers", owner="me"))


def test_the_size_limit_names_the_file_and_the_way_out(tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHKIT_MAX_FILE_BYTES", "100")
    path = tmp_path / "profiles.csv"
    path.write_text("username,followers\n" + "ann,1\n" * 50)
    with pytest.raises(InputError, match=r"profiles\.csv: is 319 bytes; .* GRAPHKIT_MAX_FILE_BYTES"):
        read_source(path, ReadContext(kind="profiles"))
