"""The graph says what the seeds say, and nothing they do not: checked by SPARQL on the store.

Each test names a fact a careful reader takes from a text, or a trap the design lists.
"""

from __future__ import annotations

import pytest

from kg.web.named_queries import execute

BASE = "https://w3id.org/sco-rats/"
PREFIXES = """PREFIX rats: <https://w3id.org/sco-rats/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""


def rows(store, query):
    result = execute(store, PREFIXES + query)
    return [{v.value: (s[v].value if s[v] is not None else None) for v in result.variables} for s in result]


def ask(store, query) -> bool:
    return bool(execute(store, PREFIXES + query))


def in_source(source_id: str) -> str:
    return f"<{BASE}graph/source/{source_id}>"


S000, S001, S002, S003, S004 = (
    "000_1db01a3067431b98", "001_21bf85f2c6a780eb", "002_cdc5ba49de91e49a",
    "003_447af5d37e1149f2", "004_19d1a5506ceb2ba2",
)


@pytest.mark.parametrize(
    "meeting, source, start, end, city",
    [
        ("meeting/rats-conference/5", S003, "2017-11-01", "2017-11-02", "city/tashkent"),
        ("meeting/rats-conference/7", S001, "--11-06", "--11-07", "city/tashkent"),
        ("meeting/rats-conference/8", S002, "2022-11-08", "2022-11-09", "city/tashkent"),
        ("meeting/rats-conference/9", S000, "--11-07", "--11-08", "city/tashkent"),
    ],
)
def test_conference_dates_and_place_are_exactly_as_stated(store, meeting, source, start, end, city):
    found = rows(store, f"""SELECT ?start ?end ?city ?edition WHERE {{ GRAPH {in_source(source)} {{
        <{BASE}{meeting}> rats:startDate ?start ; rats:endDate ?end ; rats:location ?city ;
                         rats:editionNumber ?edition }} }}""")
    assert found == [{"start": start, "end": end, "city": BASE + city, "edition": meeting.rsplit("/", 1)[1]}]


def test_a_date_without_a_year_stays_a_month_and_day(store):
    assert rows(store, f"""SELECT DISTINCT ?dt WHERE {{ <{BASE}meeting/rats-conference/9> rats:startDate ?d
        BIND(DATATYPE(?d) AS ?dt) }}""") == [{"dt": "http://www.w3.org/2001/XMLSchema#gMonthDay"}]


def test_no_year_is_asserted_for_the_7th_and_9th_conferences(store):
    assert not ask(store, f"""ASK {{ GRAPH ?g {{ ?m ?p ?d }}
        VALUES ?m {{ <{BASE}meeting/rats-conference/7> <{BASE}meeting/rats-conference/9> }}
        FILTER(DATATYPE(?d) IN (xsd:date, xsd:gYear, xsd:dateTime)) }}""")


def test_dateline_city_is_not_the_venue(store):
    assert ask(store, f"ASK {{ GRAPH {in_source(S000)} {{ ?s rats:datelineCity <{BASE}city/astana> }} }}")
    assert not ask(store, f"ASK {{ <{BASE}meeting/rats-conference/9> rats:location <{BASE}city/astana> }}")


def test_the_council_meeting_has_no_date_and_the_page_date_is_the_publication_date(store):
    assert not ask(store, f"""ASK {{ <{BASE}meeting/rats-council/40>
        rats:startDate|rats:endDate|rats:date ?d }}""")
    assert rows(store, f"""SELECT ?d WHERE {{ GRAPH {in_source(S004)} {{ ?s rats:publicationDate ?d }} }}""") == [
        {"d": "2024-09-08"}
    ]


def test_page_counter_is_not_a_statistic(store):
    assert not ask(store, f"""ASK {{ GRAPH {in_source(S001)} {{ ?s a rats:Statistic }} }}""")
    assert not ask(store, """ASK { ?s rats:value ?v FILTER(?v IN (3270, 270, 3)) }""")


def test_council_meeting_participants_and_roles(store):
    found = rows(store, f"""SELECT ?state ?role WHERE {{ GRAPH {in_source(S004)} {{
        ?p rats:meeting <{BASE}meeting/rats-council/40> ; rats:participant ?state ; rats:role ?role .
        FILTER(STRSTARTS(STR(?state), "{BASE}state/")) }} }}""")
    by_role = {}
    for row in found:
        by_role.setdefault(row["role"].rsplit("#", 1)[1], set()).add(row["state"].rsplit("/", 1)[1])
    assert by_role == {
        "chair": {"kazakhstan"},
        "delegation": {"russia", "china", "india", "iran", "kyrgyzstan", "pakistan", "tajikistan", "uzbekistan"},
        "observer": {"belarus", "mongolia"},
    }


def test_stated_count_of_countries_is_kept_beside_the_enumeration(store):
    assert rows(store, f"""SELECT ?v WHERE {{ ?s rats:measure <{BASE}measure/participating-countries> ;
        rats:about <{BASE}meeting/rats-council/40> ; rats:value ?v }}""") == [{"v": "10"}]


def test_memberships_of_the_8th_conference(store):
    found = rows(store, f"""SELECT ?state ?role WHERE {{ GRAPH {in_source(S002)} {{
        ?m a rats:Membership ; rats:memberState ?state ; rats:role ?role ; rats:asOf "2022-11-08"^^xsd:date }} }}""")
    roles = {}
    for row in found:
        roles.setdefault(row["role"].rsplit("#", 1)[1], set()).add(row["state"].rsplit("/", 1)[1])
    assert roles == {
        "member": {"india", "kazakhstan", "china", "kyrgyzstan", "pakistan", "russia", "tajikistan", "uzbekistan"},
        "observer": {"belarus", "mongolia"},
        "dialoguePartner": {"azerbaijan", "armenia", "egypt", "cambodia", "saudi-arabia", "turkey"},
    }


@pytest.mark.parametrize(
    "statistic, value, qualifier",
    [
        ("rats-conference-9/participants", "160", "moreThan"),
        ("rats-conference-9/participating-countries", "17", "exactly"),
        ("rats-conference-9/terrorist-attacks-prevented", "69", "exactly"),
        ("rats-conference-9/incidents-uncovered", "1440", "exactly"),
        ("rats-conference-9/financing-channels-exposed", "13166", "exactly"),
        ("rats-conference-9/online-materials-blocked", "25000", "approximately"),
        ("rats-council-40/high-profile-terrorist-attacks", "80", "atLeast"),
        ("rats-council-40/terrorist-attacks-2022", "18", "exactly"),
        ("rats-council-40/terrorist-attacks-2023", "47", "exactly"),
        ("rats-council-40/people-injured", "940", "approximately"),
        ("rats-council-40/terrorist-attacks-prevented-kazakhstan", "2", "atLeast"),
        ("islamic-state-khorasan/members-recent", "6000", "approximately"),
        ("al-qaeda/members", "500", "exactly"),
    ],
)
def test_statistics_keep_value_and_qualifier(store, statistic, value, qualifier):
    assert rows(store, f"""SELECT ?v ?q WHERE {{ <{BASE}statistic/{statistic}> rats:value ?v ; rats:qualifier ?q }}""") == [
        {"v": value, "q": f"https://w3id.org/sco-rats/ontology#{qualifier}"}
    ]


def test_both_spellings_of_the_chairman_are_kept_as_stated_names_of_one_person(store):
    names = rows(store, f"""SELECT ?n WHERE {{ GRAPH {in_source(S004)} {{
        <{BASE}person/ermek-sagimbayev> rats:statedName ?n }} }} ORDER BY ?n""")
    assert names == [{"n": "Erlan Sagimbayev"}, {"n": "Ermek Sagimbayev"}]


def test_inferred_founding_year_is_kept_apart_and_explained(store):
    assert not ask(store, f"""ASK {{ GRAPH {in_source(S004)} {{ <{BASE}org/sco> rats:foundingDate ?d }} }}""")
    found = rows(store, f"""SELECT ?d ?why WHERE {{ GRAPH <{BASE}graph/inferred/{S004}> {{
        <{BASE}org/sco> rats:foundingDate ?d . ?f a rats:InferredFact ; rdf:subject <{BASE}org/sco> ;
        rats:derivation ?why }} }}""")
    assert len(found) == 1 and found[0]["d"] == "2001" and "2002 - 1" in found[0]["why"]


def test_planned_meetings_are_announced_not_held(store):
    found = rows(store, """SELECT ?m ?loc WHERE { ?m rats:status rats:planned ; rats:location ?loc } ORDER BY ?m""")
    assert found == [
        {"m": BASE + "meeting/rats-exercise/joint-exercise-china", "loc": BASE + "state/china"},
        {"m": BASE + "meeting/rats-workshop/internet-terrorism-india", "loc": BASE + "state/india"},
    ]


def test_signed_document_of_the_council_meeting(store):
    assert ask(store, f"""ASK {{ ?d a rats:Document ; rats:adoptedAt <{BASE}meeting/rats-council/40> ;
        rats:status rats:adopted }}""")


def test_people_with_posts(store):
    found = rows(store, """SELECT DISTINCT ?person ?post WHERE { ?h a rats:PostHolding ; rats:holder ?person ; rats:post ?post }""")
    pairs = {(r["person"].rsplit("/", 1)[1], r["post"].rsplit("/", 1)[1]) for r in found}
    assert {
        ("ruslan-mirzayev", "sco-rats-executive-committee-director"),
        ("nurlan-yermekbayev", "sco-deputy-secretary-general"),
        ("rashid-alimov", "sco-secretary-general"),
        ("sabyr-imandosov", "sco-deputy-secretary-general"),
        ("ermek-sagimbayev", "kazakhstan-national-security-committee-chairman"),
        ("ruslan-seisembayev", "kazakhstan-national-security-committee-deputy-chairman"),
        ("alexey-maslov", "institute-of-asian-and-african-countries-director"),
        ("sergei-markov", "institute-of-political-studies-general-director"),
        ("andrey-vypolzov", "russian-kazakh-press-center-expert"),
        ("puck-henry", "eprimefeed-editor"),
    } == pairs
