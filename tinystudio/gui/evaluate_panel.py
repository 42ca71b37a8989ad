"""The Evaluate tab: how good is the model on texts it never saw (the test split)?"""

from __future__ import annotations

import html
import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tinystudio.i18n import tr

from . import help_texts
from .evaluate_words import bits_reference, classify_notes
from .model_list import CompareView, ModelBar
from .naming import named

MAX_LISTED = 500  # examples listed for one confusion-matrix cell


def _item(value, tooltip: str = "") -> QTableWidgetItem:
    it = QTableWidgetItem(value if isinstance(value, str) else "")
    if not isinstance(value, str):
        it.setData(Qt.ItemDataRole.DisplayRole, value)
    if tooltip:
        it.setToolTip(tooltip)
    it.setFlags(it.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return it


class EvaluatePanel(QWidget):
    cell_selected = Signal(str, str)  # true label, predicted label

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.metrics: dict = {}
        self._examples: dict = {}
        self.headline = QLabel(tr("Train a model (or open one) to see how well it does."))
        self.headline.setWordWrap(True)
        self.headline.setTextFormat(Qt.TextFormat.RichText)
        self.headline.setToolTip(help_texts.tip("test"))
        # Plain-word warnings: labels never predicted, badly imbalanced labels (evaluate_words.py).
        self.notes = QLabel()
        self.notes.setObjectName("evaluateNotes")
        self.notes.setAccessibleName(tr("Warnings about the scores"))
        self.notes.setWordWrap(True)
        self.notes.setTextFormat(Qt.TextFormat.PlainText)
        self.notes.setStyleSheet("#evaluateNotes{color:#b45309}")
        self.notes.setVisible(False)

        self.per_class = QTableWidget(0, 4)
        self.per_class.setHorizontalHeaderLabels([tr("Precision"), tr("Recall"), "F1", tr("Examples")])
        for col, key in enumerate(("precision", "recall", "f1", "support")):
            self.per_class.horizontalHeaderItem(col).setToolTip(help_texts.tip(key))
        # Whole headers ("Precision"), scrolling sideways in a narrow window rather than cut.
        self.per_class.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.per_class.setSortingEnabled(True)

        self.confusion = QTableWidget(0, 0)
        self.confusion.setToolTip(help_texts.tip("confusion"))
        self.confusion.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.confusion.cellClicked.connect(self.show_cell)
        self.confusion.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)

        self.examples_title = QLabel(tr("The model's most confident mistakes"))
        self.examples = QTableWidget(0, 4)
        self.examples.setHorizontalHeaderLabels([tr("Text"), tr("Right answer"), tr("Model said"), tr("Sure")])
        self.examples.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.examples.setWordWrap(True)
        self.examples.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)

        self.samples = QPlainTextEdit()
        self.samples.setReadOnly(True)

        self.classify_view = QSplitter(Qt.Orientation.Vertical)
        upper = QSplitter(Qt.Orientation.Horizontal)
        box = QGroupBox(tr("Per label"))
        QVBoxLayout(box).addWidget(self.per_class)
        upper.addWidget(box)
        box = QGroupBox(tr("Confusion matrix: rows = right answer, columns = model said (click a cell)"))
        QVBoxLayout(box).addWidget(self.confusion)
        upper.addWidget(box)
        self.classify_view.addWidget(upper)
        lower = QWidget()
        ll = QVBoxLayout(lower)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.examples_title)
        ll.addWidget(self.examples)
        self.classify_view.addWidget(lower)

        self.generate_view = QGroupBox(tr("Texts the model wrote, starting from the beginning of test texts"))
        QVBoxLayout(self.generate_view).addWidget(self.samples)

        # The models trained on this file, and two of them side by side (gui/model_list.py).
        self.model_bar = ModelBar()
        self.compare_view = CompareView()
        self.compare_view.back_requested.connect(self.show_single)
        results = QWidget()
        lay = QVBoxLayout(results)
        lay.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        head.addWidget(self.headline, 1)
        lay.addLayout(head)
        lay.addWidget(self.notes)
        lay.addWidget(self.classify_view, 1)
        lay.addWidget(self.generate_view, 1)
        self.generate_view.setVisible(False)
        for widget, key, words in (
            (self.headline, "evalHeadline", tr("Test scores")),
            (self.per_class, "perLabelTable", tr("Scores per label")),
            (self.confusion, "confusionMatrix", tr("Confusion matrix")),
            (self.examples_title, "examplesTitle", tr("Which texts are listed")),
            (self.examples, "examplesTable", tr("Test texts and the model's answers")),
            (self.samples, "evalSamples", tr("Texts the model wrote")),
        ):
            named(widget, key, words)
        self.stack = QStackedWidget()
        self.stack.addWidget(results)
        self.stack.addWidget(self.compare_view)
        outer = QVBoxLayout(self)
        outer.addWidget(self.model_bar)
        outer.addWidget(self.stack, 1)

    def show_single(self) -> None:
        """Back from the comparison to the model in use."""
        self.stack.setCurrentIndex(0)

    def show_comparison(self, result: dict, name_a: str, name_b: str) -> None:
        self.compare_view.show_result(result, name_a, name_b)
        self.stack.setCurrentIndex(1)

    # -- filling --------------------------------------------------------------------------
    def clear(self) -> None:
        self.metrics, self._examples = {}, {}
        self.headline.setText(tr("Train a model (or open one) to see how well it does."))
        self._set_notes([])
        self.per_class.setRowCount(0)
        self.confusion.setRowCount(0)
        self.confusion.setColumnCount(0)
        self.examples.setRowCount(0)
        self.samples.clear()

    def set_results(self, task: str, metrics: dict, examples: dict | None = None) -> None:
        self.show_single()
        self.metrics, self._examples = metrics or {}, examples or {}
        self.classify_view.setVisible(task == "classify")
        self.generate_view.setVisible(task == "generate")
        self._set_notes(classify_notes(self.metrics) if task == "classify" else [])
        if not self.metrics:
            self.headline.setText(tr("No test scores for this model: open its data file to score it."))
            return
        if task == "classify":
            self._show_classify()
        else:
            self._show_generate()

    def _set_notes(self, notes: list[str]) -> None:
        self.notes.setText("\n".join("⚠ " + n for n in notes))
        self.notes.setVisible(bool(notes))

    def _show_classify(self) -> None:
        m = self.metrics
        n = m.get("n", 0)
        self.headline.setText(
            tr("<span style='font-size:16pt'>Accuracy <b>{accuracy:.1%}</b> · balanced score <b>{macro_f1:.2f}</b></span><br>On {n:,} test texts the model never saw while training. The <span title='{explanation}'>balanced score (Macro-F1)</span> counts every label as equally important, even rare ones.").format(accuracy=m['accuracy'], macro_f1=m['macro_f1'], n=n, explanation=html.escape(tr(help_texts.TERMS['macro_f1'][1])))
        )
        labels = m.get("labels", [])
        self.per_class.setSortingEnabled(False)
        self.per_class.setRowCount(len(labels))
        self.per_class.setVerticalHeaderLabels(labels)
        for r, name in enumerate(labels):
            pc = m["per_class"][name]
            for c, key in enumerate(("precision", "recall", "f1")):
                self.per_class.setItem(r, c, _item(round(pc[key], 3)))
            self.per_class.setItem(r, 3, _item(pc["support"]))
        self._fill_confusion(labels, m.get("confusion", []))
        self._show_mistakes()

    def _fill_confusion(self, labels: list[str], cm: list[list[int]]) -> None:
        k = len(labels)
        self.confusion.setRowCount(k)
        self.confusion.setColumnCount(k)
        self.confusion.setVerticalHeaderLabels(labels)
        self.confusion.setHorizontalHeaderLabels(labels)
        for i in range(k):
            row_total = max(sum(cm[i]), 1) if i < len(cm) else 1
            for j in range(k):
                v = cm[i][j] if i < len(cm) and j < len(cm[i]) else 0
                share = v / row_total
                it = _item(str(v), tr("{v} '{true}' texts were labelled '{pred}' ({share:.0%})").format(v=v, true=labels[i], pred=labels[j], share=share))
                it.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                # Heat: green on the diagonal (right answers), red off it (mix-ups).
                base = QColor("#16a34a") if i == j else QColor("#dc2626")
                base.setAlphaF(0.08 + 0.8 * share if v else 0.0)
                it.setBackground(QBrush(base))
                self.confusion.setItem(i, j, it)

    def _show_mistakes(self) -> None:
        mistakes = self.metrics.get("worst_mistakes", [])
        self.examples_title.setText(
            tr("The model's most confident mistakes ({n_mistakes}) — click a cell of the matrix to see its texts").format(n_mistakes=len(mistakes))
        )
        self._fill_examples(mistakes)

    def show_cell(self, i: int, j: int) -> None:
        """List the test texts whose right answer is label i and that the model called label j."""
        labels = self.metrics.get("labels", [])
        if not (0 <= i < len(labels) and 0 <= j < len(labels)):
            return
        true, pred = labels[i], labels[j]
        rows = [p for p in self._examples.get("predictions", []) if p["true"] == true and p["predicted"] == pred]
        if i == j:
            title = tr("'{true}' texts the model called '{pred}' ({n} right answers)")
        else:
            title = tr("'{true}' texts the model called '{pred}' ({n} mix-ups)")
        self.examples_title.setText(title.format(true=true, pred=pred, n=len(rows)))
        self._fill_examples(sorted(rows, key=lambda p: -p["confidence"])[:MAX_LISTED])
        self.cell_selected.emit(true, pred)

    def _fill_examples(self, rows: list[dict]) -> None:
        self.examples.setRowCount(len(rows))
        for r, ex in enumerate(rows):
            self.examples.setItem(r, 0, _item(ex["text"], ex["text"]))
            self.examples.setItem(r, 1, _item(ex["true"]))
            self.examples.setItem(r, 2, _item(ex["predicted"]))
            self.examples.setItem(r, 3, _item(f"{ex['confidence']:.0%}"))
        self.examples.resizeRowsToContents()

    def _show_generate(self) -> None:
        m = self.metrics
        loss = m.get("val_loss", math.nan)
        self.headline.setText(
            tr("<span style='font-size:16pt'>Bits per character <b>{bits_per_char:.2f}</b> · torn between about <b>{perplexity:.1f}</b> next pieces · error <b>{loss:.3f}</b></span><br>On {chars:,} characters of test text the model never saw. Lower is better for all three (bits per character, perplexity, loss; hover for each): {explanation}").format(bits_per_char=m.get('bits_per_char', math.nan), perplexity=m.get('perplexity', math.nan), loss=loss, chars=m.get('chars', 0), explanation=html.escape(bits_reference(m)))
        )
        self.headline.setToolTip(help_texts.tip("bits_per_char") + "<br>" + help_texts.tip("perplexity"))
        self.samples.clear()
        for s in self._examples.get("samples", []):
            self.samples.appendPlainText(f"{s['prompt']}▸{s['text']}\n")
