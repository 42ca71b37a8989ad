"""The Label tab: label rows one by one, the ones that teach the model most, and fix mistakes.

Keys: 1-9 give the label with that number, S skips, Ctrl+Z takes the last answer back, K keeps
a label under review. The model's guess is shown only *after* the answer (no anchoring). A
quick model retrains in a worker every :data:`RETRAIN_EVERY` answers while the user goes on
answering from the rows chosen before; every answer is saved at once to the labels file beside
the original (see :mod:`tinystudio.core.labelling.store`).
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tinystudio.core.labelling import Pick
from tinystudio.i18n import tr, tr_noop

from . import label_jobs, worker
from .label_side import LabelSide

#: A retrain starts after this many answers (or when fewer rows than this are left to ask).
RETRAIN_EVERY = 5
#: Rows chosen at each retrain: enough that a quick user does not run out while the next
#: retrain runs (with 10, bench_label_gui's user pressing a key every 150 ms on a loaded
#: machine waited for 60 of 100 presses).
BATCH = 20
MODES = (("smart", tr_noop("The rows that teach the model most")), ("order", tr_noop("In file order")),
         ("random", tr_noop("Random rows")))
FILE_FILTER = tr_noop("Data files (*.csv *.tsv *.txt *.xlsx *.xlsm *.xls *.ods);;All files (*)")


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


class LabelPanel(QWidget):
    """Shows one row at a time; answers go to the core :class:`LabelSession`."""

    train_requested = Signal(str, str, str)  # labels file, text column, label column
    failed = Signal(str, str)  # message, details
    answered = Signal(int)  # file row just answered (tests and the event-loop benchmark)
    advice_ready = Signal(object)  # core Advice after each retrain

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.session = None
        self.learner = None
        self.current: Pick | None = None
        self.queue: list[Pick] = []
        self.guesses: dict[int, tuple[int, float]] = {}
        self.guess_names: list[str] = []
        self.since_retrain = 0
        self.retrains = 0
        self._open_job: worker.TaskHandle | None = None
        self._advice_job: worker.TaskHandle | None = None
        self._again = False  # answers came in during a retrain: retrain once more after it
        self._buttons: list[QPushButton] = []

        self.open_button = self._button("labelOpen", tr("Open a file to label…"), self._ask_open)
        self.file_label = QLabel(tr("Open a file with a text column: rows without a label are asked."))
        self.file_label.setWordWrap(True)
        self.mode_combo = QComboBox()
        self.mode_combo.setObjectName("labelMode")
        self.mode_combo.setAccessibleName(tr("Which rows to ask"))
        for key, words in MODES:
            self.mode_combo.addItem(tr(words), key)
        self.mode_combo.activated.connect(lambda _i: self._retrain(reset=True))
        top = QHBoxLayout()
        top.addWidget(self.open_button)
        top.addStretch(1)
        top.addWidget(QLabel(tr("Ask:")))
        top.addWidget(self.mode_combo)

        self.text_view = QLabel()
        self.text_view.setObjectName("labelText")
        self.text_view.setAccessibleName(tr("The text to label"))
        self.text_view.setWordWrap(True)
        self.text_view.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text_view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.text_view.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF(), 10) * 1.6)
        self.text_view.setFont(font)
        self.text_view.setMinimumHeight(140)
        frame = QFrame()
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        QVBoxLayout(frame).addWidget(self.text_view)
        self.row_label = QLabel()
        self.why_label = QLabel()
        self.why_label.setObjectName("labelWhy")
        self.why_label.setWordWrap(True)
        self.why_label.setStyleSheet("color:#6b7280")

        self.button_grid = QGridLayout()
        self.skip_button = self._button("labelSkip", tr("Skip (S)"), self.skip)
        self.undo_button = self._button("labelUndo", tr("Undo (Ctrl+Z)"), self.undo)
        self.keep_button = self._button("labelKeep", tr("Keep this label (K)"), self.keep)
        self.keep_button.setVisible(False)  # review only
        self.new_label = QLineEdit()
        self.new_label.setObjectName("labelNewName")
        self.new_label.setAccessibleName(tr("New label name"))
        self.new_label.setPlaceholderText(tr("New label name"))
        self.new_label.returnPressed.connect(self._add_label)
        self.add_button = self._button("labelAdd", tr("Add label"), self._add_label)
        actions = QHBoxLayout()
        for w in (self.skip_button, self.undo_button, self.keep_button):
            actions.addWidget(w)
        actions.addStretch(1)
        actions.addWidget(self.new_label)
        actions.addWidget(self.add_button)
        self.feedback = QLabel()
        self.feedback.setObjectName("labelFeedback")
        self.feedback.setWordWrap(True)
        self.progress_label = QLabel()
        self.progress_label.setObjectName("labelProgress")
        self.progress_label.setWordWrap(True)

        left = QVBoxLayout()
        left.addLayout(top)
        left.addWidget(self.file_label)
        left.addWidget(self.row_label)
        left.addWidget(frame, 1)
        left.addWidget(self.why_label)
        left.addLayout(self.button_grid)
        left.addLayout(actions)
        left.addWidget(self.feedback)
        left.addWidget(self.progress_label)
        self.side = LabelSide()
        self.side.train_button.clicked.connect(lambda _c=False: self._train())
        self.side.review_button.clicked.connect(lambda _c=False: self.start_review())
        self.side.suspect_chosen.connect(self._show_suspect)
        lay = QHBoxLayout(self)
        lay.addLayout(left, 3)
        lay.addWidget(self.side, 2)

        for k in range(9):
            self._shortcut(str(k + 1), lambda k=k: self._key_label(k))
        self._shortcut("S", self.skip)
        self._shortcut("K", self.keep)
        self._shortcut(QKeySequence.StandardKey.Undo, self.undo)
        self._show_nothing(tr("Open a file to start labelling."))

    # -- building -------------------------------------------------------------------------
    def _button(self, name: str, text: str, slot) -> QPushButton:
        b = QPushButton(text)
        b.setObjectName(name)
        b.setAccessibleName(text)
        b.clicked.connect(lambda _c=False: slot())
        return b

    def _shortcut(self, key, slot) -> None:
        s = QShortcut(QKeySequence(key), self)
        s.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        s.activated.connect(slot)

    def _fill_buttons(self) -> None:
        names = self.session.label_names if self.session else []
        if [b.property("label") for b in self._buttons] == names:
            return
        for b in self._buttons:
            self.button_grid.removeWidget(b)
            b.deleteLater()
        self._buttons = []
        for k, name in enumerate(names):
            text = f"{k + 1}  {name}" if k < 9 else name
            b = self._button(f"labelButton{k}", text, lambda name=name: self.give(name))
            b.setProperty("label", name)
            b.setMinimumHeight(36)
            self.button_grid.addWidget(b, k // 4, k % 4)
            self._buttons.append(b)

    # -- opening --------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self._open_job is not None

    def _ask_open(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("Open a file to label"), "", tr(FILE_FILTER))
        if path:
            self.open_file(path)

    def open_file(self, path: str | Path, text_col=None, label_col=None) -> None:
        """Read ``path`` in the background; labelling starts when its rows are ready."""
        self.shutdown()
        self.session = self.learner = None
        self.side.reset()
        self.feedback.setText("")
        self.progress_label.setText("")
        self.keep_button.setVisible(False)
        self.file_label.setText(tr("Reading {name}…").format(name=_esc(Path(path).name)))
        self._show_nothing(tr("Reading the file…"))
        h = worker.start("label-open", label_jobs.open_for_labelling, str(path), text_col, label_col)
        h.finished.connect(lambda res, h=h: self._on_opened(h, res))
        h.failed.connect(lambda m, d, h=h: self._on_open_failed(h, m, d))
        self._open_job = h

    def _on_opened(self, handle, res: dict) -> None:
        if handle is not self._open_job:
            return
        self._open_job = None
        self.session, self.learner = res["session"], res["learner"]
        src = self.session.source
        words = tr("<b>{name}</b> — texts from '{text}', labels saved to <b>{out}</b>").format(
            name=_esc(Path(src.path).name), text=_esc(src.text_column),
            out=_esc(self.session.labels_path.name))  # fmt: skip
        if self.session.resumed:
            words += " " + tr("(taken up where you stopped)")
        self.file_label.setText(words)
        self._fill_buttons()
        self.side.review_button.setEnabled(True)
        self._update_progress()
        self._retrain(reset=True)

    def _on_open_failed(self, handle, message: str, details: str) -> None:
        if handle is not self._open_job:
            return
        self._open_job = None
        self.file_label.setText(_esc(message))
        self._show_nothing(tr("This file cannot be labelled."))
        self.failed.emit(message, details)

    def shutdown(self) -> None:
        if self.session is not None:
            self.session.flush()  # the last answer reaches the disk before the window closes
        for h in (self._open_job, self._advice_job):
            if h is not None:
                h.stop()
        self._open_job = self._advice_job = None

    # -- answering ------------------------------------------------------------------------
    def _key_label(self, k: int) -> None:
        if self.session is not None and k < len(self.session.label_names):
            self.give(self.session.label_names[k])

    def give(self, label: str) -> None:
        """The user's answer for the row shown (in review: the corrected label)."""
        if self.session is None or self.current is None:
            return
        row = self.current.row
        if self.side.reviewing:
            self.session.answer(row, label)
            self.side.mark_suspect(row, tr("fixed: {label}").format(label=label))
            self._next_suspect()
            return
        self.session.answer(row, label)
        self._say_after_answer(row, label)
        self.since_retrain += 1
        self.answered.emit(row)
        self._advance()

    def skip(self) -> None:
        if self.session is None or self.current is None or self.side.reviewing:
            return
        self.session.skip(self.current.row)
        self.feedback.setText(tr("Row {row} skipped.").format(row=self.current.row + 1))
        self._advance()

    def keep(self) -> None:
        if self.side.reviewing and self.current is not None:
            self.side.mark_suspect(self.current.row, tr("kept"))
            self._next_suspect()

    def undo(self) -> None:
        if self.session is None or self.side.reviewing:
            return
        row = self.session.undo()
        if row is None:
            self.feedback.setText(tr("Nothing to undo."))
            return
        if self.current is not None:
            self.queue.insert(0, self.current)
        self.since_retrain = max(0, self.since_retrain - 1)
        self.feedback.setText(tr("Row {row}: answer taken back.").format(row=row + 1))
        self._show(Pick(row, tr("You took your answer back: answer again.")))
        self._update_progress()

    def _add_label(self) -> None:
        name = self.new_label.text().strip()
        if self.session is None or not name:
            return
        if self.session.add_label(name):
            self._fill_buttons()
        self.new_label.clear()
        self.text_view.setFocus()

    def _say_after_answer(self, row: int, label: str) -> None:
        guess = self.guesses.get(row)
        if guess is None or guess[0] >= len(self.guess_names):
            text = tr("Row {row}: '{label}' saved.").format(row=row + 1, label=label)
        else:
            said = self.guess_names[guess[0]]
            agree = tr("it agrees") if said == label else tr("it learns from your answer")
            text = tr("Row {row}: '{label}' saved. The model had guessed '{guess}' ({p:.0%} sure): {agree}.").format(
                row=row + 1, label=label, guess=said, p=guess[1], agree=agree)  # fmt: skip
        self.feedback.setText(_esc(text))

    def _advance(self) -> None:
        self._update_progress()
        self._fill_buttons()
        if self.since_retrain >= RETRAIN_EVERY or len(self._fresh_queue()) < 3:
            self._retrain()
        self._show_next()

    def _fresh_queue(self) -> list[Pick]:
        s = self.session
        return [p for p in self.queue if s.label_of(p.row) is None and p.row not in s.skipped]

    def _show_next(self) -> None:
        self.queue = self._fresh_queue()
        if self.queue:
            self._show(self.queue.pop(0))
        elif self._advice_job is not None:
            self._show_nothing(tr("Choosing the next rows…"))
        elif self.session is not None and not self.session.n_unlabelled():
            self._show_nothing(tr("Every row has a label. Train with these labels, or check them for mistakes."))
        else:
            self._show_nothing(tr("Choosing the next rows…"))
            self._retrain()

    def _show(self, pick: Pick) -> None:
        self.current = pick
        self.row_label.setText(tr("Row {row} of {name}").format(row=pick.row + 1, name=Path(self.session.source.path).name))
        self.text_view.setText(_esc(self.session.source.texts[pick.row]))
        self.why_label.setText(tr("Why this row: {reason}").format(reason=pick.reason))
        for b in self._buttons:
            b.setEnabled(True)
        self.skip_button.setEnabled(not self.side.reviewing)
        self.text_view.setFocus()

    def _show_nothing(self, text: str) -> None:
        self.current = None
        self.row_label.setText("")
        self.text_view.setText(f"<i>{_esc(text)}</i>")
        self.why_label.setText("")
        for b in self._buttons:
            b.setEnabled(False)

    def _update_progress(self) -> None:
        s = self.session
        if s is None:
            return
        if s.save_error is not None:
            self.failed.emit(s.save_error.message, s.save_error.details)
        counts = s.counts()
        left = s.n_unlabelled()
        text = tr("{n} rows labelled ({mine} by you here) · {left} without a label · saved to {out}").format(
            n=sum(counts.values()), mine=s.n_answered, left=left, out=s.labels_path.name)  # fmt: skip
        self.progress_label.setText(text)
        self.side.show_counts(counts)

    # -- retraining -----------------------------------------------------------------------
    def _retrain(self, reset: bool = False) -> None:
        if self.session is None or self.learner is None:
            return
        if reset:
            self.queue = []
        if self._advice_job is not None:
            self._again = True
            return
        self._again = False
        self.since_retrain = 0
        mode = self.mode_combo.currentData()
        snap = self.session.snapshot()
        h = worker.start("label-advise", label_jobs.advise, self.learner, snap, mode, BATCH, self.retrains)
        h.finished.connect(lambda adv, h=h: self._on_advice(h, adv))
        h.failed.connect(lambda m, d, h=h: self._on_advice_failed(h, m, d))
        self._advice_job = h
        self.side.set_busy(True)
        if self.current is None and not self.queue:
            self._show_nothing(tr("Choosing the next rows…"))

    def _on_advice(self, handle, advice) -> None:
        if handle is not self._advice_job:
            return
        self._advice_job = None
        self.retrains += 1
        self.side.set_busy(False)
        self.guesses.update(advice.guesses)
        self.guess_names = advice.label_names
        shown = self.current.row if self.current is not None else None
        self.queue = [p for p in advice.picks if p.row != shown]
        self.queue = self._fresh_queue()
        self.side.add_estimate(advice.estimate)
        self.advice_ready.emit(advice)
        if self._again:
            self._retrain()
        if self.current is None and not self.side.reviewing:
            self._show_next()

    def _on_advice_failed(self, handle, message: str, details: str) -> None:
        if handle is not self._advice_job:
            return
        self._advice_job = None
        self.side.set_busy(False)
        self.failed.emit(message, details)

    # -- review ---------------------------------------------------------------------------
    def start_review(self) -> None:
        """Look for labels the model strongly disputes (in the background)."""
        if self.session is None:
            return
        self.side.review_button.setEnabled(False)
        self.side.set_review_text(tr("Checking every label with models that never saw it…"))
        h = worker.start("label-review", label_jobs.check_labels, self.session.labelled(), list(self.session.source.texts))
        h.finished.connect(self._on_reviewed)
        h.failed.connect(lambda m, d: (self.side.review_button.setEnabled(True), self.failed.emit(m, d)))

    def _on_reviewed(self, suspects: list[dict]) -> None:
        self.side.review_button.setEnabled(True)
        self.side.show_suspects(suspects, len(self.session.labelled()))
        self.keep_button.setVisible(bool(suspects))
        if suspects:
            self._show_suspect(0)

    def _show_suspect(self, k: int) -> None:
        s = self.side.suspect(k)
        if s is None:
            self._end_review()
            return
        reason = tr("The file says '{label}', but models trained without this row say '{suggested}' ({p:.0%}). Keep it (K) or choose the right label.").format(
            label=s["label"], suggested=s["suggested"], p=s["confidence"])  # fmt: skip
        self._show(Pick(s["row"], reason))

    def _next_suspect(self) -> None:
        self._show_suspect(self.side.next_suspect())

    def _end_review(self) -> None:
        self.side.end_review()
        self.keep_button.setVisible(False)
        self._update_progress()
        self._retrain(reset=True)

    # -- handing over ---------------------------------------------------------------------
    def _train(self) -> None:
        s = self.session
        if s is None:
            return
        s.save()
        s.flush()  # the labels file must be complete before the Data tab reads it
        label_col = s.source.label_column or "label"
        text_col = s.source.text_column if s.source.text_column != label_col else "text"
        self.train_requested.emit(str(s.labels_path), text_col, label_col)
