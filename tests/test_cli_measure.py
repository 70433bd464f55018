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
