"""Fair shares of the query workers between clients, so that slow queries cannot starve everyone.

With first come, first served, a client that keeps two slow queries running holds two workers
for as long as each query may run, and every other client waits behind them. Here:

* a client may run at most ``per_client`` queries at once, unless more than ``reserve`` workers
  would still be free after it takes one (a lone client may use nearly all of them, but the
  last ``reserve`` stay for clients that are running nothing);
* when a worker comes free it goes to the query that has waited longest among the clients that
  may take one, not to the next query of a client already at its share;
* the wait counts inside the query's time limit: a query that waited until its deadline is
  refused then, and one that got a worker runs only for the time it has left.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field


class NoWorker(Exception):
    """No worker came free for the query before its deadline."""


@dataclass
class _Ticket:
    client: str
    number: int
    granted: threading.Event = field(default_factory=threading.Event)


class FairShares:
    """Permits to use one of ``workers`` query workers, handed out fairly between clients.

    :param per_client: queries one client may run at once while others could use the workers
        (default: a quarter of the workers, at least one).
    :param reserve: workers kept free for clients that run nothing (default: a quarter, at least one
        when there are two workers or more).
    """

    def __init__(self, workers: int, *, per_client: int | None = None, reserve: int | None = None):
        self.workers = workers
        self.per_client = per_client if per_client is not None else max(1, workers // 4)
        self.reserve = reserve if reserve is not None else (max(1, workers // 4) if workers > 1 else 0)
        self._free = workers
        self._running: dict[str, int] = defaultdict(int)
        self._waiting: dict[str, deque[_Ticket]] = {}
        self._numbers = itertools.count()
        self._lock = threading.Lock()

    def _may_start(self, client: str) -> bool:
        if self._free == 0:
            return False
        return self._running[client] < self.per_client or self._free > self.reserve

    def acquire(self, client: str, deadline: float) -> None:
        """Wait for a permit for ``client`` until ``deadline`` (``time.monotonic()``).

        :raises NoWorker: the deadline passed first.
        """
        with self._lock:
            if client not in self._waiting and self._may_start(client):
                self._take(client)
                return
            ticket = _Ticket(client, next(self._numbers))
            self._waiting.setdefault(client, deque()).append(ticket)
        if ticket.granted.wait(max(0.0, deadline - time.monotonic())):
            return
        with self._lock:
            if ticket.granted.is_set():  # granted just as the wait ran out: it is ours
                return
            queue = self._waiting[client]
            queue.remove(ticket)
            if not queue:
                del self._waiting[client]
        raise NoWorker

    def release(self, client: str) -> None:
        """Give back ``client``'s permit; it goes to the longest-waiting query that may take it."""
        with self._lock:
            self._running[client] -= 1
            if not self._running[client]:
                del self._running[client]
            self._free += 1
            self._grant()

    def running(self) -> dict[str, int]:
        """Queries running per client, now."""
        with self._lock:
            return dict(self._running)

    def _take(self, client: str) -> None:
        self._free -= 1
        self._running[client] += 1

    def _grant(self) -> None:
        while self._free:
            eligible = [queue[0] for client, queue in self._waiting.items() if self._may_start(client)]
            if not eligible:
                return
            ticket = min(eligible, key=lambda t: t.number)
            queue = self._waiting[ticket.client]
            queue.popleft()
            if not queue:
                del self._waiting[ticket.client]
            self._take(ticket.client)
            ticket.granted.set()
