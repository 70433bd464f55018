"""``kg bench`` works end to end at a tiny size (it is a benchmark, not a timed test): kg serve,
the in-memory limit and Oxigraph server side by side, throughput from wrk."""

import shutil

import pytest

from kg.bench.measure import growth, run_bench, table

needs_wrk = pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed (apt-get install wrk)")


@pytest.mark.slow
@needs_wrk
def test_bench_runs_and_reports_every_figure(project):
    figures = run_bench(3000, project=project, runs=2, seconds=1, clients=2)
    assert figures["quads"] >= 3000 and figures["sources"] >= 1
    assert {"meetings", "aggregate: triples per predicate"} <= set(figures["queries"])
    for row in figures["queries"].values():
        assert row["kg_ratio"] > 0 and row["oxigraph_ratio"] > 0 and row["in_memory_ms"]["median"] > 0
    for name in ("kg_light", "oxigraph_light", "kg_cached_light", "kg_heavy", "oxigraph_heavy"):
        row = figures[name]
        assert row["requests"] > 0 and 0 < row["p50_ms"] <= row["p95_ms"] <= row["p99_ms"], name
        assert len(row["windows_rps"]) == 3 and min(row["windows_rps"]) <= row["rps"] <= max(row["windows_rps"])
    assert figures["cached_answer_hit"] and figures["accepted_seen_in_memory"]
    assert figures["accept_source_ms"]["median"] > 0 and figures["validate_new_source_ms"]["median"] > 0
    assert 0 < figures["server_start_s"] <= figures["server_in_memory_s"] < 120
    assert 10 < figures["server_memory_mb"]["pss"] <= figures["server_memory_mb"]["rss_sum"]
    assert all(isinstance(met, bool) for met in figures["targets"].values()) and len(figures["targets"]) == 9
    text = table(figures)
    assert "throughput with wrk, 2 connections" in text and "Oxigraph server" in text and "[met]" in text
    assert growth([figures, figures]).count(f"{figures['quads']:>10,}") == 2
