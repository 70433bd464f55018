"""The SPARQL 1.1 Protocol's rules apart from any route (kg/web/protocol.py): one query request's
parameters, the dataset they select, what is refused for reaching out, and the service
description and VoID it writes (served at ``/sparql`` and ``/.well-known/void``)."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, VOID

from kg.errors import BadRequest
from kg.web.protocol import (DATA_LICENCE, SD, Forbidden, dataset, query_request, refuse_remote_access,
                             service_description, void_description)

BASE = "https://w3id.org/sco-rats/"
README = Path(__file__).resolve().parents[2] / "README.md"


def test_service_description_at_the_endpoint(client):
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    graph = Graph().parse(data=response.get_data(as_text=True), format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert any(str(o) == sd + "SPARQL11Query" for o in graph.objects(None, None))
    assert any(str(o) == sd + "UnionDefaultGraph" for o in graph.objects(None, None))


def test_void_lists_a_subset_per_graph_with_counts_and_dumps(client):
    graph = Graph().parse(data=client.get("/.well-known/void", headers={"Accept": "text/turtle"}).get_data(as_text=True),
                          format="turtle")
    void = "http://rdfs.org/ns/void#"
    subsets = list(graph.objects(None, graph.namespace_manager.expand_curie("void:subset")))
    assert len(subsets) >= 8
    dumps = {str(o) for o in graph.objects(None, graph.namespace_manager.expand_curie("void:dataDump"))}
    assert any(d.endswith("dataset.nq.gz") for d in dumps) and any(d.endswith("dataset.trig.gz") for d in dumps)
    assert void


def test_one_licence_everywhere(client):
    void = Graph().parse(data=client.get("/.well-known/void?format=turtle").get_data(as_text=True), format="turtle")
    sd = Graph().parse(data=client.get("/sparql", headers={"Accept": "text/turtle"}).get_data(as_text=True),
                       format="turtle")
    assert set(void.objects(None, DCTERMS.license)) == {URIRef(DATA_LICENCE[0])}
    assert set(sd.objects(None, DCTERMS.license)) == {URIRef(DATA_LICENCE[0])}
    readme = README.read_text(encoding="utf-8")
    assert DATA_LICENCE[0] in readme
    others = set(re.findall(r"https?://creativecommons\.org/[^\s)]+|\bCC[- ]BY[-\w. ]*\d\.\d", readme))
    assert others <= {DATA_LICENCE[0], "CC BY 4.0"}, others


# ---------------------------------------------------------------- the rules, apart from any route


def test_a_query_request_gives_the_query_and_its_dataset():
    query, dataset = query_request(["ASK {}"], [BASE + "graph/authority"], [])
    assert query == "ASK {}" and dataset == {"default_graph": [ox.NamedNode(BASE + "graph/authority")],
                                             "named_graphs": []}
    assert query_request(["ASK {}"], [], []) == ("ASK {}", {})  # the store's default graph: the merge


@pytest.mark.parametrize("queries", [[], ["  "], ["ASK {}", "ASK {}"]])
def test_exactly_one_query(queries):
    with pytest.raises(BadRequest, match="send exactly one 'query' parameter"):
        query_request(queries, [], [])


def test_dataset_iris_must_be_absolute():
    with pytest.raises(BadRequest, match="take absolute IRIs"):
        dataset(["not an iri"], [])
    assert dataset([], [BASE + "graph/authority"]) == {"default_graph": [],
                                                        "named_graphs": [ox.NamedNode(BASE + "graph/authority")]}


def test_the_label_service_is_built_in_and_other_services_are_refused():
    query, _ = query_request(['SELECT ?s ?sLabel { VALUES ?s { <urn:x> } '
                              'SERVICE wikibase:label { bd:serviceParam wikibase:language "en". } }'], [], [])
    assert "wikibase:label" not in query
    with pytest.raises(Forbidden, match="federated queries are refused"):
        query_request(["SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"], [], [])


@pytest.mark.parametrize("update, allow_load, message", [
    ("LOAD <http://example.org/data.ttl>", False, "LOAD is disabled on this endpoint"),
    ("LOAD <file:///etc/passwd>", True, "never from file:"),
    ("INSERT { GRAPH <urn:g> { ?s ?p ?o } } WHERE { SERVICE <urn:x> { ?s ?p ?o } }", True, "SERVICE is not allowed"),
])
def test_updates_that_would_reach_out_are_refused(update, allow_load, message):
    with pytest.raises(Forbidden, match=message):
        refuse_remote_access(update, allow_load=allow_load, update=True)


def test_a_load_of_an_http_iri_is_let_through_only_when_allowed():
    refuse_remote_access("LOAD <https://example.org/data.ttl> INTO GRAPH <urn:g>", allow_load=True, update=True)


def test_text_that_was_not_parsed_is_refused_saying_so():
    with pytest.raises(Forbidden, match="this text was not parsed"):
        refuse_remote_access("SELECT * { SERVICE <urn:x> { ?s ?p ?o ")


def test_the_service_description_says_what_the_endpoint_does():
    graph = service_description("http://localhost/sparql", void_url="http://localhost/.well-known/void", update_url=None)
    languages = set(graph.objects(URIRef("http://localhost/sparql#service"), SD.supportedLanguage))
    assert languages == {SD.SPARQL11Query}
    writable = service_description("http://localhost/sparql", void_url="v", update_url="http://localhost/update")
    assert SD.SPARQL11Update in set(writable.objects(None, SD.supportedLanguage))
    assert len(set(graph.objects(None, SD.resultFormat))) == 10


def test_void_counts_each_named_graph():
    store = ox.Store()
    for name, size in (("graph/authority", 2), ("graph/source/s", 3)):
        store.extend(ox.Quad(ox.NamedNode(f"urn:s{i}"), ox.NamedNode("urn:p"), ox.Literal(str(i)),
                             ox.NamedNode(BASE + name)) for i in range(size))
    graph = void_description(store, base_url="http://localhost/", sparql_url="http://localhost/sparql",
                             dumps={"dataset.nq.gz": "http://localhost/dumps/dataset.nq.gz"})
    data = URIRef("http://localhost/.well-known/void#dataset")
    assert graph.value(data, VOID.triples).toPython() == 5
    counts = {str(graph.value(s, SD.name)): graph.value(s, VOID.triples).toPython() for s in graph.objects(data, VOID.subset)}
    assert counts == {BASE + "graph/authority": 2, BASE + "graph/source/s": 3}
    assert graph.value(data, VOID.dataDump) == URIRef("http://localhost/dumps/dataset.nq.gz")
