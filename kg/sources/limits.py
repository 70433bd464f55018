"""Bounds on untrusted input, checked before any parser or engine sees it.

Parsers recurse once per level of nesting (Oxigraph's and rdflib's SPARQL and Turtle parsers,
Python's JSON), and ten thousand ``{`` overflow a native stack and take the process with them;
so nesting is measured here without recursion, and refused past :data:`MAX_DEPTH`.
"""

from __future__ import annotations

import re

from kg.errors import BadRequest

MAX_DEPTH = 64
"""Brackets (``{``, ``(``, ``[``) nested deeper than this are refused before parsing; the
project's deepest query nests 9, its deepest mapping 6."""

# What hides brackets from a parser, as a parser reads it: an escape in a prefixed name
# (PN_LOCAL_ESC), long and short strings, IRIs, comments. Unrolled loops, so each runs in C.
_OPAQUE = re.compile(
    r"""\\[_~.\-!$&'()*+,;=/?#@%]"""
    r'|"""[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*"""'
    r"|'''[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*'''"
    r'|"[^"\\\r\n]*(?:\\.[^"\\\r\n]*)*"'
    r"|'[^'\\\r\n]*(?:\\.[^'\\\r\n]*)*'"
    r'|<[^<>"{}|^`\\\x00-\x20]*>'
    r"|#[^\n]*",
    re.S,
)
_JSON_OPAQUE = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_BRACKETS = bytes.maketrans(b"{[}]", b"(())")
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"{}()[]")


class TooDeep(BadRequest):
    """Input nested deeper than the service parses."""


def nesting_depth(text: str, *, json: bool = False, stop_above: int = 10**9) -> int:
    """Return the deepest nesting of ``{``, ``(`` and ``[`` outside strings, IRIs and ``#`` comments
    of SPARQL or Turtle, or outside the strings of JSON (``json=True``).

    It errs on the high side (an unclosed string is read as text, a closing bracket with no
    opening one is ignored), never the low one, so an input it passes cannot be nested deeper
    for a parser. Each step runs in C (a regular expression, ``bytes.translate``, ``replace``),
    and counting stops once the depth passes ``stop_above``, so megabytes take a fraction of a second.

    >>> nesting_depth('SELECT * { { ?s ?p "{{{{" } } # {{{{')
    2
    >>> nesting_depth('[[{"a": "]]]]", "b": "\\'"}]]', json=True)
    3
    >>> nesting_depth('} } { "}" { "}" {')
    3
    """
    bare = (_JSON_OPAQUE if json else _OPAQUE).sub(" ", text)
    # In UTF-8 no byte of another character equals an ASCII bracket, so the bytes can be counted.
    brackets = bare.encode("utf-8", "surrogatepass").translate(_BRACKETS, _NOT_BRACKETS)
    passes = 0
    while b"()" in brackets:  # each pass removes the innermost pairs: one level of nesting
        passes += 1
        if passes > stop_above:
            return passes
        brackets = brackets.replace(b"()", b"")
    # What is left is ")))(((": closings with no opening (ignored) and openings never closed, all
    # nested in one another (counted on top, an over-estimate only for text that does not parse).
    return passes + brackets.count(b"(")


def check_depth(text: str, what: str, limit: int = MAX_DEPTH, *, json: bool = False) -> None:
    """Refuse ``text`` nested deeper than ``limit``, before any parser sees it."""
    depth = nesting_depth(text, json=json, stop_above=limit)
    if depth > limit:
        raise TooDeep(f"the {what} nests brackets more than {limit} levels deep; this service reads at most {limit}")
