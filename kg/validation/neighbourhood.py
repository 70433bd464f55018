"""The part of the graph a new source touches, which is all its consistency checks can read.

A new source is validated in a scratch store holding it and its *neighbourhood*: the entities
it names, the nodes that share the values of a consistency shape's join key with one of its
nodes (the same meeting and state, the same series and start date), and, of their evidence,
only what the shapes read. :class:`kg.validation.validate.Validator` builds the scratch store
from these functions; ``tests/validation/test_validate.py`` checks that the findings equal a
whole-graph validation's on a generated graph with planted contradictions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from itertools import product

import pyoxigraph as ox
from rdflib import RDF, Graph

from kg.namespaces import AUTHORITY_GRAPH, BASE, GRAPH, OA, RATS
from kg.store.embedded import to_rdflib

SOURCE_GRAPHS = str(GRAPH["source/"])
"""The prefix of every source graph's name."""

INFERRED_GRAPHS = str(GRAPH["inferred/"])
"""The prefix of every inferred graph's name (what was derived from one source's statements)."""

_EVIDENCE_TYPE = ox.NamedNode(str(RATS.Evidence))
_EVIDENCE_TYPES = {_EVIDENCE_TYPE, ox.NamedNode(str(RATS.InferredFact))}
_TYPE = ox.NamedNode(str(RDF.type))
_REIFICATION = {ox.NamedNode(str(p)) for p in (RDF.subject, RDF.predicate, RDF.object)}


def mentioned_entities(triples: Iterable[ox.Triple | ox.Quad]) -> set[str]:
    """Return the IRIs of the entities of our namespace that a source's statements name
    (not its evidence records)."""
    triples = list(triples)
    evidence = {t.subject for t in triples if t.predicate == _TYPE and t.object in _EVIDENCE_TYPES}
    entities = set()
    for t in triples:
        if t.subject in evidence or t.predicate in _REIFICATION:
            continue
        for term in (t.subject, t.object):
            if isinstance(term, ox.NamedNode) and term.value.startswith(BASE) and "#" not in term.value \
                    and "/ontology" not in term.value and "/evidence/" not in term.value:
                entities.add(term.value)
    return entities


_PARTNERS = """
SELECT DISTINCT ?node WHERE { VALUES (%s) { %s } %s }"""

_CLOSURE = """
CONSTRUCT { ?node ?p ?o . ?ev ?evp ?evo . ?target ?tp ?to . ?selector ?sp ?so . ?source ?srcp ?srco . }
WHERE {
  VALUES (?node ?p) { %s }
  %s {
    { ?node ?p ?o }
    %s
  }
  %s
}"""

_EVIDENCE = """UNION
    {
      ?ev rdf:subject ?node ; rdf:predicate ?p .
      FILTER (%s)
      %s
    }"""

_CLOSURE_BRANCHES = (
    # (the predicates that lead there from the evidence, the pattern, the variable of the predicates it returns)
    ((), "?ev ?evp ?evo", "?evp"),
    ((OA.hasTarget,), "?ev oa:hasTarget ?target . ?target ?tp ?to", "?tp"),
    ((OA.hasTarget, OA.hasSelector), "?ev oa:hasTarget/oa:hasSelector ?selector . ?selector ?sp ?so", "?sp"),
    ((OA.hasTarget, OA.hasSource), "?ev oa:hasTarget/oa:hasSource ?source . ?source ?srcp ?srco", "?srcp"),
)
"""What :func:`closure` reads about a statement besides the node's own triples: its evidence
record, the evidence's target, the target's selector (quote, offsets) and the source record.
The evidence is matched once and the branches hang off it: as four branches each matching it
again, the query took half as long again at 1M quads."""

_DESCRIBED = """
CONSTRUCT { ?node ?p ?o } WHERE { VALUES ?node { %s } %s { ?node ?p ?o } }"""

_PREFIXES = {"rdf": str(RDF), "oa": "http://www.w3.org/ns/oa#"}


def neighbourhood(store: ox.Store, candidate: list[ox.Triple | ox.Quad], keys: Iterable[tuple[str, ...]] = (),
                  predicates: frozenset[str] | None = None,
                  evidence_of: frozenset[str] | None = None) -> list[ox.Triple]:
    """Return the part of ``store`` that the consistency shapes compare ``candidate`` (a
    source's statements) with.

    That is what the graph says (its default graph, the merge: a state every source types is
    typed once there, not once per source) about the entities the candidate names; about the
    nodes that share the values of a join key with a node of the candidate (``keys``, read
    from the shapes by :func:`kg.validation.shape_reading.join_keys`: the same meeting and state for a
    participation, the same series and start date for a meeting, the same post and date
    for a holding); and the evidence of all these, with quotes, offsets and source records
    (:func:`authority_on` adds the reference data). Nothing else can take part in a
    finding, so the neighbourhood grows with what the candidate touches, not with the graph.
    With ``predicates`` (what the shapes read, :func:`kg.validation.shape_reading.read_predicates`), only
    those triples of the evidence are kept: the quotes are read again for the findings alone;
    with ``evidence_of`` (:func:`kg.validation.shape_reading.evidence_read`), only the evidence of the
    statements with those predicates.
    """
    entities = mentioned_entities(candidate)
    if not entities:
        return []
    nodes = {ox.NamedNode(e) for e in entities}
    values: dict[tuple, list] = defaultdict(list)
    for t in candidate:
        values[t.subject, t.predicate.value].append(t.object)
    for key in keys:
        rows = set()
        for node in {t.subject for t in candidate}:
            for combination in product(*(values.get((node, p), ()) for p in key)):
                rows.add("(" + " ".join(map(str, combination)) + ")")
        if rows:
            variables = [f"?v{i}" for i in range(len(key))]
            pattern = " . ".join(f"?node <{p}> {v}" for p, v in zip(key, variables))
            # in the default graph, the merge the consistency shapes see (GRAPH ?g would visit every graph)
            query = _PARTNERS % (" ".join(variables), " ".join(sorted(rows)), pattern)
            nodes |= {row["node"] for row in store.query(query)}
    return closure(store, nodes, sources_only=False, predicates=predicates, evidence_of=evidence_of)


def closure(store: ox.Store, nodes: Iterable, *, sources_only: bool = True,
            predicates: frozenset[str] | None = None, evidence_of: frozenset[str] | None = None) -> list[ox.Triple]:
    """What the source and inferred graphs (or, with ``sources_only=False``, the default graph)
    say about ``nodes``, with the evidence of each triple (quote, offsets, source record; for an
    inferred triple its ``from`` quote and derivation).

    A node may be given as a (node, predicate) pair: then only its statements with that
    predicate, and their evidence, are returned. With ``predicates``, the evidence side keeps
    only triples with those predicates, reached through them: what the shapes can read of it.
    With ``evidence_of``, only the evidence of statements with those predicates is read.
    The evidence of a type is never read: every source types the states and series it names,
    and that evidence bears on no finding.
    """
    rows = set()
    for node in nodes:
        node, predicate = node if isinstance(node, tuple) else (node, None)
        if isinstance(node, ox.NamedNode):
            rows.add(f"({node} {predicate or 'UNDEF'})")
    if not rows:
        return []
    scope = ("GRAPH ?g", f'FILTER (STRSTARTS(STR(?g), "{SOURCE_GRAPHS}") || STRSTARTS(STR(?g), "{INFERRED_GRAPHS}"))') \
        if sources_only else ("", "")
    branches = []
    for path, pattern, variable in _CLOSURE_BRANCHES:
        if predicates is None:
            branches.append(f"{{ {pattern} }}")
        elif all(str(p) in predicates for p in path):
            allowed = ", ".join(f"<{p}>" for p in sorted(predicates))
            branches.append(f"{{ {pattern} FILTER ({variable} IN ({allowed})) }}")
    if evidence_of is None:
        statements = f"?p != <{RDF.type}>"
    else:
        statements = ", ".join(f"<{p}>" for p in sorted(evidence_of - {str(RDF.type)}))
        statements = f"?p IN ({statements})" if statements else ""
    evidence = _EVIDENCE % (statements, "\n      UNION\n      ".join(branches)) if statements else ""
    query = _CLOSURE % (" ".join(sorted(rows)), scope[0], evidence, scope[1])
    return list(store.query(query, prefixes=_PREFIXES))


def authority_on(store: ox.Store, triples, *, graph: str | None = str(AUTHORITY_GRAPH)) -> list[ox.Triple]:
    """Return what the authority data (or, with ``graph=None``, the default graph) says about
    the entities of our namespace in ``triples``: their types, labels, countries."""
    described = {t.value for triple in triples for t in (triple.subject, triple.object)
                 if isinstance(t, ox.NamedNode) and t.value.startswith(BASE) and "/evidence/" not in t.value}
    if not described:
        return []
    values = " ".join(f"<{t}>" for t in sorted(described))
    return list(store.query(_DESCRIBED % (values, f"GRAPH <{graph}>" if graph else "")))


def rdflib_graph(triples) -> Graph:
    graph = Graph(bind_namespaces="none")  # binding rdflib's few dozen prefixes took longer than the adds
    for triple in set(triples):
        graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
    return graph
