"""A platform download's files, read in memory and checked: a folder, a zip, or one file.

:class:`DownloadArchive` lists the files of a download and returns a member's
bytes (a zip member is streamed from the archive, never extracted to a path).
Archives are checked before anything is read: a member whose path is absolute
or climbs out with ``..``, a symbolic link, an encrypted member, or one that
inflates beyond :data:`MAX_MEMBER_BYTES` or more than :data:`MAX_RATIO` times
its compressed size (a zip bomb) stops the load with one line naming the
archive and the member. :func:`unsafe_member_reason` is shared with the SNAP
ego-network reader, which applies the same rules to ``.tar.gz`` members.

Examples
--------
>>> import tempfile, zipfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> with zipfile.ZipFile(folder / "dl.zip", "w") as zf:
...     zf.writestr("a/followers_1.json", "[]")
>>> with DownloadArchive(str(folder / "dl.zip")) as archive:
...     [(m.name, archive.read(m)) for m in archive.members], archive.is_zip
([('a/followers_1.json', b'[]')], True)
"""

from __future__ import annotations

import os
import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from graphkit.errors import InputError

__all__ = [
    "DownloadArchive",
    "Member",
    "unsafe_member_reason",
    "MAX_MEMBER_BYTES",
    "MAX_RATIO",
    "MAX_TOTAL_BYTES",
]

#: A member (or file) of a download larger than this is refused.
MAX_MEMBER_BYTES = 1024**3
#: A zip member inflating to more than this many times its compressed size is a zip bomb.
MAX_RATIO = 200
#: Members smaller than this are never called bombs, whatever their ratio.
_RATIO_FLOOR = 1 << 20
#: At most this many bytes are inflated from one archive.
MAX_TOTAL_BYTES = 4 * 1024**3


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


def unsafe_member_reason(name: str) -> str | None:
    """Why a member name could escape an extraction folder (``None``: it cannot).

    >>> unsafe_member_reason("../../x"), unsafe_member_reason("/etc/passwd"), unsafe_member_reason("a/b.json")
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


class DownloadArchive:
    """The files of a download, read in memory: a folder tree, a zip, or one file.

    Use as a context manager; :meth:`read` returns a member's bytes.
    """

    def __init__(self, path: str) -> None:
        self.path = str(path)
        self._zip: zipfile.ZipFile | None = None
        self._infos: dict[str, zipfile.ZipInfo] = {}
        self._inflated = 0
        self.members = self._list()

    def __enter__(self) -> DownloadArchive:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def is_zip(self) -> bool:
        """Whether the download is a zip archive (not a folder or a single file)."""
        return self._zip is not None

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
            reason = unsafe_member_reason(info.filename)
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
