"""The named queries as examples for query editors: self-contained text, and ``sh:SPARQLExecutable``s.

An editor (YASGUI here, or any other) gets each named query with the ``PREFIX`` declarations
it uses written out, since the editor does not know the prefixes this endpoint predefines,
and without the ``#+`` header (its summary becomes a comment). ``/.well-known/sparql-examples``
lists them in the vocabulary of the SIB SPARQL examples (``sh:SPARQLExecutable`` with
``sh:select``/``sh:construct``/``sh:ask``, ``rdfs:comment``, ``schema:target``), so other editors
and crawlers find them.
"""

from __future__ import annotations

import re

from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, SH

from kg.namespaces import PREFIXES, bind_prefixes
from kg.web.named_queries import NamedQuery
from kg.web.protocol import keywords

SCHEMA = Namespace("https://schema.org/")
SHACL_AF = Namespace(str(SH))  # open: rdflib's closed SH lacks SHACL-AF's describe executables
_DECLARED = re.compile(r"^\s*PREFIX\s+([A-Za-z][\w.-]*)?:", re.IGNORECASE | re.MULTILINE)
_USED = re.compile(r"(?<![\w:?$<])([A-Za-z][\w.-]*)?:(?=[\w%])")
_FORM = re.compile(r"\b(SELECT|CONSTRUCT|ASK|DESCRIBE)\b", re.IGNORECASE)


def with_prefixes(text: str, prefixes: dict[str, str] = PREFIXES) -> str:
    """Declare the predefined prefixes ``text`` uses and does not declare, at its top.

    >>> print(with_prefixes('SELECT * { ?s a rats:Meeting ; rdfs:label "a:b" }'))
    PREFIX rats: <https://w3id.org/sco-rats/ontology#>
    PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
    SELECT * { ?s a rats:Meeting ; rdfs:label "a:b" }
    >>> with_prefixes('PREFIX rats: <x#> SELECT * { ?s a rats:M }')
    'PREFIX rats: <x#> SELECT * { ?s a rats:M }'
    """
    bare = keywords(text)
    declared = {m.group(1) or "" for m in _DECLARED.finditer(bare)}
    used = []
    for match in _USED.finditer(bare):
        name = match.group(1) or ""
        if name in prefixes and name not in declared and name not in used:
            used.append(name)
    lines = [f"PREFIX {name}: <{prefixes[name]}>" for name in used]
    return "\n".join([*lines, text]) if lines else text


def editor_text(query: NamedQuery) -> str:
    """The query as an editor shows it: its summary as a comment, prefixes declared, no ``#+`` header."""
    body = "\n".join(line for line in query.text.splitlines() if not line.startswith("#+")).strip("\n")
    return f"# {query.name}: {query.summary}\n" + with_prefixes(body) + "\n"


def query_form(text: str) -> str:
    """``select``, ``construct``, ``ask`` or ``describe``: the first query form keyword of ``text``.

    >>> query_form('PREFIX a: <x:> # SELECT in a comment\\nCONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }')
    'construct'
    """
    match = _FORM.search(keywords(text))
    return match.group(1).lower() if match else "select"


def examples_graph(queries, *, page_url: str, endpoint: str) -> Graph:
    """The named queries as ``sh:SPARQLExecutable``s, one IRI each (``page_url#name``)."""
    graph = bind_prefixes(Graph())
    graph.bind("sh", SH)
    graph.bind("schema", SCHEMA)
    kinds = {"select": SH.SPARQLSelectExecutable, "construct": SH.SPARQLConstructExecutable,
             "ask": SH.SPARQLAskExecutable, "describe": SHACL_AF.SPARQLDescribeExecutable}
    for query in queries:
        node = URIRef(f"{page_url}#{query.name}")
        text = editor_text(query)
        form = query_form(text)
        graph.add((node, RDF.type, SH.SPARQLExecutable))
        graph.add((node, RDF.type, kinds[form]))
        graph.add((node, RDFS.label, Literal(query.name)))
        graph.add((node, RDFS.comment, Literal(query.summary, lang="en")))
        if query.description:
            graph.add((node, DCTERMS.description, Literal(query.description.strip(), lang="en")))
        graph.add((node, SHACL_AF[form], Literal(text)))
        graph.add((node, SCHEMA.target, URIRef(endpoint)))
        for param in query.params:
            graph.add((node, SCHEMA.keywords, Literal(f"parameter {param.name} ({param.type})")))
    return graph
