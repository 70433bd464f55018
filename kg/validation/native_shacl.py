"""Run SHACL-SPARQL node shapes as whole-graph queries on Oxigraph (the Core property shapes are
compiled in :mod:`kg.validation.core_queries`, which shares this module's report and runner).

pySHACL evaluates a SPARQL-based constraint once per focus node with rdflib's SPARQL
engine: about a second per shape on the seed graph, and linear in the number of focus
nodes. For node shapes whose target is a class (``sh:targetClass``) and whose constraint is
a ``sh:select`` (all of ``shapes/consistency.ttl``), the same results come from one query
per constraint: bind ``$this`` to every instance of the class (subclasses included, as
SHACL's class targets do) and let Oxigraph evaluate it over the whole data at once.

The results are written as a SHACL validation report graph with the same fields pySHACL
writes (focus node, path, value, severity, source shape and constraint, message);
``tests/validation/test_native_shacl.py`` checks both engines give the same results. Messages render
IRIs by their labels (``member``) where pySHACL prints the IRI.
"""

from __future__ import annotations

import gc
import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.namespace import SH, SKOS

from kg.store.embedded import to_oxigraph, to_rdflib
from kg.validation.shape_reading import evidence_read, join_keys, read_predicates


@dataclass(frozen=True)
class SparqlConstraint:
    """One ``sh:sparql`` constraint of a node shape, ready to run."""

    shape: URIRef
    node: BNode
    target: URIRef | tuple
    severity: URIRef
    query: str
    messages: tuple[str, ...]
    join_keys: tuple[tuple[str, ...], ...] = ()
    """The sets of predicates whose values this constraint compares between ``$this`` and
    another node (:func:`join_keys`)."""
    predicates: frozenset[str] | None = None
    """Every predicate the constraint can match (:func:`read_predicates`)."""
    evidence_of: frozenset[str] | None = None
    """The predicates of the statements whose evidence it reads (:func:`evidence_read`)."""


def compile_shapes(shapes: Graph) -> list[SparqlConstraint]:
    """Read the class-targeted ``sh:select`` constraints of ``shapes``.

    :raises ValueError: a shape this engine cannot run exactly (another target, ``sh:ask``).
    """
    constraints = []
    for shape in sorted(set(shapes.subjects(SH.sparql, None))):
        targets = list(shapes.objects(shape, SH.targetClass))
        subjects_of = list(shapes.objects(shape, SH.targetSubjectsOf))
        other_targets = [p for p in (SH.targetNode, SH.targetObjectsOf, SH.target) if (shape, p, None) in shapes]
        if len(targets) + len(subjects_of) != 1 or other_targets or (shape, SH.path, None) in shapes:
            raise ValueError(f"{shape}: the native engine runs node shapes with one sh:targetClass "
                             "or sh:targetSubjectsOf only")
        if subjects_of:
            targets = [(SH.targetSubjectsOf, subjects_of[0])]
        severity = shapes.value(shape, SH.severity) or SH.Violation
        for node in shapes.objects(shape, SH.sparql):
            select = shapes.value(node, SH.select)
            if select is None:
                raise ValueError(f"{shape}: the native engine runs sh:select constraints only")
            prefixes = _prefixes(shapes, node)
            messages = tuple(str(m) for m in shapes.objects(node, SH.message)) or \
                tuple(str(m) for m in shapes.objects(shape, SH.message))
            constraints.append(SparqlConstraint(shape, node, targets[0], severity,
                                                prefixes + _bind_targets(str(select), targets[0]), messages,
                                                join_keys(prefixes + str(select)),
                                                read_predicates(prefixes + str(select)),
                                                evidence_read(prefixes + str(select))))
    # rdflib's SPARQL parser (pyparsing) leaves reference cycles through the frames of its
    # callers; collect them now, or a caller's locals (an open store, whose lock a next
    # command needs) would live until some later collection.
    gc.collect()
    return constraints


def run(constraints: list[SparqlConstraint], store: ox.Store, *, parallel: bool = True) -> Graph:
    """Evaluate SPARQL ``constraints`` on the default graph of ``store`` (which must hold the
    ontology's class hierarchy); return a SHACL results graph."""
    report = Results(store)
    if isinstance(store, ox.Store):
        subclasses: dict = {}
        constraints = [c for c in constraints if _has_focus(store, c.target, subclasses)]
    for constraint, rows in zip(constraints, solutions(store, [c.query for c in constraints], parallel)):
        for row in rows:
            bound = {name: to_rdflib(term) for name, term in row.items()}
            report.add(constraint.severity, constraint.shape, constraint.node, SH.SPARQLConstraintComponent,
                       bound["this"], bound.get("path"), bound.get("value"),
                       [(m, bound) for m in constraint.messages])
    return report.graph()


# A constraint whose target (or the first step of its path) no quad of the store matches has no
# result there, and is not run: on a new source's scratch store, about half of them. Each such
# query cost 0.1-0.4 ms there, nearly all of it parsing and planning. These checks are index
# lookups, so they are made on an embedded store only (on a remote one, each would be a request).

def present(store: ox.Store, predicate: str, object_: str | None = None, graph=None) -> bool:
    """Some quad of ``graph`` (None: any graph) has ``predicate`` (and ``object_``)."""
    pattern = store.quads_for_pattern(None, ox.NamedNode(predicate), ox.NamedNode(object_) if object_ else None, graph)
    return next(iter(pattern), None) is not None


def _has_focus(store: ox.Store, target: URIRef | tuple, subclasses: dict) -> bool:
    """Some node of the default graph is in ``target``: typed with the class or one of its
    subclasses there (as ``rdf:type/rdfs:subClassOf*`` finds them), or the subject of the property."""
    if isinstance(target, tuple):
        return present(store, str(target[1]), graph=ox.DefaultGraph())
    if target not in subclasses:
        found, todo = {ox.NamedNode(str(target))}, [ox.NamedNode(str(target))]
        while todo:
            for quad in store.quads_for_pattern(None, _SUBCLASS_OF, todo.pop(), ox.DefaultGraph()):
                if quad.subject not in found:
                    found.add(quad.subject)
                    todo.append(quad.subject)
        subclasses[target] = found
    return any(next(iter(store.quads_for_pattern(None, _TYPE, cls, ox.DefaultGraph())), None) is not None
               for cls in subclasses[target])


_TYPE, _SUBCLASS_OF = ox.NamedNode(str(RDF.type)), ox.NamedNode(str(RDFS.subClassOf))


def solutions(store: ox.Store, queries: list[str], parallel: bool = True) -> list[list[dict]]:
    """Evaluate ``queries`` on ``store``, a few at a time: Oxigraph releases the GIL while it
    evaluates, so on a large graph two cores finish the constraints in about half the time.
    On a small scratch store (``parallel=False``) starting threads would cost more than the
    queries. Each solution is a dict of the variables it binds."""
    def solve(query: str) -> list[dict]:
        solutions = store.query(query)
        names = [v.value for v in solutions.variables]
        return [{name: term for name, term in zip(names, solution) if term is not None} for solution in solutions]

    if not parallel:
        return [solve(query) for query in queries]
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        return list(pool.map(solve, queries))


class Results:
    """A SHACL validation report graph with the fields pySHACL writes."""

    def __init__(self, store: ox.Store):
        self.store = store
        self.report = Graph()
        self.node = BNode()
        self.report.add((self.node, RDF.type, SH.ValidationReport))
        self.conforms = True

    def add(self, severity, shape, constraint, component, focus, path, value, messages) -> None:
        result = BNode()
        report = self.report
        report.add((self.node, SH.result, result))
        report.add((result, RDF.type, SH.ValidationResult))
        report.add((result, SH.focusNode, focus))
        report.add((result, SH.resultSeverity, severity))
        report.add((result, SH.sourceShape, shape))
        if constraint is not None:
            report.add((result, SH.sourceConstraint, constraint))
        report.add((result, SH.sourceConstraintComponent, component))
        if path is not None:
            report.add((result, SH.resultPath, path))
        if value is not None:
            report.add((result, SH.value, value))
        for message, bound in messages:
            report.add((result, SH.resultMessage, Literal(_format(message, bound, self.store))))
        self.conforms = self.conforms and severity != SH.Violation

    def graph(self) -> Graph:
        self.report.add((self.node, SH.conforms, Literal(self.conforms)))
        return self.report


def _bind_targets(select: str, target: URIRef | tuple) -> str:
    """Make ``$this`` range over the instances of ``target`` in the outermost WHERE (or, for a
    ``(sh:targetSubjectsOf, property)`` pair, over the subjects of the property)."""
    query = select.replace("$this", "?this")
    match = re.search(r"\bWHERE\s*\{", query, re.IGNORECASE)
    if match is None:
        raise ValueError(f"cannot find the WHERE clause of: {select}")
    if isinstance(target, tuple):
        pattern = f" {{ SELECT DISTINCT ?this WHERE {{ ?this <{target[1]}> ?targetValue }} }} "
        return query[:match.end()] + pattern + query[match.end():]
    pattern = f" ?this <{RDF.type}>/<{RDFS.subClassOf}>* <{target}> . "
    return query[:match.end()] + pattern + query[match.end():]


def _prefixes(shapes: Graph, constraint: BNode) -> str:
    lines = []
    for holder in shapes.objects(constraint, SH.prefixes):
        for declaration in shapes.objects(holder, SH.declare):
            prefix = shapes.value(declaration, SH.prefix)
            namespace = shapes.value(declaration, SH.namespace)
            lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(sorted(set(lines))) + "\n"


def _format(message: str, bound: dict, store: ox.Store) -> str:
    def replace(match):
        term = bound.get(match.group(1))
        if term is None:
            return match.group(0)
        if isinstance(term, Literal):
            return str(term)
        for predicate in (SKOS.prefLabel, RDFS.label):
            for quad in store.quads_for_pattern(to_oxigraph(term), to_oxigraph(predicate), None, ox.DefaultGraph()):
                return quad.object.value
        return str(term)

    return re.sub(r"\{[?$](\w+)\}", replace, message)
