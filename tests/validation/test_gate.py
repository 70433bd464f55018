"""The integrity checks of ``queries/checks`` (kg/validation/gate.py), one gate for the build and
intake: each failure says in words what is wrong, naming the entity and the source."""

from __future__ import annotations

from pathlib import Path

from kg.cli import run_checks

ROOT = Path(__file__).resolve().parents[2]


def test_integrity_check_catches_an_unsupported_fact(writable_store):
    store = writable_store
    store.update(
        "INSERT DATA { GRAPH <https://w3id.org/sco-rats/graph/source/000_1db01a3067431b98> {"
        " <https://w3id.org/sco-rats/meeting/rats-conference/9> <https://w3id.org/sco-rats/ontology#editionNumber> 10 } }"
    )
    assert run_checks(store, ROOT / "queries" / "checks") == {"unsupported-fact-violation": 1}
    from kg.validation.gate import load_checks, run_checks as failures

    [failure] = failures(store, load_checks(ROOT / "queries" / "checks"))
    assert failure.entity == "https://w3id.org/sco-rats/meeting/rats-conference/9"
    assert failure.source == "https://w3id.org/sco-rats/source/000_1db01a3067431b98"
    assert "source https://w3id.org/sco-rats/source/000_1db01a3067431b98 states" in failure.message
