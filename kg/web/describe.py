"""What the graph says about one entity, for its linked-data page and its RDF description.

Every statement comes with the sources that state it and their quotes, read from the
evidence records, so a page shows the same provenance a SPARQL query would.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.errors import NotFound
from kg.namespaces import BASE, GRAPH, PREFIXES, WD

_STATEMENTS = """
SELECT ?entity ?p ?o ?g ?source ?quote ?start ?end WHERE {
  GRAPH ?g { $entity ?p ?o }
  OPTIONAL {
    GRAPH ?g { ?ev rdf:subject $entity ; rdf:predicate ?p ; rdf:object ?o ; oa:hasTarget ?t .
               ?t oa:hasSource ?source ; oa:hasSelector ?qs , ?ps .
               ?qs oa:exact ?quote . ?ps oa:start ?start ; oa:end ?end . }
  }
} ORDER BY ?p ?o ?source ?start"""

_INCOMING = """
SELECT DISTINCT ?entity ?s ?p WHERE { GRAPH ?g { ?s ?p $entity } FILTER (?p NOT IN (rdf:subject, rdf:object)) }
ORDER BY ?p ?s LIMIT 500"""

_LABEL = "SELECT ?x ?label WHERE { $x skos:prefLabel|rdfs:label ?label } LIMIT 1"

_DESCRIBE = """
CONSTRUCT { $entity ?p ?o . ?ev ?evp ?evo . }
WHERE {
  { GRAPH ?g { $entity ?p ?o } }
  UNION
  { GRAPH ?g { ?ev rdf:subject $entity ; ?evp ?evo } }
}"""


@dataclass
class Statement:
    """One property value with its sources."""

    property: str
    property_label: str
    value: str
    value_label: str
    is_iri: bool
    graph: str
    quotes: list[dict] = field(default_factory=list)


@dataclass
class EntityView:
    """Everything a page about one entity shows."""

    iri: str
    label: str
    types: list[tuple[str, str]]
    statements: list[Statement]
    incoming: list[tuple[str, str, str]]
    wikidata: str | None


def describe(store: ox.Store, iri: str) -> EntityView:
    """Collect what the graph says about ``iri``.

    :raises NotFound: the graph says nothing about it.
    """
    entity = ox.NamedNode(iri)
    labels = _Labels(store)
    by_key: dict[tuple, Statement] = {}
    for row in store.query(_STATEMENTS, prefixes=PREFIXES, substitutions={ox.Variable("entity"): entity}):
        key = (row["p"].value, str(row["o"]), row["g"].value)
        statement = by_key.get(key)
        if statement is None:
            obj = row["o"]
            is_iri = isinstance(obj, ox.NamedNode)
            statement = by_key[key] = Statement(
                property=row["p"].value, property_label=labels.of(row["p"]),
                value=obj.value, value_label=labels.of(obj) if is_iri else obj.value, is_iri=is_iri,
                graph=row["g"].value)
        if row["quote"] is not None:
            quote = {"source": row["source"].value, "quote": row["quote"].value,
                     "start": int(row["start"].value), "end": int(row["end"].value)}
            if quote not in statement.quotes:
                statement.quotes.append(quote)
    if not by_key:
        raise NotFound(f"the graph says nothing about {iri}")
    statements = list(by_key.values())
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    types = sorted({(s.value, s.value_label) for s in statements if s.property == rdf_type})
    incoming = [(row["s"].value, labels.of(row["s"]), labels.of(row["p"]))
                for row in store.query(_INCOMING, prefixes=PREFIXES, substitutions={ox.Variable("entity"): entity})]
    same_as = [s.value for s in statements if s.property.endswith("owl#sameAs") and s.value.startswith(str(WD))]
    return EntityView(
        iri=iri,
        label=labels.of(entity),
        types=types,
        statements=[s for s in statements if s.property != rdf_type],
        incoming=incoming,
        wikidata=same_as[0] if same_as else None,
    )


def rdf_description(store: ox.Store, iri: str) -> list:
    """Return the triples about ``iri`` from every graph, with the evidence for them."""
    triples = list(store.query(_DESCRIBE, prefixes=PREFIXES, substitutions={ox.Variable("entity"): ox.NamedNode(iri)}))
    if not triples:
        raise NotFound(f"the graph says nothing about {iri}")
    return triples


def source_of(graph: str) -> str:
    """Name the source a graph IRI belongs to (or the graph's own role)."""
    return graph[len(str(GRAPH)):] if graph.startswith(str(GRAPH)) else graph


class _Labels:
    """Look labels up once per term."""

    def __init__(self, store: ox.Store):
        self.store = store
        self.cache: dict[str, str] = {}

    def of(self, term) -> str:
        if not isinstance(term, ox.NamedNode):
            return term.value
        if term.value not in self.cache:
            rows = list(self.store.query(_LABEL, prefixes=PREFIXES, substitutions={ox.Variable("x"): term}))
            if rows:
                label = rows[0]["label"].value
            elif term.value.startswith(BASE):
                label = term.value[len(BASE):]
            else:
                label = term.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
            self.cache[term.value] = label
        return self.cache[term.value]
