"""The GUI tests are strict: an exception inside a Qt slot, or a traceback the app prints,
fails the test. Checked by running small tests under the same hooks (tests/strict_qt.py)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent

CASES = textwrap.dedent(
    """
    import sys, threading, traceback
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QPushButton

    def _button(qtbot, slot):
        b = QPushButton("Go")
        qtbot.addWidget(b)
        b.clicked.connect(slot)
        b.show()
        return b

    def test_clean_click(qtbot):
        seen = []
        qtbot.mouseClick(_button(qtbot, lambda: seen.append(1)), Qt.MouseButton.LeftButton)
        assert seen == [1]

    def test_slot_raises(qtbot):
        def start(resume=None):
            resume["x"]  # the issue-13 bug: clicked(bool) passes False here
        qtbot.mouseClick(_button(qtbot, start), Qt.MouseButton.LeftButton)

    def test_timer_raises(qtbot):
        QTimer.singleShot(0, lambda: 1 / 0)
        qtbot.wait(50)

    def test_traceback_printed(qtbot):
        try:
            1 / 0
        except ZeroDivisionError:
            traceback.print_exc()  # an app that "handles" an error by printing it

    def test_thread_raises(qtbot):
        t = threading.Thread(target=lambda: 1 / 0)
        t.start()
        t.join()
    """
)


def test_slot_exceptions_and_printed_tracebacks_fail_tests(tmp_path):
    (tmp_path / "conftest.py").write_text(
        f"import sys\nsys.path.insert(0, {str(TESTS)!r})\n"
        "from strict_qt import pytest_collection_modifyitems, pytest_configure, pytest_runtest_makereport\n",
        encoding="utf-8",
    )
    (tmp_path / "test_cases.py").write_text(CASES, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rA", "test_cases.py"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    out = proc.stdout
    assert "PASSED test_cases.py::test_clean_click" in out, out[-3000:]
    for name in ("test_slot_raises", "test_timer_raises", "test_traceback_printed", "test_thread_raises"):
        assert f"FAILED test_cases.py::{name}" in out or f"ERROR test_cases.py::{name}" in out, (name, out[-3000:])
    assert "1 passed" in out
