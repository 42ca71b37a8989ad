"""What the window says about where things stand: the step hint, the Train tab's status, the
title, the question before quitting with unsaved work, and reopening the last session."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

WAIT_MS = 90_000


def shown_title(win) -> str:
    """The title as the window manager shows it: Qt (QPlatformWindow::formatWindowTitle) appends
    " — <applicationDisplayName>" unless the title already ends with it; an empty title shows
    the application's name. The offscreen platform stores the title without that step."""
    title = win.windowHandle().title()
    name = QApplication.applicationDisplayName()
    if name and not title.endswith(name):
        return f"{title} — {name}" if title else name
    return title or QApplication.applicationName()


def answers(person, *replies: bool) -> list[str]:
    """The person answers the next yes/no questions in the real dialog with ``replies`` (then
    yes); returns the list the questions' texts are added to."""
    queue, seen = list(replies), []

    def answer(title, question):
        seen.append(question)
        return queue.pop(0) if queue else True

    person.answer = answer
    return seen


def press_ctrl_q(qtbot, win) -> None:
    win.activateWindow()  # shortcuts reach the active window only (a closed dialog leaves none)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=5000)
    qtbot.keyClick(win, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)


def test_hint_status_and_title_follow_the_file_task_and_model(
    window, qtbot, person, load_data, train_short, small_classify_csv, classify_sample, tmp_path
):
    assert shown_title(window) == "TinyStudio"
    load_data(window, small_classify_csv, "classify")
    assert window.hint.text() == "Next: go to 2 · Train and press Start training."
    assert window.train_panel.start_button.text() == "Start training"  # the hint names the real button
    assert shown_title(window) == "topics_small.csv — TinyStudio"

    train_short(window, seconds=3)
    assert "see how good the model is" in window.hint.text()
    assert "Done" in window.train_panel.status.text()
    assert shown_title(window) == "topics_small.csv* — TinyStudio"  # a model not saved in a project

    # Switch the task with the keyboard: the file is read again for the other task.
    combo = person.find(window, "taskCombo")
    person.click_tab(window.tabs, 0)
    combo.setFocus()
    with qtbot.waitSignal(window.data_panel.data_ready, timeout=WAIT_MS):
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert window.data_panel.task == "generate"
    status = window.train_panel.status.text()
    assert "Done" not in status and "accuracy" not in status, status
    # Nor do the progress bar, the models tried and their advice stay from the other run.
    panel = window.train_panel
    assert panel.progress.value() == 0 and panel.leaderboard.table.rowCount() == 0
    assert not panel.hint.isVisibleTo(panel)
    assert "see how good" not in window.hint.text()
    assert "press Start training" in window.hint.text()

    # Open another file (Ctrl+O, the path typed into the file dialog): "Next" is to train on it.
    person.will_choose_file(classify_sample)
    with qtbot.waitSignal(window.data_panel.data_ready, timeout=WAIT_MS):
        person.press(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    with qtbot.waitSignal(window.data_panel.data_ready, timeout=WAIT_MS):
        person.choose_data(combo, "classify")
    qtbot.waitUntil(lambda: window.data_panel.can_train and window.data_panel.task == "classify", timeout=WAIT_MS)
    hint = window.hint.text()
    assert "see how good" not in hint
    assert "teach a model on wordnet_topics.csv" in hint and "earlier model" in hint

    # Save a project (Ctrl+S): the title names it once, and TinyStudio once.
    person.will_choose_file(tmp_path / "myproject")
    person.press(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert person.file_dialogs[-1] == "Save the project as"
    assert shown_title(window) == "myproject.tinystudio — TinyStudio"


def test_ctrl_q_with_an_unsaved_model_asks_first(window, person, qtbot, load_data, train_short, small_classify_csv):
    load_data(window, small_classify_csv, "classify")
    train_short(window, seconds=3)
    seen = answers(person, False, True)
    press_ctrl_q(qtbot, window)
    qtbot.waitUntil(lambda: bool(seen), timeout=20_000)
    assert "not saved in a project" in seen[0]
    qtbot.wait(100)
    assert window.isVisible()  # "No": still open, nothing lost

    press_ctrl_q(qtbot, window)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=WAIT_MS)
    assert len(seen) == 2


def test_ctrl_q_with_nothing_at_stake_quits_without_asking(window, person, qtbot):
    seen = answers(person)
    press_ctrl_q(qtbot, window)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=WAIT_MS)
    assert seen == []


def test_relaunch_offers_the_last_file_and_model(open_window, qtbot, person, load_data, train_short, small_classify_csv, tmp_path):
    first = open_window(tmp_path / "ws")
    load_data(first, small_classify_csv, "classify")
    model_dir = train_short(first, seconds=3)["model_dir"]
    seen = answers(person, True)
    press_ctrl_q(qtbot, first)  # "quit with a model not saved in a project?" Yes
    qtbot.waitUntil(lambda: not first.isVisible(), timeout=WAIT_MS)
    assert len(seen) == 1

    # Opened as `tinystudio` opens it: it offers the last file and model.
    second = open_window(tmp_path / "ws", argv=["tinystudio"])  # asks once its window shows
    seen = answers(person, True)
    qtbot.waitUntil(lambda: second.model is not None, timeout=WAIT_MS)
    assert "topics_small.csv" in seen[0] and "model" in seen[0]
    qtbot.waitUntil(lambda: second.data_panel.can_train, timeout=WAIT_MS)
    assert second.data_panel.path == str(small_classify_csv)
    assert second.model_dir == model_dir
    assert "see how good" in second.hint.text()

    # Answered "No": the sample opens as before.
    third = open_window(tmp_path / "ws", argv=["tinystudio"])
    seen = answers(person, False)
    qtbot.waitUntil(lambda: third.data_panel.can_train, timeout=WAIT_MS)
    assert len(seen) == 1
    assert third.data_panel.path.endswith("wordnet_topics.csv") and third.model is None


def test_ctrl_q_while_training_asks_and_no_keeps_training(window, person, qtbot, load_data, small_classify_csv):
    load_data(window, small_classify_csv, "classify")
    panel = window.train_panel
    person.start_training(window, seconds=120)
    qtbot.waitUntil(lambda: panel.plots.point_count() > 0, timeout=WAIT_MS)
    seen = answers(person, False, True)
    press_ctrl_q(qtbot, window)
    qtbot.waitUntil(lambda: bool(seen), timeout=20_000)
    assert "Stop training and quit?" in seen[0]
    qtbot.wait(100)
    assert window.isVisible() and window.training  # "No": training goes on
    press_ctrl_q(qtbot, window)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=WAIT_MS)
    assert window.model is not None  # the stopped run's best model was kept
