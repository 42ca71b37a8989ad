"""The learning-curve window: is labelling more rows worth it?

Trains classifiers on 10, 20, 50 ... labelled examples per class, from scratch and starting
from a language model pre-trained on all the file's text, and plots test accuracy against
the number of labels. The work is :func:`tinystudio.core.fewlabels.learning_curve`, run in a
worker thread; this window only collects settings and draws the points as they arrive.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from . import worker
from .plots import METRIC_COLOUR, VAL_COLOUR, style_plot

AUGMENTATIONS = (
    ("word_dropout", "Drop words", "Randomly leave out a few words of each training text."),
    ("word_swap", "Swap words", "Swap a few neighbouring words."),
    ("char_noise", "Typos", "Add small typing mistakes inside words."),
    ("subword", "Word pieces", "Spell some words in smaller pieces, so the model learns word parts."),
)


def curve_job(task, dataset, per_class: list[int | None], pretrain_time: float, epochs: int, augment: tuple):
    """Worker side: the learning curve of ``dataset`` (its test split is the yardstick)."""
    from dataclasses import replace

    worker.prepare_torch()
    from tinystudio.core.data import Splits
    from tinystudio.core.fewlabels import learning_curve

    pool_idx = tuple(dataset.splits.train) + tuple(dataset.splits.val)
    pool = replace(dataset, splits=Splits(train=pool_idx, val=(), test=()))
    test = dataset.splits.test
    return learning_curve(
        pool,
        [dataset.texts[i] for i in test],
        [dataset.label_names[dataset.labels[i]] for i in test],
        per_class=per_class,
        preset="tiny",
        epochs=epochs,
        pretrain_time=pretrain_time,
        augment=augment,
        on_point=lambda p: task.report(p.to_dict()),
        control=task.control,
    )


def parse_sizes(text: str) -> list[int | None]:
    """'10, 20, all' -> [10, 20, None]; raises ValueError on anything else."""
    sizes: list[int | None] = []
    for part in text.replace(";", ",").split(","):
        part = part.strip().lower()
        if not part:
            continue
        if part == "all":
            sizes.append(None)
        else:
            n = int(part)
            if n < 1:
                raise ValueError(part)
            sizes.append(n)
    if not sizes:
        raise ValueError("empty")
    return sizes


class CurveDialog(QDialog):
    point_added = Signal(dict)
    finished_curve = Signal(dict)

    def __init__(self, dataset, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Learning curve — is labelling more rows worth it?")
        self.resize(820, 620)
        self.dataset = dataset
        self.handle: worker.TaskHandle | None = None
        self.points: list[dict] = []
        self.result: dict | None = None

        intro = QLabel(
            "TinyStudio trains small classifiers with only a few labelled examples per label, "
            "once from scratch and once starting from a model that first read <b>all</b> your "
            "texts (no labels needed), and scores them on the test texts. If the curve is still "
            "climbing at the right, labelling more rows will help."
        )
        intro.setWordWrap(True)
        self.sizes = QLineEdit("10, 20, 50, 100")
        self.sizes.setToolTip("Labelled examples per label to try, separated by commas; 'all' uses every row.")
        self.pretrain = QDoubleSpinBox()
        self.pretrain.setRange(5, 3600)
        self.pretrain.setValue(60)
        self.pretrain.setSuffix(" s")
        self.pretrain.setToolTip("How long the model reads your texts before learning the labels.")
        self.epochs = QDoubleSpinBox()
        self.epochs.setDecimals(0)
        self.epochs.setRange(1, 500)
        self.epochs.setValue(40)
        self.epochs.setToolTip("Passes over the labelled examples for each point of the curve.")
        self.augment = {}
        aug_row = QHBoxLayout()
        for key, text, tip in AUGMENTATIONS:
            box = QCheckBox(text)
            box.setToolTip(tip)
            self.augment[key] = box
            aug_row.addWidget(box)
        aug_row.addStretch(1)
        form = QFormLayout()
        form.addRow("Examples per label:", self.sizes)
        form.addRow("Reading time first:", self.pretrain)
        form.addRow("Passes per point:", self.epochs)
        form.addRow("Vary the examples:", aug_row)

        self.run_button = QPushButton("Run")
        self.stop_button = QPushButton("Stop")
        self.stop_button.setEnabled(False)
        self.run_button.clicked.connect(self.run)
        self.stop_button.clicked.connect(self.stop)
        self.status = QLabel("")
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.stop_button)
        buttons.addWidget(self.status, 1)

        self.plot = pg.PlotWidget()
        style_plot(self.plot, grid=True)
        self.plot.setLabel("bottom", "labelled examples in all")
        self.plot.setLabel("left", "test accuracy")
        self.plot.setYRange(0, 1)
        self.plot.addLegend(offset=(10, 10))
        self.scratch_curve = self.plot.plot([], [], pen=pg.mkPen(VAL_COLOUR, width=2), symbol="o", name="from scratch")
        self.pre_curve = self.plot.plot([], [], pen=pg.mkPen(METRIC_COLOUR, width=2), symbol="o", name="after reading your texts")
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["per label", "labels", "from scratch", "after reading"])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setMaximumHeight(160)

        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addLayout(form)
        lay.addLayout(buttons)
        lay.addWidget(self.plot, 1)
        lay.addWidget(self.table)

    @property
    def running(self) -> bool:
        return self.handle is not None and self.handle.is_running()

    def run(self) -> None:
        try:
            sizes = parse_sizes(self.sizes.text())
        except ValueError:
            self.status.setText("Write numbers separated by commas, for example: 10, 20, 50, all")
            return
        augment = tuple(k for k, box in self.augment.items() if box.isChecked())
        self.points.clear()
        self.table.setRowCount(0)
        self._redraw()
        self.run_button.setEnabled(False)
        self.stop_button.setEnabled(True)
        self.status.setText("Reading your texts, then training…")
        self.handle = worker.start(
            "curve", curve_job, self.dataset, sizes, self.pretrain.value(), int(self.epochs.value()), augment
        )
        self.handle.progress.connect(self._on_point)
        self.handle.finished.connect(self._on_finished)
        self.handle.failed.connect(self._on_failed)

    def stop(self) -> None:
        if self.handle is not None:
            self.handle.stop()
            self.status.setText("Stopping…")

    def _on_point(self, point) -> None:
        if not isinstance(point, dict) or "scratch_accuracy" not in point:
            return  # training events of the runs behind the curve
        self.points.append(point)
        row = self.table.rowCount()
        self.table.insertRow(row)
        pre = point["pretrained_accuracy"]
        for col, value in enumerate((
            "all" if point["per_class"] is None else str(point["per_class"]),
            str(point["n_labels"]),
            f"{point['scratch_accuracy']:.1%}",
            "-" if pre is None else f"{pre:.1%}",
        )):
            item = QTableWidgetItem(value)
            item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            self.table.setItem(row, col, item)
        self._redraw()
        self.status.setText(f"{len(self.points)} point(s) done…")
        self.point_added.emit(point)

    def _redraw(self) -> None:
        xs = [p["n_labels"] for p in self.points]
        self.scratch_curve.setData(xs, [p["scratch_accuracy"] for p in self.points])
        pre = [(p["n_labels"], p["pretrained_accuracy"]) for p in self.points if p["pretrained_accuracy"] is not None]
        self.pre_curve.setData([x for x, _ in pre], [y for _, y in pre])

    def _on_finished(self, result: dict) -> None:
        self.result = result
        self.run_button.setEnabled(True)
        self.stop_button.setEnabled(False)
        self.status.setText("Done." if self.points else "Stopped before the first point.")
        self.finished_curve.emit(result)

    def _on_failed(self, message: str, details: str) -> None:
        self.run_button.setEnabled(True)
        self.stop_button.setEnabled(False)
        self.status.setText(message)

    def closeEvent(self, event) -> None:
        if self.running:
            self.handle.stop()
            self.handle.wait(60_000)
        super().closeEvent(event)
