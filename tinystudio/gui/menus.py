"""Menus, toolbar and keyboard shortcuts of the main window (and the file dialogs they open)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMessageBox, QToolBar

from tinystudio import __version__

from . import help_texts
from .data_panel import FILE_FILTER
from .icons import icon


def build_menus(win) -> dict[str, QAction]:
    """Create the window's actions; returns them by name (tests trigger them)."""
    acts: dict[str, QAction] = {}

    def act(name, text, slot, shortcut=None, tip=""):
        a = QAction(text, win)
        if shortcut:
            a.setShortcut(QKeySequence(shortcut))
        a.setToolTip(tip or text)
        a.setStatusTip(tip or text)
        # triggered(bool) carries `checked`; never let it reach a slot's parameters.
        a.triggered.connect(lambda _checked=False: slot())
        acts[name] = a
        return a

    def last_dir() -> str:
        return str(win.settings.value("last_dir") or Path.home())

    def ask_open_data():
        path, _ = QFileDialog.getOpenFileName(win, "Open a data file", last_dir(), FILE_FILTER)
        if path:
            win.open_data(path)

    def ask_open_model():
        path = QFileDialog.getExistingDirectory(win, "Open a model folder", last_dir())
        if path:
            win.open_model(path)

    def ask_open_project():
        path = QFileDialog.getExistingDirectory(win, "Open a project (a folder ending in .tinystudio)", last_dir())
        if path:
            win.open_project_from(path)

    def ask_save_project():
        if win.project is not None:
            win.save_project_to(win.project.folder)
            return
        path, _ = QFileDialog.getSaveFileName(win, "Save the project as", last_dir(), "TinyStudio project (*.tinystudio)")
        if path:
            win.save_project_to(path)

    file_menu = win.menuBar().addMenu("&File")
    file_menu.addAction(act("open", "&Open data file…", ask_open_data, QKeySequence.StandardKey.Open, "Open a CSV or text file (Ctrl+O)"))
    file_menu.addAction(act("sample", "Open the &sample data", win.open_sample, tip="The bundled example: dictionary definitions sorted by topic"))
    recent = file_menu.addMenu("Open &recent")

    def fill_recent():
        recent.clear()
        for path in win.recent_files():
            a = recent.addAction(path)
            a.triggered.connect(lambda _c=False, p=path: _open_any(win, p))
        if recent.isEmpty():
            recent.addAction("(nothing yet)").setEnabled(False)

    recent.aboutToShow.connect(fill_recent)
    file_menu.addSeparator()
    file_menu.addAction(act("open_model", "Open &model…", ask_open_model, "Ctrl+Shift+O", "Open a saved model folder"))
    file_menu.addAction(act("open_project", "Open &project…", ask_open_project, "Ctrl+Alt+O"))
    file_menu.addAction(act("save_project", "&Save project…", ask_save_project, QKeySequence.StandardKey.Save, "Save data reference, settings and model (Ctrl+S)"))
    file_menu.addSeparator()
    file_menu.addAction(act("quit", "&Quit", win.close, QKeySequence.StandardKey.Quit))

    train_menu = win.menuBar().addMenu("&Train")
    train_menu.addAction(act("start", "&Start training", win.train_panel.start_training, "Ctrl+Return", "Start training (Ctrl+Enter)"))
    train_menu.addAction(act("pause", "&Pause / resume", win.train_panel.toggle_pause, "Ctrl+Shift+P"))
    train_menu.addAction(act("stop", "S&top training", win.train_panel.stop, "Ctrl+.", "Stop and keep the best model so far (Ctrl+.)"))
    train_menu.addSeparator()
    train_menu.addAction(act("curve", "&Learning curve…", win.show_learning_curve,
                             tip="Is labelling more rows worth it? Accuracy against the number of labels"))

    view_menu = win.menuBar().addMenu("&View")
    for i in range(6):
        view_menu.addAction(act(f"tab{i}", f"Step {i + 1}", lambda _c=False, i=i: win.show_tab(i), f"Ctrl+{i + 1}"))

    help_menu = win.menuBar().addMenu("&Help")
    help_menu.addAction(act("glossary", "&Words explained…", lambda: _glossary(win), QKeySequence.StandardKey.HelpContents))
    help_menu.addAction(act("about", "&About TinyStudio", lambda: QMessageBox.about(
        win, "About TinyStudio", f"TinyStudio {__version__}<br>Train, test and shrink tiny text models on your own CSV file.")))

    bar = QToolBar("Main")
    bar.setObjectName("mainToolbar")
    bar.setMovable(False)
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    for name in ("open", "save_project", "start", "pause", "stop"):
        bar.addAction(acts[name])
    for name, text, kind in (("open", "Open…", "open"), ("save_project", "Save project", "save"),
                             ("start", "Train", "play"), ("pause", "Pause", "pause"), ("stop", "Stop", "stop")):
        acts[name].setIconText(text)
        acts[name].setIcon(icon(win, kind))
    win.addToolBar(bar)
    return acts


def _open_any(win, path: str) -> None:
    p = Path(path)
    if p.name.endswith(".tinystudio"):
        win.open_project_from(p)
    elif (p / "config.json").is_file():
        win.open_model(p)
    else:
        win.open_data(p)


def _glossary(win) -> None:
    box = QMessageBox(QMessageBox.Icon.Information, "Words explained", help_texts.glossary_html(), parent=win)
    box.setTextFormat(Qt.TextFormat.RichText)
    box.open()
