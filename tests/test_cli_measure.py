"""The measuring commands (kg/cli_measure.py): ``kg bench``, ``kg bench-draft`` and ``kg conformance``
on the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.cli import cli

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_bench_draft_prints_the_tables_and_the_targets(runner):
    result = runner.invoke(cli, ["bench-draft", "--root", str(ROOT)])
    assert result.exit_code == 0, result.output
    for line in ("Per source", "Per kind of fact:", "| statistic |", "Per language:", "Targets:", "slowest draft"):
        assert line in result.output
    assert "000_1db01a3067431b98" in result.output


def test_bench_needs_a_size_of_at_least_a_thousand_quads(runner):
    result = runner.invoke(cli, ["bench", "--size", "10"])
    assert result.exit_code == 2 and "10 is not in the range x>=1000" in result.output


def test_bench_takes_fewer_runs_and_shorter_windows_for_a_quick_look(runner, monkeypatch):
    from kg.bench import measure

    asked = {}
    monkeypatch.setattr(measure, "run_bench", lambda size, **kwargs: asked.update(size=size, **kwargs) or {})
    monkeypatch.setattr(measure, "table", lambda figures: "the table")
    result = runner.invoke(cli, ["bench", "--size", "2000", "--runs", "3", "--seconds", "1"])
    assert result.exit_code == 0, result.output
    assert (asked["size"], asked["runs"], asked["seconds"]) == (2000, 3, 1.0) and "the table" in result.output
    assert "0 is not in the range x>=1" in runner.invoke(cli, ["bench", "--runs", "0"]).output


def test_conformance_hands_its_arguments_to_the_runner(runner, tmp_path):
    result = runner.invoke(cli, ["conformance", str(tmp_path)])
    assert result.exit_code == 2 and f"no W3C SPARQL 1.1 suite in {tmp_path}" in result.output
    usage = runner.invoke(cli, ["conformance", "--help"])  # the runner's own options, not click's
    assert usage.exit_code == 0 and "--folder FOLDER" in usage.output and "--json JSON" in usage.output
