"""The WDQS label service (kg/wikidata/wdqs.py) on /sparql and the named queries: it adds ?xLabel, ?xDescription and
?xAltLabel and never binds ?x (issue 22, defect 3: an unbound ?x was bound to every labelled
entity, and wdqs-statistics gave 8,849 rows for 29 statistics)."""

from __future__ import annotations

import pytest

from kg.wikidata.wdqs import rewrite_label_service

SERVICE = 'SERVICE wikibase:label { bd:serviceParam wikibase:language "en". }'


def rows(client, query: str) -> list[dict[str, str]]:
    response = client.post("/sparql", data={"query": query})
    assert response.status_code == 200, response.get_data(as_text=True)
    return [{k: v["value"] for k, v in b.items()} for b in response.get_json()["results"]["bindings"]]


def test_an_unbound_variable_stays_unbound_and_unlabelled(client):
    found = rows(client, f"""SELECT ?s ?o ?oLabel ?oDescription ?oAltLabel WHERE {{
        VALUES ?s {{ kgwd:state-kyrgyzstan }} OPTIONAL {{ ?s <urn:example:nothing> ?o }} {SERVICE} }}""")
    assert found == [{"s": "https://w3id.org/sco-rats/wikibase/entity/state-kyrgyzstan"}]


def test_bound_iris_get_label_description_and_aliases_or_their_local_name(client):
    found = rows(client, f"""SELECT ?s ?sLabel ?sAltLabel WHERE {{
        VALUES ?s {{ kgwd:state-kyrgyzstan kgwd:nothing-here }} {SERVICE} }} ORDER BY ?sLabel""")
    assert found[0]["sLabel"] == "Kyrgyzstan" and found[0]["sAltLabel"] == "Kyrgyz Republic"
    assert found[1] == {"s": "https://w3id.org/sco-rats/wikibase/entity/nothing-here", "sLabel": "nothing-here"}


def test_a_literal_is_its_own_label(client):
    found = rows(client, f'SELECT ?v ?vLabel WHERE {{ VALUES ?v {{ "plain" 42 }} {SERVICE} }} ORDER BY ?vLabel')
    assert [r["vLabel"] for r in found] == ["42", "plain"]


def test_some_rows_bound_and_some_not(client):
    found = rows(client, f"""SELECT ?s ?o ?oLabel WHERE {{
        VALUES (?s ?o) {{ (<urn:example:a> kgwd:state-kyrgyzstan) (<urn:example:b> UNDEF) }} {SERVICE} }} ORDER BY ?s""")
    assert found == [{"s": "urn:example:a", "o": "https://w3id.org/sco-rats/wikibase/entity/state-kyrgyzstan",
                      "oLabel": "Kyrgyzstan"}, {"s": "urn:example:b"}]


def test_the_service_written_first_still_sees_the_whole_group(client):
    found = rows(client, f"SELECT ?s ?sLabel WHERE {{ {SERVICE} VALUES ?s {{ kgwd:state-kyrgyzstan }} }}")
    assert found == [{"s": "https://w3id.org/sco-rats/wikibase/entity/state-kyrgyzstan", "sLabel": "Kyrgyzstan"}]


def test_the_manual_form_binds_only_the_variables_it_names(client):
    found = rows(client, """SELECT ?s ?name ?aliases ?sLabel WHERE {
        VALUES ?s { kgwd:state-kyrgyzstan }
        OPTIONAL { ?s <urn:example:nothing> ?o }
        SERVICE wikibase:label { bd:serviceParam wikibase:language "en". ?s rdfs:label ?name . ?s skos:altLabel ?aliases .
                                 ?o rdfs:label ?oName } }""")
    assert found == [{"s": "https://w3id.org/sco-rats/wikibase/entity/state-kyrgyzstan", "name": "Kyrgyzstan",
                      "aliases": "Kyrgyz Republic"}]


def test_wdqs_statistics_gives_one_row_per_statistic(client):
    found = client.get("/queries/wdqs-statistics").get_json()["results"]["bindings"]
    # One row per statistic and reference (a figure two sources agree on has two references),
    # never one per labelled entity, as when the label service bound the unbound ?about.
    references = {(r["statistic"]["value"], r["source"]["value"], r["quote"]["value"]) for r in found}
    assert len(found) == len(references)
    statistics = {r["statistic"]["value"] for r in found}
    expected = client.get("/sparql", query_string={"query": "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s p:P1114 ?st }"},
                          headers={"Accept": "application/sparql-results+json"}).get_json()
    assert len(statistics) == int(expected["results"]["bindings"][0]["n"]["value"]) > 40
    assert all(("about" in r) == ("aboutLabel" in r) for r in found)


@pytest.mark.parametrize("edition", ["7", "9"])
def test_a_conference_without_a_start_has_no_start(client, edition):
    # The 7th conference got "start = Institute of Political Studies": ?start was bound to every labelled entity.
    found = rows(client, f"""SELECT ?conference ?edition ?start ?startLabel WHERE {{
        ?conference wdt:P31 kgwd:class-ScientificPracticalConference ; wdt:P393 ?edition .
        OPTIONAL {{ ?conference wdt:P580 ?start }} {SERVICE} }}""")
    assert len(found) == len({r["conference"] for r in found}) == 4
    mine = [r for r in found if r["edition"] == edition]
    assert len(mine) == 1 and "start" not in mine[0] and "startLabel" not in mine[0]


def test_label_service_binds_labels_descriptions_and_aliases(store):
    from kg.web.named_queries import execute

    query = rewrite_label_service("""SELECT ?s ?sLabel ?sAltLabel ?xLabel WHERE {
        VALUES (?s ?x) { (kgwd:state-kyrgyzstan "plain") (kgwd:person-ruslan-mirzayev kgwd:nothing-here) }
        SERVICE wikibase:label { bd:serviceParam wikibase:language "fr,en". } } ORDER BY ?sLabel""")
    rows = [{v.value: (s[v].value if s[v] else None) for v in r.variables} for r in [execute(store, query)]
            for s in r]
    assert rows[0]["sLabel"] == "Kyrgyzstan" and rows[0]["sAltLabel"] == "Kyrgyz Republic"
    assert rows[1]["sLabel"] == "Ruslan Mirzayev" and rows[1]["xLabel"] == "nothing-here"


def test_other_services_stay_refused(client):
    response = client.get("/sparql", query_string={"query": "SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"})
    assert response.status_code == 403


# ---------------------------------------------------------------- the rewrite itself


def test_a_query_without_the_service_is_left_as_it_is():
    query = "SELECT ?s WHERE { ?s ?p ?o } # SERVICE wikibase:label"
    assert rewrite_label_service(query) == query


def test_the_block_becomes_plain_sparql_for_each_selected_variable():
    rewritten = rewrite_label_service(f"SELECT ?x ?xLabel ?xDescription WHERE {{ ?x a ?t . {SERVICE} }}")
    assert "SERVICE" not in rewritten and "wikibase:label" not in rewritten
    assert "?xLabel" in rewritten and "?xDescription" in rewritten and "?tLabel" not in rewritten
