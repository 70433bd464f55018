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


class _StrictLoader(yaml.BaseLoader):
    """BaseLoader (all scalars are strings) that refuses duplicate keys and records lines."""

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


def load_yaml(text: str, *, name: str):
    """Parse ``text`` strictly; raise :class:`BadRequest` naming ``name`` and the line."""
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - BaseLoader builds no objects
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{name}, line {mark.line + 1}, column {mark.column + 1}" if mark else name
        problem = getattr(exc, "problem", None) or str(exc)
        raise BadRequest(f"{where}: invalid YAML: {problem}") from None
