"""Query workers: a runaway query is stopped at its limit and its process ended, while others answer."""

from __future__ import annotations

import gc
import os
import signal
import threading
import time
from pathlib import Path

import pytest

from kg.store.executor import QueryExecutor, prefixes_used
from kg.namespaces import PREFIXES
from kg.store.embedded import load_graphs, open_store
from server import create_app

EXPLOSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
SIMPLE = "ASK { ?s a <https://w3id.org/sco-rats/ontology#CouncilMeeting> }"


@pytest.fixture(scope="module")
def app(built, tmp_path_factory):
    directory = tmp_path_factory.mktemp("executor")
    store = open_store(directory / "store")
    load_graphs(store, built.dataset.graphs())
    # No answer cache: every query here must reach a worker.
    app = create_app(store, {"QUERY_WORKERS": 2, "QUERY_TIMEOUT": 3, "MAX_RESULT_BYTES": 200_000,
                               "QUERY_CACHE_BYTES": 0, "API_TOKEN": "t", "ACCEPTED_DIR": str(directory / "accepted")})
    yield app
    app.extensions["kg"]["executor"].close()


def test_queries_run_in_workers(app):
    response = app.test_client().get("/sparql", query_string={"query": SIMPLE})
    assert response.status_code == 200 and response.get_json()["boolean"] is True


def test_runaway_query_is_stopped_while_another_answers(app):
    executor = app.extensions["kg"]["executor"]
    pids_before = set(executor.worker_pids())
    outcome = {}

    def runaway():
        started = time.monotonic()
        outcome["response"] = app.test_client().get("/sparql", query_string={"query": EXPLOSIVE})
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.5)  # let the runaway query take a worker
    simple = app.test_client().get("/sparql", query_string={"query": SIMPLE})
    assert simple.status_code == 200 and "response" not in outcome, "the simple query had to wait for the runaway one"
    thread.join(timeout=30)
    response = outcome["response"]
    assert response.status_code == 503 and "limit of 3 s" in response.get_json()["error"]
    assert outcome["seconds"] < 10
    pids_after = set(executor.worker_pids())
    killed = pids_before - pids_after
    assert len(killed) == 1 and len(pids_after) == 2
    for pid in killed:  # the runaway process is gone, not left spinning
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_result_size_limit(app):
    response = app.test_client().get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert response.status_code == 413 and "limit of 200,000" in response.get_json()["error"]


def test_errors_come_back_from_workers(app):
    response = app.test_client().get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p }"})
    assert response.status_code == 400 and "line 1" in response.get_json()["error"]


def test_workers_see_writes(app):
    client = app.test_client()
    ask = {"query": "ASK { GRAPH <urn:new> { ?s ?p ?o } }"}
    assert client.get("/sparql", query_string=ask).get_json()["boolean"] is False
    update = client.post("/update", data={"update": "INSERT DATA { GRAPH <urn:new> { <urn:a> <urn:b> <urn:c> } }"},
                         headers={"Authorization": "Bearer t"})
    assert update.status_code == 204
    assert client.get("/sparql", query_string=ask).get_json()["boolean"] is True


def test_named_queries_run_in_workers(app):
    response = app.test_client().get("/queries/evidence", query_string={
        "subject": "https://w3id.org/sco-rats/meeting/rats-council/40", "format": "csv"})
    assert response.status_code == 200 and "presidency of Kazakhstan" in response.get_data(as_text=True)


def test_workers_over_an_in_memory_store(built):
    """An in-memory store has no checkpoint: the workers read a copy of it on disk."""
    store = open_store(None)
    load_graphs(store, built.dataset.graphs())
    app = create_app(store, {"QUERY_WORKERS": 1})
    try:
        response = app.test_client().get("/sparql", query_string={"query": SIMPLE})
        assert response.status_code == 200 and response.get_json()["boolean"] is True
    finally:
        app.extensions["kg"]["executor"].close()


def test_a_worker_killed_from_outside_is_replaced(app):
    """An idle worker that died (out of memory, a stray kill) costs no query; one that dies running
    a query is reported as such, not as the query's fault, and the next query is answered."""
    executor = app.extensions["kg"]["executor"]
    client = app.test_client()
    for pid in executor.worker_pids():
        os.kill(pid, signal.SIGKILL)
    time.sleep(0.5)
    for _ in range(2):  # each goes to a dead worker, which is replaced before the query is sent
        response = client.get("/sparql", query_string={"query": SIMPLE})
        assert response.status_code == 200 and response.get_json()["boolean"] is True
    assert len(set(executor.worker_pids())) == 2

    outcome = {}
    thread = threading.Thread(target=lambda: outcome.update(
        response=client.get("/sparql", query_string={"query": EXPLOSIVE})))
    thread.start()
    time.sleep(0.5)  # the explosive query is running in one of the workers: the one using CPU
    before = {pid: _cpu_seconds(pid) for pid in executor.worker_pids()}
    time.sleep(0.3)
    busy = max(before, key=lambda pid: _cpu_seconds(pid) - before[pid])
    os.kill(busy, signal.SIGKILL)
    thread.join(timeout=30)
    response = outcome["response"]
    assert response.status_code == 500 and "ended before it answered" in response.get_json()["error"]
    assert client.get("/sparql", query_string={"query": SIMPLE}).status_code == 200


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_a_query_is_given_only_the_prefixes_it_names():
    used = prefixes_used("SELECT ?m WHERE { ?m rdf:type rats:CouncilMeeting }")
    assert {"rdf", "rats"} <= set(used) and "owl" not in used and "wdt" not in used
    assert used["rats"] == PREFIXES["rats"]


def test_snapshots_and_workers_go_with_the_executor(built, tmp_path):
    """A snapshot left behind would keep the store's old files on disk (hard links)."""
    store = open_store(None)
    load_graphs(store, built.dataset.graphs())
    executor = QueryExecutor(store, workers=1, snapshots_in=tmp_path)
    pids = executor.worker_pids()
    assert [p.name for p in tmp_path.glob("kg-snapshots-*/*")] == ["snapshot-0"]
    executor.close()
    assert list(tmp_path.iterdir()) == []
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    forgotten = QueryExecutor(store, workers=1, snapshots_in=tmp_path)
    del forgotten  # never closed: collected
    gc.collect()
    assert list(tmp_path.iterdir()) == []
