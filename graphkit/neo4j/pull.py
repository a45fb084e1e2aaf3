"""Read a graph out of Neo4j as :class:`~graphkit.tables.SourceTables` for a workspace.

Two shapes are read:

* graphkit's own schema (what :func:`~graphkit.neo4j.push.push_graph` writes):
  ``(:Account {key, observed, tier, tags, ...})-[:FOLLOWS]->(:Account)``. Keys,
  the ``observed`` flag and every attribute come back as they were pushed
  (``tags``, a list on the server, as the workspace's comma-joined text);
  ``tier`` is not read: a workspace derives it from ``followers_count`` under
  its own tier scheme.
* any ``(:X)-[:R]->(:Y)`` graph, named with ``label``, ``rel``, ``key`` (and
  ``target_label`` when ``Y`` differs from ``X``). The ``key`` property names
  the account (a handle or an id; numbers become strings and handles are
  normalized as loaders do); other properties become attributes under their
  canonical names (``followers`` -> ``followers_count``). Without an
  ``observed`` property, every account that follows someone counts as observed
  (as for an edge list).

Labels and types are identifiers, not values: they are checked and
backtick-quoted (:func:`~graphkit.neo4j.store.quote_name`); the key property
name travels as a parameter (``n[$key]``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import numpy as np
import pandas as pd

from graphkit.errors import Neo4jStoreError
from graphkit.handles import normalize_handles
from graphkit.neo4j.store import ACCOUNT, FOLLOWS, Neo4jStore, quote_name
from graphkit.schema import (
    ATTRIBUTES,
    BOOLEAN_ATTRIBUTES,
    FLOAT_ATTRIBUTES,
    INTEGER_ATTRIBUTES,
    canonical_attribute,
    coerce_attributes,
    snake_case,
)
from graphkit.tables import FOLLOW_COLUMNS, Rejected, SourceTables

__all__ = ["pull_graph", "PULL_CHUNK"]

#: Follows per DataFrame chunk handed to the workspace.
PULL_CHUNK = 200_000

_DTYPES = {
    **{name: "Int64" for name in INTEGER_ATTRIBUTES},
    **{name: "Float64" for name in FLOAT_ATTRIBUTES},
    **{name: "boolean" for name in BOOLEAN_ATTRIBUTES},
}


def _key_text(value: object) -> str | None:
    """A key property value as text: ``12`` -> ``"12"``, ``12.0`` -> ``"12"``.

    >>> _key_text(12), _key_text(12.0), _key_text("ann"), _key_text(None)
    ('12', '12', 'ann', None)
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _column_of(values: list) -> pd.api.extensions.ExtensionArray:
    """A typed column from the Python values Neo4j returned (``None`` = missing)."""
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, bool) for v in present):
        return pd.array(values, dtype="boolean")
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return pd.array(values, dtype="Int64")
    if present and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
        return pd.array([None if v is None else float(v) for v in values], dtype="Float64")
    text = [
        None if v is None else ",".join(map(str, v)) if isinstance(v, list) else str(v)
        for v in values
    ]
    return pd.array(text, dtype="string")


class _Puller:
    def __init__(
        self,
        store: Neo4jStore,
        label: str,
        rel: str,
        key: str,
        target_label: str | None,
    ) -> None:
        self.store = store
        self.label = label
        self.target_label = target_label or label
        self.rel = rel
        self.key = key
        self.native = (label, self.target_label, rel, key) == (ACCOUNT, ACCOUNT, FOLLOWS, "key")
        self.rejected: list[Rejected] = []
        self.where = f"{store.settings.where} (:{label})-[:{rel}]->(:{self.target_label})"

    # -- accounts --------------------------------------------------------------------------
    def accounts(self) -> tuple[pd.DataFrame, set[str], bool]:
        labels = [self.label] if self.target_label == self.label else [self.label, self.target_label]
        keys: list[str | None] = []
        props: list[dict] = []
        for label in labels:
            query = f"MATCH (n:{quote_name(label)}) RETURN n[$key] AS key, properties(n) AS props"
            for key, properties in self.store.stream(query, {"key": self.key}):
                keys.append(key)
                props.append(properties)
        if not keys:
            raise Neo4jStoreError(
                f"{self.store.settings.where} has no (:{self.label}) nodes: "
                "nothing to pull (is it the right database and label?)"
            )
        key_series = self._normalize(pd.Series([_key_text(k) for k in keys], dtype="string"))
        missing = int(key_series.isna().sum())
        if missing:
            self.rejected.append(Rejected(
                self.where, None, f"{missing:,} nodes without a {self.key!r} property were left out"
            ))
        names = list(dict.fromkeys(name for p in props for name in p if name != self.key))
        # one Python list per property: no float round trip for integers with gaps
        values = {name: [p.get(name) for p in props] for name in names}
        observed_column = values.pop("observed", None)
        accounts = self._attributes(values, len(keys))
        accounts.insert(0, "key", key_series.array)
        keep = accounts["key"].notna().to_numpy(dtype=bool)
        observed: set[str] = set()
        has_observed = observed_column is not None
        if has_observed:
            flags = np.array([flag is True for flag in observed_column], dtype=bool)
            observed = set(accounts["key"][keep & flags].astype(object))
        accounts = accounts[keep].drop_duplicates("key", keep="last").reset_index(drop=True)
        return accounts, observed, has_observed

    def _normalize(self, keys: pd.Series) -> pd.Series:
        if self.native:
            return keys.mask(keys == "")
        return normalize_handles(keys)

    def _attributes(self, values: dict[str, list], length: int) -> pd.DataFrame:
        columns: dict[str, pd.api.extensions.ExtensionArray] = {}
        for column, column_values in values.items():
            name = column
            if not self.native and column not in ATTRIBUTES:
                name = canonical_attribute(column) or snake_case(column)
                if name in ("key", "tier"):  # the account key; the tier graphkit derives
                    name = f"{name}_property"
            elif self.native and name == "tier":
                continue  # derived from followers_count by the workspace's scheme
            if name in columns:
                continue
            if self.native and name in _DTYPES:
                columns[name] = pd.array(column_values, dtype=_DTYPES[name])
            else:
                columns[name] = _column_of(column_values)
        order = [c for c in ATTRIBUTES if c in columns] + sorted(c for c in columns if c not in ATTRIBUTES)
        out = pd.DataFrame({c: columns[c] for c in order}, index=range(length))
        known = [c for c in out.columns if c in ATTRIBUTES]
        if known and not self.native:
            raw = out[known].astype(object).where(out[known].notna(), None)
            out[known] = coerce_attributes(raw, path=self.where)
        return out

    # -- follows ---------------------------------------------------------------------------
    def _pattern(self) -> str:
        return (
            f"(a:{quote_name(self.label)})-[r:{quote_name(self.rel)}]->"
            f"(b:{quote_name(self.target_label)})"
        )

    def count_follows(self) -> int:
        rows = self.store.read(f"MATCH {self._pattern()} RETURN count(r) AS n")
        return int(rows[0]["n"])

    def follows(self) -> Iterator[pd.DataFrame]:
        query = f"MATCH {self._pattern()} RETURN a[$key] AS a, b[$key] AS b"
        pairs: list[list] = []
        for pair in self.store.stream(query, {"key": self.key}, fetch_size=20_000):
            pairs.append(pair)
            if len(pairs) >= PULL_CHUNK:
                yield self._chunk(pairs)
                pairs = []
        if pairs:
            yield self._chunk(pairs)

    def _chunk(self, pairs: list[list]) -> pd.DataFrame:
        frame = pd.DataFrame(pairs, columns=list(FOLLOW_COLUMNS), dtype=object)
        for column in FOLLOW_COLUMNS:
            frame[column] = self._normalize(pd.Series([_key_text(v) for v in frame[column]], dtype="string"))
        keep = frame.notna().all(axis=1).to_numpy(dtype=bool)
        return frame[keep].reset_index(drop=True)


def pull_graph(
    store: Neo4jStore,
    *,
    label: str = ACCOUNT,
    rel: str = FOLLOWS,
    key: str = "key",
    target_label: str | None = None,
) -> SourceTables:
    """Read a follow graph from Neo4j, ready for :meth:`Workspace.commit`.

    Parameters
    ----------
    store : Neo4jStore
        An open connection.
    label, rel, key : str
        The node label, relationship type and key property of the graph
        (graphkit's own schema by default: ``Account``, ``FOLLOWS``, ``key``).
    target_label : str, optional
        The label of followed nodes when it differs from ``label``.
    Returns
    -------
    SourceTables
        Accounts (key + attributes) and the observed set now; the follows are
        streamed from the server while the workspace reads them (``rows_read``
        is their number, e.g. a progress bar's total).

    Raises
    ------
    Neo4jStoreError
        The server cannot be read, or it holds no node with ``label``.
    """
    puller = _Puller(store, label, rel, key, target_label)
    accounts, observed, has_observed = puller.accounts()
    n_follows = puller.count_follows()
    return SourceTables(
        path=puller.where,
        format="neo4j",
        follows=puller.follows(),
        accounts=accounts,
        observed=observed,
        observe_followers=not has_observed,
        rows_read=n_follows,
        rejected=puller.rejected,
        # never equal to an earlier pull's: the server's graph may have changed since
        fingerprint={"kind": "neo4j", "source": puller.where, "pulled_at": time.time_ns()},
    )
