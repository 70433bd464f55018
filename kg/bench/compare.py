"""What ``kg bench`` measures ``kg serve`` against, in the same run and on the same files.

* :func:`in_memory` loads the store into a pyoxigraph store in memory, in this process: the
  engine's own speed, with no HTTP, no worker and no disk (the limit the issue sets the target
  by).
* :class:`OxigraphServer` runs Oxigraph's own server (``oxigraph serve-read-only
  --union-default-graph``, from PyPI's ``oxigraph``) on the store's directory.
* :func:`wrk` measures throughput and latency percentiles with wrk (Debian's ``wrk``): a load
  generator written in C, which costs the shared cores far less than any Python client.
"""

from __future__ import annotations

import ctypes
import gc
import json
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox

from kg.bench.server_process import free_port, stop_process
from kg.store.workers import memory_kb

_WRK_REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK {"requests": %d, "seconds": %f, "socket_errors": %d, "non_2xx": %d, '
    .. '"p50_ms": %f, "p95_ms": %f, "p99_ms": %f, "mean_ms": %f}\\n', summary.requests, summary.duration / 1e6,
    e.connect + e.read + e.write + e.timeout, e.status, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.mean / 1000))
end
"""


def in_memory(location: Path) -> tuple[ox.Store, float]:
    """The store at ``location`` loaded into memory in this process, and the seconds it took."""
    started = time.perf_counter()
    store = ox.Store()
    with tempfile.TemporaryDirectory(prefix="kg-bench-dump-") as scratch:
        dump = Path(scratch) / "store.nq"
        ox.Store.read_only(str(location)).dump(str(dump), format=ox.RdfFormat.N_QUADS)
        store.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
    return store, time.perf_counter() - started


def release_memory() -> None:
    """Collect garbage and hand the heap's free pages back to the system.

    A dropped in-memory store leaves its many small allocations free in glibc's heap, not
    returned: at 1M quads the process kept 623 of its 695 MB until ``malloc_trim``, then 44 MB.
    Elsewhere (another C library) only the collection is done.
    """
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def oxigraph_command() -> str:
    """The ``oxigraph`` command installed beside this Python (PyPI's ``oxigraph``), or on the PATH."""
    beside = Path(sys.executable).with_name("oxigraph")
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if not found:
        raise RuntimeError("the oxigraph server is not installed: pip install oxigraph")
    return found


class OxigraphServer:
    """``oxigraph serve-read-only`` on the store at ``location``, on a free loopback port."""

    def __init__(self, location: Path, *, start_timeout: float = 120):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/query"
        started = time.perf_counter()
        self.process = subprocess.Popen(
            [oxigraph_command(), "serve-read-only", "--location", str(location), "--union-default-graph",
             "--bind", f"127.0.0.1:{self.port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        probe = self.url + "?" + urllib.parse.urlencode({"query": "ASK {}"})
        while time.perf_counter() - started < start_timeout:
            if self.process.poll() is not None:
                raise RuntimeError(f"oxigraph serve-read-only exited with status {self.process.returncode}")
            try:
                with urllib.request.urlopen(probe, timeout=5):  # noqa: S310 - our own loopback server
                    self.start_seconds = time.perf_counter() - started
                    return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"oxigraph serve-read-only did not answer within {start_timeout:.0f} s")

    def stop(self) -> None:
        stop_process(self.process)

    def __enter__(self) -> "OxigraphServer":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def wrk_command() -> str:
    found = shutil.which("wrk")
    if not found:
        raise RuntimeError("wrk is not installed: apt-get install wrk (the benchmark's load generator)")
    return found


def wrk(endpoint: str, query: str, *, seconds: float, connections: int, threads: int = 2,
        accept: str = "application/sparql-results+json", timeout_s: int = 60) -> dict:
    """Requests per second and latency percentiles of ``GET endpoint?query=...`` under ``connections``
    kept-alive connections for ``seconds``; refuses a run in which any answer was not a 2xx."""
    url = endpoint + "?" + urllib.parse.urlencode({"query": query})
    with tempfile.NamedTemporaryFile("w", suffix=".lua", prefix="kg-wrk-", delete=False) as script:
        script.write(_WRK_REPORT)
    try:
        run = subprocess.run(
            [wrk_command(), f"-t{min(threads, connections)}", f"-c{connections}", f"-d{max(1, round(seconds))}s",
             f"--timeout={timeout_s}s", "-H", f"Accept: {accept}", "-s", script.name, url],
            capture_output=True, text=True, timeout=seconds + timeout_s + 30, check=False)
    finally:
        Path(script.name).unlink(missing_ok=True)
    line = next((ln for ln in run.stdout.splitlines() if ln.startswith("WRK ")), None)
    if run.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed (status {run.returncode}): {run.stderr.strip() or run.stdout.strip()}")
    figures = json.loads(line[4:])
    if figures["non_2xx"] or figures["socket_errors"]:
        raise RuntimeError(f"{figures['non_2xx']} answers that were not 2xx and {figures['socket_errors']} socket "
                           f"errors from {endpoint}: the figures would not be of evaluated answers")
    figures["rps"] = figures["requests"] / figures["seconds"]
    return figures


def wrk_windows(endpoint: str, query: str, *, seconds: float, connections: int, windows: int = 3) -> dict:
    """:func:`wrk` ``windows`` times: the window of median throughput, with every window's rate beside it
    (on a shared machine one window can fall on a slow spell)."""
    runs = sorted((wrk(endpoint, query, seconds=seconds, connections=connections) for _ in range(windows)),
                  key=lambda r: r["rps"])
    median = dict(runs[len(runs) // 2])
    median["windows_rps"] = [r["rps"] for r in runs]
    return median


def tree_memory_mb(pid: int) -> dict:
    """Memory of ``pid`` and its descendants: ``pss`` counts a page shared by n of them 1/n in each
    (their real total: forked workers share the in-memory copy), ``rss_sum`` counts it in each."""
    rollups = [memory_kb(process) for process in _tree(pid)]
    return {"pss": sum(r.get("Pss", 0) for r in rollups) / 1024,
            "rss_sum": sum(r.get("Rss", 0) for r in rollups) / 1024}


def _tree(pid: int) -> list[int]:
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                pending.extend(int(child) for child in task.read_text().split())
            except OSError:
                continue
    return found
