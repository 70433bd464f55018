"""Content negotiation (kg/web/negotiation.py): ``format``/``output``/``results`` against ``Accept``.

A parameter that names a format of the query's kind wins (WDQS's ``format=json``); one that
does not fit the query form leaves a satisfiable ``Accept`` to decide (issue 22, defect 4).
Through the fast front (GET without Origin) and the Flask view (POST), which must agree."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from kg.errors import BadRequest
from kg.web.negotiation import format_parameters, formats_for, named_formats

SELECT = "SELECT ?m WHERE { ?m a rats:CouncilMeeting }"
CONSTRUCT = "CONSTRUCT WHERE { ?m a rats:CouncilMeeting }"


def send(client, how, query, params, accept):
    headers = {"Accept": accept} if accept else {}
    if how == "get":
        return client.get("/sparql", query_string=[("query", query), *params], headers=headers)
    return client.post("/sparql", data=MultiDict([("query", query), *params]), headers=headers)


@pytest.mark.parametrize("how", ["get", "post"])
@pytest.mark.parametrize("query, params, accept, status, mime", [
    # SPARQLWrapper's defaults for a CONSTRUCT, and its other names
    (CONSTRUCT, [("format", "xml"), ("output", "xml"), ("results", "xml")], "application/rdf+xml", 200, "application/rdf+xml"),
    (CONSTRUCT, [("format", "rdf+xml"), ("format", "application/rdf+xml")], "application/rdf+xml", 200, "application/rdf+xml"),
    (CONSTRUCT, [("format", "json-ld"), ("format", "application/ld+json")], "application/ld+json", 200, "application/ld+json"),
    (CONSTRUCT, [("format", "n3")], "text/turtle,text/n3", 200, "text/turtle"),
    # a parameter for solutions does not override a satisfiable Accept for a graph
    (CONSTRUCT, [("format", "csv")], "application/n-triples", 200, "application/n-triples"),
    (CONSTRUCT, [("output", "tsv")], "text/turtle", 200, "text/turtle"),
    # ... nor a graph's parameter for solutions
    (SELECT, [("format", "turtle")], "text/csv", 200, "text/csv"),
    # a parameter of the query's kind wins (WDQS style)
    (SELECT, [("format", "json")], "text/csv", 200, "application/sparql-results+json"),
    (SELECT, [("results", "csv")], "application/sparql-results+json", 200, "text/csv"),
    (CONSTRUCT, [("format", "ntriples")], "text/turtle", 200, "application/n-triples"),
    (SELECT, [("format", "json")], None, 200, "application/sparql-results+json"),
    # nothing fits: 406; a name nobody knows: 400
    (CONSTRUCT, [("format", "csv")], "text/csv", 406, None),
    (SELECT, [("format", "png")], "application/sparql-results+json", 400, None),
])
def test_format_parameters_and_accept(client, how, query, params, accept, status, mime):
    response = send(client, how, query, params, accept)
    assert response.status_code == status, response.get_data(as_text=True)
    if mime:
        assert response.mimetype == mime
    else:
        assert response.get_json()["status"] == status and "format" in response.get_json()["error"].lower() \
            or status == 406


def test_graph_store_reads_take_the_same_rule(client):
    graph = "https://w3id.org/sco-rats/graph/authority"
    response = client.get("/rdf-graphs", query_string={"graph": graph, "format": "csv"},
                          headers={"Accept": "application/n-triples"})
    assert response.status_code == 200 and response.mimetype == "application/n-triples"
    response = client.get("/rdf-graphs", query_string={"graph": graph, "format": "turtle"},
                          headers={"Accept": "application/n-triples"})
    assert response.mimetype == "text/turtle"


def test_named_queries_take_the_format_parameters_too(client):
    response = client.get("/queries/meetings", query_string=[("format", "xml"), ("output", "xml"), ("results", "xml")])
    assert response.status_code == 200 and response.mimetype == "application/sparql-results+xml"


# ---------------------------------------------------------------- the rules, apart from any route


def test_format_parameters_are_read_in_order_empty_ones_left_out():
    assert format_parameters(MultiDict([("results", "csv"), ("format", " "), ("output", "xml"), ("format", "json")])) \
        == ("json", "xml", "csv")
    assert format_parameters({"format": ["turtle"]}) == ("turtle",)


@pytest.mark.parametrize("wanted, named", [
    (("json",), ("application/sparql-results+json", "application/ld+json")),
    (("csv", "turtle"), ("text/csv", "text/turtle")),
    (("application/ld+json,application/x-json+ld",), (None, "application/ld+json")),  # SPARQLWrapper's Accept list
    (("text/csv; charset=utf-8",), ("text/csv", None)),
    ((), (None, None)),
])
def test_named_formats_for_solutions_and_for_a_graph(wanted, named):
    assert named_formats(wanted) == named


def test_a_format_nobody_knows_is_refused_naming_the_known_ones():
    with pytest.raises(BadRequest, match="format 'png' is not available; use one of: .*json"):
        named_formats(("png",))


@pytest.mark.parametrize("wanted, accept, formats", [
    ((), None, ("application/sparql-results+json", "text/turtle")),  # no preference: the defaults
    ((), "text/csv", ("text/csv", None)),  # a CONSTRUCT would get 406
    ((), "application/json", ("application/sparql-results+json", None)),
    ((), "application/n-triples;q=0.5, text/turtle", (None, "text/turtle")),
    (("json",), "text/csv", ("application/sparql-results+json", "application/ld+json")),
    (("csv",), "text/turtle", ("text/csv", "text/turtle")),  # the parameter fits solutions only
])
def test_formats_for_a_query_before_its_kind_is_known(wanted, accept, formats):
    assert formats_for(wanted, accept) == formats
