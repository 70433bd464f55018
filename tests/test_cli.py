"""The ``kg`` command line and its exit codes: 0 ok, 1 check failed, 2 usage or input error."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kg.cli import cli
from kg.store.embedded import load_graphs, open_store

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def built_store(tmp_path_factory):
    """A store built once by ``kg build`` for the read-only command tests."""
    from click.testing import CliRunner

    path = tmp_path_factory.mktemp("cli") / "store"
    result = CliRunner().invoke(cli, ["build", "--root", str(ROOT), "--store", str(path),
                                      "--graphs", str(path.parent / "graphs")])
    assert result.exit_code == 0, result.output
    return path


def test_build_writes_store_and_a_turtle_file_per_source(built_store):
    graphs = sorted(p.name for p in (built_store.parent / "graphs").glob("*.ttl"))
    assert graphs == [p.stem + ".ttl" for p in sorted((ROOT / "seeds").glob("*.txt"))]
    assert built_store.is_dir()


def test_query_table_lists_the_meetings(runner, built_store):
    result = runner.invoke(cli, ["query", "meetings", "--store", str(built_store), "--queries", str(ROOT / "queries")])
    assert result.exit_code == 0, result.output
    for expected in ("kg:meeting/rats-conference/5", "2017-11-01", "--11-06", "2022-11-09", "--11-08",
                     "kg:meeting/rats-council/40", "Astana", "Tashkent"):
        assert expected in result.output


def test_query_json_is_sparql_results_json(runner, built_store):
    result = runner.invoke(cli, ["query", "evidence", "-p", "subject=https://w3id.org/sco-rats/meeting/rats-council/40",
                                 "--format", "json", "--store", str(built_store), "--queries", str(ROOT / "queries")])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert "quote" in body["head"]["vars"] and body["results"]["bindings"]


def test_query_file(runner, built_store, tmp_path):
    path = tmp_path / "count.rq"
    path.write_text("#+ summary: count\nSELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/sco-rats/ontology#Meeting> }\n")
    result = runner.invoke(cli, ["query", str(path), "--format", "csv", "--store", str(built_store)])
    assert result.exit_code == 0 and result.output.splitlines()[0] == "n"


@pytest.mark.parametrize(
    "args, message",
    [
        (["query", "nope"], "no query named 'nope'"),
        (["query", "evidence"], "needs the parameter 'subject'"),
        (["query", "meetings", "--param", "oops"], "--param takes NAME=VALUE"),
        (["query", "meetings", "--format", "yaml"], "Invalid value for '--format'"),
        (["frobnicate"], "No such command"),
    ],
)
def test_usage_and_input_errors_exit_2(runner, built_store, args, message):
    result = runner.invoke(cli, args + (["--store", str(built_store), "--queries", str(ROOT / "queries")]
                                        if args[0] == "query" else []))
    assert result.exit_code == 2
    assert message in result.output


def test_failed_check_exits_1(runner, tmp_path):
    for folder in ("ontology", "authority", "seeds", "mappings", "shapes", "queries"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    shape = tmp_path / "shapes" / "source.ttl"
    shape.write_text(shape.read_text().replace("sh:path rats:sha256 ; sh:minCount 1", "sh:path rats:sha256 ; sh:minCount 2"))
    result = runner.invoke(cli, ["build", "--root", str(tmp_path), "--store", str(tmp_path / "store"),
                                 "--graphs", str(tmp_path / "graphs")])
    assert result.exit_code == 1
    assert "does not conform" in result.output
    assert not (tmp_path / "store").exists(), "a failed build must not leave a store behind"


def test_mapping_error_exits_2_and_names_file_and_fact(runner, tmp_path):
    for folder in ("ontology", "authority", "seeds", "mappings", "shapes", "queries"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    mapping = tmp_path / "mappings" / "002_cdc5ba49de91e49a.yaml"
    mapping.write_text(mapping.read_text().replace("editionNumber: \"8\"", "editionNumber: \"8\"\n    venue: city/tashkent"))
    result = runner.invoke(cli, ["build", "--root", str(tmp_path), "--store", str(tmp_path / "store")])
    assert result.exit_code == 2
    assert "002_cdc5ba49de91e49a.yaml, line 23, fact 2: unknown property 'venue'" in result.output


@pytest.mark.slow
def test_dump_and_load_round_trip(runner, built_store, tmp_path):
    for format_, suffix in (("nquads", "nq"), ("trig", "trig")):
        dump = tmp_path / f"all.{suffix}"
        result = runner.invoke(cli, ["dump", "--format", format_, "--store", str(built_store), "-o", str(dump)])
        assert result.exit_code == 0, result.output
        target = tmp_path / f"copy-{suffix}"
        result = runner.invoke(cli, ["load", str(dump), "--store", str(target)])
        assert result.exit_code == 0, result.output
        assert f"store holds {len(dump.read_text().strip().splitlines()) if suffix == 'nq' else ''}" in result.output


def test_load_malformed_file_exits_2_and_writes_nothing(runner, tmp_path):
    bad = tmp_path / "bad.nq"
    bad.write_text("<urn:a> <urn:b> <urn:c> <urn:g> .\n<urn:a> <urn:b> \"unterminated .\n")
    result = runner.invoke(cli, ["load", str(bad), "--store", str(tmp_path / "store")])
    assert result.exit_code == 2
    assert "bad.nq" in result.output and "nothing from this file was loaded" in result.output
    from kg.store.embedded import open_store

    assert len(open_store(tmp_path / "store", read_only=True)) == 0


def test_serve_without_store_is_an_input_error(runner, tmp_path):
    result = runner.invoke(cli, ["serve", "--store", str(tmp_path / "missing")])
    assert result.exit_code == 2 and "run 'kg build' first" in result.output


def test_validate_whole_graph_prints_the_report_and_exits_0_without_a_violation(runner, built_store):
    # the 25 sources contradict each other nowhere; the warnings are misspellings in the sources,
    # a date that does not fit its series and one Council meeting possibly under two names
    result = runner.invoke(cli, ["validate", "--store", str(built_store), "--root", str(ROOT)])
    assert result.exit_code == 0, result.output
    assert "Erlan Sagimbayev" in result.output and "0 violation(s), 8 warning(s), 5 note(s)" in result.output


@pytest.fixture
def project_with_store(tmp_path, built_store):
    for folder in ("ontology", "shapes"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    shutil.copytree(built_store, tmp_path / "store")
    return tmp_path


CASES = ROOT / "tests" / "cases" / "sources"


def test_validate_a_contradicting_source_exits_1_and_names_both(runner, project_with_store):
    case = CASES / "conference-8-in-2023"
    result = runner.invoke(cli, ["validate", "--source", str(case / "mapping.yaml"), "--source", str(case / "text.txt"),
                                 "--store", str(project_with_store / "store"), "--root", str(project_with_store),
                                 "--format", "json"])
    assert result.exit_code == 1
    body = json.loads(result.output)
    sources = {s for r in body["results"] for s in r["sources"]}
    assert {"https://w3id.org/sco-rats/source/002_cdc5ba49de91e49a", "https://w3id.org/sco-rats/source/text"} <= sources


@pytest.mark.slow
def test_add_source_accepts_rejects_and_refuses_duplicates(runner, project_with_store):
    store = ["--store", str(project_with_store / "store"), "--root", str(project_with_store)]
    good = CASES / "agreeing-source"
    result = runner.invoke(cli, ["add-source", str(good / "mapping.yaml"), str(good / "text.txt"), *store])
    assert result.exit_code == 0, result.output
    assert (project_with_store / "accepted" / "text" / "graph.nq").exists()
    again = runner.invoke(cli, ["add-source", str(good / "mapping.yaml"), str(good / "text.txt"), *store])
    assert again.exit_code == 2 and "already in the graph" in again.output
    bad = CASES / "member-and-observer"
    shutil.copy(bad / "mapping.yaml", project_with_store / "mongolia.yaml")
    shutil.copy(bad / "text.txt", project_with_store / "mongolia.txt")
    rejected = runner.invoke(cli, ["add-source", str(project_with_store / "mongolia.yaml"), *store])
    assert rejected.exit_code == 1 and "contradicts the graph" in rejected.output
    no_reason = runner.invoke(cli, ["add-source", str(project_with_store / "mongolia.yaml"), "--accept-violations", *store])
    assert no_reason.exit_code == 2 and "needs --reason" in no_reason.output
    forced = runner.invoke(cli, ["add-source", str(project_with_store / "mongolia.yaml"), "--accept-violations",
                                 "--reason", "checked", *store])
    assert forced.exit_code == 0, forced.output


@pytest.mark.slow
def test_serve_leaves_no_snapshot_behind(built, tmp_path, monkeypatch):
    """The query workers read checkpoints of the store (hard links to its files): kg serve
    removes them when it stops, or each run would keep the store's old files on disk."""
    from kg.bench.server_process import ServerProcess

    store = open_store(tmp_path / "store")
    load_graphs(store, built.dataset.graphs())
    store.flush()
    del store  # closed: the server opens it
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    with ServerProcess(tmp_path / "store", ["--rate-limit", "0"], log=tmp_path / "serve.log") as server:
        server.wait_for_log("queries are answered from memory", timeout=120)  # its checkpoint is gone once loaded
        assert [p.name for p in temp.glob("kg-serve-*/kg-snapshots-*/*")] == ["snapshot-0"]
    assert [p.name for p in temp.iterdir() if p.name.startswith("kg-")] == []


def test_an_ad_hoc_query_file_needs_no_header(runner, built_store, tmp_path):
    query = tmp_path / "count.rq"
    query.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/sco-rats/ontology#Source> }\n")
    result = runner.invoke(cli, ["query", str(query), "--store", str(built_store), "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1].strip() == str(len(list((ROOT / "seeds").glob("*.txt"))))


TEXT = ("TASHKENT, May 29 – The 10th scientific-practical conference of the SCO RATS was held in Tashkent on "
        "November 20-21, 2030. More than 500 participants from 30 countries gathered, said Ruslan Mirzayev, the "
        "director of the SCO RATS executive committee.")


@pytest.fixture
def store_dir(built, tmp_path):
    path = tmp_path / "store"
    store = open_store(path)
    load_graphs(store, built.dataset.graphs())
    del store
    return path


def test_a_draft_validates_against_the_graph(runner, store_dir, tmp_path):
    text = tmp_path / "new-source.txt"
    text.write_text(TEXT, encoding="utf-8")
    drafted = runner.invoke(cli, ["draft", str(text), "--root", str(ROOT)])
    assert drafted.exit_code == 0, drafted.output
    mapping = tmp_path / "new-source.yaml"
    mapping.write_text(drafted.output, encoding="utf-8")
    checked = runner.invoke(cli, ["validate", "--source", str(mapping), "--source", str(text),
                                  "--store", str(store_dir), "--root", str(ROOT)])
    assert checked.exit_code == 0, checked.output
    assert "meeting/rats-conference/10" in drafted.output and "value: '500'" in drafted.output


def test_draft_writes_a_file_and_refuses_bad_input(runner, tmp_path):
    text = tmp_path / "t.txt"
    text.write_text(TEXT, encoding="utf-8")
    out = tmp_path / "t.yaml"
    assert runner.invoke(cli, ["draft", str(text), "-o", str(out), "--root", str(ROOT)]).exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("# Draft mapping")
    missing = runner.invoke(cli, ["draft", str(tmp_path / "none.txt"), "--root", str(ROOT)])
    assert missing.exit_code == 2 and "no such file" in missing.output
    (tmp_path / "bad.txt").write_bytes(b"\xff\xfe\x00")
    bad = runner.invoke(cli, ["draft", str(tmp_path / "bad.txt"), "--root", str(ROOT)])
    assert bad.exit_code == 2 and "not UTF-8" in bad.output
    assert runner.invoke(cli, ["draft", str(text), "--language", "fr"]).exit_code == 2
