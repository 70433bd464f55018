"""The SPARQL 1.1 Protocol: the query operation, the service description and the form, and updates.

The Protocol's ``GET /sparql?query=…`` from a client that is not a browser is usually answered
before Flask by :class:`kg.web.answers.QueryFront`, with the same checks and answers as here.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request, url_for

from kg.errors import BadRequest, QueryError, where
from kg.namespaces import PREFIXES
from kg.store.embedded import refresh_default_graph
from kg.web import protocol, workbench
from kg.web.answers import answer
from kg.web.common import WRITE_LOCK, error, require_token, state, store_changed
from kg.web.negotiation import rdf_response, wants_html

blueprint = Blueprint("sparql", __name__)


@blueprint.route("/sparql", methods=["GET", "POST"])
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
        return error(415, f"unsupported request body type {request.mimetype!r}; send "
                          "application/sparql-query or application/x-www-form-urlencoded")
    if request.method == "GET" and not queries:
        if wants_html():
            return workbench.editor_page()
        return rdf_response(protocol.service_description(
            url_for("sparql.sparql", _external=True), void_url=url_for("dataset.void", _external=True),
            update_url=url_for("sparql.update", _external=True) if current_app.config.get("API_TOKEN") else None))
    query, dataset = protocol.query_request(queries, params.getlist("default-graph-uri"),
                                            params.getlist("named-graph-uri"))
    return answer(query, dataset)


@blueprint.route("/update", methods=["POST"])
def update():
    """The SPARQL 1.1 Protocol's update operation; needs the bearer token."""
    require_token()
    if request.mimetype == "application/x-www-form-urlencoded":
        updates = request.form.getlist("update")
    elif request.mimetype == "application/sparql-update":
        updates = [request.get_data(as_text=True)]
    else:
        return error(415, f"unsupported request body type {request.mimetype!r}; send "
                          "application/sparql-update or application/x-www-form-urlencoded")
    if len(updates) != 1 or not updates[0].strip():
        raise BadRequest("send exactly one 'update' parameter", link=protocol.PROTOCOL)
    if request.values.getlist("using-graph-uri") or request.values.getlist("using-named-graph-uri"):
        raise BadRequest("using-graph-uri and using-named-graph-uri are not supported; use USING in the update")
    protocol.refuse_remote_access(updates[0], allow_load=current_app.config["ALLOW_LOAD"])
    with WRITE_LOCK:
        try:
            state()["store"].update(updates[0], prefixes=PREFIXES)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL update syntax error: {where(str(exc))}") from None
        refresh_default_graph(state()["store"])
        store_changed()
    return Response(status=204)
