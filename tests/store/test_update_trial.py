"""An update tried first on a checkpoint, in a process a time limit can stop (kg/store/update_trial.py):
the store is never changed by the trial, a runaway update is stopped and refused, and Oxigraph's
own errors come back as it raises them."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.namespaces import PREFIXES
from kg.store.update_trial import UpdateTimeout, try_update

G = ox.NamedNode("urn:g")


@pytest.fixture
def on_disk(tmp_path):
    store = ox.Store(str(tmp_path / "store"))
    store.extend(ox.Quad(ox.NamedNode(f"urn:s{i}"), ox.NamedNode("urn:p"), ox.Literal(str(i)), G) for i in range(60))
    store.flush()
    return store


def test_an_in_memory_or_remote_store_is_not_tried():
    assert try_update(ox.Store(), "INSERT DATA { <urn:a> <urn:b> <urn:c> }", prefixes=PREFIXES, timeout=5) is False
    assert try_update(object(), "INSERT DATA { <urn:a> <urn:b> <urn:c> }", prefixes=PREFIXES, timeout=5) is False


def test_a_good_update_is_tried_on_a_checkpoint_and_changes_nothing(on_disk, tmp_path):
    before = set(on_disk)
    assert try_update(on_disk, "DELETE WHERE { GRAPH <urn:g> { ?s ?p ?o } }", prefixes=PREFIXES, timeout=30,
                      folder=str(tmp_path)) is True
    assert set(on_disk) == before
    assert [p.name for p in tmp_path.iterdir()] == ["store"], "the checkpoint is removed"


def test_oxigraphs_errors_come_back_as_it_raises_them(on_disk):
    with pytest.raises(SyntaxError):
        try_update(on_disk, "INSERT DATUM {}", prefixes=PREFIXES, timeout=30)
    with pytest.raises(RuntimeError):
        try_update(on_disk, "CLEAR GRAPH <urn:not-there>", prefixes=PREFIXES, timeout=30)


def test_an_update_past_the_limit_is_stopped_and_nothing_changes(on_disk):
    before = len(on_disk)
    runaway = ("INSERT { GRAPH <urn:h> { ?a <urn:q> ?e } } WHERE { GRAPH <urn:g> { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . "
               "?j ?k ?l . ?m ?n ?o } }")
    with pytest.raises(UpdateTimeout, match="ran past this endpoint's limit of 1 s and was stopped; nothing was changed"):
        try_update(on_disk, runaway, prefixes=PREFIXES, timeout=1)
    assert len(on_disk) == before and UpdateTimeout("x").status == 503
