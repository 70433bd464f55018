"""The ``meetings`` named query lists every meeting, of every kind, with stated and inferred dates marked.

What broke: meetings typed plain ``rats:Meeting`` were left out (``rdfs:subClassOf+`` does not
reach the class itself), and inferred dates were not shown at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.validation.intake import Intake, from_mapping
from kg.validation.validate import Validator
from kg.web import named_queries as q
from kg.wikidata.curation import Curation

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "cases" / "sources"
BASE = "https://w3id.org/sco-rats/"

PLAIN_MEETING = """
source: {language: en}
entities:
  meeting/rats-expert-group/2019-03: {a: Meeting, label: Meeting of SCO RATS experts of March 2019}
facts:
  - subject: meeting/rats-expert-group/2019-03
    quote: Experts of the SCO RATS met in Tashkent on 12 March 2019.
    a: Meeting
    startDate: "2019-03-12"
    location: city/tashkent
"""


@pytest.fixture
def meetings(writable_store, project, vocabulary, tmp_path):
    validator = Validator.from_folders(project.ontology, project.shapes)
    intake = Intake(writable_store, validator, vocabulary, tmp_path / "accepted", Curation())
    sources = [("plain-meeting", PLAIN_MEETING, "Experts of the SCO RATS met in Tashkent on 12 March 2019.")]
    case = CASES / "stated-day-inferred-year"
    sources.append((case.name, (case / "mapping.yaml").read_text(), (case / "text.txt").read_text()))
    for source_id, mapping, text in sources:
        intake.add(from_mapping(mapping, text, source_id=source_id, vocabulary=vocabulary, known=intake.known()))
    result = q.run(writable_store, q.load_queries(ROOT / "queries")["meetings"], {})
    names = [v.value for v in result.variables]
    return [{k: (s[k].value if s[k] is not None else None) for k in names} for s in result]


def test_a_plain_meeting_is_listed(meetings):
    rows = [r for r in meetings if r["meeting"] == BASE + "meeting/rats-expert-group/2019-03"]
    assert [(r["kind"], r["start"], r["cityLabel"]) for r in rows] == \
        [("https://w3id.org/sco-rats/ontology#Meeting", "2019-03-12", "Tashkent")]


def test_stated_and_inferred_dates_are_both_shown_and_marked(meetings):
    [row] = [r for r in meetings if r["meeting"] == BASE + "meeting/rats-council/2024-09"]
    assert row["start"] == "--09-04" and row["inferredStart"] == "2024-09-04"
    assert "places it in 2024" in row["derivation"]
    assert row["datesStated"] == "true" and row["source"] == BASE + "source/stated-day-inferred-year"


def test_every_meeting_of_the_seeds_is_listed(store, built):
    from rdflib import RDF, RDFS, URIRef

    ontology = built.dataset.graph(URIRef(BASE + "graph/ontology"))
    kinds = set(ontology.transitive_subjects(RDFS.subClassOf, URIRef(BASE + "ontology#Meeting")))
    typed = {str(s) for g in built.dataset.graphs() if str(g.identifier).startswith(BASE + "graph/source/")
             for s, o in g.subject_objects(RDF.type) if o in kinds}
    result = q.run(store, q.load_queries(ROOT / "queries")["meetings"], {})
    assert typed and typed == {s["meeting"].value for s in result}
