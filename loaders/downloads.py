"""Whole platform downloads: ``graphkit load download PATH --owner NAME``.

A download is what Instagram, X or TikTok hand a user who asks for their data:
a ``.zip`` or the folder it unpacks to (any nesting), or a single file that
holds both lists (TikTok's ``user_data_tiktok.json``, Instagram's
``connections.json``). The follower and following files inside are found by
name, read **in memory** through :class:`~loaders.archives.DownloadArchive`
(which refuses unsafe archives), parsed by the platform's reader, and loaded in
both directions for the owner: every follower follows the owner, the owner
follows every account it follows, and the owner becomes observed.

(``load export`` is the older name of ``load download``; graphkit's own output
is what ``graphkit export`` writes.)

Examples
--------
>>> import io, zipfile, tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> with zipfile.ZipFile(folder / "tiktok.zip", "w") as zf:
...     zf.writestr("TikTok/user_data_tiktok.json",
...         '{"Your Activity": {"Follower": {"FansList": [{"UserName": "ann"}]},'
...         ' "Following": {"Following": [{"UserName": "bob"}]}}}')
>>> src = read_download(str(folder / "tiktok.zip"), ReadContext(kind="download", owner="me"))
>>> src.format, [f.values.tolist() for f in src.follows], sorted(src.observed)
('tiktok-download', [[['ann', 'me']], [['me', 'bob']]], ['me'])
"""

from __future__ import annotations

import hashlib
import os
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from graphkit.errors import InputError
from graphkit.handles import bad_key_reason, normalize_handle
from graphkit.lazy import lazy_module
from graphkit.tables import SourceTables
from loaders import instagram, tiktok, x_archive
from loaders.archives import DownloadArchive, Member
from loaders.formats import Format, ReadContext, register
from loaders.textio import display_path, sniff

pd = lazy_module("pandas")

__all__ = ["find_list_files", "read_download", "ListFiles"]

DIRECTIONS = ("followers", "following")


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
class ListFiles:
    """The list files of one platform in a download, and the files naming its owner."""

    platform: str | None
    lists: list[Member] = field(default_factory=list)
    owners: list[Member] = field(default_factory=list)


def find_list_files(members: Sequence[Member]) -> dict[str, ListFiles]:
    """The follower/following files of each platform among ``members``, by file name.

    >>> inv = find_list_files([Member("a/followers_1.json", 1, "x"), Member("a/likes.json", 1, "y"),
    ...                        Member("data/follower.js", 1, "z")])
    >>> {k: [m.name for m in v.lists] for k, v in inv.items()}
    {'instagram': ['a/followers_1.json'], 'x': ['data/follower.js']}
    """
    found: dict[str, ListFiles] = {}
    for member in members:
        base = member.basename.lower()
        for pattern in _PATTERNS:
            if pattern.regex.match(base):
                inventory = found.setdefault(pattern.platform, ListFiles(pattern.platform))
                (inventory.lists if pattern.role == "list" else inventory.owners).append(member)
                break
    return {k: v for k, v in found.items() if v.lists}


@lru_cache(maxsize=16)
def _platform_of(path: str, mtime: int, size: int) -> str | None:
    try:
        with DownloadArchive(path) as archive:
            found = find_list_files(archive.members)
    except InputError:
        return None
    if len(found) == 1:
        return next(iter(found))
    if not found and not Path(path).is_dir() and not zipfile.is_zipfile(path):
        return _single_file_platform(path)
    return None


def _single_file_platform(path: str) -> str | None:
    head = sniff(path)
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
    parse = {"instagram": instagram.instagram_lists, "x": x_archive.x_lists, "tiktok": tiktok.tiktok_lists}[platform]
    return parse(data, member.label, member.basename)


def _owner_from(platform: str, archive: DownloadArchive, inventory: ListFiles) -> tuple[str | None, dict[str, str]]:
    """The owner's handle (and X id aliases) from the download's own account file."""
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


def read_download(path: str, ctx: ReadContext) -> SourceTables:
    """Read a whole download (folder, zip or single file) for ``ctx.owner``.

    Raises :class:`InputError` when the download has no follower/following
    file, mixes several downloads, or a file in it is bad.
    """
    shown = display_path(path)
    with DownloadArchive(path) as archive:
        found = find_list_files(archive.members)
        if not found and len(archive.members) == 1 and not archive.is_zip:
            platform = _single_file_platform(path)
            if platform:
                found = {platform: ListFiles(platform, lists=list(archive.members))}
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
    return _download_tables(shown, ctx, platform, owner, lists, aliases, digest.hexdigest())


def _download_tables(
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
    fmt = f"{platform}-download"
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
        name=f"{_platform}-download",
        kinds=("download",),
        summary=f"a whole {_PLATFORM_NAMES[_platform]} data download (.zip, folder; follower and following files inside)",
        how_to_get=_how,
        detect=_detector(_platform),
        read=read_download,
        priority=20,
    ))
register(Format(
    name="download",
    kinds=("download",),
    summary="any download above; the platform is told by the files inside (errors name the file or member)",
    how_to_get="one of the platform downloads above",
    detect=lambda head, path: path != "-",
    read=read_download,
    priority=90,
))
