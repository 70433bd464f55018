"""RDF descriptions as pages (kg/web/readable.py): VoID and the service description readable in
a browser, each node with its statements, our IRIs shortened and linked."""

from __future__ import annotations

from rdflib import Graph

from kg.web.protocol import DATA_LICENCE
from kg.web.readable import nodes, short

from html_page import page


def test_void_is_readable_in_a_browser(client):
    html = page(client, "/.well-known/void")
    assert "void:triples" in html and "void:subset" in html and DATA_LICENCE[0] in html


def test_nodes_are_named_subjects_most_statements_first_with_their_rows(app):
    graph = Graph().parse(format="turtle", data="""
        @prefix dct: <http://purl.org/dc/terms/> . @prefix void: <http://rdfs.org/ns/void#> .
        <https://w3id.org/sco-rats/.well-known/void#dataset> a void:Dataset ; dct:title "The dataset" ;
            void:triples 5 ; void:exampleResource <https://w3id.org/sco-rats/state/india> ;
            dct:creator [ dct:title "a curator" ] .
        <https://w3id.org/sco-rats/state/india> void:triples 2 .""")
    with app.test_request_context("/"):
        dataset, authority = nodes(graph)
    assert (dataset.label, dataset.anchor) == ("The dataset", "dataset")
    assert [t.text for t in dataset.types] == ["void:Dataset"]
    rows = {predicate.text: values for predicate, values in dataset.rows}
    assert list(rows) == ["dct:creator", "dct:title", "void:exampleResource", "void:triples"]  # rdf:type shown apart
    assert rows["void:triples"][0].text == "5" and rows["void:triples"][0].datatype == "xsd:integer"
    assert rows["void:exampleResource"][0].href == "/state/india"  # our entities link to their pages here
    [creator] = rows["dct:creator"]
    assert creator.text == "" and creator.rows[0][1][0].text == "a curator"  # a blank node's rows, inline
    assert authority.label == short("https://w3id.org/sco-rats/state/india") and authority.anchor == authority.iri


def test_short_names_an_iri_by_the_longest_prefix_that_fits():
    assert short("https://w3id.org/sco-rats/ontology#Person") == "rats:Person"
    assert short("http://www.w3.org/ns/sparql-service-description#Service") == "sd:Service"
