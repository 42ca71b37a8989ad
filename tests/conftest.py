"""Shared test set-up: headless Qt, quiet threads, and small trained models to reuse."""

from __future__ import annotations

import os

# Before anything imports Qt: without a screen Qt would abort the whole pytest process.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# torch's OpenMP threads busy-wait by default, which starves other threads (shared/PLATFORM.md).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
# Tests read English messages whatever the machine's language (Chinese tests set their own).
os.environ.setdefault("TINYSTUDIO_LANG", "en")

import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))  # person.py, strict_qt.py

# A Python exception in a Qt slot, or a traceback printed on stderr, fails the test.
from strict_qt import (  # noqa: E402, F401
    pytest_collection_modifyitems,
    pytest_configure,
    pytest_runtest_makereport,
)

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "resources" / "samples"


@pytest.fixture(scope="session")
def classify_sample() -> Path:
    return SAMPLES / "wordnet_topics.csv"


@pytest.fixture(scope="session")
def generate_sample() -> Path:
    return SAMPLES / "kjv_pentateuch.txt"


@pytest.fixture(scope="session")
def small_classify_csv(tmp_path_factory, classify_sample) -> Path:
    """The first 1200 rows of the classify sample: enough to learn, quick to train on."""
    lines = classify_sample.read_text(encoding="utf-8").splitlines(keepends=True)
    path = tmp_path_factory.mktemp("small") / "topics_small.csv"
    path.write_text("".join(lines[:1201]), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def small_corpus(tmp_path_factory, generate_sample) -> Path:
    """About 100 KB of the generate sample."""
    lines = generate_sample.read_text(encoding="utf-8").splitlines(keepends=True)
    path = tmp_path_factory.mktemp("small") / "corpus_small.txt"
    path.write_text("".join(lines[:800]), encoding="utf-8")
    return path


# -- the real main window (GUI and reliability tests) ------------------------------------
WINDOW_WAIT_MS = 90_000  # generous: the 2-core machine is often busy


@pytest.fixture
def settings(tmp_path, qapp):
    """QSettings in a temporary INI file: the user's real settings are never touched."""
    from PySide6.QtCore import QSettings

    qapp.setOrganizationName("TinyStudioTests")
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def person(qtbot):
    """Clicks, key presses, and answers typed into the real dialogs (tests/person.py)."""
    from person import Person

    p = Person(qtbot)
    yield p
    p.stop()


@pytest.fixture
def open_window(qtbot, settings, person):
    """Open real main windows: ``open_window(workspace, confirm=..., argv=None)``.

    With ``argv`` the window opens as the ``tinystudio`` command opens it
    (``gui.app.open_main_window``: the bundled sample, or the file named in ``argv``, opens
    at once); without, an empty window.

    ``confirm(title, question)`` decides how the ``person`` answers the window's yes/no
    questions (default: always yes); the answer is clicked in the real QMessageBox. Each window
    is closed at the end with every worker thread finished, and no thread may be left running.
    """
    import threading

    from tinystudio.gui import worker
    from tinystudio.gui.app import make_app, open_main_window, stop_gui_garbage_collection
    from tinystudio.gui.main_window import MainWindow

    app = make_app()
    before = set(threading.enumerate())
    opened = []

    def open_(workspace, confirm=lambda title, question: True, argv=None):
        person.answer = confirm
        if argv is None:
            win = MainWindow(settings=settings, workspace=workspace)
            win.show()
        else:
            win = open_main_window(argv, settings=settings, workspace=workspace)
        qtbot.waitExposed(win)
        opened.append(win)
        return win

    yield open_
    person.answer = lambda title, question: True  # closing mid-run asks; tear-down says yes
    for win in opened:
        # Not qtbot.addWidget: pytest-qt would delete the window before its threads end.
        win.close()
        qtbot.waitUntil(lambda w=win: not w.isVisible(), timeout=WINDOW_WAIT_MS)
    qtbot.waitUntil(lambda: not worker.active_handles(), timeout=WINDOW_WAIT_MS)
    for win in opened:
        win.deleteLater()
    qtbot.wait(50)  # let Python threads created by Qt threads wind down
    leaked = [t for t in threading.enumerate() if t not in before and t.is_alive() and not t.daemon]
    stop_gui_garbage_collection(app)  # collects the closed windows here, on the GUI thread
    assert not leaked, f"threads left running: {leaked}"


@pytest.fixture
def window(open_window, tmp_path):
    """The real main window with an empty workspace, answering yes to every question."""
    return open_window(tmp_path / "workspace")
