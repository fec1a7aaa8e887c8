"""How many answers one process computes at once.

Answering is Python work under one interpreter lock: twenty requests answered at once on twenty
threads each get a twentieth of it, so every answer takes as long as all of them together and
the slowest wait longest. A few at a time, the rest waiting their turn in order of arrival,
finish sooner on average and far sooner at the tail (see the README's "Measured figures": the
20-client load test, ``RAG_ANSWER_CONCURRENCY``). A few rather than one: the model and Chroma
release the lock while they run, so a second answer proceeds meanwhile.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager


class Turns:
    """At most ``at_once`` holders at a time (``0``: no limit), served in order of arrival: a
    turn given back goes to the longest waiting thread, never to one that came later. A thread
    that already holds a turn takes none again (an answer that asks a search of its own does
    not wait on itself)."""

    def __init__(self, at_once: int) -> None:
        self.at_once = at_once
        self._free = at_once
        self._waiting: deque[threading.Event] = deque()
        self._lock = threading.Lock()
        self._held = threading.local()

    @contextmanager
    def turn(self) -> Iterator[None]:
        depth = getattr(self._held, "depth", 0)
        taken = self.at_once > 0 and not depth
        if taken:
            self._take()
        self._held.depth = depth + 1
        try:
            yield
        finally:
            self._held.depth = depth
            if taken:
                self._give_back()

    def _take(self) -> None:
        with self._lock:
            if self._free and not self._waiting:
                self._free -= 1
                return
            mine = threading.Event()
            self._waiting.append(mine)
        try:
            mine.wait()  # handed over by the thread that gave its turn back
        except BaseException:  # interrupted (Ctrl-C): its place, or the turn handed to it, goes on
            with self._lock:
                queued = mine in self._waiting
                if queued:
                    self._waiting.remove(mine)
            if not queued:
                self._give_back()  # the turn was handed to it meanwhile
            raise

    def _give_back(self) -> None:
        with self._lock:
            if self._waiting:
                self._waiting.popleft().set()
            else:
                self._free += 1
