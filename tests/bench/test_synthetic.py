"""Generated sources shaped like the real ones (kg/bench/synthetic.py): the same seed gives the same
graph, about one source in ``plant_every`` contradicts an earlier one, and each source is mapped
by the real engine, with its evidence."""

from __future__ import annotations

from rdflib import RDF, Literal, URIRef

from kg.bench.synthetic import plans, source
from kg.namespaces import AUTHORITY_GRAPH, RATS

BASE = "https://w3id.org/sco-rats/"


def test_a_seed_always_gives_the_same_plans_and_another_seed_others():
    assert list(plans(30, seed=7)) == list(plans(30, seed=7))
    assert list(plans(30, seed=7)) != list(plans(30, seed=8))
    assert [p.index for p in plans(5)] == [0, 1, 2, 3, 4]


def test_contradictions_are_planted_every_so_often_once_each_edition_exists():
    planned = list(plans(40, seed=1, editions=4, plant_every=5))
    planted = [(p.index, p.planted) for p in planned if p.planted]
    assert planted == [(i, "date" if i % 2 else "role") for i in range(4, 40) if i % 5 == 4]
    first = {p.edition: p for p in planned if p.index < 4}
    for plan in planned:
        if plan.planted == "date":
            assert plan.start_day == first[plan.edition].start_day + 1  # another start for the same edition
        elif plan.planted == "role":
            assert plan.observers == (plan.members[0],)  # a member also an observer
        else:
            assert plan.start_day == first[plan.edition].start_day and plan.observers == ("mongolia",)


def test_a_source_is_mapped_by_the_engine_with_its_evidence(built, vocabulary):
    known = set(built.dataset.graph(AUTHORITY_GRAPH).subjects())
    plan = next(plans(1, seed=3))
    candidate = source(plan, vocabulary=vocabulary, known=known, prefix="test")
    meeting = URIRef(BASE + f"meeting/synthetic-conference/{plan.edition}")
    stated = candidate.stated
    assert str(stated.identifier) == BASE + "graph/source/test-0000000"
    assert (meeting, RATS.editionNumber, Literal(plan.edition)) in stated
    assert (meeting, RATS.location, URIRef(BASE + "city/tashkent")) in stated
    participations = {str(p).rsplit("/", 1)[1] for p in stated.subjects(RDF.type, RATS.Participation)}
    assert participations == set(plan.members) | set(plan.observers)
    assert len(set(stated.subjects(RDF.type, RATS.Evidence))) >= 4
    assert (URIRef(BASE + "series/synthetic-conference"), None, None) in candidate.reference
