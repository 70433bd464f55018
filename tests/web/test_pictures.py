"""The pictures page without a browser: its queries run on the seeds, and it loads its library from here."""

from __future__ import annotations

import re

import pytest

from kg.web.examples import with_prefixes
from kg.web.pictures import PICTURES

HTML = {"Accept": "text/html"}


def test_pictures_page_loads_plot_from_this_server(client):
    page = client.get("/pictures", headers=HTML).get_data(as_text=True)
    sources = re.findall(r'src="([^"]+)"', page)
    assert "/assets/vendor/plot.umd.min.js" in sources and "/assets/vendor/d3.min.js" in sources
    assert not [s for s in sources if not s.startswith("/")]
    assert all(f'id="{name}"' in page for name in PICTURES)


@pytest.mark.parametrize("name", sorted(PICTURES))
def test_picture_queries_answer_on_the_seeds(store, name):
    rows = list(store.query(with_prefixes(PICTURES[name][1].strip())))
    if name == "disagreements":
        assert any(r["value"].value == "Erlan Sagimbayev" for r in rows)  # a misspelt name beside the right one
    else:
        assert rows


def test_roles_picture_has_the_chair_and_the_host(store):
    rows = list(store.query(with_prefixes(PICTURES["roles"][1].strip())))
    roles = {(r["stateLabel"].value, r["roleLabel"].value) for r in rows}
    assert ("Kazakhstan", "chair") in roles and ("Uzbekistan", "host") in roles


def test_pictures_page_says_how_to_vendor_its_library(client, monkeypatch, tmp_path):
    monkeypatch.setattr("kg.web.pictures.VENDOR", tmp_path)
    assert "make vendor" in client.get("/pictures", headers=HTML).get_data(as_text=True)
