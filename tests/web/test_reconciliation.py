"""The reconciliation service as OpenRefine uses it (the routes of kg/web/reconciliation.py,
Reconciliation Service API v0.2): the manifest, batches by GET and POST, suggest, preview, JSONP."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest


SCHEMAS = json.loads((Path(__file__).resolve().parents[1] / "schemas" / "reconciliation-0.2.json").read_text())


def conforms(document, definition: str) -> None:
    """Validate ``document`` against one document type of the Reconciliation API 0.2 schemas."""
    jsonschema.validate(document, {**SCHEMAS, "$ref": f"#/definitions/{definition}"},
                        cls=jsonschema.Draft7Validator)


def check_candidate(candidate: dict) -> None:
    """What this service adds to the schema: every candidate says whether it matches, and its types."""
    assert isinstance(candidate["match"], bool) and all(set(t) == {"id", "name"} for t in candidate["type"])


@pytest.mark.parametrize("document, definition", [
    ({"q0": {"query": "x", "unknown": 1}}, "queryBatch"),
    ({"q0": {"type": "Person"}}, "queryBatch"),
    ({"q0": {"result": [{"id": "a", "name": "b"}]}}, "resultBatch"),
    ({"versions": ["0.1"], "name": "n", "identifierSpace": "i", "schemaSpace": "s"}, "manifest"),
    ({"result": [{"id": "Person"}]}, "suggestTypesResponse"),
])
def test_the_schemas_can_fail(document, definition):
    with pytest.raises(jsonschema.ValidationError):
        conforms(document, definition)


def test_manifest(client):
    manifest = client.get("/reconcile").get_json()
    conforms(manifest, "manifest")
    assert manifest["versions"] == ["0.1", "0.2"]
    assert manifest["identifierSpace"] == "https://w3id.org/sco-rats/"
    assert manifest["schemaSpace"] == "https://w3id.org/sco-rats/ontology#"
    assert "{{id}}" in manifest["view"]["url"] and "{{id}}" in manifest["preview"]["url"]
    assert {t["id"] for t in manifest["defaultTypes"]} == {"Person", "Organisation", "State", "City"}
    for kind in ("entity", "type", "property"):
        assert manifest["suggest"][kind]["service_path"] == f"/reconcile/suggest/{kind}"


# A spreadsheet column of names as the seeds spell them, and who they are.
SPREADSHEET = {
    "Ruslan Mirzaev": ("person/ruslan-mirzayev", True),
    "RUSLAN MIRZAYEV": ("person/ruslan-mirzayev", True),
    "Nurlan Yermekbayev": ("person/nurlan-yermekbayev", True),
    "Ermek Sagimbayev": ("person/ermek-sagimbayev", True),
    "Erlan Sagimbayev": ("person/ermek-sagimbayev", False),  # a flagged misspelling: never an automatic match
    "Vilayat Khorasan": ("org/islamic-state-khorasan", True),
    "Wilayat Khorasan": ("org/islamic-state-khorasan", True),
    "Kyrgyz Republic": ("state/kyrgyzstan", True),
    "Türkiye": ("state/turkey", True),
    "Rashid Alimov": ("person/rashid-alimov", True),
}


def test_batch_as_openrefine_sends_it(client):
    queries = {f"q{i}": {"query": name, "type": "", "type_strict": "should"} for i, name in enumerate(SPREADSHEET)}
    queries["q0"]["type"] = "Person"
    conforms(queries, "queryBatch")
    response = client.post("/reconcile", data={"queries": json.dumps(queries)})
    assert response.status_code == 200
    body = response.get_json()
    conforms(body, "resultBatch")
    assert set(body) == set(queries)
    for key, name in zip(queries, SPREADSHEET):
        expected_id, expected_match = SPREADSHEET[name]
        candidates = body[key]["result"]
        for candidate in candidates:
            check_candidate(candidate)
        assert [c["score"] for c in candidates] == sorted((c["score"] for c in candidates), reverse=True)
        assert candidates[0]["id"] == expected_id, name
        assert candidates[0]["match"] is expected_match, name


def test_get_batch_types_limits_and_properties(client):
    queries = {"a": {"query": "Astana", "type": "City", "limit": 1},
               "b": {"query": "Tashkent", "type": "Person"},
               "c": {"query": "Tashkent", "properties": [{"pid": "country", "v": "state/uzbekistan"}], "limit": 2}}
    conforms(queries, "queryBatch")
    body = client.get("/reconcile", query_string={"queries": json.dumps(queries)}).get_json()
    conforms(body, "resultBatch")
    assert [c["id"] for c in body["a"]["result"]] == ["city/astana"]
    assert body["b"]["result"] == []
    assert body["c"]["result"][0]["id"] == "city/tashkent" and len(body["c"]["result"]) == 2


def test_subclasses_count_as_their_types(client):
    body = client.get("/reconcile", query_string={"queries": json.dumps({"q": {"query": "Interpol", "type": "Organisation"}})})
    assert body.get_json()["q"]["result"][0]["id"] == "org/interpol"


@pytest.mark.parametrize("kind, prefix, expected", [("entity", "mirz", "person/ruslan-mirzayev"),
                                                     ("type", "pers", "Person"), ("property", "coun", "country")])
def test_suggest(client, kind, prefix, expected):
    body = client.get(f"/reconcile/suggest/{kind}", query_string={"prefix": prefix}).get_json()
    conforms(body, {"entity": "suggestEntitiesResponse", "type": "suggestTypesResponse",
                    "property": "suggestPropertiesResponse"}[kind])
    assert expected in [r["id"] for r in body["result"]]


def test_preview(client):
    response = client.get("/reconcile/preview", query_string={"id": "person/ermek-sagimbayev"})
    assert response.status_code == 200 and "Ermek Sagimbayev" in response.get_data(as_text=True)
    assert client.get("/reconcile/preview", query_string={"id": "person/nobody"}).status_code == 404


def test_jsonp_and_cors(client):
    response = client.get("/reconcile", query_string={"callback": "jQuery123_456"}, headers={"Origin": "http://localhost:3333"})
    assert response.mimetype == "application/javascript"
    assert response.get_data(as_text=True).startswith("/**/jQuery123_456({")
    assert response.headers["Access-Control-Allow-Origin"] in ("*", "http://localhost:3333")
    assert client.get("/reconcile", query_string={"callback": "alert(1)"}).status_code == 400


@pytest.mark.parametrize("queries, message", [("{not json", "not valid JSON"), ("[1, 2]", "object of query objects")])
def test_bad_batches(client, queries, message):
    response = client.post("/reconcile", data={"queries": queries})
    assert response.status_code == 400 and message in response.get_json()["error"]
