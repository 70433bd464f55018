"""Parse RDF that anyone may send (``POST /validate``, ``POST /sources``) without it reaching
anything beyond its own bytes.

* **JSON-LD**: a context given by reference (``"@context": "http://…"`` or ``"file:///…"``, in a
  list, scoped in a term definition, or as ``@import``) would make rdflib fetch a URL or open a
  file, which tells a sender what the server can reach. The document is read as JSON here,
  every context in it is checked to be inline, and rdflib is given the JSON already read (a
  :class:`PythonInputSource`), with a document loader that refuses every reference: it has no
  other text to read.
* **RDF/XML**: a DTD can declare entities that expand exponentially (a few hundred bytes took
  84 s of CPU) or read external files. Any ``<!DOCTYPE>`` is refused, as defusedxml's
  ``forbid_dtd`` does; the check reads the same bytes with the same parser (expat) rdflib uses.
* **Every syntax**: nesting is bounded before parsing (:mod:`kg.sources.limits`).
"""

from __future__ import annotations

import json
import threading
import xml.parsers.expat
from contextlib import contextmanager

from rdflib import Graph
from rdflib.parser import PythonInputSource
from rdflib.plugins.shared.jsonld import context as jsonld_context

from kg.errors import BadRequest
from kg.sources.limits import MAX_DEPTH, check_depth


class RemoteContext(BadRequest):
    """A JSON-LD document that refers to a context instead of including it."""


def parse_untrusted(graph: Graph, data: str, *, format_: str, name: str) -> Graph:
    """Parse ``data`` into ``graph``; nothing outside ``data`` is read.

    :raises BadRequest: naming ``name`` and what is wrong (a syntax error, a remote context, a DTD,
        too deep a nesting).
    """
    if format_ == "json-ld":
        check_depth(data, f"JSON-LD of {name}", json=True)
        try:
            document = json.loads(data)
        except (ValueError, RecursionError) as exc:
            raise BadRequest(f"{name}: not valid JSON: {exc}") from None
        refuse_context_references(document, name)
        with _no_context_loading():
            return _parse(graph, name, format_, source=PythonInputSource(document))
    if format_ == "xml":
        raw = data.encode("utf-8")
        refuse_dtd(raw, name)
        return _parse(graph, name, format_, data=raw)
    check_depth(data, f"{format_} of {name}")
    return _parse(graph, name, format_, data=data)


def refuse_context_references(document, name: str) -> None:
    """Refuse any JSON-LD context that is a reference (a string), anywhere in ``document``, and ``@import``."""
    stack = [(document, "")]
    while stack:
        node, path = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                where = f"{path}/{key}"
                if key == "@import":
                    raise RemoteContext(f"{name}: {where}: @import is not followed; this service reads no context "
                                        "from elsewhere: include its terms in the context itself")
                if key == "@context":
                    for item in value if isinstance(value, list) else [value]:
                        if isinstance(item, str):
                            raise RemoteContext(
                                f"{name}: {where}: the context {item[:200]!r} is a reference; this service fetches "
                                "no context (remote or file:): include the context object in the document")
                stack.append((value, where))
        elif isinstance(node, list):
            stack.extend((item, f"{path}[{i}]") for i, item in enumerate(node))


def refuse_dtd(raw: bytes, name: str) -> None:
    """Refuse RDF/XML with a document type declaration (entities, external subsets), before rdflib parses it."""

    def refuse(*_args):
        raise RemoteContext(f"{name}: RDF/XML with a DTD (<!DOCTYPE ...>, entities) is not accepted: its entities "
                            "can expand without bound or read files; write the IRIs in full")

    parser = xml.parsers.expat.ParserCreate()
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    try:
        parser.Parse(raw, True)
    except xml.parsers.expat.ExpatError as exc:
        raise BadRequest(f"{name}: not valid XML: line {exc.lineno}, column {exc.offset + 1}: "
                         f"{xml.parsers.expat.errors.messages[exc.code]}") from None


SUBMITTED_BASE = "https://w3id.org/sco-rats/submitted/"
"""What relative IRIs of a submitted document resolve against (rdflib's default, the server's
working folder as a ``file:`` IRI, would put a path of the server into answers)."""


def _parse(graph: Graph, name: str, format_: str, **source) -> Graph:
    try:
        return graph.parse(format=format_, publicID=SUBMITTED_BASE, **source)
    except BadRequest:
        raise
    except RecursionError:
        raise BadRequest(f"{name}: nested too deeply to read (at most {MAX_DEPTH} levels)") from None
    except Exception as exc:  # noqa: BLE001 - rdflib raises many types for syntax errors; all mean bad input
        raise BadRequest(f"{name}: not valid {format_}: {exc}") from None


_original_source_to_json = jsonld_context.source_to_json
_loading_lock = threading.Lock()
_parses_now = 0


def _refuse_reference(source, *args, **kwargs):
    raise RemoteContext(f"the JSON-LD context {str(source)[:200]!r} is a reference; this service fetches no context")


@contextmanager
def _no_context_loading():
    """While any parse of untrusted JSON-LD runs, rdflib's context loader refuses every reference
    (a second line behind :func:`refuse_context_references`). Counted, so parses in several
    request threads never put the loader back while one of them still runs."""
    global _parses_now
    with _loading_lock:
        _parses_now += 1
        jsonld_context.source_to_json = _refuse_reference
    try:
        yield
    finally:
        with _loading_lock:
            _parses_now -= 1
            if not _parses_now:
                jsonld_context.source_to_json = _original_source_to_json
