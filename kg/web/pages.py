"""Linked data: the home page, a page (or RDF) for every entity IRI, and the ontology."""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, render_template, request

from kg.errors import BadRequest
from kg.namespaces import BASE, ONTOLOGY_GRAPH
from kg.web.common import local_link, state
from kg.web.describe import rdf_description
from kg.web.entity_view import entity_page
from kg.web.landing import landing_json, landing_page
from kg.web.negotiation import triples_response, wants_html
from kg.web.ontology_page import ontology_page

blueprint = Blueprint("pages", __name__)

ENTITY_KINDS = ("meeting", "series", "state", "city", "region", "site", "org", "person", "post", "measure",
                "participation", "membership", "holding", "statistic", "document", "incident", "project", "source",
                "activity", "chairmanship", "event", "group", "mechanism", "statement", "interval", "travel-time")
"""The first segment of every entity path the mappings mint (``/meeting/rats-council/40``)."""


@blueprint.route("/")
def index():
    """The dataset's landing page for people; for JSON clients, what the service offers."""
    return landing_page() if wants_html() else landing_json()


@blueprint.route("/entity/<path:path>")
def entity(path: str):
    """A linked-data page for an entity IRI: HTML for people, RDF by content negotiation."""
    iri = BASE + path
    try:
        ox.NamedNode(iri)
    except ValueError as exc:  # a space, '<', '"', NUL, an undecodable byte: no entity has such an IRI
        raise BadRequest(f"{('/' + path)[:200]!r} is not an entity path: {exc}") from None
    store = state()["store"]
    if wants_html() and "format" not in request.args:
        page = entity_page(store, iri, local_link)
        titles = {r.quote.source: r.title for g in page.groups for v in g.values for r in v.references if r.quote}
        titles.update({r.quote.source: r.title for s in page.sections for _, refs in s.rows for r in refs if r.quote})
        return render_template("entity.html", entity=page, local=local_link,
                               source_title=lambda iri: titles.get(iri, iri.rsplit("/", 1)[-1]))
    return triples_response(rdf_description(store, iri))


@blueprint.route("/<any(" + ", ".join(f'"{kind}"' for kind in ENTITY_KINDS) + "):kind>/<path:rest>")
def entity_kind(kind: str, rest: str):
    """An entity at its own IRI's path (``/person/ruslan-mirzayev``)."""
    return entity(f"{kind}/{rest}")


@blueprint.route("/ontology")
def ontology():
    """The ontology: a page in a browser, RDF by content negotiation (or ``?format=``)."""
    store = state()["store"]
    if wants_html() and "format" not in request.args:
        return ontology_page(store)
    return triples_response([q.triple for q in store.quads_for_pattern(None, None, None,
                                                                          ox.NamedNode(str(ONTOLOGY_GRAPH)))])
