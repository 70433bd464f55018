"""Bounds on untrusted input, checked before any parser or engine sees it.

Parsers recurse once per level of nesting (Oxigraph's and rdflib's SPARQL and Turtle parsers,
Python's JSON), and ten thousand ``{`` overflow a native stack and take the process with them;
so nesting is measured here by a scan that never recurses, and refused past :data:`MAX_DEPTH`.
"""

from __future__ import annotations

import re

from kg.errors import BadRequest

MAX_DEPTH = 64
"""Brackets (``{``, ``(``, ``[``) nested deeper than this are refused before parsing; the
project's deepest query nests 9, its deepest mapping 6."""

_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')


_NAME_ESCAPES = set("_~.-!$&'()*+,;=/?#@%")
"""What may follow a backslash in a prefixed name (SPARQL's and Turtle's PN_LOCAL_ESC)."""


class TooDeep(BadRequest):
    """Input nested deeper than the service parses."""


def nesting_depth(text: str, *, json: bool = False) -> int:
    """Return the deepest nesting of ``{``, ``(`` and ``[`` outside strings, IRIs and ``#`` comments
    of SPARQL or Turtle, or outside the strings of JSON (``json=True``).

    It errs on the high side (an unclosed string is read as text), never the low one, so an
    input it passes cannot be nested deeper for a parser.

    >>> nesting_depth('SELECT * { { ?s ?p "{{{{" } } # {{{{')
    2
    >>> nesting_depth('[[{"a": "]]]]", "b": "\\'"}]]', json=True)
    3
    """
    quotes = "\"" if json else "\"'"
    depth = deepest = 0
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in "{([":
            depth += 1
            deepest = max(deepest, depth)
        elif c in "})]":
            depth = max(0, depth - 1)
        elif c == "\\" and not json and text[i + 1:i + 2] in _NAME_ESCAPES:
            i += 1  # an escape in a prefixed name (ex:a\#, ex:a\'): the next character is a name's
        elif c == "#" and not json:
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif c == "<" and not json:
            match = _IRIREF.match(text, i)
            if match:
                i = match.end() - 1
        elif c in quotes:
            long_quote = not json and text.startswith(c * 3, i)
            quote = c * 3 if long_quote else c
            j = i + len(quote)
            while j < n:
                if text[j] == "\\":
                    j += 2
                    continue
                if text.startswith(quote, j):
                    break
                if not long_quote and text[j] in "\r\n" and not json:
                    break  # not a string after all: read on as text (counts more brackets, never fewer)
                j += 1
            if j < n and text.startswith(quote, j):
                i = j + len(quote) - 1
        i += 1
    return deepest


def check_depth(text: str, what: str, limit: int = MAX_DEPTH, *, json: bool = False) -> None:
    """Refuse ``text`` nested deeper than ``limit``, before any parser sees it."""
    depth = nesting_depth(text, json=json)
    if depth > limit:
        raise TooDeep(f"the {what} nests brackets {depth} levels deep; this service reads at most {limit}")


