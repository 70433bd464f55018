"""``kg bench`` works end to end at a tiny size (it is a benchmark, not a timed test)."""

from kg.bench.measure import growth, run_bench, table


def test_bench_runs_and_reports_every_figure(project):
    figures = run_bench(3000, project=project, runs=2, seconds=0.3, clients=2)
    assert figures["quads"] >= 3000 and figures["sources"] >= 1
    assert {"meetings", "aggregate: triples per predicate"} <= set(figures["queries"])
    assert figures["throughput_light_rps"] > 0 and figures["validate_new_source_ms"]["median"] > 0
    assert figures["throughput_light_cached_rps"] > 0 and figures["throughput_light_cached_hit_share"] > 0.5
    windows = figures["throughput_light_windows_rps"]
    assert len(windows) == 3 and min(windows) <= figures["throughput_light_rps"] <= max(windows)
    assert all(q["ratio"] > 0 for q in figures["queries"].values())
    assert 0 < figures["server_start_s"] < 60 and figures["server_peak_rss_mb"] > 10
    assert all(isinstance(met, bool) for met in figures["targets"].values()) and len(figures["targets"]) == 7
    text = table(figures)
    assert "throughput, 2 clients" in text and "targets (set for 1M quads)" in text


def test_growth_table_has_a_row_per_run(project):
    figures = run_bench(2000, project=project, runs=1, seconds=0.2, clients=1)
    assert growth([figures, figures]).count(f"{figures['quads']:>10,}") == 2
