"""The cross-source "one value" checks derived from the ontology's functional properties."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SH

from kg.validation.functional import SHAPES, functional_shapes, single_valued
from kg.validation.validate import CONSISTENCY_SHAPES, Validator, load_shapes

HERE = Path(__file__).resolve().parents[1]
EX = Namespace("urn:example:")
RATS = Namespace("https://w3id.org/sco-rats/ontology#")

DERIVED_CASES = [
    ("badMeasure", "OneValueOf-measure", SH.Violation),
    ("badPublished", "OneValueOf-publicationDate", SH.Violation),
    ("badQualifier", "OneValueOf-qualifier", SH.Warning),
    ("badOrganisation", "OneValueOf-organisation", SH.Violation),
    ("badRelayed", "OneValueOf-relayedReportDate", SH.Violation),
    ("badOrdinal", "OneValueOf-ordinal", SH.Violation),
]


# pyshacl, the reference implementation, takes tens of seconds here: its half runs in make test-slow
@pytest.fixture(scope="module", params=["oxigraph", pytest.param("pyshacl", marks=pytest.mark.slow)])
def results(request, project):
    validator = Validator.from_folders(project.ontology, project.shapes, engine=request.param)
    return validator.check_consistency(Graph().parse(HERE / "cases" / "shapes" / "consistency.ttl"))


@pytest.mark.parametrize("bad, shape, severity", DERIVED_CASES)
def test_a_derived_check_flags_two_values(results, bad, shape, severity):
    hits = [r for r in results.subjects(SH.focusNode, EX[bad]) if results.value(r, SH.sourceShape) == SHAPES[shape]]
    assert hits and {results.value(r, SH.resultSeverity) for r in hits} == {severity}


def test_compatible_values_are_one_value(results):
    flagged = {results.value(r, SH.focusNode) for r in results.subjects(SH.sourceShape, None)
               if str(results.value(r, SH.sourceShape)).startswith(str(SHAPES["OneValueOf-"]))}
    assert EX.okPublished not in flagged and EX.okMeasure not in flagged and EX.membershipOk not in flagged
    assert EX.okRelayed not in flagged and EX.okOrdinal not in flagged


def test_every_functional_property_is_checked_once(ontology, project):
    shapes = load_shapes(project.shapes, CONSISTENCY_SHAPES)
    derived = functional_shapes(ontology, shapes)
    covered = set(shapes.objects(None, SHAPES.covers))
    for prop in single_valued(ontology):
        name = str(prop).rsplit("#", 1)[1]
        assert (prop in covered) != ((SHAPES["OneValueOf-" + name], RDF.type, SH.NodeShape) in derived), name
    assert RATS.measure in single_valued(ontology) and RATS.startDate in covered


def test_a_max_cardinality_restriction_is_derived_too():
    ontology = Graph()
    restriction = BNode()
    ontology.add((RATS.chairOf, RDF.type, OWL.ObjectProperty))
    ontology.add((RATS.Chairmanship, RDFS.subClassOf, restriction))
    ontology.add((restriction, RDF.type, OWL.Restriction))
    ontology.add((restriction, OWL.onProperty, RATS.chairOf))
    ontology.add((restriction, OWL.maxCardinality, Literal(1)))
    derived = functional_shapes(ontology, Graph())
    assert (SHAPES["OneValueOf-chairOf"], SH.targetClass, RATS.Chairmanship) in derived


def test_derived_shapes_are_valid_shacl(ontology, project):
    from pyshacl import validate

    shapes = load_shapes(project.shapes, CONSISTENCY_SHAPES)
    conforms, _, text = validate(Graph(), shacl_graph=shapes + functional_shapes(ontology, shapes), meta_shacl=True)
    assert conforms, text
