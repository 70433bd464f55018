"""The named queries as an API (the routes of kg/web/queries.py): the list, each query with its
parameters and formats, and its errors."""

from __future__ import annotations

import csv
import io

BASE = "https://w3id.org/sco-rats/"
HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def test_named_query_list(client):
    names = {q["name"] for q in client.get("/queries").get_json()}
    assert {"meetings", "participants", "people", "statistics", "memberships", "sources", "evidence"} <= names


def test_named_query_with_parameter_in_csv(client):
    response = client.get("/queries/participants", query_string={"meeting": BASE + "meeting/rats-council/40",
                                                                  "format": "csv"})
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len({r["participant"] for r in rows if "/state/" in r["participant"]}) == 11


def test_named_query_errors(client):
    assert client.get("/queries/nope").status_code == 404
    missing = client.get("/queries/evidence")
    assert missing.status_code == 400 and "subject" in missing.get_json()["error"]


def test_named_query_downloads_are_the_api_answers(client):
    response = client.get("/queries/meetings?format=csv", headers=HTML)
    assert response.mimetype == "text/csv"
    assert client.get("/queries", headers={"Accept": "application/json"}).mimetype == "application/json"
