"""What a query or update would do, read from its parsed form (kg/web/guard.py): SERVICE patterns
wherever they hide, LOAD and its IRIs, every graph an update removes triples from, the graph
operations in order; a text that cannot be parsed is judged by its letters."""

from __future__ import annotations

import pytest

from kg.sources.limits import MAX_DEPTH, TooDeep
from kg.web.guard import MAX_PARSED, is_http, query_operations, update_operations


def test_a_query_that_never_spells_service_is_not_parsed():
    ops = query_operations("SELECT * WHERE { ?s ?p ?o }")
    assert ops.parsed and ops.services == [] and ops.loads == []


@pytest.mark.parametrize("query, services", [
    ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", ["http://example.org/sparql"]),
    ("SELECT * WHERE { { SELECT * { SERVICE SILENT <urn:x> { ?s ?p ?o } } } }", ["urn:x"]),  # a sub-select
    ("ASK { FILTER EXISTS { SERVICE ?endpoint { ?s ?p ?o } } }", ["?endpoint"]),
    ('SELECT * WHERE { ?s ?p "SERVICE" . FILTER(?p != <urn:SERVICE>) } # SERVICE', []),  # words, not patterns
])
def test_service_patterns_are_found_wherever_they_are(query, services):
    ops = query_operations(query)
    assert ops.parsed and ops.services == services


def test_a_prefixed_name_with_an_escape_does_not_hide_a_service():
    ops = query_operations('PREFIX ex: <http://example.org/> SELECT * { SERVICE ex:a\\#b { ?s ?p ?o } }')
    assert ops.parsed and len(ops.services) == 1
    assert query_operations('PREFIX ex: <http://example.org/> SELECT * { ?s ex:a\\#service ?o }').services == []


def test_an_escaped_keyword_is_read_as_the_parser_reads_it():
    ops = query_operations("SELECT * WHERE { \\u0053ERVICE <urn:x> { ?s ?p ?o } }")
    assert ops.services and (not ops.parsed or ops.services == ["urn:x"])


def test_text_that_does_not_parse_or_is_too_long_is_judged_by_its_letters():
    unreadable = query_operations("SELECT * WHERE { SERVICE <urn:x> { ?s ?p ?o ")
    assert not unreadable.parsed and unreadable.services == ["(unparsed)"]
    assert "cannot read it" in unreadable.unparsed_because
    long = query_operations("# service\nSELECT * WHERE { ?s ?p ?o }" + " " * MAX_PARSED)
    assert not long.parsed and long.services == ["(unparsed)"] and "longer than" in long.unparsed_because
    assert update_operations("LOAD <urn:x> INTO GRAPH <urn:g> " + "#" * MAX_PARSED).loads == ["(unparsed)"]


def test_nesting_is_refused_before_any_parser():
    with pytest.raises(TooDeep):
        query_operations("SELECT * " + "{" * (MAX_DEPTH + 1) + "}" * (MAX_DEPTH + 1))
    with pytest.raises(TooDeep):
        update_operations("INSERT DATA " + "{" * (MAX_DEPTH + 1) + "}" * (MAX_DEPTH + 1))


def test_an_insert_only_update_is_not_parsed():
    ops = update_operations("INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }")
    assert ops.parsed and ops.removes == [] and ops.steps == []


@pytest.mark.parametrize("update, removes", [
    ("DROP ALL", ["ALL"]),
    ("CLEAR NAMED", ["NAMED"]),
    ("DROP SILENT GRAPH <urn:g>", ["urn:g"]),
    ("CLEAR DEFAULT", ["DEFAULT"]),
    ("MOVE <urn:a> TO <urn:b>", ["urn:a", "urn:b"]),
    ("COPY <urn:a> TO <urn:b>", ["urn:b"]),
    ("ADD <urn:a> TO <urn:b>", []),
    ("DELETE DATA { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }", ["urn:g"]),
    ("DELETE WHERE { GRAPH ?g { ?s ?p ?o } }", ["?g"]),
    ("WITH <urn:w> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", ["urn:w"]),
    ("DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", ["DEFAULT"]),
])
def test_every_graph_an_update_removes_triples_from(update, removes):
    ops = update_operations(update)
    assert ops.parsed and ops.removes == removes


def test_graph_operations_are_listed_in_order_with_inserts_and_silence():
    ops = update_operations("CREATE GRAPH <urn:a> ; INSERT DATA { GRAPH <urn:b> { <urn:s> <urn:p> 1 } } ; "
                            "COPY SILENT <urn:a> TO <urn:c> ; DROP GRAPH <urn:b>")
    assert ops.steps == [("CREATE", "urn:a", None, False), ("INSERT", "urn:b", None, True),
                         ("COPY", "urn:a", "urn:c", True), ("DROP", "urn:b", None, False)]


def test_load_and_service_in_an_update():
    ops = update_operations("LOAD <https://example.org/data.ttl> INTO GRAPH <urn:g> ; "
                            "INSERT { GRAPH <urn:h> { ?s ?p ?o } } WHERE { SERVICE <urn:remote> { ?s ?p ?o } }")
    assert ops.loads == ["https://example.org/data.ttl"] and ops.services == ["urn:remote"]


@pytest.mark.parametrize("iri, http", [("http://example.org/", True), ("HTTPS://example.org/", True),
                                       ("file:///etc/passwd", False), ("ftp://example.org/", False), (None, False)])
def test_is_http(iri, http):
    assert is_http(iri) is http
