"""A person at the window: tests drive TinyStudio only through what a person touches.

Clicks land on visible, enabled widgets that no dialog covers; text is typed key by key;
shortcuts are key presses; menus are opened and their entries clicked; the file dialog and the
yes/no questions are answered *in the dialog*, by typing into it and clicking its buttons. Key
controls are found by their ``objectName`` (see ``tinystudio/gui/naming.py``), which does not
change with the wording or the language.

Nothing here calls a panel's slot: if a button is not wired, the click does nothing and the
test fails.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QMimeData, QObject, QPoint, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QAction, QDragEnterEvent, QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QLineEdit,
    QMenu,
    QMessageBox,
    QStyle,
    QStyleOptionGroupBox,
    QTabWidget,
    QWidget,
)

LEFT = Qt.MouseButton.LeftButton
CTRL = Qt.KeyboardModifier.ControlModifier
WAIT_MS = 90_000  # generous: the 2-core machine is often busy


class Person:
    """Clicks, keys and dialog answers for one test (the ``person`` fixture)."""

    def __init__(self, qtbot) -> None:
        self.qtbot = qtbot
        self._files: list[str | None] = []  # answers for the next file dialogs (None: Cancel)
        self.answer: Callable[[str, str], bool] = lambda title, text: True  # yes/no questions
        self.questions: list[tuple[str, str, bool]] = []  # (title, text, answer) as asked
        self.file_dialogs: list[str] = []  # titles of the file dialogs answered
        self._busy = False
        self._file_dialog_said = ""
        self._timer = QTimer()
        self._timer.setInterval(20)
        self._timer.timeout.connect(self._look_for_dialogs)
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    # -- finding ----------------------------------------------------------------------------
    @staticmethod
    def find(parent: QObject, name: str, kind: type = QWidget):
        """The child of ``parent`` with this objectName (fails if there is none)."""
        found = parent.findChild(kind, name)
        assert found is not None, f"no {kind.__name__} named {name!r} in {parent!r}"
        return found

    # -- mouse ------------------------------------------------------------------------------
    def _check_reachable(self, widget: QWidget) -> None:
        assert widget.isVisible(), f"{widget.objectName() or widget!r} is not visible"
        assert widget.isEnabled(), f"{widget.objectName() or widget!r} is disabled"
        assert not widget.visibleRegion().isEmpty(), f"{widget.objectName() or widget!r} is hidden"
        modal = QApplication.activeModalWidget()
        if modal is not None and modal is not widget.window():
            text = modal.text() if isinstance(modal, QMessageBox) else ""
            raise AssertionError(f"a dialog is in the way: {modal.windowTitle()!r} {text!r}")

    def click(self, widget: QWidget, pos: QPoint | None = None) -> None:
        """Left-click ``widget`` (at ``pos``, else its centre)."""
        self._check_reachable(widget)
        self.qtbot.mouseClick(widget, LEFT, pos=pos if pos is not None else widget.rect().center())

    def double_click(self, widget: QWidget, pos: QPoint | None = None) -> None:
        self._check_reachable(widget)
        self.qtbot.mouseDClick(widget, LEFT, pos=pos if pos is not None else widget.rect().center())

    def click_tab(self, tabs: QTabWidget, index: int) -> None:
        """Click the tab's title in the tab bar; waits until its page shows."""
        bar = tabs.tabBar()
        assert tabs.isTabEnabled(index), f"tab {tabs.tabText(index)!r} is disabled"
        self.click(bar, bar.tabRect(index).center())
        self.qtbot.waitUntil(lambda: tabs.currentIndex() == index, timeout=5_000)

    def click_cell(self, table, row: int, column: int) -> None:
        """Click a cell of a QTableView / QTableWidget (scrolled into view first, as a person would)."""
        index = table.model().index(row, column)
        table.scrollTo(index)
        self.click(table.viewport(), table.visualRect(index).center())

    def click_check(self, box: QGroupBox) -> None:
        """Tick or untick a checkable group box by its check box."""
        opt = QStyleOptionGroupBox()
        box.initStyleOption(opt)
        rect = box.style().subControlRect(
            QStyle.ComplexControl.CC_GroupBox, opt, QStyle.SubControl.SC_GroupBoxCheckBox, box
        )
        self.click(box, rect.center())

    def choose(self, combo: QComboBox, text: str) -> None:
        """Open the drop-down list and click the entry showing ``text``."""
        index = combo.findText(text)
        assert index >= 0, f"{text!r} is not in {[combo.itemText(i) for i in range(combo.count())]}"
        self.click(combo)
        view = combo.view()
        self.qtbot.waitUntil(view.isVisible, timeout=5_000)
        item = combo.model().index(index, combo.modelColumn())
        view.scrollTo(item)
        rect = view.visualRect(item).intersected(view.viewport().rect())  # the visible part
        # The list ignores a release that comes within a double-click time of its opening
        # (the release of the click that opened it); a person's next click comes later.
        self.qtbot.wait(QApplication.doubleClickInterval() + 50)
        self.qtbot.mouseMove(view.viewport(), rect.center())
        self.qtbot.mouseClick(view.viewport(), LEFT, pos=rect.center())
        self.qtbot.waitUntil(lambda: not view.isVisible(), timeout=5_000)
        assert combo.currentIndex() == index

    def choose_data(self, combo: QComboBox, data) -> None:
        """Like :meth:`choose`, for the entry whose item data is ``data``."""
        index = combo.findData(data)
        assert index >= 0, f"{data!r} is not in {combo.objectName()}"
        self.choose(combo, combo.itemText(index))

    def drop_files(self, widget: QWidget, *paths) -> None:
        """Drag files from a file manager and drop them on ``widget`` (the events Qt delivers)."""
        self._check_reachable(widget)
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
        pos = widget.rect().center()
        copy, left, none = Qt.DropAction.CopyAction, LEFT, Qt.KeyboardModifier.NoModifier
        enter = QDragEnterEvent(pos, copy, mime, left, none)
        QApplication.sendEvent(widget, enter)
        assert enter.isAccepted(), f"{widget!r} refuses the drag"
        drop = QDropEvent(QPointF(pos), copy, mime, left, none)
        QApplication.sendEvent(widget, drop)

    # -- menus ------------------------------------------------------------------------------
    def menu(self, window, menu_name: str, action_name: str) -> None:
        """Open a menu of the menu bar and click one entry: ``menu(win, "fileMenu", "action_open")``."""
        bar = window.menuBar()
        menu = self.find(window, menu_name, QMenu)
        self.click(bar, bar.actionGeometry(menu.menuAction()).center())
        self.qtbot.waitUntil(menu.isVisible, timeout=5_000)
        action = self.find(window, action_name, QAction)
        assert action.isEnabled(), f"the menu entry {action.text()!r} is disabled"
        self.qtbot.mouseClick(menu, LEFT, pos=menu.actionGeometry(action).center())

    def submenu(self, window, menu_name: str, sub_name: str, entry: str) -> None:
        """Open a menu, then its sub-menu, then click the entry with this text."""
        bar = window.menuBar()
        menu = self.find(window, menu_name, QMenu)
        sub = self.find(window, sub_name, QMenu)
        self.click(bar, bar.actionGeometry(menu.menuAction()).center())
        self.qtbot.waitUntil(menu.isVisible, timeout=5_000)
        self.qtbot.mouseClick(menu, LEFT, pos=menu.actionGeometry(sub.menuAction()).center())
        self.qtbot.waitUntil(sub.isVisible, timeout=5_000)
        texts = [a.text() for a in sub.actions()]
        assert entry in texts, f"{entry!r} is not in the menu: {texts}"
        action = sub.actions()[texts.index(entry)]
        self.qtbot.mouseClick(sub, LEFT, pos=sub.actionGeometry(action).center())

    def toolbar(self, window, action_name: str) -> None:
        """Click a toolbar button (the one showing this action)."""
        action = self.find(window, action_name, QAction)
        bar = self.find(window, "mainToolbar", QWidget)
        button = bar.widgetForAction(action)
        assert button is not None, f"{action_name} is not on the toolbar"
        self.click(button)

    # -- keyboard ---------------------------------------------------------------------------
    def press(self, widget: QWidget, key, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
        """Press a key (or shortcut) with the keyboard focus in ``widget``'s window."""
        window = widget.window()
        window.activateWindow()
        self.qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5_000)
        self.qtbot.keyClick(window.focusWidget() or widget, key, modifiers)

    def type_into(self, widget: QWidget, text: str, replace: bool = True) -> None:
        """Click into a text box, select what is there (Ctrl+A), and type ``text``."""
        self.click(widget)
        if replace:
            self.qtbot.keyClick(widget, Qt.Key.Key_A, CTRL)
            self.qtbot.keyClick(widget, Qt.Key.Key_Delete)
        self.qtbot.keyClicks(widget, text)

    def set_number(self, spin: QAbstractSpinBox, value) -> None:
        """Type a number into a spin box and press Tab to go on (Enter would also press a
        dialog's default button)."""
        self.click(spin)
        self.qtbot.keyClick(spin, Qt.Key.Key_A, CTRL)
        self.qtbot.keyClicks(spin, str(value))
        self.qtbot.keyClick(spin, Qt.Key.Key_Tab)
        assert spin.value() == value, f"{spin.objectName()} shows {spin.text()!r}, not {value}"

    # -- the main window's recipes --------------------------------------------------------
    def open_advanced(self, win) -> None:
        """Train tab: tick "Advanced settings" if it is closed."""
        advanced = self.find(win, "advancedSettings")
        if not advanced.isChecked():
            self.click_check(advanced)

    def set_time_limit(self, win, seconds: int) -> None:
        """Train tab: type the time limit (opening Advanced settings if it is in there)."""
        spin = self.find(win, "timeLimit")
        if not spin.isVisible():
            self.open_advanced(win)
        self.set_number(spin, seconds)

    def start_training(self, win, seconds: int | None = None, preset: str | None = None) -> None:
        """Train tab: time limit, model size, then a click on the visible Start button."""
        if win.tabs.currentIndex() != 1:
            self.click_tab(win.tabs, 1)
        if seconds is not None:
            self.set_time_limit(win, seconds)
        if preset is not None:
            radio = self.find(win, f"preset{preset.capitalize()}")
            if not radio.isVisible():
                self.open_advanced(win)
            self.click(radio)
        self.click(self.find(win, "startTraining"))
        assert win.training, "clicking Start did not start training"

    # -- dialogs ----------------------------------------------------------------------------
    def will_choose_file(self, path: str | Path | None) -> None:
        """Answer the next file dialog with ``path`` (pasted into its name box, then Enter), or
        press its Cancel button (None)."""
        self._files.append(None if path is None else str(path))

    def _look_for_dialogs(self) -> None:
        modal = QApplication.activeModalWidget()
        if self._busy:
            # A message from inside the file dialog being answered ("file not found"...):
            # read it and press OK, so the answer fails with it instead of hanging.
            if isinstance(modal, QMessageBox) and isinstance(modal.parent(), QFileDialog) and modal.isVisible():
                self._file_dialog_said = modal.text()
                self.qtbot.mouseClick(modal.buttons()[0], LEFT)
            return
        self._busy = True
        try:
            if isinstance(modal, QFileDialog) and self._files and modal.isVisible():
                self._answer_file_dialog(modal, self._files.pop(0))
            elif isinstance(modal, QMessageBox) and modal.isVisible() and _is_question(modal):
                title, text = modal.windowTitle(), modal.text()
                yes = bool(self.answer(title, text))
                self.questions.append((title, text, yes))
                button = modal.button(QMessageBox.StandardButton.Yes if yes else QMessageBox.StandardButton.No)
                self.qtbot.mouseClick(button, LEFT)
        finally:
            self._busy = False

    def _answer_file_dialog(self, dialog: QFileDialog, path: str | None) -> None:
        self.file_dialogs.append(dialog.windowTitle())
        buttons = dialog.findChild(QDialogButtonBox)
        if path is None:
            self.qtbot.mouseClick(buttons.button(QDialogButtonBox.StandardButton.Cancel), LEFT)
            return
        edit = dialog.findChild(QLineEdit, "fileNameEdit")
        edit.setFocus()
        self.qtbot.keyClick(edit, Qt.Key.Key_A, CTRL)
        # Pasted, as a person copies a path: typed key by key, each "/" makes Qt's dialog
        # change folder as it goes and the name box ends up with the last part only.
        QApplication.clipboard().setText(path)
        self.qtbot.keyClick(edit, Qt.Key.Key_V, CTRL)
        for _ in range(20):
            # The dialog's completer may pop up a list of matching names; Escape closes the
            # list (not the dialog), then Enter opens the typed path.
            QTest.qWait(30)
            popup = QApplication.activePopupWidget()
            if popup is not None:
                self.qtbot.keyClick(popup, Qt.Key.Key_Escape)
                continue
            self.qtbot.keyClick(edit, Qt.Key.Key_Return)
            QTest.qWait(30)
            if not dialog.isVisible():
                return
            if self._file_dialog_said:
                break
        self.qtbot.mouseClick(buttons.button(QDialogButtonBox.StandardButton.Cancel), LEFT)
        raise AssertionError(f"the file dialog {dialog.windowTitle()!r} did not take {path!r}: "
                             f"{self._file_dialog_said or 'it stayed open'}")

    def message_box(self, timeout: int = WAIT_MS) -> QMessageBox:
        """Wait for a message box (an error or notice) to show, and return it (still open)."""
        def shown():
            modal = QApplication.activeModalWidget()
            return isinstance(modal, QMessageBox) and modal.isVisible() and not _is_question(modal)

        self.qtbot.waitUntil(shown, timeout=timeout)
        return QApplication.activeModalWidget()

    def read_and_close_message(self, timeout: int = WAIT_MS) -> tuple[str, str, str]:
        """Wait for a message box, read it (title, message, details) and click its OK button."""
        box = self.message_box(timeout)
        title, text, details = box.windowTitle(), box.text(), box.detailedText()
        ok = box.button(QMessageBox.StandardButton.Ok) or box.buttons()[0]
        self.qtbot.mouseClick(ok, LEFT)
        self.qtbot.waitUntil(lambda: not box.isVisible() if _alive(box) else True, timeout=5_000)
        return title, text, details


def _is_question(box: QMessageBox) -> bool:
    return box.button(QMessageBox.StandardButton.Yes) is not None and box.button(QMessageBox.StandardButton.No) is not None


def _alive(obj) -> bool:
    try:
        obj.objectName()
    except RuntimeError:  # the C++ object was deleted (WA_DeleteOnClose)
        return False
    return True
