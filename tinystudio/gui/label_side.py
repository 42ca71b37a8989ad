"""The right side of the Label tab: the accuracy chart and its advice, counts, label review.

The chart shows the quick model's cross-validated accuracy against the number of labels,
one point per retrain (a few points a minute: it is redrawn when a point comes, no timer).
"""

from __future__ import annotations

import html

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tinystudio.i18n import tr

from .plots import METRIC_COLOUR, style_plot


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


class LabelSide(QWidget):
    suspect_chosen = Signal(int)  # index in the suspects list (clicked by the user)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.points: list[tuple[int, float]] = []
        self.suspects: list[dict] = []
        self.reviewing = False
        self._cursor = 0

        self.chart = pg.PlotWidget()
        self.chart.setObjectName("labelChart")
        style_plot(self.chart, grid=True)
        self.chart.setTitle(tr("Estimated accuracy"))
        self.chart.setLabel("bottom", tr("labelled rows"))
        self.chart.setYRange(0, 1, padding=0.02)
        self.chart.setMouseEnabled(x=False, y=False)
        self.chart.setMinimumHeight(170)
        self.chart.setToolTip(tr("How often a quick model trained on your labels is right on labelled rows it did not see (cross-validated). Recomputed every few answers."))
        self.curve = self.chart.plot([], [], pen=pg.mkPen(METRIC_COLOUR, width=2.5), symbol="o",
                                     symbolSize=6, symbolBrush=METRIC_COLOUR, symbolPen=None)  # fmt: skip
        self.advice = QLabel(tr("The estimate appears after about ten labels."))
        self.advice.setObjectName("labelAdvice")
        self.advice.setWordWrap(True)
        self.busy_label = QLabel()
        self.busy_label.setStyleSheet("color:#6b7280")
        self.counts = QLabel()
        self.counts.setObjectName("labelCounts")
        self.counts.setWordWrap(True)
        self.counts.setTextFormat(Qt.TextFormat.RichText)

        self.train_button = QPushButton(tr("Train with these labels"))
        self.train_button.setObjectName("labelTrain")
        self.train_button.setAccessibleName(tr("Train with these labels"))
        self.train_button.setToolTip(tr("Open the labels file as data and go to the Train tab."))
        self.train_button.setEnabled(False)
        self.review_button = QPushButton(tr("Check the labels for mistakes"))
        self.review_button.setObjectName("labelReview")
        self.review_button.setAccessibleName(tr("Check the labels for mistakes"))
        self.review_button.setToolTip(tr("Each labelled row is judged by models trained without it; the labels they strongly dispute are listed, most suspicious first."))
        self.review_button.setEnabled(False)
        self.review_text = QLabel()
        self.review_text.setObjectName("labelReviewText")
        self.review_text.setWordWrap(True)
        self.suspect_list = QListWidget()
        self.suspect_list.setObjectName("labelSuspects")
        self.suspect_list.setAccessibleName(tr("Labels that look wrong"))
        self.suspect_list.itemClicked.connect(lambda item: self.suspect_chosen.emit(self.suspect_list.row(item)))
        self.suspect_list.setVisible(False)

        chart_box = QGroupBox(tr("Is it worth labelling more?"))
        cl = QVBoxLayout(chart_box)
        cl.addWidget(self.chart, 1)
        cl.addWidget(self.advice)
        cl.addWidget(self.busy_label)
        review_box = QGroupBox(tr("Label review"))
        rl = QVBoxLayout(review_box)
        rl.addWidget(self.review_button)
        rl.addWidget(self.review_text)
        rl.addWidget(self.suspect_list, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(chart_box, 3)
        lay.addWidget(self.counts)
        lay.addWidget(self.train_button)
        lay.addWidget(review_box, 2)

    def reset(self) -> None:
        self.points = []
        self.curve.setData([], [])
        self.advice.setText(tr("The estimate appears after about ten labels."))
        self.end_review()
        self.review_text.setText("")
        self.train_button.setEnabled(False)
        self.review_button.setEnabled(False)

    # -- estimate -------------------------------------------------------------------------
    def set_busy(self, busy: bool) -> None:
        self.busy_label.setText(tr("Retraining the quick model…") if busy else "")

    def add_estimate(self, estimate) -> None:
        if estimate.sentence:
            self.advice.setText(_esc(estimate.sentence))
        if estimate.accuracy is None:
            return
        if self.points and self.points[-1][0] == estimate.n_labels:
            self.points[-1] = (estimate.n_labels, estimate.accuracy)
        else:
            self.points.append((estimate.n_labels, estimate.accuracy))
        self.curve.setData([p[0] for p in self.points], [p[1] for p in self.points])
        self.chart.setXRange(0, max(p[0] for p in self.points) * 1.05 + 1, padding=0)

    def show_counts(self, counts: dict[str, int]) -> None:
        parts = [f"<b>{_esc(k)}</b> {v}" for k, v in counts.items()]
        self.counts.setText(tr("Labels so far: ") + (" · ".join(parts) if parts else tr("none yet")))
        self.train_button.setEnabled(sum(1 for v in counts.values() if v) >= 2)

    # -- review ---------------------------------------------------------------------------
    def set_review_text(self, text: str) -> None:
        self.review_text.setText(_esc(text))

    def show_suspects(self, suspects: list[dict], total: int) -> None:
        self.suspects = list(suspects)
        self.reviewing = bool(suspects)
        self._cursor = 0
        self.suspect_list.clear()
        for s in suspects:
            self.suspect_list.addItem(QListWidgetItem(
                tr("Row {row}: '{label}' → '{suggested}' ({p:.0%})").format(
                    row=s["row"] + 1, label=s["label"], suggested=s["suggested"], p=s["confidence"])))  # fmt: skip
        self.suspect_list.setVisible(bool(suspects))
        if suspects:
            text = tr("{n} of {total} labels look wrong to models trained without them, most suspicious first. Keep each (K) or give the right label (1-9).")
        else:
            text = tr("No label looks wrong: models trained without each row agree with the {total} labels.")
        self.set_review_text(text.format(n=len(suspects), total=total))

    def suspect(self, k: int) -> dict | None:
        if not self.reviewing or not 0 <= k < len(self.suspects):
            return None
        self._cursor = k
        self.suspect_list.setCurrentRow(k)
        return self.suspects[k]

    def next_suspect(self) -> int:
        """The next suspect not handled yet (len: none left)."""
        for k in range(len(self.suspects)):
            j = (self._cursor + 1 + k) % len(self.suspects)
            if not self.suspects[j].get("done"):
                return j
        return len(self.suspects)

    def mark_suspect(self, row: int, what: str) -> None:
        for k, s in enumerate(self.suspects):
            if s["row"] == row:
                s["done"] = what
                item = self.suspect_list.item(k)
                item.setText(f"✔ {item.text()} — {what}")

    def end_review(self) -> None:
        if self.reviewing and self.suspects:
            done = sum(1 for s in self.suspects if s.get("done"))
            self.set_review_text(tr("Review finished: {n} labels looked at.").format(n=done))
        self.reviewing = False
        self.suspects = []
        self.suspect_list.clear()
        self.suspect_list.setVisible(False)
