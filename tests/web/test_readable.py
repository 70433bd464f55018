"""RDF descriptions as pages (kg/web/readable.py): VoID and the service description readable in
a browser, each node with its statements, our IRIs shortened and linked."""

from __future__ import annotations

from kg.web.protocol import DATA_LICENCE

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def page(client, path):
    response = client.get(path, headers=HTML)
    assert response.status_code == 200, (path, response.get_data(as_text=True)[:500])
    assert response.mimetype == "text/html", path
    return response.get_data(as_text=True)


def test_void_is_readable_in_a_browser(client):
    html = page(client, "/.well-known/void")
    assert "void:triples" in html and "void:subset" in html and DATA_LICENCE[0] in html
