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
    ours = sorted(p.name for p in (ROOT / "seeds").glob("*.txt"))
    assert ours == sorted(p.name for p in shared.glob("*.txt"))
    for name in ours:
        assert (ROOT / "seeds" / name).read_bytes() == (shared / name).read_bytes()
