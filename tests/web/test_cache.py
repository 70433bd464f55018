"""The answer cache: an identical request is served from memory, and any write empties it."""

from __future__ import annotations


from kg.web.cache import AnswerCache
from probe import QUERY, count
from kg.store.executor import Answer





def test_repeated_query_is_a_hit_and_a_write_invalidates_it(writable_client):
    assert count(writable_client) == ("0", "miss")
    assert count(writable_client) == ("0", "hit")
    response = writable_client.post("/update", data="INSERT DATA { GRAPH <https://w3id.org/sco-rats/graph/probe> { <urn:x> a <https://w3id.org/sco-rats/ontology#Probe> } }",
                                    headers={"Authorization": "Bearer secret", "Content-Type": "application/sparql-update"})
    assert response.status_code == 204
    assert count(writable_client) == ("1", "miss")  # never the stale "0"
    assert count(writable_client) == ("1", "hit")


def test_formats_and_parameters_are_part_of_the_key(writable_client):
    count(writable_client)
    response = writable_client.get("/sparql", query_string={"query": QUERY}, headers={"Accept": "text/csv"})
    assert response.headers["X-Cache"] == "miss" and response.mimetype == "text/csv"


def test_an_answer_computed_across_a_write_is_not_kept():
    cache = AnswerCache(1000)

    def compute_during_a_write():
        cache.clear()  # a write lands while the query runs
        return Answer("text/plain", b"old")

    assert cache.get_or_compute(("q",), compute_during_a_write) == (Answer("text/plain", b"old"), False)
    assert len(cache) == 0


def test_byte_budget_and_off_switch():
    cache = AnswerCache(500)
    for index in range(5):
        cache.get_or_compute((index,), lambda: Answer("text/plain", b"x" * 100))
    assert 0 < len(cache) < 5  # the least recently used were dropped
    off = AnswerCache(0)
    off.get_or_compute(("q",), lambda: Answer("text/plain", b"x"))
    assert off.get_or_compute(("q",), lambda: Answer("text/plain", b"y"))[0].body == b"y"
