"""What a loader hands to the workspace: follows, account attributes, and notes.

Every loader, whatever the input format, returns a :class:`SourceTables`:

* ``follows`` — chunks of a two-column table ``follower, followee`` of account
  keys (already normalized, see :mod:`graphkit.handles`);
* ``accounts`` — one row per account key with the attributes the file carries
  (names from :mod:`graphkit.schema`);
* ``observed`` — the keys whose *whole* following list this source gives;
* ``complete_following`` / ``complete_followers`` — keys whose whole following
  (followers) list has now been seen, each mapped to the time that sighting
  began (``None``: this source's ``seen_at``, i.e. the source holds the whole
  list). A follow of such a list not seen at or after that time is ended (a
  "full list" load; other loads never end follows). A crawler that commits a
  long list page by page marks it complete on its last page with the time its
  first page was fetched;
* ``seen_at`` — when the data was observed (ISO-8601 UTC; ``None``: at load
  time, see :func:`graphkit.clock.now_iso`);
* ``extra_tables`` — other named tables (e.g. ego-network circles) appended to
  the workspace's table of the same name.

Examples
--------
>>> src = SourceTables.from_pairs("demo.csv", [("a", "b"), ("c", "b")], observed=["a"])
>>> src.rows_read, sorted(src.observed)
(2, ['a'])
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from graphkit.lazy import lazy_module

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow as pa

pd = lazy_module("pandas")

__all__ = ["Rejected", "SourceTables", "LoadReport", "FOLLOW_COLUMNS", "empty_follows", "follows_frame"]

FOLLOW_COLUMNS = ("follower", "followee")


def empty_follows() -> pd.DataFrame:
    """A follows table with no rows and the right columns."""
    return pd.DataFrame({c: pd.array([], dtype="string") for c in FOLLOW_COLUMNS})


def follows_frame(chunk: pd.DataFrame | pa.Table) -> pd.DataFrame:
    """A chunk of :attr:`SourceTables.follows` as a pandas frame of ``string`` keys.

    >>> import pyarrow as pa
    >>> follows_frame(pa.table({"follower": ["a"], "followee": ["b"]})).values.tolist()
    [['a', 'b']]
    """
    if isinstance(chunk, pd.DataFrame):
        return chunk
    import pyarrow as pa

    return pd.DataFrame({name: pd.array(chunk.column(name).cast(pa.large_string()).to_pandas(), dtype="string")
                         for name in FOLLOW_COLUMNS})


@dataclass(frozen=True)
class Rejected:
    """One input row left out under ``--skip-bad-rows``."""

    path: str | None
    line: int | None
    problem: str

    def __str__(self) -> str:
        where = ", ".join(str(p) for p in (self.path, f"line {self.line}" if self.line else None) if p)
        return f"{where}: {self.problem}" if where else self.problem


@dataclass
class SourceTables:
    """The tables read from one input file (or one export)."""

    path: str
    format: str
    #: chunks of ``follower, followee`` keys: pandas frames, or Arrow tables (the edge reader's
    #: share one dictionary of keys)
    follows: list[pd.DataFrame | pa.Table] | Iterator[pd.DataFrame | pa.Table] = field(default_factory=list)
    #: ``key`` and the attributes the source gives (``None``: no account attributes)
    accounts: pd.DataFrame | None = None
    observed: set[str] = field(default_factory=set)
    #: every follower in ``follows`` is observed (edge lists: each source's list is complete)
    observe_followers: bool = False
    rows_read: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    extra_tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    fingerprint: dict = field(default_factory=dict)
    #: SHA-256 of the file's bytes when the reader hashed them as it read (else the
    #: registry reads the file again for the fingerprint)
    sha256: str | None = None
    #: key -> when the sighting of its whole following list began (``None``: ``seen_at``);
    #: follows of that key not seen since then are ended (a full-list load)
    complete_following: dict[str, str | None] = field(default_factory=dict)
    #: key -> when the sighting of its whole followers list began (ends lost followers)
    complete_followers: dict[str, str | None] = field(default_factory=dict)
    #: when the data was observed, ISO-8601 UTC (``None``: the load's time)
    seen_at: str | None = None
    #: called with the workspace's graph after the load; its sentence is added to the report
    #: (e.g. how many customers matched an account of the follow graph)
    summarize: Callable[[object], str] | None = None

    @classmethod
    def from_pairs(
        cls, path: str, pairs: Iterable[tuple[str, str]], observed: Iterable[str] = ()
    ) -> SourceTables:
        """Build from ``(follower, followee)`` key pairs; handy in tests."""
        rows = list(pairs)
        frame = pd.DataFrame(rows, columns=list(FOLLOW_COLUMNS), dtype="string")
        return cls(path=path, format="pairs", follows=[frame], observed=set(observed), rows_read=len(rows))


@dataclass
class LoadReport:
    """What one ``load`` did to the workspace; printed as one line per source.

    >>> print(LoadReport(path="a.txt", format="handle-list", rows_read=3, accounts_added=2,
    ...                  follows_added=3))
    a.txt (handle-list): 3 rows read, 2 accounts added, 3 follows added, 0 duplicates, 0 self-follows dropped
    """

    path: str
    format: str
    rows_read: int = 0
    accounts_added: int = 0
    follows_added: int = 0
    duplicates: int = 0
    self_follows: int = 0
    #: follows a whole list ended (it no longer holds them; see ``complete_following``)
    follows_ended: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    skipped_reason: str | None = None
    #: sentences a loader adds after the load (see ``SourceTables.summarize``)
    notes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        if self.skipped_reason:
            return f"{self.path}: {self.skipped_reason}"
        text = (
            f"{self.path} ({self.format}): {self.rows_read:,} rows read, "
            f"{self.accounts_added:,} accounts added, {self.follows_added:,} follows added, "
            f"{self.duplicates:,} duplicates, {self.self_follows:,} self-follows dropped"
        )
        if self.follows_ended:
            text += f", {self.follows_ended:,} follows ended"
        if self.rejected:
            text += f", {len(self.rejected):,} bad rows skipped"
        for note in self.notes:
            text += f"; {note}"
        return text

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "format": self.format,
            "rows_read": self.rows_read,
            "accounts_added": self.accounts_added,
            "follows_added": self.follows_added,
            "duplicates": self.duplicates,
            "self_follows": self.self_follows,
            "follows_ended": self.follows_ended,
            "rejected": [str(r) for r in self.rejected],
            "skipped_reason": self.skipped_reason,
            "notes": list(self.notes),
        }
