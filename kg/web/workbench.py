"""The workbench's query editor: YASGUI served by this app, its examples and its vocabulary.

* ``/assets/…``: the workbench's own script and style, and the browser libraries ``make vendor``
  copies from the npm registry into ``kg/web/static/vendor`` (never a CDN).
* the editor page (``GET /sparql`` in a browser, rendered by :func:`editor_page`): YASGUI with
  the named queries as examples, the endpoint's predefined prefixes, and autocompletion of the
  classes and properties of the ontology and of the data from ``/sparql/terms.json``.
* ``/.well-known/sparql-examples``: the named queries as ``sh:SPARQLExecutable``s (RDF by
  ``Accept``, a page in a browser).

Every HTML page of the app gets a ``Content-Security-Policy`` that lets it load only from this
server, so a page that needed an outside asset would break in the browser tests, not in use.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, request, url_for

from kg.namespaces import ONTOLOGY_GRAPH, PREFIXES
from kg.web import protocol
from kg.web.common import state
from kg.web.examples import editor_text, examples_graph, query_form
from kg.web.negotiation import rdf_response, wants_html
from kg.web.readable import graph_page

blueprint = Blueprint("workbench", __name__, static_folder="static", static_url_path="/assets")

VENDOR = Path(__file__).parent / "static" / "vendor"
VENDORED = ("yasgui.min.js", "yasgui.min.css")

CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'self'; "
       "form-action 'self'; base-uri 'self'")
"""Pages load scripts, styles, images and data from this server only."""

_TERMS = """
SELECT ?kind ?term (SAMPLE(?l) AS ?label) WHERE {
  { GRAPH <%s> { ?term a ?declared } VALUES (?declared ?kind) {
      (owl:Class "class") (rdfs:Class "class") (owl:ObjectProperty "property") (owl:DatatypeProperty "property")
      (rdf:Property "property") (owl:AnnotationProperty "property") } }
  UNION { SELECT DISTINCT ?term ("class" AS ?kind) WHERE { [] a ?term } }
  UNION { SELECT DISTINCT ?term ("property" AS ?kind) WHERE { [] ?term [] } }
  OPTIONAL { GRAPH <%s> { ?term rdfs:label ?l } }
  FILTER isIRI(?term)
} GROUP BY ?kind ?term ORDER BY ?kind ?term"""


@dataclass(frozen=True)
class _Kept:
    body: bytes


@blueprint.app_context_processor
def licence():
    """The data's one licence, for every page's footer."""
    return {"licence_name": lambda: protocol.DATA_LICENCE[1], "licence_url": lambda: protocol.DATA_LICENCE[0]}


@blueprint.after_app_request
def confine_pages(response: Response) -> Response:
    """Let an HTML page load nothing from outside this server."""
    if response.mimetype == "text/html":
        response.headers.setdefault("Content-Security-Policy", CSP)
    return response


def editor_page() -> str:
    """The query editor: YASGUI on this endpoint, or a page that says how to vendor it."""
    queries = list(state()["queries"].values())
    examples = [{"name": q.name, "summary": q.summary, "form": query_form(q.text), "query": editor_text(q)}
                for q in queries]
    missing = [name for name in VENDORED if not (VENDOR / name).is_file()]
    return render_template("sparql.html", examples=examples, prefixes=PREFIXES, missing=missing,
                           endpoint=url_for("sparql.sparql", _external=True))


@blueprint.route("/sparql/terms.json")
def terms():
    """The classes and properties of the ontology and the data, for the editor's autocompletion."""
    def compute() -> _Kept:
        found: dict[str, dict[str, str | None]] = {"class": {}, "property": {}}
        rows = state()["store"].query(_TERMS.replace("<%s>", f"<{ONTOLOGY_GRAPH}>"), prefixes=PREFIXES)
        for row in rows:
            kind, term = row["kind"].value, row["term"].value
            label = row["label"].value if row["label"] is not None else None
            found[kind][term] = found[kind].get(term) or label
        body = {kind: [{"iri": iri, "label": label} for iri, label in sorted(terms.items())]
                for kind, terms in found.items()}
        return _Kept(json.dumps(body, ensure_ascii=False).encode())

    kept, _ = state()["cache"].get_or_compute(("workbench", "terms"), compute)
    return Response(kept.body, content_type="application/json")


@blueprint.route("/.well-known/sparql-examples")
def sparql_examples():
    """The named queries as ``sh:SPARQLExecutable``s."""
    graph = examples_graph(state()["queries"].values(),
                           page_url=url_for("workbench.sparql_examples", _external=True),
                           endpoint=url_for("sparql.sparql", _external=True))
    if wants_html() and "format" not in request.args:
        return graph_page(graph, title="SPARQL examples",
                          intro="The named queries of this endpoint as SHACL SPARQL executables, "
                                "so that query editors and crawlers find them. Open one in the editor from "
                                "the editor's Examples menu, or from its query page.")
    return rdf_response(graph)


@blueprint.route("/sparql/description")
def service_description():
    """The SPARQL Service Description (also at ``GET /sparql`` without a query), readable in a browser."""
    graph = protocol.service_description(
        url_for("sparql.sparql", _external=True), void_url=url_for("dataset.void", _external=True),
        update_url=url_for("sparql.update", _external=True) if current_app.config.get("API_TOKEN") else None)
    if wants_html() and "format" not in request.args:
        return graph_page(graph, title="SPARQL service description",
                          intro="What the endpoint supports, in the SPARQL 1.1 Service Description vocabulary. "
                                "Query clients read the same description at GET /sparql.")
    return rdf_response(graph)
