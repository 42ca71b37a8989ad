"""Pause / resume / stop requests, shared between the thread that trains and the one asking."""

from __future__ import annotations

import threading
import time


class RunControl:
    """Thread-safe flags the training loop checks between steps (cooperative cancel)."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._running = threading.Event()
        self._running.set()
        self._paused_total = 0.0  # seconds spent in wait_while_paused, all told

    def stop(self) -> None:
        self._stop.set()
        self._running.set()  # wake a paused loop so that it can see the stop

    def pause(self) -> None:
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    @property
    def stop_requested(self) -> bool:
        return self._stop.is_set()

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    def wait_while_paused(self) -> float:
        """Block while paused; returns the seconds spent waiting (excluded from timings)."""
        if self._running.is_set():
            return 0.0
        start = time.perf_counter()
        while not self._running.wait(timeout=0.1):
            pass
        waited = time.perf_counter() - start
        self._paused_total += waited
        return waited

    def active_time(self) -> float:
        """A clock (seconds) that stands still while the run waits in a pause: budgets and
        deadlines measured with it are not used up by pausing."""
        return time.perf_counter() - self._paused_total
