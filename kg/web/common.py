"""What every blueprint shares: the app's state, errors, the write token, the rate limit and the access log.

Content negotiation is in :mod:`kg.web.negotiation`; everything here is small on purpose, so
each blueprint reads as its routes and nothing else.
"""

from __future__ import annotations

import hmac
import json
import logging
import sys
import threading
import time

from flask import current_app, g, jsonify, request
from werkzeug.exceptions import Forbidden, Unauthorized

from kg.namespaces import BASE

WRITE_LOCK = threading.Lock()
"""One writer at a time: intake, updates."""

ACCESS_LOG = logging.getLogger("kg.access")


def state() -> dict:
    """The app's shared objects: store, named queries, answer cache, executor, intake, reconciler."""
    return current_app.extensions["kg"]


def error(status: int, message: str):
    """A response in the one JSON error shape (``{"ok": false, "error": …, "status": …}``)."""
    return jsonify({"ok": False, "error": message, "status": status}), status


def require_token() -> None:
    """Refuse a write without the configured bearer token (the scheme is case-insensitive, RFC 7235)."""
    token = current_app.config.get("API_TOKEN")
    if not token:
        raise Forbidden("this service is read-only: no API token is configured")
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not given:
        raise Unauthorized("send Authorization: Bearer <token> to write")
    if not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise Forbidden("the token is not valid")


def store_changed() -> None:
    """Let every reader see a write: query workers, cached answers, the reconciliation index."""
    state()["cache"].clear()
    state().pop("reconciler", None)  # rebuilt from the store on its next use
    executor = state().get("executor")
    if executor is not None:
        executor.refresh()


def local_link(iri: str) -> str:
    """Link an entity of ours to this server's page for it; leave other IRIs alone."""
    return f"{request.script_root}/{iri[len(BASE):]}" if iri.startswith(BASE) and "#" not in iri else iri


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

    def refusal(self, client: str):
        """The 429 response for ``client`` if it has no token left, else None."""
        wait = self.wait(client)
        if not wait:
            return None
        seconds = max(1, round(wait + 0.5))
        response, status = error(429, f"too many requests from {client}; the limit is {self.per_minute} a "
                                      f"minute; retry in {seconds} s")
        response.status_code = status
        response.headers["Retry-After"] = str(seconds)
        return response


def access_log(response):
    """Log one JSON line per request: what was asked, by whom, the outcome and how long it took."""
    log_request(request.method, request.path, response.status_code, request.remote_addr, g.get("started"),
                response.calculate_content_length())
    return response


_access_handler: BufferedLogHandler | None = None


def access_log_to(handler: BufferedLogHandler | None) -> None:
    """Write the access log's lines straight to ``handler`` (None: through :data:`ACCESS_LOG` again).

    ``kg serve`` does: a line through ``logging`` (a record made, filters, handlers, a formatter)
    cost a third of a cached answer's time in the server; the lines and where they go are the same.
    """
    global _access_handler
    _access_handler = handler


def log_request(method: str, path: str, status: int, client: str | None, started: float | None,
                size: int | None) -> None:
    line = json.dumps({
        "method": method, "path": path, "status": status, "client": client,
        "ms": round((time.perf_counter() - started) * 1000, 1) if started else None, "bytes": size,
    })
    if _access_handler is not None:
        _access_handler.write_line(line)
    else:
        ACCESS_LOG.info(line)


class BufferedLogHandler(logging.StreamHandler):
    """Write log lines to stderr through a buffer, flushed every ``interval`` seconds, at once
    for a warning or worse, and on close.

    The access log has a line per request. Written one by one (Python's stderr is line
    buffered and ``StreamHandler`` flushes after every record), each line is a system call that
    hands the GIL to another request thread and back, and that cost more than answering a
    light query. nginx buffers its access log (``buffer=``, ``flush=``) for the same reason.
    """

    def __init__(self, interval: float = 1.0):
        super().__init__(open(sys.stderr.fileno(), "w", buffering=1 << 16, encoding="utf-8", closefd=False))  # noqa: SIM115
        self.setFormatter(logging.Formatter("%(message)s"))
        self._interval = interval
        threading.Thread(target=self._flush_now_and_then, name="log-flush", daemon=True).start()

    def emit(self, record: logging.LogRecord) -> None:
        super().emit(record)
        if record.levelno >= logging.WARNING:
            self.flush_buffer()

    def flush(self) -> None:
        """Called after every record: the buffer decides."""

    def write_line(self, line: str) -> None:
        """Write one line as a record's message would be written, without making a record."""
        with self.lock:
            self.stream.write(line + "\n")

    def flush_buffer(self) -> None:
        with self.lock:
            self.stream.flush()

    def close(self) -> None:
        self.flush_buffer()
        super().close()

    def _flush_now_and_then(self) -> None:
        while True:
            time.sleep(self._interval)
            self.flush_buffer()
