"""Cross-source "one value" checks derived from the ontology, not from a hand list.

Every ``owl:FunctionalProperty`` of ours, and every property a class restricts to at most one
value (``owl:maxCardinality 1``, ``owl:cardinality 1``, ``owl:maxQualifiedCardinality 1``),
gets a SHACL-SPARQL node shape in the consistency group: two values of it on one node, from
any sources, that are not :func:`kg.sources.values.compatible` (a date without a year and the
full date refining it are one value) are a finding. The shape targets the property's domain,
or the subjects of the property where the ontology gives none.

A hand-written shape that says more about a property (``OneEditionPerMeeting``,
``OneDateRangePerMeeting``...) declares it with ``shapes:covers`` and no shape is derived for
it. The severity is Violation (a contradiction) unless the consistency shapes give the
property a ``shapes:conflictSeverity`` (``rats:qualifier``: "about 100" and "more than 100"
are suspicious together, not contradictory).
"""

from __future__ import annotations

from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SH

from kg.namespaces import RATS
from kg.sources.values import sparql_conflict

SHAPES = Namespace("https://w3id.org/sco-rats/shapes#")
CARDINALITIES = (OWL.maxCardinality, OWL.cardinality, OWL.maxQualifiedCardinality, OWL.qualifiedCardinality)


def single_valued(ontology: Graph) -> dict[URIRef, set[URIRef]]:
    """Map each property of ours that takes one value to the classes it does so on (empty: its
    domain, or wherever it is used)."""
    found: dict[URIRef, set[URIRef]] = {}
    for prop in ontology.subjects(RDF.type, OWL.FunctionalProperty):
        if isinstance(prop, URIRef) and str(prop).startswith(str(RATS._NS)):
            found.setdefault(prop, set())
    for restriction in ontology.subjects(RDF.type, OWL.Restriction):
        prop = ontology.value(restriction, OWL.onProperty)
        if not isinstance(prop, URIRef) or not any(
                int(n) == 1 for c in CARDINALITIES for n in ontology.objects(restriction, c)):
            continue
        for cls in ontology.subjects(RDFS.subClassOf, restriction):
            if isinstance(cls, URIRef):
                found.setdefault(prop, set()).add(cls)
    return found


def functional_shapes(ontology: Graph, shapes: Graph) -> Graph:
    """Return the derived shapes for ``shapes`` (the hand-written consistency shapes)."""
    covered = set(shapes.objects(None, SHAPES.covers))
    prefixes = next(iter(shapes.subjects(SH.declare, None)), None)
    derived = Graph()
    for prop, classes in sorted(single_valued(ontology).items()):
        if prop in covered:
            continue
        name = str(prop).rsplit("#", 1)[-1]
        label = str(ontology.value(prop, RDFS.label) or name)
        targets = sorted(classes) or [d for d in ontology.objects(prop, RDFS.domain) if isinstance(d, URIRef)]
        for target in targets or [None]:
            suffix = "" if len(targets) < 2 else "-" + str(target).rsplit("#", 1)[-1]
            _add_shape(derived, SHAPES["OneValueOf-" + name + suffix], prop, label, target,
                       shapes.value(prop, SHAPES.conflictSeverity) or SH.Violation, prefixes)
    return derived


def _add_shape(derived: Graph, shape: URIRef, prop: URIRef, label: str, target: URIRef | None, severity,
               prefixes) -> None:
    derived.add((shape, RDF.type, SH.NodeShape))
    derived.add((shape, RDFS.comment, Literal(
        f"Derived from the ontology: {label} takes one value (kg/validation/functional.py).")))
    derived.add((shape, SH.targetClass, target) if target is not None else (shape, SH.targetSubjectsOf, prop))
    derived.add((shape, SH.severity, severity))
    constraint = BNode()
    derived.add((shape, SH.sparql, constraint))
    if prefixes is not None:
        derived.add((constraint, SH.prefixes, prefixes))
    derived.add((constraint, SH.message, Literal(
        f"The sources give this more than one {label}, which takes one value; {{?value}} is one of them.")))
    conflict = sparql_conflict().replace("\n", "\n    ")
    derived.add((constraint, SH.select, Literal(f"""
SELECT $this (<{prop}> AS ?path) ?value WHERE {{
    $this <{prop}> ?value , ?other .
    {conflict}
}}""")))
