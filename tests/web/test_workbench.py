"""The query editor's page, its vendored files, its vocabulary and the examples, without a browser."""

from __future__ import annotations

import json
import re

import pyoxigraph as ox

from kg.web.workbench import VENDOR, VENDORED

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def test_the_editor_is_vendored_into_the_package():
    absent = [name for name in VENDORED if not (VENDOR / name).is_file()]
    assert not absent, f"run `make vendor` (make test does): {absent} missing from {VENDOR}"


def test_editor_page_loads_yasgui_from_this_server(client):
    page = client.get("/sparql", headers=HTML)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert "/assets/vendor/yasgui.min.js" in sources and "/assets/vendor/yasgui.min.css" in sources
    assert not [s for s in sources if s.startswith(("http:", "https:", "//"))], "nothing from outside"
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    for path in ("/assets/vendor/yasgui.min.js", "/assets/vendor/yasgui.min.css", "/assets/editor.js"):
        response = client.get(path)
        response.close()
        assert response.status_code == 200, path


def test_editor_examples_are_the_named_queries_unescaped_with_their_prefixes(client):
    html = client.get("/sparql", headers=HTML).get_data(as_text=True)
    config = json.loads(re.search(r'<script id="workbench-config" type="application/json">(.*?)</script>', html,
                                  re.DOTALL).group(1))
    names = [e["name"] for e in config["examples"]]
    assert {"meetings", "participants", "evidence", "wdqs-statistics"} <= set(names)
    for example in config["examples"]:
        assert "&lt;" not in example["query"]
        ox.Store().query(example["query"])  # parses with no predefined prefixes: all are declared
    assert config["prefixes"]["rats"] == "https://w3id.org/sco-rats/ontology#"


def test_the_editor_says_how_to_vendor_it_when_its_files_are_missing(client, monkeypatch, tmp_path):
    monkeypatch.setattr("kg.web.workbench.VENDOR", tmp_path)
    html = client.get("/sparql", headers=HTML).get_data(as_text=True)
    assert "make vendor" in html and "yasgui.min.js" not in re.sub(r"<p class=\"error\".*?</p>", "", html, flags=re.DOTALL)


def test_terms_for_autocompletion_come_from_the_ontology_and_the_data(client):
    terms = client.get("/sparql/terms.json").get_json()
    classes = {t["iri"]: t["label"] for t in terms["class"]}
    properties = {t["iri"] for t in terms["property"]}
    assert classes["https://w3id.org/sco-rats/ontology#CouncilMeeting"]
    assert "https://w3id.org/sco-rats/ontology#startDate" in properties
    assert "http://www.w3.org/2004/02/skos/core#prefLabel" in properties  # used in the data


def test_sparql_examples_are_readable_in_a_browser(client):
    page = client.get("/.well-known/sparql-examples", headers=HTML)
    assert page.mimetype == "text/html"
    assert "sh:SPARQLSelectExecutable" in page.get_data(as_text=True)


def test_service_description_is_readable_in_a_browser_and_rdf_for_clients(client):
    page = client.get("/sparql/description", headers=HTML)
    assert page.mimetype == "text/html" and "sd:Service" in page.get_data(as_text=True)
    rdf = client.get("/sparql/description?format=turtle")
    assert rdf.mimetype == "text/turtle"
    assert "creativecommons.org/licenses/by/4.0" in rdf.get_data(as_text=True)


def test_browser_gets_a_query_form_without_outside_assets(client):
    response = client.get("/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    page = response.get_data(as_text=True)
    assert response.mimetype == "text/html" and 'id="yasgui"' in page and "meetings" in page
    assert "src=\"http" not in page and "href=\"http" not in page.replace('href="http://localhost', "")
