"""Customer files from a CRM or shop: social handles, orders, lifetime value, last order.

``graphkit load customers FILE`` reads a CSV/TSV with a header, one row per
customer, as Shopify, WooCommerce, Klaviyo or a CRM export it:

==============  ================================================================
customer id     ``customer_id``, ``id``, ``customer``, ``client_id``, ... (optional)
social handles  every column named after a platform or a handle: ``instagram``,
                ``ig``, ``tiktok``, ``twitter``, ``x``, ``threads``, ``handle``,
                ``username``, ``social``, with ``_handle``/``_username``/``_url``
                suffixes (``Instagram Handle``). A cell may hold ``@name``, a
                profile URL, or several handles separated by commas.
orders          ``orders_count``, ``orders``, ``total_orders``, ``number_of_orders``
value           ``customer_value``, ``lifetime_value``, ``ltv``, ``clv``,
                ``total_spent``, ``revenue`` (``$1,234.50``, ``1.234,50 €``)
last order      ``last_order``, ``last_order_date``, ``last_purchase``, ...
==============  ================================================================

Every handle is normalized like everywhere else (:mod:`graphkit.handles`) and
its account gets ``is_customer`` (true), ``customer_value``, ``orders_count``,
``last_order`` (``YYYY-MM-DD``) and ``customer_id`` (when the file has an id
column). A customer with handles on several platforms links to each of those
accounts. Several rows naming the same account add up (orders, value; the
latest last order; the first id).

Personal data. Nothing but the columns above is read. E-mail addresses are
never stored, not even hashed: the e-mail column is ignored, an id or handle
cell that holds an e-mail address is dropped, and no message quotes one. Names,
addresses and phone numbers are not read either.

Matching. A customer's handles become accounts even when the follow graph
does not know them yet (loading follower lists later links them). The load
report says how many customers *matched* (one of their accounts has a follow
in the workspace), how many have handles that are not in the follow graph,
and how many have no usable social handle; neither is an error.

Examples
--------
>>> from loaders.tabular import parse_delimited
>>> records = parse_delimited([
...     "Customer ID,Email,Instagram,TikTok,Total Orders,Total Spent,Last Order Date",
...     "c1,ann@example.com,@Ann.Runs,tiktok.com/@annruns,3,$120.50,2024-05-01",
...     "c2,bob@example.com,,,1,20,2024-04-02",
... ], "c.csv")
>>> src = parse_customer_records(records, "c.csv", ReadContext(kind="customers"))
>>> src.accounts[["key", "is_customer", "orders_count", "customer_value", "customer_id"]].values.tolist()
[['ann.runs', True, 3, 120.5, 'c1'], ['annruns', True, 3, 120.5, 'c1']]
"""

from __future__ import annotations

import re

import numpy as np

from graphkit.errors import InputError
from graphkit.handles import bad_key_reason, normalize_handle
from graphkit.lazy import lazy_module
from graphkit.schema import parse_count
from graphkit.tables import Rejected, SourceTables
from loaders.formats import Format, ReadContext, register
from loaders.posts import dayfirst_for, parse_time
from loaders.tabular import Records, find_column, looks_like_delimited, parse_delimited
from loaders.textio import decode_lines

pd = lazy_module("pandas")

__all__ = ["parse_customer_records", "handle_columns", "customer_handles", "parse_money", "CUSTOMER_ATTRIBUTES"]

#: The account attributes a customer file writes.
CUSTOMER_ATTRIBUTES = ("is_customer", "customer_value", "orders_count", "last_order", "customer_id")

_ID_COLUMNS = (
    "customer_id", "customerid", "customer_number", "customer_no", "client_id", "clientid",
    "external_id", "id", "customer", "user_id", "contact_id",
)
_ORDER_COLUMNS = (
    "orders_count", "orders", "order_count", "total_orders", "number_of_orders", "num_orders",
    "n_orders", "purchases", "purchase_count",
)
_VALUE_COLUMNS = (
    "customer_value", "lifetime_value", "ltv", "clv", "total_spent", "amount_spent", "total_spend",
    "total_revenue", "revenue", "spend", "spent", "value",
)
_LAST_ORDER_COLUMNS = (
    "last_order", "last_order_date", "last_order_at", "last_ordered_at", "last_purchase",
    "last_purchase_date", "most_recent_order", "last_order_time", "latest_order",
)
_PLATFORMS = ("instagram", "insta", "tiktok", "twitter", "threads", "youtube")
_SHORT = {"ig", "tt", "x", "handle", "username", "social", "socialmedia", "socialhandle", "socialhandles"}
_SUFFIXES = ("", "handle", "handles", "username", "user", "name", "account", "url", "profile", "id")
_PLACEHOLDERS = {"n/a", "na", "none", "null", "nan", "-", "--", "?", "no", "unknown"}
_HANDLE = re.compile(r"^[\w.\-]+$")
_EMAIL = re.compile(r"[^@\s/]+@[^@\s/]+\.[^@\s/]+")


def _squash(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def handle_columns(header: list[str]) -> list[str]:
    """The columns of ``header`` that hold social handles, in header order.

    >>> handle_columns(["Email", "Instagram Handle", "tiktok", "X", "Twitter URL", "Notes"])
    ['Instagram Handle', 'tiktok', 'X', 'Twitter URL']
    """
    out = []
    for name in header:
        squashed = _squash(name)
        for suffix in _SUFFIXES:
            stem = squashed[: len(squashed) - len(suffix)] if suffix and squashed.endswith(suffix) else squashed
            if (suffix and not squashed.endswith(suffix)) or not stem:
                continue
            if stem in _PLATFORMS or stem in _SHORT or (stem + suffix) in _SHORT:
                out.append(name)
                break
    return out


def customer_handles(value: object) -> list[str]:
    """The account keys in one handle cell; e-mail addresses and placeholders give none.

    >>> customer_handles("@Ann_Runs, https://www.tiktok.com/@ann.r")
    ['ann_runs', 'ann.r']
    >>> customer_handles("ann@example.com"), customer_handles("n/a"), customer_handles(None)
    ([], [], [])
    """
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return []
    out = []
    for part in re.split(r"[,;|\s]+", str(value).strip()):
        if not part or part.lower() in _PLACEHOLDERS or _EMAIL.fullmatch(part):
            continue
        key = normalize_handle(part)
        if key and "@" not in key and _HANDLE.match(key) and not bad_key_reason(key):
            out.append(key)
    return list(dict.fromkeys(out))


_CURRENCY = re.compile(r"[$€£¥₹]|\b[A-Z]{3}\b")


def parse_money(value: object) -> float | None:
    """A money amount: ``1234.5``, ``"$1,234.50"``, ``"1.234,50 €"``, ``"EUR 12"``; ``None`` if empty.

    >>> parse_money("$1,234.50"), parse_money("1.234,50 €"), parse_money("EUR 12"), parse_money("")
    (1234.5, 1234.5, 12.0, None)
    """
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, (bool, np.bool_)):
        raise ValueError(f"not an amount: {value!r}")
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    text = _CURRENCY.sub("", str(value)).replace(" ", "").replace("\u00a0", "").strip()
    if not text:
        if str(value).strip():
            raise ValueError(f"not an amount: {str(value)[:40]!r}")
        return None
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif "," in text:
        text = text.replace(",", "") if re.fullmatch(r"-?\d{1,3}(,\d{3})+", text) else text.replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"not an amount: {str(value)[:40]!r}") from None
    if not np.isfinite(number):
        raise ValueError(f"not an amount: {str(value)[:40]!r}")
    return number


def _customer_id(value: object) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).strip()
    if not text or "@" in text:  # an e-mail address is never stored
        return None
    return text


def parse_customer_records(records: Records, path: str, ctx: ReadContext) -> SourceTables:
    """The customers' accounts (``is_customer``, value, orders, last order) of parsed records.

    Raises
    ------
    InputError
        No social handle column; no rows; (strict mode) an unreadable order
        count, amount or date, naming the file, line and column (never a cell
        of another column).
    """
    rejects: list[Rejected] | None = [] if ctx.skip_bad_rows else None
    header = records.header
    handles = handle_columns(header)
    if not handles:
        raise InputError(
            f"the customers ({', '.join(header[:12])}) have no social handle column; looked for "
            "instagram, tiktok, twitter, x, threads, handle, username (with _handle/_url suffixes)",
            path=path,
        )
    if not records.rows:
        raise InputError("no customers in the file", path=path)
    position = {name: i for i, name in enumerate(header)}
    id_col = find_column([h for h in header if h not in handles], _ID_COLUMNS)
    orders_col = find_column(header, _ORDER_COLUMNS)
    value_col = find_column(header, _VALUE_COLUMNS)
    date_col = find_column(header, _LAST_ORDER_COLUMNS)
    dayfirst = dayfirst_for([row[position[date_col]] for row in records.rows]) if date_col else False

    pair_customer: list[int] = []
    pair_key: list[str] = []
    ids: list[str | None] = []
    orders: list[int | None] = []
    values: list[float | None] = []
    dates: list[str | None] = []
    n_customers = 0
    for row, line in zip(records.rows, records.lines):
        try:
            order = parse_count(row[position[orders_col]]) if orders_col else None
        except ValueError as err:
            problem = f"column {orders_col!r}: {err}"
        else:
            try:
                value = parse_money(row[position[value_col]]) if value_col else None
            except ValueError as err:
                problem = f"column {value_col!r}: {err}"
            else:
                try:
                    moment = parse_time(row[position[date_col]], dayfirst=dayfirst) if date_col else None
                except ValueError as err:
                    problem = f"column {date_col!r}: {err}"
                else:
                    problem = None
        if problem is not None:
            if rejects is None:
                raise InputError(problem, path=path, line=line)
            rejects.append(Rejected(path, line, problem))
            continue
        keys = list(dict.fromkeys(k for column in handles for k in customer_handles(row[position[column]])))
        index = n_customers
        n_customers += 1
        ids.append(_customer_id(row[position[id_col]]) if id_col else None)
        orders.append(order)
        values.append(value)
        dates.append(None if moment is None else moment.strftime("%Y-%m-%d"))
        pair_customer.extend([index] * len(keys))
        pair_key.extend(keys)
    pairs = pd.DataFrame({
        "customer": np.asarray(pair_customer, dtype=np.int64),
        "key": pd.array(pair_key, dtype="string"),
    })
    customers = pd.DataFrame({
        "customer_id": pd.array(ids, dtype="string"),
        "orders_count": pd.array(orders, dtype="Int64"),
        "customer_value": pd.array(values, dtype="Float64"),
        "last_order": pd.array(dates, dtype="string"),
    })
    accounts = _customer_accounts(pairs, customers, with_ids=id_col is not None)
    with_handle = np.zeros(n_customers, dtype=bool)
    with_handle[pairs["customer"].to_numpy()] = True
    n_without = int((~with_handle).sum())

    def summarize(graph) -> str:
        matched = _matched(graph, pairs, n_customers)
        return (
            f"{n_customers:,} customers: {matched:,} matched an account of the follow graph, "
            f"{n_customers - n_without - matched:,} have handles not in it, "
            f"{n_without:,} have no social handle"
        )

    return SourceTables(
        path=path, format="", accounts=accounts, rows_read=len(records.rows),
        rejected=list(rejects or []), summarize=summarize,
    )


def _customer_accounts(pairs: pd.DataFrame, customers: pd.DataFrame, *, with_ids: bool) -> pd.DataFrame:
    """One row per account: the sums over the customers naming it, the latest order, the first id."""
    joined = customers.iloc[pairs["customer"].to_numpy()].reset_index(drop=True)
    joined.insert(0, "key", pairs["key"].to_numpy())
    grouped = joined.groupby("key", sort=False)
    accounts = pd.DataFrame({"key": pd.array(list(grouped.groups), dtype="string")})
    accounts["is_customer"] = pd.array([True] * len(accounts), dtype="boolean")
    accounts["customer_value"] = pd.array(grouped["customer_value"].sum(min_count=1).to_numpy(), dtype="Float64")
    accounts["orders_count"] = pd.array(grouped["orders_count"].sum(min_count=1).to_numpy(), dtype="Int64")
    accounts["last_order"] = pd.array(grouped["last_order"].max().to_numpy(), dtype="string")
    if with_ids:
        accounts["customer_id"] = pd.array(grouped["customer_id"].first().to_numpy(), dtype="string")
    return accounts


def _matched(graph, pairs: pd.DataFrame, n_customers: int) -> int:
    """Customers with at least one account that has a follow (either way) in ``graph``."""
    if graph.n_accounts == 0 or pairs.empty:
        return 0
    ids = graph.index.get_indexer(pairs["key"].to_numpy(dtype=object))
    known = ids >= 0
    connected = np.zeros(len(ids), dtype=bool)
    connected[known] = (graph.out_degree()[ids[known]] + graph.in_degree()[ids[known]]) > 0
    hit = np.zeros(n_customers, dtype=bool)
    hit[pairs["customer"].to_numpy()[connected]] = True
    return int(hit.sum())


def _read_csv(path: str, ctx: ReadContext) -> SourceTables:
    rejects: list[Rejected] | None = [] if ctx.skip_bad_rows else None
    records = parse_delimited(decode_lines(ctx.read_bytes(path), path, ctx.encoding), path, rejects=rejects)
    source = parse_customer_records(records, path, ctx)
    source.rejected = list(rejects or []) + source.rejected
    source.format = "customers-csv"
    return source



register(Format(
    name="customers-csv",
    kinds=("customers",),
    summary="CSV/TSV of customers: id, instagram/tiktok/x handles, orders, lifetime value, last order",
    how_to_get="a customer export of the shop or CRM (Shopify, WooCommerce, Klaviyo, HubSpot, ...)",
    detect=looks_like_delimited,
    read=_read_csv,
    priority=80,
))
