"""Keeping the models a person trained: the list on the Evaluate tab, switching between them,
comparing two side by side, and a project that keeps them all — by clicks and keys."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QFileDialog, QPushButton, QTableWidget

WAIT_MS = 90_000


def click_tab(qtbot, win, index: int) -> None:
    bar = win.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert win.tabs.currentIndex() == index


def find(win, kind, name):
    w = win.findChild(kind, name)
    assert w is not None, name
    return w


def save_project_by_keys(qtbot, win, monkeypatch, folder) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(folder), "")))
    win.activateWindow()
    qtbot.waitUntil(lambda: win.isActiveWindow(), timeout=5000)
    qtbot.keyClick(win, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)


def test_models_are_kept_listed_switched_and_compared(
    window, qtbot, load_data, train_short, small_classify_csv, tmp_path, monkeypatch, open_window
):
    load_data(window, small_classify_csv, "classify")
    first = train_short(window, seconds=3, preset="tiny")
    save_project_by_keys(qtbot, window, monkeypatch, tmp_path / "proj")
    project = tmp_path / "proj.tinystudio"
    assert (project / "model" / "config.json").is_file()

    # Training again keeps the first model (in the project too, once saved).
    second = train_short(window, seconds=3, preset="small")
    assert second["model_dir"] != str(project / "model")
    assert json.loads((project / "model" / "config.json").read_text())["training"]["preset"] == "tiny"

    click_tab(qtbot, window, 2)
    models = find(window, QComboBox, "modelChoice")
    assert models.isVisible() and models.count() == 2
    assert models.currentIndex() == 1 and models.currentText().startswith("Model 2")
    assert "small" in models.currentText() and "Model 1" in models.itemText(0)
    assert "Model 2" in window.try_panel.model_label.text()

    # Compare with Model 1: both scores, both confusion matrices, the texts they disagree on.
    other = find(window, QComboBox, "compareChoice")
    assert other.count() == 1 and other.currentText().startswith("Model 1")
    button = find(window, QPushButton, "compareButton")
    assert button.isVisible() and button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    view = window.evaluate_panel.compare_view
    qtbot.waitUntil(view.isVisible, timeout=WAIT_MS)
    result = view.result
    assert result["a"]["accuracy"] == second["metrics"]["accuracy"]
    assert result["b"]["accuracy"] == first["metrics"]["accuracy"]
    scores = find(window, QTableWidget, "compareScores")
    assert scores.horizontalHeaderItem(0).text() == "Model 2" and scores.horizontalHeaderItem(1).text() == "Model 1"
    n_labels = len(second["metrics"]["labels"])
    for name in ("compareConfusionA", "compareConfusionB"):
        table = find(window, QTableWidget, name)
        assert table.isVisible() and table.rowCount() == n_labels
    disagree = find(window, QTableWidget, "compareDisagreements")
    assert disagree.rowCount() == min(result["n_disagreements"], 500)
    for r in range(disagree.rowCount()):
        assert disagree.item(r, 2).text() != disagree.item(r, 3).text()
    assert "agree on" in window.evaluate_panel.compare_view.title.text()
    qtbot.mouseClick(find(window, QPushButton, "compareBackButton"), Qt.MouseButton.LeftButton)
    assert not view.isVisible() and window.evaluate_panel.headline.isVisible()

    # Switch back to Model 1 with the keyboard: Evaluate and Try it use it.
    models.setFocus()
    with qtbot.waitSignal(window.model_ready, timeout=WAIT_MS):
        qtbot.keyClick(models, Qt.Key.Key_Up)
    assert window.model.train_config["preset"] == "tiny"
    assert "Model 1" in window.try_panel.model_label.text()
    qtbot.waitUntil(lambda: models.currentIndex() == 0, timeout=WAIT_MS)

    # Saving the project keeps both; reopened in a new window, both are listed again.
    save_project_by_keys(qtbot, window, monkeypatch, tmp_path / "proj")
    saved = json.loads((project / "project.json").read_text())
    assert len(saved["models"]) == 1
    kept = project / "models" / saved["models"][0] / "config.json"
    assert json.loads(kept.read_text())["training"]["preset"] == "small"
    assert json.loads((project / "model" / "config.json").read_text())["training"]["preset"] == "tiny"

    again = open_window(tmp_path / "other-workspace")
    with qtbot.waitSignal(again.model_ready, timeout=WAIT_MS):
        again.open_project_from(project)
    qtbot.waitUntil(lambda: again.data_panel.can_train, timeout=WAIT_MS)
    bar = find(again, QComboBox, "modelChoice")
    qtbot.waitUntil(lambda: bar.count() == 2, timeout=WAIT_MS)
    assert bar.currentIndex() == 0  # the tiny model, in use when the project was saved
