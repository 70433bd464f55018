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
for those entities are the same as a whole-graph validation gives (``tests/test_validate.py`` checks this on a
generated graph with planted contradictions).

Shapes targeting a class also reach its subclasses (a ``CouncilMeeting`` is a ``Meeting``):
the compiled source shapes target the ontology's subclasses, the consistency shapes follow
``rdfs:subClassOf*`` in the store's ontology graph, and for pySHACL
:func:`with_types` adds the superclasses of every asserted type.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from itertools import product
from pathlib import Path

import pyoxigraph as ox
from pyshacl import validate as pyshacl_validate
from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.namespace import SH
from rdflib.term import _toPythonMapping

from kg.validation import native_shacl
from kg.namespaces import AUTHORITY_GRAPH, BASE, GRAPH, OA, RATS, bind_prefixes
from kg.sources.ontology import load_ontology
from kg.validation.report import ValidationReport, build_report
from kg.store.embedded import default_graph_quads, graph_names, quads_of, read_graphs, to_rdflib

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
"""How the shapes run: compiled to Oxigraph queries (``kg/validation/native_shacl.py``, fast, on the
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
        return native_shacl.compile_core(self.source_shapes, SOURCE_GRAPHS, self.ontology)

    @cached_property
    def _sparql(self) -> list:
        return native_shacl.compile_shapes(self.consistency_shapes)

    @cached_property
    def join_keys(self) -> tuple[tuple[str, ...], ...]:
        """The join keys of every consistency shape (:func:`kg.validation.native_shacl.join_keys`)."""
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
        statements = default_graph_quads(stated)
        context = neighbourhood(store, statements, self.join_keys, self.read_predicates, self.evidence_of)
        candidate = statements + default_graph_quads(reference)
        context += authority_on(store, context + [q.triple for q in candidate])
        if self.engine == "pyshacl":
            return self.check([stated], reference + _rdflib(context), candidate_source=source)
        name = ox.NamedNode(str(stated.identifier))
        scratch = self._scratch(candidate + [ox.Quad(t.subject, t.predicate, t.object) for t in context],
                                named=[ox.Quad(q.subject, q.predicate, q.object, name) for q in statements])
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
        results = native_shacl.run_core(self._core, store, parallel=parallel) + \
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
        return build_report(results, _rdflib(explained), self.ontology, candidate_source=candidate_source)


_EVIDENCE_TYPE = ox.NamedNode(str(RATS.Evidence))
_TYPE = ox.NamedNode(str(RDF.type))
_REIFICATION = {ox.NamedNode(str(p)) for p in (RDF.subject, RDF.predicate, RDF.object)}


def mentioned_entities(triples: Iterable[ox.Triple | ox.Quad]) -> set[str]:
    """Return the IRIs of the entities of our namespace that a source's statements name
    (not its evidence records)."""
    triples = list(triples)
    evidence = {t.subject for t in triples if t.predicate == _TYPE and t.object == _EVIDENCE_TYPE}
    entities = set()
    for t in triples:
        if t.subject in evidence or t.predicate in _REIFICATION:
            continue
        for term in (t.subject, t.object):
            if isinstance(term, ox.NamedNode) and term.value.startswith(BASE) and "#" not in term.value \
                    and "/ontology" not in term.value and "/evidence/" not in term.value:
                entities.add(term.value)
    return entities


_PARTNERS = """
SELECT DISTINCT ?node WHERE { VALUES (%s) { %s } %s }"""

_CLOSURE = """
CONSTRUCT { ?node ?p ?o . ?ev ?evp ?evo . ?target ?tp ?to . ?selector ?sp ?so . ?source ?srcp ?srco . }
WHERE {
  VALUES (?node ?p) { %s }
  %s {
    { ?node ?p ?o }
    %s
  }
  %s
}"""

_EVIDENCE = """UNION
    {
      ?ev rdf:subject ?node ; rdf:predicate ?p .
      FILTER (%s)
      %s
    }"""

_CLOSURE_BRANCHES = (
    # (the predicates that lead there from the evidence, the pattern, the variable of the predicates it returns)
    ((), "?ev ?evp ?evo", "?evp"),
    ((OA.hasTarget,), "?ev oa:hasTarget ?target . ?target ?tp ?to", "?tp"),
    ((OA.hasTarget, OA.hasSelector), "?ev oa:hasTarget/oa:hasSelector ?selector . ?selector ?sp ?so", "?sp"),
    ((OA.hasTarget, OA.hasSource), "?ev oa:hasTarget/oa:hasSource ?source . ?source ?srcp ?srco", "?srcp"),
)
"""What :func:`closure` reads about a statement besides the node's own triples: its evidence
record, the evidence's target, the target's selector (quote, offsets) and the source record.
The evidence is matched once and the branches hang off it: as four branches each matching it
again, the query took half as long again at 1M quads."""

_DESCRIBED = """
CONSTRUCT { ?node ?p ?o } WHERE { VALUES ?node { %s } %s { ?node ?p ?o } }"""

_PREFIXES = {"rdf": str(RDF), "oa": "http://www.w3.org/ns/oa#"}


def neighbourhood(store: ox.Store, candidate: list[ox.Triple | ox.Quad], keys: Iterable[tuple[str, ...]] = (),
                  predicates: frozenset[str] | None = None,
                  evidence_of: frozenset[str] | None = None) -> list[ox.Triple]:
    """Return the part of ``store`` that the consistency shapes compare ``candidate`` (a
    source's statements) with.

    That is what the graph says (its default graph, the merge: a state every source types is
    typed once there, not once per source) about the entities the candidate names; about the
    nodes that share the values of a join key with a node of the candidate (``keys``, read
    from the shapes by :func:`kg.validation.native_shacl.join_keys`: the same meeting and state for a
    participation, the same series and start date for a meeting, the same post and date
    for a holding); and the evidence of all these, with quotes, offsets and source records
    (:func:`authority_on` adds the reference data). Nothing else can take part in a
    finding, so the neighbourhood grows with what the candidate touches, not with the graph.
    With ``predicates`` (what the shapes read, :func:`kg.validation.native_shacl.read_predicates`), only
    those triples of the evidence are kept: the quotes are read again for the findings alone;
    with ``evidence_of`` (:func:`kg.validation.native_shacl.evidence_read`), only the evidence of the
    statements with those predicates.
    """
    entities = mentioned_entities(candidate)
    if not entities:
        return []
    nodes = {ox.NamedNode(e) for e in entities}
    values: dict[tuple, list] = defaultdict(list)
    for t in candidate:
        values[t.subject, t.predicate.value].append(t.object)
    for key in keys:
        rows = set()
        for node in {t.subject for t in candidate}:
            for combination in product(*(values.get((node, p), ()) for p in key)):
                rows.add("(" + " ".join(map(str, combination)) + ")")
        if rows:
            variables = [f"?v{i}" for i in range(len(key))]
            pattern = " . ".join(f"?node <{p}> {v}" for p, v in zip(key, variables))
            # in the default graph, the merge the consistency shapes see (GRAPH ?g would visit every graph)
            query = _PARTNERS % (" ".join(variables), " ".join(sorted(rows)), pattern)
            nodes |= {row["node"] for row in store.query(query)}
    return closure(store, nodes, sources_only=False, predicates=predicates, evidence_of=evidence_of)


def closure(store: ox.Store, nodes: Iterable, *, sources_only: bool = True,
            predicates: frozenset[str] | None = None, evidence_of: frozenset[str] | None = None) -> list[ox.Triple]:
    """What the source graphs (or, with ``sources_only=False``, the default graph) say about
    ``nodes``, with the evidence of each triple (quote, offsets, source record).

    A node may be given as a (node, predicate) pair: then only its statements with that
    predicate, and their evidence, are returned. With ``predicates``, the evidence side keeps
    only triples with those predicates, reached through them: what the shapes can read of it.
    With ``evidence_of``, only the evidence of statements with those predicates is read.
    The evidence of a type is never read: every source types the states and series it names,
    and that evidence bears on no finding.
    """
    rows = set()
    for node in nodes:
        node, predicate = node if isinstance(node, tuple) else (node, None)
        if isinstance(node, ox.NamedNode):
            rows.add(f"({node} {predicate or 'UNDEF'})")
    if not rows:
        return []
    scope = ("GRAPH ?g", f'FILTER (STRSTARTS(STR(?g), "{SOURCE_GRAPHS}"))') if sources_only else ("", "")
    branches = []
    for path, pattern, variable in _CLOSURE_BRANCHES:
        if predicates is None:
            branches.append(f"{{ {pattern} }}")
        elif all(str(p) in predicates for p in path):
            allowed = ", ".join(f"<{p}>" for p in sorted(predicates))
            branches.append(f"{{ {pattern} FILTER ({variable} IN ({allowed})) }}")
    if evidence_of is None:
        statements = f"?p != <{RDF.type}>"
    else:
        statements = ", ".join(f"<{p}>" for p in sorted(evidence_of - {str(RDF.type)}))
        statements = f"?p IN ({statements})" if statements else ""
    evidence = _EVIDENCE % (statements, "\n      UNION\n      ".join(branches)) if statements else ""
    query = _CLOSURE % (" ".join(sorted(rows)), scope[0], evidence, scope[1])
    return list(store.query(query, prefixes=_PREFIXES))


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
    graph = Graph(bind_namespaces="none")  # binding rdflib's few dozen prefixes took longer than the adds
    for triple in set(triples):
        graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
    return graph
