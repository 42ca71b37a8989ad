"""The window opens fast and the Data tab shows what a user needs before training."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data" / "malformed"


def test_tabs_are_the_six_steps_in_order(window):
    assert window.tab_names() == ["Data", "Train", "Evaluate", "Try it", "Compress", "Export", "Label"]
    # Before any data, only the Data step is open and the hint says what to do.
    assert window.tabs.isTabEnabled(0)
    assert not any(window.tabs.isTabEnabled(i) for i in range(1, 6))
    assert "open a CSV" in window.hint.text()


def test_window_starts_without_torch():
    """torch is imported lazily by workers: the window shows without it."""
    code = textwrap.dedent(
        """
        import os, sys
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        from tinystudio.gui.app import make_app
        app = make_app()
        from tinystudio.gui.main_window import MainWindow
        w = MainWindow(workspace=sys.argv[1])
        w.show()
        app.processEvents()
        print("torch" in sys.modules)
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code, "/tmp/tinystudio-test-ws"], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "False"


def test_sample_loads_with_columns_report_and_tokens(window, load_data, classify_sample):
    result = load_data(window, classify_sample, "classify")
    panel = window.data_panel
    assert result.dataset is not None
    assert panel.table_model.rowCount() == 5600
    assert panel.text_combo.currentText() == "gloss"
    assert panel.label_combo.currentText() == "category"
    assert "Ready to train" in panel.banner.text()
    assert window.tabs.isTabEnabled(1) and not window.tabs.isTabEnabled(2)
    assert "Train" in window.hint.text()
    # The class-count chart has one bar per label.
    assert len(panel.chart.getAxis("left")._tickLevels[0]) == len(result.report.class_counts)
    # The tokenizer view shows the selected row split into tokens.
    panel.show_row(3)
    assert "tokens" in panel.vocab_label.text() and "vocabulary" in panel.vocab_label.text()
    assert "<span" in panel.tokens_view.toHtml()


def test_fatal_problem_blocks_training_and_says_why(window, load_data):
    result = load_data(window, DATA / "one_class.csv", "classify")
    assert result.dataset is None
    assert "Training cannot start" in window.data_panel.banner.text()
    assert not window.tabs.isTabEnabled(1)
    assert not window.train_panel.start_button.isEnabled()
    assert window.train_panel.start_training() is False
    from tinystudio.gui.data_panel import SEVERITY_ROLE

    problems = window.data_panel.problems
    assert any(problems.item(i).data(SEVERITY_ROLE) == "fatal" for i in range(problems.count()))


def test_clicking_a_problem_shows_its_rows(window, load_data):
    result = load_data(window, DATA / "ragged.csv", "classify")
    panel = window.data_panel
    with_rows = [i for i, p in enumerate(result.report.problems) if p.rows]
    assert with_rows, "the ragged file should report rows"
    i = with_rows[0]
    item = next(
        panel.problems.item(k) for k in range(panel.problems.count())
        if panel.problems.item(k).data(256) == i  # Qt.UserRole
    )
    panel._problem_clicked(item)
    assert panel.table.currentIndex().row() == result.report.problems[i].rows[0] - 1


def test_changing_the_task_reloads_as_generate(window, load_data, small_corpus):
    result = load_data(window, small_corpus)  # .txt: the generate task is chosen
    assert result.task == "generate" and result.dataset is not None
    assert window.data_panel.task == "generate"
    assert not window.data_panel.label_combo.isVisible()


def test_unreadable_file_shows_a_plain_error(window, qtbot, tmp_path):
    missing = tmp_path / "nope.csv"
    with qtbot.waitSignal(window.error_shown, timeout=60_000) as blocker:
        window.open_data(missing)
    message, _details = blocker.args
    assert message and "Traceback" not in message
    assert window.data_panel.result is None


def test_recent_files_and_geometry_persist(window, load_data, classify_sample, settings):
    load_data(window, classify_sample, "classify")
    window.open_data(classify_sample, "classify")
    assert window.recent_files()[0] == str(classify_sample)
    assert len(window.recent_files()) == 1


def test_auto_chooses_the_size_until_the_user_picks_one(window, load_data, small_classify_csv):
    load_data(window, small_classify_csv, "classify")
    panel = window.train_panel
    assert panel.preset() is None  # Automatic: Auto picks the model for the time given
    assert panel.settings()["preset"] is None and panel.settings()["model_kind"] is None
    panel.advanced.setChecked(True)  # sizes and model kinds are under Advanced
    panel.kind.setCurrentIndex(panel.kind.findData("transformer"))
    assert panel.preset() is None  # the core then uses that kind's default size
    next(b for b in panel.preset_group.buttons() if b.property("preset") == "tiny").click()
    panel.kind.setCurrentIndex(panel.kind.findData("lstm"))
    assert panel.preset() == "tiny"  # the user's choice stays
    assert panel.settings()["preset"] == "tiny"


def test_preset_times_are_measured_on_this_data(window, qtbot, load_data, small_classify_csv):
    """Each size shows its parameters and a time from a few real timed steps."""
    from tinystudio.gui import worker

    load_data(window, small_classify_csv, "classify")
    qtbot.waitUntil(lambda: not worker.active_handles(), timeout=120_000)
    panel = window.train_panel
    for key in ("tiny", "small", "base"):
        est = panel._estimates[key]
        assert est["step_seconds"] > 0 and est["eval_seconds"] > 0  # measured, not looked up
        assert "(parameters) ·" in panel.preset_info[key].text()  # the size and its measured time
