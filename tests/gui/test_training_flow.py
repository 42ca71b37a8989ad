"""Train in the real window by clicks: live plots, evaluation, Try it, pause/stop, closing,
projects. Every step is a click, a key or a dialog answered as a person answers it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from tinystudio.core.modelio import load_model
from tinystudio.gui import worker

WAIT_MS = 90_000


def test_classify_end_to_end(open_window, qtbot, person, load_data, train_short, small_classify_csv, tmp_path):
    window = open_window(tmp_path / "ws")
    load_data(window, small_classify_csv, "classify")
    result = train_short(window, seconds=4)

    # The live plot got steps and evaluations while training ran; the model was autosaved.
    panel = window.train_panel
    assert panel.plots.point_count() > 2 and panel.plots.redraws >= 1
    assert "Done" in person.find(window, "trainStatus").text()
    assert Path(result["model_dir"], "training_log.jsonl").is_file()

    # Evaluate: scores, a per-label table, and a confusion matrix whose cells list their texts.
    person.click_tab(window.tabs, 2)
    assert "Accuracy" in person.find(window, "evalHeadline").text()
    labels = result["metrics"]["labels"]
    matrix = person.find(window, "confusionMatrix")
    assert person.find(window, "perLabelTable").rowCount() == len(labels) == matrix.rowCount()
    person.click_cell(matrix, 0, 0)
    assert "right answers" in person.find(window, "examplesTitle").text()
    assert person.find(window, "examplesTable").rowCount() == int(matrix.item(0, 0).text())

    # Try it: typing gives a label with a bar per label (debounced, in a worker).
    person.click_tab(window.tabs, 3)
    with qtbot.waitSignal(window.try_panel.prediction_shown, timeout=WAIT_MS) as blocker:
        person.type_into(person.find(window, "tryInput"), "a small striped wild cat")
    pred = blocker.args[0]
    assert pred.label in labels and pred.label in person.find(window, "tryAnswer").text()
    assert window.try_panel.bars.count() == 2 * min(len(labels), 12)

    # File ▸ Save project, the name typed into the save dialog.
    person.will_choose_file(tmp_path / "demo")
    person.menu(window, "fileMenu", "action_save_project")
    folder = tmp_path / "demo.tinystudio"
    qtbot.waitUntil(lambda: (folder / "model" / "config.json").is_file(), timeout=WAIT_MS)

    # A second window opens it with File ▸ Open project: the curves come back from the log.
    second = open_window(tmp_path / "ws2")
    assert second.train_panel.plots.point_count() == 0
    person.will_choose_file(folder)
    with qtbot.waitSignal(second.model_ready, timeout=WAIT_MS):
        person.menu(second, "fileMenu", "action_open_project")
    qtbot.waitUntil(lambda: second.train_panel.plots.point_count() > 2, timeout=WAIT_MS)
    assert second.model_dir == str(folder / "model")
    assert second.tabs.isTabEnabled(3)


def test_generate_streams_text_and_stop_really_stops(window, qtbot, person, load_data, train_short, small_corpus):
    load_data(window, small_corpus)  # a .txt file: the generate task is chosen by itself
    assert window.data_panel.task == "generate"
    assert window.train_panel.samples_box.isVisibleTo(window.train_panel)
    train_short(window, seconds=5)
    assert "Bits per character" in window.evaluate_panel.headline.text()

    person.click_tab(window.tabs, 3)
    output, write, stop = (person.find(window, n) for n in ("tryOutput", "writeButton", "stopWriting"))
    pieces = []
    output.textChanged.connect(lambda: pieces.append(1))
    person.type_into(person.find(window, "tryPrompt"), "In the beginning")
    person.set_number(person.find(window, "tryLength"), 60)
    with qtbot.waitSignal(window.try_panel.generation_finished, timeout=WAIT_MS) as blocker:
        person.click(write)
    assert len(pieces) > 5  # streamed piece by piece, not all at once
    assert output.toPlainText().startswith("In the beginning") and blocker.args[0]
    assert write.isEnabled() and not stop.isEnabled()

    # A long text is stopped after a few pieces: far fewer than asked for, and the buttons
    # are back as they were.
    person.set_number(person.find(window, "tryLength"), 2000)
    pieces.clear()
    with qtbot.waitSignal(window.try_panel.generation_finished, timeout=WAIT_MS):
        person.click(write)
        assert not write.isEnabled() and stop.isEnabled()
        qtbot.waitUntil(lambda: len(pieces) >= 10, timeout=WAIT_MS)
        person.click(stop)
    assert len(pieces) < 1000, f"{len(pieces)} of 2000 pieces written after Stop"
    assert write.isEnabled() and not stop.isEnabled()


def test_pause_resume_and_stop_keep_the_app_usable(window, qtbot, person, load_data, small_classify_csv):
    load_data(window, small_classify_csv, "classify")
    panel = window.train_panel
    person.start_training(window, seconds=120)
    # Starting stops the size estimates, so the two don't share the CPU.
    assert all(h.control.stop_requested for h in worker.active_handles() if h.name == "estimate")
    qtbot.waitUntil(lambda: panel.plots.point_count() > 0, timeout=WAIT_MS)

    # The window is not frozen: tabs switch and the table scrolls while training runs.
    person.click_tab(window.tabs, 0)
    table = person.find(window, "dataTable")
    person.click(table.viewport())
    qtbot.keyClick(table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert table.currentIndex().row() == table.model().rowCount() - 1

    person.click_tab(window.tabs, 1)
    pause = person.find(window, "pauseTraining")
    person.click(pause)
    assert panel.handle.paused and pause.text() == "Resume"
    person.click(pause)
    assert not panel.handle.paused and pause.text() == "Pause"
    with qtbot.waitSignal(panel.training_finished, timeout=WAIT_MS) as blocker:
        person.click(person.find(window, "stopTraining"))
    assert blocker.args[0]["stop_reason"] == "cancelled"
    assert person.find(window, "startTraining").isEnabled()
    assert not person.find(window, "stopTraining").isEnabled()
    assert load_model(blocker.args[0]["model_dir"]).task == "classify"  # the best so far, on disk
    qtbot.waitUntil(lambda: not worker.active_handles(), timeout=WAIT_MS)


def test_quitting_mid_run_asks_then_saves_the_model(window, qtbot, person, load_data, small_classify_csv):
    load_data(window, small_classify_csv, "classify")
    person.start_training(window, seconds=120)
    qtbot.waitUntil(lambda: window.train_panel.plots.point_count() > 0, timeout=WAIT_MS)
    model_dir = None

    def remember(res):
        nonlocal model_dir
        model_dir = res["model_dir"]

    window.train_panel.training_finished.connect(remember)
    person.menu(window, "fileMenu", "action_quit")  # the person answers "Yes" in the dialog
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=WAIT_MS)
    assert [q[0] for q in person.questions] == ["Training is running"]
    assert not worker.active_handles()
    # The stopped run was saved on disk, and loads.
    assert model_dir and Path(model_dir, "config.json").is_file()
    assert load_model(model_dir).predict(["a cat"])[0].label


def test_opening_another_file_during_training_stops_it(window, qtbot, person, load_data, small_classify_csv, classify_sample):
    load_data(window, small_classify_csv, "classify")
    panel = window.train_panel
    person.start_training(window, seconds=120)
    qtbot.waitUntil(lambda: panel.plots.point_count() > 0, timeout=WAIT_MS)
    person.will_choose_file(classify_sample)
    with qtbot.waitSignal(panel.training_finished, timeout=WAIT_MS) as blocker:
        person.press(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert [q[0] for q in person.questions] == ["Training is running"]
    assert blocker.args[0]["stop_reason"] == "cancelled"
    assert Path(blocker.args[0]["model_dir"], "model.safetensors").is_file()  # kept on disk
    qtbot.waitUntil(lambda: window.data_panel.table_model.rowCount() == 5600, timeout=WAIT_MS)


def test_opening_a_broken_model_shows_message_and_details(window, qtbot, person, tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "config.json").write_text("{not json", encoding="utf-8")
    person.will_choose_file(broken)
    person.menu(window, "fileMenu", "action_open_model")
    title, message, details = person.read_and_close_message()
    assert "model" in title.lower() and "model" in message.lower()
    assert "Traceback" not in message and details
    assert window.model is None
