"""``kg bench`` works end to end at a tiny size (it is a benchmark, not a timed test)."""

from kg.bench import run_bench, table


def test_bench_runs_and_reports_every_figure(project):
    figures = run_bench(3000, project=project, runs=2, seconds=0.3, clients=2)
    assert figures["quads"] >= 3000 and figures["sources"] >= 1
    assert {"meetings", "aggregate: triples per predicate"} <= set(figures["queries"])
    assert figures["throughput_light_rps"] > 0 and figures["validate_new_source_ms"]["median"] > 0 and figures["throughput_light_cached_rps"] > 0
    assert "throughput, 8 clients" in table(figures)
