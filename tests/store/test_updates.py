"""The log of acknowledged updates (kg/store/updates.py): each one a numbered file written in one
rename, replayed in order by ``kg build``; one that no longer applies is named."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.errors import BadRequest
from kg.namespaces import BASE
from kg.store import updates


def test_updates_are_recorded_in_numbered_files_in_order(tmp_path):
    folder = tmp_path / "updates"
    first = updates.record(folder, "INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> 1 } }")
    second = updates.record(folder, "DELETE DATA { GRAPH <urn:g> { <urn:a> <urn:b> 1 } }")
    assert [first.name, second.name] == ["000001.rq", "000002.rq"]
    assert updates.recorded(folder) == [first, second]
    text = first.read_text(encoding="utf-8")
    assert text.startswith("# applied through /update at ") and text.endswith("<urn:b> 1 } }\n")
    assert sorted(p.name for p in folder.iterdir()) == ["000001.rq", "000002.rq"]  # no temporary file left


def test_recorded_reads_only_the_logs_files(tmp_path):
    assert updates.recorded(tmp_path / "none") == []
    (tmp_path / "000010.rq").write_text("x")
    (tmp_path / "000002.rq").write_text("x")
    (tmp_path / "notes.rq").write_text("x")
    (tmp_path / "000003.txt").write_text("x")
    assert [p.name for p in updates.recorded(tmp_path)] == ["000002.rq", "000010.rq"]
    assert updates.record(tmp_path, "CLEAR SILENT GRAPH <urn:g>").name == "000011.rq"  # after the last


def test_replay_applies_every_update_in_order_against_the_base_iri(tmp_path):
    updates.record(tmp_path, "INSERT DATA { GRAPH <graph/test> { <s> <p> 1, 2 } }")
    updates.record(tmp_path, "DELETE DATA { GRAPH <graph/test> { <s> <p> 1 } }")
    store = ox.Store()
    assert updates.replay(store, tmp_path) == 2
    assert [q.object.value for q in store] == ["2"]
    assert next(iter(store)).graph_name == ox.NamedNode(BASE + "graph/test")
    assert updates.replay(ox.Store(), tmp_path / "none") == 0


def test_an_update_that_no_longer_applies_is_named(tmp_path):
    updates.record(tmp_path, "INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> 1 } }")
    broken = updates.record(tmp_path, "INSERT DATUM {}")
    with pytest.raises(BadRequest, match=f"{broken}: this recorded update no longer applies .* fix or remove the file"):
        updates.replay(ox.Store(), tmp_path)


def test_leftovers_of_a_crash_are_removed(tmp_path):
    (tmp_path / ".update.abc").write_text("half")
    kept = updates.record(tmp_path, "CLEAR SILENT GRAPH <urn:g>")
    assert [p.name for p in updates.remove_leftovers(tmp_path)] == [".update.abc"]
    assert list(tmp_path.iterdir()) == [kept]
    assert updates.remove_leftovers(tmp_path / "none") == []
