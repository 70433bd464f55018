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
FORMAT_PARAMETERS = ("format", "output", "results")
"""The parameters clients name a format with: WDQS and Virtuoso read ``format``, Joseki ``output``,
Rasqal ``results``; SPARQLWrapper sends all three (and for some formats a second, media-type value)."""
# What a format parameter may name, as WDQS, Virtuoso and SPARQLWrapper write them: the format
# for solutions and the format for a graph that one name stands for (SPARQLWrapper's "xml" means
# SPARQL results XML for a SELECT and RDF/XML for a CONSTRUCT).
_JSON, _XML = "application/sparql-results+json", "application/sparql-results+xml"
FORMAT_ALIASES: dict[str, tuple[str | None, str | None]] = {
    "json": (_JSON, "application/ld+json"), "xml": (_XML, "application/rdf+xml"),
    "csv": ("text/csv", None), "tsv": ("text/tab-separated-values", None),
    "turtle": (None, "text/turtle"), "ttl": (None, "text/turtle"), "n3": (None, "text/turtle"),
    "ntriples": (None, "application/n-triples"), "nt": (None, "application/n-triples"),
    "rdfxml": (None, "application/rdf+xml"), "rdf+xml": (None, "application/rdf+xml"), "rdf": (None, "application/rdf+xml"),
    "jsonld": (None, "application/ld+json"), "json-ld": (None, "application/ld+json"),
    "nquads": (None, "application/n-quads"), "trig": (None, "application/trig"),
}
FORMAT_ALIASES.update({mime: (RESULT_TYPES[mime], None) for mime in RESULT_TYPES})
FORMAT_ALIASES.update({mime: (None, mime) for mime in GRAPH_TYPES})
FORMAT_ALIASES.update({"application/x-json+ld": (None, "application/ld+json"), "text/n3": (None, "text/turtle"),
                       "application/turtle": (None, "text/turtle")})


def format_parameters(values) -> tuple[str, ...]:
    """The values of ``format``, ``output`` and ``results`` in ``values`` (a MultiDict or a dict of
    lists), in that order, empty ones left out (SPARQLWrapper sends ``format=`` beside ``*/*``)."""
    getlist = values.getlist if hasattr(values, "getlist") else (lambda name: values.get(name, []))
    return tuple(v.strip() for name in FORMAT_PARAMETERS for v in getlist(name) if v.strip())


def named_formats(wanted: tuple[str, ...]) -> tuple[str | None, str | None]:
    """The first results format and the first graph format the format parameters name.

    :raises BadRequest: a value names no format this endpoint knows.
    """
    results = graph = None
    for value in wanted:
        # SPARQLWrapper's second value is an Accept list: "application/ld+json,application/x-json+ld".
        for name in (part.split(";")[0].strip().lower() for part in value.split(",")):
            try:
                for_results, for_graph = FORMAT_ALIASES[name]
            except KeyError:
                raise BadRequest(f"format {name!r} is not available; use one of: "
                                 f"{', '.join(sorted(FORMAT_ALIASES))} (or only an Accept header)") from None
            results, graph = results or for_results, graph or for_graph
    return results, graph


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
    """Pick the response type for an RDF graph: a format parameter that names one of ``offered``,
    else ``Accept`` (one that names something else does not override a satisfiable ``Accept``);
    a (body, 406) pair if none fits."""
    _, named = named_formats(format_parameters(request.args))
    if named in offered:
        return named
    if not request.accept_mimetypes:
        return offered[0]
    mime = request.accept_mimetypes.best_match(offered, default=None)
    if mime is None:
        return error(406, f"cannot produce any of {request.headers.get('Accept')!r}; available: {', '.join(offered)}")
    return mime


def query_formats() -> tuple[str | None, str | None]:
    """Pick the results format and the graph format the client takes, before the result's kind is known."""
    return formats_for(format_parameters(request.values), request.headers.get("Accept"))


@functools.lru_cache(maxsize=1024)
def formats_for(wanted: tuple[str, ...], accept: str | None) -> tuple[str | None, str | None]:
    """:func:`query_formats` of the format parameters' values and ``Accept``, remembered: clients
    send the same few again and again, and parsing and matching them took longer than
    evaluating a light query.

    For each kind of result (solutions, a graph), a format parameter that names a format of that
    kind wins (the WDQS-style ``format=json``); otherwise ``Accept`` decides, so a parameter that
    does not fit the query form never overrides a satisfiable ``Accept``, as Fuseki and
    Oxigraph negotiate. SPARQLWrapper sends ``format=xml&output=xml&results=xml`` beside
    ``Accept: application/rdf+xml`` for a CONSTRUCT: RDF/XML it gets.

    >>> formats_for(("xml", "xml", "xml"), "application/rdf+xml")
    ('application/sparql-results+xml', 'application/rdf+xml')
    >>> formats_for(("csv",), "application/ld+json")
    ('text/csv', 'application/ld+json')
    """
    results, graph = named_formats(wanted)
    if results and graph:
        return results, graph
    accepted = parse_accept_header(accept, MIMEAccept)
    if not accepted:
        return results or _JSON, graph or "text/turtle"
    if results is None:
        best = accepted.best_match(list(RESULT_TYPES), default=None)
        results = RESULT_TYPES[best] if best else None
    if graph is None:
        graph = accepted.best_match(list(GRAPH_TYPES), default=None)  # TriG, N-Quads: in the default graph
    return results, graph
