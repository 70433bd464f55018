"""Run SHACL-SPARQL node shapes as whole-graph queries on Oxigraph.

pySHACL evaluates a SPARQL-based constraint once per focus node with rdflib's SPARQL
engine: about a second per shape on the seed graph, and linear in the number of focus
nodes. For node shapes whose target is a class (``sh:targetClass``) and whose constraint is
a ``sh:select`` (all of ``shapes/consistency.ttl``), the same results come from one query
per constraint: bind ``$this`` to every instance of the class (subclasses included, as
SHACL's class targets do) and let Oxigraph evaluate it over the whole data at once.

The results are written as a SHACL validation report graph with the same fields pySHACL
writes (focus node, path, value, severity, source shape and constraint, message);
``tests/test_native_shacl.py`` checks both engines give the same results. Messages render
IRIs by their labels (``member``) where pySHACL prints the IRI.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.namespace import SH, SKOS

from kg.store import to_oxigraph, to_rdflib


@dataclass(frozen=True)
class SparqlConstraint:
    """One ``sh:sparql`` constraint of a node shape, ready to run."""

    shape: URIRef
    node: BNode
    target: URIRef
    severity: URIRef
    query: str
    messages: tuple[str, ...]


def compile_shapes(shapes: Graph) -> list[SparqlConstraint]:
    """Read the class-targeted ``sh:select`` constraints of ``shapes``.

    :raises ValueError: a shape this engine cannot run exactly (another target, ``sh:ask``).
    """
    constraints = []
    for shape in sorted(set(shapes.subjects(SH.sparql, None))):
        targets = list(shapes.objects(shape, SH.targetClass))
        other_targets = [p for p in (SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
                         if (shape, p, None) in shapes]
        if len(targets) != 1 or other_targets or (shape, SH.path, None) in shapes:
            raise ValueError(f"{shape}: the native engine runs node shapes with one sh:targetClass only")
        severity = shapes.value(shape, SH.severity) or SH.Violation
        for node in shapes.objects(shape, SH.sparql):
            select = shapes.value(node, SH.select)
            if select is None:
                raise ValueError(f"{shape}: the native engine runs sh:select constraints only")
            prefixes = _prefixes(shapes, node)
            messages = tuple(str(m) for m in shapes.objects(node, SH.message)) or \
                tuple(str(m) for m in shapes.objects(shape, SH.message))
            constraints.append(SparqlConstraint(shape, node, targets[0], severity,
                                                prefixes + _bind_targets(str(select), targets[0]), messages))
    return constraints


def run(constraints: list[SparqlConstraint], data: Graph) -> Graph:
    """Evaluate ``constraints`` on ``data`` (which must hold the ontology's class hierarchy)."""
    store = ox.Store()
    store.extend(ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in data)
    report = Graph()
    report_node = BNode()
    report.add((report_node, RDF.type, SH.ValidationReport))
    conforms = True
    for constraint in constraints:
        solutions = store.query(constraint.query)
        for solution in solutions:
            bound = {v.value: to_rdflib(solution[v]) for v in solutions.variables if solution[v] is not None}
            result = BNode()
            report.add((report_node, SH.result, result))
            report.add((result, RDF.type, SH.ValidationResult))
            report.add((result, SH.focusNode, bound["this"]))
            report.add((result, SH.resultSeverity, constraint.severity))
            report.add((result, SH.sourceShape, constraint.shape))
            report.add((result, SH.sourceConstraint, constraint.node))
            report.add((result, SH.sourceConstraintComponent, SH.SPARQLConstraintComponent))
            if "path" in bound:
                report.add((result, SH.resultPath, bound["path"]))
            if "value" in bound:
                report.add((result, SH.value, bound["value"]))
            for message in constraint.messages:
                report.add((result, SH.resultMessage, Literal(_format(message, bound, data))))
            conforms = conforms and constraint.severity != SH.Violation
    report.add((report_node, SH.conforms, Literal(conforms)))
    return report


def _bind_targets(select: str, target: URIRef) -> str:
    """Make ``$this`` range over the instances of ``target`` in the outermost WHERE."""
    query = select.replace("$this", "?this")
    match = re.search(r"\bWHERE\s*\{", query, re.IGNORECASE)
    if match is None:
        raise ValueError(f"cannot find the WHERE clause of: {select}")
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


def _format(message: str, bound: dict, data: Graph) -> str:
    def replace(match):
        term = bound.get(match.group(1))
        if term is None:
            return match.group(0)
        if isinstance(term, Literal):
            return str(term)
        label = data.value(term, SKOS.prefLabel) or data.value(term, RDFS.label)
        return str(label) if label is not None else str(term)

    return re.sub(r"\{[?$](\w+)\}", replace, message)
