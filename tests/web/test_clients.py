"""The endpoint through real clients over a real socket: SPARQLWrapper, rdflib's SPARQLStore, curl.

``kg serve`` itself runs in its own process on a free loopback port for the session.
"""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, POST, TURTLE, XML, SPARQLWrapper

QUERY = """PREFIX rats: <https://w3id.org/sco-rats/ontology#>
SELECT ?m ?start WHERE { ?m a rats:ScientificPracticalConference ; rats:startDate ?start } ORDER BY ?start"""


@pytest.fixture(scope="module")
def endpoint(live_server):
    return live_server + "/sparql"


@pytest.mark.parametrize("method", ["GET", POST])
def test_sparqlwrapper_select_json(endpoint, method):
    client = SPARQLWrapper(endpoint)
    client.setQuery(QUERY)
    client.setReturnFormat(JSON)
    client.setMethod(method)
    bindings = client.query().convert()["results"]["bindings"]
    assert [b["start"]["value"] for b in bindings][:2] == ["--11-06", "--11-07"] or len(bindings) == 4


def test_sparqlwrapper_xml_csv_and_construct(endpoint):
    client = SPARQLWrapper(endpoint)
    client.setQuery(QUERY)
    client.setReturnFormat(XML)
    assert len(client.query().convert().getElementsByTagName("result")) == 4
    client.setReturnFormat(CSV)
    assert client.query().convert().decode().splitlines()[0] == "m,start"
    client.setQuery("CONSTRUCT WHERE { ?s a <https://w3id.org/sco-rats/ontology#CouncilMeeting> }")
    client.setReturnFormat(TURTLE)
    graph = Graph().parse(data=client.query().convert(), format="turtle")
    assert (URIRef("https://w3id.org/sco-rats/meeting/rats-council/40"), None, None) in graph


def test_sparqlwrapper_ask(endpoint):
    client = SPARQLWrapper(endpoint)
    client.setQuery("ASK { ?s a <https://w3id.org/sco-rats/ontology#CouncilMeeting> }")
    client.setReturnFormat(JSON)
    assert client.query().convert()["boolean"] is True


def test_rdflib_sparqlstore(endpoint):
    graph = Graph(store=SPARQLStore(endpoint, returnFormat="json"))
    rows = list(graph.query(QUERY))
    assert len(rows) == 4
    assert Literal("2022-11-08", datatype=URIRef("http://www.w3.org/2001/XMLSchema#date")) in {r.start for r in rows}


curl = pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")


def run_curl(*args) -> tuple[int, str, str]:
    out = subprocess.run(["curl", "-sS", "-o", "-", "-w", "\n%{http_code} %{content_type}", *args],
                         capture_output=True, text=True, timeout=30, check=True).stdout
    body, _, status_line = out.rpartition("\n")
    status, _, content_type = status_line.partition(" ")
    return int(status), content_type, body


@curl
@pytest.mark.parametrize(
    "args, status, content_type",
    [
        (["-G", "--data-urlencode", f"query={QUERY}"], 200, "application/sparql-results+json"),
        (["--data-urlencode", f"query={QUERY}"], 200, "application/sparql-results+json"),
        (["-H", "Content-Type: application/sparql-query", "--data-binary", QUERY], 200, "application/sparql-results+json"),
        (["-G", "--data-urlencode", f"query={QUERY}", "-H", "Accept: text/tab-separated-values"], 200,
         "text/tab-separated-values; charset=utf-8"),
        (["-H", "Accept: text/turtle"], 200, "text/turtle; charset=utf-8"),
        (["-G", "--data-urlencode", "query=SELECT * WHERE {", "-H", "Accept: application/json"], 400, "application/json"),
        (["-G", "--data-urlencode", f"query={QUERY}", "-H", "Accept: image/png"], 406, "application/json"),
        (["-H", "Content-Type: text/plain", "--data-binary", QUERY], 415, "application/json"),
        (["-X", "PUT"], 405, "application/json"),
    ],
)
def test_curl(endpoint, args, status, content_type):
    got_status, got_type, body = run_curl(*args, endpoint)
    assert (got_status, got_type) == (status, content_type), body[:300]
    if status >= 400:
        assert json.loads(body)["ok"] is False
