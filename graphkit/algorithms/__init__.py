"""Whole-graph algorithms over the columnar core (sparse numpy/scipy, no networkx).

* :mod:`graphkit.algorithms.centrality` — PageRank and personalized PageRank,
  HITS, in/out degree, betweenness (exact on a neighbourhood, or sampled).
* :mod:`graphkit.algorithms.components` — weakly and strongly connected
  components, reciprocity, triangles and clustering.
"""

from graphkit.algorithms.centrality import (
    betweenness,
    hits,
    in_degree,
    out_degree,
    pagerank,
    personalization_vector,
)
from graphkit.algorithms.components import (
    ComponentSummary,
    clustering,
    largest_component,
    reciprocity,
    strong_components,
    triangles,
    weak_components,
)

__all__ = [
    "pagerank",
    "personalization_vector",
    "hits",
    "in_degree",
    "out_degree",
    "betweenness",
    "ComponentSummary",
    "weak_components",
    "strong_components",
    "largest_component",
    "reciprocity",
    "triangles",
    "clustering",
]
