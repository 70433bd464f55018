"""Validation and intake of new sources over HTTP: ``POST /validate`` (a dry run), ``POST /sources``
(with the token), and the list of sources.

A source is sent as JSON ``{"id", "mapping", "text"}``, as a form (``multipart/form-data`` or
URL-encoded) with the fields ``id``, ``mapping`` and ``text`` (files allowed; a text file's
name gives the id), or as RDF in the body (Turtle, N-Triples, RDF/XML, JSON-LD, TriG, N-Quads)
in the ontology with its own evidence.
"""

from __future__ import annotations

import threading
from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, request, url_for
from werkzeug.exceptions import UnsupportedMediaType

from kg.errors import BadRequest, NotFound
from kg.namespaces import source_graph
from kg.sources.limits import check_depth
from kg.store.embedded import graph_names
from kg.validation.intake import MEDIA_TYPES, Intake, Rejected, from_mapping, from_rdf, is_accepted
from kg.validation.neighbourhood import SOURCE_GRAPHS
from kg.web import named_queries
from kg.web.common import WRITE_LOCK, error, require_token, state, store_changed
from kg.wikidata.curation import Curation

blueprint = Blueprint("intake", __name__)

REPORT_TYPES = {"application/json": "json", "text/html": "html", "text/plain": "text", "text/turtle": "turtle",
                "application/ld+json": "jsonld"}
_INTAKE_LOCK = threading.Lock()


def current_intake() -> Intake:
    """The intake for this app's store, made on first use (it loads the shapes)."""
    kg = state()
    if "intake" not in kg:
        with _INTAKE_LOCK:
            if "intake" not in kg:
                config = current_app.config
                kg["intake"] = Intake.from_folders(kg["store"], config["ONTOLOGY_DIR"], config["SHAPES_DIR"],
                                                   config["ACCEPTED_DIR"], Curation.from_folder(config["CURATION_DIR"]))
                if kg["intake"].recovered:  # sources a crash left out of the store: readers must see them now
                    store_changed()
    return kg["intake"]


def repair_at_start(app) -> list[str]:
    """Repair what a crash left (accepted sources the store lacks, staging folders) before the first
    request, and let every reader see the repaired sources; return their ids.

    The intake (and its shapes) is made only if there is something to repair, so a clean start stays fast.
    """
    with app.app_context():
        accepted = Path(current_app.config["ACCEPTED_DIR"])
        if not accepted.is_dir():
            return []
        present = set(graph_names(state()["store"], SOURCE_GRAPHS))
        missing = [f.name for f in accepted.iterdir() if is_accepted(f) and str(source_graph(f.name)) not in present]
        staging = [f for f in accepted.iterdir() if f.name.startswith(".")]
        if not missing and not staging:
            return []
        repaired = current_intake().recovered
        store_changed()
        return repaired


@blueprint.route("/validate", methods=["POST"])
def validate_source():
    """Check a submitted source against the graph without changing it (a dry run)."""
    intake = current_intake()
    return _report_response(intake.check(_read_candidate(intake)), 200)


@blueprint.route("/sources", methods=["POST"])
def add_source():
    """Validate a submitted source and, if nothing contradicts the graph, add all of it."""
    require_token()
    intake = current_intake()
    candidate = _read_candidate(intake)
    reason = request.args.get("override_reason") or request.form.get("override_reason")
    with WRITE_LOCK:
        try:
            report = intake.add(candidate, override_reason=reason)
        except Rejected as exc:
            return jsonify(exc.to_dict()), exc.status
        store_changed()
    response = _report_response(report, 201)
    response.headers["Location"] = url_for("intake.show_source", source_id=candidate.source_id, _external=True)
    return response


@blueprint.route("/sources", methods=["GET"])
def list_sources():
    """List every source in the graph, and which of them came through intake."""
    result = named_queries.run(state()["store"], named_queries.get_query(state()["queries"], "sources"))
    accepted = {r["id"]: r for r in current_intake().accepted()}
    rows = []
    for solution in result:
        row = {v.value: (solution[v].value if solution[v] is not None else None) for v in result.variables}
        source_id = row["source"].rsplit("/", 1)[1]
        row["id"] = source_id
        row["url"] = url_for("intake.show_source", source_id=source_id, _external=True)
        row["accepted"] = accepted.get(source_id, {}).get("accepted")
        rows.append(row)
    return jsonify(rows)


@blueprint.route("/sources/<source_id>")
def show_source(source_id: str):
    """Show one source: its metadata and, for an accepted source, its acceptance and report."""
    for row in list_sources().get_json():
        if row["id"] == source_id:
            row["intake"] = current_intake().record(source_id)
            return jsonify(row)
    raise NotFound(f"no source {source_id!r}; GET /sources lists them")


def _read_candidate(intake: Intake):
    """Read a source from the request: a mapping and its text, or RDF in the body."""
    kind = request.mimetype
    if kind in MEDIA_TYPES:
        return from_rdf(request.get_data(as_text=True), format_=MEDIA_TYPES[kind], name="request body",
                        vocabulary=intake.vocabulary, known=intake.known())
    if kind == "application/json":
        check_depth(request.get_data(as_text=True), "JSON body", json=True)
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise BadRequest("the JSON body must be an object with 'id', 'mapping' and 'text'")
        fields = body
    elif kind in ("multipart/form-data", "application/x-www-form-urlencoded"):
        fields = dict(request.form)
        for name, upload in request.files.items():
            try:
                fields[name] = upload.read().decode("utf-8")
            except UnicodeDecodeError as exc:
                raise BadRequest(f"the file in field {name!r} is not UTF-8 text: {exc}") from None
            if name == "text" and upload.filename and "id" not in fields:
                fields["id"] = Path(upload.filename).stem
    else:
        raise UnsupportedMediaType(
            f"unsupported body type {kind!r}: send JSON ({{'id', 'mapping', 'text'}}), a form with the fields "
            f"'id', 'mapping' and 'text', or RDF as {', '.join(MEDIA_TYPES)}")
    missing = [name for name in ("id", "mapping", "text") if not fields.get(name)]
    if missing:
        raise BadRequest(f"missing field(s): {', '.join(missing)}")
    wrong = [name for name in ("id", "mapping", "text") if not isinstance(fields[name], str)]
    if wrong:
        raise BadRequest(f"field(s) {', '.join(wrong)} must be text (a JSON string)")
    return from_mapping(fields["mapping"], fields["text"], source_id=fields["id"], vocabulary=intake.vocabulary,
                        known=intake.known(), name=f"mapping of {fields['id']}")


def _report_response(report, status: int) -> Response:
    wanted = request.args.get("format")
    if wanted:
        if wanted not in REPORT_TYPES.values():
            raise BadRequest(f"format {wanted!r} is not a report format; use one of: {', '.join(REPORT_TYPES.values())}")
        mime = next(m for m, f in REPORT_TYPES.items() if f == wanted)
    else:
        mime = request.accept_mimetypes.best_match(list(REPORT_TYPES), default=None) if request.accept_mimetypes \
            else "application/json"
        if mime is None:
            return error(406, f"cannot produce {request.headers.get('Accept')!r}; available: {', '.join(REPORT_TYPES)}")
    response = Response(report.render(REPORT_TYPES[mime]), status=status, content_type=mime + "; charset=utf-8")
    response.vary.add("Accept")
    return response
