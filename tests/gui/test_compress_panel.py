"""The Compress and Export tabs end to end: run in the worker, fill the table, answer side by side."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402

from tinystudio.gui import worker  # noqa: E402

try:
    from tests.core.test_compress_fixtures import tf_classify  # noqa: F401
except ImportError:  # pytest imported the test modules without the "tests" package on sys.path
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "core"))
    from test_compress_fixtures import tf_classify  # noqa: F401

WAIT_MS = 120_000  # generous: other engineers load this 2-core machine too


@pytest.fixture
def no_leaks(qtbot):
    before = set(threading.enumerate())
    yield
    qtbot.waitUntil(lambda: not worker.active_handles(), timeout=WAIT_MS)
    qtbot.wait(50)
    leaked = [t for t in threading.enumerate() if t not in before and t.is_alive() and not t.daemon]
    assert not leaked, f"threads left running: {leaked}"


@pytest.fixture
def model_copy(tf_classify, tmp_path):
    """A private copy of the shared model folder: its variants are written inside it."""
    folder = tmp_path / "model"
    shutil.copytree(tf_classify[0], folder, ignore=shutil.ignore_patterns("variants"))
    return folder


@pytest.fixture
def panel(qtbot, no_leaks, tf_classify, model_copy):
    from tinystudio.gui.compress_panel import CompressPanel

    p = CompressPanel()
    qtbot.addWidget(p)
    p.set_model(str(model_copy), tf_classify[1])
    p.show()
    return p


def test_panels_do_not_import_torch():
    code = "import sys, tinystudio.gui.compress_panel, tinystudio.gui.export_panel; sys.exit('torch' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def _tick(person, box, on: bool) -> None:
    """Click a check box until it shows ``on`` (a person clicks it once or not at all)."""
    if box.isChecked() != on:
        person.click(box)
    assert box.isChecked() == on


def test_run_fills_table_and_charts_then_answers_side_by_side(qtbot, person, panel):
    _tick(person, panel.prune, True)
    _tick(person, panel.int8, True)
    with qtbot.waitSignal(panel.finished, timeout=WAIT_MS) as blocker:
        qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
        assert not panel.run_button.isEnabled() and panel.stop_button.isEnabled()
    result = blocker.args[0]
    assert panel.table.rowCount() == 3
    assert panel.table.item(0, 0).text() == "original"
    assert panel.table.item(2, 0).text() == "prune 50% → int8"
    assert float(panel.table.item(2, 2).text().rstrip("×")) < 0.4  # size ratio vs the original
    assert panel.view.scatter_points.data.size == 3
    assert panel.progress.value() == 1000
    assert "Measured on this computer" in panel.status.text()
    # The last variant is selected: its reasons and changed answers are shown.
    assert panel.table.currentRow() == 2
    assert "prune 50% → int8" in panel.view.notes.toPlainText()
    assert len(result.variants) == 2

    person.type_into(panel.view.prompt, "a small furry animal that lives in trees")
    with qtbot.waitSignal(panel.view.answered, timeout=WAIT_MS) as answers:
        qtbot.mouseClick(panel.view.ask_button, Qt.MouseButton.LeftButton)
    original, variant = answers.args
    assert "sure" in original and "sure" in variant
    assert panel.view.answer_original.text() == original and panel.view.answer_variant.text() == variant


def test_distillation_plots_live_and_stops_when_asked(qtbot, person, panel):
    _tick(person, panel.int8, False)
    _tick(person, panel.distil, True)
    person.choose_data(panel.student_kind, "fasttext")
    person.set_number(panel.distil_time, 600)
    person.click(panel.run_button)
    assert panel.plots.isVisibleTo(panel)
    qtbot.waitUntil(lambda: panel.plots.point_count() > 0, timeout=WAIT_MS)
    with qtbot.waitSignal(panel.failed, timeout=WAIT_MS) as blocker:
        qtbot.mouseClick(panel.stop_button, Qt.MouseButton.LeftButton)
    assert "stopped" in blocker.args[0].lower()
    assert panel.run_button.isEnabled() and not panel.running


def test_without_a_dataset_the_training_file_is_proposed(qtbot, person, panel, tf_classify, model_copy):
    panel.set_model(str(model_copy), None)
    assert panel.data_row.isVisibleTo(panel)
    assert panel.data_path.text() == tf_classify[1].path
    _tick(person, panel.prune, False)
    _tick(person, panel.int8, False)
    person.click(panel.run_button)
    assert "Tick at least one method" in panel.status.text() and not panel.running


def test_export_panel_exports_and_reports_the_check(qtbot, person, no_leaks, tf_classify, tmp_path):
    from tinystudio.gui.export_panel import ExportPanel

    p = ExportPanel()
    qtbot.addWidget(p)
    p.set_model(str(tf_classify[0]), tf_classify[1])
    p.show()
    person.choose_data(p.format, "onnx-int8")
    person.type_into(p.out_path, str(tmp_path / "exported"))
    errors = []
    p.failed.connect(lambda m, d: errors.append((m, d)))
    qtbot.mouseClick(p.export_button, Qt.MouseButton.LeftButton)
    assert p.running
    qtbot.waitUntil(lambda: not p.running, timeout=WAIT_MS)
    assert not errors, errors
    assert p.result.verified
    assert (tmp_path / "exported" / "model.onnx").is_file()
    assert "✔" in p.status.text() and "same answers" in p.status.text()
    # A second export into the same (now full) folder is refused in plain words.
    with qtbot.waitSignal(p.failed, timeout=WAIT_MS) as failed:
        person.click(p.export_button)
    assert "already exists" in failed.args[0]
