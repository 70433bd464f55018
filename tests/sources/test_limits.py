"""Bounds on untrusted input (kg/sources/limits.py): nesting measured without recursion, outside
strings, IRIs and comments, and refused past the limit before any parser sees it. (The
reproductions of the attacks are in tests/reliability/test_limits.py.)"""

from __future__ import annotations

import time

import pytest

from kg.errors import BadRequest
from kg.sources.limits import MAX_DEPTH, TooDeep, check_depth, nesting_depth


@pytest.mark.parametrize("text, depth", [
    ("SELECT * WHERE { ?s ?p ?o }", 1),
    ("SELECT * WHERE { { ?s ?p ?o } UNION { ?s ?p ?o FILTER((1)) } }", 4),
    ('ASK { ?s ?p "{{{" }', 1),  # a string
    ("ASK { ?s ?p '''{(\n{''' }", 1),  # a long string
    ("ASK { ?s <urn:x> ?o } # {{{", 1),  # a comment
    ("ASK { ex:a\\( ?p ?o }", 1),  # an escape in a prefixed name
    ("ASK { ex:a\\{ ?p ?o }", 2),  # no escape: a bracket
    ("[ [ ( ) ] ]", 3),
    ("", 0),
])
def test_nesting_is_counted_outside_strings_iris_and_comments(text, depth):
    assert nesting_depth(text) == depth


def test_json_strings_hide_brackets_and_sparqls_comments_do_not_exist_there():
    assert nesting_depth('{"a": "{{{{", "b": [1, {"c": "#"}]}', json=True) == 3
    assert nesting_depth('{"a": 1} # {{', json=True) == 3  # no comments in JSON: the brackets count


def test_an_unclosed_opening_counts_and_a_stray_closing_does_not():
    assert nesting_depth("{ { {") == 3
    assert nesting_depth("} } ( )") == 1


def test_counting_stops_above_the_limit_so_megabytes_take_little_time():
    deep = "{ " * 500_000 + "}" * 500_000
    started = time.perf_counter()
    assert nesting_depth(deep, stop_above=MAX_DEPTH) == MAX_DEPTH + 1
    with pytest.raises(TooDeep):
        check_depth(deep, "query")
    assert time.perf_counter() - started < 2


def test_check_depth_refuses_past_the_limit_saying_what():
    check_depth("{" * MAX_DEPTH + "}" * MAX_DEPTH, "query")
    with pytest.raises(TooDeep, match=f"the update nests brackets more than {MAX_DEPTH} levels deep"):
        check_depth("{" * (MAX_DEPTH + 1) + "}" * (MAX_DEPTH + 1), "update")
    with pytest.raises(BadRequest):
        check_depth("[[[", "body", limit=2, json=True)
