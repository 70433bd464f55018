"""Validate graphs against the SHACL shapes in ``shapes/``.

Two groups of shapes, two scopes:

* ``shapes/source.ttl``: what one source graph must satisfy on its own, checked on each
  source graph (with the reference data, for the types of the entities it names);
* ``shapes/consistency.ttl``: contradictions between sources, checked on the union.

Both run as Oxigraph queries (``kg/validation/native_shacl.py``) on the store itself; pySHACL is the
reference engine (``engine="pyshacl"``) and a test checks both find the same.

A new source is checked against the *neighbourhood* it touches, not the whole graph: the
entities it names, the nodes sharing the values of a shape's join key with one of its
nodes (the same meeting and state, the same series and start date), and the evidence and
source records of those. The consistency shapes look no further than that, so the findings
for those entities are the same as a whole-graph validation gives (``tests/validation/test_validate.py`` checks this on a
generated graph with planted contradictions).

Shapes targeting a class also reach its subclasses (a ``CouncilMeeting`` is a ``Meeting``):
the compiled source shapes target the ontology's subclasses, the consistency shapes follow
``rdfs:subClassOf*`` in the store's ontology graph, and for pySHACL
:func:`with_types` adds the superclasses of every asserted type.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox
from pyshacl import validate as pyshacl_validate
from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.namespace import SH
from rdflib.term import _toPythonMapping

from kg.validation import core_queries, native_shacl
from kg.validation.functional import functional_shapes
from kg.namespaces import AUTHORITY_GRAPH, RATS, bind_prefixes
from kg.sources.ontology import load_ontology
from kg.validation.report import ValidationReport, build_report
from kg.store.embedded import default_graph_quads, graph_names, quads_of, read_graphs
from kg.validation.neighbourhood import (INFERRED_GRAPHS, SOURCE_GRAPHS, authority_on, closure, neighbourhood,
                                         rdflib_graph)

SOURCE_SHAPES = "source.ttl"
"""Shapes every source graph must satisfy on its own."""

CONSISTENCY_SHAPES = "consistency.ttl"
"""Shapes checked on the union of the source graphs, where sources can contradict each other."""



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
"""How the shapes run: compiled to Oxigraph queries (``kg/validation/native_shacl.py``, fast, on the
store itself), or by pySHACL (the reference engine). Both give the same findings;
``tests/validation/test_native_shacl.py`` checks it."""


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
        ontology = load_ontology(ontology_dir)
        consistency = load_shapes(shapes_dir, CONSISTENCY_SHAPES)
        consistency += functional_shapes(ontology, consistency)  # the "one value" checks of the ontology
        return cls(
            ontology=ontology,
            source_shapes=load_shapes(shapes_dir, SOURCE_SHAPES),
            consistency_shapes=consistency,
            engine=engine,
        )

    @cached_property
    def _core_stated(self) -> list:
        """The source shapes, on each stated graph."""
        return core_queries.compile_core(self.source_shapes, SOURCE_GRAPHS, self.ontology)

    @cached_property
    def _core_inferred(self) -> list:
        """The source shapes on each inferred graph, its values counted apart from the stated ones."""
        return core_queries.compile_core(self.source_shapes, INFERRED_GRAPHS, self.ontology, typed_anywhere=True)

    def _core(self, store: ox.Store) -> list:
        """The compiled source shapes ``store`` needs: those of inferred graphs only if it has one
        (each scans its predicate in every graph, so a graph without inferences does not pay)."""
        inferred = any(isinstance(g, ox.NamedNode) and g.value.startswith(INFERRED_GRAPHS) for g in store.named_graphs())
        return self._core_stated + (self._core_inferred if inferred else [])

    @cached_property
    def _inferred_shapes(self) -> Graph:
        """The source shapes as pySHACL applies them to an inferred graph: no minimum counts."""
        shapes = Graph()
        shapes += self.source_shapes
        shapes.remove((None, SH.minCount, None))
        return shapes

    def check_sources(self, stated: Graph, inferred: Graph | None, reference: Graph) -> ValidationReport:
        """Check one source's stated graph and its inferred graph each alone with the source shapes
        (what ``kg build`` asks of every source; intake asks it too, and the consistency shapes)."""
        graphs = [stated] + ([inferred] if inferred is not None and len(inferred) else [])
        if self.engine == "pyshacl":
            results = validate(stated + reference, shapes=self.source_shapes, ontology=self.ontology).graph
            if len(graphs) > 1:
                types = Graph()
                for triple in stated.triples((None, RDF.type, None)):
                    types.add(triple)
                results += validate(inferred + types + reference, shapes=self._inferred_shapes,
                                    ontology=self.ontology).graph
            union = reference + stated + (inferred if len(graphs) > 1 else Graph())
            return build_report(results, union, self.ontology)
        union = Graph()
        union += reference
        for graph in graphs:
            union += graph
        scratch = self._scratch(default_graph_quads(union), named=quads_of(graphs))
        results = core_queries.run_core(self._core(scratch), scratch, parallel=False)
        return build_report(results, union, self.ontology)

    @cached_property
    def _sparql(self) -> list:
        return native_shacl.compile_shapes(self.consistency_shapes)

    @cached_property
    def join_keys(self) -> tuple[tuple[str, ...], ...]:
        """The join keys of every consistency shape (:func:`kg.validation.shape_reading.join_keys`)."""
        return tuple(sorted({key for constraint in self._sparql for key in constraint.join_keys}))

    @cached_property
    def read_predicates(self) -> frozenset[str] | None:
        """Every predicate the consistency shapes can match (None: one of them matches any)."""
        return self._union_over_constraints("predicates")

    @cached_property
    def evidence_of(self) -> frozenset[str] | None:
        """The predicates of the statements whose evidence the consistency shapes read (None: any)."""
        return self._union_over_constraints("evidence_of")

    def _union_over_constraints(self, attribute: str) -> frozenset[str] | None:
        """The union of one predicate set over the compiled constraints; None when any is None (unbounded)."""
        found: set[str] = set()
        for constraint in self._sparql:
            predicates = getattr(constraint, attribute)
            if predicates is None:
                return None
            found |= predicates
        return frozenset(found)

    @cached_property
    def _ontology_quads(self) -> list:
        return default_graph_quads(self.ontology)

    def check_consistency(self, union: Graph) -> Graph:
        """Run the consistency shapes on ``union`` with the configured engine; return the results."""
        if self.engine == "pyshacl":
            return validate(union, shapes=self.consistency_shapes, ontology=self.ontology).graph
        return native_shacl.run(self._sparql, self._scratch(default_graph_quads(union)))

    def check(self, sources: list[Graph], reference: Graph, context: Graph | None = None,
              *, candidate_source: str | None = None, inferred: list[Graph] = ()) -> ValidationReport:
        """Check each graph of ``sources`` (and of ``inferred``) alone, then all of them (and
        ``context``) together."""
        union = Graph()
        union += reference
        for graph in [*sources, *inferred]:
            union += graph
        if context is not None:
            union += context
        if self.engine != "pyshacl":
            return self._explain(self._scratch(default_graph_quads(union), named=quads_of([*sources, *inferred])),
                                 candidate_source)
        results = Graph()
        for graph in sources:
            results += validate(graph + reference, shapes=self.source_shapes, ontology=self.ontology).graph
        types = Graph()
        for triple in union.triples((None, RDF.type, None)):
            types.add(triple)
        for graph in inferred:
            results += validate(graph + types + reference, shapes=self._inferred_shapes, ontology=self.ontology).graph
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
            inferred = [read_graphs(store, [name]) for name in graph_names(store, INFERRED_GRAPHS)]
            return self.check(sources, read_graphs(store, [str(AUTHORITY_GRAPH)]), inferred=inferred)
        return self._explain(store, scratch=False)

    def validate_candidate(self, store: ox.Store, stated: Graph, reference: Graph,
                           inferred: Graph | None = None) -> ValidationReport:
        """Validate a submitted source against what it touches in ``store``; change nothing.

        ``stated`` is named as its source graph and ``inferred`` as its inferred graph: the
        source shapes check each alone, so a stated value and an inferred one are counted apart.

        The candidate, its neighbourhood (:func:`neighbourhood`) and the reference data on
        both go into a scratch in-memory store, and the compiled shapes run there.
        """
        source = next(stated.subjects(RDF.type, RATS.Source), None)
        source = str(source) if source else None
        inferred = inferred if inferred is not None and len(inferred) else None
        statements = default_graph_quads(stated)
        derived = default_graph_quads(inferred) if inferred is not None else []
        context = neighbourhood(store, statements + derived, self.join_keys, self.read_predicates, self.evidence_of)
        candidate = statements + derived + default_graph_quads(reference)
        context += authority_on(store, context + [q.triple for q in candidate])
        if self.engine == "pyshacl":
            return self.check([stated], reference + rdflib_graph(context), candidate_source=source,
                              inferred=[inferred] if inferred is not None else [])
        named = quads_of([stated] + ([inferred] if inferred is not None else []))
        scratch = self._scratch(candidate + [ox.Quad(t.subject, t.predicate, t.object) for t in context],
                                named=named)
        return self._explain(scratch, source, quotes_from=store)

    def _scratch(self, quads: list[ox.Quad], named: list[ox.Quad] = ()) -> ox.Store:
        """An in-memory store: ``quads`` and the ontology in the default graph, and ``named``
        (the sources the source shapes check alone) in their own graphs."""
        scratch = ox.Store()
        scratch.extend(self._ontology_quads)
        scratch.extend(quads)
        scratch.extend(named)
        return scratch

    def _explain(self, store: ox.Store, candidate_source: str | None = None, *, scratch: bool = True,
                 quotes_from: ox.Store | None = None) -> ValidationReport:
        """Run the compiled shapes on ``store`` and explain each finding with what the store
        says about its focus node and path: those statements, their evidence, the labels.

        :param scratch: ``store`` is a scratch store (everything in its default graph), not the
            graph's own store (statements in source graphs, reference data in the authority graph).
        :param quotes_from: the graph's store, whose evidence the scratch store holds only in
            part (:func:`neighbourhood`): the findings' evidence is read from there too.
        """
        parallel = not scratch
        results = core_queries.run_core(self._core(store), store, parallel=parallel) + \
            native_shacl.run(self._sparql, store, parallel=parallel)
        focus, statements = set(), set()
        for result in results.subjects(SH.focusNode, None):
            node, path = results.value(result, SH.focusNode), results.value(result, SH.resultPath)
            if isinstance(node, URIRef):
                focus.add(ox.NamedNode(node))
                if isinstance(path, URIRef):
                    statements.add((ox.NamedNode(node), ox.NamedNode(path)))
        explained = closure(store, statements, sources_only=not scratch)
        if quotes_from is not None and statements:
            explained += closure(quotes_from, statements)
        explained += authority_on(store, explained + [ox.Triple(f, f, f) for f in focus],
                                  graph=None if scratch else str(AUTHORITY_GRAPH))
        return build_report(results, rdflib_graph(explained), self.ontology, candidate_source=candidate_source)


