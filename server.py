"""The app factory: ``create_app(store, config)`` builds the Flask app around an injected store.

The store comes from :func:`kg.store.embedded.open_store` (embedded Oxigraph or a remote SPARQL
server), so tests pass an in-memory one and ``kg serve`` the one ``--store`` names. Nothing is
created at import time. Each concern of the web is a blueprint of :mod:`kg.web`; this module
holds only the configuration, the store and its shared objects, the blueprints, the error
handlers, CORS and the fast front (:class:`kg.web.answers.QueryFront`).

Writes (``POST /sources``, ``POST /update``) need ``Authorization: Bearer <API_TOKEN>``; without a
configured token the service is read-only.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from flask import Flask, g, jsonify, request
from flask_cors import CORS
from werkzeug.exceptions import HTTPException

from kg.errors import KGError
from kg.store.embedded import open_store
from kg.store.executor import MEMORY_MB, QueryExecutor
from kg.store.remote import RemoteStore
from kg.web import dataset, draft, exports, intake, named_queries, pages, queries, reconciliation, sparql
from kg.web import curate, pictures, search, workbench  # the workbench: editor, pictures, search, curation
from kg.web.answers import QueryAnswers, QueryFront, keep_for_the_front
from kg.web.cache import AnswerCache
from kg.web.common import RateLimiter, access_log

BLUEPRINTS = (pages, sparql, dataset, queries, intake, reconciliation, exports, draft, workbench, pictures, search,
              curate)

# Paths a page of another origin may read (CORS): everything but the write routes' tokens.
CORS_PATHS = (r"/(sparql|queries.*|\.well-known/void|rdf-graphs|dumps/.*|openapi\.json|ontology|validate|reconcile.*|search|\.well-known/sparql-examples)",
              r"/(" + "|".join(pages.ENTITY_KINDS) + r")/.*")


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
        ACCEPTED_DIR=os.environ.get("KG_ACCEPTED_DIR") or str(root / "accepted"),  # updates/ goes beside it
        CURATION_DIR=str(root / "curation"),
        API_TOKEN=None,
        ALLOW_LOAD=False,
        QUERY_WORKERS=0,
        SNAPSHOT_DIR=None,
        RATE_LIMIT=0,
        QUERY_TIMEOUT=30.0,
        MAX_RESULT_BYTES=50_000_000,
        QUERY_CACHE_BYTES=64 * 1024 * 1024,
        MEMORY_MB=MEMORY_MB,  # server, in-memory copy and query workers
        MAX_CONTENT_LENGTH=5 * 1024 * 1024,
    )
    if config:
        app.config.from_mapping(config)

    store = store if store is not None else open_store()
    kg = app.extensions["kg"] = {
        "store": store,
        "queries": named_queries.load_queries(Path(app.config["QUERIES_DIR"])),
        "cache": AnswerCache(int(app.config["QUERY_CACHE_BYTES"])),
    }
    if isinstance(store, RemoteStore):
        # The server under us evaluates (and time-limits) queries: no worker processes here.
        store.timeout = float(app.config["QUERY_TIMEOUT"])
    elif app.config["QUERY_WORKERS"]:
        kg["executor"] = QueryExecutor(
            store, timeout=float(app.config["QUERY_TIMEOUT"]), workers=int(app.config["QUERY_WORKERS"]),
            max_result_bytes=int(app.config["MAX_RESULT_BYTES"]), snapshots_in=app.config["SNAPSHOT_DIR"],
            memory_mb=int(app.config["MEMORY_MB"]))
        kg["store"] = store = kg["executor"].store  # writes reach the workers' in-memory copy through it
    kg["answers"] = QueryAnswers(store, kg["cache"], kg.get("executor"), int(app.config["MAX_RESULT_BYTES"]))

    limiter = RateLimiter(int(app.config["RATE_LIMIT"]))

    @app.before_request
    def start_clock():
        g.started = time.perf_counter()
        return limiter.refusal(request.remote_addr or "unknown")

    @app.errorhandler(KGError)
    def handle_kg_error(error: KGError):
        return jsonify(error.to_dict()), error.status

    @app.errorhandler(HTTPException)
    def handle_http_error(error: HTTPException):
        response = jsonify({"ok": False, "error": error.description, "status": error.code})
        if error.code == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="sco-rats-kg"'
        return response, error.code

    for module in BLUEPRINTS:
        app.register_blueprint(module.blueprint)
    app.after_request(keep_for_the_front)
    CORS(app, resources={path: {} for path in CORS_PATHS}, methods=["GET", "HEAD", "POST", "OPTIONS"],
         expose_headers=["Location"])
    app.after_request(access_log)
    app.wsgi_app = QueryFront(app.wsgi_app, kg["answers"], limiter)
    return app
