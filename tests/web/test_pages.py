"""Linked data (the routes of kg/web/pages.py): the home page for people or JSON clients, a page
or RDF for every entity IRI by content negotiation, the ontology; every RDF link on a page gives RDF."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest

from html_page import HTML, page


def test_json_clients_of_the_home_page_keep_getting_json(client):
    for accept in ("application/json", None, "*/*"):
        response = client.get("/", headers={"Accept": accept} if accept else {})
        assert response.mimetype == "application/json", accept
        assert response.get_json()["sparql"] == "http://localhost/sparql"


@pytest.mark.parametrize("path", ["/ontology", "/.well-known/void", "/meeting/rats-conference/8",
                                  "/.well-known/sparql-examples", "/sparql/description"])
def test_every_rdf_link_on_a_page_gives_rdf(client, path):
    html = page(client, path)
    links = set(re.findall(r'href="(\?format=[a-z]+)"', html))
    assert {"?format=turtle", "?format=jsonld", "?format=ntriples"} <= links
    for link in links:
        response = client.get(path + link, headers=HTML)  # a browser following the link
        assert response.status_code == 200 and response.mimetype != "text/html", (path, link)
        fmt = ox.RdfFormat.from_media_type(response.mimetype)
        assert list(ox.parse(response.data, format=fmt)), (path, link)


@pytest.mark.parametrize("accept", ["text/turtle", "application/ld+json", "application/n-triples"])
def test_entity_as_rdf(client, accept):
    response = client.get("/person/ruslan-mirzayev", headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == accept
    triples = list(ox.parse(response.data, format=ox.RdfFormat.from_media_type(accept)))
    assert any(t.object.value == "Ruslan Mirzayev" for t in triples)


def test_every_kind_of_entity_the_graph_names_has_its_pages(store, client):
    """The first segment of every entity IRI the sources mint is a route of its own: a new kind in
    a mapping (statement/, event/ ...) must not answer 404 on its page."""
    from kg.web.pages import ENTITY_KINDS

    base = "https://w3id.org/sco-rats/"
    first = {}
    for row in store.query(f"SELECT DISTINCT ?s WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER (STRSTARTS(STR(?s), '{base}')) }}"):
        rest = row[0].value[len(base):]
        if "/" in rest and not rest.startswith(("ontology", "wikibase/", "graph/")):
            first.setdefault(rest.split("/")[0], rest)
    assert set(first) <= set(ENTITY_KINDS), sorted(set(first) - set(ENTITY_KINDS))
    for kind, path in first.items():
        assert client.get("/" + path, headers=HTML).status_code == 200, path


def test_unknown_entity_is_404(client):
    assert client.get("/person/nobody", headers={"Accept": "text/html"}).status_code == 404
