"""The Auto leaderboard: each model Auto tries, its validation score and time, the winner marked.

Fed by the same events as the CLI (``CandidateStarted``, ``CandidateFinished``,
``AutoFinished`` from core/training/events.py); it never talks to the core itself.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from tinystudio.core.training.events import AutoFinished, CandidateFinished, CandidateStarted

from ..i18n import tr

COLUMNS = ("model", "score", "time", "mark")


class Leaderboard(QGroupBox):
    """A table of the candidates of one Auto run."""

    def __init__(self, parent=None) -> None:
        super().__init__(tr("Models Auto tried (best on the validation examples wins)"), parent)
        self.setObjectName("leaderboard")
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("leaderboardTable")
        self.table.setAccessibleName(tr("Models tried and their scores"))
        self.table.setHorizontalHeaderLabels(
            [tr("Model"), tr("Validation score"), tr("Time"), ""]
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, len(COLUMNS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.reason = QLabel()
        self.reason.setObjectName("leaderboardReason")
        self.reason.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.addWidget(self.table)
        lay.addWidget(self.reason)
        self.rows: dict[int, int] = {}  # candidate index -> table row
        self.best_index: int | None = None
        self.setVisible(False)

    def reset(self) -> None:
        self.table.setRowCount(0)
        self.rows.clear()
        self.best_index = None
        self.reason.clear()
        self.setVisible(False)

    def on_event(self, ev) -> None:
        if isinstance(ev, CandidateStarted):
            self.setVisible(True)
            row = self.table.rowCount()
            self.table.insertRow(row)
            self.rows[ev.index] = row
            self._set(row, 0, ev.label)
            self._set(row, 1, tr("training…"))
            self._set(row, 2, tr("up to {seconds:.0f} s").format(seconds=ev.seconds))
            self._set(row, 3, "")
        elif isinstance(ev, CandidateFinished) and ev.index in self.rows:
            row = self.rows[ev.index]
            name = tr("macro-F1") if ev.metric == "macro_f1" else tr("accuracy")
            self._set(row, 1, tr("{score:.1%} {name}").format(score=ev.score, name=name))
            self._set(row, 2, tr("{seconds:.0f} s").format(seconds=ev.seconds))
            if ev.is_best:
                self._mark(ev.index, tr("★ best so far"))
        elif isinstance(ev, AutoFinished):
            if self.best_index is not None:
                self._mark(self.best_index, tr("★ kept"))
            self.reason.setText(ev.reason)

    def winner_row(self) -> int | None:
        return None if self.best_index is None else self.rows[self.best_index]

    def _mark(self, index: int, text: str) -> None:
        if self.best_index is not None and self.best_index != index:
            old = self.rows[self.best_index]
            self._set(old, 3, "")
            self._bold(old, False)
        self.best_index = index
        row = self.rows[index]
        self._set(row, 3, text)
        self._bold(row, True)

    def _set(self, row: int, col: int, text: str) -> None:
        item = self.table.item(row, col)
        if item is None:
            item = QTableWidgetItem()
            item.setTextAlignment(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft)
            self.table.setItem(row, col, item)
        item.setText(text)

    def _bold(self, row: int, bold: bool) -> None:
        for col in range(len(COLUMNS)):
            item = self.table.item(row, col)
            if item is not None:
                font = QFont(item.font())
                font.setBold(bold)
                item.setFont(font)
