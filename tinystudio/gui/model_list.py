"""The models trained on the open file (a bar on the Evaluate tab) and two of them side by side.

:class:`ModelBar` lists the models (core.models_index entries): choosing one uses it in
Evaluate, Try it, Compress and Export; "Compare" asks for the side-by-side view.
:class:`CompareView` shows a comparison (core.compare, computed on a worker): both scores, both
confusion matrices, and the texts on which the two models disagree.
"""

from __future__ import annotations

import datetime
import html
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tinystudio.core.models_index import ModelEntry, describe
from tinystudio.i18n import fmt_datetime, fmt_percent, tr


def entry_title(entry: ModelEntry, number: int) -> str:
    """"Model 2 · fasttext small · 85.0% right · 2026-11-29 23:45"."""
    if entry.score is None:
        score = tr("no test score")
    elif entry.task == "classify":
        score = tr("{percent} right").format(percent=fmt_percent(entry.score))
    else:
        score = tr("{bits:.2f} bits per character").format(bits=entry.score)
    when = _when(entry.saved_at)
    return tr("Model {n} · {what} · {score} · {when}").format(n=number, what=describe(entry), score=score, when=when)


def _when(saved_at: str) -> str:
    """The save time in this computer's time zone, written the interface language's way."""
    try:
        moment = datetime.datetime.strptime(saved_at, "%Y-%m-%dT%H:%M:%S%z").astimezone()
    except ValueError:
        return saved_at.replace("T", " ")[:16]
    return fmt_datetime(moment)


def entry_tooltip(entry: ModelEntry) -> str:
    lines = [f"{html.escape(k)}: {html.escape(str(v))}" for k, v in entry.settings.items()]
    return tr("Saved in {folder}").format(folder=html.escape(entry.folder)) + "<br>" + "<br>".join(lines)


class ModelBar(QWidget):
    """Which model is in use, among those trained on this file; and "compare with"."""

    use_requested = Signal(str)  # model folder
    compare_requested = Signal(str, str)  # model folder in use, the other one

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("modelBar")
        self.entries: list[ModelEntry] = []
        self.models = QComboBox()
        self.models.setObjectName("modelChoice")
        self.models.setAccessibleName(tr("Model in use"))
        self.models.setToolTip(tr("Every model trained on this file (kept in TinyStudio’s models folder or saved with the project); choose one to use it"))
        self.models.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.models.setMinimumContentsLength(18)
        self.models.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.models.activated.connect(self._on_chosen)  # the person's choice only, not set_entries
        self.other = QComboBox()
        self.other.setObjectName("compareChoice")
        self.other.setAccessibleName(tr("Model to compare with"))
        self.other.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.other.setMinimumContentsLength(10)
        self.other.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.compare_button = QPushButton(tr("Compare"))
        self.compare_button.setObjectName("compareButton")
        self.compare_button.setAccessibleName(tr("Compare the two models"))
        self.compare_button.setToolTip(tr("Both models side by side: scores, mix-ups and the texts they answer differently"))
        self.compare_button.clicked.connect(self._on_compare)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(QLabel(tr("Model:")))
        lay.addWidget(self.models, 3)
        lay.addWidget(QLabel(tr("compare with")))
        lay.addWidget(self.other, 2)
        lay.addWidget(self.compare_button)
        self.set_entries([], None)

    def set_entries(self, entries: list[ModelEntry], current: str | None) -> None:
        """List ``entries`` (oldest first, numbered so) with the model in ``current`` selected."""
        self.entries = list(entries)
        current_key = _key(current)
        for combo in (self.models, self.other):
            combo.blockSignals(True)
            combo.clear()
        chosen = -1
        for i, entry in enumerate(self.entries):
            title = entry_title(entry, i + 1)
            self.models.addItem(title, entry.folder)
            self.models.setItemData(i, entry_tooltip(entry), Qt.ItemDataRole.ToolTipRole)
            if _key(entry.folder) == current_key:
                chosen = i
        if chosen < 0 and current:
            self.models.addItem(tr("{name} (trained on other data)").format(name=Path(current).name), current)
            chosen = self.models.count() - 1
        self.models.setCurrentIndex(chosen)
        for i, entry in enumerate(self.entries):
            if i != chosen:
                self.other.addItem(entry_title(entry, i + 1), entry.folder)
        for combo in (self.models, self.other):
            combo.blockSignals(False)
        self.other.setEnabled(self.other.count() > 0)
        self.compare_button.setEnabled(self.other.count() > 0 and chosen >= 0)
        self.setVisible(bool(self.entries) or bool(current))

    def _on_chosen(self, index: int) -> None:
        folder = self.models.itemData(index)
        if folder:
            self.use_requested.emit(folder)

    def _on_compare(self) -> None:
        a, b = self.models.currentData(), self.other.currentData()
        if a and b:
            self.compare_requested.emit(a, b)


def _key(folder: str | None) -> str | None:
    return str(Path(folder).resolve()) if folder else None


def _item(text: str, tooltip: str = "") -> QTableWidgetItem:
    it = QTableWidgetItem(text)
    it.setFlags(it.flags() & ~Qt.ItemFlag.ItemIsEditable)
    if tooltip:
        it.setToolTip(tooltip)
    return it


def _confusion_table(name: str) -> QTableWidget:
    t = QTableWidget(0, 0)
    t.setObjectName(name)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    t.setMinimumHeight(60)  # scrolls inside: the page itself stays within a small window
    return t


def fill_confusion(table: QTableWidget, labels: list[str], cm: list[list[int]]) -> None:
    k = len(labels)
    table.setRowCount(k)
    table.setColumnCount(k)
    table.setVerticalHeaderLabels(labels)
    table.setHorizontalHeaderLabels(labels)
    for i in range(k):
        total = max(sum(cm[i]), 1) if i < len(cm) else 1
        for j in range(k):
            v = cm[i][j] if i < len(cm) and j < len(cm[i]) else 0
            it = _item(str(v))
            it.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            colour = QColor("#16a34a") if i == j else QColor("#dc2626")
            colour.setAlphaF(0.08 + 0.8 * v / total if v else 0.0)
            it.setBackground(QBrush(colour))
            table.setItem(i, j, it)


class CompareView(QWidget):
    """Two models side by side (a comparison from core.compare)."""

    back_requested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("compareView")
        self.result: dict = {}
        self.title = QLabel()
        self.title.setObjectName("compareTitle")
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.back_button = QPushButton(tr("Back to one model"))
        self.back_button.setObjectName("compareBackButton")
        self.back_button.clicked.connect(self.back_requested)
        self.scores = QTableWidget(0, 2)
        self.scores.setObjectName("compareScores")
        self.scores.setAccessibleName(tr("Scores of both models"))
        self.scores.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.scores.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.scores.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.confusion_a = _confusion_table("compareConfusionA")
        self.confusion_b = _confusion_table("compareConfusionB")
        self.box_a, self.box_b = QGroupBox(), QGroupBox()
        QVBoxLayout(self.box_a).addWidget(self.confusion_a)
        QVBoxLayout(self.box_b).addWidget(self.confusion_b)
        mats = QSplitter(Qt.Orientation.Horizontal)
        mats.addWidget(self.box_a)
        mats.addWidget(self.box_b)
        self.disagreements_title = QLabel()
        self.disagreements = QTableWidget(0, 4)
        self.disagreements.setObjectName("compareDisagreements")
        self.disagreements.setAccessibleName(tr("Texts the two models answer differently"))
        self.disagreements.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.disagreements.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.disagreements.setMinimumHeight(60)
        lower = QWidget()
        ll = QVBoxLayout(lower)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.disagreements_title)
        ll.addWidget(self.disagreements)
        self.mats, self.lower = mats, lower
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(mats)
        split.addWidget(lower)
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.back_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(head)
        lay.addWidget(self.scores)
        lay.addWidget(split, 1)

    def show_result(self, result: dict, name_a: str, name_b: str) -> None:
        self.result = result
        a, b = result.get("a") or {}, result.get("b") or {}
        self.scores.setHorizontalHeaderLabels([name_a, name_b])
        self.box_a.setTitle(tr("{name}: rows = right answer, columns = model said").format(name=name_a))
        self.box_b.setTitle(tr("{name}: rows = right answer, columns = model said").format(name=name_b))
        if result.get("task") == "generate":
            rows = [(tr("Bits per character (lower is better)"), "bits_per_char", "{:.3f}")]
        else:
            rows = [(tr("Right answers (accuracy)"), "accuracy", "pct"), (tr("Macro-F1 (every label counts the same)"), "macro_f1", "{:.3f}")]
        self.scores.setRowCount(len(rows))
        self.scores.setVerticalHeaderLabels([r[0] for r in rows])
        self.scores.setFixedHeight(  # exactly the rows: no empty band below them
            self.scores.horizontalHeader().sizeHint().height()
            + sum(self.scores.rowHeight(r) for r in range(len(rows))) + 2 * self.scores.frameWidth())
        for r, (_label, key, form) in enumerate(rows):
            for c, m in enumerate((a, b)):
                v = m.get(key)
                text = "—" if not isinstance(v, (int, float)) else fmt_percent(v) if form == "pct" else form.format(v)
                self.scores.setItem(r, c, _item(text))
        classify = result.get("task") == "classify"
        self.mats.setVisible(classify)
        self.lower.setVisible(classify)
        if not classify:
            self.title.setText(tr("{a} and {b} on the same {n:,} test texts.").format(a=name_a, b=name_b, n=result.get("n", 0)))
            return
        fill_confusion(self.confusion_a, a.get("labels", []), a.get("confusion", []))
        fill_confusion(self.confusion_b, b.get("labels", []), b.get("confusion", []))
        self.title.setText(tr(
            "{a} and {b} on the same {n:,} test texts: they agree on {agree}. Only {a} is right on {only_a}, "
            "only {b} on {only_b}; both are wrong on {both_wrong}."
        ).format(a=name_a, b=name_b, n=result.get("n", 0), agree=fmt_percent(result.get("agreement", 0.0)),
                 only_a=result.get("only_a", 0), only_b=result.get("only_b", 0), both_wrong=result.get("both_wrong", 0)))
        rows = result.get("disagreements", [])
        self.disagreements_title.setText(tr("The {n} texts they answer differently (those where one of them is right first)").format(
            n=result.get("n_disagreements", len(rows))))
        self.disagreements.setHorizontalHeaderLabels([tr("Text"), tr("Right answer"), name_a, name_b])
        self.disagreements.setRowCount(len(rows))
        for r, d in enumerate(rows):
            self.disagreements.setItem(r, 0, _item(d["text"], d["text"]))
            self.disagreements.setItem(r, 1, _item(d["true"]))
            for c, key in ((2, "a"), (3, "b")):
                it = _item(d[key])
                if d[key] == d["true"]:
                    it.setBackground(QBrush(QColor(22, 163, 74, 60)))
                self.disagreements.setItem(r, c, it)
