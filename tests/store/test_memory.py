"""The in-memory copy the query workers are forked from, and the writes that reach it
(kg/store/memory.py): a write is made on disk, then in the copy; a worker forked afterwards
sees it; a write the copy cannot repeat makes it fail, and the store on disk still has it."""

from __future__ import annotations

import multiprocessing

import pyoxigraph as ox
import pytest

from kg.store.memory import CopyFailed, MemoryCopy, Mirrored
from kg.store.workers import ForkedWorker, receive_message, send_message

G = ox.NamedNode("urn:g")
JSON = "application/sparql-results+json"


def quad(s: str, o: str = "urn:o") -> ox.Quad:
    return ox.Quad(ox.NamedNode(s), ox.NamedNode("urn:p"), ox.NamedNode(o), G)


def test_without_a_copy_writes_and_reads_go_to_the_store():
    store = ox.Store()
    mirrored = Mirrored(store)
    mirrored.extend(quad(f"urn:s{i}") for i in range(3))  # an iterator: read once, kept as a list
    mirrored.add(quad("urn:t"))
    assert len(mirrored) == len(store) == 4 and quad("urn:t") in mirrored
    assert {q.subject.value for q in mirrored} == {"urn:s0", "urn:s1", "urn:s2", "urn:t"}
    assert [r["n"].value for r in mirrored.query("SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }")] == ["4"]


@pytest.fixture
def copy(tmp_path):
    store = ox.Store(str(tmp_path / "store"))
    store.extend([quad("urn:a"), quad("urn:b")])
    store.flush()
    store.backup(str(tmp_path / "snapshot"))
    failures = []
    context = multiprocessing.get_context("spawn")
    copy = MemoryCopy(context, tmp_path / "snapshot")
    mirrored = Mirrored(store, copy, on_copy_failed=failures.append)
    assert copy.settled.wait(60), "the copy did not load"
    yield store, mirrored, copy, failures, context
    copy.close()


def ask(worker: ForkedWorker, query: str) -> str:
    send_message(worker.connection, (None, query, {}, JSON, None, 1_000_000, None))
    kind, answer = receive_message(worker.connection)
    assert kind == "ok", answer
    return answer.body.decode()


def test_the_copy_loads_the_checkpoint_and_removes_it(copy, tmp_path):
    _, _, memory, _, _ = copy
    assert memory.ready and memory.failed is None and memory.quads == 2 and memory.generation == 0
    assert not (tmp_path / "snapshot").exists()


def test_a_write_reaches_the_copy_and_a_new_fork_sees_it(copy):
    store, mirrored, memory, failures, context = copy
    mirrored.extend(quad(f"urn:new{i}") for i in range(3))
    mirrored.remove(quad("urn:a"))
    assert len(store) == 4 and memory.generation == 2 and failures == []
    worker = ForkedWorker(memory, context)
    try:
        assert '"value":"4"' in ask(worker, "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }").replace(" ", "")
        assert worker.generation == 2
    finally:
        worker.kill()


def test_a_write_the_copy_cannot_repeat_fails_the_copy_and_stays_on_disk(copy):
    store, mirrored, memory, failures, context = copy
    mirrored.update("INSERT { GRAPH <urn:g> { <urn:x> <urn:at> ?t } } WHERE { BIND(NOW() AS ?t) }")
    assert len(store) == 3, "the store on disk has the write"
    assert failures == ["an update whose result differs from one evaluation to the next"]
    assert memory.failed == failures[0]
    with pytest.raises(CopyFailed):
        memory.apply("add", (quad("urn:y"),), {})
