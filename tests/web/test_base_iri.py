"""Relative IRIs resolve against the service's base IRI (the dataset's namespace) on every path.

The SPARQL 1.1 Protocol asks a service to define its base IRI; these queries were refused with
400 "SPARQL syntax error" before (issue 22, defect 1).
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Graph

from kg.namespaces import BASE
from kg.store.executor import QueryExecutor
from kg.store.remote import RemoteStore
from kg.web.named_queries import execute, parse_query_file, run
from server import create_app
from tests.store.test_remote import server_url  # noqa: F401 - the Oxigraph server fixture

BIND_RELATIVE = "SELECT ?x WHERE { BIND(<meeting/rats-conference/8> AS ?x) }"
CONSTRUCT_RELATIVE = "CONSTRUCT { <s> <p> 1 } WHERE {}"


def bound_x(response) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["results"]["bindings"][0]["x"]["value"]


def constructed(response) -> set[tuple[str, str]]:
    assert response.status_code == 200, response.get_data(as_text=True)
    graph = Graph().parse(data=response.get_data(as_text=True), format="nt")
    return {(str(s), str(p)) for s, p, _ in graph}


def test_the_fast_front_resolves_relative_iris(client):
    # A GET without Origin is answered by QueryFront, before Flask.
    assert bound_x(client.get("/sparql", query_string={"query": BIND_RELATIVE})) == BASE + "meeting/rats-conference/8"
    response = client.get("/sparql", query_string={"query": CONSTRUCT_RELATIVE}, headers={"Accept": "application/n-triples"})
    assert constructed(response) == {(BASE + "s", BASE + "p")}


@pytest.mark.parametrize("style", ["form", "direct", "browser"])
def test_the_flask_view_resolves_relative_iris(client, style):
    if style == "form":
        response = client.post("/sparql", data={"query": BIND_RELATIVE})
    elif style == "direct":
        response = client.post("/sparql", data=BIND_RELATIVE, content_type="application/sparql-query")
    else:  # an Origin sends the GET on to Flask (CORS)
        response = client.get("/sparql", query_string={"query": BIND_RELATIVE}, headers={"Origin": "http://example.org"})
    assert bound_x(response) == BASE + "meeting/rats-conference/8"


def test_a_base_declaration_in_the_query_takes_precedence(client):
    query = "BASE <http://example.org/> " + BIND_RELATIVE
    assert bound_x(client.post("/sparql", data={"query": query})) == "http://example.org/meeting/rats-conference/8"


def test_the_query_workers_resolve_relative_iris():
    executor = QueryExecutor(ox.Store(), workers=1, timeout=20)  # workers serve the embedded store only
    try:
        answer = executor.execute(CONSTRUCT_RELATIVE, {}, results_mime=None, graph_mime="application/n-triples")
    finally:
        executor.close()
    assert answer.body.decode().split()[:2] == [f"<{BASE}s>", f"<{BASE}p>"]


def test_named_queries_resolve_relative_iris(store, tmp_path):
    path = tmp_path / "relative.rq"
    path.write_text("#+ summary: a relative IRI\nASK { <meeting/rats-conference/8> a ?kind }\n")
    assert bool(run(store, parse_query_file(path))) is True
    assert bool(execute(store, "ASK { <state/india> ?p ?o }")) is True


def test_updates_resolve_relative_iris(writable_store):
    app = create_app(writable_store, {"TESTING": True, "API_TOKEN": "t"})
    client = app.test_client()
    update = "INSERT DATA { GRAPH <graph/test-base> { <s> <p> <o> } }"
    response = client.post("/update", data=update, content_type="application/sparql-update",
                           headers={"Authorization": "Bearer t"})
    assert response.status_code == 204, response.get_data(as_text=True)
    assert ox.Quad(ox.NamedNode(BASE + "s"), ox.NamedNode(BASE + "p"), ox.NamedNode(BASE + "o"),
                   ox.NamedNode(BASE + "graph/test-base")) in writable_store


def test_the_remote_store_sends_the_base(server_url):  # noqa: F811
    remote = RemoteStore(server_url)
    remote.update("DROP SILENT ALL")
    remote.update("INSERT DATA { <s> <p> <o> }", base_iri=BASE)
    assert bool(remote.query("ASK { <s> <p> <o> }", base_iri=BASE)) is True
    app = create_app(remote, {"TESTING": True})
    response = app.test_client().get("/sparql", query_string={"query": CONSTRUCT_RELATIVE},
                                     headers={"Accept": "application/n-triples"})
    assert constructed(response) == {(BASE + "s", BASE + "p")}
    remote.update("DROP SILENT ALL")


def test_the_service_description_states_the_base(client):
    description = client.get("/sparql", headers={"Accept": "text/turtle"}).get_data(as_text=True)
    assert f"resolved against {BASE}" in description
