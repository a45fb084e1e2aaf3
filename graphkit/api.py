"""The Python API behind every CLI command: load files, describe the workspace.

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "acme.txt").write_text("@ann\\n@bob\\n")
>>> _ = (folder / "ann.txt").write_text("nike\\nacme\\n")
>>> ws = open_workspace(folder / "ws")
>>> for report in load_files(ws, "followers", [folder / "acme.txt"], of="acme"):
...     print(report.follows_added)
2
>>> _ = load_files(ws, "following", [folder / "ann.txt"], of="{stem}")
>>> info(ws)["observed"]
1
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from graphkit.clock import parse_instant
from graphkit.errors import InputError
from graphkit.progress import Progress
from graphkit.tables import LoadReport
from graphkit.tiers import TierScheme
from graphkit.workspace import Workspace, open_workspace
from graphkit.workspace.history import instant as graph_as_of_instant

__all__ = ["open_workspace", "load_files", "read_files", "info", "owner_for"]


def owner_for(template: str | None, path: str | os.PathLike) -> str | None:
    """The owner named by ``--of``: ``{stem}`` and ``{name}`` come from the file name.

    >>> owner_for("{stem}", "lists/Alice.csv"), owner_for("acme", "x.txt")
    ('Alice', 'acme')
    """
    if template is None:
        return None
    p = Path(str(path))
    try:
        return template.format(stem=p.stem, name=p.name, parent=p.parent.name)
    except (KeyError, IndexError, ValueError) as err:
        raise InputError(f"--of {template!r}: only {{stem}}, {{name}} and {{parent}} can be used ({err})") from None


def read_files(
    kind: str,
    paths: Sequence[str | os.PathLike],
    *,
    of: str | None = None,
    fmt: str = "auto",
    encoding: str | None = None,
    column: str | None = None,
    source_col: str | None = None,
    target_col: str | None = None,
    skip_bad_rows: bool = False,
    extra: dict | None = None,
) -> Iterable:
    """Read every file (lazily, one by one) into :class:`SourceTables`; nothing is written."""
    from loaders import ReadContext, read_source

    if kind in ("followers", "following") and not of:
        raise InputError(f"`load {kind}` needs the list's owner: --of ACCOUNT (or --of '{{stem}}')")
    if not paths:
        raise InputError("no file given")
    for path in paths:
        ctx = ReadContext(
            kind=kind, owner=owner_for(of, path), encoding=encoding, column=column,
            source_col=source_col, target_col=target_col, skip_bad_rows=skip_bad_rows,
            extra=dict(extra or {}),
        )
        yield read_source(path, ctx, fmt)


def load_files(
    workspace: Workspace,
    kind: str,
    paths: Sequence[str | os.PathLike],
    *,
    progress: Progress | None = None,
    **options,
) -> list[LoadReport]:
    """Read ``paths`` as ``kind`` and merge them into ``workspace`` in one atomic update.

    Every file is read (and checked) before anything is written: a bad file
    anywhere leaves the workspace exactly as it was. Files already loaded with
    the same options are skipped. ``options`` are those of :func:`read_files`.
    """
    sources = []
    bar = progress or Progress(f"reading {kind}", total=len(paths), unit=" files")
    with bar:
        for source in read_files(kind, paths, **options):
            sources.append(source)
            bar.advance(1)
    reports = workspace.commit(sources)
    for source, report in zip(sources, reports):
        if source.summarize is not None and not report.skipped_reason:
            report.notes.append(source.summarize(workspace.graph))
    return reports


def info(workspace: Workspace, tier_scheme: TierScheme | None = None, *, as_of=None) -> dict:
    """Accounts, follows, observed accounts, sources and tier counts of a workspace.

    Every data file is checked against the checksum recorded when it was
    written, so damage that keeps a file's size is reported here too. With
    ``as_of`` (a date), the graph as it stood then (:meth:`Workspace.graph_as_of`)
    and the sources loaded by then. On a compacted workspace (and without
    ``as_of``) nothing here imports pandas: the counts come from the NumPy
    columns, the source log from its Arrow table.
    """
    import numpy as np

    scheme = tier_scheme or TierScheme.default()
    workspace.verify(deep=True)
    graph = workspace.graph if as_of is None else workspace.graph_as_of(as_of)
    log = workspace.snapshot.sources_table(list(_SOURCE_FIELDS))
    sources = [dict(zip(_SOURCE_FIELDS, row)) for row in zip(*(log.column(c).to_pylist() for c in _SOURCE_FIELDS))] \
        if log is not None else []
    then = None
    if as_of is not None:
        then = graph_as_of_instant(as_of)
        sources = [s for s in sources if s["loaded_at"] is None or parse_instant(s["loaded_at"]) <= then]
    counts = graph.numeric("followers_count")
    labels = scheme.labels(counts)
    return {
        "workspace": str(workspace.path),
        "accounts": graph.n_accounts,
        "follows": graph.n_follows,
        "observed": int(graph.observed.sum()),
        "with_profile": int(np.count_nonzero(~np.isnan(counts))),
        "tiers": {name: int(np.count_nonzero(labels == name)) for name in scheme.all_names},
        "sources": sources,
        "segments": len(workspace.data_files()["segments"]),
        "updated": workspace.updated,
        **({"as_of": then.isoformat()} if then is not None else {}),
    }


#: The source log's fields :func:`info` lists.
_SOURCE_FIELDS = ("path", "format", "kind", "owner", "loaded_at")
