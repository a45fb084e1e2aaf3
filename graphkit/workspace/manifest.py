"""The manifest: the one small JSON file that says which folders make up the workspace now.

``manifest.json`` names the **base** (a complete, compacted state: accounts,
follows as CSR, history, sources, tables) and the **segments** appended since
(each the changes of one or more loads), with every file's size and CRC-32,
the current counts and the folders retired by a later generation but perhaps
still read by an open :class:`~graphkit.workspace.Workspace`. It stays a few
kilobytes whatever the number of sources: the source log lives in the data
folders (``sources.parquet``). A writer replaces it with one ``os.replace``.

Examples
--------
>>> manifest = empty_manifest()
>>> manifest["schema_version"], manifest["base"], manifest["segments"]
(2, None, [])
>>> manifest_problem({"schema_version": 2, "base": {"name": "../x"}})
"it names the data folder '../x'"
>>> [name for name, _ in live_files({**manifest, "base": {"name": "base-000001",
...                                  "files": {"accounts.parquet": {"bytes": 1, "crc32": "0"}}}})]
['base-000001/accounts.parquet']
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from graphkit.errors import WorkspaceError
from graphkit.workspace.storage import read_json

__all__ = [
    "SCHEMA_VERSION", "MANIFEST", "empty_manifest", "manifest_problem", "read_manifest", "live_folders",
    "live_files", "upgrade_legacy",
]

SCHEMA_VERSION = 2
MANIFEST = "manifest.json"
_BASE = re.compile(r"base-\d{6}|data-\d{6}")  # data-NNNNNN: the base of a version-1 workspace
_SEGMENT = re.compile(r"seg-\d{6}")


def empty_manifest() -> dict:
    """The manifest of a workspace with nothing loaded."""
    return {"schema_version": SCHEMA_VERSION, "generation": 0, "base": None, "segments": [],
            "counts": {"accounts": 0, "follows": 0, "observed": 0}, "tables": [], "n_sources": 0,
            "retired": []}


def _files_problem(files: object) -> str | None:
    if not isinstance(files, dict):
        return "its list of files is missing"
    for name, record in files.items():
        if not isinstance(record, dict) or not isinstance(record.get("bytes"), int):
            return f"its record of {name!r} is damaged"
        if ".." in Path(name).parts or name.startswith("/"):
            return f"it names the file {name!r}"
    return None


def manifest_problem(manifest: object) -> str | None:
    """What makes a parsed (version-2) manifest unusable (``None``: nothing).

    >>> manifest_problem([])
    'not a JSON object'
    """
    if not isinstance(manifest, dict):
        return "not a JSON object"
    base = manifest.get("base")
    if base is not None:
        if not isinstance(base, dict) or not isinstance(base.get("name"), str) or not _BASE.fullmatch(base["name"]):
            return f"it names the data folder {base.get('name') if isinstance(base, dict) else base!r}"
        problem = _files_problem(base.get("files"))
        if problem:
            return problem
    segments = manifest.get("segments", [])
    if not isinstance(segments, list):
        return "its segments are not a list"
    for segment in segments:
        if not isinstance(segment, dict) or not isinstance(segment.get("name"), str) or not _SEGMENT.fullmatch(segment["name"]):
            return f"it names the segment {segment.get('name') if isinstance(segment, dict) else segment!r}"
        if not isinstance(segment.get("accounts"), int) or not isinstance(segment.get("level"), int):
            return f"its record of segment {segment['name']} is damaged"
        problem = _files_problem(segment.get("files"))
        if problem:
            return problem
    if segments and base is None:
        return "it lists segments without a base"
    counts = manifest.get("counts")
    if not isinstance(counts, dict) or not all(isinstance(counts.get(k), int) for k in ("accounts", "follows")):
        return "its counts are missing"
    if not isinstance(manifest.get("tables", []), list) or not isinstance(manifest.get("retired", []), list):
        return "its tables or retired folders are not lists"
    for entry in manifest.get("retired", []):
        if (not isinstance(entry, dict) or not isinstance(entry.get("name"), str)
                or not (_BASE.fullmatch(entry["name"]) or _SEGMENT.fullmatch(entry["name"]))
                or not isinstance(entry.get("retired"), int)):
            return f"it retires the folder {entry.get('name') if isinstance(entry, dict) else entry!r}"
    return None


def upgrade_legacy(manifest: dict) -> dict:
    """A version-1 manifest (one ``data-NNNNNN`` folder, sources in the manifest) seen as version 2.

    The old folder becomes a *legacy* base: it has no follow history, source
    log or meta file of its own, so those come from the manifest (``legacy``).
    The next commit rewrites it as a version-2 base.

    >>> old = {"schema_version": 1, "generation": 3, "data": "data-000003", "sources": [],
    ...        "counts": {"accounts": 2, "follows": 1}, "files": {"accounts.parquet": 10},
    ...        "checksums": {"accounts.parquet": "0000abcd"}, "tables": [], "updated": "2026-01-01"}
    >>> upgrade_legacy(old)["base"]["files"]
    {'accounts.parquet': {'bytes': 10, 'crc32': '0000abcd'}}
    """
    data = manifest.get("data")
    checksums = manifest.get("checksums") if isinstance(manifest.get("checksums"), dict) else {}
    files = manifest.get("files") if isinstance(manifest.get("files"), dict) else None
    base = None
    counts = manifest.get("counts")
    if data is not None:
        sizes = counts if isinstance(counts, dict) else {}
        base = {
            "name": data, "generation": manifest.get("generation", 0),
            "accounts": sizes.get("accounts"), "follows": sizes.get("follows"),
            "files": None if files is None else {
                name: {"bytes": size, "crc32": checksums.get(name)} for name, size in files.items()
            },
        }
    return {
        "schema_version": SCHEMA_VERSION, "generation": manifest.get("generation", 0),
        "created": manifest.get("created"), "updated": manifest.get("updated"),
        "base": base, "segments": [], "counts": counts, "tables": manifest.get("tables", []),
        "n_sources": len(manifest.get("sources", []) or []), "retired": [],
        "legacy": {"sources": manifest.get("sources", []), "meta": manifest.get("meta", {}),
                   "loaded_at": manifest.get("updated") or manifest.get("created")},
    }


def read_manifest(path: Path) -> dict:
    """The manifest of the workspace folder ``path`` (an empty one if nothing was loaded).

    Raises :class:`WorkspaceError` saying what is wrong and the way out.
    """
    file = path / MANIFEST
    if path.exists() and not path.is_dir():
        raise WorkspaceError(f"{path} is a file, not a workspace directory")
    if not file.exists():
        folders = sorted(p.name for p in path.iterdir() if _BASE.fullmatch(p.name)) if path.is_dir() else []
        if folders:  # a first load writes the manifest before any data folder
            raise WorkspaceError(
                f"{file} is missing but {folders[-1]} holds data; the workspace is damaged. "
                "Nothing was rebuilt from partial data: restore manifest.json from a backup, "
                "or delete the folder and load the sources again"
            )
        return empty_manifest()
    try:
        manifest = read_json(file)
    except (OSError, ValueError) as err:
        raise WorkspaceError(
            f"{file} cannot be read ({err}); the workspace is damaged: "
            "restore it from a backup or delete it and load the sources again"
        ) from err
    version = manifest.get("schema_version") if isinstance(manifest, dict) else None
    if version == 1:
        manifest = upgrade_legacy(manifest)
    problem = manifest_problem(manifest)
    if problem:
        raise WorkspaceError(
            f"{file} is damaged ({problem}); nothing was rebuilt from partial data: "
            "restore the workspace from a backup or delete it and load the sources again"
        )
    version = manifest.get("schema_version")
    if version != SCHEMA_VERSION:
        newer = isinstance(version, int) and version > SCHEMA_VERSION
        raise WorkspaceError(
            f"{file}: schema version {version!r}, this graphkit reads {SCHEMA_VERSION}; "
            + ("upgrade graphkit to open it" if newer else
               "restore the workspace from a backup or delete it and load the sources again")
        )
    return manifest


def live_folders(manifest: dict) -> list[str]:
    """The folders the manifest's generation reads: the base, then each segment."""
    base = manifest.get("base")
    return ([base["name"]] if base else []) + [s["name"] for s in manifest.get("segments", [])]


def live_files(manifest: dict) -> Iterator[tuple[str, dict]]:
    """``(folder/name, {"bytes", "crc32"})`` of every file the manifest names."""
    parts = ([manifest["base"]] if manifest.get("base") else []) + list(manifest.get("segments", []))
    for part in parts:
        for name, record in (part.get("files") or {}).items():
            yield f"{part['name']}/{name}", record
