"""Validate graphs against the SHACL shapes in ``shapes/``.

Two groups of shapes, two scopes:

* ``shapes/source.ttl``: what one source graph must satisfy on its own, checked on each
  source graph (with the reference data, for the types of the entities it names);
* ``shapes/consistency.ttl``: contradictions between sources, checked on the union.

Both run as Oxigraph queries (``kg/native_shacl.py``) on the store itself; pySHACL is the
reference engine (``engine="pyshacl"``) and a test checks both find the same.

A new source is checked against the *neighbourhood* it touches, not the whole graph: the
entities it names, the nodes sharing two instance values with one of its nodes (the same
meeting and state, the same series and start date), and the evidence and source records of
those. The consistency shapes look no further than that, so the findings for those entities
are the same as a whole-graph validation gives (``tests/test_validate.py`` checks this on a
generated graph with planted contradictions).

Shapes targeting a class also reach its subclasses (a ``CouncilMeeting`` is a ``Meeting``):
the compiled queries follow ``rdfs:subClassOf*`` in the ontology, and for pySHACL
:func:`with_types` adds the superclasses of every asserted type.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox
from pyshacl import validate as pyshacl_validate
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import _toPythonMapping

from kg import native_shacl
from kg.namespaces import AUTHORITY_GRAPH, BASE, GRAPH, RATS, bind_prefixes
from kg.ontology import load_ontology
from kg.report import ValidationReport, build_report
from kg.store import default_graph_quads, graph_names, quads_of, read_graphs, to_oxigraph, to_rdflib

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
"""How the shapes run: compiled to Oxigraph queries (``kg/native_shacl.py``, fast, on the
store itself), or by pySHACL (the reference engine). Both give the same findings;
``tests/test_native_shacl.py`` checks it."""


@dataclass(frozen=True)
class Validator:
    """The ontology and both shape groups, loaded and compiled once."""

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

    @cached_property
    def _core(self) -> list:
        return native_shacl.compile_core(self.source_shapes, SOURCE_GRAPHS)

    @cached_property
    def _sparql(self) -> list:
        return native_shacl.compile_shapes(self.consistency_shapes)

    @cached_property
    def _ontology_quads(self) -> list:
        return default_graph_quads(self.ontology)

    def check_consistency(self, union: Graph) -> Graph:
        """Run the consistency shapes on ``union`` with the configured engine; return the results."""
        if self.engine == "pyshacl":
            return validate(union, shapes=self.consistency_shapes, ontology=self.ontology).graph
        return native_shacl.run(self._sparql, self._scratch(default_graph_quads(union)))

    def check(self, sources: list[Graph], reference: Graph, context: Graph | None = None,
              *, candidate_source: str | None = None) -> ValidationReport:
        """Check each graph of ``sources`` alone, then all of them (and ``context``) together."""
        union = Graph()
        union += reference
        for graph in sources:
            union += graph
        if context is not None:
            union += context
        if self.engine != "pyshacl":
            return self._explain(self._scratch(default_graph_quads(union), named=quads_of(sources)), candidate_source)
        results = Graph()
        for graph in sources:
            results += validate(graph + reference, shapes=self.source_shapes, ontology=self.ontology).graph
        results += self.check_consistency(union)
        return build_report(results, union, self.ontology, candidate_source=candidate_source)

    def validate_store(self, store: ox.Store) -> ValidationReport:
        """Validate every source graph in ``store`` and their union.

        The native engine runs on the store itself (its default graph is the merge of the
        named graphs, ontology included) and reads only what it needs to explain its
        findings; pySHACL needs every graph copied into rdflib.
        """
        if self.engine == "pyshacl":
            sources = [read_graphs(store, [name]) for name in graph_names(store, SOURCE_GRAPHS)]
            return self.check(sources, read_graphs(store, [str(AUTHORITY_GRAPH)]))
        return self._explain(store, scratch=False)

    def validate_candidate(self, store: ox.Store, stated: Graph, reference: Graph) -> ValidationReport:
        """Validate a submitted source against what it touches in ``store``; change nothing.

        ``stated`` is named as its source graph: the source shapes check that graph alone.

        The candidate, its neighbourhood (:func:`neighbourhood`) and the reference data on
        both go into a scratch in-memory store, and the compiled shapes run there.
        """
        source = next(stated.subjects(RDF.type, RATS.Source), None)
        source = str(source) if source else None
        context = neighbourhood(store, stated)
        candidate = default_graph_quads(stated) + default_graph_quads(reference)
        context += authority_on(store, context + [q.triple for q in candidate])
        if self.engine == "pyshacl":
            return self.check([stated], reference + _rdflib(context), candidate_source=source)
        scratch = self._scratch(candidate + [ox.Quad(t.subject, t.predicate, t.object) for t in context],
                                named=quads_of([stated]))
        return self._explain(scratch, source)

    def _scratch(self, quads: list[ox.Quad], named: list[ox.Quad] = ()) -> ox.Store:
        """An in-memory store: ``quads`` and the ontology in the default graph, and ``named``
        (the sources the source shapes check alone) in their own graphs."""
        scratch = ox.Store()
        scratch.extend(self._ontology_quads)
        scratch.extend(quads)
        scratch.extend(named)
        return scratch

    def _explain(self, store: ox.Store, candidate_source: str | None = None, *, scratch: bool = True) -> ValidationReport:
        """Run the compiled shapes on ``store`` and explain each finding with what the store
        says about its focus node: its statements, their evidence, the labels of the values.

        :param scratch: ``store`` is a scratch store (everything in its default graph), not the
            graph's own store (statements in source graphs, reference data in the authority graph).
        """
        results = native_shacl.run_core(self._core, store) + native_shacl.run(self._sparql, store)
        focus = {ox.NamedNode(str(f)) for f in results.objects(None, SH.focusNode) if isinstance(f, URIRef)}
        explained = closure(store, focus, sources_only=not scratch)
        explained += authority_on(store, explained + [ox.Triple(f, f, f) for f in focus],
                                  graph=None if scratch else str(AUTHORITY_GRAPH))
        return build_report(results, _rdflib(explained), self.ontology, candidate_source=candidate_source)


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


_PARTNERS = """
SELECT DISTINCT ?node WHERE {
  VALUES (?p1 ?v1 ?p2 ?v2) { %s }
  GRAPH ?g { ?node ?p1 ?v1 . ?node ?p2 ?v2 }
  FILTER (STRSTARTS(STR(?g), "%s"))
}"""

_CLOSURE = """
CONSTRUCT { ?node ?p ?o . ?ev ?evp ?evo . ?target ?tp ?to . ?selector ?sp ?so . ?source ?srcp ?srco . }
WHERE {
  VALUES ?node { %s }
  %s {
    { ?node ?p ?o }
    UNION
    { ?ev rdf:subject ?node ; rdf:predicate ?stated ; ?evp ?evo }
    UNION
    { ?ev rdf:subject ?node ; rdf:predicate ?stated ; oa:hasTarget ?target . ?target ?tp ?to }
    UNION
    { ?ev rdf:subject ?node ; rdf:predicate ?stated ; oa:hasTarget/oa:hasSelector ?selector . ?selector ?sp ?so }
    UNION
    { ?ev rdf:subject ?node ; rdf:predicate ?stated ; oa:hasTarget/oa:hasSource ?source . ?source ?srcp ?srco }
    # every source types the states and series it names: that evidence bears on no finding
    FILTER (!BOUND(?stated) || ?stated != rdf:type)
  }
  %s
}"""

_DESCRIBED = """
CONSTRUCT { ?node ?p ?o } WHERE { VALUES ?node { %s } %s { ?node ?p ?o } }"""

_PREFIXES = {"rdf": str(RDF), "oa": "http://www.w3.org/ns/oa#"}


def neighbourhood(store: ox.Store, candidate: Graph) -> list[ox.Triple]:
    """Return the part of ``store`` that the consistency shapes compare ``candidate`` with.

    That is what the source graphs say about the entities the candidate names; the nodes
    that share two or more statements with a node of the candidate (the same meeting and
    state for a participation, the same series and start date for a meeting, the same post
    and date for a holding); and the evidence of all these, with quotes, offsets and source
    records (:func:`authority_on` adds the reference data). Nodes sharing a single
    statement are left out: every participation of a state the candidate names does not
    bear on it, and it is what made the neighbourhood grow with the graph.
    """
    entities = mentioned_entities(candidate)
    if not entities:
        return []
    records = set(candidate.subjects(RDF.type, RATS.Evidence)) | set(candidate.subjects(RDF.type, RATS.Source))
    rows = set()
    for node in set(candidate.subjects()) - records:
        if not isinstance(node, URIRef) or "/evidence/" in str(node):
            continue  # quotes and offsets are shared by chance, not by meaning
        # a key is made of instance values (a meeting, a state, a date), never of vocabulary
        # (a role, a qualifier): "member" is shared by every membership of the graph
        pairs = sorted((p, o) for p, o in candidate.predicate_objects(node)
                       if p != RDF.type and (isinstance(o, Literal) or (
                           str(o).startswith(BASE) and "#" not in str(o) and "/evidence/" not in str(o))))
        for i, (p1, v1) in enumerate(pairs):
            for p2, v2 in pairs[i + 1:]:
                rows.add(" ".join(str(to_oxigraph(t)) for t in (p1, v1, p2, v2)))
    nodes = {ox.NamedNode(str(e)) for e in entities}
    if rows:
        values = " ".join(f"({row})" for row in sorted(rows))
        nodes |= {s["node"] for s in store.query(_PARTNERS % (values, SOURCE_GRAPHS))}
    return closure(store, nodes)


def closure(store: ox.Store, nodes: set, *, sources_only: bool = True) -> list[ox.Triple]:
    """What the source graphs (or, with ``sources_only=False``, the default graph) say about
    ``nodes``, with the evidence of each triple (quote, offsets, source record)."""
    values = " ".join(str(n) for n in sorted(nodes, key=str) if isinstance(n, ox.NamedNode))
    if not values:
        return []
    scope = ("GRAPH ?g", f'FILTER (STRSTARTS(STR(?g), "{SOURCE_GRAPHS}"))') if sources_only else ("", "")
    return list(store.query(_CLOSURE % (values, *scope), prefixes=_PREFIXES))


def authority_on(store: ox.Store, triples, *, graph: str | None = str(AUTHORITY_GRAPH)) -> list[ox.Triple]:
    """Return what the authority data (or, with ``graph=None``, the default graph) says about
    the entities of our namespace in ``triples``: their types, labels, countries."""
    described = {t.value for triple in triples for t in (triple.subject, triple.object)
                 if isinstance(t, ox.NamedNode) and t.value.startswith(BASE) and "/evidence/" not in t.value}
    if not described:
        return []
    values = " ".join(f"<{t}>" for t in sorted(described))
    return list(store.query(_DESCRIBED % (values, f"GRAPH <{graph}>" if graph else "")))


def _rdflib(triples) -> Graph:
    graph = Graph()
    for triple in triples:
        graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
    return graph
