"""What every command gets through ``click.pass_obj``: the workspace (checked) and the tier scheme.

A command that reads asks for ``State.workspace``: a mistyped ``-w``, a file in
place of the folder or an empty workspace is a
:class:`~graphkit.errors.WorkspaceError` naming the workspace (one line on
stderr, exit 1), with a hint at the demo workspace. A command that loads asks
for ``State.writable_workspace``, which the first load creates.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["State", "demo_hint"]


class State:
    """What every command gets through ``click.pass_obj``: workspace and tier scheme.

    ``workspace`` is for commands that read: the folder must exist and hold
    data. ``writable_workspace`` is for commands that load: the folder is
    created by the first load, but a file in its place is refused.
    ``existing_workspace`` may be empty (``info`` says so); ``stored_workspace``
    holds data but its graph is not read (``export spark`` streams the files). Each refusal is a
    :class:`~graphkit.errors.WorkspaceError` naming the workspace.
    """

    def __init__(self, workspace: str | None, tiers: str | None) -> None:
        self.workspace_path = workspace
        self.tiers_path = tiers
        #: ``--as-of``: the instant (aware UTC datetime) the command answers at; ``None``: now.
        self.as_of = None
        self._workspace = None
        self._scheme = None

    def _open(self):
        if self._workspace is None:
            from graphkit.workspace import open_workspace

            self._workspace = open_workspace(self.workspace_path)
        return self._workspace

    @property
    def writable_workspace(self):
        workspace = self._open()
        if workspace.path.exists() and not workspace.path.is_dir():
            raise _workspace_error(f"{workspace.path} is a file, not a workspace folder: give -w a "
                                   "folder (the first load creates it)")
        return workspace

    @property
    def existing_workspace(self):
        workspace = self.writable_workspace
        if not workspace.path.exists():
            raise _workspace_error(
                f"no workspace at {workspace.path}: the folder does not exist. Check -w (or "
                "$GRAPHKIT_WORKSPACE), or load lists into it first (`graphkit load --help`)"
                + demo_hint(workspace.path)
            )
        return workspace

    @property
    def stored_workspace(self):
        """An existing workspace holding data, without reading its graph (``workspace`` reads it)."""
        workspace = self.existing_workspace
        if workspace.is_empty:
            raise self._empty(workspace)
        return workspace

    @property
    def workspace(self):
        workspace = self.stored_workspace
        if workspace.graph.n_accounts == 0:
            raise self._empty(workspace)
        return workspace

    @staticmethod
    def _empty(workspace):
        return _workspace_error(
            f"workspace {workspace.path} is empty: load lists into it first "
            f"(`graphkit load --help`){demo_hint(workspace.path)}"
        )

    @property
    def graph(self):
        """The graph a query command reads: the workspace's, or as of ``--as-of``.

        A date before the workspace's first load is refused (nothing was known then).
        """
        workspace = self.workspace
        if self.as_of is None:
            return workspace.graph
        graph = workspace.graph_as_of(self.as_of)
        if graph.n_accounts == 0:
            loaded = workspace.sources()["loaded_at"]
            first = f" (its first load was at {min(loaded)})" if len(loaded) else ""
            raise _workspace_error(f"--as-of {self.as_of.isoformat()}: workspace {workspace.path} holds nothing "
                                   f"that old{first}")
        return graph

    @property
    def posts(self):
        """The workspace's posts table; with ``--as-of``, the posts dated by then (posts without
        a time are kept: nothing says they came later)."""
        posts = self.workspace.table("posts")
        if self.as_of is None or posts.empty or "time" not in posts.columns:
            return posts
        import pandas as pd

        when = pd.to_datetime(posts["time"].astype("string"), utc=True, errors="coerce", format="ISO8601")
        return posts[(when.isna() | (when <= pd.Timestamp(self.as_of))).to_numpy()].reset_index(drop=True)

    @property
    def tier_scheme(self):
        if self._scheme is None:
            from graphkit.tiers import load_tier_scheme

            self._scheme = load_tier_scheme(self.tiers_path)
        return self._scheme


def _workspace_error(message: str):
    from graphkit.errors import WorkspaceError

    return WorkspaceError(message)


def demo_hint(path) -> str:
    """``; after `graphkit demo`, use -w graphkit-demo`` unless ``path`` is the demo workspace.

    >>> demo_hint("graphkit-workspace")
    '; after `graphkit demo`, use -w graphkit-demo'
    >>> demo_hint("graphkit-demo")
    ''
    """
    from graphkit.demo import DEFAULT_DEMO_WORKSPACE  # only on an error: keeps --help light

    if Path(path).resolve() == Path(DEFAULT_DEMO_WORKSPACE).resolve():
        return ""
    return f"; after `graphkit demo`, use -w {DEFAULT_DEMO_WORKSPACE}"
