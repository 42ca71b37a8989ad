"""The main window: the six steps as tabs, menus, shortcuts, drag-and-drop, settings.

Contract with the Compress and Export tabs (``compress_panel.CompressPanel`` and
``export_panel.ExportPanel``, written separately; imported if present):

    panel.set_model(model_dir: str | None, dataset) -> None

is called whenever a model is trained or opened (and with ``None, None`` when there is no
model any more). ``model_dir`` is the saved model folder; ``dataset`` is the core
:class:`~tinystudio.core.data.Dataset` it was trained on, or ``None`` when unknown (a model
opened from disk without its data file). Panels run their own heavy work in workers
(:mod:`tinystudio.gui.worker`).
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QEvent, QSettings, QSize, QStandardPaths, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QStyle,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from tinystudio.i18n import tr
from tinystudio.resources import sample_path

from . import help_texts, jobs, last_session, worker
from .data_panel import DataPanel
from .evaluate_panel import EvaluatePanel
from .label_panel import LabelPanel
from .menus import build_menus
from .model_session import ModelSession
from .naming import named
from .project import Project, ProjectError, normalise, open_project, save_project
from .steps import WindowState, model_fits, step_hint
from .train_panel import TrainPanel
from .try_panel import TryPanel

DATA, TRAIN, EVALUATE, TRY, COMPRESS, EXPORT, LABEL = range(7)
MAX_RECENT = 8
SETTINGS_VERSION = 1


class _Page(QScrollArea):
    """A tab page that scrolls only when the window is smaller than its panel needs (800×600,
    200 % scaling); otherwise the panel fills the page exactly, as if there were no scroll area.

    A plain resizable QScrollArea gives a panel with wrapping labels its *preferred* height, so
    tables and plots would never shrink to the window; here the panel gets the larger of the
    page's height and the least height its layout needs at this width.
    """

    def __init__(self, panel: QWidget) -> None:
        super().__init__()
        self.setObjectName("tabPage")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidgetResizable(False)
        self.setWidget(panel)
        panel.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:
        if obj is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            QTimer.singleShot(0, self, self.fit)
        return super().eventFilter(obj, event)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit()

    def viewportEvent(self, event) -> bool:
        if event.type() == QEvent.Type.Resize:  # a scroll bar appeared or went
            QTimer.singleShot(0, self, self.fit)
        return super().viewportEvent(event)

    def fit(self) -> None:
        panel = self.widget()
        if panel is None:
            return
        room = self.maximumViewportSize()  # the page without scroll bars
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        if hasattr(panel, "fit_width"):  # a panel that rearranges itself when narrow
            panel.fit_width(room.width() - bar)
        least = panel.minimumSizeHint().expandedTo(panel.minimumSize())
        width = max(room.width(), least.width())
        height = max(room.height(), self._least_height(panel, width))
        if height > room.height():  # a vertical bar will take room from the width
            width = max(room.width() - bar, least.width())
            height = max(room.height(), self._least_height(panel, width))
        if panel.size() != QSize(width, height):
            panel.resize(width, height)

    @staticmethod
    def _least_height(panel: QWidget, width: int) -> int:
        lay = panel.layout()
        if lay is not None and lay.hasHeightForWidth():
            return lay.totalMinimumHeightForWidth(width)
        return panel.minimumSizeHint().height()


class MainWindow(QMainWindow):
    model_ready = Signal(object)  # the core TrainedModel now in use
    error_shown = Signal(str, str)  # message, details (also shown in a dialog)

    def __init__(self, settings: QSettings | None = None, workspace: str | Path | None = None) -> None:
        super().__init__()
        self.settings = settings or QSettings()
        self.workspace = Path(workspace or QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))
        self.model = None
        self.model_dir: str | None = None
        self.model_dataset = None
        self.project: Project | None = None
        self._closing = False
        self._quit_confirmed = False  # the person said yes to quitting (or nothing was at stake)
        self.unsaved_model = False  # a model trained in this session, not saved in a project
        self._evaluate_when_data = False
        self.errors: list[tuple[str, str]] = []

        self.data_panel = DataPanel()
        self.train_panel = TrainPanel()
        self.evaluate_panel = EvaluatePanel()
        self.try_panel = TryPanel()
        self.label_panel = LabelPanel()
        # Imported here, not at the top: they import pyqtgraph's heavier parts. An ImportError
        # is a broken install and must show, never become a placeholder tab.
        from .compress_panel import CompressPanel
        from .export_panel import ExportPanel

        self.compress_panel = CompressPanel()
        self.export_panel = ExportPanel()
        self.train_panel.out_dir_provider = self._new_model_dir
        self.model_session = ModelSession(self)  # the models trained on this file (Evaluate tab)

        self.tabs = named(QTabWidget(), "stepTabs", tr("Steps"))
        self.tabs.setDocumentMode(True)
        for panel, name, tip in (
            (self.data_panel, tr("1 · Data"), tr("Open your file and check it")),
            (self.train_panel, tr("2 · Train"), tr("Teach a model with your data")),
            (self.evaluate_panel, tr("3 · Evaluate"), tr("See how good the model is on texts it never saw")),
            (self.try_panel, tr("4 · Try it"), tr("Type a text and see what the model does")),
            (self.compress_panel, tr("5 · Compress"), help_texts.tip("quantization")),
            (self.export_panel, tr("6 · Export"), tr("Save the model to use it elsewhere")),
            # Last: an external check clicks the tabs by index (1 Train, 2 Evaluate, 3 Try it).
            (self.label_panel, tr("Label"), tr("Label rows yourself (the ones that teach a model most) and check labels for mistakes")),
        ):
            self.tabs.setTabToolTip(self.tabs.addTab(_Page(panel), name), tip)
        self.hint = QLabel()
        self.hint.setObjectName("stepHint")
        self.hint.setWordWrap(True)  # a long hint must wrap, not widen the window past 800 px
        self.hint.setStyleSheet("#stepHint{padding:6px 10px;font-weight:600}")
        central = QWidget()
        lay = QVBoxLayout(central)
        lay.setContentsMargins(6, 0, 6, 6)
        lay.addWidget(self.hint)
        lay.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self.setAcceptDrops(True)
        self.statusBar()

        self.actions: dict[str, QAction] = build_menus(self)
        self.data_panel.open_requested.connect(self.actions["open"].trigger)
        self.data_panel.data_ready.connect(self._on_data_ready)
        self.data_panel.load_failed.connect(self._on_data_failed)
        self.data_panel.loading.connect(self._on_data_loading)
        self.train_panel.training_finished.connect(self._on_trained)
        self.train_panel.training_failed.connect(lambda m, d: self.show_error(tr("Training failed"), m, d))
        self.train_panel.running_changed.connect(lambda _r: self._update_steps())
        self.try_panel.failed.connect(lambda m, d: self.show_error(tr("The model could not answer"), m, d))
        self.train_panel.estimate_failed.connect(lambda m, d: self.show_error(tr("The training time could not be measured"), m, d))
        self.compress_panel.failed.connect(self._compress_failed)
        self.export_panel.failed.connect(lambda m, d: self.show_error(tr("The export failed"), m, d))
        self.data_panel.label_requested.connect(self.label_current_data)
        self.label_panel.failed.connect(lambda m, d: self.show_error(tr("Labelling stopped"), m, d))
        self.label_panel.train_requested.connect(self.train_with_labels)
        self._restore_settings()
        self._update_steps()
        self._update_title()
        self.resume_offer: dict | None = None  # the interrupted run being resumed, if any
        QTimer.singleShot(0, self.look_for_interrupted_runs)

    # -- names used by tests and scripts --------------------------------------------------
    @property
    def training(self) -> bool:
        return self.train_panel.running

    def tab_names(self) -> list[str]:
        return [self.tabs.tabText(i).split("·")[-1].strip() for i in range(self.tabs.count())]

    def show_tab(self, index: int) -> None:
        if self.tabs.isTabEnabled(index):
            self.tabs.setCurrentIndex(index)

    # -- opening things -------------------------------------------------------------------
    def open_data(self, path: str | Path, task: str | None = None, text_col=None, label_col=None,
                  *, sheet: str | None = None, encoding: str | None = None) -> bool:
        """Open a data file (asks first if training is running). False if the user said no."""
        if self.training:
            if not self.confirm(tr("Training is running"), tr("Stop training and open another file? The best model so far is kept.")):
                return False
            self.train_panel.stop()
        self.settings.setValue("last_dir", str(Path(path).parent))
        # Open recent: only once it opened (see _on_data_ready)
        self.data_panel.load_file(path, task, text_col, label_col, sheet=sheet, encoding=encoding)
        self.show_tab(DATA)
        return True

    def label_current_data(self) -> None:
        """The Data tab's "Label rows…": label the open file in the Label tab."""
        path = self.data_panel.path
        if not path:
            return
        text_col, label_col = self.data_panel.columns_choice()
        self.label_panel.open_file(path, text_col, label_col)
        self.show_tab(LABEL)

    def train_with_labels(self, labels_path: str, text_col: str, label_col: str) -> None:
        """The Label tab's "Train with these labels": open the labels file, then the Train tab."""

        def ready(result) -> None:
            self.data_panel.data_ready.disconnect(ready)
            if result.dataset is not None:
                self.show_tab(TRAIN)

        if self.open_data(labels_path, "classify", text_col, label_col):
            self.data_panel.data_ready.connect(ready)

    def open_sample(self) -> None:
        self.open_data(sample_path("wordnet_topics.csv"), "classify")

    def open_model(self, model_dir: str | Path) -> None:
        """Open a saved model folder in the background (plots, scores, Try it)."""
        self.statusBar().showMessage(tr("Opening the model {name}…").format(name=Path(model_dir).name))
        h = worker.start("open-model", jobs.load_model_folder, str(model_dir), parent=self)
        h.finished.connect(self._on_model_opened)
        h.failed.connect(lambda m, d: self.show_error(tr("The model cannot be opened"), m, d))

    def _on_model_opened(self, res: dict) -> None:
        model = res["model"]
        self.train_panel.show_history(res["log"], model.task)
        trained_on = (model.data_info or {}).get("path")
        # "Saved run: …" is about that file and task: cleared when another one is open.
        self.train_panel.status_for = (trained_on, model.task) if trained_on else None
        self._use_model(model, res["model_dir"], None, Path(res["model_dir"]).name)
        self.evaluate_panel.set_results(model.task, res["metrics"], {})
        if self.data_panel.busy:
            self._evaluate_when_data = True
        else:
            self._evaluate_with_data()
        self.statusBar().showMessage(tr("Model opened."), 5000)

    def _evaluate_with_data(self) -> None:
        self._evaluate_when_data = False
        ds = self.data_panel.dataset
        if self.model is None or ds is None or ds.task != self.model.task:
            return
        model = self.model
        h = worker.start("evaluate", jobs.evaluate_model, model, ds, parent=self)
        h.finished.connect(lambda res: self._on_evaluated(model, ds, res))
        h.failed.connect(lambda m, d: self.show_error(tr("The model could not be scored"), m, d))

    def _on_evaluated(self, model, ds, res: dict) -> None:
        if model is self.model and res.get("metrics"):
            self.model_dataset = ds
            self.evaluate_panel.set_results(model.task, res["metrics"], res["examples"])
            for panel in (self.compress_panel, self.export_panel):
                if panel is not None:
                    panel.set_model(self.model_dir, ds)

    # -- projects -------------------------------------------------------------------------
    def save_project_to(self, folder: str | Path) -> Path:
        text_col, label_col = self.data_panel.columns_choice()
        sheet, encoding = self.data_panel.source_choice()
        project = Project(
            folder=normalise(folder),
            data_path=self.data_panel.path,
            task=self.data_panel.task,
            text_column=text_col,
            label_column=label_col,
            settings=self.train_panel.settings(),
            sheet=sheet,
            encoding=encoding,
        )
        saved = save_project(project, self.model_dir, other_models=self.model_session.other_folders())
        self.project = project
        if self.model_dir and project.has_model:
            self.model_dir = str(project.model_dir)
        self.model_session.refresh()
        self._add_recent(str(saved))
        self.statusBar().showMessage(tr("Project saved in {saved}").format(saved=saved), 5000)
        self.unsaved_model = False
        self._update_title()
        return saved

    def open_project_from(self, folder: str | Path) -> None:
        try:
            project = open_project(folder)
        except ProjectError as exc:
            self.show_error(tr("The project cannot be opened"), exc.message, exc.details)
            return
        self.project = project
        self.unsaved_model = False
        self._update_title()
        self.train_panel.apply_settings(project.settings)
        if project.data_path and Path(project.data_path).is_file():
            self.open_data(project.data_path, project.task, project.text_column, project.label_column,
                           sheet=project.sheet, encoding=project.encoding)
        elif project.data_path:
            self.show_error(tr("The project's data file is missing"), tr("TinyStudio cannot find {data_path}.").format(data_path=project.data_path), "")
        if project.has_model:
            self.open_model(project.model_dir)
        self._add_recent(str(project.folder))

    def _new_model_dir(self) -> str:
        """Where the next trained model is saved automatically: a new folder each time, so a
        new run never replaces an earlier model (File ▸ Save project copies them all)."""
        folder = self.workspace / "models" / time.strftime("%Y%m%d-%H%M%S")
        n = 1
        while folder.exists():
            folder = folder.with_name(f"{folder.name.split('_')[0]}_{n}")
            n += 1
        return str(folder)

    # -- reacting -------------------------------------------------------------------------
    def _on_data_ready(self, result) -> None:
        self._add_recent(result.path)
        self.train_panel.set_data(result)
        self.model_session.refresh()
        if self._evaluate_when_data:
            self._evaluate_with_data()
        self._update_steps()

    def _on_data_loading(self, _path: str) -> None:
        """While a file is read, Train waits for it (it must not start on the previous file)."""
        if not self.training:
            self.train_panel.set_data(None)
        self._update_steps()

    def _on_data_failed(self, message: str, details: str) -> None:
        """A file that cannot be opened: the Data tab has cleared the previous file; the Train
        tab forgets it too (it must not train on the old file), and it is not a recent file."""
        self.train_panel.set_data(None)
        self._update_steps()
        self.show_error(tr("The file cannot be opened"), message, details)

    def _on_trained(self, res: dict) -> None:
        model = res["model"]
        in_project = self.project is not None and res["model_dir"] and Path(res["model_dir"]).resolve().is_relative_to(
            self.project.folder.resolve())
        self.unsaved_model = not in_project
        self._use_model(model, res["model_dir"], res["dataset"], tr("just trained"))
        self.evaluate_panel.set_results(model.task, res["metrics"], res["examples"])
        self.statusBar().showMessage(tr("Model saved in {model_dir}").format(model_dir=res['model_dir']), 8000)
        if self._closing:
            QTimer.singleShot(0, self.close)

    def _use_model(self, model, model_dir: str | None, dataset, description: str) -> None:
        self.model, self.model_dir, self.model_dataset = model, model_dir, dataset
        self.model_session.refresh()
        self.try_panel.set_model(model, self.model_session.name_of(model_dir) if model_dir else description)
        self.data_panel.set_tokenizer(model.tokenizer)
        for panel in (self.compress_panel, self.export_panel):
            if panel is not None:
                panel.set_model(model_dir, dataset)
        self._update_steps()
        self.model_ready.emit(model)
        self._update_title()

    def _state(self) -> WindowState:
        model, ds = self.model, self.data_panel.dataset
        return WindowState(
            reading=self.data_panel.busy,
            training=self.training,
            closing=self._closing,
            data_path=self.data_panel.path,
            data_ok=self.data_panel.can_train,
            task=self.data_panel.task,
            model_name=self.model_name() if model is not None else None,
            model_task=model.task if model is not None else None,
            model_fits_data=model_fits(model, ds, self.data_panel.task),
        )

    def model_name(self) -> str:
        """How the model in use is named on screen: "Model 2" (its place in the model list)."""
        return self.model_session.name_of(self.model_dir)

    def _update_title(self) -> None:
        """The project (or file) name; Qt adds " — TinyStudio" itself (applicationDisplayName),
        so the name is never repeated. [*] shows a star while a trained model is unsaved."""
        if self.project is not None:
            name = self.project.folder.name
        elif self.data_panel.path:
            name = Path(self.data_panel.path).name
        else:
            name = ""
        self.setWindowTitle(f"{name}[*]" if name else "")
        self.setWindowModified(bool(name) and self.unsaved_model)

    def _update_steps(self) -> None:
        has_model = self.model is not None
        can_train = self.data_panel.can_train
        self.tabs.setTabEnabled(TRAIN, can_train or self.training or has_model)
        for i in (EVALUATE, TRY):
            self.tabs.setTabEnabled(i, has_model)
        self.tabs.setTabEnabled(COMPRESS, has_model and self.compress_panel is not None)
        self.tabs.setTabEnabled(EXPORT, has_model and self.export_panel is not None)
        self.hint.setText(step_hint(self._state()))
        self._update_title()
        start = self.actions.get("start")
        if start is not None:
            start.setEnabled(can_train and not self.training)
            self.actions["pause"].setEnabled(self.training)
            self.actions["stop"].setEnabled(self.training)

    # -- dialogs --------------------------------------------------------------------------
    # -- crash recovery -------------------------------------------------------------------
    def look_for_interrupted_runs(self) -> None:
        """After a crash (or a killed process), offer to continue the unfinished run.

        Runs on the GUI thread: it only lists a folder and reads a few small JSON files.
        """
        try:
            runs = jobs.find_interrupted(None, str(self.workspace / "models"))
        except OSError:
            return  # an unreadable workspace: nothing to offer
        self._offer_resume(runs)

    def _offer_resume(self, runs: list) -> None:
        if not runs or self._closing or self.training:
            return
        run = runs[0]
        data = run["data"]
        minutes = run["elapsed"] / 60
        question = (
            tr("A training run on {file} did not finish: TinyStudio was closed unexpectedly after {minutes:.1f} minutes (step {step}). Continue it where it stopped? If you say No, it is set aside and not offered again.").format(file=Path(data['path']).name, minutes=minutes, step=run['step'])
        )
        self._asking_resume = True
        try:
            answer = self.confirm(tr("Continue unfinished training?"), question)
        finally:
            self._asking_resume = False
        if not answer:
            from tinystudio.core.training.recovery import set_aside

            set_aside(run["folder"])
            return
        self.resume_offer = run
        task = run["train_config"].get("task")
        self.data_panel.data_ready.connect(self._resume_when_data_ready)
        self.open_data(data["path"], task, data.get("text_column"), data.get("label_column"))

    def _resume_when_data_ready(self, result) -> None:
        run = self.resume_offer
        if run is not None and Path(result.path).resolve() != Path(run["data"]["path"]).resolve():
            return  # another file finished loading first (the sample opened at start-up)
        self.data_panel.data_ready.disconnect(self._resume_when_data_ready)
        self.resume_offer = None
        if run is not None and self.train_panel.resume_training(run):
            self.show_tab(TRAIN)
            self.statusBar().showMessage(tr("Continuing the interrupted run from step {step}…").format(step=run['step']), 8000)

    def show_learning_curve(self):
        """Open the learning-curve window for the current classify data (returns it, for tests)."""
        from .curve_dialog import CurveDialog

        dataset = self.data_panel.dataset
        if dataset is None or dataset.task != "classify":
            self.show_error(
                tr("No labelled data"),
                tr("Open a file with texts and labels first (task: sort texts into groups); the "
                "learning curve shows how accuracy grows with the number of labelled rows."),
            )
            return None
        dialog = CurveDialog(dataset, self)
        dialog.show()
        return dialog

    def _compress_failed(self, message: str, details: str) -> None:
        if not self.compress_panel.stopped_by_user:  # Stop pressed: the status line says so
            self.show_error(tr("Compression failed"), message, details)

    def show_error(self, title: str, message: str, details: str = "") -> None:
        """A dialog with the plain message and the details behind a button; never blocks."""
        self.errors.append((message, details))
        box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, self)
        if details:
            box.setDetailedText(details)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.error_shown.emit(message, details)

    def confirm(self, title: str, question: str) -> bool:
        answer = QMessageBox.question(self, title, question)
        return answer == QMessageBox.StandardButton.Yes

    # -- the last session (gui/last_session.py) ------------------------------------------
    def last_session(self) -> dict | None:
        """The previous session's files that still exist, or None."""
        return last_session.read(self.settings.value(last_session.KEY))

    def reopen_last_or_sample(self) -> None:
        """At start-up: offer to reopen the last file and model; otherwise open the sample."""
        if getattr(self, "_asking_resume", False):  # the unfinished-run question comes first
            QTimer.singleShot(200, self.reopen_last_or_sample)
            return
        if self.resume_offer is not None:  # continuing an unfinished run opens its own file
            return
        if not self.reopen_last_session():
            self.open_sample()

    def reopen_last_session(self) -> bool:
        """Ask to reopen what was open when TinyStudio was last closed. False if nothing/no."""
        last = self.last_session()
        if last is None or not self.confirm(
            tr("Continue where you left off?"),
            tr("Reopen {what}, as when TinyStudio was last closed?").format(what=last_session.describe(last)),
        ):
            return False
        last_session.reopen(self, last)
        return True

    # -- settings, recent files, drag and drop, closing -----------------------------------
    def _restore_settings(self) -> None:
        geometry = self.settings.value("window/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1200, 800)
        limit = self.settings.value("train/time_limit")
        if limit is not None:
            self.train_panel.time_limit.setValue(int(limit))

    def recent_files(self) -> list[str]:
        value = self.settings.value("recent_files") or []
        return [value] if isinstance(value, str) else list(value)

    def _add_recent(self, path: str) -> None:
        items = [p for p in self.recent_files() if p != path]
        self.settings.setValue("recent_files", [path, *items][:MAX_RECENT])

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        for url in event.mimeData().urls():
            path = Path(url.toLocalFile())
            if path.name.endswith(".tinystudio") and path.is_dir():
                self.open_project_from(path)
            elif (path / "config.json").is_file():
                self.open_model(path)
            elif path.is_file():
                self.open_data(path)
            event.acceptProposedAction()
            return

    def quit_question(self) -> tuple[str, str] | None:
        """(title, question) to ask before quitting, or None when nothing would be lost."""
        if self.training:
            return tr("Training is running"), tr(
                "Stop training and quit? The best model so far is saved, and TinyStudio offers to "
                "reopen it next time.")
        if self.unsaved_model and self.model_dir:
            return tr("Quit without saving a project?"), tr(
                "The model you trained is not saved in a project. Quit anyway? It stays in {folder}, "
                "and TinyStudio offers to reopen it next time. Choose No, then File ▸ Save project, "
                "to keep it together with its data and settings.").format(folder=self.model_dir)
        return None

    def closeEvent(self, event) -> None:
        if not self._closing and not self._quit_confirmed:
            asked = self.quit_question()
            if asked is not None and not self.confirm(*asked):
                event.ignore()
                return
            self._quit_confirmed = True
        if worker.active_handles():
            # Ask every job to stop, then close for real once their threads have ended.
            self._closing = True
            self.train_panel.stop()
            self.data_panel.shutdown()
            self.try_panel.shutdown()
            self.label_panel.shutdown()
            worker.stop_all(wait_ms=0)
            self.statusBar().showMessage(tr("Stopping… saving the best model so far."))
            self._update_steps()
            QTimer.singleShot(50, self.close)
            event.ignore()
            return
        last_session.remember(self)
        self.label_panel.shutdown()  # the last answer reaches the labels file
        self.settings.setValue("settings_version", SETTINGS_VERSION)
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("train/time_limit", self.train_panel.time_limit.value())
        self.settings.sync()
        event.accept()
