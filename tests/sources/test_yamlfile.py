"""YAML read strictly (kg/sources/yamlfile.py): every scalar a string, duplicate keys refused, line
numbers kept, aliases and nesting bounded before anything is built."""

from __future__ import annotations

import pytest

from kg.errors import BadRequest
from kg.sources.yamlfile import MAX_DEPTH, LineDict, LineList, expanded_size, load_yaml


def test_every_scalar_is_a_string():
    data = load_yaml("date: 2022-11-08\nedition: 8\nheld: yes\nnothing: ~\n", name="m.yaml")
    assert data == {"date": "2022-11-08", "edition": "8", "held": "yes", "nothing": "~"}


def test_lines_of_mappings_lists_and_keys_are_kept():
    data = load_yaml("source:\n  language: en\nfacts:\n  - subject: a\n    quote: b\n  - subject: c\n", name="m.yaml")
    assert isinstance(data, LineDict) and data.line == 1 and data.key_lines == {"source": 1, "facts": 3}
    assert isinstance(data["facts"], LineList) and data["facts"].line == 4
    assert [fact.line for fact in data["facts"]] == [4, 6]
    assert data["facts"][0].key_lines == {"subject": 4, "quote": 5}


def test_a_duplicate_key_is_refused_with_its_line():
    with pytest.raises(BadRequest, match=r"m\.yaml, line 3, column 1: invalid YAML: duplicate key 'facts'"):
        load_yaml("facts: []\nsource: {}\nfacts: []\n", name="m.yaml")


def test_invalid_yaml_names_the_file_line_and_column():
    with pytest.raises(BadRequest, match=r"m\.yaml, line 1, column \d+: invalid YAML"):
        load_yaml("facts: [", name="m.yaml")


def test_an_empty_document_is_none():
    assert load_yaml("", name="m.yaml") is None
    assert load_yaml("# only a comment\n", name="m.yaml") is None


def test_aliases_that_expand_past_the_limit_are_refused():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n" \
           "c: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
    with pytest.raises(BadRequest, match="with its aliases .* expanded, the document holds more than 1,000 values"):
        load_yaml(bomb, name="m.yaml", max_nodes=1000)
    assert load_yaml(bomb, name="m.yaml")["c"][0][0] == ["x"] * 10  # within the default limit


def test_expanded_size_counts_each_alias_expanded_and_stops_at_the_limit():
    import yaml

    node = yaml.compose("a: &a [x, y]\nb: [*a, *a]\n")
    # the mapping, 2 keys, the list a (1 + 2), the list b (1 + 2 * 3)
    assert expanded_size(node) == 1 + 2 + 3 + 7
    assert expanded_size(node, limit=5) == 6


@pytest.mark.parametrize("text", ["[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1),
                                  "".join(" " * i + f"k{i}:\n" for i in range(MAX_DEPTH + 2)) + " " * (MAX_DEPTH + 2) + "v"])
def test_nesting_deeper_than_the_limit_is_refused(text):
    with pytest.raises(BadRequest, match="nested more than|indented more than"):
        load_yaml(text, name="m.yaml")


def test_nesting_within_the_limit_is_read():
    assert load_yaml("[" * 10 + "x" + "]" * 10, name="m.yaml") is not None
