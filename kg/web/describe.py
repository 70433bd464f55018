"""What the graph says about one entity as RDF: its triples from every graph, with their evidence.

The page for people is built by :mod:`kg.web.entity_view`; this is what ``Accept: text/turtle``
(or ``?format=turtle``) gets, the same provenance a SPARQL query would find.
"""

from __future__ import annotations

import pyoxigraph as ox

from kg.errors import NotFound
from kg.namespaces import GRAPH, PREFIXES

_DESCRIBE = """
CONSTRUCT { $entity ?p ?o . ?ev ?evp ?evo . }
WHERE {
  { GRAPH ?g { $entity ?p ?o } }
  UNION
  { GRAPH ?g { ?ev rdf:subject $entity ; ?evp ?evo } }
}"""


def rdf_description(store: ox.Store, iri: str) -> list:
    """Return the triples about ``iri`` from every graph, with the evidence for them."""
    triples = list(store.query(_DESCRIBE, prefixes=PREFIXES, substitutions={ox.Variable("entity"): ox.NamedNode(iri)}))
    if not triples:
        raise NotFound(f"the graph says nothing about {iri}")
    return triples


def source_of(graph: str) -> str:
    """Name the source a graph IRI belongs to (or the graph's own role)."""
    return graph.removeprefix(str(GRAPH))
