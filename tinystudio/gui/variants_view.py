"""The Compress tab's results: every variant of the session in one table, charts, reasons, and
the original and a variant answering the same text side by side.

Each compression run adds rows; nothing is replaced (the files stay in ``MODEL/variants``).
Ratios ("× size", "× time") compare a variant with the original *as measured in the same run*,
so timings from a busier moment are not mixed up.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tinystudio.i18n import tr, tr_noop

from . import help_texts, worker
from .plots import METRIC_COLOUR, TRAIN_COLOUR, VAL_COLOUR, BarChart, style_plot

# (header shown, glossary key for its tooltip); plain words first, the term one hover away.
COLUMNS = [
    (tr_noop("Variant"), "variant"),
    (tr_noop("File size"), "file_size"),
    (tr_noop("Size vs original"), "ratio"),
    (tr_noop("Word table share"), "word_table"),
    (tr_noop("Numbers in it"), "parameters"),
    (tr_noop("Numbers not zero"), "nonzero"),
    (tr_noop("Time per text (typical)"), "p50"),
    (tr_noop("Time vs original"), "ratio"),
    (tr_noop("Time per text (slow ones)"), "p95"),
    (tr_noop("Speed, 32 texts at once"), "batch"),
    (tr_noop("Memory needed"), "peak_memory"),
    (tr_noop("Quality"), "accuracy"),
    (tr_noop("Quality change"), "accuracy"),
    (tr_noop("Changed answers"), "changed_answers"),
]
HEADERS = [c[0] for c in COLUMNS]


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
            answers.append(tr("{label}  ({confidence:.0%} sure)").format(label=p.label, confidence=p.confidence))
        else:  # greedy, so the two answers differ only because the models do
            answers.append(text + "".join(model.generate(text, max_tokens=120, temperature=0)))
    return answers[0], answers[1]


@dataclass
class Row:
    m: object  # core.compress.Measurement
    base: object  # the original's Measurement from the same run
    name: str


class VariantsView(QWidget):
    answered = Signal(str, str)  # original's answer, variant's answer
    failed = Signal(str, str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[Row] = []
        self._answer_handle: worker.TaskHandle | None = None
        self._model_cache: dict = {}

        self.table = QTableWidget(0, len(HEADERS))
        self.table.setObjectName("variantsTable")
        self.table.setAccessibleName(tr("Variants measured in this session"))
        self.table.setHorizontalHeaderLabels([tr(h) for h in HEADERS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setMinimumHeight(110)
        self.table.itemSelectionChanged.connect(self._on_select)
        for col, (_, key) in enumerate(COLUMNS):
            self.table.horizontalHeaderItem(col).setToolTip(help_texts.tip(key))

        self.size_chart, self.latency_chart, self.quality_chart = BarChart(), BarChart(), BarChart()
        self.size_chart.setTitle(tr("File size (MB)"))
        self.latency_chart.setTitle(tr("Time per text (ms)"))
        self.latency_chart.setToolTip(help_texts.tip("p50"))
        self.scatter = pg.PlotWidget(title=tr("Size against quality"))
        style_plot(self.scatter)
        self.scatter.getAxis("bottom").enableAutoSIPrefix(False)  # "MB", never "MB (x0.001)"
        self.scatter.setLabel("bottom", tr("file size (MB)"))
        self.scatter_points = pg.ScatterPlotItem(size=11, brush=VAL_COLOUR, pen=None)
        self.scatter.addItem(self.scatter_points)
        self._scatter_labels: list[pg.TextItem] = []
        charts = QGridLayout()
        for i, chart in enumerate((self.size_chart, self.latency_chart, self.quality_chart, self.scatter)):
            chart.setMinimumSize(180, 170)
            chart.setMaximumHeight(260)
            charts.addWidget(chart, i // 2, i % 2)

        self.notes = QPlainTextEdit()
        self.notes.setObjectName("variantNotes")
        self.notes.setReadOnly(True)
        self.notes.setMinimumHeight(110)
        self.notes.setPlaceholderText(tr("Select a variant to see why it is (not) smaller or faster, "
                                      "and which answers changed."))

        # The original and the selected variant answer the same text.
        self.prompt = QLineEdit()
        self.prompt.setObjectName("compressPrompt")
        self.prompt.setAccessibleName(tr("Text for both models"))
        self.prompt.setPlaceholderText(tr("Type a text; the original and the selected variant both answer"))
        self.prompt.returnPressed.connect(self.ask_both)
        self.ask_button = QPushButton(tr("Ask both"))
        self.ask_button.setObjectName("askBothButton")
        self.ask_button.setAccessibleName(tr("Ask the original and the selected variant"))
        self.ask_button.clicked.connect(lambda _checked=False: self.ask_both())
        self.answer_original = QLabel("—")
        self.answer_variant = QLabel("—")
        for lab in (self.answer_original, self.answer_variant):
            lab.setWordWrap(True)
            lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        try_box = QGroupBox(tr("Try it side by side"))
        tlay = QGridLayout(try_box)
        tlay.addWidget(self.prompt, 0, 0, 1, 2)
        tlay.addWidget(self.ask_button, 0, 2)
        tlay.addWidget(QLabel("<b>{}</b>".format(tr("Original"))), 1, 0)
        self.variant_title = QLabel(tr("<b>Selected variant</b>"))
        self.variant_title.setWordWrap(True)
        tlay.addWidget(self.variant_title, 1, 1, 1, 2)
        tlay.addWidget(self.answer_original, 2, 0)
        tlay.addWidget(self.answer_variant, 2, 1, 1, 2)
        tlay.setColumnStretch(0, 1)
        tlay.setColumnStretch(1, 1)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.table, 2)
        lay.addLayout(charts, 3)
        lay.addWidget(self.notes, 1)
        lay.addWidget(try_box)

    # -- public ---------------------------------------------------------------------------
    def clear(self) -> None:
        """Forget the session's rows (a different model is being compressed)."""
        self.rows = []
        self._model_cache = {}
        self.table.setRowCount(0)
        for chart in (self.size_chart, self.latency_chart, self.quality_chart):
            chart.set_values([], [])
        self.scatter_points.setData([], [])
        self.notes.clear()
        self.answer_original.setText("—")
        self.answer_variant.setText("—")

    def add_run(self, result) -> None:
        """Add a run's original (the first time) and its variants; select the last one added."""
        if not self.rows:
            self.rows.append(Row(result.original, result.original, tr("original")))
        names = {r.name for r in self.rows}
        for m in result.variants:
            name, n = m.name, 2
            while name in names:  # the same method run again: "int8 (2)"
                name, n = f"{m.name} ({n})", n + 1
            names.add(name)
            self.rows.append(Row(m, result.original, name))
        self._fill_table()
        self._fill_charts()
        self.table.selectRow(len(self.rows) - 1)

    def selected(self) -> Row | None:
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def ask_both(self) -> None:
        row = self.selected()
        text = self.prompt.text().strip()
        if row is None or not text or self._answer_handle is not None:
            return
        folders = (self.rows[0].m.folder, row.m.folder)
        self.answer_original.setText("…")
        self.answer_variant.setText("…")
        self._answer_handle = worker.start("answer-both", answer_both, folders, text, self._model_cache)
        self._answer_handle.finished.connect(self._on_answers)
        self._answer_handle.failed.connect(self._on_answer_failed)

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
    def _fill_table(self) -> None:
        q_key, q_name = _quality_key(self.rows[0].m)
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            m, base = row.m, row.base
            q = m.quality.get(q_key, math.nan)
            dq = q - base.quality.get(q_key, math.nan)
            cells = [
                row.name,
                _mb(m.size_bytes),
                f"{m.size_bytes / base.size_bytes:.2f}×",
                f"{m.embedding_bytes / max(m.size_bytes, 1):.0%}",
                f"{m.params:,}",
                f"{m.nonzero_params:,}",
                f"{m.latency_ms_p50:.2f} ms",
                f"{m.latency_ms_p50 / base.latency_ms_p50:.2f}×",
                f"{m.latency_ms_p95:.2f} ms",
                f"{m.throughput:,.0f} {tr(m.throughput_unit)}",
                _mb(m.peak_memory_bytes) if m.peak_memory_bytes is not None else tr("n/a"),
                _fmt_q(q_key, q),
                "" if r == 0 else _fmt_dq(q_key, dq),
                "" if m.agreement is None else f"{m.n_flips} ({1 - m.agreement:.1%})",
            ]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                else:
                    item.setToolTip(m.folder)
                self.table.setItem(r, c, item)
        quality_header = tr("Accuracy") if q_key == "accuracy" else tr("Bits per character")
        for col in (HEADERS.index("Quality"), HEADERS.index("Quality change")):
            item = self.table.horizontalHeaderItem(col)
            item.setText(quality_header if col == HEADERS.index("Quality") else tr("Change"))
            item.setToolTip(help_texts.tip(q_key))
        self.quality_chart.setTitle(q_name)
        # As tall as its rows (up to eight), so the charts below stay in sight.
        shown = min(len(self.rows), 8)
        height = (self.table.horizontalHeader().sizeHint().height() + 2 * self.table.frameWidth()
                  + sum(self.table.rowHeight(r) for r in range(shown))
                  + self.table.horizontalScrollBar().sizeHint().height() + 8)
        self.table.setMaximumHeight(max(height, 110))

    def _fill_charts(self) -> None:
        names = [r.name for r in self.rows]
        q_key, _ = _quality_key(self.rows[0].m)
        sizes = [r.m.size_bytes / 1e6 for r in self.rows]
        quals = [r.m.quality.get(q_key, 0.0) * (100 if q_key == "accuracy" else 1) for r in self.rows]
        self.size_chart.set_values(names, sizes, TRAIN_COLOUR)
        self.latency_chart.set_values(names, [r.m.latency_ms_p50 for r in self.rows], VAL_COLOUR)
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
        self.scatter.setLabel("left", tr("accuracy (%)") if q_key == "accuracy" else tr("bits per character"))
        # Room on the right and at the top for the names beside the points.
        x_hi, y_lo, y_hi = max(sizes), min(quals), max(quals)
        y_pad = max((y_hi - y_lo) * 0.15, 0.5 if q_key == "accuracy" else 0.01)
        self.scatter.setXRange(0, x_hi * 1.35, padding=0)
        self.scatter.setYRange(y_lo - y_pad, y_hi + y_pad, padding=0)

    def _on_select(self) -> None:
        row = self.selected()
        if row is None:
            return
        m = row.m
        self.variant_title.setText(f"<b>{row.name}</b>")
        lines = [tr("{name} — saved in {folder}").format(name=row.name, folder=m.folder), ""]
        lines += [f"• {n}" for n in m.notes] or [tr("• The original, as trained.")]
        if m.flips:
            lines += ["", tr("Answers that changed ({n_flips}, first {shown}):").format(n_flips=m.n_flips, shown=len(m.flips))]
            for f in m.flips:
                lines.append(f"  {f['original']!r} → {f['variant']!r}: {f['text'][:90]!r}")
        self.notes.setPlainText("\n".join(lines))


def _quality_key(m) -> tuple[str, str]:
    if "accuracy" in m.quality:
        return "accuracy", tr("Accuracy (%)")
    return "bits_per_char", tr("Bits per character (lower is better)")


def _mb(n: int | None) -> str:
    return tr("n/a") if n is None else f"{n / 1e6:.2f} MB"


def _fmt_q(key: str, q: float) -> str:
    return f"{q:.1%}" if key == "accuracy" else tr("{q:.3f} bits/char").format(q=q)


def _fmt_dq(key: str, dq: float) -> str:
    return tr("{points:+.1f} points").format(points=dq * 100) if key == "accuracy" else f"{dq:+.3f}"
