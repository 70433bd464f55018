"""The W3C suites' manifests and result comparison (kg/bench/conformance_suite.py): solutions
compare as multisets with blank nodes matched, graphs by isomorphism."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.bench.conformance_suite import same

EX = "http://example.org/"
B1, B2, B3 = ox.BlankNode("b1"), ox.BlankNode("b2"), ox.BlankNode("b3")


def lit(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))


@pytest.mark.parametrize("want, got, ok", [
    ([{"s": B1, "o": lit(1)}, {"s": B1, "o": lit(2)}], [{"s": B2, "o": lit(2)}, {"s": B2, "o": lit(1)}], True),
    ([{"s": B1, "o": lit(1)}, {"s": B1, "o": lit(2)}], [{"s": B2, "o": lit(1)}, {"s": B3, "o": lit(2)}], False),
    ([{"s": B1}, {"s": B2}], [{"s": B3}, {"s": B3}], False),  # two blank nodes are not one
    ([{"o": lit(1)}, {"o": lit(1)}], [{"o": lit(1)}], False),  # a multiset, not a set
    ([{"o": lit(1)}], [{"o": lit(1), "x": lit(2)}], False),
])
def test_solutions_compare_as_multisets_with_blank_nodes_matched(want, got, ok):
    assert (same(("solutions", want), ("solutions", got)) is None) is ok


def test_graphs_compare_by_isomorphism():
    p = ox.NamedNode(EX + "p")
    assert same(("graph", [ox.Triple(B1, p, B2)]), ("graph", [ox.Triple(B3, p, B1)])) is None
    assert same(("graph", [ox.Triple(B1, p, B2)]), ("graph", [ox.Triple(B1, p, B1)])) is not None
