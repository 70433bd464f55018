"""Shapes: valid SHACL themselves, and each catches its violating node and only that.

In the style of the W3C SHACL test suite: ``tests/cases/shapes/<file>.ttl`` holds an ``ok``
and a ``bad`` node per shape of ``shapes/<file>.ttl``.
"""

from pathlib import Path

import pytest
from pyshacl import validate as pyshacl_validate
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import SH

from kg.validate import validate

HERE = Path(__file__).resolve().parent
EX = Namespace("urn:example:")


def test_shapes_are_valid_shacl(shapes):
    conforms, _, text = pyshacl_validate(Graph(), shacl_graph=shapes, meta_shacl=True)
    assert conforms, text


def test_the_seed_build_conforms(built):
    assert built.sources  # build() raises ValidationFailed otherwise


@pytest.fixture(scope="module")
def report(ontology, shapes):
    data = Graph().parse(HERE / "cases" / "shapes" / "source.ttl")
    return validate(data, shapes=shapes, ontology=ontology)


def focus_nodes(report):
    return {report.graph.value(r, SH.focusNode) for r in report.graph.subjects(SH.resultSeverity, SH.Violation)}


@pytest.mark.parametrize(
    "bad, shape",
    [
        ("badSource", "SourceShape"),
        ("badEvidence", "EvidenceShape"),
        ("badTarget", "QuoteTargetShape"),
        ("badMeeting", "MeetingShape"),
        ("badParticipation", "ParticipationShape"),
        ("badMembership", "MembershipShape"),
        ("badHolding", "PostHoldingShape"),
        ("badStatistic", "StatisticShape"),
    ],
)
def test_each_shape_catches_its_bad_node(report, shapes, bad, shape):
    node_shape = URIRef("https://w3id.org/sco-rats/shapes#" + shape)
    reported_by = {report.graph.value(r, SH.sourceShape) for r in report.graph.subjects(SH.focusNode, EX[bad])}
    # A property shape (a blank node) belongs to the node shape that lists it.
    assert any(s == node_shape or (node_shape, SH.property, s) in shapes for s in reported_by), reported_by


def test_no_ok_node_is_reported(report):
    assert not {str(n) for n in focus_nodes(report) if str(n).startswith(str(EX) + "ok")}
