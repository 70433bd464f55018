"""Query answers and the fast front (kg/web/answers.py): ``QueryFront`` answers a GET without
entering Flask, as Flask would, through the same rate limit, log and answer cache."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from kg.store.workers import Answer
from kg.web.answers import QueryAnswers, answer_headers
from kg.web.cache import AnswerCache
from probe import QUERY, count

BASE = "https://w3id.org/sco-rats/"
ASK = "ASK { ?s a <https://w3id.org/sco-rats/ontology#CouncilMeeting> }"
SELECT = "SELECT ?m WHERE { ?m a <https://w3id.org/sco-rats/ontology#ScientificPracticalConference> }"




@pytest.mark.parametrize("query, accept", [
    (SELECT, "text/csv"), ("CONSTRUCT WHERE { ?s a ?o } LIMIT 3", "text/turtle"),
    ("SELECT * WHERE { ?s ?p }", "application/sparql-results+json"), (SELECT, "image/png"),
    ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "*/*"),
])
def test_the_front_answers_a_get_query_as_flask_does(client, query, accept):
    """Without an Origin, QueryFront answers GET /sparql itself; a browser's request (with an
    Origin, so CORS applies) goes through Flask. Both give the same status, type and body."""
    front = client.get("/sparql", query_string={"query": query, "default-graph-uri": BASE + "graph/reference"},
                       headers={"Accept": accept})
    flask = client.get("/sparql", query_string={"query": query, "default-graph-uri": BASE + "graph/reference"},
                       headers={"Accept": accept, "Origin": "https://yasgui.example"})
    assert "Access-Control-Allow-Origin" not in front.headers and "Access-Control-Allow-Origin" in flask.headers
    assert (front.status_code, front.content_type, front.data) == (flask.status_code, flask.content_type, flask.data)
    if front.status_code == 200:
        assert front.headers["Vary"] == "Accept" and front.headers["X-Cache"] in ("hit", "miss")
    else:
        assert front.get_json()["status"] == front.status_code


def test_the_front_logs_each_answer(client, caplog):
    with caplog.at_level("INFO", logger="kg.access"):
        client.get("/sparql", query_string={"query": ASK})
    line = json.loads(caplog.records[-1].getMessage())
    assert line["path"] == "/sparql" and line["status"] == 200 and line["bytes"] > 0


def test_the_front_gives_back_the_same_response_without_entering_flask(writable_client, monkeypatch):
    headers = {"Accept": "application/sparql-results+json", "Origin": "https://example.org"}
    first = writable_client.get("/sparql", query_string={"query": QUERY}, headers=headers)
    from kg.web import sparql

    def must_not_run(*args, **kwargs):
        raise AssertionError("a repeated request entered the view")

    monkeypatch.setattr(sparql, "answer", must_not_run)
    second = writable_client.get("/sparql", query_string={"query": QUERY}, headers=headers)
    assert second.data == first.data and second.headers["X-Cache"] == "hit"
    assert second.headers["Access-Control-Allow-Origin"] == first.headers["Access-Control-Allow-Origin"]
    assert {k: v for k, v in second.headers if k != "X-Cache"} == {k: v for k, v in first.headers if k != "X-Cache"}


def test_the_front_keys_on_accept_and_origin_and_forgets_on_write(writable_client):
    count(writable_client)
    assert count(writable_client)[1] == "hit"
    other = writable_client.get("/sparql", query_string={"query": QUERY},
                                headers={"Accept": "application/sparql-results+json", "Origin": "https://other.example"})
    assert other.headers["X-Cache"] == "hit"  # the answer cache has it; the front had not seen this Origin
    assert other.headers["Access-Control-Allow-Origin"] == "https://other.example"
    writable_client.post("/update", data="INSERT DATA { GRAPH <https://w3id.org/sco-rats/graph/probe> { <urn:y> a <https://w3id.org/sco-rats/ontology#Probe> } }",
                         headers={"Authorization": "Bearer secret", "Content-Type": "application/sparql-update"})
    assert count(writable_client) == ("1", "miss")


def test_the_front_still_applies_the_rate_limit(writable_store, tmp_path):
    from server import create_app

    app = create_app(writable_store, {"RATE_LIMIT": 2, "ACCEPTED_DIR": str(tmp_path / "accepted"), "TESTING": True})
    client = app.test_client()
    statuses = [client.get("/sparql", query_string={"query": QUERY}).status_code for _ in range(4)]
    assert statuses[:2] == [200, 200] and statuses[2:] == [429, 429]


def test_an_answer_is_evaluated_once_per_format_and_state_of_the_store(store):
    answers = QueryAnswers(store, AnswerCache(1_000_000), None, 1_000_000)
    json_formats = ("application/sparql-results+json", "text/turtle")
    first, hit = answers.get(ASK, {}, json_formats)
    assert not hit and first.mime == "application/sparql-results+json" and b"true" in first.body
    assert answers.get(ASK, {}, json_formats) == (first, True)
    xml, hit = answers.get(ASK, {}, ("application/sparql-results+xml", None))
    assert not hit and xml.mime == "application/sparql-results+xml"
    narrowed, hit = answers.get(ASK, {"default_graph": [ox.NamedNode(BASE + "graph/ontology")]}, json_formats)
    assert not hit and b"false" in narrowed.body  # the dataset is part of the key
    answers.cache.clear()  # a write
    assert answers.get(ASK, {}, json_formats)[1] is False


def test_the_headers_of_an_answer():
    assert answer_headers(Answer("text/csv", b""), True) == [("Content-Type", "text/csv; charset=utf-8"),
                                                             ("Vary", "Accept"), ("X-Cache", "hit")]
    assert answer_headers(Answer("application/sparql-results+json", b""), False)[0] == \
        ("Content-Type", "application/sparql-results+json")


def test_what_the_front_does_not_answer_goes_to_flask(client):
    post = client.post("/sparql", data={"query": ASK})
    assert post.status_code == 200 and post.headers["X-Cache"] == "miss"
    assert client.post("/sparql", data={"query": ASK}).headers["X-Cache"] == "hit"  # the answer cache, in Flask
    description = client.get("/sparql", headers={"Accept": "text/turtle"})  # no query: Flask's description
    assert description.mimetype == "text/turtle" and "X-Cache" not in description.headers


def test_the_front_reads_a_query_string_once_and_keeps_its_own_answer(writable_client, monkeypatch):
    """What a query string asks is checked once (the checks do not depend on the data), and the
    front keeps the whole response it gave, so a repeat is answered from it; a write forgets the
    response, never the check (a refused query stays refused)."""
    from kg.web import protocol

    checked = []
    query_request = protocol.query_request
    monkeypatch.setattr(protocol, "query_request", lambda *args: checked.append(args[0]) or query_request(*args))
    ask = {"query": ASK}
    first = writable_client.get("/sparql", query_string=ask)
    again = writable_client.get("/sparql", query_string=ask)
    assert (first.headers["X-Cache"], again.headers["X-Cache"]) == ("miss", "hit") and again.data == first.data
    service = {"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"}
    refusals = [writable_client.get("/sparql", query_string=service) for _ in range(2)]
    assert [r.status_code for r in refusals] == [403, 403] and "SERVICE" in refusals[1].get_json()["error"]
    assert len(checked) == 2, checked  # the ASK and the SERVICE query, once each
    writable_client.post("/update", data="INSERT DATA { GRAPH <urn:g> { <urn:s> a <https://w3id.org/sco-rats/ontology#CouncilMeeting> } }",
                         headers={"Authorization": "Bearer secret", "Content-Type": "application/sparql-update"})
    after = writable_client.get("/sparql", query_string=ask)
    assert after.headers["X-Cache"] == "miss" and len(checked) == 2


def test_the_access_log_can_skip_the_logging_machinery(client, capfd):
    """kg serve writes the access log's lines straight to its buffered handler: the same lines."""
    from kg.web.common import BufferedLogHandler, access_log_to

    handler = BufferedLogHandler()
    access_log_to(handler)
    try:
        client.get("/sparql", query_string={"query": ASK})
        handler.flush_buffer()
    finally:
        access_log_to(None)
    line = json.loads(capfd.readouterr().err.strip().splitlines()[-1])
    assert line["path"] == "/sparql" and line["status"] == 200 and line["bytes"] > 0
