"""Wikidata-style exports over HTTP: QuickStatements (V1 or CSV) and the Wikibase RDF view."""

from __future__ import annotations

from flask import Blueprint, Response, request

from kg.web.common import state
from kg.wikidata.exports import KINDS, render_export

blueprint = Blueprint("exports", __name__)


@blueprint.route("/export/<kind>")
def export(kind: str):
    """QuickStatements (TAB or CSV) or Wikibase RDF, of the whole graph or ``?entity=IRI``."""
    text, skipped = render_export(state()["store"], kind, request.args.get("entity"))
    response = Response(text, content_type=KINDS[kind] + "; charset=utf-8")
    response.headers["X-Skipped-Statements"] = str(skipped)
    return response
