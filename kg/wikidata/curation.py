"""Curators' decisions for the Wikibase view, read from ``curation/``.

``preferred.yaml`` prefers one of several disagreeing values (it gets preferred rank, with the
reason, and alone gives the truthy ``wdt:`` triple); ``qids.yaml`` records the QIDs that a
QuickStatements batch created or that reconciliation found, so the next export links them;
``new-items.yaml`` lists the entities a curator has checked are not on Wikidata yet: only
those are created by a QuickStatements export (any other item would risk a duplicate).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef

from kg.errors import BadRequest
from kg.namespaces import BASE, GRAPH, WIKIBASE_PREFIXES
from kg.sources.yamlfile import load_yaml
from kg.wikidata.wikibase import KGWD, item, wikibase_graph


@dataclass(frozen=True)
class Preference:
    """A curator's choice of the preferred value of a property of an item, with the reason."""

    item: URIRef
    property: str
    value: str
    reason: str


def load_preferences(path) -> list[Preference]:
    """Read ``curation/preferred.yaml``: a list of ``{item, property, value, reason}``."""
    preferences = []
    for _, entry in _curation_entries(path, ("item", "property", "value", "reason")):
        target = entry["item"]
        preferences.append(Preference(item(URIRef(target)) if target.startswith(BASE) and not target.startswith(str(KGWD))
                                      else URIRef(target), entry["property"], entry["value"], entry["reason"]))
    return preferences


def _curation_entries(path, keys: tuple[str, ...]):
    """Yield the entries of a curation file, each a mapping with every one of ``keys``.

    :raises BadRequest: naming the file and the entry's number, for anything else.
    """


    path = Path(path)
    if not path.exists():
        return
    entries = load_yaml(path.read_text(encoding="utf-8"), name=str(path)) or []
    if not isinstance(entries, list):
        raise BadRequest(f"{path}: expected a list of {{{', '.join(keys)}}} entries")
    for number, entry in enumerate(entries, start=1):
        missing = [k for k in keys if not (isinstance(entry, dict) and entry.get(k))]
        if missing:
            raise BadRequest(f"{path}, entry {number}: missing {', '.join(missing)}")
        yield number, entry


QID = re.compile(r"Q[1-9][0-9]*")


@dataclass(frozen=True)
class Curation:
    """What curators decided for the Wikibase view: preferred values and recorded QIDs."""

    preferences: tuple[Preference, ...] = ()
    qids: dict = field(default_factory=dict)
    new_items: dict = field(default_factory=dict)

    @classmethod
    def from_folder(cls, folder) -> "Curation":
        """Read ``preferred.yaml``, ``qids.yaml`` and ``new-items.yaml`` from the curation folder
        (any may be absent).

        :raises BadRequest: for an entity both marked new and given a QID.
        """

        folder = Path(folder)
        qids = load_qids(folder / "qids.yaml")
        new_items = load_new_items(folder / "new-items.yaml")
        both = sorted(str(e) for e in set(qids) & set(new_items))
        if both:
            raise BadRequest(f"{folder / 'new-items.yaml'}: {', '.join(both)} already has a QID in qids.yaml; "
                             "an item on Wikidata is not new")
        return cls(tuple(load_preferences(folder / "preferred.yaml")), qids, new_items)

    def view(self, sources: list[Graph], reference: Graph, ontology: Graph) -> Graph:
        """The Wikibase view of ``sources`` with these decisions applied."""
        return wikibase_graph(sources, reference, ontology, self.preferences, self.qids, self.new_items)

    @property
    def repair(self) -> str:
        """What intake runs after adding one source's view (:data:`BEST_RANK_REPAIR`)."""
        return BEST_RANK_REPAIR


BEST_RANK_REPAIR = f"""
PREFIX wikibase: <{WIKIBASE_PREFIXES["wikibase"]}>
DELETE {{ GRAPH <{GRAPH["wikibase"]}> {{ ?statement a wikibase:BestRank . ?item ?wdt ?value }}
         ?statement a wikibase:BestRank . ?item ?wdt ?value }}
WHERE {{ GRAPH <{GRAPH["wikibase"]}> {{
  ?property wikibase:claim ?p ; wikibase:directClaim ?wdt ; wikibase:statementProperty ?ps .
  ?item ?p ?statement . ?statement wikibase:rank wikibase:NormalRank ; a wikibase:BestRank ; ?ps ?value .
  ?item ?p ?preferred . ?preferred wikibase:rank wikibase:PreferredRank .
  FILTER NOT EXISTS {{ ?preferred ?ps ?value }}
}} }}"""
"""Wikidata's best-rank rule after views were merged: where a group of statements has a
preferred one, normal-rank statements are not best rank and give no truthy ``wdt:`` triple.
The view of one new source cannot know this by itself, so intake runs this after adding it."""


def load_qids(path) -> dict[URIRef, str]:
    """Read ``curation/qids.yaml``: QIDs a curator recorded for entities of this graph.

    Items made by a QuickStatements batch get their QIDs only once the batch has run; recorded
    here, they link the local item with ``owl:sameAs``, so the next export addresses it by QID and
    can write the statements that point at it (``S248`` for a source, a series, a role).
    Each entry is ``{entity, qid, note}``: an entity IRI of this graph, the QID, and where it
    comes from (a batch, a search by hand).
    """

    qids: dict[URIRef, str] = {}
    for number, entry in _curation_entries(path, ("entity", "qid", "note")):
        entity, qid = str(entry["entity"]), str(entry["qid"])
        if not entity.startswith(BASE):
            raise BadRequest(f"{path}, entry {number}: {entity!r} is not an entity IRI of this graph ({BASE}...)")
        if not QID.fullmatch(qid):
            raise BadRequest(f"{path}, entry {number}: {qid!r} is not a QID (Q followed by digits)")
        if URIRef(entity) in qids and qids[URIRef(entity)] != qid:
            raise BadRequest(f"{path}, entry {number}: {entity} already has {qids[URIRef(entity)]}")
        qids[URIRef(entity)] = qid
    return qids


def load_new_items(path) -> dict[URIRef, str]:
    """Read ``curation/new-items.yaml``: entities a curator has checked are not on Wikidata.

    Each entry is ``{entity, note}``: an entity IRI of this graph and how the curator checked
    (a reconciliation run in OpenRefine with no match, a search on Wikidata by hand). Only these
    entities are created by a QuickStatements export; every other entity without a QID goes to
    the reconciliation list (``kg export reconcile-csv``) instead.
    """

    new: dict[URIRef, str] = {}
    for number, entry in _curation_entries(path, ("entity", "note")):
        entity = str(entry["entity"])
        if not entity.startswith(BASE):
            raise BadRequest(f"{path}, entry {number}: {entity!r} is not an entity IRI of this graph ({BASE}...)")
        if URIRef(entity) in new:
            raise BadRequest(f"{path}, entry {number}: {entity} is listed twice")
        new[URIRef(entity)] = str(entry["note"])
    return new


def read_reconciled(text: str, *, name: str) -> dict[URIRef, str]:
    """Read the QIDs a reconciliation found: a CSV with an ``entity`` column (as
    ``kg export reconcile-csv`` writes it) and a ``qid`` column (in OpenRefine, a column added
    from the matched cells, ``cell.recon.match.id``). Rows with an empty ``qid`` are skipped.

    :raises BadRequest: naming ``name`` and the row, for a missing column, a bad QID or an entity
        given two QIDs.
    """
    import csv
    import io

    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("entity", "qid") if c not in (reader.fieldnames or [])]
    if missing:
        raise BadRequest(f"{name}: no {' or '.join(missing)} column (found: {', '.join(reader.fieldnames or [])})")
    found: dict[URIRef, str] = {}
    for number, row in enumerate(reader, start=2):
        entity, qid = (row["entity"] or "").strip(), (row["qid"] or "").strip()
        if not qid:
            continue
        if not entity.startswith(BASE):
            raise BadRequest(f"{name}, row {number}: {entity!r} is not an entity IRI of this graph ({BASE}...)")
        if not QID.fullmatch(qid):
            raise BadRequest(f"{name}, row {number}: {qid!r} is not a QID (Q followed by digits)")
        if found.get(URIRef(entity), qid) != qid:
            raise BadRequest(f"{name}, row {number}: {entity} already has {found[URIRef(entity)]} above")
        found[URIRef(entity)] = qid
    return found


def record_qids(path, found: dict[URIRef, str], note: str) -> int:
    """Add the QIDs ``found`` to ``curation/qids.yaml`` in its format (the file's comments kept);
    return how many were new.

    :raises BadRequest: for an entity the file gives another QID, or one marked new in
        ``new-items.yaml`` beside it (an item on Wikidata is not new).
    """
    path = Path(path)
    recorded = load_qids(path)
    new_items = load_new_items(path.parent / "new-items.yaml")
    for entity, qid in found.items():
        if recorded.get(entity, qid) != qid:
            raise BadRequest(f"{path}: {entity} already has {recorded[entity]}, not {qid}; correct the file by hand")
        if entity in new_items:
            raise BadRequest(f"{path.parent / 'new-items.yaml'}: {entity} is marked new but has {qid} on Wikidata")
    added = {e: q for e, q in found.items() if e not in recorded}
    if not added:
        return 0
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    lines = [line for line in text.splitlines() if line.strip() != "[]"]  # the empty list gives way to entries
    for entity, qid in sorted(added.items()):
        lines += [f"- entity: {entity}", f"  qid: {qid}", f"  note: {_yaml_scalar(note)}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    load_qids(path)  # the file still reads
    return len(added)


def _yaml_scalar(text: str) -> str:
    """A YAML double-quoted scalar.

    >>> _yaml_scalar('reconciled in OpenRefine: "Kabul"')
    '"reconciled in OpenRefine: \\\\"Kabul\\\\""'
    """
    import json

    return json.dumps(" ".join(text.split()), ensure_ascii=False)
