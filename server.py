"""HTTP interface: SPARQL, named queries, validation and intake of sources.

``create_app(store)`` builds the Flask app around an injected store (an Oxigraph-backed
``Dataset`` from :func:`kg.store.open_store`), so tests pass an in-memory one and
``kg serve`` a store on disk. Nothing is created at import time.

Writes (``POST /sources``) need ``Authorization: Bearer <API_TOKEN>``; without a configured
token the service is read-only.
"""

from __future__ import annotations

import hmac
import threading
from pathlib import Path

import pyoxigraph as ox

from flask import Flask, Response, current_app, jsonify, request, url_for
from werkzeug.exceptions import Forbidden, HTTPException, Unauthorized, UnsupportedMediaType

from kg import queries as named_queries
from kg.errors import BadRequest, KGError, NotFound
from kg.intake import MEDIA_TYPES, Intake, Rejected, from_mapping, from_rdf
from kg.ontology import Vocabulary
from kg.store import open_store, oxigraph
from kg.validate import Validator

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
    root = Path(__file__).parent
    app.config.from_mapping(
        QUERIES_DIR=str(root / "queries"),
        ONTOLOGY_DIR=str(root / "ontology"),
        SHAPES_DIR=str(root / "shapes"),
        ACCEPTED_DIR=str(root / "accepted"),
        API_TOKEN=None,
        MAX_CONTENT_LENGTH=5 * 1024 * 1024,
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
        response = jsonify(body)
        if error.code == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="sco-rats-kg"'
        return response, error.code

    app.add_url_rule("/", "index", index)
    app.add_url_rule("/health", "health", health)
    app.add_url_rule("/sparql", "sparql", sparql, methods=["GET", "POST"])
    app.add_url_rule("/queries", "list_queries", list_queries)
    app.add_url_rule("/queries/<name>", "run_query", run_query)
    app.add_url_rule("/validate", "validate_source", validate_source, methods=["POST"])
    app.add_url_rule("/sources", "list_sources", list_sources, methods=["GET"])
    app.add_url_rule("/sources", "add_source", add_source, methods=["POST"])
    app.add_url_rule("/sources/<source_id>", "show_source", show_source)
    return app


def _kg():
    return current_app.extensions["kg"]


def _intake():
    """The intake for this app's store, made on first use (it loads the shapes)."""
    kg = _kg()
    if "intake" not in kg:
        with _INTAKE_LOCK:
            if "intake" not in kg:
                validator = Validator.from_folders(Path(current_app.config["ONTOLOGY_DIR"]),
                                                   Path(current_app.config["SHAPES_DIR"]))
                kg["intake"] = Intake(kg["store"], validator, Vocabulary.from_graph(validator.ontology),
                                      Path(current_app.config["ACCEPTED_DIR"]))
    return kg["intake"]


_INTAKE_LOCK = threading.Lock()
_WRITE_LOCK = threading.Lock()


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


def validate_source():
    """Check a submitted source against the graph without changing it (a dry run)."""
    intake = _intake()
    report = intake.check(_read_candidate(intake))
    return _report_response(report, 200)


def add_source():
    """Validate a submitted source and, if nothing contradicts the graph, add all of it."""
    _require_token()
    intake = _intake()
    candidate = _read_candidate(intake)
    reason = request.args.get("override_reason") or request.form.get("override_reason")
    with _WRITE_LOCK:
        try:
            report = intake.add(candidate, override_reason=reason)
        except Rejected as exc:
            body = exc.to_dict()
            return jsonify(body), exc.status
    response = _report_response(report, 201)
    response.headers["Location"] = url_for("show_source", source_id=candidate.source_id, _external=True)
    return response


def list_sources():
    """List every source in the graph, and which of them came through intake."""
    result = named_queries.run(_kg()["store"], named_queries.get_query(_kg()["queries"], "sources"))
    accepted = {r["id"]: r for r in _intake().accepted()}
    rows = []
    for solution in result:
        row = {v.value: (solution[v].value if solution[v] is not None else None) for v in result.variables}
        source_id = row["source"].rsplit("/", 1)[1]
        row["id"] = source_id
        row["url"] = url_for("show_source", source_id=source_id, _external=True)
        row["accepted"] = accepted.get(source_id, {}).get("accepted")
        rows.append(row)
    return jsonify(rows)


def show_source(source_id: str):
    """Show one source: its metadata and, for an accepted source, its acceptance and report."""
    for row in list_sources().get_json():
        if row["id"] == source_id:
            row["intake"] = _intake().record(source_id)
            return jsonify(row)
    raise NotFound(f"no source {source_id!r}; GET /sources lists them")


def _require_token() -> None:
    token = current_app.config.get("API_TOKEN")
    if not token:
        raise Forbidden("this service is read-only: no API token is configured")
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        raise Unauthorized("send Authorization: Bearer <token> to add a source")
    if not hmac.compare_digest(header[len("Bearer "):].encode(), token.encode()):
        raise Forbidden("the token is not valid")


def _read_candidate(intake):
    """Read a source from the request: a mapping and its text, or RDF in the body."""
    kind = request.mimetype
    if kind in MEDIA_TYPES:
        return from_rdf(request.get_data(as_text=True), format_=MEDIA_TYPES[kind], name="request body",
                        vocabulary=intake.vocabulary, known=intake.known())
    if kind == "application/json":
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise BadRequest("the JSON body must be an object with 'id', 'mapping' and 'text'")
        fields = body
    elif kind in ("multipart/form-data", "application/x-www-form-urlencoded"):
        fields = dict(request.form)
        for name, upload in request.files.items():
            fields[name] = upload.read().decode("utf-8")
            if name == "text" and upload.filename and "id" not in fields:
                fields["id"] = Path(upload.filename).stem
    else:
        raise UnsupportedMediaType(
            f"unsupported body type {kind!r}: send JSON ({{'id', 'mapping', 'text'}}), a form with the fields "
            f"'id', 'mapping' and 'text', or RDF as {', '.join(MEDIA_TYPES)}")
    missing = [name for name in ("id", "mapping", "text") if not fields.get(name)]
    if missing:
        raise BadRequest(f"missing field(s): {', '.join(missing)}")
    return from_mapping(fields["mapping"], fields["text"], source_id=fields["id"], vocabulary=intake.vocabulary,
                        known=intake.known(), name=f"mapping of {fields['id']}")


REPORT_TYPES = {"application/json": "json", "text/html": "html", "text/plain": "text", "text/turtle": "turtle",
                "application/ld+json": "jsonld"}


def _report_response(report, status: int) -> Response:
    wanted = request.args.get("format")
    if wanted:
        format_ = wanted if wanted in REPORT_TYPES.values() else None
        if format_ is None:
            raise BadRequest(f"format {wanted!r} is not a report format; use one of: {', '.join(REPORT_TYPES.values())}")
        mime = next(m for m, f in REPORT_TYPES.items() if f == format_)
    else:
        mime = request.accept_mimetypes.best_match(list(REPORT_TYPES), default=None) if request.accept_mimetypes \
            else "application/json"
        if mime is None:
            return _error(406, f"cannot produce {request.headers.get('Accept')!r}; available: {', '.join(REPORT_TYPES)}")
    response = Response(report.render(REPORT_TYPES[mime]), status=status, content_type=mime + "; charset=utf-8")
    response.vary.add("Accept")
    return response


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
