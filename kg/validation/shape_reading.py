"""What a compiled consistency constraint reads, found in its SPARQL algebra.

A new source is validated against its neighbourhood only (:mod:`kg.validation.neighbourhood`),
and these functions say how far that neighbourhood must reach: the predicates that relate
``$this`` to another node (:func:`join_keys`), every predicate a constraint can match
(:func:`read_predicates`), and the statements whose evidence it reads (:func:`evidence_read`).
Reading them from the shapes' own queries keeps them true when a shape changes.
"""

from __future__ import annotations

from functools import lru_cache

from rdflib import RDF, URIRef
from rdflib.paths import Path
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.algebra import triples as algebra_triples
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Variable

from kg.namespaces import OA


def join_keys(select: str) -> tuple[tuple[str, ...], ...]:
    """Return the sets of predicates through which ``select`` relates ``$this`` to another node.

    In ``$this rats:meeting ?m ; rats:participant ?s . ?other rats:meeting ?m ;
    rats:participant ?s`` the key is (meeting, participant): a finding on ``$this`` can only
    involve nodes sharing those values with it. Each branch of a ``UNION`` gives its own key.
    Read from the query's algebra, so a shape cannot declare one thing and do another; a
    new source's neighbourhood (``kg.validation.validate.neighbourhood``) is found through them.
    """
    algebra = _algebra(select)
    this = Variable("this")
    keys = set()
    for triples in _alternatives(algebra):
        own = {(p, o) for s, p, o in triples if s == this and isinstance(p, URIRef) and isinstance(o, Variable)}
        shared = {p for s, p, o in triples if isinstance(s, Variable) and s != this and (p, o) in own}
        if shared:
            keys.add(tuple(sorted(str(p) for p in shared)))
    return tuple(sorted(keys))


def read_predicates(select: str) -> frozenset[str] | None:
    """Every IRI ``select`` names, which includes every predicate it can match (in triple
    patterns, property paths and ``EXISTS`` filters alike); None if it matches a variable
    predicate, so could read any triple.

    A new source's neighbourhood keeps only these triples of the evidence it reads
    (``kg.validation.validate.neighbourhood``): the rest, quotes and offsets, only explains findings.
    """
    nodes = list(_nodes(_algebra(select)))
    if any(isinstance(p, Variable) for bgp in _basic_patterns(nodes) for _, p, _ in bgp):
        return None
    return frozenset(str(node) for node in nodes if isinstance(node, URIRef))


@lru_cache(maxsize=1024)
def _algebra(select: str):
    """The SPARQL algebra of ``select``, parsed once per process: rdflib's parser (pyparsing)
    takes a third of a second a query, and each constraint is read three times, by every
    validator an app or a command makes (the functions here only read the algebra)."""
    return prepareQuery(select).algebra


EVIDENCE_PREDICATES = {RDF.subject, RDF.predicate, RDF.object, OA.hasTarget}
"""The predicates that lead from an evidence record to what it says and where it says it."""


def evidence_read(select: str) -> frozenset[str] | None:
    """The predicates of the statements whose evidence records ``select`` reads: the
    constant objects of its ``rdf:predicate`` patterns. None if it could read the evidence
    of any statement: a pattern (or a property path) from a node through the evidence's
    links, in a basic graph pattern that does not fix that node's ``rdf:predicate``.

    A new source's neighbourhood reads only this evidence (``kg.validation.validate.neighbourhood``);
    the evidence of the other statements bears on no finding of these shapes.
    """
    found: set[str] = set()
    for bgp in _basic_patterns(_nodes(_algebra(select))):
        fixed = {s: o for s, p, o in bgp if p == RDF.predicate}
        for s, p, _ in bgp:
            links = [p] if isinstance(p, URIRef) else [n for n in _nodes(p) if isinstance(n, URIRef)]
            if EVIDENCE_PREDICATES.intersection(links) and not isinstance(fixed.get(s), URIRef):
                return None
        found |= {str(o) for o in fixed.values()}
    return frozenset(found)


def _basic_patterns(nodes) -> list[list[tuple]]:
    """The triple patterns of each basic graph pattern among ``nodes`` (from :func:`_nodes`),
    those of ``EXISTS`` filters included: rdflib leaves them as parsed until evaluation."""
    found = []
    for node in nodes:
        if isinstance(node, CompValue) and node.name == "BGP":
            found.append(list(node.triples))
        elif isinstance(node, CompValue) and node.name == "TriplesBlock":
            found.append(algebra_triples(node.triples))
    return found


def _nodes(node):
    """``node`` (a SPARQL algebra node or a property path) and everything under it."""
    yield node
    if isinstance(node, CompValue):
        children = node.values()
    elif isinstance(node, Path):
        children = vars(node).values()
    elif isinstance(node, (list, tuple, set, frozenset)):
        children = node
    else:
        return
    for child in children:
        yield from _nodes(child)


def _alternatives(node) -> list[list]:
    """The triple patterns of each way ``node`` (a SPARQL algebra node) can match: one list
    per combination of ``UNION`` branches. Patterns inside filters are not followed."""
    if not isinstance(node, CompValue):
        return [[]]
    if node.name == "BGP":
        return [list(node.triples)]
    if node.name == "Union":
        return _alternatives(node.p1) + _alternatives(node.p2)
    combined = [[]]
    for part in ("p", "p1", "p2"):
        if isinstance(node.get(part), CompValue):
            combined = [a + b for a in combined for b in _alternatives(node[part])]
    return combined
