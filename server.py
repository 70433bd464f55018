"""HTTP interface: SPARQL, named queries, validation and intake of sources.

``create_app(store)`` builds the Flask app around an injected store (from
:func:`kg.store.embedded.open_store`: embedded Oxigraph or a remote SPARQL server), so tests pass an
in-memory one and ``kg serve`` the one ``--store`` names. Nothing is created at import time.

Writes (``POST /sources``) need ``Authorization: Bearer <API_TOKEN>``; without a configured
token the service is read-only.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
import threading
from pathlib import Path

import pyoxigraph as ox

import functools
import gzip
import json
import logging
import re
import time
import urllib.parse
from http import HTTPStatus

from flask import Flask, Response, current_app, g, jsonify, render_template, request, url_for
from flask_cors import CORS
from werkzeug.datastructures import MIMEAccept
from werkzeug.exceptions import Forbidden, HTTPException, Unauthorized, UnsupportedMediaType
from werkzeug.http import parse_accept_header

from kg.web import named_queries as named_queries
from kg.web import protocol as sparql_protocol
from kg.web.describe import describe as describe_entity
from kg.web.describe import rdf_description, source_of
from kg.errors import BadRequest, KGError, NotFound, QueryError
from kg.web.cache import AnswerCache
from kg.store.executor import RESULTS_FORMATS, Answer, QueryExecutor, evaluate
from kg.namespaces import BASE, ONTOLOGY_GRAPH, PREFIXES
from kg.web.openapi import openapi_document
from kg.wikidata.exports import KINDS as EXPORT_TYPES
from kg.wikidata.exports import render_export
from kg.wikidata.reconcile import SPEC as RECONCILIATION_SPEC
from kg.wikidata.wdqs import rewrite_label_service
from kg.wikidata.reconcile import Reconciler
from kg.validation.intake import MEDIA_TYPES, Intake, Rejected, from_mapping, from_rdf
from kg.store.embedded import dump as dump_store
from kg.store.remote import RemoteStore
from kg.store.embedded import open_store, refresh_default_graph, to_oxigraph

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
DUMPS = {"dataset.nq.gz": (ox.RdfFormat.N_QUADS, "application/n-quads+gzip"),
         "dataset.trig.gz": (ox.RdfFormat.TRIG, "application/trig+gzip")}
ENTITY_KINDS = ("meeting", "series", "state", "city", "region", "site", "org", "person", "post", "measure",
                "participation", "membership", "holding", "statistic", "document", "incident", "project", "source")


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
        CURATION_DIR=str(root / "curation"),
        API_TOKEN=None,
        ALLOW_LOAD=False,
        QUERY_WORKERS=0,
        SNAPSHOT_DIR=None,
        RATE_LIMIT=0,
        QUERY_TIMEOUT=30.0,
        MAX_RESULT_BYTES=50_000_000,
        QUERY_CACHE_BYTES=64 * 1024 * 1024,
        MAX_CONTENT_LENGTH=5 * 1024 * 1024,
    )
    if config:
        app.config.from_mapping(config)
    store = store if store is not None else open_store()
    app.extensions["kg"] = {
        "store": store,
        "queries": named_queries.load_queries(Path(app.config["QUERIES_DIR"])),
        "cache": AnswerCache(int(app.config["QUERY_CACHE_BYTES"])),
    }
    if isinstance(store, RemoteStore):
        # The server under us evaluates (and time-limits) queries: no worker processes here.
        store.timeout = float(app.config["QUERY_TIMEOUT"])
    elif app.config["QUERY_WORKERS"]:
        app.extensions["kg"]["executor"] = QueryExecutor(
            store, timeout=float(app.config["QUERY_TIMEOUT"]), workers=int(app.config["QUERY_WORKERS"]),
            max_result_bytes=int(app.config["MAX_RESULT_BYTES"]), snapshots_in=app.config["SNAPSHOT_DIR"])
    app.extensions["kg"]["answers"] = QueryAnswers(store, app.extensions["kg"]["cache"],
                                                   app.extensions["kg"].get("executor"),
                                                   int(app.config["MAX_RESULT_BYTES"]))

    limiter = RateLimiter(int(app.config["RATE_LIMIT"]))

    @app.before_request
    def start_clock():
        g.started = time.perf_counter()
        wait = limiter.wait(request.remote_addr or "unknown")
        if wait:
            response = jsonify({"ok": False, "status": 429, "error": f"too many requests from {request.remote_addr}; "
                                f"the limit is {limiter.per_minute} a minute; retry in {wait:.0f} s"})
            response.status_code = 429
            response.headers["Retry-After"] = str(max(1, round(wait)))
            return response
        return None

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
    app.add_url_rule("/update", "update", update, methods=["POST"])
    app.add_url_rule("/.well-known/void", "void", void)
    app.add_url_rule("/rdf-graphs", "graph_store", graph_store, methods=["GET", "HEAD"])
    app.add_url_rule("/dumps/<name>", "dump", dump)
    app.add_url_rule("/openapi.json", "openapi", openapi)
    app.add_url_rule("/ontology", "ontology", ontology)
    app.add_url_rule("/export/<kind>", "export", export_view)
    app.add_url_rule("/reconcile", "reconcile", reconcile, methods=["GET", "POST"])
    app.add_url_rule("/reconcile/suggest/<kind>", "reconcile_suggest", reconcile_suggest)
    app.add_url_rule("/reconcile/preview", "reconcile_preview", reconcile_preview)
    app.add_url_rule("/<any(" + ", ".join(ENTITY_KINDS) + "):kind>/<path:rest>", "entity_kind",
                     lambda kind, rest: entity(f"{kind}/{rest}"))
    app.add_url_rule("/entity/<path:path>", "entity", entity)
    app.after_request(_keep_for_the_front)
    CORS(app, resources={r"/(sparql|queries.*|\.well-known/void|rdf-graphs|dumps/.*|openapi\.json|ontology)": {},
                         r"/(" + "|".join(ENTITY_KINDS) + r")/.*": {}, r"/validate": {},
                         r"/reconcile.*": {}},
         methods=["GET", "HEAD", "POST", "OPTIONS"], expose_headers=["Location"])
    app.after_request(_access_log)
    app.wsgi_app = QueryFront(app.wsgi_app, app.extensions["kg"]["answers"], limiter)
    return app


class QueryAnswers:
    """Answers to queries: from the cache, or evaluated (in a worker with a time limit when there
    are workers). It needs no request context, so the Flask views and :class:`QueryFront` share it."""

    def __init__(self, store, cache: AnswerCache, executor: QueryExecutor | None, max_result_bytes: int):
        self.store, self.cache, self.executor, self.max_result_bytes = store, cache, executor, max_result_bytes

    def get(self, query: str, dataset: dict, formats: tuple[str | None, str | None],
            substitutions: dict | None = None) -> tuple[Answer, bool]:
        """The answer in the first of ``formats`` (results, graph) that fits its kind, and whether it was cached."""
        results_mime, graph_mime = formats

        def compute():
            if self.executor is not None:
                return self.executor.execute(query, dataset, results_mime=results_mime, graph_mime=graph_mime,
                                             substitutions=substitutions)
            return evaluate(self.store, query, dataset, results_mime, graph_mime, self.max_result_bytes,
                            substitutions)

        key = (query, _frozen(dataset), _frozen(substitutions or {}), results_mime, graph_mime)
        return self.cache.get_or_compute(key, compute)


def answer_headers(answer: Answer, hit: bool) -> list[tuple[str, str]]:
    """The headers of a query answer (CORS headers are added apart, for requests that carry an Origin)."""
    content_type = answer.mime + ("" if answer.mime.endswith("json") else "; charset=utf-8")
    return [("Content-Type", content_type), ("Vary", "Accept"), ("X-Cache", "hit" if hit else "miss")]


@dataclass(frozen=True)
class CachedResponse:
    """A whole HTTP response to a GET, kept in the answer cache under the request's exact form."""

    body: bytes
    headers: list[tuple[str, str]]


class QueryFront:
    """WSGI middleware: the Protocol's GET query operation, and repeated GETs, answered without Flask.

    Clients send ``GET /sparql?query=…`` again and again, and Flask's request context, routing,
    hooks and response objects cost several times the evaluation of a light query. So:

    * a GET to ``/sparql`` or ``/queries/…`` with the same query string, ``Accept`` and ``Origin``
      as one answered since the last write gets the same bytes and headers back (``X-Cache: hit``);
    * a ``GET /sparql`` with a query and no ``Origin`` (SPARQLWrapper, curl, Comunica on Node: not
      a browser, so no CORS) is answered here, through the same checks
      (:func:`kg.web.protocol.query_request`), negotiation and :class:`QueryAnswers` as the Flask view.

    Both take the same rate limit and write the same access log line. Everything else goes to
    Flask: POST, the service description and the form, browsers, named queries, refusals.
    """

    PATHS = ("/sparql", "/queries/")

    def __init__(self, app, answers: QueryAnswers, limiter: "RateLimiter"):
        self.app, self.answers, self.cache, self.limiter = app, answers, answers.cache, limiter

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if environ["REQUEST_METHOD"] != "GET" or not path.startswith(self.PATHS):
            return self.app(environ, start_response)
        started = time.perf_counter()
        key = ("GET", path, environ.get("QUERY_STRING", ""), environ.get("HTTP_ACCEPT"), environ.get("HTTP_ORIGIN"))
        kept = self.cache.get(key)
        client = environ.get("REMOTE_ADDR") or "unknown"
        if kept is None and path == "/sparql" and "HTTP_ORIGIN" not in environ:
            params = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
            if "query" in params and not self.limiter.wait(client):
                status, headers, body = self._evaluate(params, environ.get("HTTP_ACCEPT"))
                start_response(status, [*headers, ("Content-Length", str(len(body)))])
                _log_request("GET", path, int(status[:3]), client, started, len(body))
                return [body]
        if kept is None or self.limiter.wait(client):  # a refusal is Flask's to write
            environ["kg.front"] = (key, self.cache.generation)
            return self.app(environ, start_response)
        start_response("200 OK", kept.headers)
        _log_request("GET", path, 200, client, started, len(kept.body))
        return [kept.body]

    def _evaluate(self, params: dict[str, list[str]], accept: str | None) -> tuple[str, list, bytes]:
        try:
            query, dataset = sparql_protocol.query_request(params["query"], params.get("default-graph-uri", []),
                                                           params.get("named-graph-uri", []))
            formats = _formats_for(params.get("format", [None])[0], accept)
            answer, hit = self.answers.get(query, dataset, formats)
        except KGError as error:
            return f"{error.status} {HTTPStatus(error.status).phrase}", [("Content-Type", "application/json")], \
                json.dumps(error.to_dict(), separators=(",", ":"), sort_keys=True).encode() + b"\n"  # as jsonify
        return "200 OK", answer_headers(answer, hit), answer.body


def _keep_for_the_front(response: Response) -> Response:
    """Keep a successful answer for :class:`QueryFront`, marked as the hit it will be."""
    front = request.environ.get("kg.front")
    if front and response.status_code == 200 and "X-Cache" in response.headers and not response.is_streamed:
        key, generation = front
        headers = [(k, "hit" if k == "X-Cache" else v) for k, v in response.headers.items()]
        _kg()["cache"].put(key, CachedResponse(response.get_data(), headers), generation)
    return response


def _kg():
    return current_app.extensions["kg"]


def _intake():
    """The intake for this app's store, made on first use (it loads the shapes)."""
    kg = _kg()
    if "intake" not in kg:
        with _INTAKE_LOCK:
            if "intake" not in kg:
                kg["intake"] = Intake.from_folders(kg["store"], current_app.config["ONTOLOGY_DIR"],
                                                   current_app.config["SHAPES_DIR"], current_app.config["ACCEPTED_DIR"],
                                                   current_app.config["CURATION_DIR"])
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
    """The SPARQL 1.1 Protocol's query operation; without a query, the service description or a query form.

    GET takes ``query`` in the URL; POST takes it form-encoded or as an ``application/sparql-query``
    body (then the dataset parameters stay in the URL). ``default-graph-uri`` and
    ``named-graph-uri`` override the query's FROM and FROM NAMED.
    """
    if request.method == "GET":
        params = request.args
        queries = params.getlist("query")
    elif request.mimetype == "application/x-www-form-urlencoded":
        params = request.form
        queries = params.getlist("query")
    elif request.mimetype == "application/sparql-query":
        params = request.args
        queries = [request.get_data(as_text=True)]
    else:
        return _error(415, f"unsupported request body type {request.mimetype!r}; send "
                           "application/sparql-query or application/x-www-form-urlencoded")
    if request.method == "GET" and not queries:
        if _wants_html():
            return render_template("sparql.html", queries=_kg()["queries"].values())
        return _rdf_response(sparql_protocol.service_description(
            url_for("sparql", _external=True), void_url=url_for("void", _external=True),
            update_url=url_for("update", _external=True) if current_app.config.get("API_TOKEN") else None))
    query, dataset = sparql_protocol.query_request(queries, params.getlist("default-graph-uri"),
                                                   params.getlist("named-graph-uri"))
    return _answer(query, dataset)


def update():
    """The SPARQL 1.1 Protocol's update operation; needs the bearer token."""
    _require_token()
    if request.mimetype == "application/x-www-form-urlencoded":
        updates = request.form.getlist("update")
    elif request.mimetype == "application/sparql-update":
        updates = [request.get_data(as_text=True)]
    else:
        return _error(415, f"unsupported request body type {request.mimetype!r}; send "
                           "application/sparql-update or application/x-www-form-urlencoded")
    if len(updates) != 1 or not updates[0].strip():
        raise BadRequest("send exactly one 'update' parameter", link=sparql_protocol.PROTOCOL)
    if request.values.getlist("using-graph-uri") or request.values.getlist("using-named-graph-uri"):
        raise BadRequest("using-graph-uri and using-named-graph-uri are not supported; use USING in the update")
    sparql_protocol.refuse_remote_access(updates[0], allow_load=current_app.config["ALLOW_LOAD"])
    try:
        _kg()["store"].update(updates[0], prefixes=PREFIXES)
    except SyntaxError as exc:
        raise QueryError(f"SPARQL update syntax error: {named_queries.where(str(exc))}") from None
    refresh_default_graph(_kg()["store"])
    _store_changed()
    return Response(status=204)


def void():
    """The VoID description of the dataset."""
    dumps = {name: url_for("dump", name=name, _external=True) for name in DUMPS}
    return _rdf_response(sparql_protocol.void_description(
        _kg()["store"], base_url=url_for("index", _external=True), sparql_url=url_for("sparql", _external=True),
        dumps=dumps))


def graph_store():
    """The read side of the SPARQL 1.1 Graph Store Protocol: ``?graph=IRI`` or ``?default``."""
    store = _kg()["store"]
    if "default" in request.args and "graph" not in request.args:
        triples = [q.triple for q in store.quads_for_pattern(None, None, None, None)]
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
    return _triples_response(triples)


def dump(name: str):
    """The whole dataset, gzipped, as N-Quads or TriG."""
    if name not in DUMPS:
        raise NotFound(f"no dump {name!r}; available: {', '.join(DUMPS)}")
    fmt, mime = DUMPS[name]
    body = gzip.compress(dump_store(_kg()["store"], fmt), mtime=0)
    response = Response(body, content_type=mime)
    response.headers["Content-Encoding"] = "identity"
    response.headers["Content-Disposition"] = f"attachment; filename={name}"
    return response


def openapi():
    """An OpenAPI 3 document generated from the named queries' headers."""
    return jsonify(openapi_document(_kg()["queries"].values(), url_for("index", _external=True)))


def entity(path: str):
    """A linked-data page for an entity IRI: HTML for people, RDF by content negotiation."""
    iri = BASE + path
    store = _kg()["store"]
    if _wants_html():
        view = describe_entity(store, iri)
        return render_template("entity.html", entity=view, local=_local_link, source_of=source_of)
    return _triples_response(rdf_description(store, iri))


def ontology():
    """The ontology, by content negotiation."""
    store = _kg()["store"]
    triples = [q.triple for q in store.quads_for_pattern(None, None, None, ox.NamedNode(str(ONTOLOGY_GRAPH)))]
    return _triples_response(triples)


def export_view(kind: str):
    """QuickStatements (TAB or CSV) or Wikibase RDF, of the whole graph or ``?entity=IRI``."""
    text, skipped = render_export(_kg()["store"], kind, request.args.get("entity"))
    response = Response(text, content_type=EXPORT_TYPES[kind] + "; charset=utf-8")
    response.headers["X-Skipped-Statements"] = str(skipped)
    return response


def _reconciler() -> Reconciler:
    kg = _kg()
    if "reconciler" not in kg:
        kg["reconciler"] = Reconciler(kg["store"])
    return kg["reconciler"]


def _jsonp(body) -> Response:
    """JSON, or JSONP when the request names a ``callback`` (as OpenRefine's older clients do)."""
    callback = request.values.get("callback")
    if callback:
        if not re.fullmatch(r"[A-Za-z_$][\w$.]{0,99}", callback):
            raise BadRequest("callback must be a JavaScript identifier")
        return Response(f"/**/{callback}({json.dumps(body)});", content_type="application/javascript")
    return jsonify(body)


def reconcile():
    """The reconciliation API: the manifest, or a batch of queries (``queries=`` by GET or POST)."""
    raw = request.values.get("queries")
    if raw is None:
        return _jsonp(_reconciler().manifest(url_for("index", _external=True)))
    try:
        batch = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise BadRequest(f"queries is not valid JSON: {exc}", link=RECONCILIATION_SPEC) from None
    if not isinstance(batch, dict) or not all(isinstance(q, dict) for q in batch.values()):
        raise BadRequest("queries must be an object of query objects, e.g. {\"q0\": {\"query\": \"…\"}}",
                         link=RECONCILIATION_SPEC)
    return _jsonp({key: {"result": _reconciler().reconcile(query)} for key, query in batch.items()})


def reconcile_suggest(kind: str):
    """Entity, type and property suggest services for the reconciliation API."""
    prefix = request.values.get("prefix", "")
    limit = int(request.values.get("limit", 10))
    reconciler = _reconciler()
    suggest = {"entity": reconciler.suggest_entities, "type": reconciler.suggest_types,
               "property": reconciler.suggest_properties}.get(kind)
    if suggest is None:
        raise NotFound(f"no {kind!r} suggest service; there are entity, type and property")
    return _jsonp({"result": suggest(prefix, limit)})


def reconcile_preview():
    """A small HTML card about one entity, for OpenRefine's preview pop-up."""
    entity_id = request.values.get("id", "")
    entity = _reconciler().preview(entity_id)
    if entity is None:
        raise NotFound(f"no entity {entity_id!r}")
    return render_template("preview.html", entity=entity, link=_local_link(BASE + entity.id))


def _wants_html() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "text/turtle", "application/sparql-results+json"])
    return best == "text/html" and request.accept_mimetypes["text/html"] > request.accept_mimetypes["text/turtle"]


def _local_link(iri: str) -> str:
    """Link an entity of ours to this server's page for it; leave other IRIs alone."""
    return f"{request.script_root}/{iri[len(BASE):]}" if iri.startswith(BASE) and "#" not in iri else iri


def _rdf_response(graph) -> Response:
    triples = [ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in graph]
    return _triples_response(triples)


def _triples_response(triples) -> Response:
    offered = [m for m in GRAPH_TYPES if m not in ("application/n-quads", "application/trig")]
    mime = _negotiate(offered)
    if isinstance(mime, tuple):
        return mime
    body = ox.serialize(triples, format=GRAPH_TYPES[mime], prefixes=PREFIXES) \
        if GRAPH_TYPES[mime] in (ox.RdfFormat.TURTLE,) else ox.serialize(triples, format=GRAPH_TYPES[mime])
    response = Response(body, content_type=mime + ("" if mime.endswith("json") else "; charset=utf-8"))
    response.vary.add("Accept")
    return response


def _negotiate(offered: list[str]):
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
        return _error(406, f"cannot produce any of {request.headers.get('Accept')!r}; available: {', '.join(offered)}")
    return mime


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
    return _answer(rewrite_label_service(query.text), {}, query.bind(values))


def _answer(query: str, dataset: dict, substitutions: dict | None = None) -> Response:
    """Answer a query in the negotiated format."""
    answer, hit = _kg()["answers"].get(query, dataset, _query_formats(), substitutions)
    return Response(answer.body, headers=answer_headers(answer, hit))


def _frozen(mapping: dict) -> tuple:
    return tuple(sorted((str(k), str(v)) for k, v in mapping.items()))


def _query_formats() -> tuple[str | None, str | None]:
    """Pick the results format and the graph format the client takes, before the result's kind is known."""
    return _formats_for(request.args.get("format"), request.headers.get("Accept"))


@functools.lru_cache(maxsize=1024)
def _formats_for(wanted: str | None, accept: str | None) -> tuple[str | None, str | None]:
    """:func:`_query_formats` of one ``format`` and ``Accept``, remembered: clients send the same few
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
        _store_changed()
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


def _store_changed() -> None:
    """Let query workers see a write, and forget cached answers."""
    _kg()["cache"].clear()
    executor = _kg().get("executor")
    if executor is not None:
        executor.refresh()


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


class RateLimiter:
    """A token bucket per client address: ``per_minute`` requests a minute, with bursts up to that."""

    def __init__(self, per_minute: int):
        self.per_minute = per_minute
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def wait(self, client: str) -> float:
        """Take one token for ``client``; return 0, or the seconds until one is free."""
        if self.per_minute <= 0:
            return 0.0
        now = time.monotonic()
        rate = self.per_minute / 60.0
        with self._lock:
            tokens, last = self._buckets.get(client, (float(self.per_minute), now))
            tokens = min(float(self.per_minute), tokens + (now - last) * rate)
            if tokens < 1:
                self._buckets[client] = (tokens, now)
                return (1 - tokens) / rate
            self._buckets[client] = (tokens - 1, now)
            return 0.0


ACCESS_LOG = logging.getLogger("kg.access")


def _access_log(response: Response) -> Response:
    """Log one JSON line per request: what was asked, by whom, the outcome and how long it took."""
    _log_request(request.method, request.path, response.status_code, request.remote_addr, g.get("started"),
                 response.calculate_content_length())
    return response


def _log_request(method: str, path: str, status: int, client: str | None, started: float | None,
                 size: int | None) -> None:
    ACCESS_LOG.info(json.dumps({
        "method": method, "path": path, "status": status, "client": client,
        "ms": round((time.perf_counter() - started) * 1000, 1) if started else None, "bytes": size,
    }))


def _error(status: int, message: str):
    return jsonify({"ok": False, "error": message, "status": status}), status
