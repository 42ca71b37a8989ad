"""The Try it tab: type a text and see the label (classify), or let the model write (generate)."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from tinystudio.core.calibration import confidence_level
from tinystudio.i18n import tr, tr_noop

from . import help_texts, jobs, worker
from .icons import icon
from .naming import named

DEBOUNCE_MS = 250  # wait this long after the last key press before asking the model
MAX_BARS = 12  # labels shown with a probability bar


# How much to trust one answer, from core.calibration.confidence_level.
LEVEL_WORDS = {
    "very_sure": tr_noop("very sure"),
    "fairly_sure": tr_noop("fairly sure"),
    "unsure": tr_noop("unsure"),
    "guessing": tr_noop("a guess"),
}


def _right_share(model) -> float | None:
    """How often the model is right on texts it never trained on (test, else validation)."""
    metrics = getattr(model, "metrics", None) or {}
    for value in ((metrics.get("test") or {}).get("accuracy"), (metrics.get("validation") or {}).get("val_accuracy")):
        if isinstance(value, (int, float)):
            return float(value)
    return None


def confidence_text(model, probability: float) -> tuple[str, str]:
    """Words shown next to an answer, and the tooltip that explains them.

    "sure" is said only of a calibrated model (its probabilities were checked against known
    answers on validation texts); an uncalibrated model's number is shown as what it is.
    """
    share = _right_share(model)
    overall = tr(" Overall it is right on {share:.0%} of the test texts.").format(share=share) if share is not None else ""
    level = confidence_level(probability, bool(getattr(model, "calibrated", False)))
    if level == "unchecked":
        return (
            tr("model's score {probability:.0%}, not checked against known answers").format(probability=probability),
            tr("This model was saved without a confidence check, so its score is not a measured "
            "chance of being right.") + overall,
        )
    cal = model.calibration
    return (
        tr("{level}: {probability:.0%}").format(level=tr(LEVEL_WORDS[level]), probability=probability),
        tr("Checked on {n:,} texts with known answers that the model never trained on: when it gives an answer {probability:.0%}, it is right about that often.").format(n=cal.get('n', 0), probability=probability) + overall,
    )


class TryPanel(QWidget):
    prediction_shown = Signal(object)  # core Prediction
    generation_finished = Signal(str)  # the whole generated text
    failed = Signal(str, str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.model = None
        self._predict_handle: worker.TaskHandle | None = None
        self._predict_again = False
        self.gen_handle: worker.TaskHandle | None = None
        self.model_label = QLabel(tr("No model yet: train one in the Train tab, or open a saved model (File ▸ Open model…)."))
        self.model_label.setWordWrap(True)

        # Classify
        self.input = QPlainTextEdit()
        self.input.setPlaceholderText(tr("Type or paste a text here; the model's answer updates as you type."))
        self.input.setMaximumHeight(120)
        self._debounce = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._debounce.timeout.connect(self._predict)
        self.input.textChanged.connect(self._debounce.start)
        self.answer = QLabel()
        self.answer.setTextFormat(Qt.TextFormat.RichText)
        self.bars_box = QGroupBox(tr("How sure the model is about each label"))
        self.bars = QGridLayout(self.bars_box)
        self.bars.setColumnStretch(1, 1)
        classify = QWidget()
        cl = QVBoxLayout(classify)
        cl.addWidget(QLabel(tr("Your text:")))
        cl.addWidget(self.input)
        cl.addWidget(self.answer)
        cl.addWidget(self.bars_box)
        cl.addStretch(1)

        # Generate
        self.prompt = QPlainTextEdit()
        self.prompt.setPlaceholderText(tr("Write the beginning of a text; the model continues it."))
        self.prompt.setMaximumHeight(90)
        self.temperature = QDoubleSpinBox(minimum=0.0, maximum=2.0, singleStep=0.1, value=0.8)
        self.top_k = QSpinBox(minimum=0, maximum=1000, value=40, specialValueText=tr("no limit"))
        self.length = QSpinBox(minimum=1, maximum=2000, value=300, suffix=tr(" tokens"))
        self.generate_button = QPushButton(icon(self, "play"), tr("Write"))
        self.generate_button.setToolTip(tr("Continue the text (Ctrl+Enter in this tab)"))
        self.stop_button = QPushButton(icon(self, "stop"), tr("Stop"))
        self.generate_button.clicked.connect(self.start_generation)
        self.stop_button.clicked.connect(self.stop_generation)
        self.output = QPlainTextEdit()
        self.output.setReadOnly(True)
        controls = QFormLayout()
        for label, w, key in ((tr("Temperature"), self.temperature, "temperature"), (tr("Top-k"), self.top_k, "top_k"), (tr("Length"), self.length, "length")):
            w.setToolTip(help_texts.tip(key))
            lab = QLabel(label)
            lab.setToolTip(help_texts.tip(key))
            controls.addRow(lab, w)
        generate = QWidget()
        gl = QVBoxLayout(generate)
        gl.addWidget(QLabel(tr("Beginning:")))
        gl.addWidget(self.prompt)
        row = QHBoxLayout()
        row.addLayout(controls)
        row.addStretch(1)
        buttons = QVBoxLayout()
        buttons.addWidget(self.generate_button)
        buttons.addWidget(self.stop_button)
        row.addLayout(buttons)
        gl.addLayout(row)
        gl.addWidget(QLabel(tr("The model writes:")))
        gl.addWidget(self.output, 1)

        self.stack = QStackedWidget()
        self.stack.addWidget(classify)
        self.stack.addWidget(generate)
        lay = QVBoxLayout(self)
        lay.addWidget(self.model_label)
        lay.addWidget(self.stack, 1)
        for widget, key, words in (
            (self.model_label, "tryModel", tr("Model in use")),
            (self.input, "tryInput", tr("Your text")),
            (self.answer, "tryAnswer", tr("The model's answer")),
            (self.bars_box, "tryBars", tr("How sure the model is about each label")),
            (self.prompt, "tryPrompt", tr("Beginning of the text")),
            (self.temperature, "tryTemperature", tr("Temperature")),
            (self.top_k, "tryTopK", tr("Top-k")),
            (self.length, "tryLength", tr("Length in tokens")),
            (self.generate_button, "writeButton", tr("Write")),
            (self.stop_button, "stopWriting", tr("Stop writing")),
            (self.output, "tryOutput", tr("What the model writes")),
        ):
            named(widget, key, words)
        self._set_generating(False)

    # -- model ----------------------------------------------------------------------------
    def set_model(self, model, description: str = "") -> None:
        """Use this core TrainedModel (trained now or opened from disk)."""
        self.stop_generation()
        self.model = model
        if model is None:
            self.model_label.setText(tr("No model yet."))
            return
        if model.task == "classify":
            words = tr("Model: {name} — it sorts texts into groups.")
        else:
            words = tr("Model: {name} — it writes text.")
        self.model_label.setText(words.format(name=html.escape(description or tr("just trained"))))
        self.stack.setCurrentIndex(0 if model.task == "classify" else 1)
        self._clear_bars()
        self.answer.setText("")
        if model.task == "classify" and self.input.toPlainText().strip():
            self._predict()

    # -- classify -------------------------------------------------------------------------
    def _predict(self) -> None:
        if self.model is None or self.model.task != "classify":
            return
        text = self.input.toPlainText()
        if not text.strip():
            self.answer.setText("")
            self._clear_bars()
            return
        if self._predict_handle is not None:  # one at a time; the latest text goes next
            self._predict_again = True
            return
        self._predict_again = False
        h = worker.start("predict", jobs.predict_text, self.model, text, parent=self)
        h.finished.connect(self._show_prediction)
        h.failed.connect(self.failed)
        h.done.connect(self._predict_done)
        self._predict_handle = h

    def _predict_done(self) -> None:
        self._predict_handle = None
        if self._predict_again:
            self._predict()

    def _show_prediction(self, pred) -> None:
        if self._predict_again:
            return  # the text changed meanwhile; the next answer is on its way
        words, tip = confidence_text(self.model, pred.confidence)
        self.answer.setText(
            f"<span style='font-size:18pt'>→ <b>{html.escape(pred.label)}</b></span>"
            f"&nbsp;&nbsp;({html.escape(words)})"
        )
        self.answer.setToolTip(tip)
        self._clear_bars()
        for r, (name, p) in enumerate(list(pred.probabilities.items())[:MAX_BARS]):
            bar = QProgressBar()
            bar.setRange(0, 1000)
            bar.setValue(int(p * 1000))
            bar.setFormat(f"{p:.1%}")
            self.bars.addWidget(QLabel(name), r, 0)
            self.bars.addWidget(bar, r, 1)
        self.prediction_shown.emit(pred)

    def _clear_bars(self) -> None:
        while self.bars.count():
            w = self.bars.takeAt(0).widget()
            if w is not None:
                w.deleteLater()

    # -- generate -------------------------------------------------------------------------
    def start_generation(self) -> bool:
        if self.model is None or self.model.task != "generate" or self.gen_handle is not None:
            return False
        prompt = self.prompt.toPlainText()
        self.output.setPlainText(prompt)
        self.output.moveCursor(QTextCursor.MoveOperation.End)
        h = worker.start(
            "generate", jobs.generate_text, self.model, prompt, self.length.value(),
            self.temperature.value(), self.top_k.value(), parent=self,
        )
        h.progress.connect(self._append_piece)
        h.finished.connect(lambda text: self.generation_finished.emit(text))
        h.failed.connect(self.failed)
        h.done.connect(lambda: self._set_generating(False))
        self.gen_handle = h
        self._set_generating(True)
        return True

    def stop_generation(self) -> None:
        if self.gen_handle is not None:
            self.gen_handle.stop()

    def _append_piece(self, piece: str) -> None:
        cursor = self.output.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertText(piece)
        self.output.ensureCursorVisible()

    def _set_generating(self, on: bool) -> None:
        if not on:
            self.gen_handle = None
        self.generate_button.setEnabled(not on)
        self.stop_button.setEnabled(on)

    def showEvent(self, event) -> None:
        """Coming to this tab, the keyboard goes to the text box: a person can type at once."""
        super().showEvent(event)
        box = self.input if self.stack.currentIndex() == 0 else self.prompt
        if box.isEnabled():
            box.setFocus(Qt.FocusReason.OtherFocusReason)

    def shutdown(self) -> None:
        self.stop_generation()
        self._debounce.stop()
