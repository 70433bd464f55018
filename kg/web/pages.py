"""Linked data: the home page, a page (or RDF) for every entity IRI, and the ontology."""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, jsonify, render_template, url_for

from kg.errors import BadRequest
from kg.namespaces import BASE, ONTOLOGY_GRAPH
from kg.web.common import local_link, state
from kg.web.describe import describe, rdf_description, source_of
from kg.web.negotiation import triples_response, wants_html

blueprint = Blueprint("pages", __name__)

ENTITY_KINDS = ("meeting", "series", "state", "city", "region", "site", "org", "person", "post", "measure",
                "participation", "membership", "holding", "statistic", "document", "incident", "project", "source")
"""The first segment of every entity path the mappings mint (``/meeting/rats-council/40``)."""


@blueprint.route("/")
def index():
    """Say what the service offers."""
    return jsonify({
        "name": "SCO RATS knowledge graph",
        "sparql": url_for("sparql.sparql", _external=True),
        "queries": url_for("queries.list_queries", _external=True),
    })


@blueprint.route("/entity/<path:path>")
def entity(path: str):
    """A linked-data page for an entity IRI: HTML for people, RDF by content negotiation."""
    iri = BASE + path
    try:
        ox.NamedNode(iri)
    except ValueError as exc:  # a space, '<', '"', NUL, an undecodable byte: no entity has such an IRI
        raise BadRequest(f"{('/' + path)[:200]!r} is not an entity path: {exc}") from None
    store = state()["store"]
    if wants_html():
        return render_template("entity.html", entity=describe(store, iri), local=local_link, source_of=source_of)
    return triples_response(rdf_description(store, iri))


@blueprint.route("/<any(" + ", ".join(ENTITY_KINDS) + "):kind>/<path:rest>")
def entity_kind(kind: str, rest: str):
    """An entity at its own IRI's path (``/person/ruslan-mirzayev``)."""
    return entity(f"{kind}/{rest}")


@blueprint.route("/ontology")
def ontology():
    """The ontology, by content negotiation."""
    store = state()["store"]
    return triples_response([q.triple for q in store.quads_for_pattern(None, None, None,
                                                                          ox.NamedNode(str(ONTOLOGY_GRAPH)))])
