"""The Label tab, driven as a person: keys 1-9, S, Ctrl+Z, a new label, retrains, resume, review."""

from __future__ import annotations

import csv

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPushButton

from tinystudio.core.labelling import labels_path_for
from tinystudio.gui import label_panel as lp

WAIT_MS = 120_000


def _partly_labelled(tmp_path, sample, n_rows=400, labelled=40):
    rows = list(csv.reader(sample.open(encoding="utf-8")))
    path = tmp_path / "topics.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(rows[0])
        for i, r in enumerate(rows[1 : n_rows + 1]):
            w.writerow(r[:3] + [r[3] if i < labelled else ""])
    return path


def _open_label_tab(qtbot, window, load_data, path, expect_row=True):
    load_data(window, path, "classify")
    button = window.data_panel.findChild(QPushButton, "labelRowsButton")
    panel = window.label_panel
    with qtbot.waitSignal(panel.advice_ready, timeout=WAIT_MS):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert window.tabs.currentIndex() == 6 and window.tab_names()[6] == "Label"
    if expect_row:
        qtbot.waitUntil(lambda: panel.current is not None, timeout=WAIT_MS)
    return panel


def _key(qtbot, panel, key, modifier=Qt.KeyboardModifier.NoModifier):
    """A key press in the Label tab of the active window (the tab's keys are shortcuts of the
    page: after a file dialog closes, offscreen Qt may leave no window active, as a person's
    window is after another program had the focus)."""
    from PySide6.QtWidgets import QApplication

    window = panel.window()
    if QApplication.activeWindow() is not window:
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5_000)
    qtbot.keyClick(panel.text_view, key, modifier)


def test_label_by_keyboard_undo_new_label_retrain_and_resume(qtbot, open_window, tmp_path, load_data, classify_sample):
    path = _partly_labelled(tmp_path, classify_sample)
    original = path.read_bytes()
    window = open_window(tmp_path / "ws")
    window.activateWindow()
    panel = _open_label_tab(qtbot, window, load_data, path)
    names = panel.session.label_names
    assert panel.findChild(QPushButton, "labelButton0").text().endswith(names[0])
    assert panel.feedback.text() == ""  # no guess shown before the first answer

    first = panel.current.row
    _key(qtbot, panel, Qt.Key.Key_2)  # the second label
    assert panel.session.label_of(first) == names[1]
    assert f"Row {first + 1}" in panel.feedback.text() and "'" + names[1] + "'" in panel.feedback.text()
    assert "guessed" in panel.feedback.text()  # the model's guess comes after the answer
    assert panel.current.row != first

    skipped = panel.current.row
    _key(qtbot, panel, Qt.Key.Key_S)
    assert skipped in panel.session.skipped
    _key(qtbot, panel, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo the skip
    assert skipped not in panel.session.skipped and panel.current.row == skipped
    _key(qtbot, panel, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo the answer too
    assert panel.session.label_of(first) is None and panel.current.row == first

    # A new label, typed and added with a click, gets the next number key.
    new = panel.findChild(QLineEdit, "labelNewName")
    qtbot.mouseClick(new, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(new, "mineral")
    qtbot.mouseClick(panel.findChild(QPushButton, "labelAdd"), Qt.MouseButton.LeftButton)
    k = panel.session.label_names.index("mineral")
    button = panel.findChild(QPushButton, f"labelButton{k}")
    assert button is not None and "mineral" in button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert panel.session.label_of(first) == "mineral"

    # Answer through a retrain: keys pressed while it runs are kept, the row shown stays.
    answered = []
    panel.answered.connect(answered.append)
    for _ in range(lp.RETRAIN_EVERY + 2):
        qtbot.waitUntil(lambda: panel.current is not None, timeout=WAIT_MS)
        _key(qtbot, panel, Qt.Key.Key_1)
    assert panel._advice_job is not None or panel.retrains >= 2
    mid_row = panel.current.row if panel.current is not None else None
    with qtbot.waitSignal(panel.advice_ready, timeout=WAIT_MS):
        pass
    if mid_row is not None:
        assert panel.current.row == mid_row  # a finished retrain does not replace the row shown
    assert all(panel.session.label_of(r) == names[0] for r in answered)
    assert panel.side.points, "the accuracy chart has a point"
    assert "labels" in panel.side.advice.text()

    # Autosaved beside the original, which is untouched; reopening resumes.
    out = labels_path_for(path)
    expected = 40 + 1 + len(answered)  # the file's labels, 'mineral', the answers
    saved = lambda: list(csv.reader(out.open(encoding="utf-8")))  # noqa: E731
    qtbot.waitUntil(lambda: len(saved()) - 1 == expected, timeout=10_000)  # saved in the background
    assert path.read_bytes() == original
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=WAIT_MS)
    again = open_window(tmp_path / "ws")
    panel2 = _open_label_tab(qtbot, again, load_data, path)
    assert panel2.session.resumed and panel2.session.label_of(first) == "mineral"
    assert "mineral" in panel2.session.label_names
    assert "where you stopped" in panel2.file_label.text()
    assert panel2.current.row not in panel2.session.labelled()


def test_review_suspects_keep_and_fix_then_train(qtbot, window, tmp_path, load_data, classify_sample):
    rows = list(csv.reader(classify_sample.open(encoding="utf-8")))[:301]
    flipped = {5: None, 17: None}
    for i in flipped:
        r = rows[i + 1]
        flipped[i] = r[3]
        r[3] = "plant" if r[3] != "plant" else "animal"
    path = tmp_path / "review.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    panel = _open_label_tab(qtbot, window, load_data, path, expect_row=False)
    assert "Every row has a label" in panel.text_view.text()
    review = panel.findChild(QPushButton, "labelReview")
    qtbot.mouseClick(review, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.side.reviewing, timeout=WAIT_MS)
    suspects = panel.side.suspects
    assert suspects and panel.current.row == suspects[0]["row"]
    found = [s["row"] for s in suspects]
    assert set(flipped) & set(found), (found[:10], flipped)
    first = suspects[0]
    qtbot.keyClick(panel.text_view, Qt.Key.Key_K)  # keep
    assert panel.session.label_of(first["row"]) == first["label"] and "kept" in panel.side.suspect_list.item(0).text()
    second = panel.current.row
    k = panel.session.label_names.index(suspects[1]["suggested"])
    qtbot.keyClick(panel.text_view, Qt.Key.Key_1 + k) if k < 9 else None
    assert panel.session.label_of(second) == suspects[1]["suggested"]
    # Train with these labels: the labels file opens as data and the Train tab shows.
    train = panel.findChild(QPushButton, "labelTrain")
    with qtbot.waitSignal(window.data_panel.data_ready, timeout=WAIT_MS):
        qtbot.mouseClick(train, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.tabs.currentIndex() == 1, timeout=WAIT_MS)
    assert window.data_panel.path == str(labels_path_for(path))
    assert window.data_panel.dataset is not None and len(window.data_panel.dataset.texts) >= 290
