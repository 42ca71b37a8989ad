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
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from tinystudio.i18n import fmt_percent, tr, tr_n, tr_noop

from . import worker
from .naming import named
from .plots import METRIC_COLOUR, VAL_COLOUR, style_plot

AUGMENTATIONS = (
    ("word_dropout", tr_noop("Drop words"), tr_noop("Randomly leave out a few words of each training text.")),
    ("word_swap", tr_noop("Swap words"), tr_noop("Swap a few neighbouring words.")),
    ("char_noise", tr_noop("Typos"), tr_noop("Add small typing mistakes inside words.")),
    ("subword", tr_noop("Word pieces"), tr_noop("Spell some words in smaller pieces, so the model learns word parts.")),
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
        if part in ("all", tr("all")):
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
    failed = Signal(str, str)  # message, details (also shown in a message box)

    def __init__(self, dataset, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Learning curve — is labelling more rows worth it?"))
        self.resize(820, 620)
        self.dataset = dataset
        self.handle: worker.TaskHandle | None = None
        self.points: list[dict] = []
        self.result: dict | None = None
        self.error: tuple[str, str] | None = None

        intro = QLabel(
            tr("TinyStudio trains small classifiers with only a few labelled examples per label, "
            "once from scratch and once starting from a model that first read <b>all</b> your "
            "texts (no labels needed), and scores them on the test texts. If the curve is still "
            "climbing at the right, labelling more rows will help.")
        )
        intro.setWordWrap(True)
        self.sizes = QLineEdit("10, 20, 50, 100")
        self.sizes.setToolTip(tr("Labelled examples per label to try, separated by commas; 'all' uses every row."))
        self.pretrain = QDoubleSpinBox()
        self.pretrain.setRange(5, 3600)
        self.pretrain.setValue(60)
        self.pretrain.setSuffix(tr(" s"))
        self.pretrain.setToolTip(tr("How long the model reads your texts before learning the labels."))
        self.epochs = QDoubleSpinBox()
        self.epochs.setDecimals(0)
        self.epochs.setRange(1, 500)
        self.epochs.setValue(40)
        self.epochs.setToolTip(tr("Passes over the labelled examples for each point of the curve."))
        self.augment = {}
        aug_row = QHBoxLayout()
        for key, text, tip in AUGMENTATIONS:
            box = QCheckBox(tr(text))
            box.setToolTip(tr(tip))
            self.augment[key] = box
            aug_row.addWidget(box)
        aug_row.addStretch(1)
        form = QFormLayout()
        form.addRow(tr("Examples per label:"), self.sizes)
        form.addRow(tr("Reading time first:"), self.pretrain)
        form.addRow(tr("Passes per point:"), self.epochs)
        form.addRow(tr("Vary the examples:"), aug_row)

        self.run_button = QPushButton(tr("Run"))
        self.stop_button = QPushButton(tr("Stop"))
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
        self.plot.setLabel("bottom", tr("labelled examples in all"))
        self.plot.setLabel("left", tr("test accuracy"))
        self.plot.setYRange(0, 1)
        self.plot.addLegend(offset=(10, 10))
        self.scratch_curve = self.plot.plot([], [], pen=pg.mkPen(VAL_COLOUR, width=2), symbol="o", name=tr("from scratch"))
        self.pre_curve = self.plot.plot([], [], pen=pg.mkPen(METRIC_COLOUR, width=2), symbol="o", name=tr("after reading your texts"))
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([tr("per label"), tr("labels"), tr("from scratch"), tr("after reading")])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setMaximumHeight(160)

        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addLayout(form)
        lay.addLayout(buttons)
        lay.addWidget(self.plot, 1)
        lay.addWidget(self.table)
        for widget, key, words in (
            (self.sizes, "curveSizes", tr("Examples per label")),
            (self.pretrain, "curveReadingTime", tr("Reading time first")),
            (self.epochs, "curvePasses", tr("Passes per point")),
            (self.run_button, "runCurve", tr("Run the learning curve")),
            (self.stop_button, "stopCurve", tr("Stop the learning curve")),
            (self.status, "curveStatus", tr("Learning curve status")),
            (self.table, "curveTable", tr("Accuracy per number of labels")),
        ):
            named(widget, key, words)
        for key, box in self.augment.items():
            named(box, f"augment_{key}", box.text())

    @property
    def running(self) -> bool:
        return self.handle is not None and self.handle.is_running()

    def run(self) -> None:
        try:
            sizes = parse_sizes(self.sizes.text())
        except ValueError:
            self.status.setText(tr("Write numbers separated by commas, for example: 10, 20, 50, all"))
            return
        augment = tuple(k for k, box in self.augment.items() if box.isChecked())
        self.points.clear()
        self.table.setRowCount(0)
        self._redraw()
        self.run_button.setEnabled(False)
        self.stop_button.setEnabled(True)
        self.status.setText(tr("Reading your texts, then training…"))
        self.handle = worker.start(
            "curve", curve_job, self.dataset, sizes, self.pretrain.value(), int(self.epochs.value()), augment
        )
        self.handle.progress.connect(self._on_point)
        self.handle.finished.connect(self._on_finished)
        self.handle.failed.connect(self._on_failed)

    def stop(self) -> None:
        if self.handle is not None:
            self.handle.stop()
            self.status.setText(tr("Stopping…"))

    def _on_point(self, point) -> None:
        if not isinstance(point, dict) or "scratch_accuracy" not in point:
            return  # training events of the runs behind the curve
        self.points.append(point)
        row = self.table.rowCount()
        self.table.insertRow(row)
        pre = point["pretrained_accuracy"]
        # ★ marks the start the app uses: pre-training only when it won on held-out labelled rows.
        used = point.get("used") if pre is not None else None
        star = {"scratch": 2, "pretrained": 3}.get(used)
        for col, value in enumerate((
            tr("all") if point["per_class"] is None else str(point["per_class"]),
            str(point["n_labels"]),
            fmt_percent(point["scratch_accuracy"]),
            "-" if pre is None else fmt_percent(pre),
        )):
            item = QTableWidgetItem(value + (" ★" if col == star else ""))
            item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            if col == star:
                item.setToolTip(tr("★ The start TinyStudio uses: the pre-trained one only when it did better "
                                   "on labelled rows held out for checking."))
            self.table.setItem(row, col, item)
        self._redraw()
        self.status.setText(tr_n("{n} point done…", "{n} points done…", len(self.points)).format(n=len(self.points)))
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
        self.status.setText(tr("Done.") if self.points else tr("Stopped before the first point."))
        self.finished_curve.emit(result)

    def _on_failed(self, message: str, details: str) -> None:
        """The message stays in the status line; a message box gives it with its details."""
        self.run_button.setEnabled(True)
        self.stop_button.setEnabled(False)
        self.status.setText(message)
        self.error = (message, details)
        box = QMessageBox(QMessageBox.Icon.Warning, tr("The learning curve failed"), message,
                          QMessageBox.StandardButton.Ok, self)  # fmt: skip
        if details:
            box.setDetailedText(details)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.failed.emit(message, details)

    def closeEvent(self, event) -> None:
        if self.running:
            self.handle.stop()
            self.handle.wait(60_000)
        super().closeEvent(event)
