"""The Compress tab: choose methods, run them in the background, compare the measured variants.

The widgets never call torch: the run, the answers side by side and the data loading are
jobs (plain functions) started with :func:`tinystudio.gui.worker.start`. torch is imported
inside those jobs only, on the worker thread. Variants are saved in the model's own folder
(``MODEL/variants``, see :mod:`tinystudio.core.variants`) and every run of the session stays in
the table (:mod:`.variants_view`).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from tinystudio.core.training.events import EvalEvent, StepEvent, TrainStarted
from tinystudio.core.variants import method_availability, read_config, variants_dir
from tinystudio.i18n import tr

from . import help_texts, worker
from .plots import TrainingPlots
from .variants_view import VariantsView


# -- jobs (run on the worker thread) ------------------------------------------------------------
def run_compression(task, model_dir: str, steps: list[dict], out_dir: str, dataset, data_path: str | None,
                    stack: bool):
    """Job: the compression lab. Reports LabProgress and training events; returns LabResult."""
    worker.prepare_torch()
    from tinystudio.core.compress import Step, run_lab

    return run_lab(
        model_dir, [Step(**s) for s in steps], out_dir, data=dataset, data_path=data_path or None,
        stack=stack, on_progress=task.report, on_event=task.report, control=task.control,
    )


# -- the panel ----------------------------------------------------------------------------------
class CompressPanel(QWidget):
    finished = Signal(object)  # LabResult
    failed = Signal(str, str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.model_dir: str | None = None
        self.dataset = None
        self.result = None  # the last run's LabResult
        self.handle: worker.TaskHandle | None = None
        self.stopped_by_user = False  # the last run ended because Stop was pressed
        self._model_key: tuple | None = None  # which model the table's rows belong to

        # Methods and settings: one method per line, its settings beside it.
        box = QGroupBox(tr("Ways to make the model smaller"))
        box.setToolTip(tr("With 'one after the other' ticked they are applied in this order: "
                       "prune → distil → 16-bit → 8-bit."))
        grid = QGridLayout(box)
        self.prune = _check("compressPrune", tr("Prune: set the smallest weights to zero"), "prune")
        self.sparsity = _spin(10, 95, 50, tr("% of the weights"))
        self.finetune = _spin(0, 600, 0, tr(" s of practice after"))
        self.finetune.setToolTip(help_texts.tip("finetune"))
        self.units = _check("compressUnits", tr("Remove hidden units"), "prune_units")
        self.units_share = _spin(10, 90, 50, tr("% of the units"))
        self.distil = _check("compressDistil", tr("Distil: teach a smaller model"), "distill")
        self.student = QComboBox()
        self.student.addItems(["tiny", "small", "base"])
        self.student.setToolTip(tr("The size of the smaller model (the student)."))
        self.student_kind = QComboBox()
        self.student_kind.addItem(tr("same kind"), None)
        for kind in ("fasttext", "transformer", "lstm"):
            self.student_kind.addItem(kind, kind)
        self.student_kind.setToolTip(help_texts.tip("model_kind"))
        self.temperature = QDoubleSpinBox()
        self.temperature.setRange(0.5, 10.0)
        self.temperature.setValue(2.0)
        self.temperature.setPrefix(tr("softness "))
        self.temperature.setToolTip(help_texts.tip("distil_temperature"))
        self.alpha = QDoubleSpinBox()
        self.alpha.setRange(0.0, 1.0)
        self.alpha.setSingleStep(0.1)
        self.alpha.setValue(0.7)
        self.alpha.setPrefix(tr("teacher's share "))
        self.alpha.setToolTip(help_texts.tip("alpha"))
        self.distil_time = _spin(2, 3600, 60, tr(" s of teaching"))
        self.half = QComboBox()
        self.half.setObjectName("compressHalf")
        self.half.setAccessibleName(tr("16-bit numbers"))
        self.half.addItems([tr("keep 32-bit numbers"), tr("16-bit numbers (fp16)"), tr("16-bit numbers (bf16)")])
        self.half.setToolTip(help_texts.tip("fp16") + "<br>" + help_texts.tip("bf16"))
        self.int8 = _check("compressInt8", tr("8-bit numbers (int8): up to 4× smaller"), "int8")
        self.int8.setChecked(True)
        self.stack = _check("compressStack", tr("Apply them one after the other"), "stack")
        self.stack.setChecked(True)
        rows = (
            (self.prune, self.sparsity, self.finetune),
            (self.units, self.units_share),
            (self.distil, self.student, self.student_kind),
            (None, self.temperature, self.alpha, self.distil_time),
            (self.half,),
            (self.int8,),
            (self.stack,),
        )
        for r, widgets in enumerate(rows):
            for c, w in enumerate(widgets):
                if w is not None:
                    grid.addWidget(w, r, c)
        grid.setColumnStretch(3, 1)
        self.why_off = QLabel()
        self.why_off.setObjectName("compressWhyOff")
        self.why_off.setWordWrap(True)
        self.why_off.setStyleSheet("color:palette(mid)")
        grid.addWidget(self.why_off, len(rows), 0, 1, 4)
        self._method_boxes = {"prune": self.prune, "prune-units": self.units, "distill": self.distil,
                              "int8": self.int8}

        # Data (only when the model's own file is not known).
        self.data_row = QWidget()
        drow = QHBoxLayout(self.data_row)
        drow.setContentsMargins(0, 0, 0, 0)
        self.data_path = QLineEdit()
        self.data_path.setObjectName("compressDataPath")
        self.data_path.setAccessibleName(tr("Data file to measure on"))
        self.data_path.setPlaceholderText(tr("The data file the model was trained on"))
        browse = QPushButton(tr("Choose…"))
        browse.clicked.connect(lambda _checked=False: self._choose_data())
        drow.addWidget(QLabel(tr("Measure on:")))
        drow.addWidget(self.data_path, 1)
        drow.addWidget(browse)

        # Run controls.
        self.run_button = QPushButton(tr("Run"))
        self.run_button.setObjectName("compressRunButton")
        self.run_button.setAccessibleName(tr("Run compression"))
        self.run_button.clicked.connect(lambda _checked=False: self.run())
        self.stop_button = QPushButton(tr("Stop"))
        self.stop_button.setObjectName("compressStopButton")
        self.stop_button.setAccessibleName(tr("Stop compression"))
        self.stop_button.clicked.connect(lambda _checked=False: self.stop())
        self.stop_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.status = QLabel(tr("Open or train a model first."))
        self.status.setObjectName("compressStatus")
        self.status.setWordWrap(True)
        run_row = QHBoxLayout()
        run_row.addWidget(self.run_button)
        run_row.addWidget(self.stop_button)
        run_row.addWidget(self.progress, 1)
        self.plots = TrainingPlots()  # distillation / fine-tune, live
        self.plots.setVisible(False)

        self.view = VariantsView()
        self.view.failed.connect(self.failed)
        self.table = self.view.table  # tests and the window read the table directly

        lay = QVBoxLayout(self)
        lay.addWidget(box)
        lay.addWidget(self.data_row)
        lay.addLayout(run_row)
        lay.addWidget(self.status)
        lay.addWidget(self.plots)
        lay.addWidget(self.view, 1)
        self._set_running(False)

    # -- public ---------------------------------------------------------------------------
    def set_model(self, model_dir: str | None, dataset) -> None:
        """The model to compress (a model folder) and its data (a core Dataset, or None)."""
        self.model_dir = str(model_dir) if model_dir else None
        self.dataset = dataset
        config = read_config(model_dir) if model_dir else {}
        key = (self.model_dir, config.get("saved_at"))
        if key != self._model_key:  # another model: its variants start a new table
            self._model_key = key
            self.result = None
            self.view.clear()
        self._offer_methods(config)
        self.data_row.setVisible(bool(model_dir) and dataset is None)
        if model_dir and dataset is None and not self.data_path.text():
            self.data_path.setText(str((config.get("data") or {}).get("path") or ""))
        self.status.setText(tr("Choose methods and press Run.") if model_dir else tr("Open or train a model first."))
        self._set_running(False)

    @property
    def running(self) -> bool:
        return self.handle is not None

    def selected_steps(self) -> list[dict]:
        steps: list[dict] = []
        if self.prune.isChecked() and self.prune.isEnabled():
            steps.append({"method": "prune", "amount": self.sparsity.value() / 100,
                          "finetune_seconds": float(self.finetune.value())})
        if self.units.isChecked() and self.units.isEnabled():
            steps.append({"method": "prune-units", "amount": self.units_share.value() / 100,
                          "finetune_seconds": float(self.finetune.value())})
        if self.distil.isChecked() and self.distil.isEnabled():
            steps.append({"method": "distill", "preset": self.student.currentText(),
                          "kind": self.student_kind.currentData(),
                          "temperature": self.temperature.value(), "alpha": self.alpha.value(),
                          "seconds": float(self.distil_time.value())})
        if self.half.currentIndex() and self.half.isEnabled():
            steps.append({"method": "fp16" if self.half.currentIndex() == 1 else "bf16"})
        if self.int8.isChecked() and self.int8.isEnabled():
            steps.append({"method": "int8"})
        return steps

    def run(self) -> None:
        if self.running or not self.model_dir:
            return
        steps = self.selected_steps()
        if not steps:
            self.status.setText(tr("Tick at least one method first."))
            return
        self.plots.setVisible(any(s["method"] == "distill" or s.get("finetune_seconds") for s in steps))
        self.progress.setValue(0)
        self.stopped_by_user = False
        self.status.setText(tr("Starting…"))
        self.handle = worker.start(
            "compress", run_compression, self.model_dir, steps, str(variants_dir(self.model_dir)),
            self.dataset, self.data_path.text().strip() if self.dataset is None else None,
            self.stack.isChecked(),
        )
        self.handle.progress.connect(self._on_progress)
        self.handle.finished.connect(self._on_finished)
        self.handle.failed.connect(self._on_failed)
        self._set_running(True)

    def stop(self) -> None:
        if self.handle is not None:
            self.handle.stop()
            self.stopped_by_user = True
            self.status.setText(tr("Stopping after the current step…"))

    # -- worker signals -------------------------------------------------------------------
    def _on_progress(self, ev) -> None:
        if type(ev).__name__ == "LabProgress":
            self.progress.setValue(int(ev.fraction * 1000))
            self.status.setText(ev.message)
        elif isinstance(ev, TrainStarted):
            self.plots.reset(ev.task)
        elif isinstance(ev, StepEvent):
            self.plots.add_step(ev.step, ev.loss)
        elif isinstance(ev, EvalEvent):
            self.plots.add_eval(ev.step, ev.val_loss, ev.val_accuracy)

    def _on_finished(self, result) -> None:
        self.handle = None
        self._set_running(False)
        self.result = result
        earlier = len(self.view.rows) > 1
        self.view.add_run(result)
        text = tr("Measured on this computer just now, on the {evaluated_on}; one text at a time "
                  "unless noted. Saved in {folder}.").format(
            evaluated_on=result.evaluated_on, folder=variants_dir(self.model_dir))
        if earlier:
            text += " " + tr("Earlier variants of this session are kept above them.")
        self.status.setText(text)
        self.finished.emit(result)

    def _on_failed(self, message: str, details: str) -> None:
        self.handle = None
        self._set_running(False)
        self.progress.setValue(0)
        self.status.setText(message)
        self.failed.emit(message, details)

    # -- drawing --------------------------------------------------------------------------
    def _offer_methods(self, config: dict) -> None:
        """Enable only the methods that apply to this model; say why the others are off."""
        why = method_availability(config) if config else {}
        reasons = []
        for method, box in self._method_boxes.items():
            reason = why.get(method, "")
            box.setEnabled(not reason)
            if reason:
                box.setChecked(False)
            box.setToolTip(reason or box.property("plainTip"))
            if reason and reason not in reasons:
                reasons.append(reason)
        self.half.setEnabled(not why.get("fp16"))
        self.why_off.setText("\n".join(tr("Greyed out: {reason}").format(reason=r) for r in reasons))
        self.why_off.setVisible(bool(reasons))

    def _set_running(self, running: bool) -> None:
        self.run_button.setEnabled(not running and self.model_dir is not None)
        self.stop_button.setEnabled(running)

    def _choose_data(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("The data the model was trained on"), "",
                                              tr("Data files (*.csv *.tsv *.txt);;All files (*)"))
        if path:
            self.data_path.setText(path)


def _check(name: str, text: str, key: str) -> QCheckBox:
    box = QCheckBox(text)
    box.setObjectName(name)
    box.setAccessibleName(text)
    box.setProperty("plainTip", help_texts.tip(key))
    box.setToolTip(help_texts.tip(key))
    return box


def _spin(lo: int, hi: int, value: int, suffix: str) -> QSpinBox:
    s = QSpinBox()
    s.setRange(lo, hi)
    s.setValue(value)
    s.setSuffix(suffix)
    return s
