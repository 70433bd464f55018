"""Submitting sources: invented contradicting sources are flagged with both sides named;
accepted sources land atomically, survive a crash and a rebuild; bad input writes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import URIRef

from kg.sources.project import Project
from kg.build import build
from kg.errors import BadRequest
from kg.wikidata.curation import Curation
from kg.validation.intake import Conflict, Intake, Rejected, from_rdf, read_files
from kg.namespaces import source_graph
from kg.store.embedded import graph_names
from kg.validation.neighbourhood import SOURCE_GRAPHS
from kg.validation.validate import Validator

HERE = Path(__file__).resolve().parents[1]
CASES = sorted(p for p in (HERE / "cases" / "sources").iterdir() if p.is_dir())
BASE = "https://w3id.org/sco-rats/"


@pytest.fixture(scope="module")
def validator(project):
    return Validator.from_folders(project.ontology, project.shapes)


@pytest.fixture
def intake(writable_store, validator, vocabulary, tmp_path):
    return Intake(writable_store, validator, vocabulary, tmp_path / "accepted", Curation())


def quads(store):
    return set(store)


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_invented_source_is_flagged_with_both_sources(case, intake):
    expected = json.loads((case / "expected.json").read_text())
    store = intake.store
    before = quads(store)
    candidate = read_files_with_id(case, intake)
    report = intake.check(candidate)
    assert quads(store) == before, "a dry run must not change the graph"
    involved = [f for f in report.findings if f.involves_candidate and f.severity in ("Violation", "Warning")]
    if expected["severity"] is None:
        assert involved == [], [f.to_dict() for f in involved]
        return
    matching = [f for f in involved if f.shape.endswith("#" + expected["shape"]) and f.focus == BASE + expected["focus"]]
    assert matching, [f.to_dict() for f in involved]
    finding = matching[0]
    assert finding.severity == expected["severity"]
    shape_findings = [f for f in report.findings if f.shape == finding.shape]
    named = {s.rsplit("/", 1)[1] for f in shape_findings for s in f.sources}
    assert set(expected["sources"]) <= named
    assert all(s.quote for f in shape_findings for v in f.values for s in v.statements)


def read_files_with_id(case: Path, intake: Intake):
    """Read a case's mapping and text with the case name as source id."""
    from kg.validation.intake import from_mapping

    return from_mapping((case / "mapping.yaml").read_text(), (case / "text.txt").read_text(), source_id=case.name,
                        vocabulary=intake.vocabulary, known=intake.known(), name=str(case / "mapping.yaml"))


def test_contradicting_source_is_rejected_and_nothing_is_written(intake):
    candidate = read_files_with_id(HERE / "cases" / "sources" / "conference-8-in-2023", intake)
    before = quads(intake.store)
    with pytest.raises(Rejected) as caught:
        intake.add(candidate)
    assert caught.value.status == 422 and not caught.value.report.conforms
    assert quads(intake.store) == before
    assert not intake.accepted_dir.exists() or not any(intake.accepted_dir.iterdir())


def test_override_needs_a_reason_and_is_recorded(intake):
    candidate = read_files_with_id(HERE / "cases" / "sources" / "conference-8-in-2023", intake)
    with pytest.raises(Rejected):
        intake.add(candidate, override_reason="  ")
    intake.add(candidate, override_reason="the organiser's own page gives 2023")
    record = intake.record("conference-8-in-2023")
    assert record["override_reason"] == "the organiser's own page gives 2023" and record["violations"] >= 1
    assert record["report"]["conforms"] is False


def test_accepted_source_is_queryable_at_once_and_kept(intake):
    candidate = read_files_with_id(HERE / "cases" / "sources" / "agreeing-source", intake)
    intake.add(candidate)
    assert str(source_graph("agreeing-source")) in graph_names(intake.store, SOURCE_GRAPHS)
    folder = intake.accepted_dir / "agreeing-source"
    assert sorted(p.name for p in folder.iterdir()) == ["accepted.json", "graph.nq", "mapping.yaml", "report.json", "text.txt"]
    with pytest.raises(Conflict):
        intake.add(candidate)


@pytest.mark.slow
def test_rebuild_keeps_accepted_sources(intake, project, tmp_path):
    import shutil

    intake.add(read_files_with_id(HERE / "cases" / "sources" / "agreeing-source", intake))
    root = tmp_path / "project"
    for folder in ("ontology", "authority", "seeds", "mappings", "shapes"):
        shutil.copytree(project.root / folder, root / folder)
    shutil.copytree(intake.accepted_dir, root / "accepted")
    names = {str(g.identifier) for g in build(Project(root)).dataset.graphs()}
    assert str(source_graph("agreeing-source")) in names


def test_crash_between_files_and_store_is_recovered(intake):
    candidate = read_files_with_id(HERE / "cases" / "sources" / "agreeing-source", intake)
    intake.add(candidate)
    graph = source_graph("agreeing-source")
    intake.store.remove_graph(__import__("pyoxigraph").NamedNode(str(graph)))  # as if the store write was lost
    assert intake.recover() == ["agreeing-source"]
    assert str(graph) in graph_names(intake.store, SOURCE_GRAPHS)


def test_failed_file_write_leaves_nothing(intake, monkeypatch):
    candidate = read_files_with_id(HERE / "cases" / "sources" / "agreeing-source", intake)
    before = quads(intake.store)

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("kg.validation.intake.os.fsync", boom)
    with pytest.raises(OSError):
        intake.add(candidate)
    assert quads(intake.store) == before
    assert [p for p in intake.accepted_dir.iterdir()] == []


@pytest.mark.parametrize(
    "data, message",
    [
        ("<a> <b> .", "not valid turtle"),
        ("@prefix rats: <https://w3id.org/sco-rats/ontology#> . <https://w3id.org/sco-rats/x> a rats:Meeting .",
         "exactly one rats:Source"),
        ("@prefix rats: <https://w3id.org/sco-rats/ontology#> . <https://w3id.org/sco-rats/source/s1> a rats:Source ; "
         "rats:frobnicate 1 .", "unknown term"),
        ("@prefix rats: <https://w3id.org/sco-rats/ontology#> . <https://w3id.org/sco-rats/source/s1> a rats:Source ; "
         "rats:publisher <https://w3id.org/sco-rats/org/nowhere> .", "unknown entity"),
    ],
)
def test_bad_rdf_is_refused_with_a_message(intake, data, message):
    with pytest.raises(BadRequest, match=message):
        from_rdf(data, format_="turtle", name="upload.ttl", vocabulary=intake.vocabulary, known=intake.known())


def test_rdf_source_is_checked_like_a_mapping(intake, built):
    stated = built.sources[2].stated.serialize(format="turtle").replace("002_cdc5ba49de91e49a", "copy-of-002")
    candidate = from_rdf(stated, format_="turtle", name="copy.ttl", vocabulary=intake.vocabulary, known=intake.known())
    assert candidate.source_id == "copy-of-002"
    report = intake.check(candidate)
    assert report.conforms  # it agrees with 002 in everything


def test_files_must_be_a_mapping_and_text_or_one_rdf_file(intake, tmp_path):
    with pytest.raises(BadRequest, match="no such file"):
        read_files([tmp_path / "missing.yaml"], vocabulary=intake.vocabulary, known=set())
    (tmp_path / "a.csv").write_text("x")
    with pytest.raises(BadRequest, match="give a mapping"):
        read_files([tmp_path / "a.csv"], vocabulary=intake.vocabulary, known=set())


@pytest.mark.slow
def test_accepted_source_enters_the_wikibase_view_as_a_rebuild_would(project, vocabulary, validator, tmp_path):
    """Intake adds the source's part of the view; the result equals the view a full build makes."""
    import shutil

    import pyoxigraph as ox

    from kg.validation.intake import from_mapping
    from kg.store.embedded import load_graphs, open_store, quads_of, refresh_default_graph
    from kg.wikidata.wikibase import WIKIBASE_GRAPH

    held_back = "003_447af5d37e1149f2"
    root = tmp_path / "project"
    for folder in ("ontology", "authority", "seeds", "mappings", "shapes", "curation"):
        shutil.copytree(project.root / folder, root / folder)
    texts = {name: (root / folder / f"{held_back}{suffix}").read_text(encoding="utf-8")
             for name, folder, suffix in (("mapping", "mappings", ".yaml"), ("text", "seeds", ".txt"))}
    for folder, suffix in (("mappings", ".yaml"), ("seeds", ".txt")):
        (root / folder / f"{held_back}{suffix}").unlink()
    store = open_store(tmp_path / "store")
    partial = build(Project(root)).dataset
    load_graphs(store, partial.graphs())
    refresh_default_graph(store)
    intake = Intake(store, validator, vocabulary, tmp_path / "accepted", Curation())
    intake.add(from_mapping(texts["mapping"], texts["text"], source_id=held_back, vocabulary=vocabulary,
                            known=intake.known(), name="mapping.yaml"))
    full = ox.Store()  # the seeds with nothing held back, through the store so literals compare canonically
    full.extend(quads_of([build(project).dataset.graph(WIKIBASE_GRAPH)]))
    view = ox.NamedNode(str(WIKIBASE_GRAPH))
    assert {q.triple for q in store.quads_for_pattern(None, None, None, view)} == \
        {q.triple for q in full.quads_for_pattern(None, None, None, view)}


def test_a_new_value_does_not_outrank_a_curators_preference(writable_store, validator, vocabulary, tmp_path):
    from kg.wikidata.curation import BEST_RANK_REPAIR, Curation, load_preferences

    curation_file = tmp_path / "preferred.yaml"
    curation_file.write_text("- item: https://w3id.org/sco-rats/meeting/rats-conference/8\n"
                             "  property: P580\n  value: 2022-11-08T00:00:00Z\n  reason: the organiser's own page\n")
    store = writable_store
    intake = Intake(store, validator, vocabulary, tmp_path / "accepted",
                    Curation(tuple(load_preferences(curation_file)), {}))
    # the store was built without the preference: give the 2022 statement its preferred rank first
    store.update("""PREFIX wikibase: <http://wikiba.se/ontology#>
        DELETE { GRAPH ?g { ?s wikibase:rank wikibase:NormalRank } } INSERT { GRAPH ?g { ?s wikibase:rank wikibase:PreferredRank } }
        WHERE { GRAPH ?g { ?s <http://www.wikidata.org/prop/statement/P580> "2022-11-08T00:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime> } }""")
    candidate = read_files_with_id(HERE / "cases" / "sources" / "conference-8-in-2023", intake)
    intake.add(candidate, override_reason="testing ranks")
    rows = store.query("""PREFIX wikibase: <http://wikiba.se/ontology#>
        SELECT ?start ?best WHERE { GRAPH ?g {
          <https://w3id.org/sco-rats/wikibase/entity/meeting-rats-conference-8> <http://www.wikidata.org/prop/P580> ?s .
          ?s <http://www.wikidata.org/prop/statement/P580> ?start .
          BIND(EXISTS { ?s a wikibase:BestRank } AS ?best) } }""")
    ranks = {str(r["start"].value)[:10]: r["best"].value == "true" for r in rows}
    assert ranks == {"2022-11-08": True, "2023-11-14": False}
    truthy = store.query("SELECT ?v WHERE { <https://w3id.org/sco-rats/wikibase/entity/meeting-rats-conference-8> "
                         "<http://www.wikidata.org/prop/direct/P580> ?v }")
    assert [str(r["v"].value)[:10] for r in truthy] == ["2022-11-08"]
    before = set(store)
    store.update(BEST_RANK_REPAIR)
    assert set(store) == before  # the repair is idempotent


def test_a_stated_day_and_an_inferred_year_are_accepted_and_rebuilt(intake, project, validator, tmp_path):
    """A stated --09-04 and an inferred 2024-09-04: one value each in its own graph, so neither
    intake, nor the whole-graph validation afterwards, nor a rebuild finds two start dates."""
    import shutil

    report = intake.add(read_files_with_id(HERE / "cases" / "sources" / "stated-day-inferred-year", intake))
    assert report.conforms, report.to_text()
    whole = validator.validate_store(intake.store)
    assert whole.counts["Violation"] == 0, whole.to_text()
    root = tmp_path / "project"
    for folder in ("ontology", "authority", "seeds", "mappings", "shapes"):
        shutil.copytree(project.root / folder, root / folder)
    shutil.copytree(intake.accepted_dir, root / "accepted")
    rebuilt = build(Project(root))
    assert BASE + "graph/inferred/stated-day-inferred-year" in {str(g.identifier) for g in rebuilt.dataset.graphs()}
    assert rebuilt.accepted == ["stated-day-inferred-year"]  # what `kg build` counts among its sources


def test_two_inferred_start_dates_are_still_counted(intake):
    """Counting stated and inferred values apart still counts each: an inferred graph giving a
    meeting two start dates breaks the source shape."""
    case = HERE / "cases" / "sources" / "stated-day-inferred-year"
    mapping = (case / "mapping.yaml").read_text().replace('startDate: "2024-09-04"',
                                                           'startDate: ["2024-09-04", "2023-09-04"]')
    from kg.validation.intake import from_mapping

    candidate = from_mapping(mapping, (case / "text.txt").read_text(), source_id="two-inferred",
                             vocabulary=intake.vocabulary, known=intake.known())
    report = intake.check(candidate)
    start = [f for f in report.findings if f.severity == "Violation" and f.path and f.path.endswith("#startDate")]
    assert start and any("Stated and inferred values are counted apart" in m for f in start for m in f.messages)


def test_intake_runs_the_builds_checks_before_writing(intake):
    """What broke: a meeting typed by a fact but never labelled was accepted, and every later
    ``kg build`` failed with "unlabelled-entity-violation returned 1 rows", naming nothing."""
    candidate = read_files_with_id(HERE / "cases" / "sources" / "unlabelled-meeting", intake)
    before = quads(intake.store)
    with pytest.raises(Rejected) as caught:
        intake.add(candidate, override_reason="an override cannot make the build pass")
    message = caught.value.message
    assert "meeting/rats-expert-group/unlabelled" in message and "unlabelled-meeting" in message
    assert "kg build" in message
    assert quads(intake.store) == before
    assert not intake.accepted_dir.exists() or not any(intake.accepted_dir.iterdir())


def test_the_refusal_names_the_override_flags(intake):
    candidate = read_files_with_id(HERE / "cases" / "sources" / "conference-8-in-2023", intake)
    with pytest.raises(Rejected) as caught:
        intake.add(candidate)
    assert "--accept-violations --reason" in caught.value.message


def test_reports_show_the_evidence_of_inferred_values(intake, validator):
    """What broke: a finding on an inferred value of an accepted source showed ``[0:0]: “”``
    (and the whole-graph report no statement at all)."""
    from kg.validation.intake import from_mapping

    intake.add(read_files_with_id(HERE / "cases" / "sources" / "stated-day-inferred-year", intake))
    text = "The Council of the SCO RATS met in Astana on 5 September 2024."
    mapping = f"""
source: {{language: en}}
facts:
  - subject: meeting/rats-council/2024-09
    quote: {text}
    a: CouncilMeeting
    startDate: "2024-09-05"
"""
    candidate = from_mapping(mapping, text, source_id="fifth-of-september", vocabulary=intake.vocabulary,
                             known=intake.known())
    for report in (intake.check(candidate), None):
        if report is None:
            intake.add(candidate, override_reason="test: both sides kept")
            report = validator.validate_store(intake.store)
        [finding] = [f for f in report.findings if f.shape.endswith("#OneDateRangePerMeeting")]
        statements = [s for v in finding.values if v.value == "2024-09-04" for s in v.statements]
        assert {s.quote for s in statements} == {"On 4 September", "Astana, 2024: the meeting closed the year"}
        assert all(s.inferred and s.end > s.start and "places it in 2024" in s.derivation for s in statements)
        as_json = json.dumps(report.to_dict())
        assert '"inferred": true' in as_json and "places it in 2024" in as_json
        assert "inferred from: \u201c" in report.to_text() and "derivation: The text dates" in report.to_text()
        assert "inferred</span> from" in report.render("html")


def test_a_different_name_still_warns(intake):
    """Transliteration and case forms are known; a name that is not the person's still warns."""
    from kg.validation.intake import from_mapping

    case = HERE / "cases" / "sources" / "cyrillic-spellings"
    text = (case / "text.txt").read_text().replace("Руслан Мирзаев", "Руслан Петров")
    mapping = (case / "mapping.yaml").read_text().replace("Руслан Мирзаев", "Руслан Петров")
    candidate = from_mapping(mapping, text, source_id="other-name", vocabulary=intake.vocabulary, known=intake.known())
    report = intake.check(candidate)
    flagged = [f for f in report.findings if f.severity == "Warning" and f.focus.endswith("/person/ruslan-mirzayev")]
    assert flagged and any("Руслан Петров" in m for f in flagged for m in f.messages)
    assert not [f for f in report.findings if f.focus.endswith("/person/rajinder-khanna")]


def test_a_mapping_records_a_spelling_with_its_quote(intake):
    case = HERE / "cases" / "sources" / "cyrillic-spellings"
    candidate = read_files_with_id(case, intake)
    from rdflib import Literal
    from rdflib.namespace import SKOS

    person = URIRef(BASE + "person/rajinder-khanna")
    assert (person, SKOS.altLabel, Literal("Раджиндером Ханной", lang="ru")) in candidate.stated
    evidence = [e for e in candidate.stated.subjects(URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate"),
                                                     SKOS.altLabel)]
    assert evidence
