"""The dataset as a whole: health, the VoID description, the Graph Store Protocol's read side, dumps."""

from __future__ import annotations

import gzip

import pyoxigraph as ox
from flask import Blueprint, Response, jsonify, request, url_for

from kg.errors import BadRequest, NotFound
from kg.store.embedded import dump as dump_store
from kg.web import protocol
from kg.web.common import state
from kg.web.negotiation import rdf_response, triples_response, wants_html
from kg.web.readable import graph_page

blueprint = Blueprint("dataset", __name__)

# Served with their RDF media type and Content-Encoding: gzip, so clients read them as RDF
# (Comunica refuses "application/n-quads+gzip" as a source; fetch and browsers decompress).
DUMPS = {"dataset.nq.gz": ox.RdfFormat.N_QUADS, "dataset.trig.gz": ox.RdfFormat.TRIG}


@blueprint.route("/health")
def health():
    """Report that the store answers, with its size: the quads of the named graphs, and the
    triples of the default graph (their merge, each triple once)."""
    store = state()["store"]
    default = next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))["n"]
    named = next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")))["n"]
    return jsonify({"ok": True, "quads": int(named.value), "default_graph_triples": int(default.value)})


@blueprint.route("/.well-known/void")
def void():
    """The VoID description of the dataset."""
    dumps = {name: url_for("dataset.dump", name=name, _external=True) for name in DUMPS}
    graph = protocol.void_description(
        state()["store"], base_url=url_for("pages.index", _external=True),
        sparql_url=url_for("sparql.sparql", _external=True), dumps=dumps)
    if wants_html() and "format" not in request.args:
        return graph_page(graph, title="VoID description of the dataset",
                          intro="The dataset described in VoID: its licence, endpoint, dumps, vocabularies, and one "
                                "subset per named graph with its triple count.")
    return rdf_response(graph)


@blueprint.route("/rdf-graphs", methods=["GET", "HEAD"])
def graph_store():
    """The read side of the SPARQL 1.1 Graph Store Protocol: ``?graph=IRI`` or ``?default``."""
    store = state()["store"]
    if "default" in request.args and "graph" not in request.args:
        # The default graph (the merge of the named graphs, each triple once), not every quad.
        triples = [q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())]
    elif request.args.get("graph") and "default" not in request.args:
        try:
            name = ox.NamedNode(request.args["graph"])
        except ValueError:
            raise BadRequest(f"graph must be an absolute IRI, not {request.args['graph']!r}") from None
        if name not in set(store.named_graphs()):
            raise NotFound(f"no graph {name.value} in this store")
        triples = [q.triple for q in store.quads_for_pattern(None, None, None, name)]
    else:
        raise BadRequest("give exactly one of ?graph=IRI or ?default",
                         link="https://www.w3.org/TR/sparql11-http-rdf-update/")
    return triples_response(triples)


@blueprint.route("/dumps/<name>")
def dump(name: str):
    """The whole dataset as N-Quads or TriG: gzipped on the wire (``Content-Encoding: gzip``) for a
    client that accepts it, which decodes it to the RDF its media type says; plain otherwise."""
    if name not in DUMPS:
        raise NotFound(f"no dump {name!r}; available: {', '.join(DUMPS)}")
    fmt = DUMPS[name]
    body = dump_store(state()["store"], fmt)
    gzipped = request.accept_encodings["gzip"] > 0 or request.accept_encodings["x-gzip"] > 0
    response = Response(gzip.compress(body, mtime=0) if gzipped else body,
                        content_type=fmt.media_type + ("" if fmt.media_type.endswith("json") else "; charset=utf-8"))
    if gzipped:
        response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    response.headers["Content-Disposition"] = f"attachment; filename={name.removesuffix('.gz')}"
    return response
