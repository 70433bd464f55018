"""``kg bench``'s figures as tables (kg/bench/report.py): each target met or MISSED, a server that
answered nothing in a window said in words, and how the figures grow between sizes."""

from __future__ import annotations

import copy

import pytest

from kg.bench.report import TARGETS, growth, start_limit, table, targets


def wrk_row(rps: float) -> dict:
    return {"rps": rps, "windows_rps": [rps * 0.9, rps, rps * 1.1], "p50_ms": 1.0, "p95_ms": 2.0, "p99_ms": 3.0}


def summary(median: float) -> dict:
    return {"median": median, "p95": median * 2}


@pytest.fixture
def figures() -> dict:
    """Figures that meet every target."""
    return {
        "quads": 1_000_000, "sources": 2_500, "generate_s": 60.0, "load_s": 10.0, "in_memory_load_s": 20.0,
        "server_start_s": 2.0, "server_in_memory_s": 40.0, "server_peak_rss_mb": 3000,
        "server_memory_loaded_mb": {"pss": 600, "rss_sum": 900}, "server_memory_mb": {"pss": 2000, "rss_sum": 3000},
        "oxigraph_start_s": 1.0, "oxigraph_memory_mb": {"pss": 500},
        "queries": {"aggregate": {"heavy": True, "in_memory_ms": summary(300), "kg_ms": summary(330), "kg_ratio": 1.1,
                                  "oxigraph_ms": summary(600), "oxigraph_ratio": 2.0},
                    "light": {"heavy": False, "in_memory_ms": summary(4), "kg_ms": summary(20), "kg_ratio": 5.0}},
        "clients": 8, "kg_light": wrk_row(9000), "oxigraph_light": wrk_row(10000), "kg_cached_light": wrk_row(25000),
        "kg_heavy": wrk_row(3), "oxigraph_heavy": wrk_row(2), "cached_answer_hit": True,
        "new_source_facts": 12, "validate_new_source_ms": summary(20), "accept_source_ms": summary(100),
        "accepted_seen_in_memory": True, "validate_whole_s": 20.0,
    }


def test_figures_within_every_target_meet_them_all(figures):
    met = targets(figures)
    assert len(met) == 9 and all(met.values()), [t for t, ok in met.items() if not ok]


@pytest.mark.parametrize("change, missed", [
    (lambda f: f["queries"]["aggregate"].update(kg_ratio=1.5), "heavy queries"),
    (lambda f: f["queries"]["aggregate"].update(heavy=False), "heavy queries"),  # no heavy query: not shown met
    (lambda f: f["kg_light"].update(rps=7000), "evaluated"),
    (lambda f: f.update(cached_answer_hit=False), "answer cache"),
    (lambda f: f["validate_new_source_ms"].update(median=80), "validated in under"),
    (lambda f: f.update(accepted_seen_in_memory=False), "accepted"),
    (lambda f: f.update(validate_whole_s=31), "whole graph"),
    (lambda f: f.update(server_start_s=11), "answering within"),
    (lambda f: f["server_memory_loaded_mb"].update(pss=9000), "GB"),
])
def test_each_target_is_missed_on_its_own(figures, change, missed):
    change(figures)
    missing = [target for target, ok in targets(figures).items() if not ok]
    assert len(missing) == 1 and missed in missing[0], missing


def test_a_larger_graph_has_longer_to_start(figures):
    assert start_limit(figures) == TARGETS["start_s"]
    figures.update(quads=3_000_000, server_start_s=30)
    assert start_limit(figures) == TARGETS["start_large_s"] and all(targets(figures).values())


def test_the_table_marks_each_target_and_every_figure(figures):
    figures["targets"] = targets(figures)
    figures["targets"]["an invented target"] = False
    text = table(figures)
    assert "quads 1,000,000 in 2,500 sources" in text and "aggregate *" in text
    assert text.count("[met]") == 9 and "[MISSED] an invented target" in text
    assert "kg serve / Oxigraph server: light 0.90, with the cache 2.50, heavy 1.50" in text


def test_a_server_that_answered_nothing_gives_no_ratio(figures):
    figures["oxigraph_light"] = wrk_row(0)
    figures["targets"] = targets(figures)
    assert "- (no answer from Oxigraph server within a window)" in table(figures)
    assert not figures["targets"][next(t for t in figures["targets"] if "evaluated" in t)]


def test_growth_has_a_line_per_size(figures):
    larger = copy.deepcopy(figures)
    larger["quads"] = 2_000_000
    lines = growth([figures, larger]).splitlines()
    assert lines[0].startswith("growth") and "aggregate" in lines[1] and "light" in lines[1]
    assert [line.split()[0] for line in lines[2:]] == ["1,000,000", "2,000,000"]


def test_a_query_over_the_limit_or_refused_is_said_in_words(figures):
    """A query slower in memory than kg serve's limit is stopped there (it has no time) and not
    timed over HTTP, and a server's refusal is kept: the table says so on the next line instead
    of failing, and the growth table leaves its cell empty."""
    figures["queries"]["disagreements"] = {"heavy": False, "over_limit": True, "in_memory_ms": None}
    figures["queries"]["light"]["oxigraph_error"] = "the endpoint answered HTTP/1.1 500: b'boom'"
    figures["targets"] = targets(figures)
    text = table(figures)
    assert "^ over kg serve's time limit in memory, in-process (stopped there): not timed over HTTP" in text
    assert next(line for line in text.splitlines() if line.startswith("disagreements")).split()[1] == "-"
    assert "^ oxigraph: the endpoint answered HTTP/1.1 500" in text
    assert growth([figures]).splitlines()[-1].split()[-1] == "-"


def test_a_throughput_without_figures_says_why_and_misses_its_targets(figures):
    """At 10M quads, eight heavy queries at once can outlast wrk's time-out: the row says so."""
    figures["oxigraph_heavy"] = {"rps": 0.0, "error": "0 answers that were not 2xx and 8 socket errors"}
    figures["kg_light"] = {"rps": 0.0, "error": "wrk failed (status 1): boom"}
    figures["targets"] = targets(figures)
    text = table(figures)
    assert "heavy (aggregate), Oxigraph   no figure: 0 answers that were not 2xx and 8 socket errors" in text
    assert "light query, kg serve         no figure: wrk failed (status 1): boom" in text
    assert not figures["targets"][next(t for t in figures["targets"] if "evaluated" in t)]
