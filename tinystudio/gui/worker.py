"""Run a job off the GUI thread and turn what it reports into Qt signals.

A *job* is a plain function ``fn(task, *args)`` (see :mod:`.jobs`); it reports progress with
``task.report(obj)`` (training events, generated pieces...) and checks ``task.control`` for
pause/stop requests. It never touches a widget.

:func:`start` wires the standard way — a :class:`_Task` object moved to a ``QThread``,
``started → run``, ``run`` ends → ``quit`` — and returns a :class:`TaskHandle` living on the
GUI thread. The handle emits ``finished(result)`` or ``failed(message, details)`` only *after*
the thread has really ended, so whoever reacts can start the next job (or close the window)
without a thread still running. Every exception becomes ``failed``: a worker never fails
silently.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable

from PySide6.QtCore import QObject, QThread, Signal, Slot

from tinystudio.core.errors import TinyStudioError
from tinystudio.core.training.control import RunControl
from tinystudio.i18n import tr

#: torch intra-op threads in workers; None keeps torch's default (one per core). Beside the
#: Qt event loop that default made training 20-50x slower when OpenMP busy-waited
#: (shared/PLATFORM.md); with OMP_WAIT_POLICY=PASSIVE, set before torch is imported,
#: bench/bench_gui.py measured on 2 cores: event-loop lag p99 26 ms with 2 threads vs 48 ms
#: with 1, and training ~1.5x faster (docs/benchmarks.md).
TORCH_THREADS: int | None = None

_ACTIVE: set[TaskHandle] = set()  # handles whose thread may still run (keeps them alive)


def prepare_torch() -> None:
    """Called at the start of a job that uses torch, on the worker thread."""
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # before torch is first imported
    import torch

    if TORCH_THREADS is not None and torch.get_num_threads() != TORCH_THREADS:
        torch.set_num_threads(TORCH_THREADS)


class _Task(QObject):
    """The object living on the worker thread: runs the job, catches everything."""

    progress = Signal(object)
    succeeded = Signal(object)
    errored = Signal(str, str)

    def __init__(self, fn: Callable, args: tuple, kwargs: dict) -> None:
        super().__init__()
        self._fn, self._args, self._kwargs = fn, args, kwargs
        self.control = RunControl()

    def report(self, obj: object) -> None:
        """Send ``obj`` to the GUI thread (queued signal; returns at once)."""
        self.progress.emit(obj)

    def should_stop(self) -> bool:
        return self.control.stop_requested

    @Slot()
    def run(self) -> None:
        try:
            result = self._fn(self, *self._args, **self._kwargs)
        except TinyStudioError as exc:
            self.errored.emit(exc.message, exc.details or traceback.format_exc())
        except MemoryError:
            self.errored.emit(
                tr("The computer ran out of memory. Try a smaller model size or a smaller file."),
                traceback.format_exc(),
            )
        except BaseException as exc:  # noqa: BLE001 - last line of defence: never silent
            self.errored.emit(
                tr("Something went wrong inside TinyStudio ({name}: {exc}). This is a bug; the details below help to fix it.").format(name=type(exc).__name__, exc=exc),
                traceback.format_exc(),
            )
        else:
            self.succeeded.emit(result)
        finally:
            QThread.currentThread().quit()


class TaskHandle(QObject):
    """The GUI-thread side of a running job."""

    progress = Signal(object)  # whatever the job reported
    finished = Signal(object)  # the job's return value; the thread has ended
    failed = Signal(str, str)  # plain message, details; the thread has ended
    done = Signal()  # after finished or failed

    def __init__(self, name: str, fn: Callable, args: tuple, kwargs: dict, parent=None) -> None:
        super().__init__(parent)
        self.name = name
        self._thread = QThread()
        self._thread.setObjectName(f"tinystudio-{name}")
        self._task = _Task(fn, args, kwargs)
        self._task.moveToThread(self._thread)
        self._outcome: tuple | None = None
        self._task.progress.connect(self.progress)
        self._task.succeeded.connect(self._on_succeeded)
        self._task.errored.connect(self._on_errored)
        self._thread.started.connect(self._task.run)
        self._thread.finished.connect(self._on_thread_finished)

    # -- control (any time, from the GUI thread) ------------------------------------------
    @property
    def control(self) -> RunControl:
        return self._task.control

    def stop(self) -> None:
        self._task.control.stop()

    def pause(self) -> None:
        self._task.control.pause()

    def resume(self) -> None:
        self._task.control.resume()

    @property
    def paused(self) -> bool:
        return self._task.control.paused

    def is_running(self) -> bool:
        return self in _ACTIVE

    def wait(self, ms: int = 30_000) -> bool:
        """Block until the thread ends (only for shutdown paths and tests)."""
        return self._thread.wait(ms)

    # -- internals ------------------------------------------------------------------------
    def _start(self) -> None:
        _ACTIVE.add(self)
        self._thread.start()

    @Slot(object)
    def _on_succeeded(self, result: object) -> None:
        self._outcome = ("ok", result)

    @Slot(str, str)
    def _on_errored(self, message: str, details: str) -> None:
        self._outcome = ("error", message, details)

    @Slot()
    def _on_thread_finished(self) -> None:
        _ACTIVE.discard(self)
        outcome = self._outcome or ("error", tr("The background job ended without a result."), "")
        self._task.deleteLater()
        if outcome[0] == "ok":
            self.finished.emit(outcome[1])
        else:
            self.failed.emit(outcome[1], outcome[2])
        self.done.emit()


def start(name: str, fn: Callable, *args, parent: QObject | None = None, **kwargs) -> TaskHandle:
    """Run ``fn(task, *args, **kwargs)`` on a new thread; connect to the handle's signals.

    ``parent`` is accepted for readability at call sites but not used as the Qt parent: a
    handle must outlive its thread even if the widget that started it is deleted first
    (deleting a running QThread aborts the process), so :data:`_ACTIVE` owns it until then.
    """
    handle = TaskHandle(name, fn, args, kwargs)
    handle._start()
    return handle


def active_handles() -> list[TaskHandle]:
    """Jobs whose thread has not ended yet (tests assert this is empty)."""
    return list(_ACTIVE)


def stop_all(wait_ms: int = 30_000) -> bool:
    """Ask every job to stop and wait for their threads (application shutdown)."""
    handles = list(_ACTIVE)
    for h in handles:
        h.stop()
    return all(h.wait(wait_ms) for h in handles)
