"""The curation page and the whole graph's validation report, with Flask's test client.

The page itself is exercised in a browser by ``test_browser_curation.py``; here: what it is
served with, the routes it calls answering as the page expects (errors that name their line,
the token), and ``/report``: its formats, its cache, and a write making it new.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kg.validation.validate import Validator
from kg.web.curate import EDITOR_FILES
from kg.web.workbench import VENDOR
from server import create_app

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
CASES = Path(__file__).resolve().parents[1] / "cases" / "sources"
TOKEN = "curators-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def submission(case: str, source_id: str | None = None) -> dict:
    return {"id": source_id or case, "mapping": (CASES / case / "mapping.yaml").read_text(encoding="utf-8"),
            "text": (CASES / case / "text.txt").read_text(encoding="utf-8")}


@pytest.fixture(scope="module")
def reader(store, tmp_path_factory):
    """One read-only app for the module, so the whole graph is validated once for all its tests."""
    app = create_app(store, {"TESTING": True, "ACCEPTED_DIR": str(tmp_path_factory.mktemp("curate") / "accepted")})
    return app.test_client()


@pytest.fixture
def writer(writable_store, tmp_path):
    app = create_app(writable_store, {"TESTING": True, "API_TOKEN": TOKEN, "ACCEPTED_DIR": str(tmp_path / "accepted")})
    return app.test_client()


@pytest.fixture
def validations(monkeypatch):
    """Count the whole-graph validations."""
    calls = []
    original = Validator.validate_store

    def counted(self, store):
        calls.append(1)
        return original(self, store)

    monkeypatch.setattr(Validator, "validate_store", counted)
    return calls


# ---------------------------------------------------------------- the page


def test_codemirror_is_vendored_into_the_package():
    absent = [name for name in EDITOR_FILES if not (VENDOR / "codemirror" / name).is_file()]
    assert not absent, f"run `make vendor` (make test does): {absent} missing from {VENDOR / 'codemirror'}"
    assert (VENDOR / "codemirror" / "LICENSE").is_file(), "the licence is copied with the code"


def test_curation_page_loads_its_editor_from_this_server(reader):
    page = reader.get("/curate", headers=HTML)
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    for name in ("codemirror.js", "yaml.js", "lint.js", "codemirror.css", "lint.css"):
        assert f"/assets/vendor/codemirror/{name}" in sources, name
    assert "/assets/curate.js" in sources
    assert not [s for s in sources if s.startswith(("http:", "https:", "//"))], "nothing from outside"
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    for path in [s for s in sources if s.startswith("/assets/")]:
        response = reader.get(path)
        response.close()
        assert response.status_code == 200, path


def test_curation_page_has_every_control_and_no_form_that_could_put_the_token_in_a_url(reader):
    html = reader.get("/curate", headers=HTML).get_data(as_text=True)
    for control in ('id="text"', 'id="text-file"', 'id="language"', 'id="draft"', 'id="mapping"', 'id="mapping-file"',
                    'id="source-id"', 'id="report"', 'id="submit"', 'id="outcome"'):
        assert control in html, control
    assert re.search(r'<input type="password" id="token" autocomplete="off"', html)
    assert "<form" not in html.split("<main>", 1)[1], "a form could submit the token in a URL"
    config = json.loads(re.search(r'<script id="curate-config" type="application/json">(.*?)</script>', html, re.DOTALL)[1])
    assert config == {"draft": "/draft", "validate": "/validate", "sources": "/sources", "report": "/report",
                      "base": "https://w3id.org/sco-rats/", "delay": 600, "writable": False}
    languages = re.findall(r'<option value="(\w*)">', html)
    assert languages == ["", "en", "ru", "zh"]
    assert 'id="read-only"' in html, "a server without a token says submissions are off"


def test_a_writable_server_does_not_say_it_is_read_only(writer):
    html = writer.get("/curate", headers=HTML).get_data(as_text=True)
    assert 'id="read-only"' not in html and '"writable": true' in html


def test_the_nav_and_the_landing_page_link_the_curation_page_and_the_report(reader):
    for path in ("/", "/ontology"):
        html = reader.get(path, headers=HTML).get_data(as_text=True)
        nav = html.split("<nav>", 1)[1].split("</nav>", 1)[0]
        assert 'href="/curate"' in nav and 'href="/report"' in nav, path
    assert 'id="report-link"' in reader.get("/", headers=HTML).get_data(as_text=True)


# ---------------------------------------------------------------- what the page relies on


def test_an_engine_error_names_the_line_the_page_marks(reader):
    case = submission("agreeing-source")
    lines = case["mapping"].splitlines()
    at = next(i for i, line in enumerate(lines) if "quote:" in line)
    lines[at] = lines[at].replace("quote: ", "quote: NOT IN THE TEXT ", 1)
    response = reader.post("/validate", json={**case, "mapping": "\n".join(lines)}, headers={"Accept": "text/html"})
    assert response.status_code == 400 and response.mimetype == "application/json"
    message = response.get_json()["error"]
    line = int(re.search(r"\bline (\d+)", message)[1])
    assert "quote not found" in message and at - 3 <= line - 1 <= at, (at, message)  # the fact's first line
    yaml_error = reader.post("/validate", json={**case, "mapping": "facts: ["}).get_json()["error"]
    assert re.search(r"\bline 1, column \d+", yaml_error)


def test_a_valid_mapping_gets_the_html_report(reader):
    response = reader.post("/validate", json=submission("agreeing-source"), headers={"Accept": "text/html"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "violation(s)" in response.get_data(as_text=True)


@pytest.mark.parametrize("kwargs, status", [
    ({"data": "x", "content_type": "application/pdf"}, 415),
    ({"json": {"id": "x", "text": "t"}}, 400),
    ({"data": "x" * (5 * 1024 * 1024 + 1), "content_type": "application/json"}, 413),
])
def test_errors_are_json_with_a_message_the_page_can_show(reader, kwargs, status):
    response = reader.post("/validate", **kwargs)
    assert response.status_code == status
    body = response.get_json()
    assert body["ok"] is False and body["status"] == status and body["error"]


def test_drafting_for_the_page(reader):
    text = (CASES / "agreeing-source" / "text.txt").read_text(encoding="utf-8")
    answer = reader.post("/draft", json={"text": text}, headers={"Accept": "application/json"}).get_json()
    assert answer["ok"] and answer["language"] == "en" and "facts:" in answer["mapping"]
    assert reader.post("/draft", json={"text": "  "}).status_code == 400


def test_submitting_needs_the_token(writer, reader):
    assert writer.post("/sources", json=submission("agreeing-source")).status_code == 401
    assert writer.post("/sources", json=submission("agreeing-source"),
                       headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert reader.post("/sources", json=submission("agreeing-source"), headers=AUTH).status_code == 403  # read-only


def test_submitted_source_is_in_the_graph_and_a_second_time_is_409(writer):
    response = writer.post("/sources", json=submission("agreeing-source"), headers={**AUTH, "Accept": "text/html"})
    assert response.status_code == 201 and response.mimetype == "text/html"
    assert response.headers["Location"].endswith("/sources/agreeing-source")
    again = writer.post("/sources", json=submission("agreeing-source"), headers={**AUTH, "Accept": "text/html"})
    assert again.status_code == 409 and again.get_json()["error"]


def test_a_contradiction_is_refused_with_its_report(writer):
    response = writer.post("/sources", json=submission("member-and-observer"), headers={**AUTH, "Accept": "text/html"})
    assert response.status_code == 422
    body = response.get_json()
    assert body["error"] and body["report"]["conforms"] is False


# ---------------------------------------------------------------- the whole graph's report


def test_report_page_for_browsers(reader):
    page = reader.get("/report", headers=HTML)
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert "Validation report of the whole graph" in html and "<nav>" in html
    counts = reader.get("/report", headers={"Accept": "application/json"}).get_json()["counts"]
    summary = re.search(r'<p id="report-summary"[^>]*>(.*?)</p>', html, re.DOTALL)[1]
    assert f"{counts['Violation']} violation(s)" in summary and f"{counts['Warning']} warning(s)" in summary
    assert html.count('<section class="finding') == sum(counts.values())
    assert 'href="/person/ruslan-mirzayev"' in html, "our entities link to their pages here"
    assert "https://w3id.org/sco-rats/person/" not in re.sub(r"<code>.*?</code>", "", html)
    assert page.headers["Vary"] == "Accept"


@pytest.mark.parametrize("headers, query, mimetype, starts", [
    ({"Accept": "application/json"}, "", "application/json", "{"),
    ({}, "", "application/json", "{"),
    ({"Accept": "text/plain"}, "", "text/plain", ""),
    ({"Accept": "text/turtle"}, "", "text/turtle", ""),
    ({"Accept": "application/ld+json"}, "", "application/ld+json", ""),
    (HTML, "?format=json", "application/json", "{"),
    (HTML, "?format=text", "text/plain", ""),
    (HTML, "?format=html", "text/html", "<!doctype html>"),
])
def test_report_by_content_negotiation(reader, headers, query, mimetype, starts):
    response = reader.get("/report" + query, headers=headers)
    assert response.status_code == 200 and response.mimetype == mimetype
    assert response.get_data(as_text=True).startswith(starts)


def test_report_formats_agree(reader):
    counts = reader.get("/report?format=json").get_json()["counts"]
    text = reader.get("/report?format=text").get_data(as_text=True)
    assert f"{counts['Violation']} violation(s), {counts['Warning']} warning(s), {counts['Info']} note(s)" in text


def test_report_refuses_what_it_cannot_give(reader):
    assert reader.get("/report?format=pdf").status_code == 400
    refused = reader.get("/report", headers={"Accept": "image/png"})
    assert refused.status_code == 406 and refused.get_json()["error"]


def test_report_is_computed_once_per_state_of_the_store(writer, validations):
    first = writer.get("/report", headers=HTML)
    writer.get("/report?format=json")
    writer.get("/report?format=text")
    assert first.status_code == 200 and len(validations) == 1
    before = writer.get("/report?format=json").get_json()
    assert writer.post("/sources", json=submission("agreeing-source"), headers=AUTH).status_code == 201
    after = writer.get("/report?format=json").get_json()
    assert len(validations) == 2, "a write makes the report new"
    sources = {s for r in after["results"] for s in r["sources"]} - {s for r in before["results"] for s in r["sources"]}
    assert sources <= {"https://w3id.org/sco-rats/source/agreeing-source"}
    writer.get("/report", headers=HTML)
    assert len(validations) == 2
