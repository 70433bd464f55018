"""Every Turtle and SPARQL file of the project parses."""

from pathlib import Path

import pytest
from pyoxigraph import Store
from rdflib import Graph

from kg.namespaces import PREFIXES
from kg.wikidata.wdqs import rewrite_label_service

ROOT = Path(__file__).resolve().parent.parent
TURTLE = sorted(p for folder in ("ontology", "authority", "shapes") for p in (ROOT / folder).rglob("*.ttl"))
SPARQL = sorted((ROOT / "queries").rglob("*.rq"))


@pytest.mark.parametrize("path", TURTLE, ids=lambda p: str(p.relative_to(ROOT)))
def test_turtle_parses(path):
    assert len(Graph().parse(path, format="turtle")) > 0


@pytest.mark.parametrize("path", SPARQL, ids=lambda p: str(p.relative_to(ROOT)))
def test_sparql_parses(path):
    # An empty store still parses (and so checks) the whole query, with the prefixes the
    # endpoint predefines and the label service rewritten as the endpoint does.
    Store().query(rewrite_label_service(path.read_text(encoding="utf-8")), prefixes=PREFIXES)


def test_seeds_are_the_shared_texts_byte_for_byte():
    shared = ROOT.parent / "shared" / "seeds"
    if not shared.exists():
        pytest.skip("shared/ is not beside this checkout")
    names = sorted(p.name for p in shared.glob("*.txt"))
    assert names, f"no seed texts in {shared.name}/"
    for name in names:
        assert (ROOT / "seeds" / name).read_bytes() == (shared / name).read_bytes(), name


def test_corpus_texts_are_the_shared_texts_byte_for_byte():
    # The corpus texts are the pages' openings as received: no final newline added, blank
    # lines and trailing spaces kept, Cyrillic and Chinese bytes untouched.
    corpus = ROOT.parent / "shared" / "corpus"
    if not corpus.exists():
        pytest.skip("shared/corpus is not beside this checkout")
    names = sorted(p.name for p in corpus.glob("*.txt"))
    assert len(names) == 20
    for name in names:
        assert (ROOT / "seeds" / name).read_bytes() == (corpus / name).read_bytes(), name


def test_seeds_are_exactly_the_shared_seeds_and_corpus():
    shared = ROOT.parent / "shared"
    if not (shared / "seeds").exists() or not (shared / "corpus").exists():
        pytest.skip("shared/seeds or shared/corpus is not beside this checkout")
    expected = sorted(p.name for folder in ("seeds", "corpus") for p in (shared / folder).glob("*.txt"))
    assert sorted(p.name for p in (ROOT / "seeds").glob("*.txt")) == expected


def test_every_seed_has_a_mapping_and_every_mapping_a_seed():
    seeds = {p.stem for p in (ROOT / "seeds").glob("*.txt")}
    mappings = {p.stem for p in (ROOT / "mappings").glob("*.yaml")}
    assert len(seeds) == 25
    assert seeds == mappings
