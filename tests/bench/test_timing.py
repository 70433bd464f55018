"""The bench's timing helpers: medians, paired runs, and one run stopped at its time limit."""

import time

import pytest

from kg.bench.timing import once_within, paired_timings, summary, timings


def test_a_summary_gives_the_median_and_the_p95():
    assert summary([5.0, 1.0, 3.0]) == {"median": 3.0, "p95": 5.0}


def test_timings_without_runs_give_the_warm_up_itself():
    calls = []
    assert timings(lambda: calls.append(1), 0)["median"] >= 0 and calls == [1]
    timings(lambda: calls.append(1), 3)
    assert len(calls) == 5  # a warm-up, then three runs


def test_paired_timings_give_the_median_of_each_pair_s_ratio():
    first, second, ratio = paired_timings(lambda: time.sleep(0.002), lambda: time.sleep(0.006), 3)
    assert first["median"] < second["median"] and 1.5 < ratio < 6


def test_a_call_within_the_limit_is_timed_in_a_fork_that_sees_this_process_s_memory():
    held = list(range(100_000))  # made before the fork: the fork reads it without a copy
    elapsed = once_within(lambda: sum(held) == 4_999_950_000 or time.sleep(10), 5)
    assert elapsed is not None and elapsed < 5000


def test_a_call_over_the_limit_is_stopped_and_gives_none():
    started = time.perf_counter()
    assert once_within(lambda: time.sleep(30), 0.3) is None
    assert time.perf_counter() - started < 5  # the fork was killed, not waited for


def test_a_call_that_fails_in_its_fork_is_an_error_not_a_time():
    with pytest.raises(RuntimeError, match="failed in its process"):
        once_within(lambda: 1 / 0, 5)
