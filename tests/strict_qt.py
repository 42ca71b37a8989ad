"""Pytest hooks that make the GUI tests strict (imported by tests/conftest.py).

- pytest-qt's exception capture must stay on: a Python exception raised inside a Qt slot,
  virtual method or timer fails the test (PySide6 itself would print it and carry on).
- A test that uses Qt fails if anything printed a Python traceback on stderr during it
  (set-up, the test, or tear-down), and an exception left unhandled in a thread is an error.
  Mark a test ``@pytest.mark.allow_traceback`` only when printing one is the behaviour tested.
"""

from __future__ import annotations

import pytest

TRACEBACK = "Traceback (most recent call last)"


def _uses_qt(item) -> bool:
    return "qtbot" in getattr(item, "fixturenames", ())


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "allow_traceback: the test expects a traceback on stderr")
    try:
        off = config.getini("qt_no_exception_capture")
    except ValueError:  # pytest-qt missing: the GUI tests cannot run at all
        raise pytest.UsageError("pytest-qt is needed for the GUI tests (pip install pytest-qt)") from None
    if off:
        raise pytest.UsageError("qt_no_exception_capture must stay off: slot exceptions must fail tests")


def pytest_collection_modifyitems(config, items) -> None:
    for item in items:
        if _uses_qt(item):
            item.add_marker(pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if not report.passed or not _uses_qt(item) or item.get_closest_marker("allow_traceback"):
        return report
    if item.get_closest_marker("qt_no_exception_capture"):
        report.outcome = "failed"
        report.longrepr = "GUI tests may not turn pytest-qt's exception capture off."
        return report
    err = "".join(text for name, text in report.sections if name == f"Captured stderr {report.when}")
    if TRACEBACK in err:
        start = err.index(TRACEBACK)
        report.outcome = "failed"
        report.longrepr = f"A traceback was printed on stderr during {report.when}:\n{err[start:start + 4000]}"
    return report
