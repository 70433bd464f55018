"""HTTP interface: SPARQL queries at ``/sparql`` and the named queries at ``/queries/NAME``.

``create_app(store)`` builds the Flask app around an injected store (an Oxigraph-backed
``Dataset`` from :func:`kg.store.open_store`), so tests pass an in-memory one and
``kg serve`` a store on disk. Nothing is created at import time.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from flask import Flask, Response, current_app, jsonify, request, url_for
from werkzeug.exceptions import HTTPException

from kg import queries as named_queries
from kg.errors import BadRequest, KGError
from kg.store import open_store, oxigraph

RESULT_TYPES = {mime: name for name, (_, mime) in named_queries.RESULT_FORMATS.items()}
RESULT_TYPES["application/json"] = "json"
GRAPH_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
}
# What a `format=` parameter may name, as the Wikidata Query Service accepts it.
FORMAT_ALIASES = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
                  "csv": "text/csv", "tsv": "text/tab-separated-values", "turtle": "text/turtle",
                  "ntriples": "application/n-triples", "rdfxml": "application/rdf+xml"}


def create_app(store=None, config: dict | None = None) -> Flask:
    """Create the app around ``store`` (a new in-memory store if None).

    :param config: overrides of the defaults, e.g. ``{"QUERIES_DIR": "queries"}``.
    """
    app = Flask(__name__)
    app.config.from_mapping(
        QUERIES_DIR=str(Path(__file__).parent / "queries"),
    )
    if config:
        app.config.from_mapping(config)
    dataset = store if store is not None else open_store()
    app.extensions["kg"] = {
        "store": oxigraph(dataset),
        "queries": named_queries.load_queries(Path(app.config["QUERIES_DIR"])),
    }

    @app.errorhandler(KGError)
    def handle_kg_error(error: KGError):
        return jsonify(error.to_dict()), error.status

    @app.errorhandler(HTTPException)
    def handle_http_error(error: HTTPException):
        body = {"ok": False, "error": error.description, "status": error.code}
        return jsonify(body), error.code

    app.add_url_rule("/", "index", index)
    app.add_url_rule("/health", "health", health)
    app.add_url_rule("/sparql", "sparql", sparql, methods=["GET", "POST"])
    app.add_url_rule("/queries", "list_queries", list_queries)
    app.add_url_rule("/queries/<name>", "run_query", run_query)
    return app


def _kg():
    return current_app.extensions["kg"]


def index():
    """Say what the service offers."""
    return jsonify(
        {
            "name": "SCO RATS knowledge graph",
            "sparql": url_for("sparql", _external=True),
            "queries": url_for("list_queries", _external=True),
        }
    )


def health():
    """Report that the store answers."""
    quads = len(_kg()["store"])
    return jsonify({"ok": True, "quads": quads})


def sparql():
    """Answer a SPARQL query sent by GET ``?query=``, form POST, or ``application/sparql-query`` POST."""
    if request.method == "GET":
        queries = request.args.getlist("query")
    elif request.mimetype == "application/x-www-form-urlencoded":
        queries = request.form.getlist("query")
    elif request.mimetype == "application/sparql-query":
        queries = [request.get_data(as_text=True)]
    else:
        return _error(415, f"unsupported request body type {request.mimetype!r}; send "
                           "application/sparql-query or application/x-www-form-urlencoded")
    if len(queries) != 1 or not queries[0].strip():
        raise BadRequest("send exactly one 'query' parameter")
    result = named_queries.execute(_kg()["store"], queries[0])
    return _respond(result)


def list_queries():
    """List the named queries with their summaries and parameters."""
    return jsonify(
        [
            {
                "name": q.name,
                "summary": q.summary,
                "description": q.description,
                "params": [vars(p) for p in q.params],
                "url": url_for("run_query", name=q.name, _external=True),
            }
            for q in _kg()["queries"].values()
        ]
    )


def run_query(name: str):
    """Run a named query with its parameters from the URL."""
    query = named_queries.get_query(_kg()["queries"], name)
    values = {k: v for k, v in request.args.items() if k != "format"}
    return _respond(named_queries.run(_kg()["store"], query, values))


def _respond(result) -> Response:
    """Serialise ``result`` in the format the client asks for, by ``format=`` or ``Accept``."""
    is_graph = isinstance(result, ox.QueryTriples)
    offered = list(GRAPH_TYPES) if is_graph else list(RESULT_TYPES)
    wanted = request.args.get("format")
    if wanted:
        mime = FORMAT_ALIASES.get(wanted, wanted)
        if mime not in offered:
            raise BadRequest(f"format {wanted!r} is not available for this result; use one of: {', '.join(offered)}")
    else:
        mime = request.accept_mimetypes.best_match(offered, default=None) if request.accept_mimetypes else offered[0]
        if mime is None:
            return _error(406, f"cannot produce any of {request.headers.get('Accept')!r}; "
                               f"available: {', '.join(offered)}")
    if is_graph:
        body = result.serialize(format=GRAPH_TYPES[mime])
    else:
        body = named_queries.serialize(result, RESULT_TYPES[mime])
    content_type = mime + ("; charset=utf-8" if not mime.endswith("json") else "")
    response = Response(body, content_type=content_type)
    response.vary.add("Accept")
    return response


def _error(status: int, message: str):
    return jsonify({"ok": False, "error": message, "status": status}), status
