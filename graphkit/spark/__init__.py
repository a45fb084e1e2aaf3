"""graphkit on Apache Spark: the session, the graph as DataFrames, the export, PageRank.

Importing this package does not import pyspark; :func:`spark_session` does
(``pip install 'graphkit[spark]'``). The queries themselves are in
:mod:`queries.spark`.
"""

from graphkit.spark.session import (
    DEFAULT_MASTER,
    parse_conf,
    require_pyspark,
    resolve_master,
    spark_session,
)

__all__ = ["DEFAULT_MASTER", "parse_conf", "require_pyspark", "resolve_master", "spark_session"]
