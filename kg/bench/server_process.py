"""``kg serve`` as a child process on a free loopback port: what the benchmark measures and
the client and browser tests talk to, so both see the production server, not a stand-in.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


class ServerProcess:
    """Start ``kg serve`` on ``store`` and wait until it answers a SPARQL query.

    :param options: more ``kg serve`` options, e.g. ``["--rate-limit", "0"]``.

    The server's own writes (``accepted/`` and the ``updates/`` log beside it) go beside ``store``,
    never into the checkout: a later ``kg build`` there would replay a test's updates.
    """

    def __init__(self, store: Path, options: list[str] = (), *, log: Path | None = None, start_timeout: float = 120):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 - closed in stop()
        self.log_path = Path(log) if log else None
        self._started = started = time.perf_counter()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kg", "serve", "--store", str(store), "--port", str(self.port), *options],
            stdout=self._log, stderr=subprocess.STDOUT, cwd=Path(__file__).resolve().parents[2],  # the project root
            env={**os.environ, "KG_ACCEPTED_DIR": str(Path(store).parent / "accepted")})
        self.start_seconds = self._wait(started, start_timeout)

    def _wait(self, started: float, timeout: float) -> float:
        probe = self.url + "/sparql?query=ASK%7B%7D"
        while time.perf_counter() - started < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(f"kg serve exited with status {self.process.returncode} before answering")
            try:
                with urllib.request.urlopen(probe, timeout=5):  # noqa: S310 - our own loopback server
                    return time.perf_counter() - started
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"kg serve did not answer within {timeout:.0f} s")

    def wait_for_log(self, text: str, *, timeout: float) -> float:
        """Wait until the server's log (``log`` must be given) says ``text``; return the seconds since start."""
        while time.perf_counter() - self._started < timeout:
            if text in self.log_path.read_text(encoding="utf-8", errors="replace"):
                return time.perf_counter() - self._started
            if self.process.poll() is not None:
                raise RuntimeError(f"kg serve exited with status {self.process.returncode} before logging {text!r}")
            time.sleep(0.1)
        raise RuntimeError(f"kg serve did not log {text!r} within {timeout:.0f} s")

    def peak_rss_mb(self) -> float:
        """The peak resident memory of the server and its child processes, added up."""
        return sum(_peak_rss_kb(pid) for pid in _tree(self.process.pid)) / 1024

    def stop(self) -> None:
        stop_process(self.process)
        if self._log is not subprocess.DEVNULL:
            self._log.close()

    def __enter__(self) -> "ServerProcess":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def stop_process(process: subprocess.Popen, grace: float = 20) -> None:
    """Ask ``process`` to end, and kill it if it has not within ``grace`` seconds."""
    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants, from ``/proc``."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            pending.extend(int(child) for child in task.read_text().split())
    return found


def _peak_rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0

