"""The exceptions graphkit raises.

Every error a user can cause is a :class:`GraphkitError`; the CLI prints its
message on one line and exits non-zero, without a traceback. Library code
raises the most specific subclass and chains the low-level cause with
``raise ... from err``.

Examples
--------
>>> err = InputError("bad row", path="a.csv", line=3)
>>> str(err)
'a.csv, line 3: bad row'
>>> isinstance(err, GraphkitError)
True
"""

from __future__ import annotations

__all__ = [
    "GraphkitError",
    "InputError",
    "FormatNotDetected",
    "WorkspaceError",
    "WorkspaceLocked",
    "AccountNotFound",
    "QueryError",
    "ConfigError",
    "Neo4jStoreError",
    "InstallError",
    "CrawlError",
    "memory_only",
]


class GraphkitError(Exception):
    """Base class of every error graphkit reports to a user."""


class InputError(GraphkitError):
    """A file (or one record in it) cannot be read.

    The message names the file, the line or record when known, and the
    problem, e.g. ``lists/a.csv, line 7: expected 2 fields, found 3``.
    """

    def __init__(
        self,
        problem: str,
        *,
        path: str | None = None,
        line: int | None = None,
        record: str | None = None,
    ) -> None:
        self.problem = problem
        self.path = path
        self.line = line
        self.record = record
        super().__init__(self._message())

    def _message(self) -> str:
        where = []
        if self.path is not None:
            where.append(str(self.path))
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.record is not None:
            where.append(self.record)
        text = f"{', '.join(where)}: {self.problem}" if where else self.problem
        # one line, whatever the file held (a header or value quoted in the problem)
        return text.replace("\r", "\\r").replace("\n", "\\n")


class FormatNotDetected(InputError):
    """No reader recognises the content of a file."""


class WorkspaceError(GraphkitError):
    """The workspace on disk is missing, corrupt or cannot be written."""


class WorkspaceLocked(WorkspaceError):
    """Another process holds the workspace's write lock."""


class AccountNotFound(GraphkitError):
    """A query names an account that is not in the graph."""

    def __init__(self, account: str, suggestions: list[str] | None = None) -> None:
        self.account = account
        self.suggestions = list(suggestions or [])
        message = f"account {account!r} is not in the graph"
        if self.suggestions:
            message += "; did you mean " + ", ".join(repr(s) for s in self.suggestions) + "?"
        super().__init__(message)


class QueryError(GraphkitError):
    """A query cannot be answered on this graph (e.g. no observed followers)."""


def memory_only(option: str, engine: str, why: str) -> QueryError:
    """The refusal of an option that ``engine`` does not compute (every engine words it so).

    >>> str(memory_only("--niche", "spark", "profile text is scored in memory only"))
    '--niche is not available with --engine spark (profile text is scored in memory only): use --engine memory'
    """
    return QueryError(f"{option} is not available with --engine {engine} ({why}): use --engine memory")


class ConfigError(GraphkitError):
    """A configuration file or option value is invalid."""


class Neo4jStoreError(GraphkitError):
    """Talking to Neo4j failed (connection, authentication, query)."""


class InstallError(GraphkitError):
    """graphkit cannot import one of its own modules: the installation is broken."""


class CrawlError(GraphkitError):
    """A crawl cannot go on: the service refused it, or kept failing after retries.

    What was fetched before the error is in the workspace; running the same
    command again continues from there. The message never holds a credential.
    """
