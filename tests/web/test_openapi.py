"""The OpenAPI document (kg/web/openapi.py): generated from the named queries' headers."""

from __future__ import annotations


def test_openapi_is_generated_from_the_query_headers(client):
    doc = client.get("/openapi.json").get_json()
    evidence = doc["paths"]["/queries/evidence"]["get"]
    assert evidence["parameters"][0] == {"name": "subject", "in": "query", "required": True,
                                         "description": evidence["parameters"][0]["description"],
                                         "schema": {"type": "string", "format": "iri"}}
