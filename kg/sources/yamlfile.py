"""Read YAML strictly: every scalar a string, duplicate keys refused, line numbers kept.

Mappings are data written by curators. PyYAML's default loaders turn ``2022-11-08`` into a
``date`` and ``8`` into an ``int`` and let a repeated key silently win; here the mapper
engine decides what a value means from the ontology, and a repeated key is an error.
"""

from __future__ import annotations

import yaml

from kg.errors import BadRequest


class LineDict(dict):
    """A dict that remembers the line (1-based) where it starts, and where each key stands."""

    line: int = 0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.key_lines: dict[str, int] = {}


class LineList(list):
    """A list that remembers the line (1-based) where it starts in its file."""

    line: int = 0


MAX_DEPTH = 64
"""Nesting (flow brackets or block indentation) the reader follows; the real mappings nest 6.
PyYAML's scanner does work per open level for every token, and its parser recurses per level."""


class _StrictLoader(yaml.BaseLoader):
    """BaseLoader (all scalars are strings) that refuses duplicate keys, records lines and bounds nesting."""

    def fetch_flow_collection_start(self, token_class):
        if self.flow_level >= MAX_DEPTH:
            raise yaml.scanner.ScannerError(None, None, f"nested more than {MAX_DEPTH} levels deep", self.get_mark())
        super().fetch_flow_collection_start(token_class)

    def add_indent(self, column):
        if len(self.indents) >= MAX_DEPTH:
            raise yaml.scanner.ScannerError(None, None, f"indented more than {MAX_DEPTH} levels deep", self.get_mark())
        return super().add_indent(column)

    def construct_mapping(self, node, deep=False):
        if not isinstance(node, yaml.MappingNode):
            raise yaml.constructor.ConstructorError(
                None, None, f"expected a mapping, found {node.id}", node.start_mark
            )
        result = LineDict()
        result.line = node.start_mark.line + 1
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in result:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            result[key] = self.construct_object(value_node, deep=deep)
            result.key_lines[key] = key_node.start_mark.line + 1
        return result

    def construct_sequence(self, node, deep=False):
        result = LineList(self.construct_object(child, deep=deep) for child in node.value)
        result.line = node.start_mark.line + 1
        return result


_StrictLoader.add_constructor("tag:yaml.org,2002:map", _StrictLoader.construct_mapping)
_StrictLoader.add_constructor("tag:yaml.org,2002:seq", _StrictLoader.construct_sequence)


MAX_NODES = 50_000
"""Values a document may hold once its aliases are expanded: an alias of an alias of a list
(``b: [*a, *a, *a]``) multiplies what the engine reads without making the text longer, so a
629-byte mapping could make a million facts. The largest real mapping holds about 2,000."""


def expanded_size(node, limit: int = MAX_NODES) -> int:
    """Count the values of ``node`` with every alias expanded, stopping as soon as ``limit`` is passed.

    Each distinct node is measured once (an alias points at a node already measured), so this
    takes time in the size of the text, not of the expansion.
    """
    sizes: dict[int, int] = {}
    stack = [(node, False)]
    while stack:
        current, children_done = stack.pop()
        if id(current) in sizes:
            continue
        children = []
        if isinstance(current, yaml.SequenceNode):
            children = current.value
        elif isinstance(current, yaml.MappingNode):
            children = [part for pair in current.value for part in pair]
        if children_done:
            sizes[id(current)] = min(limit + 1, 1 + sum(sizes[id(child)] for child in children))
            continue
        stack.append((current, True))
        stack.extend((child, False) for child in children if id(child) not in sizes)
    return sizes[id(node)]


def load_yaml(text: str, *, name: str, max_nodes: int = MAX_NODES):
    """Parse ``text`` strictly; raise :class:`BadRequest` naming ``name`` and the line.

    A document whose aliases expand past ``max_nodes`` values, or nested deeper than the
    parser recurses, is refused before any of it is built.
    """
    loader = None
    try:
        loader = _StrictLoader(text)
        node = loader.get_single_node()
        if node is None:
            return None
        if expanded_size(node, max_nodes) > max_nodes:
            raise BadRequest(f"{name}: with its aliases (*name) expanded, the document holds more than {max_nodes:,} "
                             "values; write the values out, or split the source")
        return loader.construct_document(node)
    except RecursionError:
        raise BadRequest(f"{name}: invalid YAML: nested too deeply to read") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{name}, line {mark.line + 1}, column {mark.column + 1}" if mark else name
        problem = getattr(exc, "problem", None) or str(exc)
        raise BadRequest(f"{where}: invalid YAML: {problem}") from None
    finally:
        if loader is not None:
            loader.dispose()
