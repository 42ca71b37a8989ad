"""The window opens fast and the Data tab shows what a user needs before training."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "core"))
from malformed import build_malformed_set  # noqa: E402

DATA = Path(__file__).resolve().parent.parent / "data" / "malformed"


@pytest.fixture(scope="module", autouse=True)
def malformed_files():
    """The malformed files (written by tests/core/malformed.py; this module may run alone)."""
    return build_malformed_set()
WAIT_MS = 90_000


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


def test_sample_loads_with_columns_report_and_tokens(window, person, load_data, classify_sample):
    result = load_data(window, classify_sample, "classify")
    panel = window.data_panel
    assert result.dataset is not None
    assert panel.table_model.rowCount() == 5600
    assert person.find(window, "textColumnCombo").currentText() == "gloss"
    assert person.find(window, "labelColumnCombo").currentText() == "category"
    assert "Ready to train" in person.find(window, "dataBanner").text()
    assert window.tabs.isTabEnabled(1) and not window.tabs.isTabEnabled(2)
    assert "Train" in window.hint.text()
    # The class-count chart has one bar per label.
    assert len(panel.chart.getAxis("left")._tickLevels[0]) == len(result.report.class_counts)
    # Clicking a row shows how the model will read it, split into tokens.
    table = person.find(window, "dataTable")
    person.click_cell(table, 2, 0)
    assert table.currentIndex().row() == 2
    text = table.model().index(2, result.columns.index("gloss")).data()
    words = [w for w in text.split() if w.isalpha()][:2]
    html = person.find(window, "tokensView").toHtml()
    assert "<span" in html and all(w in html for w in words), (words, html[:500])
    assert "tokens" in panel.vocab_label.text() and "vocabulary" in panel.vocab_label.text()


def test_fatal_problem_blocks_training_and_says_why(window, qtbot, person, load_data):
    result = load_data(window, DATA / "one_class.csv", "classify")
    assert result.dataset is None
    assert "Training cannot start" in person.find(window, "dataBanner").text()
    assert not window.tabs.isTabEnabled(1)
    assert not window.train_panel.start_button.isEnabled()
    person.press(window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # Ctrl+Enter
    qtbot.wait(100)
    assert not window.training
    from tinystudio.gui.data_panel import SEVERITY_ROLE

    problems = person.find(window, "problemsList")
    assert any(problems.item(i).data(SEVERITY_ROLE) == "fatal" for i in range(problems.count()))


def test_clicking_a_problem_shows_its_rows(window, person, load_data):
    result = load_data(window, DATA / "ragged.csv", "classify")
    with_rows = [i for i, p in enumerate(result.report.problems) if p.rows]
    assert with_rows, "the ragged file should report rows"
    i = with_rows[0]
    problems = person.find(window, "problemsList")
    item = next(
        problems.item(k) for k in range(problems.count())
        if problems.item(k).data(Qt.ItemDataRole.UserRole) == i
    )
    problems.scrollToItem(item)
    person.click(problems.viewport(), problems.visualItemRect(item).center())
    table = person.find(window, "dataTable")
    assert table.currentIndex().row() == result.report.problems[i].rows[0] - 1


def test_changing_the_task_by_its_list_reloads_the_file(window, qtbot, person, load_data, small_classify_csv):
    result = load_data(window, small_classify_csv, "classify")
    assert result.task == "classify" and window.train_panel.task == "classify"
    labels = person.find(window, "labelColumnCombo")
    assert labels.isVisible()
    with qtbot.waitSignal(window.data_panel.data_ready, timeout=WAIT_MS) as blocker:
        person.choose_data(person.find(window, "taskCombo"), "generate")
    result = blocker.args[0]
    assert result.task == "generate" and result.dataset is not None and result.dataset.task == "generate"
    assert window.train_panel.task == "generate"  # the Train tab follows
    assert not labels.isVisible()
    assert window.train_panel.samples_box.isVisibleTo(window.train_panel)


def test_choosing_another_text_column_reloads_with_it(window, qtbot, person, load_data, tmp_path):
    data = tmp_path / "two_texts.csv"
    rows = ["title,body,topic"] + [
        f"t{i},{'a cat sat on the mat' if i % 2 else 'bread and butter for tea'} {i},{'pets' if i % 2 else 'food'}"
        for i in range(200)
    ]
    data.write_text("\n".join(rows) + "\n", encoding="utf-8")
    load_data(window, data, "classify")
    texts = person.find(window, "textColumnCombo")
    other = "title" if texts.currentText() == "body" else "body"
    with qtbot.waitSignal(window.data_panel.data_ready, timeout=WAIT_MS) as blocker:
        person.choose(texts, other)
    assert blocker.args[0].report.choice.text_column == other
    assert texts.currentText() == other


def test_a_file_gone_since_shows_a_plain_error(window, qtbot, person, load_data, small_classify_csv, tmp_path):
    """File ▸ Open recent with a file deleted since: a plain message, details behind a button."""
    gone = tmp_path / "gone.csv"
    gone.write_bytes(small_classify_csv.read_bytes())
    load_data(window, gone, "classify")
    gone.unlink()
    person.submenu(window, "fileMenu", "recentMenu", str(gone))
    title, message, _details = person.read_and_close_message()
    assert title and message and "Traceback" not in message
    assert "gone.csv" in message or "gone.csv" in person.find(window, "dataBanner").text()


def test_open_by_menu_shortcut_and_drop(window, qtbot, person, small_classify_csv, small_corpus):
    panel = window.data_panel
    person.will_choose_file(small_classify_csv)
    with qtbot.waitSignal(panel.data_ready, timeout=WAIT_MS):
        person.menu(window, "fileMenu", "action_open")
    assert panel.path == str(small_classify_csv)
    person.will_choose_file(small_corpus)
    with qtbot.waitSignal(panel.data_ready, timeout=WAIT_MS):
        person.press(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert panel.path == str(small_corpus)
    with qtbot.waitSignal(panel.data_ready, timeout=WAIT_MS):
        person.drop_files(window, small_classify_csv)
    assert panel.path == str(small_classify_csv)
    assert person.file_dialogs == ["Open a data file", "Open a data file"]


def test_recent_files_and_geometry_persist(open_window, qtbot, person, load_data, classify_sample, small_corpus, tmp_path):
    first = open_window(tmp_path / "ws")
    load_data(first, small_corpus)
    load_data(first, classify_sample, "classify")
    load_data(first, classify_sample, "classify")  # opened twice: listed once, first
    first.resize(760, 560)  # as the person drags the window's corner (the offscreen screen is 800×600)
    first.move(20, 10)
    qtbot.wait(50)
    person.press(first, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not first.isVisible(), timeout=WAIT_MS)

    # The next window opens at the same size, and remembers the files, newest first.
    second = open_window(tmp_path / "ws")
    assert (second.width(), second.height()) == (760, 560)
    assert second.recent_files() == [str(classify_sample), str(small_corpus)]
    with qtbot.waitSignal(second.data_panel.data_ready, timeout=WAIT_MS):
        person.submenu(second, "fileMenu", "recentMenu", str(small_corpus))
    assert second.data_panel.path == str(small_corpus)


def test_auto_chooses_the_size_until_the_user_picks_one(window, person, load_data, small_classify_csv):
    load_data(window, small_classify_csv, "classify")
    panel = window.train_panel
    person.click_tab(window.tabs, 1)
    assert panel.preset() is None  # Automatic: Auto picks the model for the time given
    assert panel.settings()["preset"] is None and panel.settings()["model_kind"] is None
    person.click_check(person.find(window, "advancedSettings"))  # sizes and kinds are in there
    kind = person.find(window, "modelKind")
    person.choose_data(kind, "transformer")
    assert panel.preset() is None  # the core then uses that kind's default size
    person.click(person.find(window, "presetTiny"))
    person.choose_data(kind, "lstm")
    assert person.find(window, "presetTiny").isChecked()  # the person's choice stays
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
