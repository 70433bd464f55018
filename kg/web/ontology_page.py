"""The ontology as a page people can read: classes and properties, their labels, comments,
alignments to other vocabularies, and how many instances (or statements) the graph holds."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox
from flask import render_template

from kg.namespaces import ONTOLOGY_GRAPH, PREFIXES
from kg.web.readable import short

_TERMS = f"""
SELECT ?term ?kind ?p ?o WHERE {{
  GRAPH <{ONTOLOGY_GRAPH}> {{
    ?term a ?declared . VALUES (?declared ?kind) {{ (owl:Class "class") (owl:ObjectProperty "property")
      (owl:DatatypeProperty "property") (owl:AnnotationProperty "property") }}
    ?term ?p ?o .
  }}
  FILTER (isIRI(?term))
}} ORDER BY ?term ?p ?o"""

_CLASS_COUNTS = f"""SELECT ?c (COUNT(DISTINCT ?x) AS ?n) WHERE {{
  {{ SELECT ?t ?c WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?t rdfs:subClassOf* ?c }} }} }} ?x a ?t }} GROUP BY ?c"""
_PROPERTY_COUNTS = "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p"
_HEADER = f"""SELECT ?p ?o WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?o0 a owl:Ontology ; ?p ?o }} }}"""

ALIGNMENTS = {
    "http://www.w3.org/2000/01/rdf-schema#subClassOf": "subclass of",
    "http://www.w3.org/2002/07/owl#equivalentClass": "equivalent to",
    "http://www.w3.org/2000/01/rdf-schema#subPropertyOf": "subproperty of",
    "http://www.w3.org/2002/07/owl#equivalentProperty": "equivalent to",
    "http://www.w3.org/2004/02/skos/core#exactMatch": "exact match",
    "http://www.w3.org/2004/02/skos/core#closeMatch": "close match",
    "http://www.w3.org/2000/01/rdf-schema#domain": "domain",
    "http://www.w3.org/2000/01/rdf-schema#range": "range",
    "http://www.w3.org/2002/07/owl#inverseOf": "inverse of",
}


@dataclass
class Term:
    """One class or property of the ontology."""

    iri: str
    kind: str
    name: str
    label: str = ""
    comment: str = ""
    links: list[tuple[str, str, str]] = field(default_factory=list)  # (relation, short name, href)
    other: list[tuple[str, str]] = field(default_factory=list)
    count: int = 0


def _href(iri: str) -> str:
    if iri.startswith(PREFIXES["rats"]):
        return "#" + iri[len(PREFIXES["rats"]):]
    return iri


def ontology_terms(store) -> tuple[dict, list[Term], list[Term]]:
    """The ontology's header (label, comment, version…), its classes and its properties."""
    terms: dict[str, Term] = {}
    for row in store.query(_TERMS, prefixes=PREFIXES):
        iri, kind = row["term"].value, row["kind"].value
        term = terms.setdefault(iri, Term(iri=iri, kind=kind, name=short(iri)))
        predicate, value = row["p"].value, row["o"]
        if predicate == "http://www.w3.org/2000/01/rdf-schema#label":
            if not term.label or getattr(value, "language", None) == "en":
                term.label = value.value
        elif predicate == "http://www.w3.org/2000/01/rdf-schema#comment":
            term.comment = value.value
        elif predicate in ALIGNMENTS and isinstance(value, ox.NamedNode):
            term.links.append((ALIGNMENTS[predicate], short(value.value), _href(value.value)))
        elif predicate != "http://www.w3.org/1999/02/22-rdf-syntax-ns#type":
            term.other.append((short(predicate), short(value.value)))
    counts = {row["c"].value: int(row["n"].value) for row in store.query(_CLASS_COUNTS, prefixes=PREFIXES)}
    counts.update({row["p"].value: int(row["n"].value) for row in store.query(_PROPERTY_COUNTS)})
    for term in terms.values():
        term.count = counts.get(term.iri, 0)
    header: dict[str, list[str]] = {}
    for row in store.query(_HEADER, prefixes=PREFIXES):
        header.setdefault(short(row["p"].value), []).append(row["o"].value)
    ordered = sorted(terms.values(), key=lambda t: t.name)
    return header, [t for t in ordered if t.kind == "class"], [t for t in ordered if t.kind == "property"]


def ontology_page(store) -> str:
    header, classes, properties = ontology_terms(store)
    return render_template("ontology.html", header=header, classes=classes, properties=properties,
                           namespace=PREFIXES["rats"])
