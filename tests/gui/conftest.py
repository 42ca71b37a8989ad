"""GUI test set-up: headless Qt, isolated settings, a watchdog, and no leaked threads."""

from __future__ import annotations

import os

# Before anything imports Qt: without a screen Qt would abort the whole pytest process.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import faulthandler  # noqa: E402
import sys  # noqa: E402

import pytest  # noqa: E402

WATCHDOG_SECONDS = 240  # a hung GUI test dumps every thread's stack and ends the run
WAIT_MS = 90_000  # generous: other engineers load this 2-core machine too


@pytest.fixture(autouse=True)
def watchdog():
    faulthandler.dump_traceback_later(WATCHDOG_SECONDS, exit=True, file=sys.stderr)
    yield
    faulthandler.cancel_dump_traceback_later()


def wait_idle(qtbot, timeout: int = WAIT_MS) -> None:
    """Wait until every worker thread has ended."""
    from tinystudio.gui import worker

    qtbot.waitUntil(lambda: not worker.active_handles(), timeout=timeout)


def _load(qtbot, person, win, path, task=None):
    """Open a data file as a person does: the Data tab's "Open a file…" button, the path typed
    into the file dialog, Enter; then, if ``task`` differs from what was picked, the task list.
    Waits for the data report; returns it (jobs.DataResult)."""
    panel = win.data_panel
    outcome = []
    panel.data_ready.connect(outcome.append)
    panel.load_failed.connect(lambda m, d: outcome.append(f"failed: {m}"))
    if win.tabs.currentIndex() != 0:
        person.click_tab(win.tabs, 0)
    person.will_choose_file(path)
    person.click(person.find(win, "openFileButton"))
    qtbot.waitUntil(lambda: bool(outcome), timeout=WAIT_MS)
    if task is not None and panel.task != task:
        outcome.clear()
        person.choose_data(person.find(win, "taskCombo"), task)
        qtbot.waitUntil(lambda: bool(outcome), timeout=WAIT_MS)
    panel.data_ready.disconnect(outcome.append)
    assert not isinstance(outcome[-1], str), outcome[-1]
    return outcome[-1]


def _train(qtbot, person, win, seconds: int = 4, preset: str = "tiny"):
    """Start a short training run by clicks and wait for it to finish; returns the result dict."""
    outcome = []
    panel = win.train_panel
    panel.training_finished.connect(outcome.append)
    panel.training_failed.connect(lambda m, d: outcome.append(f"failed: {m}\n{d}"))
    person.start_training(win, seconds, preset)
    qtbot.waitUntil(lambda: bool(outcome), timeout=WAIT_MS)
    panel.training_finished.disconnect(outcome.append)
    assert not isinstance(outcome[0], str), outcome[0]
    return outcome[0]


@pytest.fixture
def load_data(qtbot, person):
    return lambda win, path, task=None: _load(qtbot, person, win, path, task)


@pytest.fixture
def train_short(qtbot, person):
    return lambda win, seconds=4, preset="tiny": _train(qtbot, person, win, seconds, preset)
