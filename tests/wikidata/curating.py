"""A curation folder written for a test, and the Wikibase view it gives: shared by the curation
and QuickStatements tests."""

from __future__ import annotations

from rdflib import Graph

from kg.namespaces import AUTHORITY_GRAPH, ONTOLOGY_GRAPH
from kg.wikidata.curation import Curation


def curation_folder(path, new_items=(), qids=None):
    """``path`` as a curation folder: the items marked new and the QIDs recorded."""
    (path / "new-items.yaml").write_text("".join(f"- entity: {e}\n  note: no match in a test reconciliation\n"
                                                 for e in new_items))
    (path / "qids.yaml").write_text("".join(f"- entity: {e}\n  qid: {q}\n  note: test batch\n"
                                            for e, q in (qids or {}).items()))
    return path


def curated_view(built, folder) -> Graph:
    """The Wikibase view of the seed build with the curation of ``folder``."""
    return Curation.from_folder(folder).view([m.stated for m in built.sources], built.dataset.graph(AUTHORITY_GRAPH),
                                             built.dataset.graph(ONTOLOGY_GRAPH))
