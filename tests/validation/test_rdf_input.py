"""RDF that anyone may send, parsed without reaching beyond its own bytes (kg/validation/rdf_input.py):
JSON-LD contexts only inline, RDF/XML without a DTD, nesting bounded, relative IRIs against the
submission base; every refusal names the input. (The reproductions with a listener that must
receive nothing are in tests/reliability/test_no_fetch.py.)"""

from __future__ import annotations

import json
import re

import pytest
from rdflib import Graph, URIRef

from kg.errors import BadRequest
from kg.sources.limits import MAX_DEPTH
from kg.validation.rdf_input import SUBMITTED_BASE, RemoteContext, parse_untrusted

INLINE = {"@context": {"name": "http://schema.org/name"}, "@id": "https://w3id.org/sco-rats/city/x", "name": "X"}


def parse(data: str, format_: str) -> Graph:
    return parse_untrusted(Graph(), data, format_=format_, name="upload.bin")


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")  # rdflib's JSON-LD parser
def test_turtle_and_json_ld_with_an_inline_context_are_read():
    assert len(parse("<https://w3id.org/sco-rats/a> <https://w3id.org/sco-rats/b> 1 .", "turtle")) == 1
    [(s, p, o)] = list(parse(json.dumps(INLINE), "json-ld"))
    assert (str(s), str(p), str(o)) == ("https://w3id.org/sco-rats/city/x", "http://schema.org/name", "X")


def test_relative_iris_resolve_against_the_submission_base_not_the_servers_folder():
    [(s, _, _)] = list(parse("<a> <b> <c> .", "turtle"))
    assert s == URIRef(SUBMITTED_BASE + "a")


@pytest.mark.parametrize("document, where", [
    ({**INLINE, "@context": "https://example.org/context.jsonld"}, "/@context"),
    ({**INLINE, "@context": [{"name": "http://schema.org/name"}, "file:///etc/passwd"]}, "/@context"),
    ({**INLINE, "@context": {"@import": "https://example.org/c.jsonld"}}, "/@context/@import"),
    ({"@graph": [{**INLINE, "@context": "https://example.org/c"}]}, "/@graph[0]/@context"),
])
def test_a_context_given_by_reference_is_refused_where_it_is(document, where):
    with pytest.raises(RemoteContext, match=re.escape(f"upload.bin: {where}: ")):
        parse(json.dumps(document), "json-ld")


def test_rdf_xml_with_a_dtd_is_refused_and_bad_xml_says_where():
    bomb = ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><rdf:RDF '
            'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">&a;</rdf:RDF>')
    with pytest.raises(RemoteContext, match="upload.bin: RDF/XML with a DTD"):
        parse(bomb, "xml")
    with pytest.raises(BadRequest, match=r"upload.bin: not valid XML: line 1, column \d+"):
        parse("<rdf:RDF", "xml")
    plain = ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:s="http://schema.org/">'
             '<rdf:Description rdf:about="https://w3id.org/sco-rats/x"><s:name>X</s:name></rdf:Description></rdf:RDF>')
    assert len(parse(plain, "xml")) == 1


@pytest.mark.parametrize("data, format_, message", [
    ("<a> <b> .", "turtle", "upload.bin: not valid turtle"),
    ("{not json", "json-ld", "upload.bin: not valid JSON"),
    ("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), "json-ld", "JSON-LD of upload.bin nests brackets more than"),
    ("<a> <b> " + "(" * (MAX_DEPTH + 1) + ")" * (MAX_DEPTH + 1) + " .", "turtle", "turtle of upload.bin nests"),
])
def test_bad_input_is_refused_naming_it(data, format_, message):
    with pytest.raises(BadRequest, match=message):
        parse(data, format_)
