"""Requests that parse and cannot be carried out get a 400 that says why, never a 500 (found by the
W3C suites: ``DROP GRAPH`` of a graph that is not there was a 500, and a query with an unknown
function a 500 without query workers and a 400 with them)."""

from __future__ import annotations

import os

from server import create_app

# A remote store's server decides for itself: Oxigraph server answers these with a 500, which
# reaches the client as a 502 with the server's message.
REMOTE = bool(os.environ.get("KG_TEST_STORE"))


def test_an_update_that_cannot_be_carried_out_is_a_400_and_changes_nothing(writable_store):
    client = create_app(writable_store, {"TESTING": True, "API_TOKEN": "t"}).test_client()
    before = len(writable_store)
    response = client.post("/update", data="INSERT DATA { GRAPH <urn:example:g> { <urn:a> <urn:b> <urn:c> } } ; "
                                            "DROP GRAPH <urn:example:nothing-here>",
                           content_type="application/sparql-update", headers={"Authorization": "Bearer t"})
    # refused before anything is applied, from the parsed update (on a remote store too)
    assert response.status_code == 400
    assert "nothing was changed" in response.get_json()["error"]
    assert "urn:example:nothing-here" in response.get_json()["error"]
    assert len(writable_store) == before


def test_a_query_with_an_unknown_function_is_a_400_on_every_path(client):
    query = "SELECT * WHERE { BIND(<http://example/function>(1) AS ?x) }"
    for response in (client.get("/sparql", query_string={"query": query}),  # the fast front
                     client.post("/sparql", data={"query": query})):  # the Flask view
        assert response.status_code == (502 if REMOTE else 400)
        assert "not supported" in response.get_json()["error"]
