"""Namespaces of the graph: our closed ontology namespace and the IRIs we mint.

``RATS`` is a closed :class:`~rdflib.namespace.DefinedNamespace`, so a misspelt term
fails at import time instead of silently minting a new IRI. It mirrors
``ontology/rats.ttl``; ``tests/test_namespaces.py`` keeps the two in step.
"""

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

BASE = "https://w3id.org/sco-rats/"
"""Root of every IRI this project mints: entities, sources and graphs."""

ONTOLOGY_IRI = URIRef(BASE + "ontology")

OA = Namespace("http://www.w3.org/ns/oa#")
ORG = Namespace("http://www.w3.org/ns/org#")
QB = Namespace("http://purl.org/linked-data/cube#")
SCHEMA = Namespace("https://schema.org/")
WD = Namespace("http://www.wikidata.org/entity/")
VANN = Namespace("http://purl.org/vocab/vann/")


class RATS(DefinedNamespace):
    """The SCO RATS ontology (``ontology/rats.ttl``)."""

    _NS = Namespace(BASE + "ontology#")
    _fail = True

    City: URIRef
    CouncilMeeting: URIRef
    Document: URIRef
    Evidence: URIRef
    Exercise: URIRef
    GovernmentAgency: URIRef
    Incident: URIRef
    InferredFact: URIRef
    InternationalOrganisation: URIRef
    Measure: URIRef
    MediaOrganisation: URIRef
    Meeting: URIRef
    MeetingSeries: URIRef
    MemberState: URIRef
    Membership: URIRef
    Organisation: URIRef
    OrganisationalUnit: URIRef
    Participation: URIRef
    Person: URIRef
    Place: URIRef
    Post: URIRef
    PostHolding: URIRef
    Project: URIRef
    Qualifier: URIRef
    Region: URIRef
    ResearchInstitution: URIRef
    Role: URIRef
    ScientificPracticalConference: URIRef
    Site: URIRef
    Source: URIRef
    State: URIRef
    Statistic: URIRef
    Status: URIRef
    Summit: URIRef
    TerroristOrganisation: URIRef
    Workshop: URIRef
    about: URIRef
    academicTitle: URIRef
    adopted: URIRef
    adoptedAt: URIRef
    adoptedBy: URIRef
    agencyOf: URIRef
    approximately: URIRef
    area: URIRef
    asOf: URIRef
    atLeast: URIRef
    atMeeting: URIRef
    author: URIRef
    bannedIn: URIRef
    basedIn: URIRef
    cameToPower: URIRef
    capitalOf: URIRef
    carriedOut: URIRef
    chair: URIRef
    country: URIRef
    date: URIRef
    datelineCity: URIRef
    decidedAt: URIRef
    delegation: URIRef
    delegationHead: URIRef
    derivation: URIRef
    derivedFrom: URIRef
    description: URIRef
    dialoguePartner: URIRef
    editionNumber: URIRef
    endDate: URIRef
    exactly: URIRef
    founder: URIRef
    foundingDate: URIRef
    foundingMember: URIRef
    frequency: URIRef
    held: URIRef
    holder: URIRef
    host: URIRef
    inPreparation: URIRef
    language: URIRef
    location: URIRef
    measure: URIRef
    meeting: URIRef
    member: URIRef
    memberState: URIRef
    messageSender: URIRef
    moreThan: URIRef
    observer: URIRef
    organisation: URIRef
    organiser: URIRef
    partOfSeries: URIRef
    participant: URIRef
    participantCategory: URIRef
    period: URIRef
    perpetrator: URIRef
    planned: URIRef
    post: URIRef
    prospectiveMember: URIRef
    publicationDate: URIRef
    publisher: URIRef
    qualifier: URIRef
    relays: URIRef
    reportedAt: URIRef
    reportedBy: URIRef
    role: URIRef
    route: URIRef
    sha256: URIRef
    since: URIRef
    singleHolder: URIRef
    speaker: URIRef
    startDate: URIRef
    statedName: URIRef
    status: URIRef
    subOrganisationOf: URIRef
    target: URIRef
    threatenedAccordingTo: URIRef
    thwarted: URIRef
    title: URIRef
    topic: URIRef
    url: URIRef
    value: URIRef
    wikidataProperty: URIRef
    # terms for what news texts say (issue 18)
    ExpertGroupMeeting: URIRef
    LegalExpertGroupMeeting: URIRef
    BorderExpertMeeting: URIRef
    WorkingVisit: URIRef
    Activity: URIRef
    BorderOperation: URIRef
    OperationStage: URIRef
    InformationCampaign: URIRef
    Chairmanship: URIRef
    UnnamedOfficeHolder: URIRef
    proposed: URIRef
    announced: URIRef
    expected: URIRef
    reported: URIRef
    nearly: URIRef
    heldJointlyWith: URIRef
    stageOf: URIRef
    stageNumber: URIRef
    chairOf: URIRef
    chairHolder: URIRef
    handedOverAt: URIRef
    handedOverTo: URIRef
    approvedAt: URIRef
    reviewedAt: URIRef
    preparedAt: URIRef
    actor: URIRef
    jointlyWith: URIRef
    countsGroup: URIRef
    countsNationality: URIRef
    placeConcerned: URIRef
    venueOrganisation: URIRef
    headquarters: URIRef
    startTime: URIRef
    endTime: URIRef
    datelineDate: URIRef
    recognisedSpelling: URIRef
    # terms for every fact the text states (issue 19)
    Statement: URIRef
    Event: URIRef
    Mechanism: URIRef
    PermanentBody: URIRef
    Conference: URIRef
    UnnamedGroup: URIRef
    statedBy: URIRef
    statedAt: URIRef
    content: URIRef
    announcedBy: URIRef
    proposedBy: URIRef
    proposedTo: URIRef
    establishedAt: URIRef
    establishedBy: URIRef
    basedOn: URIRef
    decidedBy: URIRef
    preparedFor: URIRef
    represents: URIRef
    partOfEvent: URIRef
    follows: URIRef
    periodStart: URIRef
    periodEnd: URIRef
    relayedReportDate: URIRef
    militaryRank: URIRef
    ordinal: URIRef
    duration: URIRef
    # the gaps left as MODEL comments (issue 19, point 1)
    Interval: URIRef
    TravelTime: URIRef
    forces: URIRef
    allOfCategory: URIRef
    hostCategory: URIRef
    earlier: URIRef
    later: URIRef
    fromPlace: URIRef
    toPlace: URIRef
    weekday: URIRef
    firstOfKind: URIRef
    newInPost: URIRef
    notBefore: URIRef


ENTITY = Namespace(BASE)
"""Entities: ``ENTITY["meeting/rats-conference/8"]``."""

GRAPH = Namespace(BASE + "graph/")
"""Named graphs that are not source graphs (ontology, authority, inferred)."""

ONTOLOGY_GRAPH = GRAPH["ontology"]
AUTHORITY_GRAPH = GRAPH["authority"]


def source_iri(source_id: str) -> URIRef:
    """Return the IRI of a source.

    >>> source_iri("002_cdc5ba49de91e49a")
    rdflib.term.URIRef('https://w3id.org/sco-rats/source/002_cdc5ba49de91e49a')
    """
    return ENTITY["source/" + source_id]


def source_graph(source_id: str) -> URIRef:
    """Return the named graph holding exactly what a source states."""
    return GRAPH["source/" + source_id]


def inferred_graph(source_id: str) -> URIRef:
    """Return the named graph holding what was derived from a source's statements."""
    return GRAPH["inferred/" + source_id]


WIKIBASE_PREFIXES = {
    "kgwd": BASE + "wikibase/entity/",
    "kgwds": BASE + "wikibase/statement/",
    "kgwdref": BASE + "wikibase/reference/",
    "kgwdv": BASE + "wikibase/value/",
    "wdt": "http://www.wikidata.org/prop/direct/",
    "p": "http://www.wikidata.org/prop/",
    "ps": "http://www.wikidata.org/prop/statement/",
    "psv": "http://www.wikidata.org/prop/statement/value/",
    "pq": "http://www.wikidata.org/prop/qualifier/",
    "pr": "http://www.wikidata.org/prop/reference/",
    "prv": "http://www.wikidata.org/prop/reference/value/",
    "wikibase": "http://wikiba.se/ontology#",
    "bd": "http://www.bigdata.com/rdf#",
}
"""The Wikibase-shaped view (``kg/wikidata/wikibase.py``): local items, statements, references and values
in namespaces of this graph, with Wikidata's own property namespaces, as WDQS users write them."""

PREFIXES = {
    "rats": str(RATS._NS),
    "kg": BASE,
    "oa": str(OA),
    "org": str(ORG),
    "qb": str(QB),
    "schema": str(SCHEMA),
    "wd": str(WD),
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dct": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    **WIKIBASE_PREFIXES,
}
"""Prefixes bound in every graph we write and offered to every query."""


def bind_prefixes(graph):
    """Bind :data:`PREFIXES` on ``graph`` and return it."""
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True)
    return graph
