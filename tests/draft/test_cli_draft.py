"""``kg draft`` and ``kg bench-draft`` on the command line; a draft passes ``kg validate --source``."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import URIRef

from kg.bench.draft import Score, SourceResult, compare, table
from kg.cli import cli
from kg.namespaces import RATS
from kg.store.embedded import load_graphs, open_store

ROOT = Path(__file__).resolve().parent.parent.parent
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


def test_a_drafted_fact_is_right_only_with_the_same_triple_and_an_overlapping_quote():
    s, meeting = URIRef("https://w3id.org/sco-rats/meeting/rats-council/40"), RATS.editionNumber
    curated = {(s, meeting, "40"): [(10, 30)], (s, RATS.location, "astana"): [(40, 50)]}
    drafted = {(s, meeting, "40"): [(25, 60)], (s, RATS.location, "astana"): [(0, 5)], (s, RATS.title, "x"): [(1, 2)]}
    result = SourceResult("t", "en", 0.1, 0.1)
    compare(drafted, curated, {s: {RATS.CouncilMeeting}}, result)
    assert vars(result.kinds["meeting"]) == vars(Score(curated=2, drafted=3, right=1, found=1))
    assert "| meeting | 2 | 3 | 1 | 33% | 50% |" in table([result])


@pytest.mark.slow
def test_bench_draft_prints_the_tables_and_the_targets(runner):
    result = runner.invoke(cli, ["bench-draft", "--root", str(ROOT)])
    assert result.exit_code == 0, result.output
    for line in ("Per source", "Per kind of fact:", "| statistic |", "Per language:", "Targets:", "slowest draft"):
        assert line in result.output
    assert "000_1db01a3067431b98" in result.output
