"""Content negotiation: which serialisation a request gets, by ``Accept`` or a WDQS-style ``format=``."""

from __future__ import annotations

import functools

import pyoxigraph as ox
from flask import Response, request
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from kg.errors import BadRequest
from kg.namespaces import PREFIXES
from kg.store.embedded import to_oxigraph
from kg.store.executor import RESULTS_FORMATS
from kg.web.common import error

# Media types a client may accept for solutions, and the results format each one gets.
RESULT_TYPES = {mime: mime for mime in RESULTS_FORMATS}
RESULT_TYPES["application/json"] = "application/sparql-results+json"
GRAPH_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
}
# What a `format=` parameter may name, as the Wikidata Query Service accepts it.
FORMAT_ALIASES = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
                  "csv": "text/csv", "tsv": "text/tab-separated-values", "turtle": "text/turtle",
                  "ttl": "text/turtle", "ntriples": "application/n-triples", "rdfxml": "application/rdf+xml",
                  "jsonld": "application/ld+json", "nquads": "application/n-quads", "trig": "application/trig"}


def wants_html() -> bool:
    """Whether the request comes from a browser that prefers a page to data."""
    best = request.accept_mimetypes.best_match(["text/html", "text/turtle", "application/sparql-results+json"])
    return best == "text/html" and request.accept_mimetypes["text/html"] > request.accept_mimetypes["text/turtle"]


def rdf_response(graph) -> Response:
    """An rdflib graph, serialised as the request asks."""
    return triples_response([ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in graph])


def triples_response(triples) -> Response:
    """Oxigraph triples, serialised as the request asks (406 when nothing fits)."""
    offered = [m for m in GRAPH_TYPES if m not in ("application/n-quads", "application/trig")]
    mime = negotiate(offered)
    if isinstance(mime, tuple):
        return mime
    body = ox.serialize(triples, format=GRAPH_TYPES[mime], prefixes=PREFIXES) \
        if GRAPH_TYPES[mime] in (ox.RdfFormat.TURTLE,) else ox.serialize(triples, format=GRAPH_TYPES[mime])
    response = Response(body, content_type=mime + ("" if mime.endswith("json") else "; charset=utf-8"))
    response.vary.add("Accept")
    return response


def negotiate(offered: list[str]):
    """Pick the response type from ``format=`` or ``Accept``; a (body, 406) pair if none fits."""
    wanted = request.args.get("format")
    if wanted:
        mime = FORMAT_ALIASES.get(wanted, wanted)
        if mime not in offered:
            raise BadRequest(f"format {wanted!r} is not available here; use one of: {', '.join(offered)}")
        return mime
    if not request.accept_mimetypes:
        return offered[0]
    mime = request.accept_mimetypes.best_match(offered, default=None)
    if mime is None:
        return error(406, f"cannot produce any of {request.headers.get('Accept')!r}; available: {', '.join(offered)}")
    return mime


def query_formats() -> tuple[str | None, str | None]:
    """Pick the results format and the graph format the client takes, before the result's kind is known."""
    return formats_for(request.args.get("format"), request.headers.get("Accept"))


@functools.lru_cache(maxsize=1024)
def formats_for(wanted: str | None, accept: str | None) -> tuple[str | None, str | None]:
    """:func:`query_formats` of one ``format`` and ``Accept``, remembered: clients send the same few
    again and again, and parsing and matching them took longer than evaluating a light query."""
    graph_types = list(GRAPH_TYPES)  # a CONSTRUCT or DESCRIBE result in TriG or N-Quads is in the default graph
    if wanted:
        mime = FORMAT_ALIASES.get(wanted, wanted)
        if mime in RESULT_TYPES:
            return RESULT_TYPES[mime], None
        if mime in graph_types:
            return None, mime
        raise BadRequest(f"format {wanted!r} is not available; use one of: "
                         f"{', '.join(sorted(set(FORMAT_ALIASES) | set(RESULT_TYPES) | set(graph_types)))}")
    accepted = parse_accept_header(accept, MIMEAccept)
    if not accepted:
        return "application/sparql-results+json", "text/turtle"
    results = accepted.best_match(list(RESULT_TYPES), default=None)
    graph = accepted.best_match(graph_types, default=None)
    return (RESULT_TYPES[results] if results else None), graph
