"""One connection to Neo4j: a driver used as a context manager, errors made readable.

:class:`Neo4jStore` owns one :class:`neo4j.Driver` for its lifetime. Every
query goes through :meth:`Neo4jStore.read`, :meth:`Neo4jStore.write` or
:meth:`Neo4jStore.stream`, which send values only as ``$parameters`` and turn
any driver error into :class:`~graphkit.errors.Neo4jStoreError` with a sentence
that names the server (never the password).

Examples
--------
>>> store = Neo4jStore(Neo4jSettings(password="secret99"))
>>> store
<Neo4jStore bolt://127.0.0.1:7687 user='neo4j' password=*** (closed)>
>>> "secret99" in repr(store)
False
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from typing import Any

from graphkit.errors import Neo4jStoreError
from graphkit.neo4j.settings import Neo4jSettings

__all__ = ["Neo4jStore", "ACCOUNT", "FOLLOWS", "CONSTRAINT_NAME", "quote_name"]

# The driver logs each retry of a transient failure as a warning; without a handler of
# the application's, Python would print those on stderr. graphkit reports failures as
# one Neo4jStoreError instead; an application that configures logging still sees them.
logging.getLogger("neo4j").addHandler(logging.NullHandler())

ACCOUNT = "Account"
FOLLOWS = "FOLLOWS"
CONSTRAINT_NAME = "graphkit_account_key"


def quote_name(name: str) -> str:
    """A label, relationship type or property name as a Cypher identifier.

    Names cannot be query parameters, so they are checked and backtick-quoted
    (a backtick inside is doubled): nothing a user types can end the name.

    >>> quote_name("Account")
    '`Account`'
    >>> quote_name("odd`name")
    '`odd``name`'
    """
    if not isinstance(name, str) or not name.strip():
        raise Neo4jStoreError("a label, relationship type or property name must not be empty")
    if any(ord(ch) < 32 for ch in name):
        raise Neo4jStoreError(f"name {name!r} contains a control character")
    return "`" + name.replace("`", "``") + "`"


class Neo4jStore:
    """A connection to one Neo4j database.

    Parameters
    ----------
    settings : Neo4jSettings
        Where the server is and how to log in.
    retry_time : float
        Seconds a write keeps retrying after a transient failure (a dropped
        connection, a restarting server) before giving up.
    connection_timeout : float
        Seconds to wait for a TCP connection.

    Use it as a context manager::

        with Neo4jStore(Neo4jSettings.resolve()) as store:
            store.read("RETURN 1 AS one")
    """

    def __init__(
        self,
        settings: Neo4jSettings,
        *,
        retry_time: float = 30.0,
        connection_timeout: float = 10.0,
    ) -> None:
        self.settings = settings
        self.retry_time = retry_time
        self.connection_timeout = connection_timeout
        self._driver = None

    def __repr__(self) -> str:
        password = "***" if self.settings.password else "None"
        state = "open" if self._driver is not None else "closed"
        return (
            f"<Neo4jStore {self.settings.where} user={self.settings.user!r} "
            f"password={password} ({state})>"
        )

    # -- lifetime ----------------------------------------------------------------------
    def open(self) -> Neo4jStore:
        """Create the driver and check that the server answers."""
        if self._driver is not None:
            return self
        import neo4j

        try:
            driver = neo4j.GraphDatabase.driver(
                self.settings.uri,
                auth=self.settings.auth,
                max_transaction_retry_time=self.retry_time,
                connection_timeout=self.connection_timeout,
                user_agent="graphkit",
                # no "property key does not exist" warnings on stderr for absent attributes
                notifications_min_severity="OFF",
            )
        except Exception as err:  # configuration errors: bad URI, bad TLS settings
            raise self.error("cannot configure the connection", err) from None
        try:
            driver.verify_connectivity()
        except Exception as err:
            driver.close()
            raise self.error("cannot connect", err) from None
        self._driver = driver
        return self

    def close(self) -> None:
        if self._driver is not None:
            self._driver.close()
            self._driver = None

    def __enter__(self) -> Neo4jStore:
        return self.open()

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def driver(self):
        if self._driver is None:
            self.open()
        return self._driver

    def session(self):
        """A driver session on the configured database."""
        return self.driver.session(database=self.settings.database)

    # -- queries -----------------------------------------------------------------------
    def read(self, query: str, parameters: Mapping[str, Any] | None = None) -> list[dict]:
        """Run a read query; return its records as dicts."""
        params = dict(parameters or {})

        def work(tx):
            return [record.data() for record in tx.run(query, params)]

        try:
            with self.session() as session:
                return session.execute_read(work)
        except Neo4jStoreError:
            raise
        except Exception as err:
            raise self.error("a read query failed", err) from None

    def write(self, query: str, parameters: Mapping[str, Any] | None = None) -> dict[str, int]:
        """Run one write transaction (retried on transient errors); return its counters."""
        params = dict(parameters or {})

        def work(tx):
            summary = tx.run(query, params).consume()
            return _counters(summary.counters)

        try:
            with self.session() as session:
                return session.execute_write(work)
        except Neo4jStoreError:
            raise
        except Exception as err:
            raise self.error("a write failed", err) from None

    def run_auto(self, query: str, parameters: Mapping[str, Any] | None = None) -> list[dict]:
        """Run an auto-commit query (schema commands such as ``CREATE CONSTRAINT``)."""
        try:
            with self.session() as session:
                return [r.data() for r in session.run(query, dict(parameters or {}))]
        except Exception as err:
            raise self.error("a query failed", err) from None

    def stream(
        self,
        query: str,
        parameters: Mapping[str, Any] | None = None,
        *,
        fetch_size: int = 10_000,
    ) -> Iterator[list]:
        """Yield the records of a read query as value lists, fetched in pages."""
        try:
            with self.driver.session(
                database=self.settings.database, fetch_size=fetch_size,
                default_access_mode="READ",
            ) as session:
                result = session.run(query, dict(parameters or {}))
                for record in result:
                    yield record.values()
        except Exception as err:
            raise self.error("reading the graph failed", err) from None

    # -- errors ------------------------------------------------------------------------
    def error(self, action: str, err: BaseException) -> Neo4jStoreError:
        """A :class:`Neo4jStoreError` for a driver error: what failed, where, and why."""
        return Neo4jStoreError(self.settings.scrub(f"Neo4j at {self.settings.where}: {action}: {_reason(err)}"))


def _reason(err: BaseException) -> str:
    from neo4j import exceptions as ne

    if isinstance(err, ne.AuthError):
        return "authentication failed: check NEO4J_USER and NEO4J_PASSWORD (or --user/--password)"
    if isinstance(err, (ne.ServiceUnavailable, ne.SessionExpired)):
        return (
            "the server is not reachable or the connection dropped (is it running? "
            "start the bundled one with scripts/neo4j-server start)"
        )
    if isinstance(err, ne.ConfigurationError):
        return f"invalid connection settings ({_first_line(err)})"
    if isinstance(err, ne.Neo4jError):
        code = getattr(err, "code", None) or ""
        message = getattr(err, "message", None) or str(err)
        if code.endswith("DatabaseNotFound"):
            return f"the database does not exist ({_first_line(message)})"
        return f"{_first_line(message)} [{code}]" if code else _first_line(message)
    return _first_line(err) or type(err).__name__


def _first_line(value: object) -> str:
    text = str(value).strip()
    return text.splitlines()[0] if text else ""


def _counters(counters) -> dict[str, int]:
    names = (
        "nodes_created", "nodes_deleted", "relationships_created", "relationships_deleted",
        "properties_set", "labels_added", "constraints_added",
    )
    return {name: int(getattr(counters, name, 0)) for name in names}
