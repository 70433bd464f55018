"""Query worker processes (kg/store/workers.py): evaluating one query as a worker does (the format
chosen for its kind of result, relative IRIs against the service's base, the size limit enforced
while the answer is written), and the prefixes a query is given."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from kg.namespaces import BASE, PREFIXES
from kg.store.workers import NotAcceptable, ResultTooLarge, evaluate, prefixes_used

JSON = "application/sparql-results+json"


@pytest.fixture(scope="module")
def store():
    store = ox.Store()
    store.bulk_load(b"".join(b'<urn:s%d> <urn:p> "%d" .\n' % (i, i) for i in range(20_000)),
                    format=ox.RdfFormat.N_TRIPLES)
    return store


@pytest.mark.parametrize("query, results, graph", [
    ("SELECT * WHERE { ?s ?p ?o }", JSON, None),
    ("CONSTRUCT WHERE { ?s ?p ?o }", None, "text/turtle"),
    ("CONSTRUCT WHERE { ?s ?p ?o }", None, "application/n-quads"),
])
def test_an_answer_of_exactly_the_limit_passes_and_one_byte_less_is_refused(store, query, results, graph):
    full = evaluate(store, query, {}, results, graph, max_bytes=10**9)
    assert evaluate(store, query, {}, results, graph, max_bytes=len(full.body)).body == full.body
    with pytest.raises(ResultTooLarge, match=f"limit of {len(full.body) - 1:,} bytes"):
        evaluate(store, query, {}, results, graph, max_bytes=len(full.body) - 1)


def test_a_small_limit_stops_a_large_answer(store):
    with pytest.raises(ResultTooLarge) as refused:
        evaluate(store, "SELECT * WHERE { ?s ?p ?o }", {}, JSON, None, max_bytes=1_000)
    assert refused.value.status == 413 and "add a LIMIT" in str(refused.value)


def test_the_kind_of_result_picks_the_format(store):
    answer = evaluate(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", {}, JSON, "text/turtle", max_bytes=10**6)
    assert answer.mime == JSON and json.loads(answer.body)["results"]["bindings"][0]["n"]["value"] == "20000"
    with pytest.raises(NotAcceptable):
        evaluate(store, "CONSTRUCT WHERE { ?s ?p ?o }", {}, JSON, None, max_bytes=10**6)


def test_relative_iris_resolve_against_the_base(store):
    answer = evaluate(store, "SELECT ?x WHERE { BIND(<meeting/x> AS ?x) }", {}, JSON, None, max_bytes=10**6)
    assert json.loads(answer.body)["results"]["bindings"][0]["x"]["value"] == BASE + "meeting/x"


def test_a_query_is_given_only_the_prefixes_it_names():
    used = prefixes_used("SELECT ?m WHERE { ?m rdf:type rats:CouncilMeeting }")
    assert {"rdf", "rats"} <= set(used) and "owl" not in used and "wdt" not in used
    assert used["rats"] == PREFIXES["rats"]
