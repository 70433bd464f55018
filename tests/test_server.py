"""The app factory (server.py): configuration, the store, the blueprints, the error handlers,
CORS and the request size limit, through the Flask test client (no socket). Each blueprint's
routes are tested in ``tests/web/test_<blueprint>.py``."""

from __future__ import annotations

import pytest

import server
from kg.store.remote import RemoteStore


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


def test_every_blueprint_is_registered_and_every_route_is_one_of_theirs(app):
    assert set(app.blueprints) == {module.blueprint.name for module in server.BLUEPRINTS}
    for rule in app.url_map.iter_rules():
        if rule.endpoint != "static":
            assert rule.endpoint.split(".")[0] in app.blueprints, rule.rule


def test_without_a_store_the_app_has_an_empty_one_in_memory(tmp_path):
    client = server.create_app(config={"TESTING": True, "ACCEPTED_DIR": str(tmp_path)}).test_client()
    assert client.get("/health").get_json() == {"ok": True, "quads": 0, "default_graph_triples": 0}


def test_the_configuration_takes_overrides(store, tmp_path):
    (tmp_path / "queries").mkdir()
    (tmp_path / "queries" / "only.rq").write_text("#+ summary: the only query\nASK {}\n")
    app = server.create_app(store, {"QUERIES_DIR": str(tmp_path / "queries"), "MAX_CONTENT_LENGTH": 100,
                                    "ACCEPTED_DIR": str(tmp_path / "accepted")})
    client = app.test_client()
    assert [q["name"] for q in client.get("/queries").get_json()] == ["only"]
    assert client.post("/sparql", data="ASK {}" + " " * 100, content_type="application/sparql-query").status_code == 413
    assert app.config["QUERY_TIMEOUT"] == 30.0 and app.config["API_TOKEN"] is None  # the defaults stay


def test_library_errors_and_http_errors_answer_in_the_one_json_shape(client):
    missing = client.get("/queries/evidence")  # a KGError (BadRequest) from the library
    assert missing.status_code == 400 and "subject" in missing.get_json()["error"]
    syntax = client.get("/sparql", query_string={"query": "SELECT"}, headers={"Origin": "https://example.org"})
    assert syntax.get_json()["link"] == "https://www.w3.org/TR/sparql11-query/"  # a QueryError's link
    unauthorised = server.create_app(client.application.extensions["kg"]["store"],
                                     {"TESTING": True, "API_TOKEN": "t"}).test_client().post("/update", data={"update": "x"})
    assert unauthorised.status_code == 401 and unauthorised.headers["WWW-Authenticate"] == 'Bearer realm="sco-rats-kg"'
    assert unauthorised.get_json() == {"ok": False, "error": "send Authorization: Bearer <token> to write", "status": 401}


def test_a_remote_store_gets_the_query_timeout_and_no_query_workers(tmp_path):
    remote = RemoteStore("http://127.0.0.1:9/query")  # nothing is sent until the store is used
    app = server.create_app(remote, {"QUERY_WORKERS": 2, "QUERY_TIMEOUT": 7, "ACCEPTED_DIR": str(tmp_path)})
    assert remote.timeout == 7.0 and "executor" not in app.extensions["kg"]
    assert app.extensions["kg"]["store"] is remote


def test_writes_are_not_open_to_other_origins(client):
    preflight = client.options("/update", headers={"Origin": "https://yasgui.example",
                                                   "Access-Control-Request-Method": "POST"})
    assert "Access-Control-Allow-Origin" not in preflight.headers
    assert "Access-Control-Allow-Origin" not in client.options("/sources", headers={
        "Origin": "https://yasgui.example", "Access-Control-Request-Method": "POST"}).headers
