"""The named queries as forms for people (kg/web/query_pages.py): the list, a form per query,
its results as a table, and a parameter that is missing or wrong said on the page."""

from __future__ import annotations

from html_page import page


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
