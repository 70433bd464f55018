"""A cache of serialised query answers that every write to the store empties.

Researchers re-run the same queries (a notebook cell, a dashboard refreshing), so an
identical request (query text, dataset, bound parameters and negotiated formats) is
answered from memory. Any write (``/update``, an accepted source) clears the cache at once,
so an answer never outlives the data it came from. Answers are kept by least recent use
within a byte budget (``cachetools``); a hit is marked ``X-Cache: hit`` so clients and the
benchmark can tell a cached answer from an evaluated one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from cachetools import LRUCache

from kg.store.executor import Answer


class AnswerCache:
    """Serialised answers by request, within ``max_bytes``; ``max_bytes=0`` turns it off."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._answers: LRUCache = LRUCache(maxsize=max(max_bytes, 1), getsizeof=lambda a: len(a.body) + 200)
        self._lock = threading.Lock()
        self._generation = 0

    def get_or_compute(self, key: tuple, compute: Callable[[], Answer]) -> tuple[Answer, bool]:
        """Return the answer for ``key`` and whether it came from the cache."""
        generation = self._generation  # read first: a write from here on makes the answer stale
        answer = self.get(key)
        if answer is not None:
            return answer, True
        answer = compute()
        self.put(key, answer, generation)  # a write during the evaluation may have made it stale
        return answer, False

    @property
    def generation(self) -> int:
        """How many times the cache has been emptied: a value computed under an older
        generation may be stale."""
        return self._generation

    def get(self, key: tuple):
        """The value kept for ``key`` (an answer, or a whole response kept by the server), or None."""
        if not self.max_bytes:
            return None
        with self._lock:
            return self._answers.get(key)

    def put(self, key: tuple, answer, generation: int) -> None:
        """Keep ``answer`` (anything with a ``body`` in bytes), unless a write came since ``generation`` or it exceeds the budget."""
        with self._lock:
            if self.max_bytes and generation == self._generation and len(answer.body) + 200 <= self.max_bytes:
                self._answers[key] = answer

    def clear(self) -> None:
        """Forget every answer: the store has changed."""
        with self._lock:
            self._answers.clear()
            self._generation += 1

    def __len__(self) -> int:
        return len(self._answers)
