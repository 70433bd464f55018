"""Run SHACL shapes as whole-graph queries on Oxigraph: SHACL-SPARQL node shapes, and the
SHACL Core property shapes of ``shapes/source.ttl`` compiled to queries (:func:`compile_core`).

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
from rdflib.collection import Collection
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


@dataclass(frozen=True)
class CoreConstraint:
    """One SHACL Core constraint of a property shape, compiled to a query over source graphs.

    The query returns ``?g`` (the source graph), ``?this`` and, for value-based
    components, ``?value``: each row is a result, as pySHACL would find validating that
    source graph alone with the reference data.
    """

    shape: BNode | URIRef
    component: URIRef
    path: URIRef | None
    severity: URIRef
    query: str
    messages: tuple[str, ...]
    targets: tuple[tuple[str, str | None], ...] | None = None
    """(predicate, object) patterns of the target, one of which a quad must match for the
    constraint to have a focus node (None: not known)."""
    first_step: str | None = None
    """The path's first predicate, which a quad must have for a value to be found (None for
    ``sh:minCount``, which finds focus nodes without values)."""


CORE_KEYS = {SH.path, SH.message, SH.name, SH.description, SH.severity, SH.minCount, SH.maxCount, SH.datatype,
             SH["or"], SH["class"], SH.minInclusive, SH.minLength, SH["in"]}
"""What a property shape may say for :func:`compile_core` to run it exactly."""


def compile_core(shapes: Graph, graphs: str, ontology: Graph | None = None, *,
                 typed_anywhere: bool = False) -> list[CoreConstraint]:
    """Compile the property shapes of ``shapes`` (SHACL Core) to queries over the named graphs
    whose IRIs start with ``graphs``; types of values are looked up in the default graph.

    With ``typed_anywhere`` (the inferred graphs, which hold derived values of entities typed
    elsewhere), focus nodes are typed in the default graph, and no minimum count is asked:
    the values in each graph are still counted apart from every other graph's.

    With ``ontology``, a class target is written as its subclasses there, one constant
    pattern each, instead of a ``rdfs:subClassOf*`` path walked for every quad: about four
    times faster on a large graph, and the same while the data's classes are the ontology's.

    Targets may be classes (subclasses included), or subjects or objects of a property. Components:
    min/max count, datatype, an ``sh:or`` of datatypes, class, min inclusive, min length, in.

    :raises ValueError: a shape uses something this compiler does not run exactly.
    """
    constraints = []
    for shape in sorted(set(shapes.subjects(SH.property, None)), key=str):
        targets, patterns = [], []
        for cls in shapes.objects(shape, SH.targetClass):  # typed in the source, subclasses from the ontology
            typed = "?this <%s> %s" % (RDF.type, "%s")
            if ontology is None:
                typing = typed % "?type"
                targets.append(f"?type <{RDFS.subClassOf}>* <{cls}> . "
                               + (typing if typed_anywhere else f"GRAPH ?g {{ {typing} }}"))
                patterns = None
            else:
                subclasses = sorted(ontology.transitive_subjects(RDFS.subClassOf, cls))
                targets += [typed % f"<{sub}>" if typed_anywhere else f"GRAPH ?g {{ {typed % f'<{sub}>'} }}"
                            for sub in subclasses]
                patterns = None if patterns is None else patterns + [(str(RDF.type), str(sub)) for sub in subclasses]
        for prop in shapes.objects(shape, SH.targetObjectsOf):
            targets.append(f"GRAPH ?g {{ ?subject <{prop}> ?this }}")
            patterns = None if patterns is None else patterns + [(str(prop), None)]
        for prop in shapes.objects(shape, SH.targetSubjectsOf):
            targets.append(f"GRAPH ?g {{ ?this <{prop}> ?object }}")
            patterns = None if patterns is None else patterns + [(str(prop), None)]
        if not targets or any((shape, p, None) in shapes for p in (SH.targetNode, SH.target)):
            raise ValueError(f"{shape}: the native engine runs class, subjects-of and objects-of targets only")
        target = " UNION ".join(f"{{ {t} }}" for t in targets)
        for node in shapes.objects(shape, SH.property):
            unknown = {p for p in shapes.predicates(node, None)} - CORE_KEYS
            if unknown:
                raise ValueError(f"{shape}: the native engine cannot run {', '.join(sorted(map(str, unknown)))}")
            constraints.extend(c for c in _core_constraints(shapes, node, target, graphs,
                                                            None if patterns is None else tuple(patterns))
                               if not (typed_anywhere and c.component == SH.MinCountConstraintComponent))
    return constraints


def _hash_joined(steps: list[URIRef]) -> str:
    """The values of a predicate path from ``?this`` to ``?value`` in graph ``?g``, each step in
    a sub-select of its own, so that Oxigraph joins them with the focus nodes and with one
    another by hashing, one scan of each predicate, instead of an index lookup per node: three
    times faster over a large graph. Bag semantics are lost, which the counts (DISTINCT) allow."""
    nodes = ["?this", *(f"?step{i}" for i in range(1, len(steps))), "?value"]
    joined = " ".join(f"{{ SELECT ?g {a} {b} WHERE {{ GRAPH ?g {{ {a} <{step}> {b} }} }} }}"
                      for a, step, b in zip(nodes, steps, nodes[1:]))
    return joined if len(steps) == 1 else f"{{ SELECT DISTINCT ?g ?this ?value WHERE {{ {joined} }} }}"


def _core_constraints(shapes: Graph, node, target: str, graphs: str, patterns: tuple | None):
    raw_path = shapes.value(node, SH.path)
    if isinstance(raw_path, URIRef):
        steps, result_path = [raw_path], raw_path
    else:
        steps, result_path = list(Collection(shapes, raw_path)), None
        if not steps or not all(isinstance(step, URIRef) for step in steps):
            raise ValueError(f"{node}: the native engine runs predicate paths and sequences of predicates only")
    severity = shapes.value(node, SH.severity) or SH.Violation
    messages = tuple(str(m) for m in shapes.objects(node, SH.message))
    scope = f'FILTER (STRSTARTS(STR(?g), "{graphs}"))'
    focus = f"{target} {scope}"
    values_of = _hash_joined(steps)
    values = f"{target} {values_of} {scope}"

    def make(component, query):
        first_step = None if component == SH.MinCountConstraintComponent else str(steps[0])
        return CoreConstraint(node, component, result_path, severity, query, messages, patterns, first_step)

    for count in shapes.objects(node, SH.minCount):
        yield make(SH.MinCountConstraintComponent, f"""
            SELECT ?g ?this WHERE {{ {{ SELECT DISTINCT ?g ?this WHERE {{ {focus} }} }}
              OPTIONAL {values_of} }}
            GROUP BY ?g ?this HAVING (COUNT(DISTINCT ?value) < {int(count)})""")
    for count in shapes.objects(node, SH.maxCount):
        yield make(SH.MaxCountConstraintComponent, f"""
            SELECT ?g ?this WHERE {{ {values} }} GROUP BY ?g ?this HAVING (COUNT(DISTINCT ?value) > {int(count)})""")
    for datatype in shapes.objects(node, SH.datatype):
        yield make(SH.DatatypeConstraintComponent, f"""
            SELECT DISTINCT ?g ?this ?value WHERE {{ {values}
              FILTER (!isLiteral(?value) || DATATYPE(?value) != <{datatype}>) }}""")
    for alternatives in shapes.objects(node, SH["or"]):
        datatypes = []
        for member in Collection(shapes, alternatives):
            if set(shapes.predicates(member, None)) != {SH.datatype}:
                raise ValueError(f"{node}: the native engine runs sh:or of datatypes only")
            datatypes.append(f"<{shapes.value(member, SH.datatype)}>")
        yield make(SH.OrConstraintComponent, f"""
            SELECT DISTINCT ?g ?this ?value WHERE {{ {values}
              FILTER (!isLiteral(?value) || DATATYPE(?value) NOT IN ({", ".join(datatypes)})) }}""")
    for cls in shapes.objects(node, SH["class"]):
        yield make(SH.ClassConstraintComponent, f"""
            SELECT DISTINCT ?g ?this ?value WHERE {{ {values}
              FILTER NOT EXISTS {{ ?value <{RDF.type}>/<{RDFS.subClassOf}>* <{cls}> }} }}""")
    for bound in shapes.objects(node, SH.minInclusive):
        yield make(SH.MinInclusiveConstraintComponent, f"""
            SELECT DISTINCT ?g ?this ?value WHERE {{ {values}
              FILTER (!COALESCE(?value >= {to_oxigraph(bound)}, false)) }}""")
    for members in shapes.objects(node, SH["in"]):  # sh:in compares terms, as sameTerm does
        allowed = " ".join(str(to_oxigraph(m)) for m in Collection(shapes, members))
        yield make(SH.InConstraintComponent, f"""
            SELECT DISTINCT ?g ?this ?value WHERE {{ {values}
              FILTER NOT EXISTS {{ VALUES ?allowed {{ {allowed} }} FILTER (sameTerm(?value, ?allowed)) }} }}""")
    for length in shapes.objects(node, SH.minLength):
        yield make(SH.MinLengthConstraintComponent, f"""
            SELECT DISTINCT ?g ?this ?value WHERE {{ {values}
              FILTER (isBlank(?value) || STRLEN(STR(?value)) < {int(length)}) }}""")


COUNTS = (SH.MinCountConstraintComponent, SH.MaxCountConstraintComponent)
"""Components whose results have no value node."""


def run_core(constraints: list[CoreConstraint], store: ox.Store, *, parallel: bool = True) -> Graph:
    """Evaluate compiled core constraints on ``store``; return a SHACL results graph."""
    report = _Results(store)
    constraints = [c for c in constraints if _may_match_core(store, c)]
    for constraint, rows in zip(constraints, _solutions(store, [c.query for c in constraints], parallel)):
        for row in rows:
            value = None if constraint.component in COUNTS else row.get("value")
            report.add(constraint.severity, constraint.shape, None, constraint.component, to_rdflib(row["this"]),
                       constraint.path, to_rdflib(value) if value is not None else None,
                       [(m, {}) for m in constraint.messages])
    return report.graph()


def run(constraints: list[SparqlConstraint], store: ox.Store, *, parallel: bool = True) -> Graph:
    """Evaluate SPARQL ``constraints`` on the default graph of ``store`` (which must hold the
    ontology's class hierarchy); return a SHACL results graph."""
    report = _Results(store)
    if isinstance(store, ox.Store):
        subclasses: dict = {}
        constraints = [c for c in constraints if _has_focus(store, c.target, subclasses)]
    for constraint, rows in zip(constraints, _solutions(store, [c.query for c in constraints], parallel)):
        for row in rows:
            bound = {name: to_rdflib(term) for name, term in row.items()}
            report.add(constraint.severity, constraint.shape, constraint.node, SH.SPARQLConstraintComponent,
                       bound["this"], bound.get("path"), bound.get("value"),
                       [(m, bound) for m in constraint.messages])
    return report.graph()


# A constraint whose target (or first step) no quad of the store matches has no result there,
# and is not run: on a new source's scratch store, about half of them. Each such query cost
# 0.1-0.4 ms there, nearly all of it parsing and planning. These checks are index lookups, so
# they are made on an embedded store only (on a remote one, each would be a request).

def _present(store: ox.Store, predicate: str, object_: str | None = None, graph=None) -> bool:
    """Some quad of ``graph`` (None: any graph) has ``predicate`` (and ``object_``)."""
    pattern = store.quads_for_pattern(None, ox.NamedNode(predicate), ox.NamedNode(object_) if object_ else None, graph)
    return next(iter(pattern), None) is not None


def _may_match_core(store, constraint: CoreConstraint) -> bool:
    if not isinstance(store, ox.Store) or constraint.targets is None:
        return True
    if constraint.first_step is not None and not _present(store, constraint.first_step):
        return False
    return any(_present(store, predicate, object_) for predicate, object_ in constraint.targets)


def _has_focus(store: ox.Store, target: URIRef | tuple, subclasses: dict) -> bool:
    """Some node of the default graph is in ``target``: typed with the class or one of its
    subclasses there (as ``rdf:type/rdfs:subClassOf*`` finds them), or the subject of the property."""
    if isinstance(target, tuple):
        return _present(store, str(target[1]), graph=ox.DefaultGraph())
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


def _solutions(store: ox.Store, queries: list[str], parallel: bool = True) -> list[list[dict]]:
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


class _Results:
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
