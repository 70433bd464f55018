"""The Wikidata-style exports over HTTP (the route of kg/web/exports.py)."""

from __future__ import annotations

BASE = "https://w3id.org/sco-rats/"
M8 = BASE + "meeting/rats-conference/8"


def test_http_routes(client):
    response = client.get("/export/quickstatements", query_string={"entity": M8})
    assert response.status_code == 200 and response.get_data(as_text=True) == ""  # not marked new: nothing
    assert int(response.headers["X-Skipped-Statements"]) > 0
    listed = client.get("/export/reconcile-csv")
    assert listed.mimetype == "text/csv" and M8 in listed.get_data(as_text=True)
    assert client.get("/export/wikibase", query_string={"entity": M8}).mimetype == "text/turtle"
    assert client.get("/export/nope").status_code == 400
    assert client.get("/export/quickstatements", query_string={"entity": BASE + "person/x"}).status_code == 404
