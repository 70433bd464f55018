"""The landing page (kg/web/landing.py): what the graph is and how to use it, its schema.org
Dataset, its signposting links, and the questions it opens in the editor."""

from __future__ import annotations

import json
import re

import pyoxigraph as ox
import pytest

from kg.web.protocol import DATA_LICENCE

from html_page import HTML, page


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


def test_the_counts_follow_a_write(writable_store, tmp_path):
    from server import create_app

    client = create_app(writable_store, {"TESTING": True, "API_TOKEN": "t",
                                         "ACCEPTED_DIR": str(tmp_path / "accepted")}).test_client()
    before = client.get("/health").get_json()["quads"]
    assert f">{before:,}</div>quads" in page(client, "/")
    update = "INSERT DATA { GRAPH <https://w3id.org/sco-rats/graph/probe> { <urn:a> <urn:b> <urn:c> } }"
    assert client.post("/update", data=update, content_type="application/sparql-update",
                       headers={"Authorization": "Bearer t"}).status_code == 204
    html = page(client, "/")
    assert f">{before + 1:,}</div>quads" in html and f">{before:,}</div>quads" not in html, "computed again after a write"
