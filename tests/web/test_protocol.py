"""The SPARQL 1.1 Protocol, Service Description, VoID, Graph Store reads, dumps, linked data
and the safety rules, written from the specifications and run through the Flask test client."""

from __future__ import annotations

import gzip
import http.server
import json
import threading

import pyoxigraph as ox
import pytest
from rdflib import Graph

BASE = "https://w3id.org/sco-rats/"
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


@pytest.mark.parametrize("style", ["get", "form", "direct"])
def test_three_request_styles_agree(client, style):
    if style == "get":
        response = client.get("/sparql", query_string={"query": COUNT_MEETINGS})
    elif style == "form":
        response = client.post("/sparql", data={"query": COUNT_MEETINGS})
    else:
        response = client.post("/sparql", data=COUNT_MEETINGS, content_type="application/sparql-query")
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


# ---------------------------------------------------------------- descriptions


def test_service_description_at_the_endpoint(client):
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    graph = Graph().parse(data=response.get_data(as_text=True), format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert any(str(o) == sd + "SPARQL11Query" for o in graph.objects(None, None))
    assert any(str(o) == sd + "UnionDefaultGraph" for o in graph.objects(None, None))


def test_browser_gets_a_query_form_without_outside_assets(client):
    response = client.get("/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    page = response.get_data(as_text=True)
    assert response.mimetype == "text/html" and 'id="yasgui"' in page and "meetings" in page
    assert "src=\"http" not in page and "href=\"http" not in page.replace('href="http://localhost', "")


def test_void_lists_a_subset_per_graph_with_counts_and_dumps(client):
    graph = Graph().parse(data=client.get("/.well-known/void", headers={"Accept": "text/turtle"}).get_data(as_text=True),
                          format="turtle")
    void = "http://rdfs.org/ns/void#"
    subsets = list(graph.objects(None, graph.namespace_manager.expand_curie("void:subset")))
    assert len(subsets) >= 8
    dumps = {str(o) for o in graph.objects(None, graph.namespace_manager.expand_curie("void:dataDump"))}
    assert any(d.endswith("dataset.nq.gz") for d in dumps) and any(d.endswith("dataset.trig.gz") for d in dumps)
    assert void


def test_graph_store_protocol_reads(client):
    response = client.get("/rdf-graphs", query_string={"graph": G004}, headers={"Accept": "application/n-triples"})
    assert response.status_code == 200 and len(response.data.splitlines()) > 1000
    assert client.head("/rdf-graphs", query_string={"graph": G004}).status_code == 200
    assert client.get("/rdf-graphs", query_string={"graph": BASE + "graph/nope"}).status_code == 404
    assert client.get("/rdf-graphs").status_code == 400
    default = client.get("/rdf-graphs?default", headers={"Accept": "application/n-triples"})
    assert default.status_code == 200


@pytest.mark.parametrize("name, fmt", [("dataset.nq.gz", ox.RdfFormat.N_QUADS), ("dataset.trig.gz", ox.RdfFormat.TRIG)])
def test_dumps_are_gzipped_and_complete(client, name, fmt, store):
    response = client.get(f"/dumps/{name}", headers={"Accept-Encoding": "gzip"})
    quads = list(ox.parse(gzip.decompress(response.data), format=fmt))
    assert len(quads) == sum(1 for q in store if not isinstance(q.graph_name, ox.DefaultGraph))


def test_openapi_is_generated_from_the_query_headers(client):
    doc = client.get("/openapi.json").get_json()
    evidence = doc["paths"]["/queries/evidence"]["get"]
    assert evidence["parameters"][0] == {"name": "subject", "in": "query", "required": True,
                                         "description": evidence["parameters"][0]["description"],
                                         "schema": {"type": "string", "format": "iri"}}


# ---------------------------------------------------------------- linked data


def test_entity_page_for_people(client):
    response = client.get("/meeting/rats-conference/8", headers={"Accept": "text/html"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "8th scientific-practical conference" in page
    words = __import__("re").sub(r"<[^>]+>", "", page)  # the quote's words are highlighted with <mark>
    assert "2022-11-08" in page and "took place on November 8-9, 2022" in words
    assert 'href="/city/tashkent"' in page


def test_entity_page_links_wikidata(client):
    page = client.get("/state/india", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "http://www.wikidata.org/entity/Q668" in page


@pytest.mark.parametrize("accept", ["text/turtle", "application/ld+json", "application/n-triples"])
def test_entity_as_rdf(client, accept):
    response = client.get("/person/ruslan-mirzayev", headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == accept
    triples = list(ox.parse(response.data, format=ox.RdfFormat.from_media_type(accept)))
    assert any(t.object.value == "Ruslan Mirzayev" for t in triples)


def test_unknown_entity_is_404(client):
    assert client.get("/person/nobody", headers={"Accept": "text/html"}).status_code == 404


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


def test_cors_on_reads(client):
    response = client.get("/sparql", query_string={"query": "ASK {}"}, headers={"Origin": "https://yasgui.example"})
    assert response.headers["Access-Control-Allow-Origin"] in ("*", "https://yasgui.example")
    preflight = client.options("/sparql", headers={"Origin": "https://yasgui.example", "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 200 and "POST" in preflight.headers["Access-Control-Allow-Methods"]


def test_access_log_is_one_json_line(client, caplog):
    with caplog.at_level("INFO", logger="kg.access"):
        client.get("/health")
    line = json.loads(caplog.records[-1].getMessage())
    assert line["path"] == "/health" and line["status"] == 200 and "ms" in line


def test_rate_limit_per_client(store, tmp_path):
    from server import create_app

    limited = create_app(store, {"RATE_LIMIT": 3, "ACCEPTED_DIR": str(tmp_path)}).test_client()
    statuses = [limited.get("/health").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = limited.get("/health")
    assert int(response.headers["Retry-After"]) >= 1 and "limit is 3 a minute" in response.get_json()["error"]


def test_request_body_limit(client):
    response = client.post("/sparql", data="ASK {} " + " " * (6 * 1024 * 1024), content_type="application/sparql-query")
    assert response.status_code == 413 and response.get_json()["ok"] is False
