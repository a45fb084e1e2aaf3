"""Whole platform downloads: ``graphkit load export PATH --owner NAME``.

A download is a ``.zip`` or the folder it unpacks to (any nesting), or a single
file that holds both lists (TikTok's ``user_data_tiktok.json``, Instagram's
``connections.json``). The follower and following files inside are found by
name, read **in memory** (a zip member is streamed from the archive, never
extracted to a path), and loaded in both directions for the owner: every
follower follows the owner, the owner follows every account it follows, and
the owner becomes observed.

Archives are checked before anything is read: a member whose path is absolute
or climbs out with ``..``, a symbolic link, an encrypted member, or one that
inflates beyond :data:`MAX_MEMBER_BYTES` or more than :data:`MAX_RATIO` times
its compressed size (a zip bomb) stops the load with one line naming the
archive and the member.

This module also holds the small helpers every platform reader shares
(:func:`account_keys`, :func:`load_json`, :func:`check_line_lengths`,
:func:`pick_list`).

Examples
--------
>>> import io, zipfile, tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> with zipfile.ZipFile(folder / "tiktok.zip", "w") as zf:
...     zf.writestr("TikTok/user_data_tiktok.json",
...         '{"Your Activity": {"Follower": {"FansList": [{"UserName": "ann"}]},'
...         ' "Following": {"Following": [{"UserName": "bob"}]}}}')
>>> src = read_export(str(folder / "tiktok.zip"), ReadContext(kind="export", owner="me"))
>>> src.format, [f.values.tolist() for f in src.follows], sorted(src.observed)
('tiktok-export', [[['ann', 'me']], [['me', 'bob']]], ['me'])
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath

import numpy as np
import pandas as pd

from graphkit.errors import InputError
from graphkit.handles import bad_key_reason, normalize_handle
from graphkit.tables import SourceTables
from loaders.registry import Format, ReadContext, register
from loaders.textio import decode_text, display_path

__all__ = [
    "account_keys",
    "load_json",
    "check_line_lengths",
    "pick_list",
    "ExportArchive",
    "Member",
    "find_list_files",
    "read_export",
    "MAX_MEMBER_BYTES",
    "MAX_RATIO",
    "MAX_TOTAL_BYTES",
    "MAX_EXPORT_LINE_BYTES",
]

#: A member (or file) of an export larger than this is refused.
MAX_MEMBER_BYTES = 1024**3
#: A zip member inflating to more than this many times its compressed size is a zip bomb.
MAX_RATIO = 200
#: Members smaller than this are never called bombs, whatever their ratio.
_RATIO_FLOOR = 1 << 20
#: At most this many bytes are inflated from one archive.
MAX_TOTAL_BYTES = 4 * 1024**3
#: Platforms pretty-print their exports; a longer line means the file is not one.
MAX_EXPORT_LINE_BYTES = 16 * 1024 * 1024

DIRECTIONS = ("followers", "following")


# -- helpers shared by the platform readers -----------------------------------------------
def account_keys(values: Sequence[object], path: str) -> list[str]:
    """Normalized account keys of a list's records; an empty or bad one raises.

    >>> account_keys(["@Ann", "https://www.instagram.com/_u/bob"], "f.json")
    ['ann', 'bob']
    >>> account_keys(["ann", ""], "f.json")
    Traceback (most recent call last):
    ...
    graphkit.errors.InputError: f.json, record 2: no account name in the record
    """
    keys = []
    for number, value in enumerate(values, 1):
        key = normalize_handle(value)
        problem = "no account name in the record" if key is None else bad_key_reason(key)
        if problem:
            raise InputError(problem, path=path, record=f"record {number}")
        keys.append(key)
    return keys


def load_json(data: bytes, path: str) -> object:
    """Parse a JSON document; integers stay strings (X ids exceed 2**53).

    >>> load_json(b'{"id": 1234567890123456789}', "a.json")
    {'id': '1234567890123456789'}
    >>> load_json(b'[{"a": 1}, {"a"', "a.json")
    Traceback (most recent call last):
    ...
    graphkit.errors.InputError: a.json, line 1: the JSON stops in the middle (the file is truncated)
    """
    text = decode_text(data, path)
    return parse_json_text(text, path)


def parse_json_text(text: str, path: str) -> object:
    """:func:`load_json` of text already decoded."""
    try:
        return json.loads(text, parse_int=str, parse_float=str)
    except json.JSONDecodeError as err:
        if err.pos >= len(text.rstrip()) or err.msg.startswith("Unterminated string"):
            problem = "the JSON stops in the middle (the file is truncated)"
        else:
            problem = f"invalid JSON: {err.msg} (column {err.colno})"
        raise InputError(problem, path=path, line=err.lineno) from None
    except RecursionError:
        raise InputError("the JSON is nested too deeply to be an export", path=path) from None


def check_line_lengths(data: bytes, path: str) -> None:
    """Refuse a file with a line longer than :data:`MAX_EXPORT_LINE_BYTES`.

    >>> check_line_lengths(b"[\\n1\\n]", "a.json") is None
    True
    """
    limit = MAX_EXPORT_LINE_BYTES
    if len(data) <= limit:
        return
    breaks = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 10)
    bounds = np.concatenate(([-1], breaks, [len(data)]))
    lengths = np.diff(bounds) - 1
    longest = int(np.argmax(lengths))
    if lengths[longest] > limit:
        raise InputError(
            f"line {longest + 1} is {int(lengths[longest]):,} bytes long; platform downloads are "
            "written in short lines, so this file is not one (or was rewritten)",
            path=path,
            line=longest + 1,
        )


def pick_list(found: dict[str | None, list[str]], kind: str, path: str, what: str) -> list[str]:
    """The list of ``kind`` among the lists a file holds (``None``: direction unknown).

    A file holding only the other direction, or an empty list, raises.

    >>> pick_list({"followers": ["a"], "following": ["b"]}, "following", "x.json", "TikTok")
    ['b']
    >>> pick_list({"following": ["b"]}, "followers", "x.json", "Instagram")
    Traceback (most recent call last):
    ...
    graphkit.errors.InputError: x.json: this is the Instagram following list, not a followers list; load it with `graphkit load following`
    """
    if kind in found:
        keys = found[kind]
    elif None in found:
        keys = found[None]
    else:
        others = [d for d in found if d is not None]
        if others:
            raise InputError(
                f"this is the {what} {others[0]} list, not a {kind} list; "
                f"load it with `graphkit load {others[0]}`",
                path=path,
            )
        raise InputError(f"the {what} file holds no {kind} list", path=path)
    if not keys:
        raise InputError(f"the {kind} list is empty (no account in it)", path=path)
    return keys


# -- reading a download: a folder or a zip ------------------------------------------------
@dataclass(frozen=True)
class Member:
    """One file of a download."""

    name: str  # '/'-separated path inside the download
    size: int
    label: str  # how messages name it: "dl.zip, member a/b.json" or the file path

    @property
    def basename(self) -> str:
        return self.name.rsplit("/", 1)[-1]

    @property
    def folder(self) -> str:
        return self.name.rsplit("/", 1)[0] if "/" in self.name else ""


def _unsafe_reason(name: str) -> str | None:
    """Why a member name could escape an extraction folder (``None``: it cannot).

    >>> _unsafe_reason("../../x"), _unsafe_reason("/etc/passwd"), _unsafe_reason("a/b.json")
    ('its path climbs out of the archive with ..', 'its path is absolute', None)
    """
    text = name.replace("\\", "/")
    if text.startswith("/") or re.match(r"^[A-Za-z]:", text):
        return "its path is absolute"
    if ".." in text.split("/"):
        return "its path climbs out of the archive with .."
    if "\x00" in text:
        return "its path contains a NUL byte"
    return None


class ExportArchive:
    """The files of a download, read in memory: a folder tree, a zip, or one file.

    Use as a context manager; :meth:`read` returns a member's bytes.
    """

    def __init__(self, path: str) -> None:
        self.path = str(path)
        self._zip: zipfile.ZipFile | None = None
        self._infos: dict[str, zipfile.ZipInfo] = {}
        self._inflated = 0
        self.members = self._list()

    def __enter__(self) -> ExportArchive:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()
            self._zip = None

    def _list(self) -> list[Member]:
        path = Path(self.path)
        if self.path == "-":
            raise InputError("a whole download cannot be read from standard input; give its path", path="<stdin>")
        if path.is_dir():
            return self._list_folder(path)
        if not path.exists():
            raise InputError("no such file or folder", path=self.path)
        if zipfile.is_zipfile(path):
            return self._list_zip(path)
        return [Member(name=path.name, size=path.stat().st_size, label=self.path)]

    def _list_folder(self, root: Path) -> list[Member]:
        members = []
        for folder, dirs, files in os.walk(root, followlinks=False):
            dirs.sort()
            for name in sorted(files):
                file = Path(folder) / name
                if file.is_symlink() or not file.is_file():
                    continue  # links are never followed out of the download
                relative = file.relative_to(root).as_posix()
                members.append(Member(name=relative, size=file.stat().st_size, label=str(file)))
        return members

    def _list_zip(self, path: Path) -> list[Member]:
        try:
            self._zip = zipfile.ZipFile(path)
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, OSError, ValueError) as err:
            raise InputError(f"not a readable zip archive ({err})", path=self.path) from None
        members = []
        for info in infos:
            label = f"{self.path}, member {info.filename}"
            reason = _unsafe_reason(info.filename)
            if reason:
                raise InputError(f"{reason}; refusing the archive (nothing was read)", path=label)
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise InputError("is a symbolic link; refusing the archive (nothing was read)", path=label)
            if info.is_dir():
                continue
            name = PurePosixPath(info.filename.replace("\\", "/")).as_posix()
            self._infos[name] = info
            members.append(Member(name=name, size=info.file_size, label=label))
        return members

    def read(self, member: Member) -> bytes:
        """The bytes of one member, within the size and ratio limits."""
        if member.size > MAX_MEMBER_BYTES:
            raise InputError(
                f"is {member.size:,} bytes, more than the {MAX_MEMBER_BYTES:,} a list file can be", path=member.label
            )
        if self._zip is None:
            try:
                return Path(self.path if member.label == self.path else member.label).read_bytes()
            except OSError as err:
                raise InputError(f"cannot read: {err.strerror}", path=member.label) from None
        info = self._infos[member.name]
        if info.flag_bits & 0x1:
            raise InputError("is encrypted; unpack the archive with its password first", path=member.label)
        if info.file_size > _RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise InputError(
                f"inflates {info.compress_size:,} bytes to {info.file_size:,} (more than {MAX_RATIO}x): "
                "a zip bomb, not a platform download; refusing it",
                path=member.label,
            )
        if self._inflated + info.file_size > MAX_TOTAL_BYTES:
            raise InputError(f"the archive inflates beyond {MAX_TOTAL_BYTES:,} bytes; refusing it", path=member.label)
        try:
            with self._zip.open(info) as stream:
                data = stream.read(MAX_MEMBER_BYTES + 1)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as err:
            raise InputError(f"cannot be read from the archive ({err})", path=member.label) from None
        if len(data) > MAX_MEMBER_BYTES:  # pragma: no cover - zipfile stops at the declared size
            raise InputError("inflates beyond its declared size; refusing it", path=member.label)
        self._inflated += len(data)
        return data


# -- which files of a download are follower/following lists ------------------------------
@dataclass(frozen=True)
class _Pattern:
    platform: str
    regex: re.Pattern
    role: str = "list"  # "list" or "owner"


_PATTERNS = (
    _Pattern("instagram", re.compile(r"^(followers(_\d+)?|following(_\d+)?)\.(json|html)$")),
    _Pattern("instagram", re.compile(r"^connections\.json$")),
    _Pattern("instagram", re.compile(r"^personal_information\.json$"), "owner"),
    _Pattern("x", re.compile(r"^(follower|following)(-part\d+)?\.js$")),
    _Pattern("x", re.compile(r"^account\.js$"), "owner"),
    _Pattern("tiktok", re.compile(r"^user_data.*\.json$")),
    _Pattern("tiktok", re.compile(r"^(follower|following|fans)( ?list)?\.txt$")),
)
_PLATFORM_NAMES = {"instagram": "Instagram", "x": "X", "tiktok": "TikTok"}
_LOOKED_FOR = (
    "followers_1.json, following.json, followers_1.html, following.html, connections.json (Instagram); "
    "follower.js, following.js (X); user_data_tiktok.json, Follower List.txt, Following List.txt (TikTok)"
)


@dataclass
class _Inventory:
    platform: str | None
    lists: list[Member] = field(default_factory=list)
    owners: list[Member] = field(default_factory=list)


def find_list_files(members: Sequence[Member]) -> dict[str, _Inventory]:
    """The follower/following files of each platform among ``members``, by file name.

    >>> inv = find_list_files([Member("a/followers_1.json", 1, "x"), Member("a/likes.json", 1, "y"),
    ...                        Member("data/follower.js", 1, "z")])
    >>> {k: [m.name for m in v.lists] for k, v in inv.items()}
    {'instagram': ['a/followers_1.json'], 'x': ['data/follower.js']}
    """
    found: dict[str, _Inventory] = {}
    for member in members:
        base = member.basename.lower()
        for pattern in _PATTERNS:
            if pattern.regex.match(base):
                inventory = found.setdefault(pattern.platform, _Inventory(pattern.platform))
                (inventory.lists if pattern.role == "list" else inventory.owners).append(member)
                break
    return {k: v for k, v in found.items() if v.lists}


@lru_cache(maxsize=16)
def _platform_of(path: str, mtime: int, size: int) -> str | None:
    try:
        with ExportArchive(path) as archive:
            found = find_list_files(archive.members)
    except InputError:
        return None
    if len(found) == 1:
        return next(iter(found))
    if not found and not Path(path).is_dir() and not zipfile.is_zipfile(path):
        return _single_file_platform(path)
    return None


def _single_file_platform(path: str) -> str | None:
    from loaders.textio import sniff

    head = sniff(path)
    from loaders import instagram, tiktok, x_archive

    if tiktok.is_tiktok_json(head, path):
        return "tiktok"
    if instagram.is_instagram_json(head, path):
        return "instagram"
    if x_archive.is_x_archive(head, path):
        return "x"
    return None


def _detector(platform: str) -> Callable[[bytes, str], bool]:
    def detect(head: bytes, path: str) -> bool:
        if path == "-":
            return False
        try:
            info = os.stat(path)
        except OSError:
            return False
        return _platform_of(str(path), info.st_mtime_ns, info.st_size) == platform

    return detect


def _parse_member(platform: str, data: bytes, member: Member) -> dict[str | None, list[str]]:
    from loaders import instagram, tiktok, x_archive

    parse = {"instagram": instagram.instagram_lists, "x": x_archive.x_lists, "tiktok": tiktok.tiktok_lists}[platform]
    return parse(data, member.label, member.basename)


def _owner_from(platform: str, archive: ExportArchive, inventory: _Inventory) -> tuple[str | None, dict[str, str]]:
    """The owner's handle (and X id aliases) from the download's own account file."""
    from loaders import instagram, tiktok, x_archive

    for member in inventory.owners:
        data = archive.read(member)
        if platform == "x":
            handle, account_id = x_archive.x_account(data, member.label)
            if handle:
                return handle, ({account_id: handle} if account_id else {})
        elif platform == "instagram":
            handle = instagram.instagram_owner(data, member.label)
            if handle:
                return handle, {}
    if platform == "tiktok":
        for member in inventory.lists:
            if member.basename.lower().endswith(".json"):
                handle = tiktok.tiktok_owner(archive.read(member), member.label)
                if handle:
                    return handle, {}
    return None, {}


def read_export(path: str, ctx: ReadContext) -> SourceTables:
    """Read a whole download (folder, zip or single file) for ``ctx.owner``.

    Raises :class:`InputError` when the download has no follower/following
    file, mixes several downloads, or a file in it is bad.
    """
    shown = display_path(path)
    with ExportArchive(path) as archive:
        found = find_list_files(archive.members)
        if not found and len(archive.members) == 1 and archive._zip is None:
            platform = _single_file_platform(path)
            if platform:
                found = {platform: _Inventory(platform, lists=list(archive.members))}
        if not found:
            raise InputError(
                "no follower or following file found in the download; looked for " + _LOOKED_FOR, path=shown
            )
        if len(found) > 1:
            listing = "; ".join(f"{_PLATFORM_NAMES[p]}: {', '.join(m.name for m in inv.lists[:3])}" for p, inv in found.items())
            raise InputError(f"holds the lists of several platforms ({listing}); load one download at a time", path=shown)
        platform, inventory = next(iter(found.items()))
        folders = sorted({m.folder for m in inventory.lists})
        if len(folders) > 1:
            raise InputError(
                "holds follower/following files in several folders "
                f"({', '.join(f or '.' for f in folders[:4])}): several downloads in one? load one at a time",
                path=shown,
            )
        owner = ctx.owner
        aliases: dict[str, str] = {}
        detected, id_aliases = _owner_from(platform, archive, inventory)
        if owner is None:
            if detected is None:
                raise InputError("whose download is this? pass --owner ACCOUNT", path=shown)
            owner = normalize_handle(detected)
            if owner is None or bad_key_reason(owner):
                raise InputError(f"the download names its owner {detected!r}, not a valid handle; pass --owner", path=shown)
        if detected is not None and normalize_handle(detected) == owner:
            aliases = {k: owner for k in id_aliases}
        lists: dict[str, list[list[str]]] = {d: [] for d in DIRECTIONS}
        digest = hashlib.sha256()
        for member in sorted(inventory.lists, key=lambda m: m.name):
            data = archive.read(member)
            digest.update(member.name.encode() + b"\0" + hashlib.sha256(data).digest())
            for direction, keys in _parse_member(platform, data, member).items():
                if direction is None:
                    raise InputError(
                        "cannot tell whether this file lists followers or following; "
                        "name it followers_1.* or following.* as the platform does",
                        path=member.label,
                    )
                lists[direction].append(keys)
    if not any(keys for parts in lists.values() for keys in parts):
        raise InputError("the follower and following lists in the download are empty", path=shown)
    return _export_tables(shown, ctx, platform, owner, lists, aliases, digest.hexdigest())


def _export_tables(
    path: str, ctx: ReadContext, platform: str, owner: str,
    lists: dict[str, list[list[str]]], aliases: dict[str, str], digest: str,
) -> SourceTables:
    follows = []
    rows = 0
    for direction in DIRECTIONS:
        for keys in lists[direction]:
            rows += len(keys)
            listed = pd.array(keys, dtype="string")
            mine = pd.array([owner] * len(keys), dtype="string")
            pair = {"follower": listed, "followee": mine} if direction == "followers" else {"follower": mine, "followee": listed}
            follows.append(pd.DataFrame(pair))
    extra = {}
    if aliases:
        extra["aliases"] = pd.DataFrame({
            "alias": pd.array(list(aliases), dtype="string"),
            "key": pd.array(list(aliases.values()), dtype="string"),
        })
    fmt = f"{platform}-export"
    return SourceTables(
        path=path, format=fmt, follows=follows,
        accounts=pd.DataFrame({"key": pd.array([owner], dtype="string")}),
        observed={owner} if lists["following"] else set(), rows_read=rows, extra_tables=extra,
        # a download holds the owner's whole lists: a newer one ends the follows they lack
        complete_following={owner: None} if lists["following"] else {},
        complete_followers={owner: None} if lists["followers"] else {},
        fingerprint={"sha256": digest, "kind": ctx.kind, "owner": owner, "format": fmt, "options": {}},
    )


for _platform, _how in (
    ("instagram", "Instagram app: Settings > Accounts Center > Your information and permissions > "
                  "Download your information (JSON or HTML); load the .zip or its folder"),
    ("x", "X: Settings > Your account > Download an archive of your data; load the .zip or its folder"),
    ("tiktok", "TikTok: Settings > Account > Download your data (JSON or TXT); load the .zip, folder or JSON"),
):
    register(Format(
        name=f"{_platform}-export",
        kinds=("export",),
        summary=f"a whole {_PLATFORM_NAMES[_platform]} data download (.zip, folder; follower and following files inside)",
        how_to_get=_how,
        detect=_detector(_platform),
        read=read_export,
        priority=20,
    ))
register(Format(
    name="download",
    kinds=("export",),
    summary="any download above; the platform is told by the files inside (errors name the file or member)",
    how_to_get="one of the platform downloads above",
    detect=lambda head, path: path != "-",
    read=read_export,
    priority=90,
))
