"""An entity page that reads like Wikidata's, from the graph and its evidence.

Statements are grouped by property; each value carries its references (the source's title,
publisher, date and link, and the quote with the value's words highlighted), and a quote that
supports several statements is shown once. Values of a functional property that sources
disagree on are flagged side by side. The nodes that only exist to relate the entity to
others (participations, post holdings, memberships, statistics) are drawn as tables: a
meeting's participants by role, a person's posts over time, a state's memberships, the figures
reported at a meeting or by a person; a statistic shows its value, qualifier and period in one
line. Labels are listed in every language the sources and the reference data use.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.errors import NotFound
from kg.namespaces import BASE, GRAPH, ONTOLOGY_GRAPH, PREFIXES, WD
from kg.web.quotes import QuoteBook, date_words
from kg.wikidata.wikibase import WIKIBASE_GRAPH, item

RATS = PREFIXES["rats"]
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL_PROPERTIES = {"http://www.w3.org/2004/02/skos/core#prefLabel": "name",
                    "http://www.w3.org/2004/02/skos/core#altLabel": "also known as",
                    "http://www.w3.org/2000/01/rdf-schema#label": "label",
                    RATS + "statedName": "as stated"}
SINGLE_VALUED = {RATS + name for name in ("startDate", "endDate", "date", "location", "editionNumber", "foundingDate",
                                          "value", "qualifier", "measure", "period", "publicationDate")}
"""Properties the consistency shapes give one value (besides the ontology's functional ones)."""
HIDDEN = {RDF_TYPE, "http://www.w3.org/2002/07/owl#sameAs", *LABEL_PROPERTIES}

_STATEMENTS = """
SELECT ?entity ?p ?o ?g ?source ?quote ?start ?end WHERE {
  GRAPH ?g { $entity ?p ?o }
  OPTIONAL {
    GRAPH ?g { ?ev rdf:subject $entity ; rdf:predicate ?p ; rdf:object ?o ; oa:hasTarget ?t .
               ?t oa:hasSource ?source ; oa:hasSelector ?qs , ?ps .
               ?qs oa:exact ?quote . ?ps oa:start ?start ; oa:end ?end . }
  }
} ORDER BY ?p ?o ?g ?source ?start"""

_LINKED = """
SELECT DISTINCT ?entity ?node ?type ?link WHERE {
  GRAPH ?g { ?node ?link $entity ; a ?type }
  VALUES ?type { rats:Participation rats:PostHolding rats:Membership rats:Statistic }
} ORDER BY ?type ?node"""

_INCOMING = """
SELECT DISTINCT ?entity ?s ?p WHERE {
  GRAPH ?g { ?s ?p $entity }
  FILTER (?p NOT IN (rdf:subject, rdf:object, oa:hasSource))
  FILTER NOT EXISTS { GRAPH ?h { ?s a ?t } VALUES ?t { rats:Participation rats:PostHolding rats:Membership
                                                        rats:Statistic rats:Evidence } }
} ORDER BY ?p ?s LIMIT 500"""

_LABELS = """SELECT ?x ?p ?l WHERE { $x ?p ?l VALUES ?p { skos:prefLabel skos:altLabel rdfs:label rats:statedName } }"""

_SOURCE = """
SELECT ?source ?p ?o WHERE { GRAPH ?g { $source ?p ?o } VALUES ?p { rats:title rats:publicationDate rats:url rats:language rats:publisher } }"""

_VALUE = "SELECT DISTINCT ?s ?p ?o WHERE { $s $p ?o }"

_RANKS = f"""
SELECT ?item ?prop ?rank ?v WHERE {{
  GRAPH <{WIKIBASE_GRAPH}> {{ $item ?p ?st . ?st wikibase:rank ?rank ; ?ps ?v . }}
  GRAPH <{ONTOLOGY_GRAPH}> {{ ?prop rats:wikidataProperty ?pid }}
  FILTER (?p = IRI(CONCAT(str(p:), ?pid)) && ?ps = IRI(CONCAT(str(ps:), ?pid)))
}}"""
RANK_NAMES = {"http://wikiba.se/ontology#PreferredRank": "preferred", "http://wikiba.se/ontology#NormalRank": "normal",
              "http://wikiba.se/ontology#DeprecatedRank": "deprecated"}

_EVIDENCE_COUNT = "SELECT ?graph (COUNT(?ev) AS ?n) WHERE { GRAPH $graph { ?ev a rats:Evidence } } GROUP BY ?graph"

_FUNCTIONAL = "SELECT ?p WHERE { ?p a owl:FunctionalProperty }"

# The tables drawn for the nodes that relate the entity to others: (node type, the link to the
# entity) -> (title, the columns: a property of the node, or of the node's value for "a/b").
SECTIONS = {
    ("Participation", "meeting"): ("Participants", ("role", "participant")),
    ("Participation", "participant"): ("Took part in", ("meeting", "role")),
    ("PostHolding", "holder"): ("Posts", ("asOf", "post", "post/organisation", "atMeeting")),
    ("PostHolding", "post"): ("Holders", ("asOf", "holder", "atMeeting")),
    ("Membership", "memberState"): ("Memberships", ("asOf", "organisation", "role")),
    ("Membership", "organisation"): ("Members", ("role", "memberState", "asOf")),
    ("Statistic", "reportedAt"): ("Figures reported here", ("measure", "qualifier", "value", "period", "area",
                                                           "reportedBy")),
    ("Statistic", "reportedBy"): ("Figures reported", ("measure", "qualifier", "value", "period", "area", "reportedAt")),
    ("Statistic", "about"): ("Figures about it", ("measure", "qualifier", "value", "period", "reportedAt")),
    ("Statistic", "area"): ("Figures for this area", ("measure", "qualifier", "value", "period", "reportedAt")),
    ("Statistic", "measure"): ("Figures of this measure", ("qualifier", "value", "period", "area", "reportedAt")),
}


@dataclass
class Reference:
    """A source of a statement: what the source is, and the quote (shown here, or once in the page's list)."""

    source: str
    title: str
    publisher: str
    date: str
    url: str | None
    graph_role: str
    quote: object = None


@dataclass
class Value:
    """One value of a property, with its references."""

    value: str
    label: str
    href: str | None
    datatype: str | None = None
    language: str | None = None
    references: list[Reference] = field(default_factory=list)
    disputed: bool = False
    rank: str = ""


@dataclass
class Group:
    """The statements of one property."""

    property: str
    label: str
    values: list[Value]
    disputed: bool = False


@dataclass
class Section:
    """A table of related nodes (participants by role, posts over time, figures…)."""

    title: str
    columns: list[str]
    rows: list[tuple[list[list[Value]], list[Reference]]]


@dataclass
class EntityPage:
    iri: str
    label: str
    types: list[Value]
    labels: list[tuple[str, str, str]]
    groups: list[Group]
    sections: list[Section]
    incoming: list[tuple[str, list[Value]]]
    quotes: list
    wikidata: str | None
    summary: str | None = None
    graph: str | None = None
    """For a source: its named graph, which holds exactly what it states."""


def _short_iri(iri: str) -> str:
    if iri.startswith(RATS):
        return iri[len(RATS):]
    return iri[len(BASE):] if iri.startswith(BASE) else iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


class _Reader:
    """Reads labels, sources and statements once per term, for one page."""

    def __init__(self, store: ox.Store, local):
        self.store, self.local = store, local
        self._labels: dict[str, list[tuple[str, str, str]]] = {}
        self._sources: dict[str, dict] = {}
        self.book = QuoteBook()

    def query(self, text: str, **bindings):
        return self.store.query(text, prefixes=PREFIXES,
                                substitutions={ox.Variable(k): v for k, v in bindings.items()} or None)

    def labels(self, iri: str) -> list[tuple[str, str, str]]:
        """(language, text, kind) for every label of ``iri``."""
        if iri not in self._labels:
            found = {(row["l"].language or "", row["l"].value, LABEL_PROPERTIES[row["p"].value])
                     for row in self.query(_LABELS, x=ox.NamedNode(iri))}
            self._labels[iri] = sorted(found, key=lambda t: (t[2] != "name", t[0] != "en", t[0], t[1]))
        return self._labels[iri]

    def label(self, iri: str) -> str:
        labels = self.labels(iri)
        preferred = [t for lang, t, kind in labels if kind in ("name", "label") and lang in ("en", "")]
        return (preferred or [t for _, t, _ in labels] or [_short_iri(iri)])[0]

    def value(self, term) -> Value:
        if isinstance(term, ox.NamedNode):
            return Value(term.value, self.label(term.value), self.local(term.value))
        datatype = term.datatype.value if isinstance(term, ox.Literal) else None
        return Value(term.value, term.value, None, datatype=_short_iri(datatype) if datatype else None,
                     language=getattr(term, "language", None) or None)

    def words(self, value: Value) -> list[str]:
        """The words of a value that its quote may contain."""
        if value.href is not None or value.value.startswith(("http://", "https://")):
            words = [t for _, t, _ in self.labels(value.value)]
            return words + [_short_iri(value.value).rsplit("/", 1)[-1].replace("-", " ")]
        return [value.value, *date_words(value.value)]

    def source(self, iri: str) -> dict:
        if iri not in self._sources:
            facts = {row["p"].value[len(RATS):]: row["o"] for row in self.query(_SOURCE, source=ox.NamedNode(iri))}
            publisher = facts.get("publisher")
            self._sources[iri] = {
                "title": facts["title"].value if "title" in facts else iri.rsplit("/", 1)[-1],
                "publisher": self.label(publisher.value) if isinstance(publisher, ox.NamedNode) else "",
                "date": facts["publicationDate"].value if "publicationDate" in facts else "",
                "url": facts["url"].value if "url" in facts else None,
            }
        return self._sources[iri]

    def statements(self, subject: str, what: str) -> dict[tuple[str, str], tuple[object, list[Reference]]]:
        """(property, value) -> (term, references) for ``subject``; ``what`` names the statement for its quotes."""
        found: dict[tuple[str, str], tuple[object, list[Reference]]] = {}
        for row in self.query(_STATEMENTS, entity=ox.NamedNode(subject)):
            key = (row["p"].value, str(row["o"]))
            term, references = found.setdefault(key, (row["o"], []))
            graph = row["g"].value
            if row["source"] is not None:
                source = row["source"].value
                meta = self.source(source)
                quote = self.book.cite(source, row["quote"].value, int(row["start"].value), int(row["end"].value),
                                       words=self.words(self.value(term)),
                                       statement=(subject, row["p"].value, str(term)),
                                       label=what or self.label(row["p"].value))
                if not any(r.quote is quote for r in references):
                    references.append(Reference(source, meta["title"], meta["publisher"], meta["date"], meta["url"],
                                                "source", quote))
            elif not any(r.source == graph for r in references):
                role = graph.removeprefix(str(GRAPH))
                references.append(Reference(graph, role.split("/", 1)[0], "", "", None,
                                            "inferred" if role.startswith("inferred") else "reference data"))
        return found


def entity_page(store: ox.Store, iri: str, local) -> EntityPage:
    """Everything the page about ``iri`` shows.

    :param local: links an IRI of ours to its page here.
    :raises NotFound: the graph says nothing about it.
    """
    reader = _Reader(store, local)
    statements = reader.statements(iri, "")
    if not statements:
        raise NotFound(f"the graph says nothing about {iri}")
    functional = {row["p"].value for row in reader.query(_FUNCTIONAL)} | SINGLE_VALUED
    groups: dict[str, Group] = {}
    types, wikidata = [], None
    for (prop, _), (term, references) in statements.items():
        if prop == RDF_TYPE:
            types.append(reader.value(term))
        elif prop.endswith("owl#sameAs") and term.value.startswith(str(WD)):
            wikidata = term.value
        if prop in HIDDEN:
            continue
        group = groups.setdefault(prop, Group(prop, reader.label(prop), []))
        value = reader.value(term)
        value.references = references
        group.values.append(value)
    ranks = _ranks(reader, iri)
    for group in groups.values():
        sources = {r.source for v in group.values for r in v.references}
        if group.property in functional and len(group.values) > 1 and len(sources) > 1:
            group.disputed = True
        for value in group.values:
            value.disputed = group.disputed
            value.rank = _rank_of(ranks.get(group.property, []), value)
    page = EntityPage(iri=iri, label=reader.label(iri), types=sorted(types, key=lambda v: v.label),
                      labels=reader.labels(iri), groups=sorted(groups.values(), key=lambda g: g.label.lower()),
                      sections=_sections(reader, iri), incoming=_incoming(reader, iri), quotes=[], wikidata=wikidata)
    if any(t.value == RATS + "Statistic" for t in types):
        page.summary = _statistic_line(groups)
        if page.label == _short_iri(iri):
            page.label = page.summary
    if any(t.value == RATS + "Source" for t in types):
        page.graph = iri.replace(BASE + "source/", BASE + "graph/source/", 1)
        count = next(iter(reader.query(_EVIDENCE_COUNT, graph=ox.NamedNode(page.graph))))
        page.summary = f"{count['n'].value} statements of this source, each with its quote"
    page.quotes = reader.book.shared()
    return page


def _ranks(reader: _Reader, iri: str) -> dict[str, list[tuple[str, str]]]:
    """The Wikibase view's ranks of the entity's statements: property -> [(value as in the view, rank)]."""
    ranks: dict[str, list[tuple[str, str]]] = {}
    for row in reader.query(_RANKS, item=ox.NamedNode(str(item(iri)))):
        ranks.setdefault(row["prop"].value, []).append((row["v"].value, RANK_NAMES.get(row["rank"].value, "")))
    return ranks


def _rank_of(ranks: list[tuple[str, str]], value: Value) -> str:
    """The rank of ``value`` among a property's ranked values (a time or an item, as the view writes it)."""
    forms = {value.value, str(item(value.value))} if value.href is not None else {value.value}
    for written, rank in ranks:
        if written in forms or any(written.startswith(f + "T") for f in forms):
            return rank
    return ""


def _sections(reader: _Reader, iri: str) -> list[Section]:
    sections: dict[tuple[str, str], Section] = {}
    for row in reader.query(_LINKED, entity=ox.NamedNode(iri)):
        key = (row["type"].value[len(RATS):], row["link"].value[len(RATS):])
        if key not in SECTIONS:
            continue
        title, columns = SECTIONS[key]
        section = sections.setdefault(key, Section(title, list(columns), []))
        node = row["node"].value
        facts = reader.statements(node, title.lower())
        cells, references = [], []
        for column in columns:
            prop, _, then = column.partition("/")
            values = []
            for (p, _), (term, refs) in facts.items():
                if p != RATS + prop:
                    continue
                if then:  # a property of the value (a post's organisation), without its quotes
                    if isinstance(term, ox.NamedNode):
                        values += [reader.value(r["o"]) for r in reader.query(_VALUE, s=term, p=ox.NamedNode(RATS + then))]
                    continue
                values.append(reader.value(term))
                references += [r for r in refs if r not in references]
            cells.append(values)
        section.rows.append((cells, references))
    for section in sections.values():
        section.rows.sort(key=lambda row: [" ".join(v.label for v in cell) for cell in row[0]])
        section.columns = [reader.label(RATS + (c.partition("/")[2] or c)) for c in section.columns]
    return list(sections.values())


def _incoming(reader: _Reader, iri: str) -> list[tuple[str, list[Value]]]:
    by_property: dict[str, list[Value]] = {}
    for row in reader.query(_INCOMING, entity=ox.NamedNode(iri)):
        by_property.setdefault(reader.label(row["p"].value), []).append(reader.value(row["s"]))
    return sorted(by_property.items())


def _statistic_line(groups: dict[str, Group]) -> str:
    """A statistic in words: "more than 160 participants of the 9th conference, reported by …"."""
    def first(name: str) -> str:
        group = groups.get(RATS + name)
        return group.values[0].label if group and group.values else ""

    qualifier = first("qualifier")
    text = " ".join(p for p in (qualifier if qualifier != "exactly" else "", first("value"), first("measure")) if p)
    if first("about"):
        text += f" of {first('about')}"
    for name, word in (("period", ""), ("area", "in "), ("reportedAt", "at "), ("reportedBy", "reported by ")):
        if first(name):
            text += f", {word}{first(name)}"
    return text
