"""The OpenAPI document (kg/web/openapi.py): generated from the named queries' headers."""

from __future__ import annotations

from kg.web.named_queries import load_queries
from kg.web.openapi import openapi_document


def test_openapi_is_generated_from_the_query_headers(client):
    doc = client.get("/openapi.json").get_json()
    evidence = doc["paths"]["/queries/evidence"]["get"]
    assert evidence["parameters"][0] == {"name": "subject", "in": "query", "required": True,
                                         "description": evidence["parameters"][0]["description"],
                                         "schema": {"type": "string", "format": "iri"}}


def test_each_named_query_is_an_operation_with_its_parameters(tmp_path):
    (tmp_path / "by-city.rq").write_text("#+ summary: meetings in a city\n#+ description: every meeting held there\n"
                                         "#+ params:\n#+   - name: city\n#+     type: iri\n#+     required: true\n"
                                         "#+     description: the city\n"
                                         "SELECT ?meeting ?city WHERE { ?meeting <urn:location> ?city }\n")
    queries = load_queries(tmp_path)
    doc = openapi_document(queries.values(), "http://localhost/")
    assert doc["openapi"].startswith("3.") and doc["servers"] == [{"url": "http://localhost"}]
    assert set(doc["paths"]) == {"/sparql", "/queries/by-city"}
    operation = doc["paths"]["/queries/by-city"]["get"]
    assert (operation["operationId"], operation["summary"], operation["description"]) == \
        ("by-city", "meetings in a city", "every meeting held there")
    city, fmt = operation["parameters"]
    assert city == {"name": "city", "in": "query", "required": True, "description": "the city",
                    "schema": {"type": "string", "format": "iri"}}
    assert fmt["name"] == "format" and "csv" in fmt["schema"]["enum"]
    assert set(operation["responses"]) == {"200", "400", "404"}
    assert doc["components"]["schemas"]["Error"]["required"] == ["ok", "error", "status"]
