"""The named queries as pages: the list, and each query as a form with its parameters and its results.

A browser gets these; every other client still gets the JSON list and the query's results in
the format it negotiates (:mod:`kg.web.queries`). The results are the same answer the API
gives (through the answer cache and the query workers), drawn as a table whose IRIs link to
the entities' pages, with links to the same results as JSON, CSV, TSV and XML.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from flask import render_template, request, url_for

from kg.errors import KGError
from kg.web.common import local_link, state
from kg.web.examples import editor_text
from kg.web.landing import editor_link
from kg.web.readable import short
from kg.wikidata.wdqs import rewrite_label_service

MAX_ROWS = 1000
"""Rows drawn on a page; the downloads have them all."""


def list_page() -> str:
    return render_template("queries.html", queries=list(state()["queries"].values()))


def cell(term: dict | None) -> dict:
    """One value of a SPARQL JSON result as the table shows it."""
    if term is None:
        return {"text": ""}
    if term["type"] == "uri":
        return {"text": short(term["value"]), "href": local_link(term["value"]), "title": term["value"]}
    extra = f"@{term['xml:lang']}" if "xml:lang" in term else ""
    return {"text": term["value"], "note": extra or (short(term["datatype"]) if "datatype" in term else "")}


def query_page(query) -> str:
    """The page of one named query: form, results (once the required parameters are given), downloads."""
    values = {k: v for k, v in request.args.items() if k != "format" and v != ""}
    missing = [p.name for p in query.params if p.required and p.name not in values]
    variables, rows, error, total = [], [], None, 0
    if not missing:
        try:
            answer, _ = state()["answers"].get(rewrite_label_service(query.text), {},
                                               ("application/sparql-results+json", None), query.bind(values))
            result = json.loads(answer.body)
            if "boolean" in result:
                variables, rows, total = ["answer"], [[{"text": str(result["boolean"]).lower()}]], 1
            else:
                variables = result["head"]["vars"]
                bindings = result["results"]["bindings"]
                total = len(bindings)
                rows = [[cell(b.get(v)) for v in variables] for b in bindings[:MAX_ROWS]]
        except KGError as exc:
            error = exc.message
    downloads = [(name, url_for("queries.run_query", name=query.name) + "?" + urlencode({**values, "format": name}))
                 for name in ("json", "csv", "tsv", "xml")]
    return render_template("query.html", query=query, values=values, missing=missing, variables=variables,
                           rows=rows, total=total, error=error, downloads=downloads, shown=MAX_ROWS,
                           editor=editor_link(editor_text(query)))
