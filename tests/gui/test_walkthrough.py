"""A person's whole first session, on clicks and keys alone.

The window opens as the ``tinystudio`` command opens it (the bundled sample loads at once),
then: Data → Train (click Start) → Evaluate (click a confusion-matrix cell) → Try it (type)
→ Compress (click Run) → Export (click Export). Each step asserts what is on the screen.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QProgressBar

WAIT_MS = 120_000


def _text(person, win, name: str) -> str:
    return person.find(win, name).text()


def test_first_session_by_clicks(open_window, qtbot, person, tmp_path):
    win = open_window(tmp_path / "workspace", argv=["tinystudio"])
    tabs = win.tabs

    # Data: the sample is open, checked, and training is the next step.
    qtbot.waitUntil(lambda: "Ready to train" in _text(person, win, "dataBanner"), timeout=WAIT_MS)
    assert "wordnet_topics.csv" in _text(person, win, "fileLabel")
    assert person.find(win, "dataTable").model().rowCount() == 5600
    assert person.find(win, "taskCombo").currentText().startswith("Sort texts into groups")
    assert tabs.isTabEnabled(1) and not tabs.isTabEnabled(2)
    assert "Train" in win.hint.text()

    # Train: a few seconds, by the visible Start button.
    person.start_training(win, seconds=4)
    status = person.find(win, "trainStatus")
    qtbot.waitUntil(lambda: status.text().startswith("Done"), timeout=WAIT_MS)
    assert "test accuracy" in status.text()
    assert win.train_panel.plots.point_count() > 0  # the curves were drawn
    assert all(tabs.isTabEnabled(i) for i in range(6))

    # Evaluate: the scores, and a click on a mix-up cell lists exactly those texts.
    person.click_tab(tabs, 2)
    assert "Accuracy" in _text(person, win, "evalHeadline")
    matrix = person.find(win, "confusionMatrix")
    labels = [matrix.verticalHeaderItem(i).text() for i in range(matrix.rowCount())]
    assert len(labels) == matrix.columnCount() > 1
    cells = [(int(matrix.item(i, j).text()), i, j) for i in range(len(labels)) for j in range(len(labels)) if i != j]
    count, i, j = max(cells)
    assert count > 0, "a model trained for seconds makes some mistakes"
    person.click_cell(matrix, i, j)
    title = _text(person, win, "examplesTitle")
    assert f"'{labels[i]}' texts the model called '{labels[j]}'" in title and f"({count} mix-ups)" in title
    examples = person.find(win, "examplesTable")
    assert examples.rowCount() == min(count, 500)
    shown = {(examples.item(r, 1).text(), examples.item(r, 2).text()) for r in range(examples.rowCount())}
    assert shown == {(labels[i], labels[j])}

    # Try it: typing gives an answer and a probability bar per label.
    person.click_tab(tabs, 3)
    answer = person.find(win, "tryAnswer")
    person.type_into(person.find(win, "tryInput"), "a large wild cat with a striped coat")
    qtbot.waitUntil(lambda: any(f"<b>{name}</b>" in answer.text() for name in labels), timeout=WAIT_MS)
    assert "%" in answer.text()
    box = person.find(win, "tryBars")

    def bars():
        return [b for b in box.findChildren(QProgressBar) if b.isVisible()]

    qtbot.waitUntil(lambda: len(bars()) == min(len(labels), 12), timeout=WAIT_MS)
    bars = bars()
    assert all(b.text().endswith("%") for b in bars)

    # Compress: Run with the methods ticked by default; a measured row per variant.
    person.click_tab(tabs, 4)
    table = person.find(win, "variantsTable")
    person.click(person.find(win, "compressRunButton"))
    qtbot.waitUntil(lambda: table.rowCount() >= 2, timeout=WAIT_MS)
    assert table.item(0, 0).text() == "original"
    assert "int8" in table.item(table.rowCount() - 1, 0).text()
    assert table.item(1, 1).text().endswith("MB")
    assert "Measured on this computer" in _text(person, win, "compressStatus")

    # Export: into a folder typed by the person; the files are on disk and checked.
    person.click_tab(tabs, 5)
    out = tmp_path / "exported"
    person.type_into(person.find(win, "exportOutPath"), str(out))
    person.click(person.find(win, "exportButton"))
    status = person.find(win, "exportStatus")
    qtbot.waitUntil(lambda: "✔" in status.text(), timeout=WAIT_MS)
    assert "same answers" in status.text() and str(out) in status.text()
    files = {p.name for p in Path(out).iterdir()}
    assert "model.onnx" in files, files
    assert Path(out, "model.onnx").stat().st_size > 1000
    assert not win.errors, win.errors
