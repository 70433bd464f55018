"""Shapes: valid SHACL themselves, and each catches its violating node and only that.

In the style of the W3C SHACL test suite: ``tests/cases/shapes/<file>.ttl`` holds an ``ok``
and a ``bad`` node per shape of ``shapes/<file>.ttl``.
"""

from pathlib import Path

import pytest
from pyshacl import validate as pyshacl_validate
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import SH

from kg.validation.validate import validate

HERE = Path(__file__).resolve().parents[1]
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
        ("badStatement", "StatementShape"),
        ("badStatementWords", "StatementShape"),
        ("badDocument", "DocumentShape"),
        ("badStage", "MeetingShape"),
        ("badOperationStage", "ActivityShape"),
        ("badFirstParticipation", "ParticipationShape"),
        ("badTenthMember", "MembershipShape"),
        ("badRelaySource", "SourceShape"),
        ("badWeekday", "WeekdayShape"),
        ("badCategories", "MeetingShape"),
        ("badNewHolding", "PostHoldingShape"),
        ("badSince", "NotBeforeShape"),
        ("badInterval", "IntervalShape"),
        ("badTravelTime", "TravelTimeShape"),
    ],
)
def test_each_shape_catches_its_bad_node(report, shapes, bad, shape):
    node_shape = URIRef("https://w3id.org/sco-rats/shapes#" + shape)
    reported_by = {report.graph.value(r, SH.sourceShape) for r in report.graph.subjects(SH.focusNode, EX[bad])}
    # A property shape (a blank node) belongs to the node shape that lists it.
    assert any(s == node_shape or (node_shape, SH.property, s) in shapes for s in reported_by), reported_by


def test_no_ok_node_is_reported(report):
    assert not {str(n) for n in focus_nodes(report) if str(n).startswith(str(EX) + "ok")}


CONSISTENCY_CASES = [
    ("badEdition", "OneEditionPerMeeting", SH.Violation),
    ("badDates", "OneDateRangePerMeeting", SH.Violation),
    ("badPartialDates", "OneDateRangePerMeeting", SH.Violation),
    ("badPartialYears", "OneDateRangePerMeeting", SH.Violation),
    ("badPartialMonth", "OneDateRangePerMeeting", SH.Violation),
    ("badOrder", "EndNotBeforeStart", SH.Violation),
    ("badSeries", "DatesFitTheSeries", SH.Warning),
    ("badHeld", "HeldBeforeReported", SH.Violation),
    ("badSameDay", "OneEditionPerDate", SH.Violation),
    ("badDuplicate", "PossibleDuplicateMeeting", SH.Warning),
    ("badDuplicateToo", "PossibleDuplicateMeeting", SH.Warning),
    ("badPlace", "OnePlacePerMeeting", SH.Violation),
    ("badYear", "YearNotStated", SH.Info),
    ("badMonthYear", "YearNotStated", SH.Info),
    ("badPeriod", "PeriodEndNotBeforeStart", SH.Violation),
    ("badRole", "OneRolePerStateAtMeeting", SH.Violation),
    ("badStatus", "OneStatusPerStateAndDate", SH.Violation),
    ("badHolding", "OneHolderAtATime", SH.Violation),
    ("badName", "OneNamePerPerson", SH.Warning),
    ("variantName", "KnownSpellingVariants", SH.Info),
    ("unknownName", "KnownSpelling", SH.Warning),
    ("badFigure", "OneValuePerStatistic", SH.Violation),
    ("badCount", "CountMatchesEnumeration", SH.Warning),
]


# pyshacl, the reference implementation, takes tens of seconds here: its half runs in make test-slow
@pytest.fixture(scope="module", params=["oxigraph", pytest.param("pyshacl", marks=pytest.mark.slow)])
def consistency_results(request, project):
    from kg.validation.validate import Validator

    validator = Validator.from_folders(project.ontology, project.shapes, engine=request.param)
    data = Graph().parse(HERE / "cases" / "shapes" / "consistency.ttl")
    return validator.check_consistency(data)


def test_consistency_shapes_are_valid_shacl(project):
    from kg.validation.validate import CONSISTENCY_SHAPES, load_shapes

    conforms, _, text = pyshacl_validate(Graph(), shacl_graph=load_shapes(project.shapes, CONSISTENCY_SHAPES),
                                         meta_shacl=True)
    assert conforms, text


def test_every_consistency_shape_has_a_case(project):
    from kg.validation.validate import CONSISTENCY_SHAPES, load_shapes

    shapes_graph = load_shapes(project.shapes, CONSISTENCY_SHAPES)
    named = {str(s).rsplit("#", 1)[1] for s in shapes_graph.subjects(SH.sparql, None)}
    assert named == {shape for _, shape, _ in CONSISTENCY_CASES}


@pytest.mark.parametrize("bad, shape, severity", CONSISTENCY_CASES)
def test_each_consistency_shape_flags_its_bad_node(consistency_results, bad, shape, severity):
    node_shape = URIRef("https://w3id.org/sco-rats/shapes#" + shape)
    hits = [r for r in consistency_results.subjects(SH.focusNode, EX[bad])
            if consistency_results.value(r, SH.sourceShape) == node_shape]
    assert hits, f"{bad} not flagged by {shape}"
    assert {consistency_results.value(r, SH.resultSeverity) for r in hits} == {severity}


def test_no_ok_consistency_node_is_flagged(consistency_results):
    flagged = {str(n) for n in consistency_results.objects(None, SH.focusNode)}
    assert not {n for n in flagged if n.startswith(str(EX) + "ok")}
