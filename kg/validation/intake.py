"""Submitting a new source: read it, check it against the graph, and accept it atomically.

A source arrives either as a mapping plus its text (the format of ``mappings/``) or as RDF
in the ontology (Turtle, JSON-LD, N-Triples, RDF/XML) that describes one ``rats:Source``
and carries its own evidence. :meth:`Intake.check` validates it against the part of the
graph it touches and changes nothing. :meth:`Intake.add` accepts it when nothing in it is a
Violation (or when a curator overrides, with a recorded reason):

1. its files (text, mapping or RDF, the graph as N-Quads, the report, the acceptance record)
   are written to a temporary folder and renamed into ``accepted/<id>/`` in one step;
2. its quads are added to the store in one transaction.

With its quads goes its part of the Wikibase view (``graph/wikibase``), so WDQS-style
queries and the exports see an accepted source at once, as they would after a rebuild.

If the process dies between the two, :meth:`Intake.recover` (run whenever an intake opens)
loads accepted sources that the store lacks; ``kg build`` loads ``accepted/`` as well, so a
rebuild keeps every accepted source.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox
from rdflib import RDF, Graph, URIRef

from kg.errors import BadRequest, KGError
from kg.sources.mapper import map_source
from kg.sources.yamlfile import load_yaml
from kg.namespaces import AUTHORITY_GRAPH, ENTITY, GRAPH, RATS, bind_prefixes, inferred_graph, source_graph, source_iri
from kg.sources.ontology import Vocabulary
from kg.validation.gate import Check, CheckFailure, candidate_store, load_checks, run_checks
from kg.validation.lookalikes import lookalike_findings
from kg.validation.rdf_input import parse_untrusted
from kg.validation.report import Finding, ValidationReport
from kg.store.updates import sync_folder
from kg.store.embedded import add_graphs, default_graph_quads, graph_names, graph_subjects, parse_nquads, quads_of
from kg.sources.names import recognised_spellings
from kg.validation.neighbourhood import SOURCE_GRAPHS, authority_on, mentioned_entities, rdflib_graph
from kg.validation.validate import Validator

RDF_FORMATS = {
    ".ttl": "turtle", ".turtle": "turtle", ".jsonld": "json-ld", ".json": "json-ld",
    ".nt": "nt", ".rdf": "xml", ".xml": "xml", ".owl": "xml",
}
MEDIA_TYPES = {
    "text/turtle": "turtle", "application/ld+json": "json-ld", "application/n-triples": "nt",
    "application/rdf+xml": "xml",
}


class Conflict(KGError):
    """The source is already in the graph."""

    status = 409


class Rejected(KGError):
    """The source contradicts the graph (a Violation) and no override was given."""

    status = 422

    def __init__(self, message: str, report: ValidationReport):
        super().__init__(message)
        self.report = report

    def to_dict(self) -> dict:
        return {**super().to_dict(), "report": self.report.to_dict()}


@dataclass
class Candidate:
    """A submitted source, mapped to RDF but not yet in the graph."""

    source_id: str
    stated: Graph
    inferred: Graph
    reference: Graph
    files: dict[str, str]

    @property
    def iri(self) -> str:
        return str(source_iri(self.source_id))


MAX_MAPPING_CHARS = 256_000
"""A submitted mapping's size (the largest real one is 20 KB; PyYAML reads about 100 KB a second)."""
MAX_TEXT_CHARS = 200_000
"""A submitted text's size (the largest real one has 10,106 characters)."""
MAX_ENTITIES = 1_000
"""Entities one mapping may declare (the real ones declare at most 12)."""
MAX_CLAIMS = 10_000
"""Facts one mapping may state, every ``each`` and every list of values multiplied out (the real ones: 311)."""
MAX_QUOTE_CHARS = 2_000
"""A quote's length (the longest real one is 999 characters)."""
MAX_QUOTE_WORK = 50_000_000
"""The text's length times the words of all its quotes: the engine finds each quote with a
pattern whose cost on a repetitive text grows with both (a 100-word quote in 200 KB of
"a a a …" takes 0.5 s). The largest real source needs 9.3 million; this bound is about 1.3 s
of the worst text on the 2-core machine."""


def check_mapping_bounds(mapping: str, text: str, name: str) -> None:
    """Refuse a mapping too big to map in the time a request may take, before the engine runs.

    :raises BadRequest: naming what is over which bound.
    """
    if len(mapping) > MAX_MAPPING_CHARS:
        raise BadRequest(f"{name}: the mapping has {len(mapping):,} characters; at most {MAX_MAPPING_CHARS:,} are read")
    if len(text) > MAX_TEXT_CHARS:
        raise BadRequest(f"{name}: the text has {len(text):,} characters; at most {MAX_TEXT_CHARS:,} are read")
    data = load_yaml(mapping, name=name)
    if not isinstance(data, dict):
        return  # the engine says what a mapping must be
    entities = data.get("entities") or {}
    if isinstance(entities, dict) and len(entities) > MAX_ENTITIES:
        raise BadRequest(f"{name}: the mapping declares {len(entities):,} entities; at most {MAX_ENTITIES:,} per source")
    claims = words = 0
    for key in ("facts", "inferred"):
        for index, fact in enumerate(data.get(key) or [], start=1):
            if not isinstance(fact, dict):
                continue
            quotes = fact.get("quote", fact.get("from"))
            for quote in quotes if isinstance(quotes, list) else [quotes]:
                if isinstance(quote, str) and len(quote) > MAX_QUOTE_CHARS:
                    raise BadRequest(f"{name}, line {getattr(fact, 'line', '?')}, {key[:-1] if key == 'facts' else key} "
                                     f"{index}: a quote of {len(quote):,} characters; at most {MAX_QUOTE_CHARS:,}")
                words += len(quote.split()) if isinstance(quote, str) else 0
            if words * len(text) > MAX_QUOTE_WORK:
                raise BadRequest(f"{name}: its quotes ({words:,} words) in a text of {len(text):,} characters are more "
                                 "than one request may search; split the source or shorten the text")
            each = fact.get("each")
            values = sum(len(v) if isinstance(v, list) else 1 for v in fact.values())
            claims += (len(each) if isinstance(each, list) else 1) * values
            if claims > MAX_CLAIMS:
                raise BadRequest(f"{name}: the mapping states more than {MAX_CLAIMS:,} facts (every 'each' multiplied "
                                 "out); split the source")


def from_mapping(mapping: str, text: str, *, source_id: str, vocabulary: Vocabulary, known: set,
                 name: str = "mapping") -> Candidate:
    """Map a mapping and its text, as the build does for the seeds (within :func:`check_mapping_bounds`)."""
    _check_id(source_id)
    check_mapping_bounds(mapping, text, name)
    mapped = map_source(mapping, text, source_id=source_id, vocabulary=vocabulary, known=known, name=name)
    return Candidate(source_id, mapped.stated, mapped.inferred, mapped.reference,
                     {"text.txt": text, "mapping.yaml": mapping})


def from_rdf(data: str, *, format_: str, name: str, vocabulary: Vocabulary, known: set) -> Candidate:
    """Read a source given as RDF; it must describe exactly one ``rats:Source`` of ours."""
    graph = parse_untrusted(bind_prefixes(Graph()), data, format_=format_, name=name)  # reads nothing else
    sources = [s for s in graph.subjects(RDF.type, RATS.Source)]
    if len(sources) != 1 or not str(sources[0]).startswith(str(ENTITY["source/"])):
        raise BadRequest(f"{name}: the data must describe exactly one rats:Source with an IRI under {ENTITY['source/']}")
    source_id = str(sources[0])[len(str(ENTITY["source/"])):]
    _check_id(source_id)
    _check_terms(graph, vocabulary, name)
    typed = set(graph.subjects(RDF.type, None))
    for entity in sorted(URIRef(e) for e in mentioned_entities(default_graph_quads(graph))):
        if entity not in known and entity not in typed:
            raise BadRequest(f"{name}: unknown entity {entity}: it is neither in the authority data nor typed here")
    stated = Graph(identifier=source_graph(source_id))
    stated += graph
    return Candidate(source_id, bind_prefixes(stated), Graph(identifier=inferred_graph(source_id)),
                     Graph(identifier=AUTHORITY_GRAPH), {"source" + _suffix(format_): data})


def choose_files(paths: list[Path]) -> tuple[Path, None] | tuple[Path, Path]:
    """Which files make the candidate: ``(rdf_file, None)`` or ``(mapping, text)``; a lone
    mapping takes the ``.txt`` beside it. Both ``kg add-source`` paths (offline and through a
    running server) choose the same way."""
    paths = [Path(p) for p in paths]
    for path in paths:
        if not path.is_file():
            raise BadRequest(f"{path}: no such file")
    mappings = [p for p in paths if p.suffix in (".yaml", ".yml")]
    texts = [p for p in paths if p.suffix == ".txt"]
    rdf = [p for p in paths if p.suffix in RDF_FORMATS]
    if len(rdf) == 1 and len(paths) == 1:
        return rdf[0], None
    if len(mappings) == 1 and not texts and len(paths) == 1:
        sibling = mappings[0].with_suffix(".txt")
        texts = [sibling] if sibling.exists() else []
    if len(mappings) == 1 and len(texts) == 1 and len(paths) <= 2:
        return mappings[0], texts[0]
    raise BadRequest("give a mapping (.yaml) and its text (.txt), or one RDF file (.ttl, .jsonld, .nt, .rdf)")


def read_files(paths: list[Path], *, vocabulary: Vocabulary, known: set) -> Candidate:
    """Read a candidate from files: a mapping and its text, or one RDF file."""
    first, text = choose_files(paths)
    if text is None:
        return from_rdf(first.read_text(encoding="utf-8"), format_=RDF_FORMATS[first.suffix], name=str(first),
                        vocabulary=vocabulary, known=known)
    return from_mapping(first.read_text(encoding="utf-8"), text.read_text(encoding="utf-8"),
                        source_id=text.stem, vocabulary=vocabulary, known=known, name=str(first))


class DerivedView(Protocol):
    """A graph derived from the stated sources that must change with them (the Wikibase view of
    :mod:`kg.wikidata.wikibase`). Intake is given one instead of importing it, so validation
    does not depend on the views built beside it."""

    repair: str | None
    """A SPARQL update to run after a source's part of the view was added, or None."""

    def view(self, stated: list[Graph], reference: Graph, ontology: Graph) -> Graph: ...


class Intake:
    """Checks and accepts sources for one store and one ``accepted/`` folder."""

    def __init__(self, store: ox.Store, validator: Validator, vocabulary: Vocabulary, accepted_dir: Path,
                 derived: DerivedView | None = None, checks: list[Check] | None = None):
        self.store = store
        self.validator = validator
        self.vocabulary = vocabulary
        self.accepted_dir = Path(accepted_dir)
        self.derived = derived
        self.checks = load_checks(PROJECT_CHECKS) if checks is None else checks
        self.recover()

    @classmethod
    def from_folders(cls, store: ox.Store, ontology_dir: Path, shapes_dir: Path, accepted_dir: Path,
                     derived: DerivedView | None = None, checks_dir: Path | None = None) -> "Intake":
        """Load the ontology, shapes and integrity checks from their folders; one way to make an
        intake for the CLI and the server. The checks are the build's: ``queries/checks`` beside
        ``shapes_dir`` unless ``checks_dir`` says otherwise."""
        validator = Validator.from_folders(Path(ontology_dir), Path(shapes_dir))
        checks = load_checks(Path(checks_dir) if checks_dir else Path(shapes_dir).parent / "queries" / "checks")
        return cls(store, validator, Vocabulary.from_graph(validator.ontology), accepted_dir, derived, checks)

    def known(self) -> set:
        """Entities the store knows: the reference data."""
        return graph_subjects(self.store, str(AUTHORITY_GRAPH))

    def check(self, candidate: Candidate) -> ValidationReport:
        """Validate ``candidate`` against the graph it touches; change nothing."""
        self._refuse_duplicate(candidate)
        entities = mentioned_entities(quads_of([candidate.stated]))
        labels = rdflib_graph(authority_on(self.store, [ox.Triple(ox.NamedNode(e), ox.NamedNode(e), ox.NamedNode(e))
                                                        for e in sorted(entities)]))
        candidate.reference += recognised_spellings([candidate.stated], labels + candidate.reference)
        # checked as the graphs they will be: stated and inferred values are counted apart
        report = self.validator.validate_candidate(self.store, candidate.stated, candidate.reference,
                                                   candidate.inferred)
        graphs = [g for g in (candidate.stated, candidate.inferred, candidate.reference) if len(g)]
        entities = mentioned_entities(quads_of(graphs))
        scratch = candidate_store(graphs, self.store, quads_of, entities)
        failures = run_checks(scratch, self.checks, union=True)
        report.findings.extend(lookalike_findings(candidate.stated + candidate.reference))  # Warnings: they never block
        report.findings[:0] = [_gate_finding(f, candidate) for f in failures]
        return report

    def add(self, candidate: Candidate, *, override_reason: str | None = None) -> ValidationReport:
        """Accept ``candidate`` if it brings no Violation, or with a curator's reason.

        :raises Conflict: the source is already in the graph.
        :raises Rejected: a Violation involves the source and no reason was given.
        """
        report = self.check(candidate)
        gate = [f for f in report.findings if f.shape.startswith(GATE)]
        if gate:
            raise Rejected(
                f"source {candidate.source_id} fails {len(gate)} integrity check(s) that kg build runs too "
                f"(no override can accept it; fix the mapping and submit it again); nothing was added: "
                + "; ".join(m for f in gate for m in f.messages),
                report,
            )
        blocking = [f for f in report.findings if f.severity == "Violation" and f.involves_candidate]
        if blocking and not (override_reason and override_reason.strip()):
            raise Rejected(
                f"source {candidate.source_id} contradicts the graph ({len(blocking)} violation(s)); "
                "nothing was added. To accept it anyway, say why: kg add-source --accept-violations "
                "--reason TEXT (over HTTP: POST /sources?override_reason=TEXT).",
                report,
            )
        record = {
            "source": candidate.iri,
            "accepted": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "violations": len(blocking),
            "override_reason": override_reason if blocking else None,
        }
        graphs = (candidate.stated, candidate.inferred, candidate.reference)
        self._write_files(candidate, quads_of(graphs), report, record)
        self._add(graphs)
        return report

    def recover(self) -> list[str]:
        """Load accepted sources whose graph the store lacks (a crash between the two steps), and
        remove the staging folders a crash left (``accepted/.<id>.xxxx/``, never renamed into place,
        so never acknowledged); return the ids loaded (also kept in :attr:`recovered`)."""
        present = set(graph_names(self.store, SOURCE_GRAPHS))
        loaded = []
        for folder in sorted(self.accepted_dir.glob("*")):
            if _is_accepted(folder) and str(source_graph(folder.name)) not in present:
                self._add(list(parse_nquads(folder / "graph.nq").values()))
                loaded.append(folder.name)
        for staging in self.accepted_dir.glob(".*"):
            if staging.is_dir():
                shutil.rmtree(staging, ignore_errors=True)
        self.recovered = loaded
        return loaded

    def _add(self, graphs) -> None:
        """Add a source's graphs and its part of the derived view in one transaction.

        The store is not flushed: what makes an acceptance durable is its folder in ``accepted/``
        (synced before the answer), which :meth:`recover` loads again into a store that lost it."""
        stated = [g for g in graphs if str(g.identifier).startswith(str(GRAPH["source/"]))]
        derived = []
        if self.derived is not None:
            # The view reads what the reference data says about the entities the source names,
            # so that part of the authority graph is read, not all of it (at 1M quads, reading
            # it all took 76 ms of a 280 ms acceptance).
            reference = rdflib_graph(authority_on(self.store, quads_of(stated)))
            for graph in graphs:
                if graph.identifier == AUTHORITY_GRAPH:
                    reference += graph
            derived = [self.derived.view(stated, reference, self.validator.ontology)]
        add_graphs(self.store, [*graphs, *derived])
        if self.derived is not None and self.derived.repair:
            self.store.update(self.derived.repair)

    def _refuse_duplicate(self, candidate: Candidate) -> None:
        if self.store.contains_named_graph(ox.NamedNode(str(source_graph(candidate.source_id)))) or \
                (self.accepted_dir / candidate.source_id).exists():
            raise Conflict(f"source {candidate.source_id} is already in the graph; nothing was written")


    def _write_files(self, candidate, quads, report, record) -> None:
        self.accepted_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{candidate.source_id}.", dir=self.accepted_dir))
        try:
            for name, content in candidate.files.items():
                (staging / name).write_text(content, encoding="utf-8")
            (staging / "graph.nq").write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
            (staging / "report.json").write_text(json.dumps(report.to_dict(), indent=2, ensure_ascii=False),
                                                 encoding="utf-8")
            (staging / "accepted.json").write_text(json.dumps(record, indent=2), encoding="utf-8")
            for path in staging.iterdir():
                with path.open("rb") as handle:
                    os.fsync(handle.fileno())
            staging.rename(self.accepted_dir / candidate.source_id)
            sync_folder(self.accepted_dir)  # the rename itself, or a power cut could undo it
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise

    def accepted(self) -> list[dict]:
        """List the accepted sources with their acceptance records."""
        return [self.record(path.name) for path in sorted(self.accepted_dir.glob("*")) if _is_accepted(path)]

    def record(self, source_id: str) -> dict | None:
        """Return an accepted source's acceptance record and report, or None."""
        folder = self.accepted_dir / source_id
        if not _is_accepted(folder):
            return None
        return {
            "id": source_id,
            **json.loads((folder / "accepted.json").read_text(encoding="utf-8")),
            "report": json.loads((folder / "report.json").read_text(encoding="utf-8")),
        }


GATE = "https://w3id.org/sco-rats/queries/checks#"
"""How the findings of the integrity checks (:mod:`kg.validation.gate`) name their shape."""

PROJECT_CHECKS = Path(__file__).resolve().parents[2] / "queries" / "checks"
"""The repository's own integrity checks, for an intake made without naming a folder."""


def _gate_finding(failure: CheckFailure, candidate: Candidate) -> Finding:
    focus = failure.entity or candidate.iri
    return Finding(severity="Violation", shape=GATE + failure.check, focus=focus,
                   focus_label=focus.rsplit("/", 1)[-1], path=None, path_label=None,
                   messages=[failure.message], values=[], involves_candidate=True)


def accepted_graph_files(accepted_dir: Path) -> list[Path]:
    """Return the N-Quads files of all accepted sources, for the build."""
    return [folder / "graph.nq" for folder in sorted(Path(accepted_dir).glob("*")) if _is_accepted(folder)]


def is_accepted(folder: Path) -> bool:
    """True for a folder of ``accepted/`` that holds an accepted source (not a staging folder)."""
    return folder.is_dir() and not folder.name.startswith(".") and (folder / "accepted.json").exists()


_is_accepted = is_accepted


def _check_id(source_id: str) -> None:
    """Source ids are ASCII: a Cyrillic ``а`` must not make a second ``000_1db01a3067431b98``."""
    if not source_id or not all(c.isascii() and (c.isalnum() or c in "-_.") for c in source_id) \
            or source_id.startswith(".") or len(source_id) > 200:
        odd = [f"{c!r} (U+{ord(c):04X})" for c in source_id if not (c.isascii() and (c.isalnum() or c in "-_."))]
        raise BadRequest(f"{source_id[:200]!r} is not a valid source id: ASCII letters, digits, '-', '_' and '.' only, "
                         "at most 200, not starting with '.'" + (f"; it has {', '.join(odd[:5])}" if odd else ""))


def _check_terms(graph: Graph, vocabulary: Vocabulary, name: str) -> None:
    ns = str(RATS._NS)
    declared = vocabulary.classes | vocabulary.object_properties | vocabulary.datatype_properties | vocabulary.individuals
    for triple in graph:
        for term in triple:
            if isinstance(term, URIRef) and str(term).startswith(ns) and term not in declared:
                raise BadRequest(f"{name}: unknown term {term}: the ontology does not declare it")


def _suffix(format_: str) -> str:
    return {"turtle": ".ttl", "json-ld": ".jsonld", "nt": ".nt", "xml": ".rdf"}[format_]

