"""The named queries of ``queries/`` as an API: the list, each one with its parameters, OpenAPI."""

from __future__ import annotations

from flask import Blueprint, jsonify, request, url_for

from kg.web import named_queries, query_pages
from kg.web.answers import answer
from kg.web.common import state
from kg.web.negotiation import FORMAT_PARAMETERS, wants_html
from kg.web.openapi import openapi_document
from kg.wikidata.wdqs import rewrite_label_service

blueprint = Blueprint("queries", __name__)


@blueprint.route("/queries")
def list_queries():
    """List the named queries with their summaries and parameters (a page in a browser)."""
    if wants_html():
        return query_pages.list_page()
    return jsonify([
        {
            "name": q.name,
            "summary": q.summary,
            "description": q.description,
            "params": [vars(p) for p in q.params],
            "url": url_for("queries.run_query", name=q.name, _external=True),
        }
        for q in state()["queries"].values()
    ])


@blueprint.route("/queries/<name>")
def run_query(name: str):
    """Run a named query with its parameters from the URL."""
    query = named_queries.get_query(state()["queries"], name)
    if wants_html() and not any(name in request.args for name in FORMAT_PARAMETERS):
        return query_pages.query_page(query)
    values = {k: v for k, v in request.args.items() if k not in FORMAT_PARAMETERS}
    return answer(rewrite_label_service(query.text), {}, query.bind(values))


@blueprint.route("/openapi.json")
def openapi():
    """An OpenAPI 3 document generated from the named queries' headers."""
    return jsonify(openapi_document(state()["queries"].values(), url_for("pages.index", _external=True)))
