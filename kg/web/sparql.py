"""The SPARQL 1.1 Protocol: the query operation, the service description and the form, and updates.

The Protocol's ``GET /sparql?query=…`` from a client that is not a browser is usually answered
before Flask by :class:`kg.web.answers.QueryFront`, with the same checks and answers as here.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, request, url_for

from kg.errors import BadRequest, QueryError, where
from kg.namespaces import AUTHORITY_GRAPH, BASE, ONTOLOGY_GRAPH, PREFIXES
from kg.store import update_trial
from kg.store import updates as update_log
from kg.store.embedded import refresh_default_graph
from kg.web import guard, protocol, workbench
from kg.wikidata.wikibase import WIKIBASE_GRAPH
from kg.web.answers import answer
from kg.web.common import WRITE_LOCK, error, require_token, state, store_changed
from kg.web.negotiation import rdf_response, wants_html

blueprint = Blueprint("sparql", __name__)
UPDATE_SPEC = "https://www.w3.org/TR/sparql11-update/"


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
    text = updates[0]
    protocol.refuse_remote_access(text, allow_load=current_app.config["ALLOW_LOAD"], update=True)
    refuse_removing_reference_data(text)
    store = state()["store"]
    with WRITE_LOCK:
        refuse_failing_graph_operations(guard.update_operations(text), store)
        try:
            # first on a checkpoint, in a process the time limit can stop (and a crash cannot take us down)
            update_trial.try_update(store, text, prefixes=PREFIXES, timeout=float(current_app.config["QUERY_TIMEOUT"]),
                                    folder=current_app.config.get("SNAPSHOT_DIR"))
            store.update(text, base_iri=BASE, prefixes=PREFIXES)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL update syntax error: {where(str(exc))}") from None
        except RuntimeError as exc:  # Oxigraph's evaluation errors: CLEAR of a missing graph, CREATE of one that exists
            raise QueryError(f"the update cannot be applied: {exc}; nothing was changed", link=UPDATE_SPEC) from None
        refresh_default_graph(store)
        # Before the 204, beside accepted/: kg build replays it, so an acknowledged update survives rebuilds.
        update_log.record(updates_folder(), text)
        store_changed()
    return Response(status=204)


def updates_folder() -> Path:
    """Where this app records updates: ``UPDATES_DIR``, or ``updates/`` beside ``accepted/``."""
    config = current_app.config
    return Path(config.get("UPDATES_DIR") or Path(config["ACCEPTED_DIR"]).parent / "updates")


def refuse_failing_graph_operations(ops: guard.Operations, store) -> None:
    """Refuse, before anything is applied, a ``CLEAR``/``DROP``/``MOVE``/``COPY``/``ADD`` of a graph that
    does not exist or a ``CREATE`` of one that does (without ``SILENT``), following the operations in
    order. Oxigraph would refuse them during evaluation; a SPARQL server used as the store answers
    them with a 500, which is the client's mistake all the same.

    :raises QueryError: naming the operation and the graph.
    """
    if not ops.steps:
        return
    existing = {g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)}
    for operation, graph, target, silent in ops.steps:
        named = graph not in ("DEFAULT", "ALL", "NAMED") and not graph.startswith("?")
        if operation == "INSERT":
            existing.add(graph)
        elif operation == "CREATE":
            if graph in existing and not silent:
                raise QueryError(f"CREATE GRAPH <{graph}>: the graph already exists; nothing was changed "
                                 "(CREATE SILENT ignores that)")
            existing.add(graph)
        elif named and graph not in existing and not silent:
            raise QueryError(f"{operation} <{graph}>: the graph does not exist; nothing was changed "
                             f"({operation} SILENT ignores that)")
        elif operation in ("DROP", "MOVE") and named:
            existing.discard(graph)
        if target is not None and target not in ("DEFAULT",):
            existing.add(target)


PROTECTED_GRAPHS = {str(AUTHORITY_GRAPH): "the authority data", str(ONTOLOGY_GRAPH): "the ontology",
                    str(WIKIBASE_GRAPH): "the Wikibase view"}
"""Graphs every source is checked against: emptied, every later source would be refused."""


def refuse_removing_reference_data(text: str) -> None:
    """Refuse an update that may remove triples from the reference graphs: ``DROP``/``CLEAR`` of
    ``ALL`` or ``NAMED``, of a protected graph, ``MOVE``/``COPY`` over one, or a ``DELETE`` from one
    or from a graph chosen by a variable.

    :raises Forbidden: naming the operation's target and what to do instead.
    """
    ops = guard.update_operations(text)
    if not ops.parsed:
        try:  # Oxigraph's own message for a syntax error; the text was checked to name no SERVICE or LOAD
            ox.Store().update(text, prefixes=PREFIXES)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL update syntax error: {where(str(exc))}") from None
        except RuntimeError:
            pass
        raise QueryError(f"what this update removes cannot be checked ({ops.unparsed_because}); write it in plain "
                         "SPARQL 1.1, or split it")
    for target in ops.removes:
        if target in ("ALL", "NAMED"):
            raise protocol.Forbidden(f"an update may not remove {target} graphs: the reference data would go with them; "
                                     "name the graphs to drop or clear")
        if target.startswith("?"):
            raise protocol.Forbidden(f"an update may not delete from a graph chosen by the variable {target}: it could "
                                     "remove reference data; name the graph in GRAPH <...>")
        if target in PROTECTED_GRAPHS:
            raise protocol.Forbidden(f"an update may not remove triples from {PROTECTED_GRAPHS[target]} (<{target}>): "
                                     "every source is checked against it; change authority/ or ontology/ and run "
                                     "kg build")
