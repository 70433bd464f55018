"""Validating and adding sources over HTTP (the routes of kg/web/intake.py): ``POST /validate``
changes nothing and names both sides of a contradiction; ``POST /sources`` needs the token, adds
all of a source or nothing, and the source is listed and queryable at once."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

BASE = "https://w3id.org/sco-rats/"
CASES = Path(__file__).resolve().parents[1] / "cases" / "sources"


def submission(case: str, source_id: str | None = None) -> dict:
    return {"id": source_id or case, "mapping": (CASES / case / "mapping.yaml").read_text(),
            "text": (CASES / case / "text.txt").read_text()}


@pytest.fixture
def writer(writable_store, tmp_path):
    from server import create_app

    app = create_app(writable_store, {"TESTING": True, "API_TOKEN": "s3cret", "ACCEPTED_DIR": str(tmp_path / "accepted")})
    return app.test_client()


AUTH = {"Authorization": "Bearer s3cret"}


def count(client) -> int:
    return client.get("/health").get_json()["quads"]


def test_dry_run_names_both_sides_and_changes_nothing(writer):
    before = count(writer)
    response = writer.post("/validate", json=submission("conference-8-in-2023"))
    assert response.status_code == 200
    report = response.get_json()
    assert report["conforms"] is False
    clash = next(r for r in report["results"] if r["shape"].endswith("OneDateRangePerMeeting") and r["involvesCandidate"])
    sources = {s["source"].rsplit("/", 1)[1] for v in clash["values"] for s in v["statements"]}
    assert sources == {"002_cdc5ba49de91e49a", "conference-8-in-2023"}
    assert all(s["quote"] for v in clash["values"] for s in v["statements"])  # the graph's side is quoted too
    assert count(writer) == before


@pytest.mark.parametrize("accept, mimetype", [("text/html", "text/html"), ("text/plain", "text/plain"),
                                               ("text/turtle", "text/turtle"), ("application/ld+json", "application/ld+json")])
def test_report_formats_over_http(writer, accept, mimetype):
    response = writer.post("/validate", json=submission("misspelt-official"), headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == mimetype


def test_validate_accepts_multipart_and_rdf(writer, built):
    case = CASES / "agreeing-source"
    form = {"mapping": (io.BytesIO((case / "mapping.yaml").read_bytes()), "mapping.yaml"),
            "text": (io.BytesIO((case / "text.txt").read_bytes()), "agreeing.txt")}
    response = writer.post("/validate", data=form, content_type="multipart/form-data")
    assert response.status_code == 200 and response.get_json()["conforms"] is True
    turtle = built.sources[3].stated.serialize(format="turtle").replace("003_447af5d37e1149f2", "copy-003")
    response = writer.post("/validate", data=turtle, content_type="text/turtle")
    assert response.status_code == 200, response.get_json()


@pytest.mark.parametrize(
    "kwargs, status, message",
    [
        ({"json": {"id": "x", "mapping": "facts: [", "text": "t"}}, 400, "invalid YAML"),
        ({"json": {"id": "x", "text": "t"}}, 400, "missing field(s): mapping"),
        ({"data": "<a> <b>", "content_type": "text/turtle"}, 400, "not valid turtle"),
        ({"data": "x", "content_type": "application/pdf"}, 415, "unsupported body type"),
        ({"json": {"id": "x", "mapping": "source: {language: en}\nfacts:\n  - {subject: meeting/rats-council/40, quote: nowhere, a: CouncilMeeting}\n", "text": "t"}}, 400, "quote not found"),
    ],
)
def test_bad_submissions_are_4xx_with_a_message(writer, kwargs, status, message):
    before = count(writer)
    response = writer.post("/validate", **kwargs)
    assert response.status_code == status
    assert message in response.get_json()["error"]
    assert count(writer) == before


def test_intake_needs_a_token(writer, client):
    assert client.post("/sources", json=submission("agreeing-source")).status_code == 403  # read-only app
    response = writer.post("/sources", json=submission("agreeing-source"))
    assert response.status_code == 401 and "Bearer" in response.headers["WWW-Authenticate"]
    assert writer.post("/sources", json=submission("agreeing-source"),
                       headers={"Authorization": "Bearer wrong"}).status_code == 403


def test_accepted_source_is_listed_and_queryable_at_once(writer):
    response = writer.post("/sources", json=submission("agreeing-source"), headers=AUTH)
    assert response.status_code == 201 and response.headers["Location"].endswith("/sources/agreeing-source")
    listed = {s["id"]: s for s in writer.get("/sources").get_json()}
    assert listed["agreeing-source"]["accepted"] and len(listed) == 26  # 25 built, 1 accepted
    shown = writer.get("/sources/agreeing-source").get_json()
    assert shown["intake"]["report"]["conforms"] is True
    rows = writer.get("/queries/meetings", query_string={"meeting": BASE + "meeting/rats-conference/5"}).get_json()
    assert {b["source"]["value"].rsplit("/", 1)[1] for b in rows["results"]["bindings"]} == {
        "003_447af5d37e1149f2", "agreeing-source"}
    assert writer.post("/sources", json=submission("agreeing-source"), headers=AUTH).status_code == 409


def test_contradicting_source_is_refused_unless_overridden(writer):
    before = count(writer)
    response = writer.post("/sources", json=submission("member-and-observer"), headers=AUTH)
    assert response.status_code == 422 and response.get_json()["report"]["conforms"] is False
    assert count(writer) == before
    response = writer.post("/sources", json=submission("member-and-observer"), headers=AUTH,
                           query_string={"override_reason": "checked with the organiser"})
    assert response.status_code == 201
    assert writer.get("/sources/member-and-observer").get_json()["intake"]["override_reason"] == "checked with the organiser"


def test_unknown_source_is_404(client):
    assert client.get("/sources/nope").status_code == 404
