"""Pages for people: the landing page, the named queries as forms, the ontology, VoID; RDF links give RDF."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS

from kg.web.protocol import DATA_LICENCE

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
README = Path(__file__).resolve().parents[2] / "README.md"


def page(client, path):
    response = client.get(path, headers=HTML)
    assert response.status_code == 200, (path, response.get_data(as_text=True)[:500])
    assert response.mimetype == "text/html", path
    return response.get_data(as_text=True)


def test_landing_page_says_what_the_graph_is_and_how_to_use_it(client, store):
    html = page(client, "/")
    assert "Regional Anti-Terrorist Structure" in html
    quads = sum(1 for q in store if not isinstance(q.graph_name, ox.DefaultGraph))
    assert f"{quads:,}" in html
    for link in ("/sparql", "/queries", "/.well-known/void", "/dumps/dataset.nq.gz", "/dumps/dataset.trig.gz",
                 "/ontology", "/.well-known/sparql-examples"):
        assert f'href="{link}"' in html, link
    assert html.count('id="licence"') == 1  # one licence, stated once; the footer and the citation name the same
    assert set(re.findall(r"https://creativecommons\.org/[^\"'<\s]*", html)) == {DATA_LICENCE[0]}
    assert "How to cite" in html and "https://w3id.org/sco-rats/" in html
    assert "International Conference of the SCO RATS in Tashkent" in html  # a source, by its title


def test_landing_page_questions_open_in_the_editor_and_parse(client):
    html = page(client, "/")
    links = re.findall(r'<a class="ask" href="/sparql#query=([^&"]+)&amp;endpoint=', html)
    assert len(links) >= 5
    from urllib.parse import unquote

    store = ox.Store()
    for link in links:
        store.query(unquote(link))  # every prefix it uses is declared


def test_landing_page_has_schema_org_dataset_json_ld(client):
    html = page(client, "/")
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL).group(1))
    assert data["@type"] == "Dataset" and data["license"] == DATA_LICENCE[0]
    assert {d["contentUrl"] for d in data["distribution"]} >= {"http://localhost/dumps/dataset.nq.gz",
                                                               "http://localhost/sparql"}
    triples = list(ox.parse(json.dumps({**data, "@context": {"@vocab": "https://schema.org/"}}),
                            format=ox.RdfFormat.JSON_LD))  # the context, inlined: nothing is fetched
    assert len(triples) > 10


@pytest.mark.parametrize("accept", [HTML["Accept"], "application/json"])
def test_landing_page_signposting(client, accept):
    links = client.get("/", headers={"Accept": accept}).headers["Link"]
    assert '<https://w3id.org/sco-rats/>; rel="cite-as"' in links
    assert '<http://localhost/.well-known/void>; rel="describedby"; type="text/turtle"' in links
    assert f'<{DATA_LICENCE[0]}>; rel="license"' in links
    assert '<http://localhost/dumps/dataset.nq.gz>; rel="item"; type="application/n-quads+gzip"' in links


def test_json_clients_of_the_home_page_keep_getting_json(client):
    for accept in ("application/json", None, "*/*"):
        response = client.get("/", headers={"Accept": accept} if accept else {})
        assert response.mimetype == "application/json", accept
        assert response.get_json()["sparql"] == "http://localhost/sparql"


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


def test_named_queries_as_forms(client):
    html = page(client, "/queries")
    assert 'href="/queries/participants"' in html and "required" in html  # evidence needs a subject
    form = page(client, "/queries/participants")
    assert '<input type="text" name="meeting"' in form and "rows" in form
    one = page(client, "/queries/participants?meeting=https://w3id.org/sco-rats/meeting/rats-council/40")
    assert 'href="/state/india"' in one and "/meeting/rats-conference/8" not in one.split('id="results"')[1].split("</table>")[0]
    assert 'href="/queries/participants?meeting=https' in one and "format=csv" in one
    assert 'href="/sparql#query=' in one  # open in the editor


def test_named_query_form_with_a_required_parameter_and_a_bad_value(client):
    html = page(client, "/queries/evidence")
    assert "Give subject to run it." in html
    bad = page(client, "/queries/evidence?subject=not an iri")
    assert 'class="error"' in bad and "must be an absolute IRI" in bad


def test_named_query_downloads_are_the_api_answers(client):
    response = client.get("/queries/meetings?format=csv", headers=HTML)
    assert response.mimetype == "text/csv"
    assert client.get("/queries", headers={"Accept": "application/json"}).mimetype == "application/json"


def test_ontology_is_a_readable_page(client):
    html = page(client, "/ontology")
    assert "Council meeting" in html and "A meeting of the Council of the SCO RATS" in html
    assert 'id="CouncilMeeting"' in html
    assert "wd:Q2020153" in html  # an alignment
    assert re.search(r"[1-9][\d,]* instances in the graph", html)


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


def test_void_is_readable_in_a_browser(client):
    html = page(client, "/.well-known/void")
    assert "void:triples" in html and "void:subset" in html and DATA_LICENCE[0] in html
