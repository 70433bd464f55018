"""Curation in the browser: the curation page, and the validation report of the whole graph.

* ``GET /curate``: paste or upload a source text, draft its mapping (``POST /draft``), edit it
  in CodeMirror (vendored by ``make vendor``) with the engine's errors on their line and the
  validation report under the editor (``POST /validate`` as the curator types), and submit it
  with the token (``POST /sources``). The page only calls those routes: everything it shows is
  what any other client of them gets.
* ``GET /report``: the whole graph's validation report (what ``kg validate`` prints), a page in
  a browser, JSON, text, Turtle or JSON-LD by ``Accept`` or ``?format=``. Validating the whole
  graph takes seconds, so the report is computed once per state of the store: every write
  empties the answer cache (:func:`kg.web.common.store_changed`), and its generation says
  whether the kept report is still the store's.
"""

from __future__ import annotations

import threading
import time

from flask import Blueprint, Response, current_app, render_template, request, url_for

from kg.errors import BadRequest
from kg.namespaces import BASE
from kg.web.common import error, local_link, state
from kg.web.intake import REPORT_TYPES, current_intake
from kg.web.workbench import VENDOR

blueprint = Blueprint("curate", __name__)

EDITOR_FILES = ("codemirror.js", "codemirror.css", "yaml.js", "lint.js", "lint.css")
"""CodeMirror 5's files the page loads, from ``static/vendor/codemirror``."""
LANGUAGES = (("", "guess from the script"), ("en", "English"), ("ru", "Russian"), ("zh", "Chinese"))
VALIDATE_DELAY_MS = 600
"""How long the page waits after the last keystroke before it asks for a validation."""

_REPORT_LOCK = threading.Lock()


class GraphReport:
    """The whole graph's report for one generation of the answer cache, rendered once per format."""

    def __init__(self, generation: int, report, seconds: float):
        self.generation, self.report, self.seconds = generation, report, seconds
        self.computed = time.time()
        self._rendered: dict[str, str] = {}

    def render(self, format_: str) -> str:
        if format_ not in self._rendered:
            self._rendered[format_] = self.report.render(format_)
        return self._rendered[format_]


def graph_report() -> GraphReport:
    """The validation report of the whole graph as the store is now, computed on first use after a write."""
    kg = state()
    generation = kg["cache"].generation  # read first: a write during the validation makes the result stale
    kept = kg.get("graph_report")
    if kept is not None and kept.generation == generation:
        return kept
    with _REPORT_LOCK:  # one validation at a time; those waiting get its result
        kept = kg.get("graph_report")
        if kept is None or kept.generation != kg["cache"].generation:
            started = time.perf_counter()
            report = current_intake().validator.validate_store(kg["store"])
            kept = GraphReport(generation, report, time.perf_counter() - started)
            kg["graph_report"] = kept
    return kept


@blueprint.route("/curate")
def curate():
    """The curation page (one page for people; the routes it calls are the API)."""
    missing = [name for name in EDITOR_FILES if not (VENDOR / "codemirror" / name).is_file()]
    config = {"draft": url_for("draft.draft"), "validate": url_for("intake.validate_source"),
              "sources": url_for("intake.add_source"), "report": url_for("curate.report"), "base": BASE,
              "delay": VALIDATE_DELAY_MS, "writable": bool(current_app.config.get("API_TOKEN"))}
    return render_template("curate.html", config=config, languages=LANGUAGES, missing=missing,
                           editor_files=EDITOR_FILES)


@blueprint.route("/report")
def report():
    """The validation report of the whole graph: a page in a browser, else the negotiated format."""
    wanted = request.args.get("format")
    if wanted:
        if wanted not in REPORT_TYPES.values():
            raise BadRequest(f"format {wanted!r} is not a report format; use one of: {', '.join(REPORT_TYPES.values())}")
        mime = next(m for m, f in REPORT_TYPES.items() if f == wanted)
    elif not request.accept_mimetypes:
        mime = "application/json"
    else:
        mime = request.accept_mimetypes.best_match(list(REPORT_TYPES), default=None)
        if mime is None:
            return error(406, f"cannot produce {request.headers.get('Accept')!r}; available: {', '.join(REPORT_TYPES)}")
    kept = graph_report()
    if mime == "text/html" and not wanted:
        body = render_template("report.html", report=kept.report.to_dict(), seconds=kept.seconds,
                               computed=time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(kept.computed)),
                               local=local_link, formats=[f for f in REPORT_TYPES.values() if f != "html"])
    else:
        body = kept.render(REPORT_TYPES[mime])
    response = Response(body, content_type=mime + "; charset=utf-8")
    response.vary.add("Accept")
    return response
