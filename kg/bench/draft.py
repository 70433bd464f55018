"""Measure the drafter against the curated mappings: precision and recall per kind of fact.

Every curated source is drafted from its text alone (the language guessed from the script).
Both the draft and the hand mapping are run through the mapper engine, and their stated
triples compared with their evidence: a drafted triple is right when the curated mapping
states the same subject, property and value and one of its quotes overlaps one of the
curated quotes of that subject (character offsets): a curated fact is often split over
several quotes (a shared quote for a statistic's type and measure, one for each value), so
the quotes of the subject together are "the curated quote". Recall is the share of curated triples some right
drafted triple matches.

One alignment is made first, since a statistic's path is a convention and not a fact: a
drafted statistic whose path the curated mapping does not use is taken as the curated
statistic of the same measure whose quotes overlap its own, if there is exactly one (or
exactly one of them with the same value).

Kinds: source metadata (the source's own triples), meeting, date (start, end, date, as-of),
participation and role (participations, memberships, participant categories), person and
post (people, post holdings), statistic; "other" (topics and descriptions, documents,
incidents, what is said of organisations) is shown apart and left out of the total the targets are about.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, Graph

from kg.draft import Drafter, guess_language
from kg.namespaces import OA, RATS
from kg.sources.mapper import map_file, map_source
from kg.sources.ontology import Vocabulary, load_ontology
from kg.sources.project import Project, load_authority

KINDS = ("source", "meeting", "date", "participation", "person", "statistic")
MEETINGS = {RATS.Meeting, RATS.ScientificPracticalConference, RATS.CouncilMeeting, RATS.Summit, RATS.Workshop,
            RATS.Exercise}
DATES = {RATS.startDate, RATS.endDate, RATS.date, RATS.asOf}
TARGETS = {"recall": 0.70, "precision": 0.90, "statistic recall": 0.85, "seconds": 1.0}


@dataclass
class Score:
    curated: int = 0
    drafted: int = 0
    right: int = 0  # drafted triples that are right
    found: int = 0  # curated triples found

    def add(self, other: "Score") -> None:
        self.curated += other.curated
        self.drafted += other.drafted
        self.right += other.right
        self.found += other.found

    @property
    def precision(self) -> float | None:
        return self.right / self.drafted if self.drafted else None

    @property
    def recall(self) -> float | None:
        return self.found / self.curated if self.curated else None


@dataclass
class SourceResult:
    source_id: str
    language: str
    seconds: float
    cpu: float = 0.0  # processor time: what the draft costs, whatever else the machine runs
    kinds: dict = field(default_factory=lambda: defaultdict(Score))
    stat_values: Score = field(default_factory=Score)

    def total(self) -> Score:
        score = Score()
        for kind in KINDS:
            score.add(self.kinds[kind])
        return score


def facts(graph: Graph) -> dict:
    """Return {(s, p, o): [(start, end), ...]} from a source graph's evidence."""
    found = defaultdict(list)
    for evidence in graph.subjects(RDF.type, RATS.Evidence):
        triple = (graph.value(evidence, RDF.subject), graph.value(evidence, RDF.predicate),
                  graph.value(evidence, RDF.object))
        for target in graph.objects(evidence, OA.hasTarget):
            for selector in graph.objects(target, OA.hasSelector):
                start, end = graph.value(selector, OA.start), graph.value(selector, OA.end)
                if start is not None and end is not None:
                    found[triple].append((int(start), int(end)))
    return found


def kind_of(triple, types) -> str:
    subject, predicate, _ = triple
    classes = types.get(subject, set())
    if predicate in (RATS.topic, RATS.description):
        return "other"  # what was discussed: not one of the kinds the drafter proposes
    if "/source/" in str(subject):
        return "source"
    if predicate in DATES:
        return "date"
    if RATS.Statistic in classes:
        return "statistic"
    if classes & {RATS.Participation, RATS.Membership} or predicate == RATS.participantCategory:
        return "participation"
    if classes & {RATS.PostHolding, RATS.Person}:
        return "person"
    if classes & MEETINGS:
        return "meeting"
    return "other"


def _overlap(spans, others) -> bool:
    return any(a < d and c < b for a, b in spans for c, d in others)


def _align_statistics(drafted: dict, curated: dict, types: dict) -> dict:
    curated_stats = {s for s, _, _ in curated if RATS.Statistic in types.get(s, set())}
    measure_of = {s: o for (s, p, o) in curated if p == RATS.measure}
    spans_of = defaultdict(list)
    for (s, _, _), spans in curated.items():
        spans_of[s] += spans
    renamed = {}
    for (s, p, o), spans in drafted.items():
        if p == RATS.measure and s not in curated_stats:
            candidates = [c for c in curated_stats if measure_of.get(c) == o and _overlap(spans, spans_of[c])]
            if len(candidates) > 1:  # the same measure twice (two years): the one of the same value
                value = next((v for (t, q, v) in drafted if t == s and q == RATS.value), None)
                candidates = [c for c in candidates if (c, RATS.value, value) in curated]
            if len(candidates) == 1:
                renamed[s] = candidates[0]
    aligned = defaultdict(list)
    for (s, p, o), spans in drafted.items():
        aligned[(renamed.get(s, s), p, o)] += spans
    return aligned


def compare(drafted: dict, curated: dict, types: dict, result: SourceResult) -> None:
    drafted = _align_statistics(drafted, curated, types)
    quotes = defaultdict(list)  # every quote the curated mapping gives for a subject
    for (s, _, _), spans in curated.items():
        quotes[s] += spans
    found = set()
    for triple, spans in drafted.items():
        kind = kind_of(triple, types)
        score = result.kinds[kind]
        score.drafted += 1
        if triple in curated and _overlap(spans, quotes[triple[0]]):
            score.right += 1
            found.add(triple)
        if kind == "statistic" and triple[1] in (RATS.value, RATS.qualifier):
            result.stat_values.drafted += 1
            result.stat_values.right += triple in found
    for triple in curated:
        kind = kind_of(triple, types)
        result.kinds[kind].curated += 1
        result.kinds[kind].found += triple in found
        if kind == "statistic" and triple[1] in (RATS.value, RATS.qualifier):
            result.stat_values.curated += 1
            result.stat_values.found += triple in found


def run(project: Project, progress=lambda message: None) -> list[SourceResult]:
    """Draft every curated source of ``project`` and compare it with its mapping."""
    started = time.perf_counter()
    drafter = Drafter.from_project(project)
    loaded = time.perf_counter() - started
    warmed = drafter.warm()
    progress(f"drafter ready: authority and ontology read in {loaded:.2f} s, rules and libraries warmed in {warmed:.2f} s")
    vocabulary = Vocabulary.from_graph(load_ontology(project.ontology))
    authority = load_authority(project.authority)
    known = set(authority.subjects())
    results = []
    for text_path, mapping_path in project.sources():
        progress(f"draft {text_path.stem}")
        text = text_path.read_text(encoding="utf-8")
        curated = map_file(mapping_path, text_path, vocabulary=vocabulary, known=known)
        known |= set(curated.reference.subjects())
        language = guess_language(text)
        started, cpu = time.perf_counter(), time.process_time()
        draft = drafter.draft(text, language, source_id=text_path.stem)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        mapped = map_source(draft, text, source_id=text_path.stem, vocabulary=vocabulary, known=known,
                            name=f"draft of {text_path.stem}")
        types = defaultdict(set)
        for graph in (authority, curated.stated, mapped.stated):
            for s, o in graph.subject_objects(RDF.type):
                types[s].add(o)
        result = SourceResult(text_path.stem, language, seconds, cpu)
        compare(facts(mapped.stated), facts(curated.stated), types, result)
        results.append(result)
    return results


def _pct(value) -> str:
    return "-" if value is None else f"{100 * value:.0f}%"


def _row(name, score: Score, extra="") -> str:
    return (f"| {name} | {score.curated} | {score.drafted} | {score.right} | {_pct(score.precision)} | "
            f"{_pct(score.recall)} |{extra}")


def table(results: list[SourceResult]) -> str:
    """The benchmark's tables in Markdown: per source, per kind, per language, the targets."""
    header = "| {} | curated | drafted | right | precision | recall |"
    rule = "| --- | ---: | ---: | ---: | ---: | ---: |"
    lines = ["Per source (the six kinds of fact):", "", header.format("source") + " lang | s | CPU s |",
             rule + " --- | ---: | ---: |"]
    for r in results:
        lines.append(_row(r.source_id, r.total(), f" {r.language} | {r.seconds:.2f} | {r.cpu:.2f} |"))
    kinds = defaultdict(Score)
    other = Score()
    values = Score()
    by_language = defaultdict(Score)
    stats_by_language = defaultdict(Score)
    for r in results:
        for kind in KINDS:
            kinds[kind].add(r.kinds[kind])
        other.add(r.kinds["other"])
        values.add(r.stat_values)
        by_language[r.language].add(r.total())
        stats_by_language[r.language].add(r.stat_values)
    total = Score()
    for kind in KINDS:
        total.add(kinds[kind])
    lines += ["", "Per kind of fact:", "", header.format("kind"), rule]
    for kind in KINDS:
        lines.append(_row(kind, kinds[kind]))
    lines.append(_row("statistic: value and qualifier", values))
    lines.append(_row("**total (six kinds)**", total))
    lines.append(_row("other (topics, documents, incidents; not in the total)", other))
    lines += ["", "Per language:", "", header.format("language") + " statistic value+qualifier recall |",
              rule + " ---: |"]
    for language in sorted(by_language):
        lines.append(_row(language, by_language[language], f" {_pct(stats_by_language[language].recall)} |"))
    slowest = max((r.seconds for r in results), default=0.0)
    slowest_cpu = max((r.cpu for r in results), default=0.0)
    lines += ["", "Targets:", ""]
    checks = [("recall, all sources", total.recall, TARGETS["recall"]),
              ("precision, all sources", total.precision, TARGETS["precision"])]
    for language in sorted(by_language):
        checks.append((f"recall, {language}", by_language[language].recall, TARGETS["recall"]))
        checks.append((f"precision, {language}", by_language[language].precision, TARGETS["precision"]))
    checks.append(("statistic value and qualifier recall", values.recall, TARGETS["statistic recall"]))
    for name, value, target in checks:
        met = value is not None and value >= target
        lines.append(f"- {name}: {_pct(value)} (target {_pct(target)}): {'met' if met else 'MISSED'}")
    lines.append(f"- slowest draft: {slowest:.2f} s, {slowest_cpu:.2f} s of CPU (target under {TARGETS['seconds']:.0f} s): "
                 f"{'met' if slowest < TARGETS['seconds'] else 'MISSED'}"
                 f"{'' if slowest < TARGETS['seconds'] or slowest_cpu >= TARGETS['seconds'] else ' (met in CPU time: the machine was busy)'}")
    return "\n".join(lines) + "\n"


def write_json(results: list[SourceResult], path: Path) -> None:
    rows = []
    for r in results:
        rows.append({"source": r.source_id, "language": r.language, "seconds": round(r.seconds, 3),
                     "cpu_seconds": round(r.cpu, 3),
                     "kinds": {k: vars(r.kinds[k]) for k in (*KINDS, "other")},
                     "statistic_value_qualifier": vars(r.stat_values)})
    Path(path).write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
