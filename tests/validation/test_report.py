"""Findings in words (kg/validation/report.py): a SHACL result explained with every value the sources
give, each with its source and quote; the candidate's part marked; text, JSON, HTML, Turtle and
JSON-LD. (The report of the seeds is checked in tests/validation/test_validate.py.)"""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from rdflib import Graph

from kg.validation.report import Finding, Statement, ValidationReport, Value, build_report

PREFIXES = """@prefix rats: <https://w3id.org/sco-rats/ontology#> . @prefix oa: <http://www.w3.org/ns/oa#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> . @prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix kg: <https://w3id.org/sco-rats/> .
"""
DATA = PREFIXES + """
kg:meeting\\/m skos:prefLabel "the 8th conference"@en ; rats:startDate "2022-11-08"^^xsd:date, "2023-11-08"^^xsd:date .
kg:source\\/a rats:title "Tashkent hosts the conference" .
kg:evidence\\/1 a rats:Evidence ; rdf:subject kg:meeting\\/m ; rdf:predicate rats:startDate ;
    rdf:object "2022-11-08"^^xsd:date ; oa:hasTarget [ oa:hasSource kg:source\\/a ;
    oa:hasSelector [ oa:exact "on November 8, 2022" ], [ oa:start 10 ; oa:end 29 ] ] .
kg:evidence\\/2 a rats:Evidence ; rdf:subject kg:meeting\\/m ; rdf:predicate rats:startDate ;
    rdf:object "2023-11-08"^^xsd:date ; oa:hasTarget [ oa:hasSource kg:source\\/new ;
    oa:hasSelector [ oa:exact "<script>alert(1)</script> on November 8, 2023" ; oa:start 0 ; oa:end 44 ] ] .
kg:evidence\\/3 a rats:InferredFact ; rdf:subject kg:meeting\\/m ; rdf:predicate rats:startDate ;
    rdf:object "2023-11-08"^^xsd:date ; rats:derivation "the page's year" ; oa:hasTarget [ oa:hasSource kg:source\\/b ;
    oa:hasSelector [ oa:exact "November 8" ; oa:start 3 ; oa:end 13 ] ] .
"""
ONTOLOGY = PREFIXES + 'rats:startDate rdfs:label "start date"@en .'
RESULTS = PREFIXES + """
[] a sh:ValidationReport ; sh:conforms false ; sh:result [ a sh:ValidationResult ; sh:focusNode kg:meeting\\/m ;
    sh:resultPath rats:startDate ; sh:value "2023-11-08"^^xsd:date ; sh:resultSeverity sh:Violation ;
    sh:sourceShape <https://w3id.org/sco-rats/shapes#OneDateRangePerMeeting> ;
    sh:resultMessage "two start dates" ] , [ a sh:ValidationResult ; sh:focusNode kg:meeting\\/m ;
    sh:resultPath rats:startDate ; sh:resultSeverity sh:Info ; sh:sourceShape <https://w3id.org/sco-rats/shapes#Note> ;
    sh:resultMessage "a note" ] .
"""
BASE = "https://w3id.org/sco-rats/"


def parsed(text: str) -> Graph:
    return Graph().parse(data=text, format="turtle")


@pytest.fixture
def report() -> ValidationReport:
    return build_report(parsed(RESULTS), parsed(DATA), parsed(ONTOLOGY), candidate_source=BASE + "source/new")


def test_a_result_is_explained_with_every_value_its_sources_and_quotes(report):
    violation, note = report.findings  # a Violation before an Info
    assert (violation.severity, violation.shape.rsplit("#")[1], violation.focus_label, violation.path_label) == \
        ("Violation", "OneDateRangePerMeeting", "the 8th conference", "start date")
    assert violation.messages == ["two start dates"] and note.severity == "Info"
    assert [(v.value, v.flagged) for v in violation.values] == [("2022-11-08", False), ("2023-11-08", True)]
    stated = violation.values[0].statements
    assert stated == [Statement(BASE + "source/a", "Tashkent hosts the conference", "on November 8, 2022", 10, 29)]
    inferred, new = violation.values[1].statements
    assert inferred.inferred and inferred.derivation == "the page's year" and inferred.source == BASE + "source/b"
    assert new.quote.startswith("<script>") and not new.inferred
    assert violation.sources == [BASE + "source/a", BASE + "source/b", BASE + "source/new"]


def test_the_candidate_takes_part_only_where_it_states_a_flagged_value(report):
    violation, note = report.findings
    assert violation.involves_candidate is True
    assert note.involves_candidate is True  # no value flagged: any value it states
    agreeing = build_report(parsed(RESULTS), parsed(DATA), parsed(ONTOLOGY), candidate_source=BASE + "source/a")
    assert agreeing.findings[0].involves_candidate is False  # it states the other value only
    assert not build_report(parsed(RESULTS), parsed(DATA), parsed(ONTOLOGY)).findings[0].involves_candidate


def test_counts_and_conformance(report):
    assert report.counts == {"Violation": 1, "Warning": 0, "Info": 1} and report.conforms is False
    assert ValidationReport([], Graph()).conforms is True
    warning = Finding("Warning", "s", "f", "f", None, None, ["m"], [])
    assert ValidationReport([warning], Graph()).conforms is True  # warnings do not block


def test_the_text_says_who_states_what(report):
    text = report.render("text")
    assert "VIOLATION: the 8th conference <https://w3id.org/sco-rats/meeting/m>" in text
    assert "  * 2023-11-08  <- flagged" in text
    assert "a (Tashkent hosts the conference) [10:29]: \u201con November 8, 2022\u201d" in text
    assert "b [3:13], inferred from: \u201cNovember 8\u201d\n        derivation: the page's year" in text
    assert text.endswith("1 violation(s), 0 warning(s), 1 note(s)\n")
    assert ValidationReport([], Graph()).render("text") == "0 violation(s), 0 warning(s), 0 note(s): the graph conforms\n"


def test_json_is_the_documented_shape(report):
    body = json.loads(report.render("json"))
    assert body["conforms"] is False and body["counts"]["Violation"] == 1
    first = body["results"][0]
    assert first["property"] == {"iri": "https://w3id.org/sco-rats/ontology#startDate", "label": "start date"}
    assert first["involvesCandidate"] is True and first["values"][1]["statements"][0]["derivation"] == "the page's year"
    assert body["results"][0]["focus"] == {"iri": BASE + "meeting/m", "label": "the 8th conference"}
    assert Finding("Info", "s", "f", "f", None, None, [], []).to_dict()["property"] is None


def test_html_escapes_what_the_sources_say(report):
    html = report.render("html")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "1 violation(s), 0 warning(s), 1 note(s)." in html and "The graph has contradictions." in html


def test_the_shacl_report_itself_as_turtle_and_json_ld(report):
    assert len(parsed(report.render("turtle"))) == len(parsed(RESULTS))
    assert len(list(ox.parse(report.render("jsonld").encode(), format=ox.RdfFormat.JSON_LD))) == len(parsed(RESULTS))
    with pytest.raises(ValueError, match="unknown report format 'pdf'"):
        report.render("pdf")


def test_a_value_with_no_statement_still_shows():
    value = Value("x", "x", True)
    assert value.statements == [] and Finding("Warning", "s", "f", "f", "p", "p", [], [value]).sources == []
