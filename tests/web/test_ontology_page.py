"""The ontology as a page (kg/web/ontology_page.py): every term with its label, comment,
alignments and how many instances the graph has."""

from __future__ import annotations

import re

from html_page import page


def test_ontology_is_a_readable_page(client):
    html = page(client, "/ontology")
    assert "Council meeting" in html and "A meeting of the Council of the SCO RATS" in html
    assert 'id="CouncilMeeting"' in html
    assert "wd:Q2020153" in html  # an alignment
    assert re.search(r"[1-9][\d,]* instances in the graph", html)
