"""The SPARQL 1.1 Protocol's rules apart from any route (kg/web/protocol.py): one query request's
parameters, the dataset they select, what is refused for reaching out, and the service
description and VoID it writes (served at ``/sparql`` and ``/.well-known/void``)."""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS

from kg.web.protocol import DATA_LICENCE

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
