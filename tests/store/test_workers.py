"""Query worker processes (kg/store/workers.py): evaluating one query as a worker does (the format
chosen for its kind of result, relative IRIs against the service's base, the size limit enforced
while the answer is written), the prefixes a query is given, the plain messages that cross to a
worker and the loop it serves queries in."""

from __future__ import annotations

import json
import multiprocessing
import pickle

import pyoxigraph as ox
import pytest

from kg.errors import QueryError
from kg.namespaces import BASE, PREFIXES
from kg.store import sandbox
from kg.store.workers import (Answer, NotAcceptable, ResultTooLarge, _dataset_args, _term, evaluate, plain_dataset,
                              plain_terms, prefixes_used, receive_message, send_message, serve_queries)

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


@pytest.fixture
def small():
    store = ox.Store()
    store.extend(ox.Quad(ox.NamedNode(BASE + f"s{i}"), ox.NamedNode(BASE + "p"), ox.Literal(str(i)),
                         ox.NamedNode(BASE + "graph/g")) for i in range(3))
    return store


def test_solutions_and_graphs_are_written_in_the_format_asked(small):
    select = evaluate(small, "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }", {}, "text/csv", None, 10_000)
    assert select == Answer("text/csv", b"n\r\n3\r\n")
    graph = evaluate(small, "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }", {}, None,
                     "application/n-triples", 10_000)
    assert graph.mime == "application/n-triples" and len(graph.body.splitlines()) == 3
    quads = evaluate(small, "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }", {}, None, "application/n-quads",
                     10_000)
    assert all(line.endswith(b" .") and line.count(b"<") == 2 for line in quads.body.splitlines())  # no graph name


def test_relative_iris_resolve_against_the_base_and_prefixes_are_known(small):
    answer = evaluate(small, "ASK { GRAPH <graph/g> { <s1> rdf:type* ?x } }", {}, JSON, None, 10_000)
    assert b"true" in answer.body


def test_a_result_of_the_wrong_kind_or_too_large_or_broken_is_refused(small):
    with pytest.raises(NotAcceptable, match="returns a graph"):
        evaluate(small, "CONSTRUCT WHERE { ?s ?p ?o }", {}, JSON, None, 10_000)
    with pytest.raises(NotAcceptable, match="returns solutions"):
        evaluate(small, "SELECT * { ?s ?p ?o }", {}, None, "text/turtle", 10_000)
    with pytest.raises(ResultTooLarge, match="over this endpoint's limit of 10"):
        evaluate(small, "SELECT * { GRAPH ?g { ?s ?p ?o } }", {}, JSON, None, 10)
    with pytest.raises(QueryError, match="line 1, column"):
        evaluate(small, "SELECT * { ?s ?p }", {}, JSON, None, 10_000)


def test_terms_and_datasets_cross_to_a_worker_as_plain_data():
    terms = {ox.Variable("a"): ox.NamedNode("urn:a"), ox.Variable("b"): ox.Literal("x", language="kk"),
             ox.Variable("c"): ox.Literal("3", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))}
    plain = plain_terms(terms)
    assert pickle.loads(pickle.dumps(plain)) == plain and all(isinstance(v, tuple) for v in plain.values())
    assert {ox.Variable(k): _term(v) for k, v in plain.items()} == terms
    dataset = {"default_graph": [ox.NamedNode("urn:g")], "named_graphs": [ox.NamedNode("urn:h")]}
    assert _dataset_args(plain_dataset(dataset)) == dataset


def _forked_worker(ours, theirs, store):
    ours.close()  # the child's copy of the parent's end: the parent's close must reach the worker as EOF
    serve_queries(theirs, store)


def test_a_worker_answers_over_its_connection_until_it_closes(small, monkeypatch):
    # Forked with its store, as kg serve forks its workers: in a thread of this process, pyoxigraph's
    # results (unsendable between threads) could be collected on the wrong thread.
    monkeypatch.delenv(sandbox.NO_NETWORK, raising=False)
    ours, theirs = multiprocessing.Pipe()
    worker = multiprocessing.get_context("fork").Process(target=_forked_worker, args=(ours, theirs, small))
    worker.start()
    theirs.close()
    send_message(ours, (None, "SELECT ?o { GRAPH ?g { ?s ?p ?o } } ORDER BY ?o LIMIT 1", {}, "text/csv", None, 10_000, {}))
    assert receive_message(ours) == ("ok", Answer("text/csv", b"o\r\n0\r\n"))
    send_message(ours, (None, "SELECT * { ?s ?p }", {}, JSON, None, 10_000, {}))
    kind, name, status, message = receive_message(ours)
    assert (kind, name, status) == ("error", "QueryError", 400) and "syntax error" in message
    ours.close()
    worker.join(5)
    assert worker.exitcode == 0


def test_memory_figures_are_read_from_smaps_rollup_and_empty_for_a_process_that_is_gone():
    import os
    import subprocess
    import sys

    from kg.store.workers import memory_kb

    own = memory_kb(os.getpid())
    assert own["Rss"] >= own["Pss"] > 0 and own["Private_Dirty"] > 0
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    assert memory_kb(gone.pid) == {}
