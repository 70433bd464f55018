"""Present the stated facts as Wikibase RDF, the shape the Wikidata Query Service serves.

Local items live in this graph's own namespaces, shaped like Wikidata's (``kgwd:`` items,
``kgwds:`` statements, ``kgwdref:`` references, ``kgwdv:`` values); properties are
Wikidata's own (``wdt: p: ps: psv: pq: pr:``), from the verified list. Every statement
carries one reference per source that states it (``pr:P248`` stated in, ``pr:P577``
publication date, ``pr:P854`` URL where known, ``pr:P1683`` the quote). Sources that
disagree give separate statements. Statements have normal rank unless a curator prefers a
value in ``curation/preferred.yaml`` (preferred rank, with the reason); the truthy ``wdt:``
triples follow Wikidata's best-rank rule. Only stated facts are exported, never inferred ones. Items with a verified QID are ``owl:sameAs`` their Wikidata item.

Mapping, ontology → Wikidata:

=========================  =====================================================
rdf:type                   P31 (a Wikidata class where aligned, else a local class item)
partOfSeries               P179
editionNumber              P393 (a string, as Wikidata has it)
startDate / endDate / date P580 / P582 / P585 (time with precision; no year, no export)
location / organiser       P276 / P664
title                      P1476 (monolingual text)
Participation              P710 on the meeting, qualifier P3831 object has role (the
                           role is the participant's, the statement's value)
Membership                 P463 on the state, qualifiers P2868 subject has role (the
                           state's role), P585 (as of), P580 / P582 (start / end time);
                           none while only planned, proposed, announced or expected
PostHolding                P39 on the person, qualifiers P585 (as of), P580 / P582; none
                           while only planned, proposed, announced or expected
Statistic                  its own item: P31 statistic, P1114 quantity (the amount as the
                           source gives it, never bounds it does not state; "approximately"
                           as qualifier P1480 sourcing circumstances = Q5727902 circa, "more
                           than" / "at least" as P1480 = the ontology's own term), P276 area,
                           P585 period (a year), P518 what it is about
=========================  =====================================================

Roles follow Wikidata's documentation of P2868: it is the role of the item ("subject") of the
statement; "for the role of the value of the statement ("object"), use P3831". Quantities
follow the Wikibase data model since 2016: bounds are optional and are left out "if they do
not have explicit information on the uncertainty" (see the README, "Wikidata-style use").
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SKOS

from kg.namespaces import BASE, GRAPH, OA, RATS, SCHEMA, WD, WIKIBASE_PREFIXES, bind_prefixes

KGWD, KGWDS, KGWDREF, KGWDV, WDT, P, PS, PSV, PQ, PR, WIKIBASE = (
    Namespace(WIKIBASE_PREFIXES[name])
    for name in ("kgwd", "kgwds", "kgwdref", "kgwdv", "wdt", "p", "ps", "psv", "pq", "pr", "wikibase"))
PROV = Namespace("http://www.w3.org/ns/prov#")
WIKIBASE_GRAPH = GRAPH["wikibase"]

DIRECT = {RATS.partOfSeries: "P179", RATS.editionNumber: "P393", RATS.startDate: "P580", RATS.endDate: "P582",
          RATS.date: "P585", RATS.location: "P276", RATS.organiser: "P664", RATS.title: "P1476",
          RATS.publicationDate: "P577", RATS.publisher: "P123"}
PRECISION = {XSD.date: 11, XSD.gYearMonth: 10, XSD.gYear: 9}
GREGORIAN = WD.Q1985727
UNITLESS = WD.Q199
CIRCA = WD.Q5727902
"""Wikidata's "circa", the value of P1480 (sourcing circumstances) for an approximate figure."""
SOURCING_CIRCUMSTANCES = "P1480"
NEW_ITEM = URIRef(BASE + "wikibase/curation#NewItem")
"""The class of the local items a curator has marked as new to Wikidata (``curation/new-items.yaml``):
only these may be created by a QuickStatements batch."""


@dataclass
class _Statement:
    subject: URIRef
    prop: str
    value: object
    qualifiers: tuple = ()
    references: dict = field(default_factory=dict)  # source IRI -> quotes


def item(iri) -> URIRef:
    """Return the local item of one of our entities.

    >>> str(item(URIRef("https://w3id.org/sco-rats/meeting/rats-conference/8")))
    'https://w3id.org/sco-rats/wikibase/entity/meeting-rats-conference-8'
    """
    text = str(iri)
    if text.startswith(str(RATS._NS)):
        return KGWD["class-" + text[len(str(RATS._NS)):]]
    return KGWD[text[len(BASE):].replace("/", "-")]




def wikibase_graph(sources: list[Graph], reference: Graph, ontology: Graph,
                   preferences: Sequence = (), qids: dict[URIRef, str] | None = None,
                   new_items: dict[URIRef, str] | None = None) -> Graph:
    """Build the Wikibase-shaped graph of what ``sources`` state.

    :param preferences: values a curator prefers (:class:`kg.wikidata.curation.Preference`); they get preferred rank and alone stay truthy.
    :param qids: QIDs a curator recorded for entities of this graph (see :func:`kg.wikidata.curation.load_qids`).
    :param new_items: entities a curator marked as new to Wikidata, with the curator's note
        (see :func:`kg.wikidata.curation.load_new_items`); their items are typed :data:`NEW_ITEM`.
    """
    statements: dict[tuple, _Statement] = {}
    metadata = Graph()
    statistic_labels = {}
    for graph in sources:
        source = next(graph.subjects(RDF.type, RATS.Source))
        metadata += graph.triples((source, None, None))
        for statistic, measure in graph.subject_objects(RATS.measure):
            name = reference.value(measure, SKOS.prefLabel)
            statistic_labels[item(statistic)] = Literal(
                f"{name} ({str(statistic)[len(BASE) + len('statistic/'):]})", lang="en")
        quotes = _quotes(graph)
        for s, p, o in graph:
            if (s, RDF.type, RATS.Evidence) in graph or str(s).startswith(str(source) + "/"):
                continue
            for statement in _statements(graph, s, p, o, ontology):
                key = (statement.subject, statement.prop, statement.value, statement.qualifiers)
                merged = statements.setdefault(key, statement)
                merged.references.setdefault(source, set()).update(quotes.get((s, p, o), ()))
    out = bind_prefixes(Graph(identifier=WIKIBASE_GRAPH))
    for prefix, ns in WIKIBASE_PREFIXES.items():
        out.bind(prefix, ns)
    _items(out, reference, ontology, {st.subject for st in statements.values()} |
           {st.value for st in statements.values() if isinstance(st.value, URIRef)} |
           {v for st in statements.values() for _, v in st.qualifiers if isinstance(v, URIRef)})
    for source in metadata.subjects(RDF.type, RATS.Source):  # sources are items too: P248 points at them
        title = metadata.value(source, RATS.title)
        statistic_labels[item(source)] = title if title is not None else Literal(str(source).rsplit("/", 1)[1], lang="en")
    for local, label in statistic_labels.items():  # statistics are items of their own, named by measure
        out.add((local, RDF.type, WIKIBASE.Item))
        for prop in (RDFS.label, SKOS.prefLabel, SCHEMA.name):
            out.add((local, prop, label))
    for entity, qid in (qids or {}).items():
        if (item(entity), RDF.type, WIKIBASE.Item) in out:
            out.add((item(entity), OWL.sameAs, WD[qid]))
    for entity, note in (new_items or {}).items():
        if (item(entity), RDF.type, WIKIBASE.Item) in out:
            out.add((item(entity), RDF.type, NEW_ITEM))
            out.add((item(entity), SKOS.editorialNote, Literal(f"New to Wikidata: {note}", lang="en")))
    preferred = {}
    for preference in preferences:
        for statement in statements.values():
            if (statement.subject, statement.prop) == (preference.item, preference.property) and \
                    _lexical(statement.value) == preference.value:
                preferred[id(statement)] = preference.reason
    groups_with_preference = {(s.subject, s.prop) for s in statements.values() if id(s) in preferred}
    for statement in statements.values():
        if id(statement) in preferred:
            rank = (WIKIBASE.PreferredRank, True, preferred[id(statement)])
        else:
            rank = (WIKIBASE.NormalRank, (statement.subject, statement.prop) not in groups_with_preference, None)
        _write(out, statement, metadata, rank)
    used = {st.prop for st in statements.values()} | {q for st in statements.values() for q, _ in st.qualifiers}
    _properties(out, used | {"P248", "P577", "P854", "P1683"}, ontology)
    return out


PROPERTY_LABELS = {"P31": "instance of", "P710": "participant", "P463": "member of", "P39": "position held",
                   "P2868": "subject has role", "P3831": "object has role", "P1480": "sourcing circumstances",
                   "P1114": "quantity", "P518": "applies to part",
                   "P248": "stated in", "P577": "publication date", "P854": "reference URL", "P1683": "quotation"}


def _properties(out: Graph, used: set[str], ontology: Graph) -> None:
    """Declare each Wikidata property used, with its predicates, as Wikibase RDF does."""
    labels = dict(PROPERTY_LABELS)
    for term, pid in ontology.subject_objects(RATS.wikidataProperty):
        labels.setdefault(str(pid), str(ontology.value(term, RDFS.label)))
    for pid in sorted(used):
        prop = WD[pid]
        out.add((prop, RDF.type, WIKIBASE.Property))
        out.add((prop, RDFS.label, Literal(labels.get(pid, pid), lang="en")))
        out.add((prop, WIKIBASE.directClaim, WDT[pid]))
        out.add((prop, WIKIBASE.claim, P[pid]))
        out.add((prop, WIKIBASE.statementProperty, PS[pid]))
        out.add((prop, WIKIBASE.statementValue, PSV[pid]))
        out.add((prop, WIKIBASE.qualifier, PQ[pid]))
        out.add((prop, WIKIBASE.reference, PR[pid]))


def _statements(graph: Graph, s, p, o, ontology: Graph):
    """Translate one stated triple into the Wikibase statements it contributes."""
    if p == RDF.type:
        if o == RATS.Participation or o == RATS.Membership or o == RATS.PostHolding or o == RATS.Source:
            return
        if o == RATS.Statistic:
            yield _Statement(item(s), "P31", WD.Q1949963)
            return
        aligned = ontology.value(o, SKOS.exactMatch)
        yield _Statement(item(s), "P31", aligned if aligned is not None else item(o))
        return
    if p in DIRECT:
        if isinstance(o, Literal) and o.datatype in (XSD.gMonthDay, XSD.gMonth):
            return  # a Wikibase time needs a year: a date stated without one is not exported
        yield _Statement(item(s), DIRECT[p], _value(o))
        return
    if p == RATS.participant:
        for meeting in graph.objects(s, RATS.meeting):
            roles = tuple(("P3831", item(r)) for r in sorted(graph.objects(s, RATS.role)))
            yield _Statement(item(meeting), "P710", item(o), roles)
    elif p == RATS.memberState:
        if not _in_force(graph, s):
            return
        for organisation in graph.objects(s, RATS.organisation):
            qualifiers = [("P2868", item(r)) for r in graph.objects(s, RATS.role)]
            qualifiers += [("P585", _value(d)) for d in graph.objects(s, RATS.asOf)] + _period(graph, s)
            yield _Statement(item(o), "P463", item(organisation), tuple(sorted(qualifiers, key=str)))
    elif p == RATS.holder:
        if not _in_force(graph, s):
            return
        for post in graph.objects(s, RATS.post):
            qualifiers = [("P585", _value(d)) for d in sorted(graph.objects(s, RATS.asOf))] + _period(graph, s)
            yield _Statement(item(o), "P39", item(post), tuple(sorted(qualifiers, key=str)))
    elif p == RATS.value:
        qualifier = graph.value(s, RATS.qualifier)
        circumstances = () if qualifier in (None, RATS.exactly) else \
            ((SOURCING_CIRCUMSTANCES, CIRCA if qualifier == RATS.approximately else item(qualifier)),)
        yield _Statement(item(s), "P1114", _quantity(o, qualifier), circumstances)
    elif p == RATS.area:
        yield _Statement(item(s), "P276", item(o))
    elif p == RATS.about and (s, RDF.type, RATS.Statistic) in graph:  # a statement's subject is no P518
        yield _Statement(item(s), "P518", item(o))
    elif p == RATS.period and o.datatype == XSD.gYear:
        yield _Statement(item(s), "P585", _value(o))


NOT_YET = frozenset({RATS.planned, RATS.proposed, RATS.announced, RATS.expected})
"""Statuses of a membership or a post holding that a source expects, not one in force: Wikidata's
"member of" (P463) and "position held" (P39) would state them as facts, so they are not exported."""


def _in_force(graph: Graph, node) -> bool:
    return not any(status in NOT_YET for status in graph.objects(node, RATS.status))


def _period(graph: Graph, node) -> list[tuple]:
    """The start time (P580) and end time (P582) a source gives a membership or a post holding."""
    dated = [(pid, d) for prop, pid in ((RATS.startTime, "P580"), (RATS.endTime, "P582"))
             for d in graph.objects(node, prop)]
    return [(pid, _value(d)) for pid, d in dated if not (isinstance(d, Literal) and d.datatype in (XSD.gMonthDay, XSD.gMonth))]


def _value(term):
    if isinstance(term, URIRef):
        return item(term)
    if term.datatype == XSD.integer:  # edition numbers are strings on Wikidata (P393)
        return Literal(str(term))
    return term


@dataclass(frozen=True)
class Quantity:
    """A Wikibase quantity: an amount, optional bounds, unitless.

    Bounds are only ever given where a source states an uncertainty; none of the ontology's
    qualifiers does, so the view writes none (see :func:`_quantity`)."""

    amount: Decimal
    lower: Decimal | None = None
    upper: Decimal | None = None


def _quantity(value: Literal, qualifier=None) -> Quantity:
    """The amount exactly as the source gives it, and no bounds.

    "More than 160", "at least 80" and "approximately 25,000" state no interval: any bound would
    be a figure no source gives (Wikibase has no one-sided bounds, and an uncertainty read off
    the last significant digit is a guess). How the figure relates to the true one is the
    statement's P1480 qualifier instead (see :func:`_statements`).

    >>> _quantity(Literal(25000), RATS.approximately)
    Quantity(amount=Decimal('25000'), lower=None, upper=None)
    """
    return Quantity(Decimal(str(value)))


def _quotes(graph: Graph) -> dict:
    quotes = defaultdict(set)
    for ev in graph.subjects(RDF.type, RATS.Evidence):
        triple = (graph.value(ev, RDF.subject), graph.value(ev, RDF.predicate), graph.value(ev, RDF.object))
        for target in graph.objects(ev, OA.hasTarget):
            for selector in graph.objects(target, OA.hasSelector):
                exact = graph.value(selector, OA.exact)
                if exact is not None:
                    quotes[triple].add(str(exact))
    return quotes


def _items(out: Graph, reference: Graph, ontology: Graph, items: set) -> None:
    """Labels, aliases, descriptions and sameAs links of the local items."""
    by_item = {}
    for entity in set(reference.subjects()) | set(ontology.subjects(RDF.type, None)):
        if isinstance(entity, URIRef) and (str(entity).startswith(BASE)):
            by_item[item(entity)] = entity
    for local in items:
        entity = by_item.get(local)
        if entity is None or not str(local).startswith(str(KGWD)):
            continue
        out.add((local, RDF.type, WIKIBASE.Item))
        for label in list(reference.objects(entity, SKOS.prefLabel)) + list(ontology.objects(entity, RDFS.label)):
            for prop in (RDFS.label, SKOS.prefLabel, SCHEMA.name):
                out.add((local, prop, label))
        for alias in reference.objects(entity, SKOS.altLabel):
            out.add((local, SKOS.altLabel, alias))
        for comment in list(reference.objects(entity, RDFS.comment)) + list(ontology.objects(entity, RDFS.comment)):
            out.add((local, SCHEMA.description, comment))
        for same in reference.objects(entity, OWL.sameAs):
            out.add((local, OWL.sameAs, same))


def _lexical(value) -> str:
    """The value as the view writes it, for matching a curator's preference."""
    if isinstance(value, Quantity):
        return str(value.amount)
    if isinstance(value, Literal) and value.datatype in PRECISION:
        return _time_text(value)
    return str(value)


def _time_text(value: Literal) -> str:
    text = str(value)
    if value.datatype == XSD.gYear:
        text += "-01-01"
    elif value.datatype == XSD.gYearMonth:
        text += "-01"
    return text[:10] + "T00:00:00Z"


def _write(out: Graph, statement: _Statement, metadata: Graph, rank=(WIKIBASE.NormalRank, True, None)) -> None:
    """Write one statement; ``rank`` is (rank, whether it is best rank, reason for preferring it)."""
    rank_iri, best, reason = rank
    key = f"{statement.subject}|{statement.prop}|{statement.value!r}|{statement.qualifiers!r}"
    node = KGWDS[hashlib.sha1(key.encode()).hexdigest()[:20]]
    prop = statement.prop
    out.add((statement.subject, P[prop], node))
    out.add((node, RDF.type, WIKIBASE.Statement))
    out.add((node, WIKIBASE.rank, rank_iri))
    if reason:
        out.add((node, RDFS.comment, Literal(f"Preferred by a curator: {reason}", lang="en")))
    simple = _simple(out, node, prop, statement.value, statement=True)
    if best:  # Wikidata's truthy rule: only best-rank statements give wdt: triples
        out.add((node, RDF.type, WIKIBASE.BestRank))
        out.add((statement.subject, WDT[prop], simple))
    for qualifier, value in statement.qualifiers:
        out.add((node, PQ[qualifier], _simple(out, node, qualifier, value, statement=False)))
    for source, quotes in sorted(statement.references.items()):
        ref = KGWDREF[hashlib.sha1(f"{source}|{sorted(quotes)}".encode()).hexdigest()[:20]]
        out.add((node, PROV.wasDerivedFrom, ref))
        out.add((ref, RDF.type, WIKIBASE.Reference))
        out.add((ref, PR.P248, item(source)))
        published = metadata.value(source, RATS.publicationDate)
        if published is not None:
            out.add((ref, PR.P577, _time_literal(published)))
        url = metadata.value(source, RATS.url)
        if url is not None:
            out.add((ref, PR.P854, URIRef(str(url))))
        for quote in sorted(quotes):
            out.add((ref, PR.P1683, Literal(quote, lang="en")))


def _simple(out: Graph, node, prop: str, value, *, statement: bool):
    """Write the value (with a full value node for times and quantities); return its simple form."""
    if isinstance(value, Quantity):
        value_node = KGWDV[hashlib.sha1(repr(value).encode()).hexdigest()[:20]]
        out.add((value_node, RDF.type, WIKIBASE.QuantityValue))
        out.add((value_node, WIKIBASE.quantityAmount, Literal(value.amount, datatype=XSD.decimal)))
        if value.lower is not None:
            out.add((value_node, WIKIBASE.quantityLowerBound, Literal(value.lower, datatype=XSD.decimal)))
            out.add((value_node, WIKIBASE.quantityUpperBound, Literal(value.upper, datatype=XSD.decimal)))
        out.add((value_node, WIKIBASE.quantityUnit, UNITLESS))
        if statement:
            out.add((node, PS[prop], Literal(value.amount, datatype=XSD.decimal)))
            out.add((node, PSV[prop], value_node))
        return Literal(value.amount, datatype=XSD.decimal)
    if isinstance(value, Literal) and value.datatype in PRECISION:
        simple = _time_literal(value)
        value_node = KGWDV[hashlib.sha1(f"{value}|{value.datatype}".encode()).hexdigest()[:20]]
        out.add((value_node, RDF.type, WIKIBASE.TimeValue))
        out.add((value_node, WIKIBASE.timeValue, simple))
        out.add((value_node, WIKIBASE.timePrecision, Literal(PRECISION[value.datatype], datatype=XSD.integer)))
        out.add((value_node, WIKIBASE.timeTimezone, Literal(0, datatype=XSD.integer)))
        out.add((value_node, WIKIBASE.timeCalendarModel, GREGORIAN))
        if statement:
            out.add((node, PS[prop], simple))
            out.add((node, PSV[prop], value_node))
        return simple
    if statement:
        out.add((node, PS[prop], value))
    return value


def _time_literal(value: Literal) -> Literal:
    """A Wikibase time: an xsd:dateTime with the unknown parts as 01 (the precision says which)."""
    return Literal(_time_text(value), datatype=XSD.dateTime)
