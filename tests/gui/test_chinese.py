"""The app in Simplified Chinese: every visible text of the real window is translated, and a
person can open the sample, train and try the model with the interface in Chinese."""

from __future__ import annotations

import html
import re

import pytest

from tinystudio import i18n

WAIT_MS = 90_000
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
# Words that stay as they are in Chinese: names of things, formats, units, keys.
KEEP = {
    "tinystudio", "onnx", "runtime", "int8", "fp16", "bf16", "fasttext", "transformer", "lstm",
    "top-k", "f1", "p50", "p95", "tiny", "small", "base", "csv", "mb", "ms", "ctrl", "shift",
    "alt", "enter", "return", "utf-8", "utf-16", "utf-32", "safetensors", "α", "t", "k", "m", "s", "tsv", "txt",
    "macro-f1", "qnnpack", "cpu", "cuda", "usage.md", "wordnet", "english",
}


@pytest.fixture
def chinese(monkeypatch):
    """The interface language for windows made in this test; English again afterwards."""
    from tinystudio.gui.app import install_language, make_app

    monkeypatch.setenv("TINYSTUDIO_LANG", "zh_CN")
    app = make_app()
    assert i18n.current_language() == "zh_CN"
    yield
    monkeypatch.setenv("TINYSTUDIO_LANG", "en")
    install_language(app)
    assert i18n.current_language() == "en"


def _texts(win) -> list[tuple[str, str]]:
    """Every text a person can see or hover on in the window: (where, text)."""
    import pyqtgraph as pg
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractSpinBox,
        QComboBox,
        QGroupBox,
        QLabel,
        QLineEdit,
        QPlainTextEdit,
        QTableWidget,
        QTabWidget,
        QTextEdit,
        QWidget,
    )

    out: list[tuple[str, str]] = [("window title", win.windowTitle())]

    def add(where, text):
        if text and text.strip():
            out.append((where, text))

    for w in [win, *win.findChildren(QWidget)]:
        name = f"{type(w).__name__}({w.objectName() or '-'})"
        add(f"{name}.toolTip", w.toolTip())
        add(f"{name}.statusTip", w.statusTip())
        add(f"{name}.accessibleName", w.accessibleName())  # what a screen reader says
        if isinstance(w, QLabel):
            add(f"{name}.text", w.text())
        if isinstance(w, QAbstractButton):
            add(f"{name}.text", w.text())
        if isinstance(w, QGroupBox):
            add(f"{name}.title", w.title())
        if isinstance(w, (QLineEdit, QPlainTextEdit, QTextEdit)):
            add(f"{name}.placeholder", w.placeholderText())
        if isinstance(w, QComboBox):
            for i in range(w.count()):
                add(f"{name}.item{i}", w.itemText(i))
        if isinstance(w, QAbstractSpinBox):
            add(f"{name}.special", w.specialValueText())
            for part in ("prefix", "suffix"):
                if hasattr(w, part):
                    add(f"{name}.{part}", getattr(w, part)())
        if isinstance(w, QTabWidget):
            for i in range(w.count()):
                add(f"{name}.tab{i}", w.tabText(i))
                add(f"{name}.tabTip{i}", w.tabToolTip(i))
        if isinstance(w, QTableWidget):
            for c in range(w.columnCount()):
                item = w.horizontalHeaderItem(c)
                if item is not None:
                    add(f"{name}.header{c}", item.text())
                    add(f"{name}.headerTip{c}", item.toolTip())
        if isinstance(w, pg.PlotWidget):
            plot = w.getPlotItem()
            add(f"{name}.plotTitle", plot.titleLabel.text)
            for side in ("left", "bottom"):
                add(f"{name}.axis.{side}", plot.getAxis(side).labelText)
            if plot.legend is not None:
                for _sample, label in plot.legend.items:
                    add(f"{name}.legend", label.text)

    def walk_menu(menu, where):
        for a in menu.actions():
            add(f"{where} > {a.text()}", a.text())
            add(f"{where} > {a.text()}.toolTip", a.toolTip())
            add(f"{where} > {a.text()}.statusTip", a.statusTip())
            if a.menu() is not None:
                walk_menu(a.menu(), f"{where} > {a.text()}")

    if isinstance(getattr(win, "actions", None), dict):  # the main window: menus and toolbar
        walk_menu(win.menuBar(), "menu")
        for a in win.actions.values():
            add(f"toolbar {a.objectName()}", a.iconText())
    return out


def _untranslated(texts, data_words: set[str]) -> list[tuple[str, str]]:
    keep = KEEP | {w.lower() for w in data_words}
    bad = []
    for where, text in texts:
        plain = html.unescape(re.sub(r"<[^>]+>", " ", text))
        # Data (column and label names, file names) stays as it is; what is left must not be
        # English: no English word in a text without Chinese, and no English phrase (4 words
        # in a row) inside a Chinese one, e.g. an untranslated reason after a translated "因为".
        plain = re.sub(r"[\w\-/]+\.(csv|txt|tsv|xlsx|json|md)\b", " ", plain)  # file names
        plain = re.sub(r"(/[\w.\-]+)+", " ", plain)  # paths
        for word in sorted(keep, key=len, reverse=True):
            plain = re.sub(rf"(?<![A-Za-z]){re.escape(word)}(?![A-Za-z])", " ", plain, flags=re.I)
        english = re.search(r"[A-Za-z]{2,}", plain)
        phrase = re.search(r"[A-Za-z][A-Za-z']*(\W+[A-Za-z][A-Za-z']*){3,}", plain)
        if (english and not CJK.search(plain)) or phrase:
            bad.append((where, text))
    return bad


def _open_sample(qtbot, win):
    with qtbot.waitSignal(win.data_panel.data_ready, timeout=WAIT_MS) as blocker:
        win.actions["sample"].trigger()  # File > Open the sample data
    return blocker.args[0]


def _data_words(result) -> set[str]:
    report = result.report if hasattr(result, "report") else result.dataset.report
    words = set(report.columns) | set(report.class_counts)
    for name in list(words):
        words |= set(re.findall(r"[A-Za-z][\w\-]*", name))
    return words | {"wordnet_topics.csv"}


def test_every_visible_text_of_the_window_is_chinese(chinese, window, qtbot):
    result = _open_sample(qtbot, window)
    for i in range(window.tabs.count()):  # every page once, as a person leafing through them
        window.tabs.setCurrentIndex(i)
        qtbot.wait(10)
    texts = _texts(window)
    assert len(texts) > 100
    bad = _untranslated(texts, _data_words(result))
    assert not bad, f"{len(bad)} texts are not in Chinese:\n" + "\n".join(
        f"  {where}: {text[:100]!r}" for where, text in bad[:80])


def test_the_check_finds_english_text(chinese, window, qtbot):
    """Shown failing: an English label in the window is found (the check is not vacuous)."""
    from PySide6.QtWidgets import QLabel

    result = _open_sample(qtbot, window)
    QLabel("Open your file and check it", window.data_panel).setObjectName("leftover")
    bad = _untranslated(_texts(window), _data_words(result))
    assert [where for where, _ in bad] == ["QLabel(leftover).text"]


def test_open_sample_train_and_try_in_chinese(chinese, window, qtbot, person):
    assert window.tabs.tabText(1) == "2 · 训练"
    result = _open_sample(qtbot, window)
    panel = window.train_panel
    person.click_tab(window.tabs, 1)
    assert window.tabs.currentIndex() == 1
    assert CJK.search(panel.start_button.text())
    with qtbot.waitSignal(panel.training_finished, timeout=WAIT_MS):
        person.start_training(window, 3, "tiny")  # clicks: time limit, size, Start
    assert CJK.search(panel.status.text()), panel.status.text()
    assert CJK.search(window.evaluate_panel.headline.text())

    person.click_tab(window.tabs, 3)
    assert window.tabs.currentIndex() == 3
    with qtbot.waitSignal(window.try_panel.prediction_shown, timeout=WAIT_MS) as blocker:
        qtbot.keyClicks(window.try_panel.input, "a small striped wild cat")
    answer = window.try_panel.answer.text()
    assert blocker.args[0].label in answer and CJK.search(answer), answer
    assert CJK.search(window.try_panel.model_label.text())

    # With a model, every tab is filled (scores, Compress's reasons, Export's formats): still
    # nothing in English.
    for i in range(window.tabs.count()):
        window.tabs.setCurrentIndex(i)
        qtbot.wait(10)
    bad = _untranslated(_texts(window), _data_words(result) | set(blocker.args[0].probabilities))
    assert not bad, "\n".join(f"  {where}: {text[:100]!r}" for where, text in bad[:40])


def test_view_language_is_saved_and_used_at_the_next_start(window, qtbot, settings, monkeypatch):
    """View > Language > 简体中文 (clicked in an English window) is remembered; the next
    start without --lang comes up in Chinese."""
    from tinystudio.gui.app import install_language, make_app

    assert i18n.current_language() == "en"
    menu = window.findChild(type(window.menuBar().actions()[0].menu()), "languageMenu")
    names = [a.text() for a in menu.actions()]
    assert names == ["English", "简体中文"]
    window.actions["language_zh_CN"].trigger()
    assert settings.value("language") == "zh_CN"
    assert i18n.current_language() == "en"  # takes effect at the next start
    assert CJK.search(window.statusBar().currentMessage()) is None

    monkeypatch.delenv("TINYSTUDIO_LANG")
    app = make_app()
    try:
        assert install_language(app, settings) == "zh_CN"
        assert i18n.tr("&File") == "文件(&F)"
    finally:
        monkeypatch.setenv("TINYSTUDIO_LANG", "en")
        install_language(app)
    assert i18n.current_language() == "en"


def test_dialogs_are_chinese_too(chinese, window, qtbot):
    """The learning-curve window and Help > Words explained (every term and its meaning)."""
    from PySide6.QtWidgets import QApplication, QDialog

    result = _open_sample(qtbot, window)
    dialog = window.show_learning_curve()
    assert dialog is not None
    bad = _untranslated(_texts(dialog), _data_words(result))
    assert not bad, "\n".join(f"  {where}: {text[:100]!r}" for where, text in bad)
    dialog.close()

    window.actions["glossary"].trigger()
    glossary = next(w for w in QApplication.topLevelWidgets()
                    if isinstance(w, QDialog) and w.objectName() == "glossaryDialog" and w.isVisible())
    assert not _untranslated(_texts(glossary), set())
    lines = [line for line in glossary.text.toPlainText().splitlines() if line.strip()]
    assert len(lines) > 20
    assert all(CJK.search(line) for line in lines), [line for line in lines if not CJK.search(line)]
    glossary.close()


def test_a_model_that_writes_in_chinese(chinese, window, qtbot, load_data, train_short, small_corpus):
    """The generate side: its data report, training notices, scores and the writer's controls."""
    result = load_data(window, small_corpus, "generate")
    train_short(window, seconds=3, preset=None)  # the size the app picks
    for text in (window.train_panel.status.text(), window.evaluate_panel.headline.text(),
                 window.data_panel.file_label.text()):
        assert CJK.search(text), text
    for i in range(window.tabs.count()):
        window.tabs.setCurrentIndex(i)
        qtbot.wait(10)
    bad = _untranslated(_texts(window), _data_words(result))
    assert not bad, "\n".join(f"  {where}: {text[:100]!r}" for where, text in bad[:40])
