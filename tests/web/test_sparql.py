"""The SPARQL 1.1 Protocol at ``/sparql`` and ``/update`` (the routes of kg/web/sparql.py), written
from the specifications and run through the Flask test client: the three request styles, the
dataset parameters, every results and graph format, the errors with their status and message,
and the safety rules (no request sent for a query, no LOAD, the token for updates)."""

from __future__ import annotations

import http.server
import os
import threading

import pyoxigraph as ox
import pytest

from server import create_app


BASE = "https://w3id.org/sco-rats/"
ASK = "ASK { ?s a <https://w3id.org/sco-rats/ontology#CouncilMeeting> }"
SELECT = "SELECT ?m WHERE { ?m a <https://w3id.org/sco-rats/ontology#ScientificPracticalConference> }"
G002 = BASE + "graph/source/002_cdc5ba49de91e49a"
G004 = BASE + "graph/source/004_19d1a5506ceb2ba2"
COUNT_MEETINGS = "SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m a ?k . FILTER(?k IN (rats:ScientificPracticalConference, rats:CouncilMeeting)) }"
# the seeds' four conferences and the 40th Council, and seven Council meetings of the corpus
# (the 20th, 24th and 36th, the next one in Kyrgyzstan of 2012, New Delhi 2022, the meeting of
# the decision of 8 September 2023, the one in China under the Kyrgyz chair)
N_CONFERENCES_AND_COUNCILS = 12


def n(response) -> int:
    return int(response.get_json()["results"]["bindings"][0]["n"]["value"])


# ---------------------------------------------------------------- query operation, 2.1


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
        ({"query_string": {"query": "  "}}, 400, "exactly one 'query'"),
        ({"query_string": [("query", ASK), ("query", ASK)]}, 400, "exactly one 'query'"),
        ({"query_string": {"query": SELECT}, "headers": {"Accept": "image/png"}}, 406, "accepts no"),
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


@pytest.mark.parametrize("style", ["get", "form", "direct"])
def test_three_request_styles_agree(client, style, send_query):
    response = send_query(client, COUNT_MEETINGS, style)
    assert response.status_code == 200 and n(response) == N_CONFERENCES_AND_COUNCILS


def test_default_graph_uri_selects_and_overrides_from(client):
    query = "SELECT (COUNT(DISTINCT ?m) AS ?n) FROM <%s> WHERE { ?m a rats:CouncilMeeting }" % G002
    assert n(client.get("/sparql", query_string={"query": query})) == 0  # FROM <002>: no Council meeting there
    overridden = client.get("/sparql", query_string={"query": query, "default-graph-uri": G004})
    assert n(overridden) == 1


def test_named_graph_uri_limits_graph_patterns(client):
    query = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert n(client.get("/sparql", query_string={"query": query})) >= 8
    only = client.get("/sparql", query_string=[("query", query), ("named-graph-uri", G002), ("named-graph-uri", G004)])
    assert n(only) == 2


def test_dataset_parameters_of_a_direct_post_are_in_the_url(client):
    response = client.post("/sparql?default-graph-uri=" + G004, data="SELECT (COUNT(*) AS ?n) WHERE { ?s a rats:CouncilMeeting }",
                           content_type="application/sparql-query")
    assert n(response) == 1


@pytest.mark.parametrize(
    "accept, mimetype, parse",
    [
        ("application/sparql-results+json", "application/sparql-results+json", "json"),
        ("application/sparql-results+xml", "application/sparql-results+xml", "xml"),
        ("text/csv", "text/csv", "csv"),
        ("text/tab-separated-values", "text/tab-separated-values", "tsv"),
        ("text/html;q=0.9, text/csv;q=0.8", "text/csv", "csv"),
        ("*/*", "application/sparql-results+json", "json"),
        ("application/*", "application/sparql-results+json", "json"),
    ],
)
def test_select_formats_parse(client, accept, mimetype, parse):
    response = client.get("/sparql", query_string={"query": COUNT_MEETINGS}, headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == mimetype
    assert response.headers["Vary"] == "Accept"
    if parse == "csv":  # CSV is lossy: Oxigraph will not parse it back
        assert response.get_data(as_text=True).splitlines() == ["n", str(N_CONFERENCES_AND_COUNCILS)]
        return
    fmt = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML, "tsv": ox.QueryResultsFormat.TSV}[parse]
    rows = list(ox.parse_query_results(response.data, format=fmt))
    assert len(rows) == 1 and rows[0]["n"].value == str(N_CONFERENCES_AND_COUNCILS)


def test_ask_in_json_and_xml(client):
    query = "ASK { ?s a rats:CouncilMeeting }"
    for accept in ("application/sparql-results+json", "application/sparql-results+xml"):
        response = client.get("/sparql", query_string={"query": query}, headers={"Accept": accept})
        assert bool(ox.parse_query_results(response.data, format=ox.QueryResultsFormat.from_media_type(accept)))


@pytest.mark.parametrize("accept", ["text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json",
                                    "application/trig", "application/n-quads"])
def test_construct_and_describe_formats_parse(client, accept):
    for query in ("CONSTRUCT WHERE { ?s a rats:CouncilMeeting }", "DESCRIBE <%smeeting/rats-council/40>" % BASE):
        response = client.get("/sparql", query_string={"query": query}, headers={"Accept": accept})
        assert response.status_code == 200 and response.mimetype == accept
        assert list(ox.parse(response.data, format=ox.RdfFormat.from_media_type(accept)))


def test_wdqs_style_format_parameter(client):
    response = client.get("/sparql", query_string={"query": COUNT_MEETINGS, "format": "json"}, headers={"Accept": "text/csv"})
    assert response.mimetype == "application/sparql-results+json"


@pytest.mark.parametrize(
    "method, kwargs, status",
    [
        ("get", {"query_string": {"query": "SELEKT * WHERE {}"}}, 400),
        ("get", {"query_string": [("query", "ASK {}"), ("query", "ASK {}")]}, 400),
        ("post", {"data": {"query": ""}}, 400),
        ("get", {"query_string": {"query": "ASK {}"}, "headers": {"Accept": "image/png"}}, 406),
        ("post", {"data": "ASK {}", "content_type": "text/plain"}, 415),
        ("put", {"data": "ASK {}"}, 405),
        ("delete", {}, 405),
        ("get", {"query_string": {"query": "ASK {}", "default-graph-uri": "not an iri"}}, 400),
    ],
)
def test_errors_are_4xx_with_a_message_and_no_stack_trace(client, method, kwargs, status):
    response = getattr(client, method)("/sparql", **kwargs)
    assert response.status_code == status
    body = response.get_json()
    assert body["ok"] is False and body["error"] and "Traceback" not in response.get_data(as_text=True)


def test_syntax_error_gives_line_and_column(client):
    response = client.get("/sparql", query_string={"query": "SELECT *\nWHERE { ?s ?p }"})
    assert "line 2, column" in response.get_json()["error"]


# ---------------------------------------------------------------- safety


@pytest.fixture
def listener():
    """A local HTTP server that records every request it receives."""
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/turtle")
            self.end_headers()

        do_POST = do_GET

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", hits
    server.shutdown()
    server.server_close()


def test_no_query_makes_the_server_send_a_request(client, listener):
    url, hits = listener
    for query in (f"SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
                  f"SELECT * WHERE {{ SERVICE SILENT <{url}/sparql> {{ ?s ?p ?o }} }}",
                  f"select * where {{ service <{url}/sparql> {{ ?s ?p ?o }} }}"):
        response = client.get("/sparql", query_string={"query": query})
        assert response.status_code == 403 and "SERVICE" in response.get_json()["error"]
    for query in (f"SELECT * FROM <{url}/data.ttl> WHERE {{ ?s ?p ?o }}",
                  f"SELECT * FROM NAMED <{url}/data.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"):
        response = client.get("/sparql", query_string={"query": query})
        assert response.status_code == 200
    assert hits == []


def test_keywords_inside_strings_and_iris_are_not_refused(client):
    query = 'SELECT * WHERE { ?s ?p "SERVICE LOAD" . FILTER(?p != <urn:SERVICE>) } # SERVICE'
    assert client.get("/sparql", query_string={"query": query}).status_code == 200


@pytest.fixture
def writer(writable_store, tmp_path):
    from server import create_app

    return create_app(writable_store, {"TESTING": True, "API_TOKEN": "t0ken",
                                       "ACCEPTED_DIR": str(tmp_path / "accepted")}).test_client()


def test_update_needs_the_token_and_changes_nothing_without_it(writer, client):
    insert = "INSERT DATA { GRAPH <urn:x> { <urn:a> <urn:b> <urn:c> } }"
    assert client.post("/update", data={"update": insert}).status_code == 403  # no token configured
    assert writer.post("/update", data={"update": insert}).status_code == 401
    assert writer.post("/update", data={"update": insert}, headers={"Authorization": "Bearer nope"}).status_code == 403
    ask = {"query": "ASK { GRAPH <urn:x> { ?s ?p ?o } }"}
    assert writer.get("/sparql", query_string=ask).get_json()["boolean"] is False
    ok = writer.post("/update", data=insert, content_type="application/sparql-update", headers={"Authorization": "Bearer t0ken"})
    assert ok.status_code == 204
    assert writer.get("/sparql", query_string=ask).get_json()["boolean"] is True


def test_load_is_refused_and_fetches_nothing(writer, listener):
    url, hits = listener
    for update in (f"LOAD <{url}/data.ttl>", "LOAD <file:///etc/passwd> INTO GRAPH <urn:g>"):
        response = writer.post("/update", data={"update": update}, headers={"Authorization": "Bearer t0ken"})
        assert response.status_code == 403 and "LOAD" in response.get_json()["error"]
    assert hits == []


def test_update_syntax_error_is_400(writer):
    response = writer.post("/update", data={"update": "INSERT DATUM {}"}, headers={"Authorization": "Bearer t0ken"})
    assert response.status_code == 400 and "line 1" in response.get_json()["error"]


# ---------------------------------------------------------------- requests that cannot be carried out
# Requests that parse and cannot be carried out get a 400 that says why, never a 500 (found by the
# W3C suites: ``DROP GRAPH`` of a graph that is not there was a 500, and a query with an unknown
# function a 500 without query workers and a 400 with them).

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
