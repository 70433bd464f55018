"""Query answers, shared by the Flask views and the fast front that answers GETs without Flask.

:class:`QueryAnswers` gives an answer from the cache or evaluates it (in a worker process with a
time limit when there are workers); :class:`QueryFront` is the WSGI middleware that serves the
Protocol's ``GET /sparql?query=…`` and repeated GETs before Flask is entered.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from dataclasses import dataclass
from http import HTTPStatus

from cachetools import LRUCache
from flask import Response, request

from kg.errors import KGError
from kg.store.executor import Answer, QueryExecutor, evaluate
from kg.web import protocol
from kg.web.cache import AnswerCache
from kg.web.common import RateLimiter, log_request, state
from kg.web.negotiation import format_parameters, formats_for, query_formats


class QueryAnswers:
    """Answers to queries: from the cache, or evaluated (in a worker with a time limit when there
    are workers). It needs no request context, so the Flask views and :class:`QueryFront` share it."""

    def __init__(self, store, cache: AnswerCache, executor: QueryExecutor | None, max_result_bytes: int):
        self.store, self.cache, self.executor, self.max_result_bytes = store, cache, executor, max_result_bytes

    def get(self, query: str, dataset: dict, formats: tuple[str | None, str | None],
            substitutions: dict | None = None, client: str | None = None) -> tuple[Answer, bool]:
        """The answer in the first of ``formats`` (results, graph) that fits its kind, and whether it
        was cached; ``client`` (an address) gets its fair share of the query workers."""
        results_mime, graph_mime = formats

        def compute():
            if self.executor is not None:
                return self.executor.execute(query, dataset, results_mime=results_mime, graph_mime=graph_mime,
                                             substitutions=substitutions, client=client)
            return evaluate(self.store, query, dataset, results_mime, graph_mime, self.max_result_bytes,
                            substitutions)

        key = (query, _frozen(dataset), _frozen(substitutions or {}), results_mime, graph_mime)
        return self.cache.get_or_compute(key, compute)


def answer_headers(answer: Answer, hit: bool) -> list[tuple[str, str]]:
    """The headers of a query answer (CORS headers are added apart, for requests that carry an Origin)."""
    content_type = answer.mime + ("" if answer.mime.endswith("json") else "; charset=utf-8")
    return [("Content-Type", content_type), ("Vary", "Accept"), ("X-Cache", "hit" if hit else "miss")]


def answer(query: str, dataset: dict, substitutions: dict | None = None) -> Response:
    """Answer a query in the format the request negotiates."""
    result, hit = state()["answers"].get(query, dataset, query_formats(), substitutions, request.remote_addr)
    return Response(result.body, headers=answer_headers(result, hit))


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

    What a query string asks (the query after the checks, its dataset, the formats for the
    ``Accept`` header) does not depend on the data, so it is remembered for the next request
    with the same query string and ``Accept`` (:data:`PLANS` of them, each under
    :data:`PLANNED_BYTES`): parsing and checking it again cost as much as a light query's
    evaluation.
    """

    PATHS = ("/sparql", "/queries/")
    PLANS = 4096
    PLANNED_BYTES = 4096

    def __init__(self, app, answers: QueryAnswers, limiter: RateLimiter):
        self.app, self.answers, self.cache, self.limiter = app, answers, answers.cache, limiter
        self._plans: LRUCache = LRUCache(maxsize=self.PLANS)
        self._plans_lock = threading.Lock()

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if environ["REQUEST_METHOD"] != "GET" or not path.startswith(self.PATHS):
            return self.app(environ, start_response)
        started = time.perf_counter()
        key = ("GET", path, environ.get("QUERY_STRING", ""), environ.get("HTTP_ACCEPT"), environ.get("HTTP_ORIGIN"))
        kept = self.cache.get(key)
        client = environ.get("REMOTE_ADDR") or "unknown"
        if kept is None and path == "/sparql" and "HTTP_ORIGIN" not in environ:
            plan = self._plan(key[2], key[3])
            if plan is not None and not self.limiter.wait(client):
                generation = self.cache.generation  # read first: a write from here on makes the answer stale
                status, headers, body = self._evaluate(plan, client)
                if status == "200 OK":
                    self.cache.put(key, CachedResponse(body, [*_as_hit(headers), ("Content-Length", str(len(body)))]),
                                   generation)
                start_response(status, [*headers, ("Content-Length", str(len(body)))])
                log_request("GET", path, int(status[:3]), client, started, len(body))
                return [body]
        if kept is None or self.limiter.wait(client):  # a refusal is Flask's to write
            environ["kg.front"] = (key, self.cache.generation)
            return self.app(environ, start_response)
        start_response("200 OK", kept.headers)
        log_request("GET", path, 200, client, started, len(kept.body))
        return [kept.body]

    def _plan(self, query_string: str, accept: str | None):
        """What the query string asks, checked: (query, dataset, formats), a refusal (a
        :class:`KGError`), or None when it has no ``query`` (Flask answers that)."""
        with self._plans_lock:
            plan = self._plans.get((query_string, accept))
        if plan is not None:
            return plan
        params = urllib.parse.parse_qs(query_string, keep_blank_values=True)
        if "query" not in params:
            return None
        try:
            query, dataset = protocol.query_request(params["query"], params.get("default-graph-uri", []),
                                                    params.get("named-graph-uri", []))
            plan = (query, dataset, formats_for(format_parameters(params), accept))
        except KGError as exc:
            plan = exc
        if len(query_string) < self.PLANNED_BYTES:
            with self._plans_lock:
                self._plans[(query_string, accept)] = plan
        return plan

    def _evaluate(self, plan, client: str) -> tuple[str, list, bytes]:
        if isinstance(plan, KGError):
            return _refusal(plan)
        query, dataset, formats = plan
        try:
            result, hit = self.answers.get(query, dataset, formats, client=client)
        except KGError as exc:
            return _refusal(exc)
        return "200 OK", answer_headers(result, hit), result.body


def _as_hit(headers) -> list[tuple[str, str]]:
    """The headers of a response kept for the front: the next time it is given, it is a hit."""
    return [(k, "hit" if k == "X-Cache" else v) for k, v in headers]


def _refusal(error: KGError) -> tuple[str, list, bytes]:
    return f"{error.status} {HTTPStatus(error.status).phrase}", [("Content-Type", "application/json")], \
        json.dumps(error.to_dict(), separators=(",", ":"), sort_keys=True).encode() + b"\n"  # as jsonify


def keep_for_the_front(response: Response) -> Response:
    """Keep a successful answer for :class:`QueryFront`, marked as the hit it will be."""
    front = request.environ.get("kg.front")
    if front and response.status_code == 200 and "X-Cache" in response.headers and not response.is_streamed:
        key, generation = front
        state()["cache"].put(key, CachedResponse(response.get_data(), _as_hit(response.headers.items())), generation)
    return response


def _frozen(mapping: dict) -> tuple:
    return tuple(sorted((str(k), str(v)) for k, v in mapping.items()))
