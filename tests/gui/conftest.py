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


def _load(qtbot, win, path, task=None):
    """Open a data file through the data panel's API and wait for its report."""
    with qtbot.waitSignal(win.data_panel.data_ready, timeout=WAIT_MS) as blocker:
        win.data_panel.load_file(path, task)
    return blocker.args[0]


def _train(qtbot, win, seconds: int = 4, preset: str = "tiny"):
    """Start a short training run and wait for it to finish; returns the result dict."""
    panel = win.train_panel
    panel.time_limit.setValue(seconds)
    for b in panel.preset_group.buttons():
        b.setChecked(b.property("preset") == preset)
    with qtbot.waitSignal(panel.training_finished, timeout=WAIT_MS) as blocker:
        assert panel.start_training()
    return blocker.args[0]


@pytest.fixture
def load_data(qtbot):
    return lambda win, path, task=None: _load(qtbot, win, path, task)


@pytest.fixture
def train_short(qtbot):
    return lambda win, seconds=4, preset="tiny": _train(qtbot, win, seconds, preset)
