"""The ontology as a page (kg/web/ontology_page.py): every term with its label, comment,
alignments and how many instances the graph has."""

from __future__ import annotations

import re

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def page(client, path):
    response = client.get(path, headers=HTML)
    assert response.status_code == 200, (path, response.get_data(as_text=True)[:500])
    assert response.mimetype == "text/html", path
    return response.get_data(as_text=True)


def test_ontology_is_a_readable_page(client):
    html = page(client, "/ontology")
    assert "Council meeting" in html and "A meeting of the Council of the SCO RATS" in html
    assert 'id="CouncilMeeting"' in html
    assert "wd:Q2020153" in html  # an alignment
    assert re.search(r"[1-9][\d,]* instances in the graph", html)
