"""The Compress tab: choose methods, run them in the background, compare the measured variants.

The widgets never call torch: the run, the answers side by side and the data loading are
jobs (plain functions below) started with :func:`tinystudio.gui.worker.start`. torch is
imported inside those jobs only, on the worker thread.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tinystudio.core.training.events import EvalEvent, StepEvent, TrainStarted

from . import worker
from .plots import METRIC_COLOUR, TRAIN_COLOUR, VAL_COLOUR, BarChart, TrainingPlots, style_plot

COLUMNS = ["Variant", "File size", "× size", "Word table", "Parameters", "Non-zero", "Latency p50",
           "× time", "p95", "Batch of 32", "Peak memory", "Quality", "Δ quality", "Changed answers"]


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


def answer_both(task, folders: tuple[str, str], text: str, cache: dict) -> tuple[str, str]:
    """Job: the original's and the variant's answer to the same text (models cached by folder)."""
    worker.prepare_torch()
    from tinystudio.core.modelio import load_model

    answers = []
    for folder in folders:
        if folder not in cache:
            cache[folder] = load_model(folder)
        model = cache[folder]
        if model.task == "classify":
            p = model.predict([text])[0]
            answers.append(f"{p.label}  ({p.confidence:.0%} sure)")
        else:  # greedy, so the two answers differ only because the models do
            answers.append(text + "".join(model.generate(text, max_tokens=120, temperature=0)))
    return answers[0], answers[1]


# -- the panel ----------------------------------------------------------------------------------
class CompressPanel(QWidget):
    finished = Signal(object)  # LabResult
    failed = Signal(str, str)
    answered = Signal(str, str)  # original's answer, variant's answer

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.model_dir: str | None = None
        self.dataset = None
        self.result = None
        self.handle: worker.TaskHandle | None = None
        self._answer_handle: worker.TaskHandle | None = None
        self._model_cache: dict = {}
        self._out_root = Path(tempfile.gettempdir()) / "tinystudio-variants"

        # Methods and settings.
        box = QGroupBox("Methods (they stack in this order: prune → distil → half precision → int8)")
        grid = QGridLayout(box)
        self.prune = QCheckBox("Prune: zero the smallest weights")
        self.sparsity = _spin(10, 95, 50, "%")
        self.units = QCheckBox("Remove hidden units (transformer)")
        self.units_share = _spin(10, 90, 50, "%")
        self.finetune = _spin(0, 600, 0, " s fine-tune after pruning")
        self.distil = QCheckBox("Distil into a smaller student")
        self.student = QComboBox()
        self.student.addItems(["tiny", "small", "base"])
        self.student_kind = QComboBox()
        self.student_kind.addItems(["same kind", "fasttext", "transformer", "lstm"])
        self.temperature = QDoubleSpinBox()
        self.temperature.setRange(0.5, 10.0)
        self.temperature.setValue(2.0)
        self.temperature.setPrefix("T = ")
        self.alpha = QDoubleSpinBox()
        self.alpha.setRange(0.0, 1.0)
        self.alpha.setSingleStep(0.1)
        self.alpha.setValue(0.7)
        self.alpha.setPrefix("α = ")
        self.distil_time = _spin(2, 3600, 60, " s of training")
        self.half = QComboBox()
        self.half.addItems(["no half precision", "fp16 (16-bit file)", "bf16 (16-bit file)"])
        self.int8 = QCheckBox("int8: 8-bit weights (smaller, often faster)")
        self.int8.setChecked(True)
        self.stack = QCheckBox("Stack the methods (each builds on the previous)")
        self.stack.setChecked(True)
        self.stack.setToolTip("Off: each method is applied to the original on its own.")
        grid.addWidget(self.prune, 0, 0)
        grid.addWidget(self.sparsity, 0, 1)
        grid.addWidget(self.units, 0, 2)
        grid.addWidget(self.units_share, 0, 3)
        grid.addWidget(self.finetune, 0, 4)
        grid.addWidget(self.distil, 1, 0)
        grid.addWidget(self.student, 1, 1)
        grid.addWidget(self.student_kind, 1, 2)
        grid.addWidget(self.temperature, 1, 3)
        grid.addWidget(self.alpha, 1, 4)
        grid.addWidget(self.distil_time, 1, 5)
        grid.addWidget(self.half, 2, 0)
        grid.addWidget(self.int8, 2, 1, 1, 2)
        grid.addWidget(self.stack, 2, 3, 1, 2)

        # Data (only when the model's own file is not known).
        self.data_row = QWidget()
        drow = QHBoxLayout(self.data_row)
        drow.setContentsMargins(0, 0, 0, 0)
        self.data_path = QLineEdit()
        self.data_path.setPlaceholderText("The data file the model was trained on")
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._choose_data)
        drow.addWidget(QLabel("Measure on:"))
        drow.addWidget(self.data_path, 1)
        drow.addWidget(browse)

        # Run controls.
        self.run_button = QPushButton("Run")
        self.run_button.clicked.connect(self.run)
        self.stop_button = QPushButton("Stop")
        self.stop_button.clicked.connect(self.stop)
        self.stop_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.status = QLabel("Open or train a model first.")
        self.status.setWordWrap(True)
        run_row = QHBoxLayout()
        run_row.addWidget(self.run_button)
        run_row.addWidget(self.stop_button)
        run_row.addWidget(self.progress, 1)
        self.plots = TrainingPlots()  # distillation / fine-tune, live
        self.plots.setVisible(False)

        # Results.
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._on_select)
        self.table.horizontalHeaderItem(COLUMNS.index("Peak memory")).setToolTip(
            "Extra memory at the highest point while loading the variant from disk and answering "
            "32 texts at once (an int8 model is rebuilt from a full-size one while loading)."
        )
        self.table.horizontalHeaderItem(COLUMNS.index("Word table")).setToolTip(
            "Share of the file taken by the word (and position) tables: int8 shrinks them on disk, "
            "but looking words up was never the slow part."
        )
        self.size_chart, self.latency_chart, self.quality_chart = BarChart(), BarChart(), BarChart()
        self.size_chart.setTitle("File size (MB)")
        self.latency_chart.setTitle("ms per text (median)")
        self.scatter = pg.PlotWidget(title="Size against quality")
        style_plot(self.scatter)
        self.scatter.setLabel("bottom", "file size (MB)")
        self.scatter_points = pg.ScatterPlotItem(size=11, brush=VAL_COLOUR, pen=None)
        self.scatter.addItem(self.scatter_points)
        self._scatter_labels: list[pg.TextItem] = []
        charts = QHBoxLayout()
        for chart in (self.size_chart, self.latency_chart, self.quality_chart, self.scatter):
            chart.setMinimumHeight(170)
            charts.addWidget(chart)
        self.notes = QPlainTextEdit()
        self.notes.setReadOnly(True)
        self.notes.setPlaceholderText("Select a variant to see why it is (not) smaller or faster, "
                                      "and which answers changed.")

        # Try side by side.
        self.prompt = QLineEdit()
        self.prompt.setPlaceholderText("Type a text; the original and the selected variant both answer")
        self.prompt.returnPressed.connect(self.ask_both)
        self.ask_button = QPushButton("Ask both")
        self.ask_button.clicked.connect(self.ask_both)
        self.answer_original = QLabel("—")
        self.answer_variant = QLabel("—")
        for lab in (self.answer_original, self.answer_variant):
            lab.setWordWrap(True)
            lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        try_box = QGroupBox("Try it side by side")
        tlay = QGridLayout(try_box)
        tlay.addWidget(self.prompt, 0, 0, 1, 2)
        tlay.addWidget(self.ask_button, 0, 2)
        tlay.addWidget(QLabel("<b>Original</b>"), 1, 0)
        self.variant_title = QLabel("<b>Selected variant</b>")
        tlay.addWidget(self.variant_title, 1, 1)
        tlay.addWidget(self.answer_original, 2, 0)
        tlay.addWidget(self.answer_variant, 2, 1)

        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(self.notes)
        lower.addWidget(try_box)
        lay = QVBoxLayout(self)
        lay.addWidget(box)
        lay.addWidget(self.data_row)
        lay.addLayout(run_row)
        lay.addWidget(self.status)
        lay.addWidget(self.plots)
        lay.addWidget(self.table, 2)
        lay.addLayout(charts, 2)
        lay.addWidget(lower, 1)
        self._set_running(False)

    # -- public ---------------------------------------------------------------------------
    def set_model(self, model_dir: str | None, dataset) -> None:
        """The model to compress (a model folder) and its data (a core Dataset, or None)."""
        self.model_dir = str(model_dir) if model_dir else None
        self.dataset = dataset
        self._model_cache = {}
        self.data_row.setVisible(dataset is None)
        if model_dir and dataset is None and not self.data_path.text():
            self.data_path.setText(_training_file(model_dir))
        self.status.setText("Choose methods and press Run." if model_dir else "Open or train a model first.")
        self._set_running(False)

    @property
    def running(self) -> bool:
        return self.handle is not None

    def selected_steps(self) -> list[dict]:
        steps: list[dict] = []
        if self.prune.isChecked():
            steps.append({"method": "prune", "amount": self.sparsity.value() / 100,
                          "finetune_seconds": float(self.finetune.value())})
        if self.units.isChecked():
            steps.append({"method": "prune-units", "amount": self.units_share.value() / 100,
                          "finetune_seconds": float(self.finetune.value())})
        if self.distil.isChecked():
            kind = self.student_kind.currentText()
            steps.append({"method": "distill", "preset": self.student.currentText(),
                          "kind": None if kind == "same kind" else kind,
                          "temperature": self.temperature.value(), "alpha": self.alpha.value(),
                          "seconds": float(self.distil_time.value())})
        if self.half.currentIndex():
            steps.append({"method": "fp16" if self.half.currentIndex() == 1 else "bf16"})
        if self.int8.isChecked():
            steps.append({"method": "int8"})
        return steps

    def run(self) -> None:
        if self.running or not self.model_dir:
            return
        steps = self.selected_steps()
        if not steps:
            self.status.setText("Tick at least one method first.")
            return
        self._out_root.mkdir(parents=True, exist_ok=True)
        out_dir = tempfile.mkdtemp(prefix=Path(self.model_dir).name + "-", dir=self._out_root)
        self.plots.setVisible(any(s["method"] == "distill" or s.get("finetune_seconds") for s in steps))
        self.progress.setValue(0)
        self.status.setText("Starting…")
        self.handle = worker.start(
            "compress", run_compression, self.model_dir, steps, out_dir, self.dataset,
            self.data_path.text().strip() if self.dataset is None else None, self.stack.isChecked(),
        )
        self.handle.progress.connect(self._on_progress)
        self.handle.finished.connect(self._on_finished)
        self.handle.failed.connect(self._on_failed)
        self._set_running(True)

    def stop(self) -> None:
        if self.handle is not None:
            self.handle.stop()
            self.status.setText("Stopping after the current step…")

    def ask_both(self) -> None:
        row = self.table.currentRow()
        text = self.prompt.text().strip()
        if self.result is None or row < 0 or not text or self._answer_handle is not None:
            return
        rows = [self.result.original, *self.result.variants]
        folders = (self.result.original.folder, rows[row].folder)
        self.answer_original.setText("…")
        self.answer_variant.setText("…")
        self._answer_handle = worker.start("answer-both", answer_both, folders, text, self._model_cache)
        self._answer_handle.finished.connect(self._on_answers)
        self._answer_handle.failed.connect(self._on_answer_failed)

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
        self.status.setText(f"Measured on this computer just now, on the {result.evaluated_on}; "
                            "one thread; batch 1 unless noted.")
        self._fill_table()
        self._fill_charts()
        self.table.selectRow(len(result.variants))
        self.finished.emit(result)

    def _on_failed(self, message: str, details: str) -> None:
        self.handle = None
        self._set_running(False)
        self.progress.setValue(0)
        self.status.setText(message)
        self.failed.emit(message, details)

    def _on_answers(self, pair) -> None:
        self._answer_handle = None
        self.answer_original.setText(pair[0])
        self.answer_variant.setText(pair[1])
        self.answered.emit(pair[0], pair[1])

    def _on_answer_failed(self, message: str, details: str) -> None:
        self._answer_handle = None
        self.answer_variant.setText(message)
        self.failed.emit(message, details)

    # -- drawing --------------------------------------------------------------------------
    def _set_running(self, running: bool) -> None:
        self.run_button.setEnabled(not running and self.model_dir is not None)
        self.stop_button.setEnabled(running)

    def _fill_table(self) -> None:
        res = self.result
        base = res.original
        rows = [base, *res.variants]
        q_key, q_name = _quality_key(base)
        self.table.setRowCount(len(rows))
        for r, m in enumerate(rows):
            q = m.quality.get(q_key, math.nan)
            dq = q - base.quality.get(q_key, math.nan)
            cells = [
                m.name,
                _mb(m.size_bytes),
                f"{m.size_bytes / base.size_bytes:.2f}",
                f"{m.embedding_bytes / max(m.size_bytes, 1):.0%}",
                f"{m.params:,}",
                f"{m.nonzero_params:,}",
                f"{m.latency_ms_p50:.2f} ms",
                f"{m.latency_ms_p50 / base.latency_ms_p50:.2f}",
                f"{m.latency_ms_p95:.2f} ms",
                f"{m.throughput:,.0f} {m.throughput_unit}",
                _mb(m.peak_memory_bytes) if m.peak_memory_bytes is not None else "n/a",
                _fmt_q(q_key, q),
                "" if r == 0 else _fmt_dq(q_key, dq),
                "" if m.agreement is None else f"{m.n_flips} ({1 - m.agreement:.1%})",
            ]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        self.quality_chart.setTitle(q_name)

    def _fill_charts(self) -> None:
        base = self.result.original
        rows = [base, *self.result.variants]
        names = [m.name for m in rows]
        q_key, _ = _quality_key(base)
        sizes = [m.size_bytes / 1e6 for m in rows]
        quals = [m.quality.get(q_key, 0.0) * (100 if q_key == "accuracy" else 1) for m in rows]
        self.size_chart.set_values(names, sizes, TRAIN_COLOUR)
        self.latency_chart.set_values(names, [m.latency_ms_p50 for m in rows], VAL_COLOUR)
        self.quality_chart.set_values(names, quals, METRIC_COLOUR)
        self.scatter_points.setData(sizes, quals)
        for label in self._scatter_labels:
            self.scatter.removeItem(label)
        self._scatter_labels = []
        for x, y, name in zip(sizes, quals, names, strict=True):
            label = pg.TextItem(name, anchor=(0, 1))
            label.setPos(x, y)
            self.scatter.addItem(label)
            self._scatter_labels.append(label)
        self.scatter.setLabel("left", "accuracy (%)" if q_key == "accuracy" else "bits per character")
        # Room on the right and at the top for the names beside the points.
        x_hi, y_lo, y_hi = max(sizes), min(quals), max(quals)
        y_pad = max((y_hi - y_lo) * 0.15, 0.5 if q_key == "accuracy" else 0.01)
        self.scatter.setXRange(0, x_hi * 1.35, padding=0)
        self.scatter.setYRange(y_lo - y_pad, y_hi + y_pad, padding=0)

    def _on_select(self) -> None:
        if self.result is None:
            return
        row = self.table.currentRow()
        rows = [self.result.original, *self.result.variants]
        if not 0 <= row < len(rows):
            return
        m = rows[row]
        self.variant_title.setText(f"<b>{m.name}</b>")
        lines = [f"{m.name} — saved in {m.folder}", ""]
        lines += [f"• {n}" for n in m.notes] or ["• The original, as trained."]
        if m.flips:
            lines += ["", f"Answers that changed ({m.n_flips}, first {len(m.flips)}):"]
            for f in m.flips:
                lines.append(f"  {f['original']!r} → {f['variant']!r}: {f['text'][:90]!r}")
        self.notes.setPlainText("\n".join(lines))

    def _choose_data(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "The data the model was trained on", "",
                                              "Data files (*.csv *.tsv *.txt);;All files (*)")
        if path:
            self.data_path.setText(path)


def _spin(lo: int, hi: int, value: int, suffix: str) -> QSpinBox:
    s = QSpinBox()
    s.setRange(lo, hi)
    s.setValue(value)
    s.setSuffix(suffix)
    return s


def _training_file(model_dir: str) -> str:
    import json

    try:
        config = json.loads((Path(model_dir) / "config.json").read_text(encoding="utf-8"))
        return str((config.get("data") or {}).get("path") or "")
    except (OSError, ValueError):
        return ""


def _quality_key(m) -> tuple[str, str]:
    if "accuracy" in m.quality:
        return "accuracy", "Accuracy (%)"
    return "bits_per_char", "Bits per character (lower is better)"


def _mb(n: int | None) -> str:
    return "n/a" if n is None else f"{n / 1e6:.2f} MB"


def _fmt_q(key: str, q: float) -> str:
    return f"{q:.1%}" if key == "accuracy" else f"{q:.3f} bits/char"


def _fmt_dq(key: str, dq: float) -> str:
    return f"{dq * 100:+.1f} points" if key == "accuracy" else f"{dq:+.3f}"
