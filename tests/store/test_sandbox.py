"""No network for a process that evaluates queries (kg/store/sandbox.py): under the filter,
``socket()`` for IPv4 and IPv6 fails in the process and its children, local sockets still work.
Each case runs in a process of its own: the filter cannot be undone."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from kg.store import sandbox

pytestmark = pytest.mark.skipif(not sandbox.supported(), reason="the sandbox needs Linux on x86-64")

PROBE = """
import os, socket, sys
from kg.store import sandbox
print("on" if sandbox.forbid_network_if_asked() else "off")
for family in (socket.AF_INET, socket.AF_INET6, socket.AF_UNIX):
    try:
        socket.socket(family, socket.SOCK_STREAM).close()
        print(family.name, "opened")
    except OSError as exc:
        print(family.name, "refused", exc.errno)
sys.stdout.flush()
if os.fork() == 0:  # a child started afterwards is under the filter too
    try:
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        print("child opened")
    except OSError:
        print("child refused")
    os._exit(0)
os.wait()
"""


def probe(environment: dict) -> list[str]:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60, check=False,
                          env={**os.environ, **environment}, cwd=os.getcwd())
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_without_the_variable_nothing_changes():
    env = {k: v for k, v in os.environ.items() if k != sandbox.NO_NETWORK}
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60, check=False,
                          env=env)
    assert done.stdout.splitlines() == ["off", "AF_INET opened", "AF_INET6 opened", "AF_UNIX opened", "child opened"]


def test_under_the_filter_only_local_sockets_open_in_the_process_and_its_children():
    assert probe({sandbox.NO_NETWORK: "1"}) == ["on", "AF_INET refused 13", "AF_INET6 refused 13", "AF_UNIX opened",
                                                "child refused"]


def test_only_1_asks_for_the_filter():
    assert probe({sandbox.NO_NETWORK: "yes"})[0] == "off"
