"""Validate graphs against the SHACL shapes in ``shapes/`` with pySHACL.

Two groups of shapes, two scopes:

* ``shapes/source.ttl``: what one source graph must satisfy on its own, checked on each
  source graph (with the reference data, for the types of the entities it names);
* ``shapes/consistency.ttl``: contradictions between sources, checked on the union.

A new source is checked against the *neighbourhood* it touches, not the whole graph: the
entities it names, every node that points at them (participations, memberships, holdings,
statistics, meetings of the same series), and the evidence and source records of all
those. Every consistency shape looks no further than that, so the findings for those
entities are the same as a whole-graph validation gives (``tests/test_validate.py`` checks
this on a generated graph with planted contradictions).

Shapes targeting a class also reach its subclasses (a ``CouncilMeeting`` is a ``Meeting``):
:func:`with_types` adds the superclasses of every asserted type before pySHACL runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from pyshacl import validate as pyshacl_validate
from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.term import _toPythonMapping

from kg import native_shacl
from kg.namespaces import AUTHORITY_GRAPH, BASE, GRAPH, RATS, bind_prefixes
from kg.ontology import load_ontology
from kg.report import ValidationReport, build_report
from kg.store import graph_names, read_graphs, to_rdflib

SOURCE_SHAPES = "source.ttl"
"""Shapes every source graph must satisfy on its own."""

CONSISTENCY_SHAPES = "consistency.ttl"
"""Shapes checked on the union of the source graphs, where sources can contradict each other."""

SOURCE_GRAPHS = str(GRAPH["source/"])


def load_shapes(directory: Path, name: str = SOURCE_SHAPES) -> Graph:
    """Parse one shapes file of ``directory``."""
    return bind_prefixes(Graph()).parse(Path(directory) / name, format="turtle")


@dataclass(frozen=True)
class Report:
    """The outcome of one pySHACL run: its verdict, report graph and text."""

    conforms: bool
    graph: Graph
    text: str


def validate(data: Graph, *, shapes: Graph, ontology: Graph) -> Report:
    """Validate ``data`` against ``shapes``, with the ontology's class hierarchy applied.

    Instead of pySHACL's RDFS inference (a full closure through owlrl, most of the run
    time), every ``rdf:type`` is extended with its superclasses and the ontology's own
    triples (roles, qualifiers...) are added: all the shapes need to match subclasses.
    """
    converters = dict(_toPythonMapping)
    try:
        conforms, report_graph, report_text = pyshacl_validate(
            with_types(data, ontology),
            shacl_graph=shapes,
            inference="none",
            advanced=True,
            allow_warnings=True,
        )
    finally:
        # owlrl (loaded by pySHACL) may install its own lexical converters in rdflib for
        # the whole process; its gMonthDay converter rejects valid values such as
        # "--11-07", so every literal made afterwards would be ill-typed. Put rdflib's back.
        _toPythonMapping.clear()
        _toPythonMapping.update(converters)
    return Report(conforms=bool(conforms), graph=report_graph, text=report_text)


def with_types(data: Graph, ontology: Graph) -> Graph:
    """Return ``data`` plus the ontology and the superclasses of every type it asserts."""
    supers: dict = {}

    def superclasses(cls):
        if cls not in supers:
            found = set()
            for parent in ontology.objects(cls, RDFS.subClassOf):
                if isinstance(parent, URIRef) and parent not in found:
                    found.add(parent)
                    found |= superclasses(parent)
            supers[cls] = found
        return supers[cls]

    graph = Graph()
    graph += data
    graph += ontology
    for node, cls in list(graph.subject_objects(RDF.type)):
        for parent in superclasses(cls):
            graph.add((node, RDF.type, parent))
    return graph


ENGINES = ("oxigraph", "pyshacl")
"""How the consistency shapes run: as whole-graph Oxigraph queries (fast), or by pySHACL
(the reference engine). Both give the same findings; ``tests/test_native_shacl.py`` checks it."""


@dataclass(frozen=True)
class Validator:
    """The ontology and both shape groups, loaded once."""

    ontology: Graph
    source_shapes: Graph
    consistency_shapes: Graph
    engine: str = "oxigraph"

    @classmethod
    def from_folders(cls, ontology_dir: Path, shapes_dir: Path, engine: str = "oxigraph") -> "Validator":
        if engine not in ENGINES:
            raise ValueError(f"unknown validation engine {engine!r}; use one of {', '.join(ENGINES)}")
        return cls(
            ontology=load_ontology(ontology_dir),
            source_shapes=load_shapes(shapes_dir, SOURCE_SHAPES),
            consistency_shapes=load_shapes(shapes_dir, CONSISTENCY_SHAPES),
            engine=engine,
        )

    def check_consistency(self, union: Graph) -> Graph:
        """Run the consistency shapes on ``union`` with the configured engine; return the results."""
        if self.engine == "pyshacl":
            return validate(union, shapes=self.consistency_shapes, ontology=self.ontology).graph
        return native_shacl.run(native_shacl.compile_shapes(self.consistency_shapes), with_types(union, self.ontology))

    def check(self, sources: list[Graph], reference: Graph, context: Graph | None = None,
              *, candidate_source: str | None = None) -> ValidationReport:
        """Check each graph of ``sources`` alone, then all of them (and ``context``) together."""
        results = Graph()
        union = Graph()
        union += reference
        for graph in sources:
            results += validate(graph + reference, shapes=self.source_shapes, ontology=self.ontology).graph
            union += graph
        if context is not None:
            union += context
        results += self.check_consistency(union)
        return build_report(results, union, self.ontology, candidate_source=candidate_source)

    def validate_store(self, store: ox.Store) -> ValidationReport:
        """Validate every source graph in ``store`` and their union."""
        sources = [read_graphs(store, [name]) for name in graph_names(store, SOURCE_GRAPHS)]
        return self.check(sources, read_graphs(store, [str(AUTHORITY_GRAPH)]))

    def validate_candidate(self, store: ox.Store, stated: Graph, reference: Graph) -> ValidationReport:
        """Validate a submitted source against what it touches in ``store``; change nothing."""
        known = read_graphs(store, [str(AUTHORITY_GRAPH)])
        known += reference
        context = neighbourhood(store, mentioned_entities(stated))
        source = next(stated.subjects(RDF.type, RATS.Source), None)
        return self.check([stated], known, context, candidate_source=str(source) if source else None)


def mentioned_entities(graph: Graph) -> set[URIRef]:
    """Return the entities of our namespace a source graph names (not its evidence records)."""
    evidence = set(graph.subjects(RDF.type, RATS.Evidence))
    entities = set()
    for s, p, o in graph:
        if s in evidence or p in (RDF.subject, RDF.predicate, RDF.object):
            continue
        for term in (s, o):
            if isinstance(term, URIRef) and str(term).startswith(BASE) and "#" not in str(term) \
                    and "/ontology" not in str(term) and "/evidence/" not in str(term):
                entities.add(term)
    return entities


_NODES = """
SELECT DISTINCT ?node WHERE {
  VALUES ?entity { %s }
  GRAPH ?g {
    { BIND (?entity AS ?node) ?node ?p ?o }
    UNION
    { ?node ?p ?entity . FILTER (?p NOT IN (rdf:subject, rdf:object)) }
  }
  FILTER (STRSTARTS(STR(?g), "%s"))
}"""

_CLOSURE = """
CONSTRUCT { ?node ?p ?o . ?ev ?evp ?evo . ?target ?tp ?to . ?selector ?sp ?so . ?source ?srcp ?srco . }
WHERE {
  VALUES ?node { %s }
  GRAPH ?g {
    { ?node ?p ?o }
    UNION
    { ?ev rdf:subject ?node ; ?evp ?evo }
    UNION
    { ?ev rdf:subject ?node ; oa:hasTarget ?target . ?target ?tp ?to }
    UNION
    { ?ev rdf:subject ?node ; oa:hasTarget/oa:hasSelector ?selector . ?selector ?sp ?so }
    UNION
    { ?ev rdf:subject ?node ; oa:hasTarget/oa:hasSource ?source . ?source ?srcp ?srco }
  }
  FILTER (STRSTARTS(STR(?g), "%s"))
}"""

_PREFIXES = {"rdf": str(RDF), "oa": "http://www.w3.org/ns/oa#"}


def neighbourhood(store: ox.Store, entities: set[URIRef]) -> Graph:
    """Return what the source graphs in ``store`` say about ``entities`` and the nodes pointing at them.

    The result also holds the evidence of every such triple, with its quote, offsets and
    source record, so a report can name the existing sources in their own words.
    """
    graph = Graph()
    if not entities:
        return graph
    values = " ".join(f"<{e}>" for e in sorted(entities))
    nodes = {s["node"] for s in store.query(_NODES % (values, SOURCE_GRAPHS), prefixes=_PREFIXES)}
    nodes |= {ox.NamedNode(str(e)) for e in entities}
    values = " ".join(str(n) for n in sorted(nodes, key=str) if isinstance(n, ox.NamedNode))
    for triple in store.query(_CLOSURE % (values, SOURCE_GRAPHS), prefixes=_PREFIXES):
        graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
    return graph
