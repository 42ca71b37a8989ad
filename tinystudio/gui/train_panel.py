"""The Train tab: choose a model size, start / pause / stop, watch it learn."""

from __future__ import annotations

import html
import tempfile
import time
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QBoxLayout,
    QButtonGroup,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

# The core's defaults, read without torch (core.models builds torch modules only on demand).
from tinystudio.core.training.events import (
    AutoFinished,
    CandidateFinished,
    CandidateStarted,
    EvalEvent,
    Notice,
    SampleEvent,
    StepEvent,
    TrainFinished,
    TrainStarted,
)
from tinystudio.i18n import tr, tr_noop

from . import help_texts, jobs, worker
from .budget import DEFAULT_BUDGET, BudgetChooser
from .icons import icon
from .leaderboard import Leaderboard
from .naming import named
from .plots import TrainingPlots
from .size_estimates import format_params, format_seconds, size_text
from .steps import train_status_is_stale

PRESETS = [("auto", tr_noop("Automatic"), tr_noop("Auto picks the size for the time given")),
           ("tiny", tr_noop("Tiny"), tr_noop("fastest, smallest")), ("small", tr_noop("Small"), tr_noop("a good balance")),
           ("base", tr_noop("Base"), tr_noop("learns most, slowest"))]
KINDS = [(None, tr_noop("Automatic (best for the task)")), ("fasttext", tr_noop("fastText (sorting only)")),
         ("transformer", "Transformer"), ("lstm", "LSTM")]
DEFAULT_TIME_LIMIT = DEFAULT_BUDGET
STATUS_HZ = 5  # status line updates per second at most


class TrainPanel(QWidget):
    training_started = Signal()
    training_finished = Signal(object)  # the dict returned by jobs.train_model
    training_failed = Signal(str, str)
    estimate_failed = Signal(str, str)  # message, details: the size estimates could not be measured
    running_changed = Signal(bool)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.handle: worker.TaskHandle | None = None
        self._data = None  # jobs.DataResult
        self._estimates: dict = {}
        self._estimate_handle = None
        self._last_status = 0.0
        self.status_for: tuple[str, str] | None = None  # (file, task) the status message is about
        self._params = 0
        self.out_dir_provider: Callable[[], str] = lambda: tempfile.mkdtemp(prefix="tinystudio-model-")
        self.events_seen = 0
        # Auto: each candidate's points, to put the kept one's back on the charts at the end.
        self._curves: dict[str, list[tuple]] = {}
        self._curve: list[tuple] = []
        self._preset_chosen = False  # the user picked a size: stop following the default

        # Model size
        # 1. The time budget: Auto chooses the model for it.
        self.budget = BudgetChooser()
        self.time_limit = self.budget.seconds
        # The model size sits under Advanced: Auto chooses unless the user does.
        size_box = QGroupBox(tr("Model size"))
        size_box.setToolTip(help_texts.tip("preset"))
        grid = QGridLayout(size_box)
        self.preset_group = QButtonGroup(self)
        self.preset_info: dict[str, QLabel] = {}
        for row, (key, name, words) in enumerate(PRESETS):
            rb = QRadioButton(tr("{size} — {words}").format(size=tr(name), words=tr(words)))
            rb.setProperty("preset", key)
            named(rb, f"preset{name}", rb.text())
            rb.setToolTip(help_texts.tip("preset"))
            self.preset_group.addButton(rb, row)
            info = QLabel("")
            info.setWordWrap(True)  # "896 k parameters · stops at the time limit" fits 800×600
            info.setToolTip(help_texts.tip("parameters"))
            self.preset_info[key] = info
            grid.addWidget(rb, row, 0)
            grid.addWidget(info, row, 1)
        grid.setColumnStretch(1, 1)
        self.preset_group.buttonClicked.connect(self._on_preset_clicked)

        # Advanced settings
        self.advanced = QGroupBox(tr("Advanced settings (you can leave these alone)"))
        self.advanced.setCheckable(True)
        self.advanced.setChecked(False)
        self._adv_body = QWidget()
        form = QFormLayout(self._adv_body)
        self.epochs = QSpinBox(minimum=0, maximum=1000, value=0, specialValueText=tr("automatic"))
        self.lr = QDoubleSpinBox(minimum=0.0, maximum=1.0, decimals=5, singleStep=0.0005, value=0.0)
        self.lr.setSpecialValueText(tr("automatic"))
        self.batch = QSpinBox(minimum=0, maximum=4096, value=0, specialValueText=tr("automatic"))
        self.kind = QComboBox()
        for key, words in KINDS:
            self.kind.addItem(tr(words), key)
        self.seed = QSpinBox(minimum=0, maximum=2**31 - 1, value=0)
        for label, w, key in (
            (tr("Passes over the data (epochs)"), self.epochs, "epoch"),
            (tr("Learning rate"), self.lr, "learning_rate"),
            (tr("Batch size"), self.batch, "batch_size"),
            (tr("Model kind"), self.kind, "model_kind"),
            (tr("Seed"), self.seed, "seed"),
        ):
            w.setToolTip(help_texts.tip(key))
            lab = QLabel(label)
            lab.setToolTip(help_texts.tip(key))
            form.addRow(lab, w)
        for w in (self.time_limit, self.epochs, self.batch):
            w.valueChanged.connect(lambda _v: self._update_estimates())
        self.kind.currentIndexChanged.connect(self._on_kind_changed)
        QVBoxLayout(self.advanced).addWidget(self._adv_body)
        form.insertRow(0, size_box)
        self._adv_body.setVisible(False)
        self.advanced.toggled.connect(self._adv_body.setVisible)

        # Buttons and status
        self.start_button = QPushButton(icon(self, "play"), tr("Start training"))
        self.start_button.setAccessibleName(tr("Start training"))
        self.start_button.setToolTip(tr("Start training (Ctrl+Enter)"))
        self.pause_button = QPushButton(icon(self, "pause"), tr("Pause"))
        self.pause_button.setToolTip(tr("Pause and resume training (Ctrl+Shift+P)"))
        self.stop_button = QPushButton(icon(self, "stop"), tr("Stop"))
        self.stop_button.setToolTip(tr("Stop now and keep the best model so far (Ctrl+.)"))
        # clicked(bool) must not reach start_training's parameters: a lambda drops `checked`.
        self.start_button.clicked.connect(lambda _checked=False: self.start_training())
        self.pause_button.clicked.connect(self.toggle_pause)
        self.stop_button.clicked.connect(self.stop)
        buttons = QHBoxLayout()
        for b in (self.start_button, self.pause_button, self.stop_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.status = QLabel(tr("Not started."))
        self.status.setWordWrap(True)
        self.status.setToolTip(help_texts.tip("examples_per_sec"))
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setVisible(False)
        self.hint.setStyleSheet("QLabel{background:#fef3c7;color:#78350f;border-radius:4px;padding:6px}")

        self.leaderboard = Leaderboard()
        self.plots = TrainingPlots()
        self.samples = QPlainTextEdit()
        self.samples.setReadOnly(True)
        self.samples.setPlaceholderText(tr("Every few seconds the model writes a little text here, so you can watch it learn."))
        self.samples_box = QGroupBox(tr("What the model writes so far"))
        QVBoxLayout(self.samples_box).addWidget(self.samples)

        top = self._top = QHBoxLayout()  # one above the other in a narrow window: see fit_width
        top.addWidget(self.budget, 1, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.advanced, 1, Qt.AlignmentFlag.AlignTop)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addLayout(buttons)
        lay.addWidget(self.progress)
        lay.addWidget(self.status)
        lay.addWidget(self.hint)
        lay.addWidget(self.leaderboard, 1)
        lay.addWidget(self.plots, 3)
        lay.addWidget(self.samples_box, 1)
        for widget, key, words in (
            (self.advanced, "advancedSettings", tr("Advanced settings")),
            (self.time_limit, "timeLimit", tr("Time limit in seconds")),
            (self.epochs, "epochs", tr("Passes over the data")),
            (self.lr, "learningRate", tr("Learning rate")),
            (self.batch, "batchSize", tr("Batch size")),
            (self.seed, "seed", tr("Random seed")),
            (self.kind, "modelKind", tr("Model kind")),
            (self.start_button, "startTraining", tr("Start training")),
            (self.pause_button, "pauseTraining", tr("Pause or resume training")),
            (self.stop_button, "stopTraining", tr("Stop training")),
            (self.progress, "trainProgress", tr("Training progress")),
            (self.status, "trainStatus", tr("Training status")),
            (self.hint, "trainHint", tr("Training advice")),
            (self.samples, "trainSamples", tr("What the model writes so far")),
        ):
            named(widget, key, words)
        self._set_running(False)
        self.set_data(None)

    def fit_width(self, width: int) -> None:
        """Budget and advanced settings side by side when ``width`` allows, else stacked (800×600)."""
        m = self.layout().contentsMargins()
        wide = (self.budget.minimumSizeHint().width() + self.advanced.minimumSizeHint().width()
                + self._top.spacing() + m.left() + m.right())
        direction = QBoxLayout.Direction.LeftToRight if width >= wide else QBoxLayout.Direction.TopToBottom
        if self._top.direction() != direction:
            self._top.setDirection(direction)

    # -- data and estimates ---------------------------------------------------------------
    @property
    def task(self) -> str:
        return self._data.task if self._data else "classify"

    @property
    def running(self) -> bool:
        return self.handle is not None

    def set_data(self, data) -> None:
        """The data to train on (a jobs.DataResult), or None."""
        self._data = data
        if not self.running and train_status_is_stale(self.status_for, data.path if data else None, self.task):
            # "Done: … accuracy 71%" was about another file or task: say where things stand now.
            self.status_for = None
            self.status.setText(tr("Not started: no model trained on this file for this task yet."))
            # ...and so were the progress bar, the models tried and the advice under them.
            self.progress.setValue(0)
            self.leaderboard.reset()
            self.hint.setVisible(False)
        self.samples_box.setVisible(self.task == "generate")
        if not self.running:
            self._preset_chosen = False
            self._select_preset(self.default_preset())
            self.plots.reset(self.task)
        self.start_button.setEnabled(not self.running and data is not None and data.dataset is not None)
        self._request_estimates()

    def _select_preset(self, key: str) -> None:
        for b in self.preset_group.buttons():
            b.setChecked(b.property("preset") == key)

    def default_preset(self) -> str:
        """"auto": Auto picks the size (and, to classify, the model) for the time given."""
        return "auto"

    def _on_preset_clicked(self, _button) -> None:
        self._preset_chosen = True
        self._update_estimates()

    def _on_kind_changed(self, _index: int) -> None:
        # The default size depends on the kind (a Base Transformer would not finish in a
        # minute): follow it until the user picks a size themselves.
        if not self.running and not self._preset_chosen:
            self._select_preset(self.default_preset())
        self._request_estimates()

    def preset(self) -> str | None:
        """The size picked under Advanced, or None when Auto decides."""
        b = self.preset_group.checkedButton()
        key = b.property("preset") if b else self.default_preset()
        return None if key == "auto" else key

    def _request_estimates(self) -> None:
        if self._data is None or self._data.dataset is None:
            for info in self.preset_info.values():
                info.setText("")
            return
        ds = self._data.dataset
        if self._estimate_handle is not None:
            self._estimate_handle.stop()  # settings changed: its answer is no longer wanted
        handle = worker.start(
            "estimate", jobs.estimate_params, ds.task, self.kind.currentData(), len(ds.label_names), ds, parent=self
        )
        handle.finished.connect(lambda est, h=handle: self._on_estimates(h, est))
        handle.failed.connect(lambda m, d, h=handle: self._on_estimate_failed(h, m, d))
        self._estimate_handle = handle

    def _on_estimate_failed(self, handle, message: str, details: str) -> None:
        """Training may still work, but the person is told (with the details) what went wrong."""
        if handle is not self._estimate_handle:
            return
        self._estimate_handle = None
        for info in self.preset_info.values():
            info.setText(tr("time unknown (see the message)"))
        self.estimate_failed.emit(message, details)

    def _on_estimates(self, handle, est: dict) -> None:
        if handle is self._estimate_handle:
            self._estimates = est
            self._estimate_handle = None
            self._update_estimates()

    def _update_estimates(self) -> None:
        ds = self._data.dataset if self._data else None
        if ds is None or not self._estimates:
            return
        limit = self.time_limit.value()
        for key, info in self.preset_info.items():
            e = self._estimates.get(key)
            if e is not None:
                info.setText(size_text(e, ds, limit, self.epochs.value(), self.batch.value()))

    # -- settings -------------------------------------------------------------------------
    def settings(self) -> dict:
        """TrainConfig fields as chosen (0 / automatic → None, the core's default)."""
        return {
            "task": self.task,
            "preset": self.preset(),
            "model_kind": self.kind.currentData(),
            "epochs": self.epochs.value() or None,
            "max_time": float(self.time_limit.value()),
            "lr": self.lr.value() or None,
            "batch_size": self.batch.value() or None,
            "seed": self.seed.value(),
            "threads": worker.TORCH_THREADS,
            # generate: a sample text about ten times per run, so the user sees it learn
            "sample_every": min(10.0, max(2.0, self.time_limit.value() / 10)),
        }

    def apply_settings(self, s: dict) -> None:
        """Restore settings saved in a project."""
        if s.get("preset"):
            self._select_preset(s["preset"])
            self._preset_chosen = True
        self.kind.setCurrentIndex(max(self.kind.findData(s.get("model_kind")), 0))
        self.time_limit.setValue(int(s.get("max_time") or DEFAULT_TIME_LIMIT))
        self.epochs.setValue(int(s.get("epochs") or 0))
        self.lr.setValue(float(s.get("lr") or 0.0))
        self.batch.setValue(int(s.get("batch_size") or 0))
        self.seed.setValue(int(s.get("seed") or 0))

    # -- running --------------------------------------------------------------------------
    def start_training(self) -> bool:
        """Start training with the settings on screen (the Start button, menu and Ctrl+Enter)."""
        return self._start(None)

    def resume_training(self, run: dict) -> bool:
        """Continue an interrupted run (``run`` from ``jobs.find_interrupted``) where it stopped."""
        return self._start(run)

    def _start(self, resume_run: dict | None) -> bool:
        if self.running or self._data is None or self._data.dataset is None:
            return False
        text_col, label_col = self._data.report.choice.text_column, self._data.report.choice.label_column
        settings = self.settings()
        out_dir = self.out_dir_provider()
        if resume_run is not None:
            settings = dict(resume_run["train_config"])  # the interrupted run's own settings
            out_dir = resume_run["folder"]
        self.plots.reset(self.task)
        self.leaderboard.reset()
        self.samples.clear()
        self.hint.setVisible(False)
        self.progress.setValue(0)
        self.events_seen = 0
        self._curves, self._curve = {}, []
        self.status.setText(tr("Preparing: learning the vocabulary and building the model…"))
        if self._estimate_handle is not None:
            self._estimate_handle.stop()  # its timed steps would compete with training for the CPU
        self.handle = worker.start(
            "train", jobs.train_model, self._data.path, settings, text_col,
            label_col if self.task == "classify" else None, out_dir, self._data.dataset,
            resume=resume_run is not None, parent=self,
        )
        self.handle.progress.connect(self._on_event)
        self.handle.finished.connect(self._on_finished)
        self.handle.failed.connect(self._on_failed)
        self._set_running(True)
        self.training_started.emit()
        return True

    def toggle_pause(self) -> None:
        if not self.running:
            return
        if self.handle.paused:
            self.handle.resume()
            self.pause_button.setText(tr("Pause"))
            self.pause_button.setIcon(icon(self, "pause"))
            self.status.setText(tr("Resumed."))
        else:
            self.handle.pause()
            self.pause_button.setText(tr("Resume"))
            self.pause_button.setIcon(icon(self, "play"))
            self.status.setText(tr("Paused. Press Resume to go on, or Stop to keep the best model so far."))

    def stop(self) -> None:
        if self.running:
            self.handle.stop()
            self.stop_button.setEnabled(False)
            self.pause_button.setEnabled(False)
            self.status.setText(tr("Stopping: scoring and saving the best model so far…"))

    def _set_running(self, running: bool) -> None:
        self.start_button.setEnabled(not running and self._data is not None and self._data.dataset is not None)
        self.pause_button.setEnabled(running)
        self.stop_button.setEnabled(running)
        self.pause_button.setText(tr("Pause"))
        self.pause_button.setIcon(icon(self, "pause"))
        for w in (self.advanced, *self.preset_group.buttons()):
            w.setEnabled(not running)
        self.running_changed.emit(running)

    def _on_event(self, ev) -> None:
        self.events_seen += 1
        if isinstance(ev, (CandidateStarted, CandidateFinished, AutoFinished)):
            self.leaderboard.on_event(ev)
            if isinstance(ev, CandidateStarted):
                self.plots.reset(self.task)  # the plots follow the candidate being trained
                self._curves[ev.name] = self._curve = []
                self.hint.setVisible(False)  # a notice ("stopped early at step 145") is about one candidate
                self.status.setText(tr("Trying {label} ({n} of {total})…").format(
                    label=ev.label, n=ev.index + 1, total=ev.total))
            elif isinstance(ev, AutoFinished):
                # Why it won is said once, under the leaderboard (not again in a yellow note);
                # the last candidate's notice stays only when that candidate is the one kept.
                if self._curves and list(self._curves)[-1] != ev.chosen:
                    self.hint.setVisible(False)
                self._show_curves_of(ev.chosen)
        elif isinstance(ev, Notice) and ev.kind == "auto":
            self.show_hint(ev.message)
        elif isinstance(ev, StepEvent):
            self._curve.append(("step", ev.step, ev.loss, None))
            self.plots.add_step(ev.step, ev.loss)
            self.progress.setValue(int(ev.progress * 1000))
            now = time.monotonic()
            if now - self._last_status >= 1 / STATUS_HZ:
                self._last_status = now
                self.status.setText(step_text(self.task, ev))

        elif isinstance(ev, EvalEvent):
            metric = ev.val_accuracy if self.task == "classify" else ev.bits_per_char
            self._curve.append(("eval", ev.step, ev.val_loss, metric))
            self.plots.add_eval(ev.step, ev.val_loss, metric)
        elif isinstance(ev, SampleEvent):
            if ev.final:
                head = tr("— the kept model (step {step}, the best on validation):").format(step=ev.weights_step)
            else:
                head = tr("— step {step}, by the best model so far (from step {best}):").format(
                    step=ev.step, best=ev.weights_step)
            self.samples.appendPlainText(f"{head} {ev.prompt}▸{ev.text}\n")
        elif isinstance(ev, Notice) and ev.kind in ("overfitting", "early_stop", "diverged", "time_up"):
            self.show_hint(ev.message)
        elif isinstance(ev, Notice) and ev.kind == "compile":
            self.status.setText(ev.message)  # "Compiling…" can take a minute with no steps
        elif isinstance(ev, TrainStarted):
            self._params = ev.params
            self.status.setText(tr("Training a {preset} {model_kind} model with {params} numbers to learn (parameters)…").format(
                preset=ev.preset, model_kind=ev.model_kind, params=format_params(ev.params)))
        elif isinstance(ev, TrainFinished):
            self.progress.setValue(1000)
            self.status.setText(tr("{message} Now scoring it on the test examples…").format(message=ev.message))

    def _show_curves_of(self, name: str) -> None:
        """Auto kept ``name``: its curves go back on the charts (they showed the last candidate
        tried, which a person reads as the kept model's)."""
        points = self._curves.get(name)
        if not points or points is self._curve:
            return
        self.plots.reset(self.task)
        for kind, step, loss, metric in points:
            if kind == "step":
                self.plots.add_step(step, loss)
            else:
                self.plots.add_eval(step, loss, metric)

    def show_hint(self, message: str) -> None:
        self.hint.setText(html.escape(message))
        self.hint.setVisible(True)

    def _on_finished(self, result: dict) -> None:
        self.handle = None
        self._set_running(False)
        self.progress.setValue(1000)
        m = result.get("metrics") or {}
        score = (
            tr("test accuracy {accuracy:.0%}").format(accuracy=m["accuracy"]) if "accuracy" in m
            else tr("{bits:.2f} bits per character on test text").format(bits=m["bits_per_char"])
            if "bits_per_char" in m else ""
        )
        if self.leaderboard.isVisibleTo(self) and result.get("stop_reason") != "cancelled":
            # Auto: the leaderboard already says which model was kept and why.
            self.status.setText(tr("Done: {score}. See the Evaluate and Try it tabs.").format(score=score))
        else:
            self.status.setText(tr("Done: {message} {score}. See the Evaluate and Try it tabs.").format(
                message=result.get("message", ""), score=score))
        self.status_for = (self._data.path, self.task) if self._data else None
        self.training_finished.emit(result)

    def _on_failed(self, message: str, details: str) -> None:
        self.handle = None
        self._set_running(False)
        self.status.setText(tr("Training failed: ") + message)
        self.training_failed.emit(message, details)

    def show_history(self, log: list[dict], task: str) -> None:
        """Redraw the curves of a saved run (an opened model or project)."""
        self.plots.load_history(log, task)
        for ev in log:
            if ev.get("event") == "Notice" and ev.get("kind") == "overfitting":
                # A log keeps the words of the language it was trained in; fixed sentences
                # are looked up again (sentences with numbers in them stay as written).
                self.show_hint(tr(ev.get("message", "")))
        done = [ev for ev in log if ev.get("event") == "TrainFinished"]
        if done:
            self.status.setText(tr("Saved run: {message}").format(message=tr(done[-1].get("message", ""))))
            self.progress.setValue(1000)


def step_text(task: str, ev: StepEvent) -> str:
    """The progress line. "Step 40 of 5" or "of 3,500,000" would be nonsense: the count of
    steps is shown only when it, and not the clock, decides when the run ends."""
    by_steps = ev.total_steps >= ev.step and ev.total_steps > 0 and ev.step / ev.total_steps >= 0.5 * ev.progress
    if task == "classify":
        text = (tr("Step {step:,} of {total:,} · has read the data {epoch:.1f} times · "
                   "{speed:,.0f} examples a second · {elapsed} so far · about {left} left") if by_steps else
                tr("Step {step:,} · has read the data {epoch:.1f} times · "
                   "{speed:,.0f} examples a second · {elapsed} so far · about {left} left"))
    else:
        text = (tr("Step {step:,} of {total:,} · has read the text {epoch:.1f} times · "
                   "{speed:,.0f} text pieces (tokens) a second · {elapsed} so far · about {left} left") if by_steps else
                tr("Step {step:,} · has read the text {epoch:.1f} times · "
                   "{speed:,.0f} text pieces (tokens) a second · {elapsed} so far · about {left} left"))
    return text.format(step=ev.step, total=ev.total_steps, epoch=ev.epoch, speed=ev.items_per_sec,
                       elapsed=format_seconds(ev.elapsed), left=format_seconds(ev.eta))
