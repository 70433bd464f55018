"""Any small RDF graph (VoID, the service description, the examples) as a page people can read.

Each subject is a section with its properties and values; IRIs are shortened with the
project's prefixes and linked (our own entities to their pages here), blank nodes are shown
inside the node that points at them, and the page links the same graph in RDF
(``?format=turtle`` and so on), which really gives RDF.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import render_template
from rdflib import RDF, BNode, Graph, Literal, URIRef

from kg.namespaces import PREFIXES
from kg.web.common import local_link

EXTRA_PREFIXES = {
    "void": "http://rdfs.org/ns/void#",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "sh": "http://www.w3.org/ns/shacl#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "formats": "http://www.w3.org/ns/formats/",
    "dcat": "http://www.w3.org/ns/dcat#",
}
ALL_PREFIXES = {**PREFIXES, **EXTRA_PREFIXES}


@dataclass
class Value:
    """One value as shown: text, an optional link, and the rows of a blank node it stands for."""

    text: str
    href: str | None = None
    datatype: str | None = None
    language: str | None = None
    long: bool = False
    rows: list = field(default_factory=list)


@dataclass
class Node:
    """A subject and its properties, in order."""

    iri: str
    anchor: str
    label: str
    types: list[Value]
    rows: list[tuple[Value, list[Value]]]


def short(iri: str) -> str:
    """``iri`` as a prefixed name where a prefix fits.

    >>> short("http://rdfs.org/ns/void#triples")
    'void:triples'
    >>> short("https://example.org/x")
    'https://example.org/x'
    """
    best = max((p for p in ALL_PREFIXES.items() if iri.startswith(p[1])), key=lambda p: len(p[1]), default=None)
    return f"{best[0]}:{iri[len(best[1]):]}" if best else iri


def _value(graph: Graph, term, seen: set) -> Value:
    if isinstance(term, URIRef):
        return Value(short(str(term)), local_link(str(term)))
    if isinstance(term, BNode):
        if term in seen:
            return Value("(cycle)")
        return Value("", rows=_rows(graph, term, seen | {term}))
    assert isinstance(term, Literal)
    text = str(term)
    return Value(text, datatype=short(str(term.datatype)) if term.datatype else None, language=term.language,
                 long="\n" in text or len(text) > 200)


def _rows(graph: Graph, subject, seen: set) -> list[tuple[Value, list[Value]]]:
    rows = []
    for predicate in sorted(set(graph.predicates(subject)), key=lambda p: short(str(p))):
        if predicate == RDF.type and not isinstance(subject, BNode):
            continue
        values = sorted(graph.objects(subject, predicate), key=lambda o: (isinstance(o, Literal), str(o)))
        rows.append((Value(short(str(predicate)), str(predicate)), [_value(graph, o, seen) for o in values]))
    return rows


def nodes(graph: Graph) -> list[Node]:
    """The named subjects of ``graph``, the ones with most statements first, each with its rows."""
    subjects = sorted({s for s in graph.subjects() if isinstance(s, URIRef)},
                      key=lambda s: (-len(list(graph.predicate_objects(s))), str(s)))
    out = []
    for subject in subjects:
        iri = str(subject)
        label = next((str(o) for p in ("http://purl.org/dc/terms/title", "http://www.w3.org/2000/01/rdf-schema#label")
                      for o in graph.objects(subject, URIRef(p))), short(iri))
        out.append(Node(iri=iri, anchor=iri.rsplit("#", 1)[-1] if "#" in iri else iri, label=label,
                        types=[Value(short(str(t)), local_link(str(t))) for t in sorted(graph.objects(subject, RDF.type))],
                        rows=_rows(graph, subject, {subject})))
    return out


def graph_page(graph: Graph, *, title: str, intro: str) -> str:
    """The HTML page for ``graph``."""
    return render_template("graph.html", title=title, intro=intro, nodes=nodes(graph), count=len(graph))
