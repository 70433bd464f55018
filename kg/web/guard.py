"""What a SPARQL query or update would do, read from its parsed form, never from its text.

A regular expression over the text cannot tell a keyword from the same letters in a
prefixed name's escape (``ex:a\\#``), a string or a comment; a parser can. Here the text is
parsed with rdflib's SPARQL 1.1 parser and the parse tree (for updates, the algebra, where
prefixed names are resolved) is walked for the operations that matter to the service's
safety: ``SERVICE`` patterns, ``LOAD`` and its IRIs, and every graph an update drops, clears,
moves, overwrites or deletes from.

Oxigraph evaluates what rdflib parsed here, and two parsers may disagree on a corner of the
grammar. So a text rdflib cannot read is judged by its letters, conservatively (it is refused
if it names ``SERVICE`` or ``LOAD`` anywhere, escapes included), and ``kg serve`` evaluates in
processes that cannot open a network socket at all (:mod:`kg.store.sandbox`): this module decides
what to refuse with a clear message; the sandbox makes sure a parser trick gains nothing.

Nesting is bounded before any parser runs (:func:`nesting_depth`): Oxigraph's and rdflib's
parsers recurse once per level, and ten thousand ``{`` overflow a native stack.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from rdflib import URIRef, Variable
from rdflib.plugins.sparql import parser as sparql_parser
from rdflib.plugins.sparql.algebra import translateUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from kg.sources.limits import check_depth

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


@dataclass
class Operations:
    """What a parsed query or update does, as far as safety is concerned."""

    services: list[str] = field(default_factory=list)
    """The IRI (or variable) of each ``SERVICE`` pattern."""
    loads: list[str] = field(default_factory=list)
    """The IRI each ``LOAD`` reads."""
    removes: list[str] = field(default_factory=list)
    """Each graph an update may remove triples from: an IRI, ``ALL``, ``NAMED``, ``DEFAULT``, or
    ``?var`` for a graph chosen by the data."""
    steps: list[tuple[str, str, str | None, bool]] = field(default_factory=list)
    """The graph management operations in order, as (operation, graph, target graph, silent), and
    ``("INSERT", graph, None, True)`` for each graph an insert writes: enough to tell, before
    evaluation, which ones would fail (``CLEAR`` of a missing graph, ``CREATE`` of one that exists)."""
    parsed: bool = True
    """False when the text was not parsed (then :attr:`services` and :attr:`loads` hold the
    keywords found in its letters)."""
    unparsed_because: str = ""
    """Why it was not parsed, for the message."""


MAX_PARSED = 32_000
"""Texts longer than this are not given to rdflib's parser (pyparsing: a 79 KB query took 15 s
of the server's CPU); one that needs parsing is then judged by its letters (refused)."""
QUERY_WORDS = ("service",)
UPDATE_WORDS = ("service", "load", "drop", "clear", "move", "copy", "add", "delete", "create")
"""The letters an operation that matters here cannot be written without: a text that contains
none of them (escapes decoded, in any case) needs no parsing, since no parser can find in it
what it does not spell. Most queries never say ``service``, so they cost no parse at all."""


def query_operations(text: str) -> Operations:
    """What ``text`` (a query) does."""
    check_depth(text, "query")
    lower = _plain_lower(text)
    if not any(word in lower for word in QUERY_WORDS):
        return Operations()
    if len(text) > MAX_PARSED:
        return _by_letters(lower, f"it is longer than {MAX_PARSED:,} characters")
    return _parsed_query(text)


@functools.lru_cache(maxsize=1024)
def _parsed_query(text: str) -> Operations:
    """Kept per text (at most :data:`MAX_PARSED` characters each), since the same queries come again and again."""
    try:
        tree = sparql_parser.parseQuery(text)
    except Exception:  # noqa: BLE001 - pyparsing raises several types; any means "not readable here"
        return _by_letters(_plain_lower(text), "rdflib's SPARQL 1.1 parser cannot read it")
    ops = Operations()
    _walk(tree, ops)
    return ops


def update_operations(text: str) -> Operations:
    """What ``text`` (an update) does: its services, loads and the graphs it removes triples from."""
    check_depth(text, "update")
    lower = _plain_lower(text)
    if not any(word in lower for word in UPDATE_WORDS):
        return Operations()  # inserts only: nothing to refuse, nothing that can fail on a graph
    if len(text) > MAX_PARSED:
        return _by_letters(lower, f"it is longer than {MAX_PARSED:,} characters")
    try:
        tree = sparql_parser.parseUpdate(text)
        operations = translateUpdate(tree).algebra
    except Exception:  # noqa: BLE001 - as above
        return _by_letters(lower, "rdflib's SPARQL 1.1 parser cannot read it")
    ops = Operations()
    _walk(tree, ops)
    for op in operations:
        name = op.name
        silent = "silent" in op  # CompValue.get answers a missing key with a true value
        if name == "Load":
            ops.loads.append(str(op.iri))
        elif name in ("Drop", "Clear", "Create"):
            if name != "Create":
                ops.removes.append(_graph_name(op.graphiri))
            ops.steps.append((name.upper(), _graph_name(op.graphiri), None, silent))
        elif name in ("Move", "Copy", "Add"):
            source, target = op.graph
            ops.steps.append((name.upper(), _graph_name(source), _graph_name(target), silent))
            if name == "Move":
                ops.removes.append(_graph_name(source))
            if name in ("Move", "Copy"):  # both replace what the target held
                ops.removes.append(_graph_name(target))
        elif name in ("DeleteData", "DeleteWhere"):
            _removed_by(op, None, ops)
        elif name == "Modify" and op.delete is not None:
            _removed_by(op.delete, op.withClause, ops)
        inserted = op.get("quads") if name == "InsertData" else (op.insert.quads if name == "Modify" and op.insert
                                                                 is not None else None)
        for graph in inserted or {}:
            ops.steps.append(("INSERT", _graph_name(graph), None, True))
    return ops


def _removed_by(clause, with_graph, ops: Operations) -> None:
    for graph in (clause.quads or {}):
        ops.removes.append(_graph_name(graph))
    if clause.triples:
        ops.removes.append(_graph_name(with_graph) if with_graph is not None else "DEFAULT")


def _graph_name(term) -> str:
    if isinstance(term, Variable):
        return "?" + str(term)
    if term is None:
        return "DEFAULT"
    return str(term)


def _walk(node, ops: Operations) -> None:
    """Collect the ``SERVICE`` patterns anywhere in a parse tree (sub-queries, EXISTS, WHERE of updates)."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            if item.name == "ServiceGraphPattern":
                ops.services.append(_graph_name(item.get("term")))
            stack.extend(item.values())
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)) or type(item).__name__ == "ParseResults":
            stack.extend(list(item))


def _plain_lower(text: str) -> str:
    """``text`` with its ``\\u``/``\\U`` escapes decoded, in lower case."""
    if "\\" in text:
        text = _ESCAPE.sub(lambda m: chr(int(m[1] or m[2], 16)) if int(m[1] or m[2], 16) < 0x110000 else "", text)
    return text.lower()


def _by_letters(lower: str, reason: str) -> Operations:
    """A text that was not parsed: the keywords its letters spell, anywhere."""
    return Operations(services=["(unparsed)"] if "service" in lower else [],
                      loads=["(unparsed)"] if "load" in lower else [], parsed=False, unparsed_because=reason)


def is_http(iri: str) -> bool:
    """True for an ``http:`` or ``https:`` IRI (what a ``LOAD`` may read when it is allowed)."""
    return isinstance(iri, (str, URIRef)) and iri.lower().startswith(("http://", "https://"))
