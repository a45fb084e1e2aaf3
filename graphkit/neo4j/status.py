"""What a Neo4j database holds for graphkit: server version, counts, schema.

:func:`store_status` answers ``graphkit neo4j status``: which server and
edition, how many ``:Account`` nodes (observed or not) and ``[:FOLLOWS]``
relationships it holds, whether graphkit's uniqueness constraint on
``:Account(key)`` exists and which other indexes ``:Account`` has (``push``
creates them on ``tier`` and ``followers_count``). Counts of a label or a type alone come from Neo4j's
count store, so this is instant on any size of graph.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from graphkit.neo4j.store import CONSTRAINT_NAME, Neo4jStore

__all__ = ["StoreStatus", "store_status"]


@dataclass
class StoreStatus:
    """The answer of :func:`store_status`."""

    where: str
    server: str
    edition: str
    accounts: int
    observed: int
    follows: int
    constraint: str | None
    labels: list[str]
    relationship_types: list[str]
    #: ``name on :Account(property)`` of each index not backing a constraint
    indexes: list[str] = field(default_factory=list)

    @property
    def has_schema(self) -> bool:
        """Whether the ``:Account(key)`` uniqueness constraint exists."""
        return self.constraint is not None

    def as_dict(self) -> dict:
        out = asdict(self)
        out["has_schema"] = self.has_schema
        return out

    def lines(self) -> list[str]:
        """Human-readable ``name: value`` lines.

        >>> StoreStatus("bolt://h:1", "Neo4j Kernel 5.26.0", "community", 3, 1, 2,
        ...             None, ["Account"], ["FOLLOWS"]).lines()[-2:]
        ['schema: missing (graphkit neo4j push creates it)', 'indexes: -']
        """
        schema = (
            f"uniqueness constraint {self.constraint!r} on :Account(key)"
            if self.constraint
            else "missing (graphkit neo4j push creates it)"
        )
        return [
            f"server: {self.where}",
            f"version: {self.server} ({self.edition})",
            f"accounts: {self.accounts:,} ({self.observed:,} observed)",
            f"follows: {self.follows:,}",
            f"labels: {', '.join(self.labels) or '-'}",
            f"relationship types: {', '.join(self.relationship_types) or '-'}",
            f"schema: {schema}",
            f"indexes: {', '.join(self.indexes) or '-'}",
        ]


def store_status(store: Neo4jStore) -> StoreStatus:
    """Ask the server for its version, graphkit's counts and the key constraint."""
    component = store.read(
        "CALL dbms.components() YIELD name, versions, edition "
        "RETURN name, versions[0] AS version, edition"
    )
    name = component[0]["name"] if component else "Neo4j"
    version = component[0]["version"] if component else "?"
    edition = component[0]["edition"] if component else "?"
    accounts = store.read("MATCH (a:Account) RETURN count(a) AS n")[0]["n"]
    follows = store.read("MATCH ()-[r:FOLLOWS]->() RETURN count(r) AS n")[0]["n"]
    observed = store.read("MATCH (a:Account) WHERE a.observed = true RETURN count(a) AS n")[0]["n"]
    constraints = store.read(
        "SHOW CONSTRAINTS YIELD name, type, entityType, labelsOrTypes, properties "
        "WHERE entityType = 'NODE' AND labelsOrTypes = ['Account'] AND properties = ['key'] "
        "AND type IN ['UNIQUENESS', 'NODE_KEY'] RETURN name ORDER BY name = $name DESC, name",
        {"name": CONSTRAINT_NAME},
    )
    indexes = store.read(
        "SHOW INDEXES YIELD name, entityType, labelsOrTypes, properties, owningConstraint "
        "WHERE entityType = 'NODE' AND labelsOrTypes = ['Account'] AND owningConstraint IS NULL "
        "RETURN name, properties ORDER BY name"
    )
    labels = store.read("CALL db.labels() YIELD label RETURN label ORDER BY label")
    types = store.read(
        "CALL db.relationshipTypes() YIELD relationshipType AS type RETURN type ORDER BY type"
    )
    return StoreStatus(
        where=store.settings.where,
        server=f"{name} {version}",
        edition=str(edition),
        accounts=int(accounts),
        observed=int(observed),
        follows=int(follows),
        constraint=constraints[0]["name"] if constraints else None,
        labels=[r["label"] for r in labels],
        relationship_types=[r["type"] for r in types],
        indexes=[f"{r['name']} on :Account({', '.join(r['properties'])})" for r in indexes],
    )
