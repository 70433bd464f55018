"""Validation (kg/validation/validate.py): the seeds' real inconsistencies, and a new source checked against
its neighbourhood giving the whole graph's results."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from kg.validation.intake import from_mapping
from kg.namespaces import AUTHORITY_GRAPH, ONTOLOGY_GRAPH
from kg.store.embedded import add_graphs, open_store
from kg.bench.synthetic import plans, source
from kg.validation.validate import Validator

BASE = "https://w3id.org/sco-rats/"


@pytest.fixture(scope="module")
def validator(project):
    return Validator.from_folders(project.ontology, project.shapes)


@pytest.fixture(scope="module")
def seed_report(validator, store):
    return validator.validate_store(store)


# False alarms of today's engine on the corpus (a day without a year against the inferred
# full date of that day; one meeting held in two cities of one state), being fixed on another
# branch: listed here so that nothing else slips in, and to be removed when the fix lands.


def test_seeds_report_every_real_inconsistency_and_no_false_alarm(seed_report):
    got = {(f.severity, f.shape.rsplit("#", 1)[1], f.focus[len(BASE):]) for f in seed_report.findings}
    assert got == {
        ("Warning", "OneNamePerPerson", "person/ermek-sagimbayev"),
        ("Warning", "CountMatchesEnumeration", "statistic/rats-council-40/participating-countries"),
        ("Warning", "DatesFitTheSeries", "meeting/rats-conference/8"),
        ("Info", "YearNotStated", "meeting/rats-conference/7"),
        ("Info", "YearNotStated", "meeting/rats-conference/9"),
        # the corpus: a Council decision of "September 8, 2023" (News.Az) and the 40th meeting
        # held that day (silkway.news), kept apart as no text says they are one: a warning, not a
        # contradiction (the one has no edition number)
        ("Warning", "PossibleDuplicateMeeting", "meeting/rats-council/2023-09-08"),
        ("Warning", "PossibleDuplicateMeeting", "meeting/rats-council/40"),
        # misspellings in the sources: "Ghiyosov Jamakhon" (MoFA), "Mrizoyev" (Asia-Plus),
        # "Ruslan Seymembaev" and "REDIMBAEV" (silkway.news)
        ("Warning", "OneNamePerPerson", "person/jumakhon-giyosov"),
        ("Warning", "OneNamePerPerson", "person/ruslan-mirzayev"),
        ("Warning", "OneNamePerPerson", "person/ruslan-seisembayev"),
        # days without a year ("October 18" in Asia-Plus, "March 18" and "October 4" in News18) are
        # no note: their year is inferred beside them, from the datelines
        # known spellings in other scripts and transliterations
        ("Info", "KnownSpellingVariants", "person/ruslan-mirzayev"),
        ("Info", "KnownSpellingVariants", "person/yevgeny-sysoev"),
        ("Info", "KnownSpellingVariants", "person/zhang-xinfeng"),
    }
    violations = {f[2] for f in got if f[0] == "Violation"}
    assert violations == set(), "no source of the graph contradicts another"


def test_findings_name_values_sources_and_quotes(seed_report):
    names = next(f for f in seed_report.findings if f.focus.endswith("ermek-sagimbayev"))
    assert names.path_label == "stated name" and names.focus_label == "Ermek Sagimbayev"
    assert [v.value for v in names.values] == ["Erlan Sagimbayev", "Ermek Sagimbayev"]
    assert [v.flagged for v in names.values] == [True, False]
    quotes = [s.quote for v in names.values for s in v.statements]
    assert any("Erlan Sagimbayev" in q for q in quotes) and any("Ermek Sagimbayev" in q for q in quotes)
    series = next(f for f in seed_report.findings if f.shape.endswith("DatesFitTheSeries"))
    assert "2013 + 8 - 1 = 2020" in series.messages[0]


@pytest.mark.parametrize("format_", ["text", "json", "turtle", "jsonld", "html"])
def test_every_report_format_renders(seed_report, format_):
    out = seed_report.render(format_)
    assert "Sagimbayev" in out or format_ in ("turtle", "jsonld")
    if format_ == "turtle":
        Graph().parse(data=out, format="turtle")
    if format_ == "jsonld":
        assert len(list(ox.parse(out.encode(), format=ox.RdfFormat.JSON_LD))) > 50
    if format_ == "html":
        assert "<script" not in out and "http://" not in out.split("<body>")[0]


def test_html_escapes_quotes(seed_report):
    assert "&ldquo;" in seed_report.render("html")


CONSISTENCY = "https://w3id.org/sco-rats/shapes#"  # consistency shapes are named; per-source ones are not
CASES = sorted(p for p in (Path(__file__).resolve().parents[1] / "cases" / "sources").iterdir() if p.is_dir())


def finding_key(f):
    return (f.severity, f.shape, f.focus, f.path, tuple(sorted((v.value, v.flagged) for v in f.values)))


def assert_whole_graph_findings(local, whole):
    """The consistency findings on what a new source touches are those of the whole graph."""
    touched = {f.focus for f in local.findings}
    expected = {finding_key(f) for f in whole.findings if f.focus in touched and f.shape.startswith(CONSISTENCY)}
    assert {finding_key(f) for f in local.findings if f.shape.startswith(CONSISTENCY)} == expected


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_invented_source_gets_the_whole_graph_findings(validator, built, store, vocabulary, case):
    """Over the seeds, whose sources date meetings, report them held and count participants:
    the shapes that read evidence (dates from one source, a count against the states named)."""
    reference = Graph(identifier=AUTHORITY_GRAPH)
    reference += built.dataset.graph(AUTHORITY_GRAPH)
    candidate = from_mapping((case / "mapping.yaml").read_text(), (case / "text.txt").read_text(),
                             source_id=case.name, vocabulary=vocabulary, known=set(reference.subjects()))
    sources = [g for g in built.dataset.graphs() if "/graph/source/" in str(g.identifier)]
    local = validator.validate_candidate(store, candidate.stated, candidate.reference)
    assert_whole_graph_findings(local, validator.check(sources + [candidate.stated], reference + candidate.reference))


@pytest.mark.slow
def test_neighbourhood_gives_the_whole_graph_findings(validator, built, vocabulary):
    """A generated graph with planted contradictions; a new source touching some of it."""
    reference = Graph(identifier=AUTHORITY_GRAPH)
    reference += built.dataset.graph(AUTHORITY_GRAPH)
    known = set(reference.subjects())
    sources = []
    for plan in plans(60, seed=7, editions=12, plant_every=9):
        candidate = source(plan, vocabulary=vocabulary, known=known)
        known |= set(candidate.reference.subjects())
        reference += candidate.reference
        sources.append(candidate)
    store = open_store()
    ontology = Graph(identifier=ONTOLOGY_GRAPH)
    ontology += validator.ontology
    add_graphs(store, [reference, ontology] + [c.stated for c in sources])  # named graphs and their merge
    assert any(p.planted for p in plans(60, seed=7, editions=12, plant_every=9))

    new = source(next(p for p in plans(200, seed=99, editions=12, plant_every=2) if p.planted == "date"),
                 vocabulary=vocabulary, known=known, prefix="new")
    local = validator.validate_candidate(store, new.stated, new.reference)
    assert any(f.severity == "Violation" and f.involves_candidate for f in local.findings)
    assert_whole_graph_findings(local, validator.check([c.stated for c in sources] + [new.stated], reference))
