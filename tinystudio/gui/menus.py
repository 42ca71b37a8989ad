"""Menus, toolbar and keyboard shortcuts of the main window (and the file dialogs they open)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLineEdit,
    QMessageBox,
    QTextBrowser,
    QToolBar,
    QVBoxLayout,
)

from tinystudio import __version__, i18n
from tinystudio.i18n import tr

from . import help_texts
from .data_panel import file_filter
from .icons import icon


def build_menus(win) -> dict[str, QAction]:
    """Create the window's actions; returns them by name (tests trigger them)."""
    acts: dict[str, QAction] = {}

    def act(name, text, slot, shortcut=None, tip=""):
        a = QAction(text, win)
        a.setObjectName(f"action_{name}")
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
        path, _ = QFileDialog.getOpenFileName(win, tr("Open a data file"), last_dir(), file_filter())
        if path:
            win.open_data(path)

    def ask_open_model():
        path = QFileDialog.getExistingDirectory(win, tr("Open a model folder"), last_dir())
        if path:
            win.open_model(path)

    def ask_open_project():
        path = QFileDialog.getExistingDirectory(win, tr("Open a project (a folder ending in .tinystudio)"), last_dir())
        if path:
            win.open_project_from(path)

    def ask_save_project():
        if win.project is not None:
            win.save_project_to(win.project.folder)
            return
        path, _ = QFileDialog.getSaveFileName(win, tr("Save the project as"), last_dir(), tr("TinyStudio project (*.tinystudio)"))
        if path:
            win.save_project_to(path)

    file_menu = win.menuBar().addMenu(tr("&File"))
    file_menu.setObjectName("fileMenu")
    file_menu.addAction(act("open", tr("&Open data file…"), ask_open_data, QKeySequence.StandardKey.Open, tr("Open a CSV or text file (Ctrl+O)")))
    file_menu.addAction(act("sample", tr("Open the &sample data"), win.open_sample, tip=tr("The bundled example: dictionary definitions sorted by topic")))
    recent = file_menu.addMenu(tr("Open &recent"))
    recent.setObjectName("recentMenu")

    def fill_recent():
        recent.clear()
        for path in win.recent_files():
            a = recent.addAction(path)
            a.triggered.connect(lambda _c=False, p=path: _open_any(win, p))
        if recent.isEmpty():
            recent.addAction(tr("(nothing yet)")).setEnabled(False)

    recent.aboutToShow.connect(fill_recent)
    file_menu.addSeparator()
    file_menu.addAction(act("open_model", tr("Open &model…"), ask_open_model, "Ctrl+Shift+O", tr("Open a saved model folder")))
    file_menu.addAction(act("open_project", tr("Open &project…"), ask_open_project, "Ctrl+Alt+O"))
    file_menu.addAction(act("save_project", tr("&Save project…"), ask_save_project, QKeySequence.StandardKey.Save, tr("Save data reference, settings and model (Ctrl+S)")))
    file_menu.addSeparator()
    # Ctrl+Q spelled out: StandardKey.Quit has no key on Windows (nor on offscreen Qt).
    file_menu.addAction(act("quit", tr("&Quit"), win.close, "Ctrl+Q"))

    train_menu = win.menuBar().addMenu(tr("&Train"))
    train_menu.setObjectName("trainMenu")
    train_menu.addAction(act("start", tr("&Start training"), win.train_panel.start_training, "Ctrl+Return", tr("Start training (Ctrl+Enter)")))
    train_menu.addAction(act("pause", tr("&Pause / resume"), win.train_panel.toggle_pause, "Ctrl+Shift+P"))
    train_menu.addAction(act("stop", tr("S&top training"), win.train_panel.stop, "Ctrl+.", tr("Stop and keep the best model so far (Ctrl+.)")))
    train_menu.addSeparator()
    train_menu.addAction(act("curve", tr("&Learning curve…"), win.show_learning_curve,
                             tip=tr("Is labelling more rows worth it? Accuracy against the number of labels")))

    view_menu = win.menuBar().addMenu(tr("&View"))
    view_menu.setObjectName("viewMenu")
    for i in range(6):
        view_menu.addAction(act(f"tab{i}", tr("Step {n}").format(n=i + 1), lambda _c=False, i=i: win.show_tab(i), f"Ctrl+{i + 1}"))

    view_menu.addSeparator()
    language_menu = view_menu.addMenu(tr("&Language"))
    language_menu.setObjectName("languageMenu")
    chosen = str(win.settings.value("language") or "")
    for lang in i18n.available_languages():
        a = language_menu.addAction(i18n.language_name(lang))
        a.setObjectName(f"language_{lang}")
        a.setCheckable(True)
        a.setChecked(lang == (chosen or i18n.current_language()))
        a.triggered.connect(lambda _c=False, lang=lang: _choose_language(win, lang))
        acts[f"language_{lang}"] = a

    help_menu = win.menuBar().addMenu(tr("&Help"))
    help_menu.setObjectName("helpMenu")
    help_menu.addAction(act("glossary", tr("&Words explained…"), lambda: _glossary(win), QKeySequence.StandardKey.HelpContents))
    help_menu.addAction(act("about", tr("&About TinyStudio"), lambda: QMessageBox.about(
        win, tr("About TinyStudio"), f"TinyStudio {__version__}<br>"
        + tr("Train, test and shrink tiny text models on your own CSV file."))))

    bar = QToolBar(tr("Main"))
    bar.setObjectName("mainToolbar")
    bar.setMovable(False)
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    for name in ("open", "save_project", "start", "pause", "stop"):
        bar.addAction(acts[name])
    for name, text, kind in (("open", tr("Open…"), "open"), ("save_project", tr("Save project"), "save"),
                             ("start", tr("Train"), "play"), ("pause", tr("Pause"), "pause"),
                             ("stop", tr("Stop"), "stop")):
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


def _choose_language(win, lang: str) -> None:
    """View > Language: saved now, used from the next start (strings already shown stay)."""
    win.settings.setValue("language", lang)
    win.settings.sync()
    for name, a in win.actions.items():
        if name.startswith("language_"):
            a.setChecked(name == f"language_{lang}")
    win.statusBar().showMessage(
        tr("The language changes when TinyStudio starts again."), 10000)


def _glossary(win) -> None:
    dialog = GlossaryDialog(win)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()


class GlossaryDialog(QDialog):
    """Help ▸ Words explained: every term, in a scrolling page that fits the screen, with a filter."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("glossaryDialog")
        self.setWindowTitle(tr("Words explained"))
        self.find = QLineEdit()
        self.find.setObjectName("glossaryFind")
        self.find.setAccessibleName(tr("Find a word"))
        self.find.setPlaceholderText(tr("Find a word (for example: int8, p95, loss)"))
        self.find.setClearButtonEnabled(True)
        self.find.textChanged.connect(lambda text: self.text.setHtml(help_texts.glossary_html(text)))
        self.text = QTextBrowser()
        self.text.setObjectName("glossaryText")
        self.text.setAccessibleName(tr("Words explained"))
        self.text.setHtml(help_texts.glossary_html())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setObjectName("glossaryOk")
        buttons.accepted.connect(self.accept)
        lay = QVBoxLayout(self)
        lay.addWidget(self.find)
        lay.addWidget(self.text, 1)
        lay.addWidget(buttons)
        # Fit the screen the window is on: the text scrolls, the OK button stays in sight.
        screen = (parent.screen() if parent is not None else None) or QGuiApplication.primaryScreen()
        room = screen.availableGeometry()
        self.resize(min(620, int(room.width() * 0.9)), min(640, int(room.height() * 0.85)))
