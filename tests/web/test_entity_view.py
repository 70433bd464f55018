"""Entity pages that read like Wikidata's (kg/web/entity_view.py): statements by property, references
with quotes, tables of relations."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kg.namespaces import AUTHORITY_GRAPH
from kg.store.embedded import load_graphs, refresh_default_graph
from kg.validation.intake import from_mapping

HTML = {"Accept": "text/html"}
CASES = Path(__file__).resolve().parents[1] / "cases" / "sources"
OPENING = "took place on November 8-9, 2022, in the city of Tashkent"


def html(client, path):
    response = client.get(path, headers=HTML)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_data(as_text=True)


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page))


def test_statements_are_grouped_by_property_with_references(client):
    page = html(client, "/meeting/rats-conference/8")
    groups = re.findall(r'<div class="statement-group" id="p-([\w-]+)">', page)
    assert {"editionNumber", "startDate", "endDate", "location", "topic"} <= set(groups)
    assert len(groups) == len(set(groups)), "one group per property"
    topic = page.split('id="p-topic"')[1].split('<div class="statement-group"')[0]
    assert topic.count('class="statement"') == 5
    assert "Executive Committee of the SCO RATS" in page  # the source's publisher


def test_a_quote_supporting_several_statements_is_shown_once(client):
    page = html(client, "/meeting/rats-conference/8")
    assert text_of(page).count(OPENING[:30]) == 1
    assert 'href="#quote-1"' in page and 'id="quote-1"' in page
    shared = page.split('id="quote-1"')[1].split("</div>")[0]
    assert "<mark>Tashkent</mark>" in shared and "<mark>2022</mark>" in shared  # the values' words
    assert "edition number" in shared and "start date" in shared  # what it supports


def test_a_quote_of_one_statement_is_shown_with_it_and_highlighted(client):
    page = html(client, "/meeting/rats-conference/8")
    topic = page.split('id="p-topic"')[1]
    assert "<mark>improvement of the international legal framework for anti-terrorist cooperation</mark>" in topic


def test_a_meetings_participants_with_their_roles(client):
    page = html(client, "/meeting/rats-council/40")
    section = page.split("<h2>Participants</h2>")[1].split("</table>")[0]
    rows = re.findall(r"<tr><td>(.*?)</tr>", section, re.DOTALL)
    chair = [r for r in rows if ">chair<" in r]
    assert chair and 'href="/state/kazakhstan"' in chair[0]
    assert any(">observer<" in r and "/state/belarus" in r for r in rows)
    assert "Referred to by" not in page or "participation/" not in page.split("Referred to by")[1]


def test_a_persons_posts_and_figures(client):
    page = html(client, "/person/ruslan-mirzayev")
    posts = page.split("<h2>Posts</h2>")[1].split("</table>")[0]
    assert "Director of the SCO RATS Executive Committee" in posts and "Executive Committee of the SCO RATS" in posts
    figures = page.split("<h2>Figures reported</h2>")[1].split("</table>")[0]
    assert ">507<" in figures and "approximately" in figures


def test_a_statistic_reads_as_one_line(client):
    page = html(client, "/statistic/rats-conference-9/participants")
    assert re.search(r'<p class="card" id="summary"[^>]*>more than 160 participants of 9th scientific-practical', page)
    assert "<h1>more than 160" in page


def test_labels_in_every_language(client):
    page = html(client, "/person/ruslan-mirzayev")
    labels = page.split('id="labels"')[1].split("</table>")[0]
    assert "Ruslan Mirzaev" in labels and "also known as" in labels


def test_wikidata_link_where_verified(client):
    assert 'href="http://www.wikidata.org/entity/Q668"' in html(client, "/state/india")


@pytest.fixture
def disagreeing(writable_store, built, vocabulary, tmp_path):
    """The seeds plus a source that dates the 8th conference in 2023."""
    from server import create_app

    case = CASES / "conference-8-in-2023"
    known = set(built.dataset.graph(AUTHORITY_GRAPH).subjects())
    extra = from_mapping((case / "mapping.yaml").read_text(), (case / "text.txt").read_text(),
                         source_id="conference-8-in-2023", vocabulary=vocabulary, known=known)
    load_graphs(writable_store, [extra.stated])
    refresh_default_graph(writable_store)
    return create_app(writable_store, {"TESTING": True, "ACCEPTED_DIR": str(tmp_path)}).test_client()


def test_disagreeing_values_side_by_side(disagreeing):
    page = html(disagreeing, "/meeting/rats-conference/8")
    start = page.split('id="p-startDate"')[1].split('<div class="statement-group"')[0]
    assert "sources disagree" in start
    assert "2022-11-08" in start and "2023-" in start
    assert start.count('class="statement"') == 2 and start.count("disputed") + start.count("rank") >= 2


def test_a_source_page_links_its_graph_not_its_evidence_targets(client):
    page = html(client, "/source/002_cdc5ba49de91e49a")
    assert re.search(r'id="summary"[^>]*>\d+ statements of this source', page)
    assert 'href="/rdf-graphs?graph=https://w3id.org/sco-rats/graph/source/002_cdc5ba49de91e49a&amp;format=turtle"' in page
    assert "#target-" not in page


def test_entity_page_for_people(client):
    response = client.get("/meeting/rats-conference/8", headers={"Accept": "text/html"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "8th scientific-practical conference" in page
    words = __import__("re").sub(r"<[^>]+>", "", page)  # the quote's words are highlighted with <mark>
    assert "2022-11-08" in page and "took place on November 8-9, 2022" in words
    assert 'href="/city/tashkent"' in page


def test_entity_page_links_wikidata(client):
    page = client.get("/state/india", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "http://www.wikidata.org/entity/Q668" in page
