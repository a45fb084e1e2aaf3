"""Where graphkit's Neo4j lives: URI, user, password, database — password kept secret.

Settings come from explicit options first, then the environment (``NEO4J_URI``,
``NEO4J_USER``, ``NEO4J_PASSWORD``, ``NEO4J_DATABASE``), then defaults. The
password is never part of ``repr()``, ``str()`` or any message.

Examples
--------
>>> s = Neo4jSettings.resolve(uri="bolt://db:7687", user="neo4j", password="s3cret", env={})
>>> s
Neo4jSettings(uri='bolt://db:7687', user='neo4j', password='***', database=None)
>>> "s3cret" in repr(s) or "s3cret" in str(s)
False
>>> Neo4jSettings.resolve(env={"NEO4J_URI": "neo4j://h:7000"}).uri
'neo4j://h:7000'
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from graphkit.errors import ConfigError

__all__ = ["Neo4jSettings", "DEFAULT_URI", "DEFAULT_USER"]

DEFAULT_URI = "bolt://127.0.0.1:7687"
DEFAULT_USER = "neo4j"
_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
_USERINFO = re.compile(r"^([a-z0-9+]+://)[^@/]*@", re.IGNORECASE)


@dataclass(frozen=True)
class Neo4jSettings:
    """How to reach one Neo4j database.

    Parameters
    ----------
    uri : str
        A Bolt URI: ``bolt://host:7687``, ``neo4j://...``, ``neo4j+s://...`` (Aura).
    user : str
        The user name (``neo4j`` by default).
    password : str, optional
        ``None`` when the server runs without authentication. Hidden from
        ``repr`` and ``str``.
    database : str, optional
        The database name; ``None`` means the server's default database.
    """

    uri: str = DEFAULT_URI
    user: str = DEFAULT_USER
    password: str | None = field(default=None, repr=False)
    database: str | None = None

    def __post_init__(self) -> None:
        scheme = self.uri.split("://", 1)[0].lower() if "://" in self.uri else ""
        if scheme not in _SCHEMES:
            raise ConfigError(
                f"Neo4j URI {self.safe_uri!r} must start with one of "
                + ", ".join(f"{s}://" for s in _SCHEMES)
            )

    @classmethod
    def resolve(
        cls,
        *,
        uri: str | None = None,
        user: str | None = None,
        password: str | None = None,
        database: str | None = None,
        env: Mapping[str, str] | None = None,
    ) -> Neo4jSettings:
        """Options first, then ``NEO4J_*`` environment variables, then defaults."""
        env = os.environ if env is None else env
        return cls(
            uri=uri or env.get("NEO4J_URI") or DEFAULT_URI,
            user=user or env.get("NEO4J_USER") or DEFAULT_USER,
            password=password or env.get("NEO4J_PASSWORD") or None,
            database=database or env.get("NEO4J_DATABASE") or None,
        )

    @property
    def auth(self) -> tuple[str, str] | None:
        """The driver's ``auth`` argument (``None`` without a password)."""
        return (self.user, self.password) if self.password else None

    @property
    def safe_uri(self) -> str:
        """The URI with any ``user:password@`` part removed (for messages)."""
        return _USERINFO.sub(r"\1", self.uri)

    @property
    def where(self) -> str:
        """``uri`` plus the database, for messages and reports.

        >>> Neo4jSettings("bolt://h:1", database="graphs").where
        'bolt://h:1 (database graphs)'
        """
        return self.safe_uri + (f" (database {self.database})" if self.database else "")

    def scrub(self, text: str) -> str:
        """``text`` with the password (if any) replaced by ``***``.

        >>> Neo4jSettings(password="hunter22").scrub("auth hunter22 failed")
        'auth *** failed'
        """
        if self.password:
            text = text.replace(self.password, "***")
        return text

    def __repr__(self) -> str:
        password = "'***'" if self.password else "None"
        return (
            f"Neo4jSettings(uri={self.safe_uri!r}, user={self.user!r}, "
            f"password={password}, database={self.database!r})"
        )

    __str__ = __repr__
