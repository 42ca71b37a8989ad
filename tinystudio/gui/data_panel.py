"""The Data tab: open a file, choose columns and task, read the data report, see tokens."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from tinystudio.core.data.formats import ENCODING_CHOICES, describe_encoding
from tinystudio.core.words import token_spans
from tinystudio.i18n import tr, tr_n, tr_noop

from . import help_texts, jobs, worker
from .icons import icon
from .naming import named
from .plots import BarChart
from .table_model import RowsTableModel, fit_columns, tune_view

TASKS = [("classify", tr_noop("Sort texts into groups (classify)")), ("generate", tr_noop("Write text like this (generate)"))]
SEVERITY_ICON = {"fatal": "critical", "warning": "warning", "info": "information"}
SEVERITY_COLOUR = {"fatal": "#dc2626", "warning": "#f59e0b", "info": "#3b82f6"}
SEVERITY_ROLE = Qt.ItemDataRole.UserRole + 1
PIECE_COLOURS = ("#bfdbfe", "#fde68a", "#bbf7d0", "#fbcfe8", "#ddd6fe")
SHEET_PATTERNS = "*.xlsx *.xlsm *.xls *.ods"


def file_filter() -> str:
    """The File ▸ Open dialog's filter: data files (tables, workbooks, text), or anything."""
    return ";;".join((
        tr("Data files ({patterns})").format(patterns=f"*.csv *.tsv *.txt {SHEET_PATTERNS}"),
        tr("Workbooks ({patterns})").format(patterns=SHEET_PATTERNS),
        tr("All files (*)"),
    ))  # fmt: skip



class DataPanel(QWidget):
    """Shows one data file; emits :attr:`data_ready` each time its report is complete."""

    data_ready = Signal(object)  # jobs.DataResult
    load_failed = Signal(str, str)  # message, details
    loading = Signal(str)  # path being read
    open_requested = Signal()  # the "Open a file…" button
    label_requested = Signal()  # the "Label rows…" button (the Label tab takes the file)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.result: jobs.DataResult | None = None
        self._handle: worker.TaskHandle | None = None
        self._tokenizer = None
        self._problem_cursor: dict[int, int] = {}
        self._pending_path: str | None = None
        self._source: dict = {}  # the user's choice of encoding / sheet for the current file

        self.open_button = QPushButton(tr("Open a file…"))
        self.open_button.setToolTip(tr("Open a CSV or text file (Ctrl+O). You can also drop a file on the window."))
        self.open_button.clicked.connect(self.open_requested)
        self.file_label = QLabel(tr("No file yet"))
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.task_combo = QComboBox()
        for key, words in TASKS:
            self.task_combo.addItem(tr(words), key)
        self.task_combo.setToolTip(help_texts.tip("task"))
        self.text_combo = QComboBox()
        self.text_combo.setToolTip(help_texts.tip("text_column"))
        self.label_combo = QComboBox()
        self.label_combo.setToolTip(help_texts.tip("label_column"))
        for combo in (self.task_combo, self.text_combo, self.label_combo):
            combo.activated.connect(self._choices_changed)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        # Where the rows come from: a workbook's sheet, or a text file's encoding.
        self.sheet_caption = QLabel(tr("Sheet:"))
        self.sheet_combo = QComboBox()
        self.sheet_combo.setObjectName("sheetCombo")
        self.sheet_combo.setAccessibleName(tr("Sheet of the workbook"))
        self.sheet_combo.setToolTip(tr("This workbook has several sheets: choose the one with your texts."))
        self.sheet_combo.activated.connect(lambda _i: self._source_changed("sheet", self.sheet_combo.currentText()))
        self.encoding_caption = QLabel(tr("Text encoding:"))
        self.encoding_combo = QComboBox()
        self.encoding_combo.setObjectName("encodingCombo")
        self.encoding_combo.setAccessibleName(tr("Text encoding of the file"))
        self.encoding_combo.setToolTip(tr(
            "How the file's letters are stored. TinyStudio detects it; if the texts look garbled "
            "(for example Chinese or accented letters shown as odd symbols), choose another one."
        ))
        self.encoding_combo.activated.connect(
            lambda _i: self._source_changed("encoding", self.encoding_combo.currentData()))
        for combo in (self.sheet_combo, self.encoding_combo):
            # Not as wide as the longest encoding name: the row must fit 800×600.
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(14)

        top = QHBoxLayout()
        top.addWidget(self.open_button)
        self.file_label.setWordWrap(True)  # the file's description wraps rather than widen the window
        top.addWidget(self.file_label, 1)
        self.label_button = QPushButton(tr("Label rows…"))
        self.label_button.setObjectName("labelRowsButton")
        self.label_button.setToolTip(tr("Label rows of this file yourself in the Label tab (rows without a label), or check its labels for mistakes."))
        self.label_button.clicked.connect(lambda _c=False: self.label_requested.emit())
        self.label_button.setEnabled(False)  # until a file is open
        top.addWidget(self.label_button)
        for widget in (self.sheet_caption, self.sheet_combo, self.encoding_caption, self.encoding_combo):
            top.addWidget(widget)
            widget.setVisible(False)
        form = QHBoxLayout()
        form.addWidget(QLabel(tr("The model should:")))
        form.addWidget(self.task_combo)
        form.addSpacing(16)
        form.addWidget(QLabel(tr("Texts are in:")))
        form.addWidget(self.text_combo)
        self.label_caption = QLabel(tr("Labels are in:"))
        form.addSpacing(16)
        form.addWidget(self.label_caption)
        form.addWidget(self.label_combo)
        form.addStretch(1)

        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setTextFormat(Qt.TextFormat.RichText)

        self.table_model = RowsTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.table_model)
        tune_view(self.table)
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._show_tokens(cur.row()))

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.chart = BarChart()
        self.chart.setMinimumHeight(140)
        self.chart.setToolTip(tr("How many examples each label has. Very uneven counts make rare labels hard to learn."))
        self.problems = QListWidget()
        self.problems.setWordWrap(True)
        self.problems.itemClicked.connect(self._problem_clicked)
        self.problems.setToolTip(tr("Click a problem to jump to the rows it is about."))
        self.tokens_view = QTextBrowser()
        self.tokens_view.setToolTip(help_texts.tip("token"))
        self.vocab_label = QLabel()
        self.vocab_label.setToolTip(help_texts.tip("vocabulary"))

        side = QWidget()
        side_lay = QVBoxLayout(side)
        side_lay.setContentsMargins(0, 0, 0, 0)
        side_lay.addWidget(self.summary)
        self.chart_box = QGroupBox(tr("Examples per label"))
        QVBoxLayout(self.chart_box).addWidget(self.chart)
        side_lay.addWidget(self.chart_box, 3)
        problems_box = QGroupBox(tr("What TinyStudio noticed"))
        QVBoxLayout(problems_box).addWidget(self.problems)
        side_lay.addWidget(problems_box, 2)
        tokens_box = QGroupBox(tr("How the model will read the selected row (tokens)"))
        tl = QFormLayout(tokens_box)
        tl.addRow(self.tokens_view)
        tl.addRow(self.vocab_label)
        side_lay.addWidget(tokens_box, 2)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(side)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([720, 480])  # the table gets most of the room

        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addLayout(form)
        lay.addWidget(self.banner)
        lay.addWidget(split, 1)
        self._set_banner("info", tr("Open a CSV file with one text per row (and a label column to sort texts into groups)."))
        for widget, key, words in (
            (self.open_button, "openFileButton", tr("Open a data file")),
            (self.file_label, "fileLabel", tr("Open file")),
            (self.task_combo, "taskCombo", tr("What the model should do")),
            (self.text_combo, "textColumnCombo", tr("Column with the texts")),
            (self.label_combo, "labelColumnCombo", tr("Column with the labels")),
            (self.banner, "dataBanner", tr("Data status")),
            (self.table, "dataTable", tr("Rows of the file")),
            (self.summary, "dataSummary", tr("Rows read and used")),
            (self.chart, "dataLabelChart", tr("Examples per label")),
            (self.problems, "problemsList", tr("What TinyStudio noticed")),
            (self.tokens_view, "tokensView", tr("How the model will read the selected row (tokens)")),
        ):
            named(widget, key, words)

    # -- public API -----------------------------------------------------------------------
    @property
    def dataset(self):
        return self.result.dataset if self.result else None

    @property
    def path(self) -> str | None:
        return self.result.path if self.result else self._pending_path if self._handle else None

    @property
    def task(self) -> str:
        return self.task_combo.currentData()

    @property
    def can_train(self) -> bool:
        """A file is loaded without a fatal problem, and no other file is being read."""
        return self._handle is None and self.result is not None and self.result.dataset is not None

    @property
    def busy(self) -> bool:
        return self._handle is not None

    def columns_choice(self) -> tuple[str | None, str | None]:
        """(text column, label column) as chosen (label None to generate)."""
        if self.result is None or self.result.report is None:
            return None, None
        choice = self.result.report.choice
        return choice.text_column, choice.label_column if self.task == "classify" else None

    def source_choice(self) -> tuple[str | None, str | None]:
        """(sheet, encoding) to read the current file again the same way: the workbook's sheet,
        and the text encoding only when the user chose it (else it is detected again)."""
        if self.result is None:
            return None, None
        sheet = self.result.fmt.sheet if self.result.fmt.kind == "sheet" else None
        return sheet, self._source.get("encoding")

    def load_file(self, path: str | Path, task: str | None = None, text_col=None, label_col=None,
                  *, encoding: str | None = None, sheet: str | None = None) -> None:  # fmt: skip
        """Read ``path`` in the background; :attr:`data_ready` or :attr:`load_failed` follows.

        ``encoding`` and ``sheet`` are the user's choices (None: detect / the first sheet with
        data); they are kept while the same file is re-read with other columns or task.
        """
        if task is None:
            task = "generate" if str(path).lower().endswith(".txt") else self.task
        self._select_task(task)
        self._cancel()
        same = self.result is not None and self.result.path == str(path)
        self._source = {**(self._source if same else {}),
                        **{k: v for k, v in (("encoding", encoding), ("sheet", sheet)) if v}}  # fmt: skip
        self._pending_path = str(path)
        self.file_label.setText("<b>{}</b> — {}".format(html.escape(Path(path).name), tr("reading…")))
        self._set_banner("info", tr("Reading the file and checking it…"))
        self.loading.emit(str(path))
        handle = worker.start(
            "data", jobs.inspect_file, str(path), task, text_col, label_col, 0,
            self._source.get("encoding"), self._source.get("sheet"), parent=self,
        )
        handle.progress.connect(lambda item, h=handle: self._on_preview(h, item))
        handle.finished.connect(lambda res, h=handle: self._on_loaded(h, res))
        handle.failed.connect(lambda msg, det, h=handle: self._on_failed(h, msg, det))
        self._handle = handle

    def set_tokenizer(self, tokenizer) -> None:
        """Show how this tokenizer (e.g. the trained model's) splits the selected row."""
        self._tokenizer = tokenizer
        self._show_tokens(self.table.currentIndex().row())

    def show_row(self, row: int) -> None:
        """Select and scroll to a 1-based file row."""
        index = self.table_model.index(row - 1, 0)
        if index.isValid():
            self.table.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
            )
            self.table.scrollTo(index, QTableView.ScrollHint.PositionAtCenter)

    def shutdown(self) -> None:
        self._cancel()

    # -- loading --------------------------------------------------------------------------
    def _cancel(self) -> None:
        if self._handle is not None:
            self._handle.stop()  # its result is ignored when it comes
            self._handle = None

    def _on_preview(self, handle, item) -> None:
        if handle is not self._handle or item[0] != "preview":
            return
        _, fmt, columns, rows = item
        if self.result is not None and self.result.path != self._pending_path:
            self._clear_report()  # another file: nothing of the previous one stays on screen
            self.result = None
        self.table_model.set_rows(columns, rows)
        fit_columns(self.table)

    def _on_loaded(self, handle, result: jobs.DataResult) -> None:
        if handle is not self._handle:
            return
        self._handle = None
        self.result = result
        self.label_button.setEnabled(True)
        self._tokenizer = result.tokenizer
        self.table_model.set_rows(result.columns, result.rows)
        text_col = result.report.choice.text_column if result.report else None
        fit_columns(self.table, result.columns.index(text_col) if text_col in result.columns else None)
        self._fill_choices(result)
        self._fill_report(result)
        self._fill_source(result)
        if result.rows:
            self.show_row(1)
        self.data_ready.emit(result)

    def _on_failed(self, handle, message: str, details: str) -> None:
        """The file cannot be read at all: clear everything of the previous file, so that
        nothing on screen (table, chart, problems, tokens, header, Train) belongs to it."""
        if handle is not self._handle:
            return
        self._handle = None
        self.result = None
        self._clear_report()
        self.label_button.setEnabled(False)  # no file open
        self.table_model.set_rows([], [])
        for combo in (self.text_combo, self.label_combo):
            combo.clear()
        self.file_label.setText(tr("<b>{name}</b> — could not be opened").format(
            name=html.escape(Path(self._pending_path).name)))  # fmt: skip
        self.file_label.setToolTip(self._pending_path)
        item = QListWidgetItem(icon(self, "critical"), message)
        item.setData(SEVERITY_ROLE, "fatal")
        item.setToolTip(message)
        self.problems.addItem(item)
        self._set_banner("fatal", message)
        self.load_failed.emit(message, details)

    def _clear_report(self) -> None:
        """Empty the chart, the problem list, the summary and the token view."""
        self.chart.set_values([], [])
        self.problems.clear()
        self._problem_cursor = {}
        self.summary.setText("")
        self._tokenizer = None
        self.tokens_view.setHtml("")
        self.vocab_label.setText("")
        for widget in (self.sheet_caption, self.sheet_combo, self.encoding_caption, self.encoding_combo):
            widget.setVisible(False)

    def _source_changed(self, key: str, value) -> None:
        """The user chose another sheet or encoding: read the file again at once."""
        if self.result is None or not value or self._source.get(key) == value:
            return
        if key == "sheet" and value == self.result.fmt.sheet:
            return
        if key == "encoding" and value == self.result.fmt.encoding:
            return
        self.load_file(self.result.path, self.task, encoding=value if key == "encoding" else None,
                       sheet=value if key == "sheet" else None)  # fmt: skip

    def _choices_changed(self) -> None:
        if self.result is None:
            return
        task = self.task
        text = self.text_combo.currentText() or None
        label = self.label_combo.currentText() if task == "classify" else None
        if self.result.fmt.kind == "text":
            text = label = None
        self.load_file(self.result.path, task, text, label or None)

    def _fill_source(self, result: jobs.DataResult) -> None:
        """The sheet list (a workbook with several sheets) or the encoding list (text files)."""
        fmt = result.fmt
        sheets = fmt.kind == "sheet" and len(fmt.sheets) > 1
        self.sheet_combo.blockSignals(True)
        self.sheet_combo.clear()
        if fmt.kind == "sheet":
            self.sheet_combo.addItems(list(fmt.sheets))
            self.sheet_combo.setCurrentText(fmt.sheet or "")
        self.sheet_combo.blockSignals(False)
        self.encoding_combo.blockSignals(True)
        self.encoding_combo.clear()
        if fmt.kind != "sheet":
            choices = list(ENCODING_CHOICES)
            if fmt.encoding not in {codec for codec, _ in choices}:
                choices.insert(0, (fmt.encoding, describe_encoding(fmt.encoding)))
            for codec, words in choices:
                self.encoding_combo.addItem(tr(words), codec)
            self.encoding_combo.setCurrentIndex(self.encoding_combo.findData(fmt.encoding))
        self.encoding_combo.blockSignals(False)
        for widget in (self.sheet_caption, self.sheet_combo):
            widget.setVisible(sheets)
        for widget in (self.encoding_caption, self.encoding_combo):
            widget.setVisible(fmt.kind != "sheet")

    # -- showing --------------------------------------------------------------------------
    def _select_task(self, task: str) -> None:
        i = self.task_combo.findData(task)
        if i >= 0:
            self.task_combo.setCurrentIndex(i)
        generate = task == "generate"
        self.label_combo.setVisible(not generate)
        self.label_caption.setVisible(not generate)
        self.chart_box.setVisible(not generate)

    def _fill_choices(self, result: jobs.DataResult) -> None:
        choice = result.report.choice if result.report else None
        for combo, chosen in (
            (self.text_combo, choice.text_column if choice else None),
            (self.label_combo, choice.label_column if choice else None),
        ):
            combo.blockSignals(True)
            combo.clear()
            combo.addItems(result.columns)
            if chosen in result.columns:
                combo.setCurrentIndex(result.columns.index(chosen))
            else:
                combo.setCurrentIndex(-1)
            combo.blockSignals(False)
        if choice:
            used = [c for c in (choice.text_column, choice.label_column) if c]
            self.table_model.set_used_columns(used)
            reasons = " ".join(choice.reasons)
            self.text_combo.setToolTip(help_texts.tip("text_column") + (f"<br><i>{html.escape(reasons)}</i>" if reasons else ""))

    def _fill_report(self, result: jobs.DataResult) -> None:
        report = result.report
        name = Path(result.path).name
        self.file_label.setText(f"<b>{html.escape(name)}</b> — {html.escape(result.fmt.describe())}")
        self.file_label.setToolTip(result.path)
        self.problems.clear()
        self._problem_cursor = {}
        self.chart.set_values([], [])  # filled below when there are labels
        self.chart_box.setVisible(result.task == "classify" and bool(report and report.class_counts))
        if report is None:
            return
        dropped = sum(report.dropped.values())
        words = tr("{read:,} rows read, <b>{used:,} used</b>").format(
            read=report.rows_read, used=report.rows_used)
        if dropped:
            words += " " + tr("({n:,} skipped)").format(n=dropped)
        if result.task == "classify" and report.class_counts:
            words += " · " + tr_n("{n} label", "{n} labels", len(report.class_counts)).format(
                n=len(report.class_counts))
        self.summary.setText(words)
        counts = report.class_counts
        if counts and result.task == "classify":
            shown = list(counts.items())[:30]
            self.chart.set_values([k for k, _ in shown], [v for _, v in shown])
            self.chart.setMinimumHeight(min(40 + 18 * len(shown), 360))
        for i, p in enumerate(report.problems):
            text = p.message
            if p.rows:
                rows = ", ".join(map(str, p.rows[:5])) + ("…" if len(p.rows) > 5 else "")
                text += "  " + tr("(rows {rows} — click to see)").format(rows=rows)
            item = QListWidgetItem(icon(self, SEVERITY_ICON.get(p.severity, "information")), text)
            item.setData(SEVERITY_ROLE, p.severity)
            item.setData(Qt.ItemDataRole.UserRole, i)
            item.setToolTip(p.message)
            self.problems.addItem(item)
            if p.rows:
                self.table_model.mark_rows(p.rows, SEVERITY_COLOUR.get(p.severity, "#888"))
        if not report.problems:
            self.problems.addItem(QListWidgetItem(icon(self, "ok"), tr("Nothing wrong found.")))
        if result.dataset is None:
            self._set_banner("fatal", tr("Training cannot start: {error}").format(error=result.error))
        elif report.warnings:
            self._set_banner("warning", tr("Ready to train. Read the notes on the right: they may explain odd results."))
        else:
            self._set_banner("ok", tr("Ready to train: go to the Train tab."))

    def _problem_clicked(self, item: QListWidgetItem) -> None:
        i = item.data(Qt.ItemDataRole.UserRole)
        if i is None or self.result is None or self.result.report is None:
            return
        rows = self.result.report.problems[i].rows
        if not rows:
            return
        k = self._problem_cursor.get(i, 0) % len(rows)  # each click goes to the next row
        self._problem_cursor[i] = k + 1
        self.show_row(rows[k])

    def _show_tokens(self, row: int) -> None:
        tok = self._tokenizer
        if tok is None or self.result is None or row < 0:
            self.tokens_view.setHtml(tr("<i>Select a row to see how it is split into tokens.</i>"))
            self.vocab_label.setText("")
            return
        values = self.table_model.row_values(row)
        cols = self.result.columns
        text_col = self.result.report.choice.text_column if self.result.report else None
        j = cols.index(text_col) if text_col in cols else 0
        text = values[j] if j < len(values) else ""
        text = text[:2000]
        pieces = tok.pieces(text)
        # Tokens covering the same characters (a Chinese character split into its bytes) are
        # drawn once, with the number of tokens it took, so no character shows twice.
        groups = token_spans([(p.start, p.end) for p in pieces])
        spans = "".join(
            f'<span style="background:{PIECE_COLOURS[k % len(PIECE_COLOURS)]};color:#111">'
            f"{html.escape(text[a:b]).replace(' ', '&nbsp;') or '&nbsp;'}"
            + (f"<sub>{n}</sub>" if n > 1 else "") + "</span>"
            for k, (a, b, n) in enumerate(groups)
        )
        self.tokens_view.setHtml(f"<p style='line-height:150%'>{spans}</p>")
        self.vocab_label.setText(
            tr("Row {row}: {n} tokens · vocabulary: {vocab:,} different tokens").format(
                row=row + 1, n=len(pieces), vocab=tok.vocab_size)
        )

    def _set_banner(self, severity: str, text: str) -> None:
        colours = {"fatal": "#dc2626", "warning": "#b45309", "ok": "#15803d"}
        mark = {"fatal": "✖ ", "warning": "⚠ ", "ok": "✔ ", "info": ""}[severity]
        style = f" style='color:{colours[severity]}'" if severity in colours else ""
        self.banner.setText(f"<span{style}>{mark}{html.escape(text)}</span>")
