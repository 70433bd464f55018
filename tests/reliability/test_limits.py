"""Items 11 and 12: bounded work in the server, and input that cannot crash it.

11. A 629-byte ``/validate`` with YAML aliases in ``each:`` took 10.7 s and 1.26 GB; a 172 KB
    quote stalled the server 15 s; a 4 MB mapping with 60,000 entities took 25 s. Each is now
    refused before the engine runs, in well under a second.
12. An authenticated ``/update`` with 10,000 nested ``{`` overflowed the parser's stack and
    took Granian down; nested queries of 10k-100k levels crashed query workers. Nesting is
    refused before any parser runs, and a worker process that dies is started again.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import time
from pathlib import Path

import pytest

AUTH = {"Authorization": "Bearer reliability-token"}  # the token of the writer fixture (conftest)
CASE = Path(__file__).resolve().parents[1] / "cases" / "sources" / "agreeing-source"


def _validate(client, mapping: str, text: str | None = None, source_id: str = "limits-case"):
    body = {"id": source_id, "mapping": mapping, "text": text if text is not None else (CASE / "text.txt").read_text()}
    started = time.perf_counter()
    response = client.post("/validate", json=body)
    return response, time.perf_counter() - started


def _alias_bomb(levels: int = 6) -> str:
    lines = ["anchors:", "  - &l0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"  - &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, levels)]
    return "\n".join(lines) + ("\nsource: {language: en}\nfacts:\n  - subject: meeting/rats-conference/5\n"
                               f"    quote: The 5th conference\n    each: *l{levels - 1}\n    editionNumber: \"{{each}}\"\n")


@pytest.mark.parametrize("mapping, message", [
    (_alias_bomb(), "aliases"),
    ("source: {language: en}\nfacts: " + "[" * 5000 + "]" * 5000, "nested more than"),
    ("source:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 200)), "indented more than"),
    ("# padding\n" * 30_000, "characters; at most"),
    ("source: {language: en}\nentities:\n" + "".join(f"  person/p{i}: {{a: Person, label: P{i}}}\n" for i in range(1500)),
     "entities; at most"),
    ("source: {language: en}\nfacts:\n  - subject: meeting/rats-conference/5\n    quote: \"" + "word " * 600 + "\"\n"
     "    editionNumber: \"5\"\n", "quote of"),
    ("source: {language: en}\nfacts:\n  - subject: meeting/rats-conference/{each}\n    quote: The 5th conference\n"
     "    each: [" + ", ".join(str(i) for i in range(200)) + "]\n    editionNumber: [" + ", ".join("x" * 200) + "]\n",
     "facts"),
    ("{" + "\"a\": " * 3 + "x}", None),  # malformed, and refused as such
])
def test_mappings_are_bounded_before_the_engine_runs(client, mapping, message):
    response, seconds = _validate(client, mapping)
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    if message:
        assert message in response.get_json()["error"]
    assert seconds < 10, f"{seconds:.1f} s"  # the issue measured 10.7 s and 25 s; about 0.5 s on a quiet machine


def test_quotes_in_a_long_repetitive_text_are_bounded(client):
    text = "a " * 99_000
    mapping = ("source: {language: en}\nfacts:\n" + "".join(
        f"  - subject: meeting/rats-conference/5\n    quote: \"{'a ' * 100}b{i}\"\n    editionNumber: \"5\"\n"
        for i in range(5)))
    response, seconds = _validate(client, mapping, text)
    assert response.status_code == 400 and "more than one request may search" in response.get_json()["error"]
    assert seconds < 3


@pytest.mark.parametrize("depth", [100, 10_000, 100_000])
@pytest.mark.parametrize("bracket", ["{", "(", "["])
def test_deep_queries_are_refused_before_parsing(client, depth, bracket):
    closing = {"{": "}", "(": ")", "[": "]"}[bracket]
    query = "SELECT * WHERE " + bracket * depth + closing * depth
    response = client.post("/sparql", data=query, content_type="application/sparql-query")
    assert response.status_code == 400 and "levels deep" in response.get_json()["error"]


def test_deep_updates_and_bodies_are_refused(writer):
    update = "INSERT DATA { GRAPH <urn:g> " + "{" * 10_000 + "}" * 10_000 + " }"
    response = writer.post("/update", data=update, content_type="application/sparql-update", headers=AUTH)
    assert response.status_code == 400 and "levels deep" in response.get_json()["error"]
    for body, content_type in ((b"[" * 100_000, "application/json"), (b"[" * 100_000, "application/ld+json"),
                               (b"<urn:a> <urn:b> " + b"(" * 50_000, "text/turtle")):
        response = writer.post("/validate", data=body, content_type=content_type)
        assert response.status_code == 400 and "levels deep" in response.get_json()["error"], body[:20]


def test_strings_and_comments_do_not_count_as_nesting(client):
    query = 'SELECT * WHERE { ?s ?p "' + "{" * 500 + '" } # ' + "{" * 500
    assert client.post("/sparql", data=query, content_type="application/sparql-query").status_code == 200


# ---------------------------------------------------------------- live: crashes


def _status(port: int, method: str, path: str, body: bytes = b"", headers: dict | None = None) -> int:
    head = f"{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {len(body)}\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
    with socket.create_connection(("127.0.0.1", port), timeout=60) as connection:
        connection.sendall(head.encode() + b"\r\n" + body)
        answer = connection.recv(64)
    return int(answer.split()[1]) if answer else 0


@pytest.mark.live
def test_live_deep_input_leaves_the_server_answering(live):
    deep_update = b"INSERT DATA { GRAPH <urn:g> " + b"{" * 10_000 + b" }"
    for _ in range(5):
        assert _status(live.port, "POST", "/update", deep_update,
                       {"Content-Type": "application/sparql-update", **AUTH}) == 400
    for depth in (10_000, 100_000):
        query = b"SELECT * WHERE " + b"{" * depth + b"}" * depth
        assert _status(live.port, "POST", "/sparql", query, {"Content-Type": "application/sparql-query"}) == 400
    bomb = json.dumps({"id": "limits-case", "mapping": _alias_bomb(), "text": "The 5th conference"}).encode()
    started = time.perf_counter()
    assert _status(live.port, "POST", "/validate", bomb, {"Content-Type": "application/json"}) == 400
    assert time.perf_counter() - started < 3
    assert _status(live.port, "GET", "/sparql?query=ASK%7B%7D") == 200


@pytest.mark.live
def test_live_a_dead_worker_process_is_started_again(live):
    """kill -9 of Granian's worker (the app's process): Granian starts another, which answers."""
    workers = [int(p) for p in Path(f"/proc/{live.process.pid}/task/{live.process.pid}/children").read_text().split()]
    assert workers
    for pid in workers:
        os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if _status(live.port, "GET", "/sparql?query=ASK%7B%7D") == 200:
                break
        except OSError:
            pass
        time.sleep(0.2)
    else:
        pytest.fail("no worker answered within 60 s of the kill")
    assert live.process.poll() is None
    print(f"\nanswering again {60 - (deadline - time.monotonic()):.1f} s after kill -9 of the worker")


# ---------------------------------------------------------------- 11: updates have a time limit

SLOW_UPDATE = "INSERT { GRAPH <urn:slow> { ?a <urn:p> ?f } } WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture
def disk_writer(built, tmp_path):
    """The app over a store on disk (an update is tried on its checkpoint), with a 2 s limit."""
    from kg.store.embedded import load_graphs, open_store
    from server import create_app

    store = open_store(tmp_path / "store")
    load_graphs(store, built.dataset.graphs())
    app = create_app(store, {"TESTING": True, "API_TOKEN": "reliability-token", "QUERY_TIMEOUT": 2,
                             "ACCEPTED_DIR": str(tmp_path / "accepted")})
    return app.test_client()


def test_an_update_past_the_time_limit_is_stopped_and_changes_nothing(disk_writer):
    started = time.perf_counter()
    response = disk_writer.post("/update", data=SLOW_UPDATE, content_type="application/sparql-update", headers=AUTH)
    seconds = time.perf_counter() - started
    assert response.status_code == 503 and "nothing was changed" in response.get_json()["error"]
    assert seconds < 10, f"{seconds:.1f} s"
    ask = {"query": "ASK { GRAPH <urn:slow> { ?s ?p ?o } }"}
    assert disk_writer.get("/sparql", query_string=ask).get_json()["boolean"] is False
    update = "INSERT DATA { GRAPH <urn:quick> { <urn:a> <urn:b> <urn:c> } }"
    assert disk_writer.post("/update", data=update, content_type="application/sparql-update",
                            headers=AUTH).status_code == 204
    print(f"\nslow update stopped after {seconds:.1f} s (limit 2 s)")
