"""The named queries as examples (kg/web/examples.py): for the editor, with the prefixes they use
declared, and as SHACL SPARQL executables at ``/.well-known/sparql-examples``."""

from __future__ import annotations

import pytest
from rdflib import RDF, Graph, URIRef
from rdflib.namespace import SH

from kg.web.examples import editor_text, query_form, with_prefixes


def test_sparql_examples_are_shacl_executables(client):
    response = client.get("/.well-known/sparql-examples", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    graph = Graph().parse(data=response.get_data(as_text=True), format="turtle")
    executables = set(graph.subjects(RDF.type, SH.SPARQLExecutable))
    assert len(executables) >= 10
    meetings = URIRef("http://localhost/.well-known/sparql-examples#meetings")
    assert (meetings, RDF.type, SH.SPARQLSelectExecutable) in graph
    text = str(graph.value(meetings, SH.select))
    assert "PREFIX rats:" in text and "#+" not in text
    assert graph.value(meetings, URIRef("https://schema.org/target")) == URIRef("http://localhost/sparql")


@pytest.mark.parametrize(("text", "form"), [("ASK {}", "ask"), ("# SELECT\nCONSTRUCT WHERE { ?s ?p ?o }", "construct"),
                                            ("DESCRIBE <x:y>", "describe")])
def test_query_form(text, form):
    assert query_form(text) == form


def test_with_prefixes_leaves_strings_iris_and_declared_prefixes_alone():
    text = 'PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\nSELECT * { ?s skos:x "rdfs:y" ; <urn:owl:z> ?o }'
    assert with_prefixes(text) == text


def test_editor_text_drops_the_header_and_keeps_the_summary(app):
    query = app.extensions["kg"]["queries"]["wdqs-conferences"]
    text = editor_text(query)
    assert text.startswith("# wdqs-conferences: ")
    assert "#+" not in text and "PREFIX wdt: <http://www.wikidata.org/prop/direct/>" in text
