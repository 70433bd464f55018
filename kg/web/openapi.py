"""An OpenAPI 3 description of the HTTP API, generated from the named queries' headers."""

from __future__ import annotations

from collections.abc import Iterable

from kg.web.named_queries import RESULT_FORMATS, NamedQuery

_SCHEMA_TYPES = {"iri": {"type": "string", "format": "iri"}, "string": {"type": "string"},
                 "integer": {"type": "integer"}, "date": {"type": "string", "format": "date"}}
_ERROR = {"description": "Error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def openapi_document(queries: Iterable[NamedQuery], server_url: str) -> dict:
    """Describe the endpoint, each named query as its own operation, and the error shape."""
    results = {mime: {} for _, mime in RESULT_FORMATS.values()}
    paths: dict = {
        "/sparql": {
            "get": {
                "summary": "SPARQL 1.1 query (GET); without 'query', the service description",
                "parameters": [
                    {"name": "query", "in": "query", "schema": {"type": "string"}},
                    {"name": "default-graph-uri", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}},
                    {"name": "named-graph-uri", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}},
                ],
                "responses": {"200": {"description": "Query results", "content": results}, "400": _ERROR, "406": _ERROR},
            }
        }
    }
    for query in queries:
        parameters = [
            {"name": p.name, "in": "query", "required": p.required, "description": p.description,
             "schema": _SCHEMA_TYPES[p.type]}
            for p in query.params
        ]
        parameters.append({"name": "format", "in": "query", "required": False,
                           "schema": {"type": "string", "enum": sorted(RESULT_FORMATS)}})
        paths[f"/queries/{query.name}"] = {
            "get": {
                "operationId": query.name,
                "summary": query.summary,
                "description": query.description,
                "parameters": parameters,
                "responses": {"200": {"description": "SPARQL results", "content": results},
                              "400": _ERROR, "404": _ERROR},
            }
        }
    return {
        "openapi": "3.0.3",
        "info": {"title": "SCO RATS knowledge graph", "version": "0.1.0",
                 "description": "Named SPARQL queries over the SCO RATS knowledge graph."},
        "servers": [{"url": server_url.rstrip("/")}],
        "paths": paths,
        "components": {"schemas": {"Error": {
            "type": "object", "required": ["ok", "error", "status"],
            "properties": {"ok": {"type": "boolean"}, "error": {"type": "string"}, "status": {"type": "integer"},
                           "link": {"type": "string"}}}}},
    }
