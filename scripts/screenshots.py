"""Screenshots of every step of the app, for the README and docs/user-guide.md.

Runs the real window (under Xvfb when DISPLAY is set, else Qt's offscreen platform) on the
bundled samples and drives it as a person does — clicks on the tabs and buttons, the file
dialog answered in the dialog, text typed key by key (the ``Person`` of tests/person.py, on
QTest) — then saves PNGs with ``QWidget.grab()``: at 1280×800 into ``docs/screenshots/`` and
at 800×600 into ``docs/screenshots/small/``::

    .venv/bin/python scripts/screenshots.py            # offscreen
    xvfb-run -s "-screen 0 1400x900x24" .venv/bin/python scripts/screenshots.py

Takes a few minutes (it trains two small models per size).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

sys.path.insert(0, str(ROOT / "tests"))  # person.py: the clicks and keys of the GUI tests

from PySide6.QtCore import QEventLoop, QSettings, Qt, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402

from tinystudio.gui.app import make_app  # noqa: E402
from tinystudio.resources import sample_path  # noqa: E402


class Bot:
    """What ``Person`` needs from pytest-qt's qtbot, on plain QTest."""

    def mouseClick(self, widget, button, modifier=Qt.KeyboardModifier.NoModifier, pos=None):  # noqa: N802
        QTest.mouseClick(widget, button, modifier, pos if pos is not None else widget.rect().center())

    def mouseDClick(self, widget, button, modifier=Qt.KeyboardModifier.NoModifier, pos=None):  # noqa: N802
        QTest.mouseDClick(widget, button, modifier, pos if pos is not None else widget.rect().center())

    def mouseMove(self, widget, pos=None):  # noqa: N802
        QTest.mouseMove(widget, pos if pos is not None else widget.rect().center())

    def keyClick(self, widget, key, modifier=Qt.KeyboardModifier.NoModifier):  # noqa: N802
        QTest.keyClick(widget, key, modifier)

    def keyClicks(self, widget, text):  # noqa: N802
        QTest.keyClicks(widget, text)

    def wait(self, ms):
        QTest.qWait(ms)

    def waitUntil(self, condition, timeout=5000):  # noqa: N802
        end = time.monotonic() + timeout / 1000
        while not condition():
            if time.monotonic() > end:
                raise TimeoutError(f"waited {timeout} ms for {condition}")
            QTest.qWait(20)


def wait_until(condition, timeout_s: float = 300.0) -> None:
    Bot().waitUntil(condition, int(timeout_s * 1000))


def pause(seconds: float) -> None:
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def take(out: Path, size: tuple[int, int], seconds: int, generate_seconds: int) -> None:
    """One set of screenshots, in a window of ``size``, by clicks and keys."""
    from person import Person

    from tinystudio.gui.main_window import MainWindow

    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="tinystudio-shots-"))
    win = MainWindow(settings=QSettings(str(tmp / "s.ini"), QSettings.Format.IniFormat), workspace=tmp)
    win.resize(*size)
    win.show()
    QTest.qWaitForWindowExposed(win)
    person = Person(Bot())
    find = lambda name: person.find(win, name)  # noqa: E731

    def shot(name: str) -> None:
        pause(0.4)  # let the plots' redraw timer and the layout settle
        path = out / f"{name}.png"
        win.grab().save(str(path))
        print("saved", path, f"{win.width()}x{win.height()}")

    def open_file(path: Path) -> None:
        if win.tabs.currentIndex() != 0:
            person.click_tab(win.tabs, 0)
        person.will_choose_file(path)
        before = win.data_panel.result
        person.click(find("openFileButton"))
        wait_until(lambda: win.data_panel.result is not before and not win.data_panel.busy)

    # 1. Data: the classify sample, opened with the Open button; a row clicked.
    open_file(sample_path("wordnet_topics.csv"))
    person.click_cell(find("dataTable"), 1, 0)
    shot("1-data")

    # 2. Train: the time typed, Start clicked; caught mid-run, then done.
    person.click_tab(win.tabs, 1)
    person.set_time_limit(win, seconds)
    wait_until(lambda: win.train_panel._estimate_handle is None, 120)  # sizes measured
    person.click(find("startTraining"))
    panel = win.train_panel
    t0 = time.monotonic()
    while panel.plots.point_count() < 15 and panel.running and time.monotonic() - t0 < 60:
        pause(0.1)  # the default classifier trains in seconds: catch it mid-run
    shot("2-train-running")
    wait_until(lambda: not panel.running, 600)
    shot("3-train-done")

    # 3. Evaluate: a mix-up cell of the confusion matrix clicked.
    person.click_tab(win.tabs, 2)
    matrix = find("confusionMatrix")
    if matrix.rowCount() > 1:
        cells = [(int(matrix.item(i, j).text()), i, j) for i in range(matrix.rowCount())
                 for j in range(matrix.columnCount()) if i != j]  # fmt: skip
        _, i, j = max(cells)
        person.click_cell(matrix, i, j)
    shot("4-evaluate")

    # 4. Try it: a text typed.
    person.click_tab(win.tabs, 3)
    shown = []
    win.try_panel.prediction_shown.connect(shown.append)
    person.type_into(find("tryInput"), "a large wild cat of the mountains with a short tail")
    wait_until(lambda: bool(shown), 120)
    shot("5-try-classify")

    # 5. Generate: the King James sample.
    open_file(sample_path("kjv_pentateuch.txt"))
    shot("6-data-generate")
    person.click_tab(win.tabs, 1)
    person.set_time_limit(win, generate_seconds)
    pause(2)
    person.click(find("startTraining"))
    wait_until(lambda: not panel.running, 900)
    shot("7-train-generate")
    person.click_tab(win.tabs, 2)
    shot("8-evaluate-generate")
    person.click_tab(win.tabs, 3)
    person.type_into(find("tryPrompt"), "And the LORD said unto Moses,")
    person.set_number(find("tryLength"), 250)
    written = []
    win.try_panel.generation_finished.connect(written.append)
    person.click(find("writeButton"))
    wait_until(lambda: bool(written), 300)
    shot("9-try-generate")

    # 6. Compress (Run clicked) and Export (folder typed, Export clicked), on the writer.
    person.click_tab(win.tabs, 4)
    person.click(find("compressRunButton"))
    wait_until(lambda: not win.compress_panel.running and win.compress_panel.table.rowCount() > 1, 600)
    shot("12-compress")
    person.click_tab(win.tabs, 5)
    person.type_into(find("exportOutPath"), str(tmp / "export"))
    person.click(find("exportButton"))
    wait_until(lambda: not win.export_panel.running and win.export_panel.result is not None, 600)
    shot("13-export")

    person.answer = lambda title, question: True  # "quit with a model not saved?" yes
    win.close()
    while win.isVisible():
        pause(0.2)
    person.stop()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    ap.add_argument("--seconds", type=int, default=30, help="training time limit of the classifier")
    ap.add_argument("--generate-seconds", type=int, default=90, help="training time limit of the writer")
    ap.add_argument("--only", choices=("large", "small"), help="one size only")
    args = ap.parse_args()
    app = make_app()  # noqa: F841 - keep a reference: the QApplication must outlive the window
    out = Path(args.out)
    if args.only != "small":
        take(out, (1280, 800), args.seconds, args.generate_seconds)
    if args.only != "large":
        take(out / "small", (800, 600), args.seconds, args.generate_seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
