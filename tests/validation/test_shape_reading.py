"""What the compiled shapes' queries read (kg/validation/shape_reading.py): the predicates, the
evidence of which statements, and the join keys a new source's neighbourhood follows."""

from __future__ import annotations

import pytest

from kg.validation.shape_reading import evidence_read, join_keys, read_predicates
from kg.validation.validate import Validator


@pytest.fixture(scope="module")
def engines(project):
    return {name: Validator.from_folders(project.ontology, project.shapes, engine=name) for name in ("oxigraph", "pyshacl")}


def test_read_predicates_follow_paths_and_filters():
    query = """PREFIX ex: <http://example.org/>
        SELECT $this WHERE { $this ex:a/ex:b ?x . FILTER NOT EXISTS { ?x ex:c ?y } }"""
    assert read_predicates(query) == {"http://example.org/a", "http://example.org/b", "http://example.org/c"}
    assert read_predicates("SELECT $this WHERE { $this ?p ?o }") is None  # could read any triple
    assert read_predicates("SELECT $this WHERE { $this a ?c FILTER EXISTS { ?c ?p ?o } }") is None


EVIDENCE_QUERY = """PREFIX ex: <http://example.org/> PREFIX oa: <http://www.w3.org/ns/oa#>
    PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
    SELECT $this WHERE { %s }"""


@pytest.mark.parametrize(("pattern", "expected"), [
    ("?e rdf:subject $this ; rdf:predicate ex:a ; oa:hasTarget/oa:hasSource ?s", {"http://example.org/a"}),
    ("$this ex:a ?v . FILTER EXISTS { ?e rdf:subject $this ; rdf:predicate ex:b }", {"http://example.org/b"}),
    ("$this ex:a ?v", set()),  # reads no evidence
    ("?e rdf:subject $this ; rdf:predicate ?p", None),  # any statement's
    ("?e rdf:subject $this ; rdf:object ?v", None),  # the predicate is not fixed
    ("$this ^rdf:subject/oa:hasTarget ?t", None),  # a path from the statement's subject
    ("?e rdf:subject $this OPTIONAL { ?e rdf:predicate ex:a }", None),  # fixed in another pattern only
])
def test_evidence_read_is_fixed_or_unknown(pattern, expected):
    assert evidence_read(EVIDENCE_QUERY % pattern) == (None if expected is None else frozenset(expected))


def test_the_consistency_shapes_read_the_evidence_of_a_few_statements(engines):
    """What a new source's neighbourhood reads of the evidence (``kg.validation.validate.neighbourhood``)."""
    assert sorted(p.split("#")[-1] for p in engines["oxigraph"].evidence_of) == \
        ["endDate", "location", "participant", "startDate", "status", "value"]


def test_join_keys_are_read_from_the_queries(engines):
    keys = {c.shape.split("#")[-1]: [tuple(p.split("#")[-1] for p in key) for key in c.join_keys]
            for c in engines["oxigraph"]._sparql if c.join_keys}
    assert keys == {
        "OneEditionPerDate": [("partOfSeries", "startDate")],
        "OneHolderAtATime": [("asOf", "post"), ("atMeeting", "post")],
        "OneRolePerStateAtMeeting": [("meeting", "participant")],
        "OneStatusPerStateAndDate": [("asOf", "memberState", "organisation")],
        "PossibleDuplicateMeeting": [("partOfSeries", "startDate")],
    }


def test_a_value_shared_through_another_predicate_is_no_join_key():
    query = """PREFIX ex: <http://example.org/>
        SELECT $this WHERE { $this ex:about ?m . ?other ex:meeting ?m . FILTER EXISTS { ?x ex:about ?m } }"""
    assert join_keys(query) == ()
