"""How ``kg bench`` times a call: medians and p95s, paired runs, and one run under a time limit."""

from __future__ import annotations

import os
import select
import signal
import statistics
import struct
import time
from collections.abc import Callable


def timings(call: Callable, runs: int) -> dict:
    """The median and p95 of ``runs`` calls after a warm-up (``runs=0``: the warm-up's own time)."""
    samples = []
    started = time.perf_counter()
    call()  # warm up
    if not runs:
        return summary([(time.perf_counter() - started) * 1000])
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return summary(samples)


def summary(samples: list[float]) -> dict:
    samples = sorted(samples)
    return {"median": statistics.median(samples), "p95": samples[min(len(samples) - 1, int(len(samples) * 0.95))]}


def paired_timings(first: Callable, second: Callable, runs: int) -> tuple[dict, dict, float | None]:
    """Time two ways of doing the same thing in turn, so that whatever else the machine does
    (caches filling, another process, a slow spell) weighs on both alike; return the summary of
    each and the median of the pairs' ratios (second / first). A ratio of the two medians would
    lose the pairing: on a noisy machine the two medians can fall on different spells."""
    samples: tuple[list, list] = ([], [])
    first(), second()  # warm up
    for _ in range(runs):
        for call, kept in ((first, samples[0]), (second, samples[1])):
            started = time.perf_counter()
            call()
            kept.append((time.perf_counter() - started) * 1000)
    ratio = statistics.median(b / a for a, b in zip(*samples, strict=True)) if all(samples[0]) else None
    return summary(samples[0]), summary(samples[1]), ratio


def once_within(call: Callable, seconds: float) -> float | None:
    """The milliseconds one ``call`` takes, or None when it takes longer than ``seconds``.

    pyoxigraph cannot stop a query it evaluates, and at ten million quads one named query runs
    for many minutes in memory: so the call runs in a fork of this process (which shares the
    in-memory store's pages, copy on write), and the fork is killed when the time is up. The
    call must not depend on a lock another thread may hold (the bench's threads are idle here).
    """
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the fork: time the call, report, and leave without running any exit handler
        status = 1
        try:
            os.close(read)
            started = time.perf_counter()
            call()
            os.write(write, struct.pack("d", (time.perf_counter() - started) * 1000))
            status = 0
        finally:
            os._exit(status)
    os.close(write)
    try:
        ready, _, _ = select.select([read], [], [], seconds)
        reported = os.read(read, 8) if ready else b""
    finally:
        os.close(read)
        if not reported:
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    if len(reported) == 8:
        return struct.unpack("d", reported)[0]
    if ready:
        raise RuntimeError("the timed call failed in its process (see its traceback above)")
    return None
