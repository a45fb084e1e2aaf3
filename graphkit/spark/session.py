"""The SparkSession graphkit's Spark engine runs on: master, settings, quiet logs.

pyspark is an optional dependency (``pip install 'graphkit[spark]'``); it is
imported only here, and only when the Spark engine is chosen, so ``graphkit
--help`` and the in-memory commands never load it.

The master comes from the argument, else ``$SPARK_MASTER``, else ``local[*]``
(every core of this machine). Settings are Spark's own ``spark.*`` keys
(``--conf k=v`` on the command line). For a local master graphkit picks
shuffle partitions that fit one machine (``2 x`` the local cores instead of
Spark's 200) unless you set ``spark.sql.shuffle.partitions``, turns the web UI
and the console progress bar off, listens on 127.0.0.1 only, and (without ``$SPARK_CONF_DIR``) uses a
log configuration that keeps Spark's start-up lines off stderr; on a cluster
Spark's defaults and the cluster's ``spark-defaults.conf`` apply.

Examples
--------
>>> parse_conf(["spark.executor.memory=8g", "spark.sql.shuffle.partitions = 64"])
{'spark.executor.memory': '8g', 'spark.sql.shuffle.partitions': '64'}
>>> resolve_master(None, environ={})
'local[*]'
>>> resolve_master(None, environ={"SPARK_MASTER": "spark://head:7077"})
'spark://head:7077'
>>> local_cores("local[2]"), local_cores("local"), local_cores("yarn")
(2, 1, None)
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Iterable, Mapping
from importlib import resources
from typing import TYPE_CHECKING

from graphkit.errors import ConfigError, GraphkitError

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import SparkSession

__all__ = [
    "DEFAULT_MASTER",
    "parse_conf",
    "resolve_master",
    "local_cores",
    "require_pyspark",
    "spark_session",
]

#: Spark master when neither the argument nor ``$SPARK_MASTER`` names one.
DEFAULT_MASTER = "local[*]"

_LOCAL = re.compile(r"^local(?:\[(\*|\d+)(?:,\s*\d+)?\])?$")


def parse_conf(pairs: Iterable[str] | Mapping[str, str] | None) -> dict[str, str]:
    """``["k=v", ...]`` (``--conf``, repeatable) as a dict; a mapping is copied.

    Raises
    ------
    ConfigError
        An item without ``=`` or with an empty key.
    """
    if pairs is None:
        return {}
    if isinstance(pairs, Mapping):
        return {str(k): str(v) for k, v in pairs.items()}
    conf: dict[str, str] = {}
    for item in pairs:
        key, sep, value = str(item).partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"--conf {item!r}: expected KEY=VALUE, e.g. spark.executor.memory=8g")
        conf[key.strip()] = value.strip()
    return conf


def resolve_master(master: str | None, *, environ: Mapping[str, str] | None = None) -> str:
    """The master to use: ``master``, else ``$SPARK_MASTER``, else :data:`DEFAULT_MASTER`."""
    environ = os.environ if environ is None else environ
    return master or environ.get("SPARK_MASTER") or DEFAULT_MASTER


def local_cores(master: str) -> int | None:
    """Cores of a ``local``/``local[N]``/``local[*]`` master; ``None`` for a cluster."""
    match = _LOCAL.match(master.strip())
    if match is None:
        return None
    if match.group(1) is None:
        return 1
    if match.group(1) == "*":
        return os.cpu_count() or 1
    return int(match.group(1))


def require_pyspark():
    """Import and return :mod:`pyspark.sql`, or say how to install it."""
    try:
        with warnings.catch_warnings():  # pyspark warns that pandas 3 is newer than it knows
            warnings.simplefilter("ignore", FutureWarning)
            import pyspark.sql
            import pyspark.testing.utils  # noqa: F401  (where that warning is raised)
    except ImportError as err:
        raise GraphkitError(
            "the Spark engine needs pyspark: pip install 'graphkit[spark]' (and Java 17 or later)"
        ) from err
    return pyspark.sql


def spark_session(master: str | None = None, conf: Iterable[str] | Mapping[str, str] | None = None) -> SparkSession:
    """A SparkSession for graphkit (an existing one is reused, as ``getOrCreate`` does).

    Parameters
    ----------
    master : str, optional
        ``local[*]``, ``local[2]``, ``spark://host:7077``, ``yarn``, ``k8s://...``;
        default ``$SPARK_MASTER``, else ``local[*]``. When graphkit runs under
        ``spark-submit`` the master is already set and this is ignored.
    conf : list of "k=v" or dict, optional
        Spark settings, e.g. ``spark.executor.memory=8g``.

    Raises
    ------
    GraphkitError
        pyspark is missing, or Java cannot start.
    ConfigError
        A malformed ``conf`` item.
    """
    sql = require_pyspark()
    settings = parse_conf(conf)
    master = resolve_master(master)
    cores = local_cores(master)
    builder = sql.SparkSession.builder.appName(settings.pop("spark.app.name", "graphkit"))
    if not os.environ.get("SPARK_ENV_LOADED"):  # not under spark-submit, which sets the master
        builder = builder.master(master)
    if cores is not None:
        settings.setdefault("spark.sql.shuffle.partitions", str(2 * cores))
        settings.setdefault("spark.ui.enabled", "false")
        settings.setdefault("spark.ui.showConsoleProgress", "false")
        # one machine: Spark's driver and block manager listen on the loopback address only
        settings.setdefault("spark.driver.host", "127.0.0.1")
        settings.setdefault("spark.driver.bindAddress", "127.0.0.1")
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        # quiet start-up logs, unless the user has a Spark configuration folder of their own
        if "SPARK_CONF_DIR" not in os.environ:
            os.environ["SPARK_CONF_DIR"] = str(resources.files("graphkit").joinpath("data/spark-conf"))
    for key, value in settings.items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except Exception as err:  # py4j / Java start-up failures have many types
        message = str(err).strip().splitlines()
        raise GraphkitError(
            f"Spark did not start (master {master}): {message[0] if message else type(err).__name__}"
        ) from err
    session.sparkContext.setLogLevel("ERROR")
    return session
