"""The side-by-side runs (kg/bench/compare.py): wrk refuses a run with failed answers, and the
memory of a process tree counts shared pages once."""

import shutil

import pytest

from kg.bench.compare import tree_memory_mb, wrk


needs_wrk = pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed (apt-get install wrk)")


@needs_wrk
def test_wrk_refuses_a_run_with_errors(tmp_path):
    """A figure of failed answers is no figure: a server that answers 4xx is reported, not timed."""
    import pyoxigraph as ox

    from kg.bench.compare import OxigraphServer

    empty = ox.Store(str(tmp_path / "empty"))
    empty.flush()
    del empty  # closed: the server opens it
    with OxigraphServer(tmp_path / "empty") as server, pytest.raises(RuntimeError, match="not 2xx"):
        wrk(server.url, "SELECT * WHERE { ?s ?p }", seconds=1, connections=1)


def test_memory_of_a_process_tree_counts_shared_pages_once():
    import os

    memory = tree_memory_mb(os.getpid())
    assert 0 < memory["pss"] <= memory["rss_sum"]


def test_a_dropped_in_memory_store_gives_its_memory_back():
    """The bench drops its in-memory copy before the throughput rows: the pages must leave the process."""
    import subprocess
    import sys

    script = """
import os, pyoxigraph as ox
from kg.bench.compare import release_memory
from kg.store.workers import memory_kb
rss = lambda: memory_kb(os.getpid())["Rss"]
before = rss()
store = ox.Store()
store.extend(ox.Quad(ox.NamedNode(f"urn:s{i}"), ox.NamedNode("urn:p"), ox.Literal(str(i)), ox.DefaultGraph())
             for i in range(300_000))
loaded = rss()
del store
release_memory()
print(loaded - before, rss() - before)
"""
    grown, kept = map(int, subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                                          check=True).stdout.split())
    assert grown > 50_000  # kB: the store was there
    assert kept < grown / 4
