"""The reconciliation service (W3C Entity Reconciliation CG API v0.2) for OpenRefine and its peers."""

from __future__ import annotations

import json
import re

from flask import Blueprint, Response, jsonify, render_template, request, url_for

from kg.errors import BadRequest, NotFound
from kg.namespaces import BASE
from kg.web.common import local_link, state
from kg.wikidata.reconcile import SPEC, Reconciler

blueprint = Blueprint("reconcile", __name__)


def _reconciler() -> Reconciler:
    kg = state()
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


@blueprint.route("/reconcile", methods=["GET", "POST"])
def reconcile():
    """The reconciliation API: the manifest, or a batch of queries (``queries=`` by GET or POST)."""
    raw = request.values.get("queries")
    if raw is None:
        return _jsonp(_reconciler().manifest(url_for("pages.index", _external=True)))
    try:
        batch = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise BadRequest(f"queries is not valid JSON: {exc}", link=SPEC) from None
    if not isinstance(batch, dict) or not all(isinstance(q, dict) for q in batch.values()):
        raise BadRequest("queries must be an object of query objects, e.g. {\"q0\": {\"query\": \"…\"}}", link=SPEC)
    for key, query in batch.items():
        check_query(key, query)
    return _jsonp({key: {"result": _reconciler().reconcile(query)} for key, query in batch.items()})


def check_query(key: str, query: dict) -> None:
    """Refuse a reconciliation query whose fields have the wrong shape, naming the query and the field.

    :raises BadRequest: ``limit`` not a whole number from 1 to 1000, ``type`` not a string or a list
        of strings, ``properties`` not a list of ``{"pid": …, "v": …}`` objects, ``query`` not text.
    """
    def bad(field: str, wanted: str):
        raise BadRequest(f"query {key!r}: {field} must be {wanted}, not {json.dumps(query.get(field))[:100]}", link=SPEC)

    if "query" in query and not isinstance(query["query"], (str, int, float)):
        bad("query", "text")
    limit = query.get("limit")
    if limit is not None and not (isinstance(limit, int) and not isinstance(limit, bool) and 0 < limit <= 1000) \
            and not (isinstance(limit, str) and limit.isdigit() and 0 < int(limit) <= 1000):
        bad("limit", "a whole number from 1 to 1000")
    wanted = query.get("type")
    if wanted is not None and not isinstance(wanted, str) and \
            not (isinstance(wanted, list) and all(isinstance(t, str) for t in wanted)):
        bad("type", "a type id or a list of them")
    conditions = query.get("properties")
    if conditions is not None and not (isinstance(conditions, list) and all(
            isinstance(c, dict) and isinstance(c.get("pid", ""), str) for c in conditions)):
        bad("properties", 'a list of {"pid": ..., "v": ...} objects')


@blueprint.route("/reconcile/suggest/<kind>")
def suggest(kind: str):
    """Entity, type and property suggest services for the reconciliation API."""
    prefix = request.values.get("prefix", "")
    limit = request.values.get("limit", "10")
    if not limit.isdigit() or not 0 < int(limit) <= 1000:
        raise BadRequest(f"limit must be a whole number from 1 to 1000, not {limit!r}", link=SPEC)
    reconciler = _reconciler()
    suggester = {"entity": reconciler.suggest_entities, "type": reconciler.suggest_types,
                 "property": reconciler.suggest_properties}.get(kind)
    if suggester is None:
        raise NotFound(f"no {kind!r} suggest service; there are entity, type and property")
    return _jsonp({"result": suggester(prefix, int(limit))})


@blueprint.route("/reconcile/preview")
def preview():
    """A small HTML card about one entity, for OpenRefine's preview pop-up."""
    entity_id = request.values.get("id", "")
    entity = _reconciler().preview(entity_id)
    if entity is None:
        raise NotFound(f"no entity {entity_id!r}")
    return render_template("preview.html", entity=entity, link=local_link(BASE + entity.id))
