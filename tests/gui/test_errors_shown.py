"""Errors reach the person, with their details: none is swallowed, printed or turned into a
placeholder (issue 13, §5)."""

from __future__ import annotations

import os
import shutil
import sys

import pytest

try:
    from tests.core.test_compress_fixtures import tf_classify  # noqa: F401
except ImportError:  # the test modules were imported without the "tests" package on sys.path
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "core"))
    from test_compress_fixtures import tf_classify  # noqa: F401

WAIT_MS = 90_000


def test_a_broken_compress_panel_is_an_error_not_a_later_version(settings, tmp_path, monkeypatch, qapp):
    """An ImportError in the Compress (or Export) panel used to become a "(in a later version)" tab."""
    from tinystudio.gui.main_window import MainWindow

    for module in ("tinystudio.gui.compress_panel", "tinystudio.gui.export_panel"):
        with monkeypatch.context() as m:
            m.setitem(sys.modules, module, None)  # importing it now raises ImportError
            with pytest.raises(ImportError):
                MainWindow(settings=settings, workspace=tmp_path)


def _open_model(person, qtbot, win, folder) -> None:
    person.will_choose_file(folder)
    with qtbot.waitSignal(win.model_ready, timeout=WAIT_MS):
        person.menu(win, "fileMenu", "action_open_model")


def test_export_and_compress_failures_open_the_error_dialog(window, qtbot, person, tf_classify, tmp_path):
    model = tmp_path / "model"
    shutil.copytree(tf_classify[0], model)
    _open_model(person, qtbot, window, model)
    # Export into a folder that is not empty: refused, in a dialog with the plain reason.
    full = tmp_path / "full"
    full.mkdir()
    (full / "keep.txt").write_text("mine", encoding="utf-8")
    person.click_tab(window.tabs, 5)
    person.type_into(person.find(window, "exportOutPath"), str(full))
    person.click(person.find(window, "exportButton"))
    title, message, _details = person.read_and_close_message()
    assert title == "The export failed" and "already exists" in message
    assert (full / "keep.txt").read_text(encoding="utf-8") == "mine"  # nothing lost

    # Compress a model opened without its data, measured on a file that is gone.
    person.click_tab(window.tabs, 4)
    data = person.find(window, "compressDataPath")
    person.type_into(data, str(tmp_path / "gone.csv"))
    person.click(person.find(window, "compressRunButton"))
    title, message, details = person.read_and_close_message()
    assert title == "Compression failed" and message and "Traceback" not in message
    assert window.errors[-1] == (message, details)


def test_a_failing_size_estimate_is_shown_with_its_details(window, qtbot, person, load_data, small_classify_csv, monkeypatch):
    from tinystudio.gui import jobs

    def broken(*_args, **_kw):
        raise RuntimeError("estimate exploded")

    monkeypatch.setattr(jobs, "estimate_params", broken)  # the job, not the window
    load_data(window, small_classify_csv, "classify")
    title, message, details = person.read_and_close_message()
    assert title == "The training time could not be measured"
    assert "estimate exploded" in message and "Traceback" in details
    assert "time unknown" in window.train_panel.preset_info["tiny"].text()
    person.start_training(window, seconds=3, preset="tiny")  # training still works
    qtbot.waitUntil(lambda: not window.training, timeout=WAIT_MS)


def test_a_failing_learning_curve_keeps_its_details(window, qtbot, person, load_data, small_classify_csv, monkeypatch):
    from tinystudio.core import fewlabels

    def broken(*_args, **_kw):
        raise RuntimeError("curve exploded")

    monkeypatch.setattr(fewlabels, "learning_curve", broken)
    load_data(window, small_classify_csv, "classify")
    person.menu(window, "trainMenu", "action_curve")
    from tinystudio.gui.curve_dialog import CurveDialog

    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(CurveDialog)), timeout=5_000)
    dialog = next(d for d in window.findChildren(CurveDialog) if d.isVisible())
    person.click(person.find(dialog, "runCurve"))
    title, message, details = person.read_and_close_message()
    assert title == "The learning curve failed" and "curve exploded" in message
    assert "Traceback" in details and "curve exploded" in details
    assert "curve exploded" in person.find(dialog, "curveStatus").text()
    dialog.close()
