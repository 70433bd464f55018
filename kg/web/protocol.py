"""The SPARQL 1.1 Protocol's rules that do not depend on a web framework.

* :func:`query_request` checks one query request's parameters and returns what to run.
* :func:`refuse_remote_access` keeps a query or update from making the server send a request
  or read a file: Oxigraph would fetch a ``SERVICE`` endpoint or a ``LOAD`` IRI over HTTP.
* :func:`dataset` turns ``default-graph-uri`` / ``named-graph-uri`` into Oxigraph's
  arguments; as the Protocol says (section 2.1.4), they override ``FROM``/``FROM NAMED``.
* :func:`service_description` and :func:`void_description` describe the endpoint and the data.

Spec: https://www.w3.org/TR/sparql11-protocol/
"""

from __future__ import annotations

import re

import pyoxigraph as ox
from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, VOID

from kg.errors import BadRequest, KGError
from kg.web import guard
from kg.namespaces import BASE, ONTOLOGY_IRI, PREFIXES, bind_prefixes
from kg.wikidata.wdqs import rewrite_label_service

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS_NS = Namespace("http://www.w3.org/ns/formats/")
PROTOCOL = "https://www.w3.org/TR/sparql11-protocol/"
DATA_LICENCE = ("https://creativecommons.org/licenses/by/4.0/", "Creative Commons Attribution 4.0 International (CC BY 4.0)")
"""The one licence of the data: VoID, the service description, the landing page and the README say this."""

# Strings, IRIs and comments, which may contain the keywords harmlessly.
_OPAQUE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"
    r"|#[^\n]*",
)
_KEYWORD = r"(?<![\w:?$\-]){}(?![\w:\-])"


class Forbidden(KGError):
    """A request the service will not carry out."""

    status = 403


def keywords(text: str) -> str:
    """Return ``text`` with strings, IRIs and comments blanked out, keeping keywords.

    >>> keywords('SELECT * { ?s <urn:LOAD> "SERVICE" } # LOAD').split()
    ['SELECT', '*', '{', '?s', '}']
    """
    return _OPAQUE.sub(" ", text)


def refuse_remote_access(text: str, *, allow_load: bool = False, update: bool = False) -> None:
    """Refuse ``SERVICE`` in any query or update, and ``LOAD`` unless allowed (never from ``file:``).

    Decided from the parsed query or update (:mod:`kg.web.guard`), never from its text, so no
    escape, string or comment can hide a keyword; input nested too deep is refused unparsed.

    :raises Forbidden: with a message that says what was refused and why.
    :raises BadRequest: the input is nested deeper than the service parses.
    """
    ops = guard.update_operations(text) if update else guard.query_operations(text)
    unread = "" if ops.parsed else f" (this text was not parsed: {ops.unparsed_because}; so it is refused for naming it)"
    if ops.services:
        raise Forbidden("federated queries are refused: this endpoint sends no request to other services "
                        f"(SERVICE is not allowed){unread}", link=PROTOCOL)
    if ops.loads:
        if not allow_load:
            raise Forbidden(f"LOAD is disabled on this endpoint: the server fetches nothing on a client's behalf{unread}")
        if not ops.parsed or not all(guard.is_http(iri) for iri in ops.loads):
            raise Forbidden("LOAD reads only http: and https: IRIs, and never from file:")


def query_request(queries: list[str], default_graph_uris: list[str], named_graph_uris: list[str]) -> tuple[str, dict]:
    """The query to run and its dataset arguments, from the Protocol parameters of one request.

    :raises BadRequest: not exactly one query, or a dataset IRI that is not absolute.
    :raises Forbidden: the query would make the server send a request.
    """
    if len(queries) != 1 or not queries[0].strip():
        raise BadRequest("send exactly one 'query' parameter", link=PROTOCOL)
    query = rewrite_label_service(queries[0])  # WDQS's label service is built in, not a remote SERVICE
    refuse_remote_access(query)
    return query, dataset(default_graph_uris, named_graph_uris)


def dataset(default_graph_uris: list[str], named_graph_uris: list[str]) -> dict:
    """Return Oxigraph query arguments for the Protocol's dataset parameters.

    With them, the request's RDF dataset replaces the query's ``FROM`` clauses. Without them,
    a query with ``FROM``/``FROM NAMED`` gets the dataset it names, and any other query the
    store's default graph, which holds the merge of all named graphs (see :mod:`kg.store.embedded`).
    """
    args: dict = {}
    if not default_graph_uris and not named_graph_uris:
        return args  # the store's default graph is the merge of all graphs; FROM, if any, applies
    try:
        args["default_graph"] = [ox.NamedNode(u) for u in default_graph_uris]
        args["named_graphs"] = [ox.NamedNode(u) for u in named_graph_uris]
    except ValueError as exc:
        raise BadRequest(f"default-graph-uri and named-graph-uri take absolute IRIs: {exc}", link=PROTOCOL) from None
    return args


def service_description(endpoint: str, *, void_url: str, update_url: str | None) -> Graph:
    """Describe the endpoint in the SPARQL 1.1 Service Description vocabulary."""
    graph = bind_prefixes(Graph())
    graph.bind("sd", SD)
    graph.bind("void", VOID)
    service = URIRef(endpoint + "#service")
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, URIRef(endpoint)))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    if update_url:
        graph.add((service, SD.supportedLanguage, SD.SPARQL11Update))
    for fmt in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                "Turtle", "N-Triples", "RDF_XML", "JSON-LD", "TriG", "N-Quads"):
        graph.add((service, SD.resultFormat, FORMATS_NS[fmt]))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    graph.add((service, RDFS.comment, Literal(
        f"Base IRI: relative IRIs in queries and updates are resolved against {BASE} (the dataset's namespace), "
        f"so <meeting/rats-conference/8> names {BASE}meeting/rats-conference/8; a BASE declaration in the "
        "query takes precedence.", lang="en")))
    description = BNode()
    graph.add((service, SD.defaultDataset, description))
    graph.add((description, RDF.type, SD.Dataset))
    graph.add((description, DCTERMS.description, Literal(
        "The default graph is the RDF merge (a set) of all named graphs: one per source, its inferences, the reference data "
        "and the ontology. FROM, FROM NAMED and the Protocol's dataset parameters select graphs of this store; "
        "nothing is ever fetched.", lang="en")))
    graph.add((description, VOID.inDataset, URIRef(void_url)))
    graph.add((description, DCTERMS.license, URIRef(DATA_LICENCE[0])))
    return graph


def void_description(store: ox.Store, *, base_url: str, sparql_url: str, dumps: dict[str, str]) -> Graph:
    """Describe the dataset in VoID: one subset per named graph, with counts and examples."""
    graph = bind_prefixes(Graph())
    graph.bind("void", VOID)
    data = URIRef(base_url + ".well-known/void#dataset")
    graph.add((data, RDF.type, VOID.Dataset))
    graph.add((data, DCTERMS.title, Literal("SCO RATS knowledge graph", lang="en")))
    graph.add((data, DCTERMS.description, Literal(
        "Meetings, participants, officials and statistics of the SCO Regional Anti-Terrorist Structure, every fact "
        "with the quote of its source.", lang="en")))
    graph.add((data, DCTERMS.license, URIRef(DATA_LICENCE[0])))
    graph.add((data, VOID.sparqlEndpoint, URIRef(sparql_url)))
    graph.add((data, VOID.uriSpace, Literal(BASE)))
    graph.add((data, VOID.vocabulary, URIRef(str(ONTOLOGY_IRI))))
    for prefix in ("schema", "org", "prov", "oa", "skos", "dct", "qb"):
        graph.add((data, VOID.vocabulary, URIRef(PREFIXES[prefix])))
    for url in dumps.values():
        graph.add((data, VOID.dataDump, URIRef(url)))
    total = 0
    counts = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g")
    for row in counts:
        name, count = row["g"].value, int(row["n"].value)
        total += count
        subset = URIRef(base_url + ".well-known/void#" + name[len(BASE):].replace("/", "-"))
        graph.add((data, VOID.subset, subset))
        graph.add((subset, RDF.type, VOID.Dataset))
        graph.add((subset, SD.name, URIRef(name)))
        graph.add((subset, VOID.triples, Literal(count, datatype=XSD.integer)))
        graph.add((subset, DCTERMS.title, Literal(name[len(BASE):], lang="en")))
    graph.add((data, VOID.triples, Literal(total, datatype=XSD.integer)))
    for example in ("meeting/rats-conference/8", "meeting/rats-council/40", "person/ruslan-mirzayev", "state/india"):
        graph.add((data, VOID.exampleResource, URIRef(BASE + example)))
    graph.add((data, FOAF.homepage, URIRef(base_url)))
    return graph
