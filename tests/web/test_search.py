"""Search: entities by any spelling in any script, quotes by their words, ranked and highlighted."""

from __future__ import annotations

import pytest

from kg.web.search import fts_query, transliterations

HTML = {"Accept": "text/html"}


def search(client, q, **params):
    response = client.get("/search", query_string={"q": q, **params}, headers={"Accept": "application/json"})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_an_entity_by_its_name(client):
    hits = search(client, "Afghanistan")
    assert hits["entities"][0]["iri"] == "https://w3id.org/sco-rats/state/afghanistan"
    assert hits["entities"][0]["page"] == "/state/afghanistan"
    assert hits["quotes"] and all("Afghanistan" in q["matched"] for q in hits["quotes"])
    assert all(q["source"].startswith("https://w3id.org/sco-rats/source/") for q in hits["quotes"])


def test_a_person_by_a_cyrillic_spelling(client):
    hits = search(client, "Мирзаев")
    assert hits["entities"][0]["iri"] == "https://w3id.org/sco-rats/person/ruslan-mirzayev"
    assert {m["text"] for m in hits["entities"][0]["matches"]} >= {"Ruslan Mirzaev"}


def test_quotes_by_their_words_with_the_words_highlighted(client):
    hits = search(client, "cells")
    quote = hits["quotes"][0]
    assert "<mark>cells</mark>" in quote["highlighted"] and quote["matched"] == ["cells"]
    assert quote["about"] and quote["source_title"]


def test_a_misspelling_stated_by_a_source_finds_the_person_with_its_source(client):
    hits = search(client, "Erlan Sagimbayev")
    person = hits["entities"][0]
    assert person["iri"] == "https://w3id.org/sco-rats/person/ermek-sagimbayev"
    stated = [m for m in person["matches"] if m["kind"] == "as stated" and "Erlan" in m["text"]]
    assert stated and stated[0]["source"].startswith("https://w3id.org/sco-rats/graph/source/")


def test_words_match_as_prefixes_and_all_must_match(client):
    assert search(client, "Afghan")["entities"]
    assert not search(client, "Afghanistan zzzzqq")["entities"]


@pytest.mark.parametrize(("params", "message"), [({"q": ""}, "give some words"), ({"q": "!!!"}, "give some words"),
                                                 ({"q": "x", "limit": "lots"}, "limit must be")])
def test_bad_searches_say_what_is_wrong(client, params, message):
    response = client.get("/search", query_string=params, headers={"Accept": "application/json"})
    assert response.status_code == 400 and message in response.get_json()["error"]


def test_search_page_in_a_browser(client):
    page = client.get("/search", query_string={"q": "Mirzaev"}, headers=HTML).get_data(as_text=True)
    assert 'href="/person/ruslan-mirzayev"' in page and "<mark>Mirzaev</mark>" in page
    home = client.get("/", headers=HTML).get_data(as_text=True)
    assert 'action="/search"' in home  # the box on every page


def test_the_index_follows_a_write(writable_store, tmp_path):
    from server import create_app

    app = create_app(writable_store, {"TESTING": True, "API_TOKEN": "t", "ACCEPTED_DIR": str(tmp_path)})
    client = app.test_client()
    assert not search(client, "Zarafshan")["entities"]
    update = ('INSERT DATA { GRAPH <https://w3id.org/sco-rats/graph/authority> { '
              '<https://w3id.org/sco-rats/city/zarafshan> <http://www.w3.org/2004/02/skos/core#prefLabel> "Zarafshan"@en } }')
    assert client.post("/update", data=update, content_type="application/sparql-update",
                       headers={"Authorization": "Bearer t"}).status_code == 204
    assert search(client, "Zarafshan")["entities"][0]["iri"] == "https://w3id.org/sco-rats/city/zarafshan"


def test_fts_query_and_transliteration():
    assert fts_query("Tashkent") == '("tashkent"*)'
    assert "toshkent" in transliterations("тошкент")
