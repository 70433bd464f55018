"""Fair shares of the query workers: one client's queries cannot take every worker from the others."""

from __future__ import annotations

import threading
import time

import pytest

from kg.store.fair import FairShares, NoWorker


def _soon(seconds: float = 0.05) -> float:
    return time.monotonic() + seconds


def test_a_lone_client_may_use_all_but_the_reserve():
    shares = FairShares(4, per_client=1, reserve=1)
    for _ in range(3):
        shares.acquire("a", _soon())
    with pytest.raises(NoWorker):  # the last worker stays for a client running nothing
        shares.acquire("a", _soon())
    shares.acquire("b", _soon())
    assert shares.running() == {"a": 3, "b": 1}


def test_the_wait_ends_at_the_deadline():
    shares = FairShares(1, per_client=1, reserve=0)
    shares.acquire("a", _soon())
    started = time.monotonic()
    with pytest.raises(NoWorker):
        shares.acquire("b", started + 0.2)
    assert 0.15 < time.monotonic() - started < 1.0
    shares.release("a")
    shares.acquire("b", _soon())  # the refused wait left nothing behind


def test_a_freed_worker_goes_to_a_client_under_its_share_first():
    shares = FairShares(2, per_client=1, reserve=1)
    shares.acquire("slow", _soon())
    shares.acquire("light", _soon())
    order = []

    def wait(client):
        shares.acquire(client, _soon(5))
        order.append(client)

    slow_again = threading.Thread(target=wait, args=("slow",))
    slow_again.start()
    time.sleep(0.05)  # "slow" waits first, at its share
    light_again = threading.Thread(target=wait, args=("light",))
    light_again.start()
    time.sleep(0.05)
    shares.release("light")  # free: 1, not more than the reserve, so only a client under its share may take it
    light_again.join(1)
    assert order == ["light"]
    shares.release("slow")
    slow_again.join(1)
    assert order == ["light", "slow"]


def test_the_longest_waiting_eligible_query_goes_first():
    shares = FairShares(1, per_client=1, reserve=0)
    shares.acquire("x", _soon())
    order = []
    threads = []
    for client in ("a", "b", "c"):
        threads.append(threading.Thread(target=lambda c=client: (shares.acquire(c, _soon(5)), order.append(c))))
        threads[-1].start()
        time.sleep(0.03)
    for client in ("x", "a", "b"):
        shares.release(client)
        time.sleep(0.03)
    for thread in threads:
        thread.join(1)
    assert order == ["a", "b", "c"]
