"""The home page as a dataset landing page: what the graph is, its size and sources, how to use and cite it.

People get a page (with schema.org ``Dataset`` JSON-LD for search engines); JSON clients keep
getting the service's JSON summary. Both carry FAIR Signposting ``Link`` headers
(https://signposting.org/FAIR/): ``cite-as``, ``describedby`` (VoID), ``license``, ``item``
(the dumps) and ``type``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import quote

from flask import Response, jsonify, render_template, url_for

from kg.namespaces import BASE, ONTOLOGY_GRAPH, PREFIXES
from kg.web.common import local_link, state
from kg.web.examples import with_prefixes
from kg.web.protocol import DATA_LICENCE

TITLE = "SCO RATS knowledge graph"
DESCRIPTION = ("A curated RDF knowledge graph about the Shanghai Cooperation Organisation's Regional Anti-Terrorist "
               "Structure (SCO RATS): its yearly scientific-practical conferences in Tashkent, its Council meetings, the "
               "states taking part and in which role, the officials who speak, and the figures they report. Every fact "
               "is traceable to the exact words of its source.")
IDENTIFIER = BASE
"""The dataset's persistent identifier (the w3id.org namespace of its IRIs): what to cite."""

DUMPS = (("dataset.nq.gz", "application/n-quads+gzip", "N-Quads, gzipped"),
         ("dataset.trig.gz", "application/trig+gzip", "TriG, gzipped"))

_COUNTS = f"""
SELECT ?kind (COUNT(DISTINCT ?x) AS ?n) WHERE {{
  {{ SELECT ?type ?kind WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?type rdfs:subClassOf* ?class }}
      VALUES (?class ?kind) {{ (rats:Source "sources") (rats:Meeting "meetings") (rats:Person "people")
                              (rats:State "states") (rats:Organisation "organisations") (rats:Statistic "figures")
                              (rats:Evidence "quotes") }} }} }}
  ?x a ?type .
}} GROUP BY ?kind"""
"""The types come from the ontology first: joining every typed node with the class hierarchy
took 7 s at 100k quads, this takes 75 ms."""

_SOURCES = """
SELECT ?source ?title ?publisherLabel ?published ?language ?url WHERE {
  GRAPH ?g { ?source a rats:Source .
    OPTIONAL { ?source rats:title ?title } OPTIONAL { ?source rats:publicationDate ?published }
    OPTIONAL { ?source rats:language ?language } OPTIONAL { ?source rats:url ?url } }
  OPTIONAL { ?source rats:publisher/skos:prefLabel ?publisherLabel FILTER (lang(?publisherLabel) IN ("en", "")) }
} ORDER BY DESC(?published) ?source"""
SHOWN_SOURCES = 50
"""Sources listed on the page, the latest first; the ``sources`` named query lists them all."""

QUESTIONS = (
    ("Which meetings took place, when and where, according to each source?", """
SELECT ?meeting ?label ?start ?cityLabel ?source WHERE {
  GRAPH ?g { ?source a rats:Source . ?meeting a/rdfs:subClassOf* rats:Meeting .
             OPTIONAL { ?meeting rats:startDate ?start } OPTIONAL { ?meeting rats:location ?city } }
  ?meeting skos:prefLabel ?label .
  OPTIONAL { ?city skos:prefLabel ?cityLabel FILTER (lang(?cityLabel) = "en") }
} ORDER BY ?start ?meeting"""),
    ("Which states took part in the 8th conference, and in which role?", """
SELECT ?stateLabel ?roleLabel ?source WHERE {
  GRAPH ?g { ?source a rats:Source .
             ?p a rats:Participation ; rats:meeting <https://w3id.org/sco-rats/meeting/rats-conference/8> ;
                rats:participant ?state ; rats:role ?role . }
  ?state a rats:State ; skos:prefLabel ?stateLabel FILTER (lang(?stateLabel) = "en")
  OPTIONAL { ?role rdfs:label ?roleLabel }
} ORDER BY ?roleLabel ?stateLabel"""),
    ("What figures did the sources report, with their qualifiers?", """
SELECT ?statistic ?measureLabel ?value ?qualifierLabel ?period ?source WHERE {
  GRAPH ?g { ?source a rats:Source . ?statistic a rats:Statistic ; rats:value ?value .
             OPTIONAL { ?statistic rats:measure ?measure } OPTIONAL { ?statistic rats:qualifier ?qualifier }
             OPTIONAL { ?statistic rats:period ?period } }
  OPTIONAL { ?measure skos:prefLabel ?measureLabel }
  OPTIONAL { ?qualifier rdfs:label ?qualifierLabel }
} ORDER BY ?statistic"""),
    ("Where do two sources disagree on when a meeting started?", """
SELECT ?meeting ?start ?source ?quote WHERE {
  GRAPH ?g { ?meeting rats:startDate ?start . ?source a rats:Source .
             ?ev rdf:subject ?meeting ; rdf:predicate rats:startDate ; oa:hasTarget/oa:hasSelector/oa:exact ?quote }
  FILTER EXISTS { GRAPH ?h { ?meeting rats:startDate ?other } FILTER (?h != ?g && str(?other) != str(?start)) }
} ORDER BY ?meeting ?start"""),
    ("Which words of which source support each fact about Ruslan Mirzayev?", """
SELECT ?property ?value ?quote ?source WHERE {
  GRAPH ?g { ?ev rdf:subject <https://w3id.org/sco-rats/person/ruslan-mirzayev> ; rdf:predicate ?property ;
                 rdf:object ?value ; oa:hasTarget ?t . ?t oa:hasSource ?source ; oa:hasSelector/oa:exact ?quote }
} ORDER BY ?property"""),
)


@dataclass(frozen=True)
class _Kept:
    body: bytes


def editor_link(query: str) -> str:
    """A link that opens ``query`` in the editor and runs it (YASGUI's share-link form)."""
    endpoint = url_for("sparql.sparql", _external=True)
    return (url_for("sparql.sparql") + "#query=" + quote(with_prefixes(query.strip()) + "\n", safe="")
            + "&endpoint=" + quote(endpoint, safe=""))


def signposting() -> str:
    """The FAIR Signposting ``Link`` header of the landing page."""
    links = [f'<{IDENTIFIER}>; rel="cite-as"',
             f'<{url_for("dataset.void", _external=True)}>; rel="describedby"; type="text/turtle"',
             f'<{DATA_LICENCE[0]}>; rel="license"',
             '<https://schema.org/Dataset>; rel="type"',
             '<https://schema.org/AboutPage>; rel="type"']
    links += [f'<{url_for("dataset.dump", name=name, _external=True)}>; rel="item"; type="{mime}"'
              for name, mime, _ in DUMPS]
    return ", ".join(links)


def summary() -> dict:
    """The counts and the sources, computed once per state of the store (the answer cache keeps them)."""
    def compute() -> _Kept:
        store = state()["store"]
        counts = {row["kind"].value: int(row["n"].value) for row in store.query(_COUNTS, prefixes=PREFIXES)}
        sources = [{k: (row[k].value if row[k] is not None else None) for k in
                    ("source", "title", "publisherLabel", "published", "language", "url")}
                   for row in store.query(_SOURCES, prefixes=PREFIXES)]
        seen, unique = set(), []
        for source in sources:  # one row per source, however many publisher labels
            if source["source"] not in seen:
                seen.add(source["source"])
                unique.append(source)
        quads = int(next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")))["n"].value)
        graphs = len(list(store.named_graphs()))
        return _Kept(json.dumps({"quads": quads, "graphs": graphs, "counts": counts, "sources": unique[:SHOWN_SOURCES],
                                 "all_sources": len(unique)}).encode())

    kept, _ = state()["cache"].get_or_compute(("landing", "summary"), compute)
    return json.loads(kept.body)


def json_ld(facts: dict) -> dict:
    """The schema.org ``Dataset`` description search engines read from the page."""
    return {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": IDENTIFIER,
        "name": TITLE,
        "description": DESCRIPTION,
        "url": url_for("pages.index", _external=True),
        "identifier": IDENTIFIER,
        "license": DATA_LICENCE[0],
        "isAccessibleForFree": True,
        "keywords": ["Shanghai Cooperation Organisation", "SCO RATS", "counter-terrorism", "knowledge graph",
                     "provenance", "SPARQL"],
        "citation": citation(),
        "variableMeasured": [{"@type": "PropertyValue", "name": name, "value": value}
                             for name, value in sorted(facts["counts"].items())],
        "size": f"{facts['quads']} quads",
        "distribution": [{"@type": "DataDownload", "encodingFormat": mime, "description": text,
                          "contentUrl": url_for("dataset.dump", name=name, _external=True)} for name, mime, text in DUMPS]
        + [{"@type": "DataDownload", "encodingFormat": "application/sparql-query",
            "contentUrl": url_for("sparql.sparql", _external=True), "description": "SPARQL 1.1 endpoint"}],
        "isBasedOn": [source["url"] or source["source"] for source in facts["sources"]],
    }


def citation() -> str:
    """How to cite the dataset, in one line."""
    return (f"{TITLE}: a curated RDF dataset with the quotes of its sources. {IDENTIFIER} "
            f"(retrieved {_today()}). Licence: {DATA_LICENCE[1]}.")


def _today() -> str:
    import datetime

    return datetime.date.today().isoformat()


def landing_page() -> Response:
    """The landing page for browsers."""
    facts = summary()
    questions = [(text, editor_link(query)) for text, query in QUESTIONS]
    html = render_template("landing.html", title=TITLE, description=DESCRIPTION, facts=facts, questions=questions,
                           dumps=DUMPS, licence=DATA_LICENCE, identifier=IDENTIFIER, citation=citation(),
                           json_ld=json.dumps(json_ld(facts), ensure_ascii=False, indent=1).replace("</", "<\\/"),
                           queries=list(state()["queries"].values()), local=local_link)
    response = Response(html, content_type="text/html; charset=utf-8")
    response.headers["Link"] = signposting()
    response.vary.add("Accept")
    return response


def landing_json() -> Response:
    """The service's summary for JSON clients, with the same Signposting links."""
    response = jsonify({
        "name": TITLE,
        "sparql": url_for("sparql.sparql", _external=True),
        "queries": url_for("queries.list_queries", _external=True),
        "void": url_for("dataset.void", _external=True),
        "examples": url_for("workbench.sparql_examples", _external=True),
        "license": DATA_LICENCE[0],
        "cite_as": IDENTIFIER,
    })
    response.headers["Link"] = signposting()
    response.vary.add("Accept")
    return response
