"""Every tab usable at 800×600, Help ▸ Words explained fits the screen, and the technical words on
screen are all explained there (issue 13, findings 6 and 7, §3)."""

from __future__ import annotations

import re

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QComboBox,
    QDialog,
    QGroupBox,
    QLabel,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTextBrowser,
)

from tinystudio.gui import help_texts

WAIT_MS = 120_000

# Every technical word the app may show (issue 13 §3 quotes most of them): each must be explained
# in Help ▸ Words explained.
TECHNICAL = [
    "prune", "distil", "fp16", "bf16", "fp32", "int8", "ONNX", "ONNX Runtime", "p50", "p95",
    "median", "parameters", "weights", "Macro-F1", "F1", "precision", "recall", "perplexity",
    "loss", "temperature", "α", "epoch", "batch", "validation", "token", "vocabulary",
    "overfitting", "quantization", "latency", "throughput", "peak memory", "embedding",
    "fine-tune", "learning rate", "seed", "top-k", "bits per character", "confusion matrix",
    "safetensors", "USAGE.md", "largest difference", "variant", "training step",
    "early stopping", "accuracy",
]
# What the screen said before, in words a non-programmer does not know (issue 13 §3).
OLD_JARGON = ["Non-zero", "Latency p50", "T = ", "α = ", "Peak memory", "× size", "× time"]


def _tab(qtbot, win, index: int) -> None:
    bar = win.tabs.tabBar()
    assert bar.isTabEnabled(index), win.tabs.tabText(index)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert win.tabs.currentIndex() == index
    qtbot.wait(150)  # let the page lay itself out


def _rect(win, w) -> QRect:
    return QRect(w.mapTo(win, QPoint(0, 0)), w.size())


def _shown(page, w) -> bool:
    return w.isVisibleTo(page) and w.width() > 0 and w.height() > 0


def _problems(win, index: int) -> list[str]:
    """What is cut or overlapping on tab ``index`` (an empty list when all is well)."""
    page = win.tabs.widget(index)
    name = win.tabs.tabText(index)
    out = []
    if page.horizontalScrollBar().isVisible():
        out.append(f"{name}: the page scrolls sideways at 800×600")
    panel = page.widget()
    for label in panel.findChildren(QLabel):
        if not _shown(panel, label) or not label.text().strip():
            continue
        if label.wordWrap():
            if label.height() < label.heightForWidth(label.width()) - 2:
                out.append(f"{name}: wrapped label cut vertically: {label.text()[:40]!r}")
        elif label.width() < label.minimumSizeHint().width() - 2 and not label.toolTip():
            out.append(f"{name}: label cut: {label.text()[:40]!r} ({label.width()} < {label.minimumSizeHint().width()})")
    for kind in (QPushButton, QCheckBox, QRadioButton, QGroupBox, QComboBox):
        for w in panel.findChildren(kind):
            if _shown(panel, w) and w.width() < w.minimumSizeHint().width() - 2:
                text = w.title() if isinstance(w, QGroupBox) else getattr(w, "text", lambda: "")()
                out.append(f"{name}: {kind.__name__} cut: {text[:40]!r}")
    for table in panel.findChildren(QTableWidget):  # whole column headers ("Precision", not "recisio")
        if not _shown(panel, table):
            continue
        header = table.horizontalHeader()
        for c in range(table.columnCount()):
            item = table.horizontalHeaderItem(c)
            if item is None or header.isSectionHidden(c):
                continue
            need = header.fontMetrics().horizontalAdvance(item.text()) + 4
            if header.sectionSize(c) < need:
                out.append(f"{name}: column header cut: {item.text()!r} ({header.sectionSize(c)} < {need})")
    for plot in panel.findChildren(pg.PlotWidget):  # whole chart titles
        title = plot.getPlotItem().titleLabel
        if _shown(panel, plot) and title.isVisible() and title.text:
            need, room = title.item.boundingRect().width(), plot.getPlotItem().width()
            if need > room + 1:
                out.append(f"{name}: chart title cut: {title.text!r} ({room:.0f} < {need:.0f})")
    # No two buttons, charts or tables on top of each other.
    boxes = [w for kind in (QPushButton, QCheckBox, QRadioButton, pg.PlotWidget, QTableWidget)
             for w in panel.findChildren(kind) if _shown(panel, w)]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if a.isAncestorOf(b) or b.isAncestorOf(a):
                continue
            if _rect(win, a).intersected(_rect(win, b)).isValid():
                out.append(f"{name}: {type(a).__name__} {a.objectName()!r} overlaps {type(b).__name__} {b.objectName()!r}")
    return out


def _screen_texts(win) -> str:
    """All the words on the window's tabs: labels, buttons, table headers, combo items."""
    texts = []
    for w in win.findChildren(QLabel):
        texts.append(w.text())
    for w in win.findChildren(QAbstractButton):
        texts.append(w.text())
    for w in win.findChildren(QGroupBox):
        texts.append(w.title())
    for w in win.findChildren(QComboBox):
        texts += [w.itemText(i) for i in range(w.count())]
        if w.lineEdit() is None:
            continue
    for t in win.findChildren(QTableWidget):
        for c in range(t.columnCount()):
            item = t.horizontalHeaderItem(c)
            texts.append(item.text() if item else "")
    from PySide6.QtWidgets import QAbstractSpinBox
    for s in win.findChildren(QAbstractSpinBox):
        texts.append(s.text())
    return "\n".join(re.sub(r"<[^>]+>", " ", t) for t in texts)


def _glossary_words() -> str:
    return re.sub(r"<[^>]+>", " ", help_texts.glossary_html()).lower()


@pytest.mark.parametrize("term", TECHNICAL)
def test_every_technical_word_is_explained(term):
    assert term.lower() in _glossary_words(), f"Words explained does not explain {term!r}"


def test_words_explained_fits_the_screen_and_lists_every_term(qtbot, window):
    screen = window.screen().availableGeometry()
    window.actions["glossary"].trigger()  # Help ▸ Words explained… (F1)
    dialog = window.findChild(QDialog, "glossaryDialog")
    assert dialog is not None
    qtbot.waitExposed(dialog)
    assert dialog.frameGeometry().height() <= screen.height()
    ok = dialog.findChild(QPushButton, "glossaryOk")
    assert ok.isVisible()
    assert QRect(QPoint(0, 0), dialog.size()).contains(QRect(ok.mapTo(dialog, QPoint(0, 0)), ok.size()))
    text = dialog.findChild(QTextBrowser, "glossaryText")
    shown = text.toPlainText()
    for word, _meaning in help_texts.TERMS.values():
        assert word in shown
    assert text.verticalScrollBar().maximum() > 0  # the words scroll inside the dialog
    find = dialog.findChild(type(dialog.find), "glossaryFind")
    qtbot.keyClicks(find, "p95")
    assert "slow ones (p95)" in text.toPlainText() and "Seed" not in text.toPlainText()
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())


def test_every_tab_is_usable_at_800_by_600(qtbot, window, load_data, classify_sample):
    window.resize(800, 600)
    qtbot.wait(100)
    assert (window.width(), window.height()) == (800, 600), "the window cannot be made 800×600"
    load_data(window, classify_sample, "classify")
    _tab(qtbot, window, 1)
    window.train_panel.time_limit.setValue(3)
    with qtbot.waitSignal(window.train_panel.training_finished, timeout=WAIT_MS):
        qtbot.mouseClick(window.train_panel.start_button, Qt.MouseButton.LeftButton)
    _tab(qtbot, window, 4)
    run = window.compress_panel.findChild(QPushButton, "compressRunButton")
    with qtbot.waitSignal(window.compress_panel.finished, timeout=WAIT_MS):
        qtbot.mouseClick(run, Qt.MouseButton.LeftButton)
    problems = []
    for index in range(window.tabs.count()):
        _tab(qtbot, window, index)
        assert (window.width(), window.height()) == (800, 600)
        problems += _problems(window, index)
    assert not problems, "\n".join(problems)

    # The words on screen: the old jargon is gone, every technical word shown is explained.
    shown = _screen_texts(window)
    for old in OLD_JARGON:
        assert old not in shown, f"still on screen: {old!r}"
    glossary = _glossary_words()
    for term in TECHNICAL:
        if re.search(rf"(?<![\w-]){re.escape(term)}(?![\w-])", shown, re.IGNORECASE):
            assert term.lower() in glossary
