"""The first-cut HTTP interface, through the Flask test client (no socket)."""

from __future__ import annotations

import csv
import io
import json

import pytest

BASE = "https://w3id.org/sco-rats/"
ASK = "ASK { ?s a <https://w3id.org/sco-rats/ontology#CouncilMeeting> }"
SELECT = "SELECT ?m WHERE { ?m a <https://w3id.org/sco-rats/ontology#ScientificPracticalConference> }"


def test_get_query_returns_sparql_json(client):
    response = client.get("/sparql", query_string={"query": SELECT})
    assert response.status_code == 200
    assert response.mimetype == "application/sparql-results+json"
    assert len(response.get_json()["results"]["bindings"]) >= 4
    assert "Accept" in response.headers["Vary"]


def test_post_form_and_direct_body(client):
    form = client.post("/sparql", data={"query": ASK})
    direct = client.post("/sparql", data=ASK, content_type="application/sparql-query")
    assert form.get_json() == direct.get_json() == {"head": {}, "boolean": True}


@pytest.mark.parametrize(
    "accept, mimetype",
    [
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("text/csv;q=0.5, application/sparql-results+json", "application/sparql-results+json"),
        ("*/*", "application/sparql-results+json"),
    ],
)
def test_content_negotiation(client, accept, mimetype):
    response = client.get("/sparql", query_string={"query": SELECT}, headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == mimetype


def test_construct_returns_turtle(client):
    response = client.get("/sparql", query_string={"query": "CONSTRUCT WHERE { ?s a ?o } LIMIT 3"},
                          headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.mimetype == "text/turtle"


@pytest.mark.parametrize(
    "request_kwargs, status, message",
    [
        ({"query_string": {"query": "SELECT * WHERE { ?s ?p }"}}, 400, "line 1, column"),
        ({"query_string": {}}, 400, "exactly one 'query'"),
        ({"query_string": [("query", ASK), ("query", ASK)]}, 400, "exactly one 'query'"),
        ({"query_string": {"query": SELECT}, "headers": {"Accept": "image/png"}}, 406, "cannot produce"),
    ],
)
def test_get_errors(client, request_kwargs, status, message):
    response = client.get("/sparql", **request_kwargs)
    assert response.status_code == status
    assert message in response.get_json()["error"]


def test_unsupported_body_type_is_415(client):
    response = client.post("/sparql", data="{}", content_type="application/json")
    assert response.status_code == 415


def test_method_not_allowed_is_405(client):
    assert client.put("/sparql").status_code == 405


def test_named_query_list(client):
    names = {q["name"] for q in client.get("/queries").get_json()}
    assert {"meetings", "participants", "people", "statistics", "memberships", "sources", "evidence"} <= names


def test_named_query_with_parameter_in_csv(client):
    response = client.get("/queries/participants", query_string={"meeting": BASE + "meeting/rats-council/40",
                                                                  "format": "csv"})
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len({r["participant"] for r in rows if "/state/" in r["participant"]}) == 11


def test_named_query_errors(client):
    assert client.get("/queries/nope").status_code == 404
    missing = client.get("/queries/evidence")
    assert missing.status_code == 400 and "subject" in missing.get_json()["error"]


def test_health(client):
    body = client.get("/health").get_json()
    assert body["ok"] is True and body["quads"] > 10000
