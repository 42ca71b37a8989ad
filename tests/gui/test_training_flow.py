"""Train in the real window: live plots, evaluation, the prompt box, stop, close, projects."""

from __future__ import annotations

from pathlib import Path

from tinystudio.core.training.events import StepEvent
from tinystudio.gui import worker

WAIT_MS = 90_000


def test_classify_end_to_end(window, qtbot, load_data, train_short, small_classify_csv, tmp_path):
    load_data(window, small_classify_csv, "classify")
    seen = []
    window.train_panel.training_started.connect(
        lambda: window.train_panel.handle.progress.connect(seen.append)
    )
    result = train_short(window, seconds=4)

    # Live plot received steps and evaluations while training ran.
    assert any(isinstance(e, StepEvent) for e in seen)
    assert window.train_panel.plots.point_count() > 2
    assert window.train_panel.plots.redraws >= 1
    assert "Done" in window.train_panel.status.text()
    assert Path(result["model_dir"], "training_log.jsonl").is_file()  # autosaved

    # Evaluate shows the test scores, a per-class table and a clickable confusion matrix.
    ev = window.evaluate_panel
    assert window.tabs.isTabEnabled(2) and window.tabs.isTabEnabled(3)
    assert "Accuracy" in ev.headline.text() and "Macro-F1" in ev.headline.text()
    labels = result["metrics"]["labels"]
    assert ev.per_class.rowCount() == len(labels) == ev.confusion.rowCount()
    ev.show_cell(0, 0)
    assert "right answers" in ev.examples_title.text()
    assert ev.examples.rowCount() == result["metrics"]["confusion"][0][0]

    # Try it: typing gives a label with a bar per class (debounced, in a worker).
    window.show_tab(3)
    with qtbot.waitSignal(window.try_panel.prediction_shown, timeout=WAIT_MS) as blocker:
        qtbot.keyClicks(window.try_panel.input, "a small striped wild cat")
    pred = blocker.args[0]
    assert pred.label in labels
    assert window.try_panel.bars.count() == 2 * min(len(labels), 12)
    assert pred.label in window.try_panel.answer.text()

    # Save the project, then reopen it in a fresh state: plots come back from the log.
    folder = window.save_project_to(tmp_path / "demo")
    assert folder.name == "demo.tinystudio" and (folder / "model" / "config.json").is_file()
    window.train_panel.plots.reset("classify")
    assert window.train_panel.plots.point_count() == 0
    with qtbot.waitSignal(window.model_ready, timeout=WAIT_MS):
        window.open_project_from(folder)
    qtbot.waitUntil(lambda: window.train_panel.plots.point_count() > 2, timeout=WAIT_MS)
    assert window.model_dir == str(folder / "model")


def test_generate_streams_text(window, qtbot, load_data, train_short, small_corpus):
    load_data(window, small_corpus, "generate")
    assert window.train_panel.samples_box.isVisibleTo(window.train_panel)
    result = train_short(window, seconds=5)
    assert result["model"].task == "generate"
    assert "Bits per character" in window.evaluate_panel.headline.text()

    panel = window.try_panel
    assert panel.stack.currentIndex() == 1
    pieces = []
    panel.prompt.setPlainText("In the beginning")
    panel.length.setValue(60)
    with qtbot.waitSignal(panel.generation_finished, timeout=WAIT_MS) as blocker:
        assert panel.start_generation()
        panel.gen_handle.progress.connect(pieces.append)
    assert len(pieces) > 5  # streamed piece by piece, not all at once
    assert panel.output.toPlainText().startswith("In the beginning")
    assert len(blocker.args[0]) > 0

    # A long generation can be stopped.
    panel.length.setValue(2000)
    with qtbot.waitSignal(panel.generation_finished, timeout=WAIT_MS) as blocker:
        panel.start_generation()
        qtbot.wait(100)
        panel.stop_generation()
    assert len(blocker.args[0]) < 2000 * 4


def test_cancel_mid_run_leaves_the_app_usable(window, qtbot, load_data, small_classify_csv):
    load_data(window, small_classify_csv, "classify")
    panel = window.train_panel
    panel.time_limit.setValue(120)
    panel._request_estimates()  # the size estimates measure real steps in a job...
    assert panel.start_training()
    # ...which starting the training stops, so the two don't share the CPU.
    assert all(h.control.stop_requested for h in worker.active_handles() if h.name == "estimate")
    qtbot.waitUntil(lambda: panel.plots.point_count() > 0, timeout=WAIT_MS)
    # The window is not frozen: tabs switch and the table scrolls while training runs.
    window.show_tab(0)
    window.data_panel.table.scrollToBottom()
    panel.toggle_pause()
    assert panel.handle.paused and "Resume" in panel.pause_button.text()
    panel.toggle_pause()
    with qtbot.waitSignal(panel.training_finished, timeout=WAIT_MS) as blocker:
        panel.stop()
    assert blocker.args[0]["stop_reason"] == "cancelled"
    assert panel.start_button.isEnabled() and not panel.stop_button.isEnabled()
    assert window.model is not None  # the best model so far is kept
    qtbot.waitUntil(lambda: not worker.active_handles(), timeout=WAIT_MS)


def test_closing_mid_run_exits_cleanly(window, qtbot, load_data, small_classify_csv):
    load_data(window, small_classify_csv, "classify")
    panel = window.train_panel
    panel.time_limit.setValue(120)
    assert panel.start_training()
    qtbot.waitUntil(lambda: panel.plots.point_count() > 0, timeout=WAIT_MS)
    window.close()  # confirm() answers yes in tests
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=WAIT_MS)
    assert not worker.active_handles()
    assert window.model is not None  # the stopped run was still saved


def test_opening_another_file_during_training_stops_it(window, qtbot, load_data, small_classify_csv, classify_sample):
    load_data(window, small_classify_csv, "classify")
    panel = window.train_panel
    panel.time_limit.setValue(120)
    assert panel.start_training()
    qtbot.waitUntil(lambda: panel.plots.point_count() > 0, timeout=WAIT_MS)
    with qtbot.waitSignal(panel.training_finished, timeout=WAIT_MS) as blocker:
        assert window.open_data(classify_sample, "classify")
    assert blocker.args[0]["stop_reason"] == "cancelled"
    qtbot.waitUntil(lambda: window.data_panel.table_model.rowCount() == 5600, timeout=WAIT_MS)


def test_opening_a_broken_model_shows_message_and_details(window, qtbot, tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "config.json").write_text("{not json", encoding="utf-8")
    with qtbot.waitSignal(window.error_shown, timeout=WAIT_MS) as blocker:
        window.open_model(broken)
    message, _details = blocker.args
    assert "model" in message.lower() and "Traceback" not in message
    assert window.model is None
