"""Table models: rows held in plain Python lists, shown by Qt only where they are visible.

``QTableView`` asks ``data()`` for the visible cells only, so a million rows cost a million
tuples in memory and nothing more while scrolling (the view must use fixed row heights:
see :func:`tune_view`).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHeaderView, QTableView

MAX_CELL_CHARS = 300
MAX_COLUMN_WIDTH = 130  # pixels; long columns would push the others out of view...
MAX_TEXT_COLUMN_WIDTH = 380  # ...except the one the model reads  # longer cells are cut in the table (the tooltip shows the full text)

_Index = QModelIndex | QPersistentModelIndex


class RowsTableModel(QAbstractTableModel):
    """Read-only rows of strings; row headers are the file's row numbers (1-based)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._columns: list[str] = []
        self._rows: Sequence[Sequence[str]] = []
        self._marked: dict[int, str] = {}  # row index -> colour name of rows with a problem
        self._highlight: set[int] = set()  # columns in use (text / label), drawn in bold

    def set_rows(self, columns: list[str], rows: Sequence[Sequence[str]]) -> None:
        self.beginResetModel()
        self._columns, self._rows = list(columns), rows
        self._marked = {}
        self.endResetModel()

    def set_used_columns(self, names: Sequence[str]) -> None:
        self._highlight = {self._columns.index(n) for n in names if n in self._columns}
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, max(len(self._columns) - 1, 0))

    def mark_rows(self, rows: Sequence[int], colour: str) -> None:
        """Tint these 1-based row numbers (rows named by a problem in the data report)."""
        for r in rows:
            self._marked.setdefault(r - 1, colour)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, 0))

    def row_values(self, row: int) -> Sequence[str]:
        return self._rows[row] if 0 <= row < len(self._rows) else ()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            row = self._rows[r]
            value = row[c] if c < len(row) else ""
            if role == Qt.ItemDataRole.ToolTipRole:
                return value if len(value) > 60 else None
            return value if len(value) <= MAX_CELL_CHARS else value[:MAX_CELL_CHARS] + " …"
        if role == Qt.ItemDataRole.BackgroundRole and r in self._marked:
            colour = QColor(self._marked[r])
            colour.setAlpha(70)
            return QBrush(colour)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole and section < len(self._columns):
                return self._columns[section]
            if role == Qt.ItemDataRole.FontRole and section in self._highlight:
                from PySide6.QtGui import QFont

                font = QFont()
                font.setBold(True)
                return font
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None


def tune_view(view: QTableView) -> None:
    """Settings that keep a huge table fast: fixed row heights, no per-row size measuring."""
    vh = view.verticalHeader()
    vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    vh.setDefaultSectionSize(view.fontMetrics().height() + 8)
    hh = view.horizontalHeader()
    hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    hh.setStretchLastSection(True)
    hh.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)  # names stay in view
    view.setWordWrap(False)
    view.setAlternatingRowColors(True)
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)


def fit_columns(view: QTableView, text_column: int | None = None) -> None:
    """Columns as wide as their content (sampled by Qt), within :data:`MAX_COLUMN_WIDTH`."""
    header = view.horizontalHeader()
    header.setResizeContentsPrecision(200)  # look at 200 rows, not all of a huge file
    view.resizeColumnsToContents()
    for c in range(header.count()):
        limit = MAX_TEXT_COLUMN_WIDTH if c == text_column else MAX_COLUMN_WIDTH
        header.resizeSection(c, min(header.sectionSize(c), limit))

