"""Drafts against the curated mappings (kg/bench/draft.py, ``kg bench-draft``): a drafted fact is
right only with the same triple and an overlapping quote; the tables of precision and recall."""

from __future__ import annotations

from rdflib import URIRef

from kg.bench.draft import Score, SourceResult, compare, table
from kg.namespaces import RATS


def test_a_drafted_fact_is_right_only_with_the_same_triple_and_an_overlapping_quote():
    s, meeting = URIRef("https://w3id.org/sco-rats/meeting/rats-council/40"), RATS.editionNumber
    curated = {(s, meeting, "40"): [(10, 30)], (s, RATS.location, "astana"): [(40, 50)]}
    drafted = {(s, meeting, "40"): [(25, 60)], (s, RATS.location, "astana"): [(0, 5)], (s, RATS.title, "x"): [(1, 2)]}
    result = SourceResult("t", "en", 0.1, 0.1)
    compare(drafted, curated, {s: {RATS.CouncilMeeting}}, result)
    assert vars(result.kinds["meeting"]) == vars(Score(curated=2, drafted=3, right=1, found=1))
    assert "| meeting | 2 | 3 | 1 | 33% | 50% |" in table([result])
