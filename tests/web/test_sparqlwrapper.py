"""SPARQLWrapper with its own defaults, for every query form, against ``kg serve`` over a socket.

SPARQLWrapper sends ``format=``, ``output=`` and ``results=`` (all three, with its name for the
format) beside an ``Accept`` header; for a CONSTRUCT in its default XML that was
``format=xml`` against ``Accept: application/rdf+xml`` and got 406, and ``rdf+xml``,
``json-ld`` and ``n3`` got 400 (issue 22, defect 4). SPARQLWrapper itself warns when the media
type it gets is not the one it asked for, and the suite turns warnings into errors, so each
case checks the answer's type as well as its content.
"""

from __future__ import annotations

import warnings

import pytest
from rdflib import Graph, URIRef
from SPARQLWrapper import CSV, GET, JSON, JSONLD, N3, POST, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

COUNCIL = "https://w3id.org/sco-rats/meeting/rats-council/40"
SELECT = f"SELECT ?m WHERE {{ ?m a <https://w3id.org/sco-rats/ontology#CouncilMeeting> FILTER(?m = <{COUNCIL}>) }}"
ASK = "ASK { ?m a <https://w3id.org/sco-rats/ontology#CouncilMeeting> }"
CONSTRUCT = "CONSTRUCT WHERE { ?m a <https://w3id.org/sco-rats/ontology#CouncilMeeting> }"
DESCRIBE = f"DESCRIBE <{COUNCIL}>"

# SPARQLWrapper parses RDF/XML and JSON-LD into rdflib's ConjunctiveGraph, which warns that it is
# deprecated; its RuntimeWarnings (a media type other than the one asked for) stay errors.
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")


@pytest.fixture(scope="module")
def endpoint(live_server):
    return live_server + "/sparql"


def ask(endpoint, query, method, return_format=None):
    client = SPARQLWrapper(endpoint)  # its defaults: XML, GET, format/output/results sent
    client.setQuery(query)
    client.setMethod(method)
    if return_format is not None:
        client.setReturnFormat(return_format)
    result = client.query()
    return result.info()["content-type"].split(";")[0], result.convert()


@pytest.mark.parametrize("method", [GET, POST])
def test_the_defaults_for_select_and_ask(endpoint, method):
    mime, dom = ask(endpoint, SELECT, method)
    assert mime == "application/sparql-results+xml"
    assert [u.firstChild.data for u in dom.getElementsByTagName("uri")] == [COUNCIL]
    mime, dom = ask(endpoint, ASK, method)
    assert mime == "application/sparql-results+xml" and dom.getElementsByTagName("boolean")[0].firstChild.data == "true"


@pytest.mark.parametrize("method", [GET, POST])
@pytest.mark.parametrize("query", [CONSTRUCT, DESCRIBE])
def test_the_defaults_for_construct_and_describe(endpoint, method, query):
    mime, graph = ask(endpoint, query, method)
    assert mime == "application/rdf+xml" and isinstance(graph, Graph)
    assert (URIRef(COUNCIL), None, None) in graph


@pytest.mark.parametrize("method", [GET, POST])
@pytest.mark.parametrize("return_format, expected", [
    (JSON, "application/sparql-results+json"), (XML, "application/sparql-results+xml"),
    (CSV, "text/csv"), (TSV, "text/tab-separated-values"),
])
def test_every_results_format_for_select_and_ask(endpoint, method, return_format, expected):
    mime, converted = ask(endpoint, SELECT, method, return_format)
    assert mime == expected
    text = converted.decode() if isinstance(converted, bytes) else str(converted.toxml() if hasattr(converted, "toxml")
                                                                        else converted)
    assert COUNCIL in text
    mime, _ = ask(endpoint, ASK, method, return_format)
    assert mime == expected


@pytest.mark.parametrize("method", [GET, POST])
@pytest.mark.parametrize("query", [CONSTRUCT, DESCRIBE])
@pytest.mark.parametrize("return_format, expected", [
    (XML, "application/rdf+xml"), (RDFXML, "application/rdf+xml"),
    (TURTLE, "text/turtle"), (N3, "text/turtle"), (JSONLD, "application/ld+json"),
])
def test_every_graph_format_for_construct_and_describe(endpoint, method, query, return_format, expected):
    mime, converted = ask(endpoint, query, method, return_format)
    assert mime == expected
    graph = converted if isinstance(converted, Graph) else Graph().parse(data=converted, format="turtle")
    assert (URIRef(COUNCIL), None, None) in graph


def test_json_for_a_construct_is_json_ld(endpoint):
    # SPARQLWrapper sends Accept: */* (and says so in a warning) with format=json.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Sending Accept header", RuntimeWarning)
        mime, graph = ask(endpoint, CONSTRUCT, GET, JSON)
    assert mime == "application/ld+json" and (URIRef(COUNCIL), None, None) in graph


def test_relative_iris_through_sparqlwrapper(endpoint):
    mime, dom = ask(endpoint, "SELECT ?x WHERE { BIND(<meeting/rats-council/40> AS ?x) }", GET)
    assert [u.firstChild.data for u in dom.getElementsByTagName("uri")] == [COUNCIL]
