"""The Train tab's first choice: "How long can you wait?" (30 s / 1 / 5 / 15 min / custom).

Auto then picks the model that does best in that time (core/auto). The custom spin box is the
one source of truth: a preset button only sets its value.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QButtonGroup, QGroupBox, QHBoxLayout, QRadioButton, QSpinBox

from ..i18n import tr, tr_noop
from . import help_texts

BUDGETS = ((30, tr_noop("30 s")), (60, tr_noop("1 min")), (300, tr_noop("5 min")), (900, tr_noop("15 min")))
DEFAULT_BUDGET = 30  # seconds: a first run finishes while the user watches (on the sample Auto is done in ~10-40 s on 2 busy cores)


class BudgetChooser(QGroupBox):
    changed = Signal(int)  # seconds

    def __init__(self, parent=None) -> None:
        super().__init__(tr("1. How long can you wait?"), parent)
        self.setObjectName("budgetBox")
        self.setToolTip(tr("TinyStudio tries several kinds of model in this time and keeps the best."))
        self.group = QButtonGroup(self)
        row = QHBoxLayout(self)
        for seconds, words in BUDGETS:
            rb = QRadioButton(tr(words))
            rb.setObjectName(f"budget{seconds}")
            rb.setAccessibleName(tr("Train for {words}").format(words=tr(words)))
            rb.setProperty("seconds", seconds)
            self.group.addButton(rb)
            row.addWidget(rb)
        self.custom = QRadioButton(tr("Custom:"))
        self.custom.setObjectName("budgetCustom")
        self.custom.setAccessibleName(tr("Custom time"))
        self.group.addButton(self.custom)
        row.addWidget(self.custom)
        self.seconds = QSpinBox(minimum=3, maximum=24 * 3600, value=DEFAULT_BUDGET, suffix=tr(" s"))
        self.seconds.setObjectName("timeLimit")
        self.seconds.setAccessibleName(tr("Time limit in seconds"))
        self.seconds.setToolTip(help_texts.tip("time_budget"))
        row.addWidget(self.seconds)
        row.addStretch(1)
        self.group.buttonClicked.connect(self._on_button)
        self.seconds.valueChanged.connect(self._on_value)
        self._on_value(self.seconds.value())

    def _on_button(self, button) -> None:
        seconds = button.property("seconds")
        if seconds:
            self.seconds.setValue(int(seconds))
        else:
            self.seconds.setFocus()

    def _on_value(self, value: int) -> None:
        match = next((b for b in self.group.buttons() if b.property("seconds") == value), self.custom)
        match.setChecked(True)
        self.changed.emit(value)
