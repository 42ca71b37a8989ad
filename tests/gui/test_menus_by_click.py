"""The menus and shortcuts a person uses, clicked and pressed: Help, the sample, the steps."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

WAIT_MS = 90_000


def test_help_menu_words_explained_and_about(window, qtbot, person):
    person.menu(window, "helpMenu", "action_glossary")
    qtbot.waitUntil(lambda: person.find(window, "glossaryDialog", QDialog).isVisible(), timeout=5_000)
    dialog = person.find(window, "glossaryDialog", QDialog)
    assert "parameters" in person.find(dialog, "glossaryText").toPlainText().lower()
    person.type_into(person.find(dialog, "glossaryFind"), "int8")
    person.click(person.find(dialog, "glossaryOk"))
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5_000)

    # Help ▸ About opens a modal box (the click waits in it): its OK button is clicked.
    about: list[str] = []

    def click_ok():
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.isVisible() and not about:
            about.append(box.windowTitle())
            qtbot.mouseClick(box.buttons()[0], Qt.MouseButton.LeftButton)

    poll = QTimer()
    poll.timeout.connect(click_ok)
    poll.start(20)
    person.menu(window, "helpMenu", "action_about")
    qtbot.waitUntil(lambda: bool(about), timeout=5_000)
    poll.stop()
    assert about == ["About TinyStudio"]


def test_sample_menu_and_step_shortcuts(window, qtbot, person):
    with qtbot.waitSignal(window.data_panel.data_ready, timeout=WAIT_MS):
        person.menu(window, "fileMenu", "action_sample")
    assert window.data_panel.path.endswith("wordnet_topics.csv")
    person.press(window.tabs, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)  # View ▸ Step 2
    assert window.tabs.currentIndex() == 1
    person.press(window.tabs, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == 0
    person.press(window.tabs, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)  # no model yet
    assert window.tabs.currentIndex() == 0
