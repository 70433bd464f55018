"""Items 6 and 7: no query, update or body makes the server send a request or open a file.

The reproductions: a prefixed-name escape (``ex:a\\#``, ``ex:a\\'``) hid ``SERVICE`` from the
old regular expression, and with the token it hid ``LOAD``; ``POST /validate`` fetched JSON-LD
contexts (remote, in lists, by ``@import``) and opened ``file:`` ones; RDF/XML entities cost
84 s of CPU. Each variant points at a loopback listener, which must receive nothing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

AUTH = {"Authorization": "Bearer reliability-token"}  # the token of the writer fixture (conftest)

SERVICE_VARIANTS = [
    "PREFIX ex: <http://example.org/> SELECT * WHERE {{ {{ ?s ?p ex:a\\# }} UNION {{ SERVICE <{url}/x> {{ ?a ?b ?c }} }} }}",
    "PREFIX ex: <http://example.org/> SELECT * WHERE {{ {{ ?s ?p ex:a\\' }} UNION {{ SERVICE <{url}/x> {{ ?a ?b ?c }} }} }}",
    "PREFIX ex: <http://example.org/> SELECT * WHERE {{ ?s ?p ex:a\\# . SERVICE SILENT <{url}/x> {{ ?a ?b ?c }} }}",
    "SELECT * WHERE {{ SERVICE <{url}/x> {{ ?a ?b ?c }} }}",
    "select * where {{ sErViCe <{url}/x> {{ ?a ?b ?c }} }}",
    "SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{url}/x> {{ ?a ?b ?c }} }} }}",
    "SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{url}/x> {{ ?a ?b ?c }} }} }} }}",
    "SELECT * WHERE {{ BIND(<{url}/x> AS ?u) SERVICE ?u {{ ?a ?b ?c }} }}",
    "PREFIX x: <{url}/> SELECT * WHERE {{ SERVICE x:y {{ ?a ?b ?c }} }}",
    "BASE <{url}/> SELECT * WHERE {{ SERVICE <x> {{ ?a ?b ?c }} }}",
    "SELECT * WHERE {{ SERVICE\t<{url}/x>{{?a ?b ?c}} }}",
    "SELECT * WHERE {{ SERVICE#comment\n<{url}/x> {{ ?a ?b ?c }} }}",
    "SELECT * WHERE {{ ?s ?p \"x\\\"\" . SERVICE <{url}/x> {{ ?a ?b ?c }} }}",
    "SELECT * WHERE {{ ?s ?p 'it\\'s' . SERVICE <{url}/x> {{ ?a ?b ?c }} }}",
    "ASK {{ SERVICE <{url}/x> {{ ?a ?b ?c }} }}",
    "CONSTRUCT {{ ?a ?b ?c }} WHERE {{ SERVICE <{url}/x> {{ ?a ?b ?c }} }}",
    "DESCRIBE ?a WHERE {{ SERVICE <{url}/x> {{ ?a ?b ?c }} }}",
]

LOAD_VARIANTS = [
    "LOAD <{url}/data.ttl>",
    "LOAD SILENT <{url}/data.ttl> INTO GRAPH <urn:g>",
    "PREFIX ex: <http://example.org/> INSERT DATA {{ GRAPH <urn:g> {{ ex:a\\# ex:b ex:c }} }} ; LOAD <{url}/d.ttl>",
    "PREFIX ex: <http://example.org/> INSERT DATA {{ GRAPH <urn:g> {{ ex:a\\' ex:b ex:c }} }} ; LOAD <{url}/d.ttl>",
    "load <file:///etc/passwd> into graph <urn:g>",
    "INSERT {{ GRAPH <urn:g> {{ ?a ?b ?c }} }} WHERE {{ SERVICE <{url}/x> {{ ?a ?b ?c }} }}",
    "DELETE {{ GRAPH <urn:g> {{ ?a ?b ?c }} }} WHERE {{ SERVICE SILENT <{url}/x> {{ ?a ?b ?c }} }}",
]


@pytest.mark.parametrize("template", SERVICE_VARIANTS)
@pytest.mark.parametrize("style", ["get", "form", "direct"])
def test_no_query_reaches_a_listener(client, listener, template, style, send_query):
    response = send_query(client, template.format(url=listener.url), style)
    assert 400 <= response.status_code < 500, response.get_data(as_text=True)
    assert response.get_json()["ok"] is False
    assert listener.hits == []


@pytest.mark.parametrize("template", LOAD_VARIANTS)
def test_no_update_reaches_a_listener(writer, listener, template):
    response = writer.post("/update", data={"update": template.format(url=listener.url)}, headers=AUTH)
    assert response.status_code == 403, response.get_data(as_text=True)
    assert listener.hits == []


def test_keywords_in_strings_iris_and_names_are_not_refused(client):
    for query in ('SELECT * WHERE { ?s ?p "SERVICE LOAD" . FILTER(?p != <urn:SERVICE>) } # SERVICE',
                  "PREFIX service: <urn:service:> SELECT * WHERE { ?s service:load ?o }",
                  "SELECT ?service ?load WHERE { BIND(1 AS ?service) BIND(2 AS ?load) }"):
        assert client.get("/sparql", query_string={"query": query}).status_code == 200


def test_a_sandboxed_process_cannot_reach_a_listener(listener):
    """The second line: even a SERVICE no check refused cannot connect from a sandboxed process
    (what kg serve's query workers and its own process are)."""
    script = (
        "import sys, pyoxigraph as ox\n"
        "from kg.store.sandbox import forbid_network\n"
        "forbid_network()\n"
        "try:\n"
        f"    list(ox.Store().query('SELECT * {{ SERVICE <{listener.url}/x> {{ ?a ?b ?c }} }}'))\n"
        "except OSError as exc:\n"
        "    print('refused:', exc)\n"
        "import socket\n"
        "try:\n"
        f"    socket.create_connection(('127.0.0.1', {listener.server.server_port}), timeout=2)\n"
        "except OSError as exc:\n"
        "    print('refused:', exc)\n"
        "a, b = socket.socketpair(); print('local sockets work')\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("refused:") == 2 and "local sockets work" in result.stdout
    assert listener.hits == []


@pytest.mark.skipif(bool(os.environ.get("KG_TEST_STORE")), reason="query workers serve the embedded store only")
def test_a_query_worker_is_sandboxed(store, listener, monkeypatch, tmp_path):
    """A query worker started with KG_NO_NETWORK evaluates a SERVICE (sent past every check,
    straight to the executor) without reaching the listener."""
    from kg.store.executor import QueryExecutor
    from kg.store.sandbox import NO_NETWORK

    monkeypatch.setenv(NO_NETWORK, "1")
    executor = QueryExecutor(store, timeout=20, workers=1, max_result_bytes=10**6, snapshots_in=str(tmp_path))
    try:
        with pytest.raises(Exception) as raised:
            executor.execute(f"SELECT * {{ SERVICE <{listener.url}/x> {{ ?a ?b ?c }} }}", {},
                             results_mime="application/sparql-results+json", graph_mime=None)
        assert "denied" in str(raised.value).lower() or "refused" in str(raised.value).lower(), raised.value
    finally:
        executor.close()
    assert listener.hits == []


# ---------------------------------------------------------------- item 7: bodies


def _jsonld(client, document):
    return client.post("/validate", data=json.dumps(document), content_type="application/ld+json")


@pytest.mark.parametrize("make", [
    lambda url: {"@context": f"{url}/ctx.jsonld", "@id": "urn:a"},
    lambda url: {"@context": [{"ex": "http://example.org/"}, f"{url}/ctx.jsonld"], "@id": "urn:a"},
    lambda url: {"@context": {"@import": f"{url}/ctx.jsonld"}, "@id": "urn:a"},
    lambda url: {"@context": {"t": {"@id": "urn:t", "@context": f"{url}/scoped.jsonld"}}, "@id": "urn:a"},
    lambda url: {"@id": "urn:a", "urn:p": {"@context": f"{url}/nested.jsonld", "@id": "urn:b"}},
    lambda url: [{"@context": f"{url}/in-a-list.jsonld", "@id": "urn:a"}],
    lambda url: {"@context": "file:///etc/passwd", "@id": "urn:a"},
    lambda url: {"@context": "file:///no/such/file.jsonld", "@id": "urn:a"},
])
def test_jsonld_contexts_are_never_fetched_nor_opened(client, listener, make):
    response = _jsonld(client, make(listener.url))
    assert response.status_code == 400, response.get_data(as_text=True)
    assert "context" in response.get_json()["error"] or "@import" in response.get_json()["error"]
    assert listener.hits == []


def test_existing_and_missing_files_answer_alike(client):
    """A file: context must not tell whether a file exists."""
    here = _jsonld(client, {"@context": "file:///etc/hostname", "@id": "urn:a"}).get_json()["error"]
    there = _jsonld(client, {"@context": "file:///no/such/file", "@id": "urn:a"}).get_json()["error"]
    assert here.replace("/etc/hostname", "X") == there.replace("/no/such/file", "X")


def test_rdfxml_entities_are_refused_at_once(client):
    entities = "".join(f'<!ENTITY e{i} "{"&e%d;" % (i - 1) * 10 if i else "x" * 10}">' for i in range(12))
    bomb = (f'<?xml version="1.0"?><!DOCTYPE rdf:RDF [{entities}]>'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
            '<rdf:Description rdf:about="urn:a"><rdf:value>&e11;</rdf:value></rdf:Description></rdf:RDF>')
    started = time.perf_counter()
    response = client.post("/validate", data=bomb, content_type="application/rdf+xml")
    assert response.status_code == 400 and "DTD" in response.get_json()["error"]
    assert time.perf_counter() - started < 2


def test_rdfxml_external_entities_are_refused(client, listener):
    body = (f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "{listener.url}/e.xml">]>'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="urn:a">'
            '<rdf:value>&x;</rdf:value></rdf:Description></rdf:RDF>')
    assert client.post("/validate", data=body, content_type="application/rdf+xml").status_code == 400
    assert listener.hits == []


@pytest.mark.live
def test_live_server_reaches_no_listener(live, listener):
    """The same queries, updates and bodies against kg serve in its own process."""
    import urllib.error
    import urllib.parse
    import urllib.request

    def send(path, data=None, content_type=None, headers=None):
        request = urllib.request.Request(live.url + path, data=data, headers={**(headers or {})})
        if content_type:
            request.add_header("Content-Type", content_type)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    statuses = []
    for template in SERVICE_VARIANTS:
        query = template.format(url=listener.url)
        statuses.append(send("/sparql?" + urllib.parse.urlencode({"query": query})))
        statuses.append(send("/sparql", query.encode(), "application/sparql-query"))
    for template in LOAD_VARIANTS:
        statuses.append(send("/update", template.format(url=listener.url).encode(), "application/sparql-update", AUTH))
    for document in ({"@context": f"{listener.url}/c.jsonld", "@id": "urn:a"},
                     {"@context": {"@import": f"{listener.url}/c.jsonld"}, "@id": "urn:a"}):
        statuses.append(send("/validate", json.dumps(document).encode(), "application/ld+json"))
    assert all(400 <= s < 500 for s in statuses), statuses
    assert listener.hits == []
