"""The queries on Apache Spark: same options and tables as the in-memory ones.

Each function takes a :class:`~graphkit.spark.graph.SparkGraph` (from
:func:`graphkit.spark.spark_inputs`) where the in-memory query takes a
:class:`~graphkit.graph.FollowGraph`. Spark computes the counts a query needs
and cuts the ranking to ``top``; the driver builds the table with the
in-memory module's public functions (decimal columns, ranking, notes). Needs
``pip install 'graphkit[spark]'``; nothing else in graphkit imports this package.
"""

from graphkit.spark.session import require_pyspark

require_pyspark()

from queries.spark.affinity import affinity  # noqa: E402
from queries.spark.centrality import SPARK_MEASURES, centrality  # noqa: E402
from queries.spark.expand import expand  # noqa: E402
from queries.spark.lookalikes import lookalikes  # noqa: E402
from queries.spark.overlap import overlap, unique_reach  # noqa: E402
from queries.spark.plan import plan  # noqa: E402

__all__ = ["affinity", "centrality", "expand", "lookalikes", "overlap", "unique_reach", "plan", "SPARK_MEASURES"]
