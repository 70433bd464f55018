"""The app factory (server.py): configuration, the store, the blueprints, the error handlers,
CORS and the request size limit, through the Flask test client (no socket). Each blueprint's
routes are tested in ``tests/web/test_<blueprint>.py``."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "path, status",
    [("/sparql?query=SELECT", 400), ("/queries/nope", 404), ("/no/such/page", 404), ("/queries/evidence", 400)],
)
def test_error_shape(client, path, status):
    response = client.get(path)
    body = response.get_json()
    assert response.status_code == status
    assert set(body) - {"link"} == {"ok", "error", "status"}
    assert body["ok"] is False and body["status"] == status and body["error"]


def test_cors_on_reads(client):
    response = client.get("/sparql", query_string={"query": "ASK {}"}, headers={"Origin": "https://yasgui.example"})
    assert response.headers["Access-Control-Allow-Origin"] in ("*", "https://yasgui.example")
    preflight = client.options("/sparql", headers={"Origin": "https://yasgui.example", "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 200 and "POST" in preflight.headers["Access-Control-Allow-Methods"]


def test_request_body_limit(client):
    response = client.post("/sparql", data="ASK {} " + " " * (6 * 1024 * 1024), content_type="application/sparql-query")
    assert response.status_code == 413 and response.get_json()["ok"] is False
