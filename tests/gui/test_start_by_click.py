"""Training starts the way a person starts it: the Start button, the toolbar's Train, the
Train menu and Ctrl+Enter. (Issue 13, finding 1: every one of these did nothing — the button's
``clicked(bool)`` reached ``start_training``'s parameter as ``False`` — while tests that called
``start_training()`` directly passed.)"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

WAIT_MS = 90_000


def _start(person, win, how: str) -> None:
    if how == "button":
        person.click_tab(win.tabs, 1)
        person.click(person.find(win, "startTraining"))
    elif how == "toolbar":
        person.toolbar(win, "action_start")
    elif how == "menu":
        person.menu(win, "trainMenu", "action_start")
    elif how == "ctrl+enter":
        person.press(win.tabs, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


@pytest.mark.parametrize("how", ["button", "toolbar", "menu", "ctrl+enter"])
def test_start_trains_and_stop_keeps_the_model(window, qtbot, person, load_data, small_classify_csv, how):
    load_data(window, small_classify_csv, "classify")
    person.click_tab(window.tabs, 1)
    person.set_time_limit(window, 60)
    panel = window.train_panel
    status = person.find(window, "trainStatus")
    assert status.text() == "Not started."

    _start(person, window, how)
    assert window.training, f"{how}: training did not start"
    assert not person.find(window, "startTraining").isEnabled()
    qtbot.waitUntil(lambda: panel.plots.point_count() > 0, timeout=WAIT_MS)  # steps are plotted
    assert status.text() != "Not started."

    with qtbot.waitSignal(panel.training_finished, timeout=WAIT_MS) as finished:
        person.click(person.find(window, "stopTraining"))
    assert finished.args[0]["stop_reason"] == "cancelled"
    assert "Done" in status.text()
    assert window.tabs.isTabEnabled(2) and window.tabs.isTabEnabled(3)  # Evaluate and Try it open
