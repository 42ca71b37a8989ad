"""Screenshots of the Label tab for docs/user-guide.md, taken from real clicks and key presses.

    .venv/bin/python scripts/screenshots_label.py     # offscreen; ~1-2 minutes

A copy of the bundled WordNet sample keeps the labels of 30 random rows; the script opens it
in the Data tab, clicks "Label rows…", answers 40 rows with number keys (the right answers, from
the original file), and saves ``10-label.png``. Then a copy with 12 labels changed on purpose
is checked with "Check the labels for mistakes" (``11-label-review.png``).
"""

from __future__ import annotations

import csv
import os
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from PySide6.QtCore import QEventLoop, QSettings, Qt, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QLineEdit, QPushButton  # noqa: E402

from tinystudio.gui.app import make_app  # noqa: E402
from tinystudio.resources import sample_path  # noqa: E402

OUT = ROOT / "docs" / "screenshots"


def pause(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_until(cond, seconds: float = 300) -> None:
    for _ in range(int(seconds * 20)):
        if cond():
            return
        pause(50)
    raise TimeoutError("the window did not get there in time")


def write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return path


def main() -> int:
    from tinystudio.gui.main_window import MainWindow

    tmp = Path(tempfile.mkdtemp(prefix="shots-label-"))
    rows = list(csv.reader(sample_path("wordnet_topics.csv").open(encoding="utf-8")))
    truth = {i: r[3] for i, r in enumerate(rows[1:])}
    keep = set(random.Random(1).sample(range(len(rows) - 1), 30))
    partly = write(tmp / "topics.csv", [rows[0]] + [r[:3] + [r[3] if i in keep else ""] for i, r in enumerate(rows[1:])])

    app = make_app()  # noqa: F841 - kept alive for the whole run
    win = MainWindow(settings=QSettings(str(tmp / "s.ini"), QSettings.Format.IniFormat), workspace=tmp / "ws")
    win.resize(1280, 800)
    win.show()
    win.open_data(partly, "classify")
    wait_until(lambda: win.data_panel.result is not None)
    button = win.data_panel.findChild(QPushButton, "labelRowsButton")
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    panel = win.label_panel
    wait_until(lambda: panel.current is not None)
    for _ in range(40):
        wait_until(lambda: panel.current is not None)
        answer = truth[panel.current.row]
        if answer not in panel.session.label_names:  # a label not seen yet: type it, click Add
            box = panel.findChild(QLineEdit, "labelNewName")
            QTest.mouseClick(box, Qt.MouseButton.LeftButton)
            QTest.keyClicks(box, answer)
            QTest.mouseClick(panel.findChild(QPushButton, "labelAdd"), Qt.MouseButton.LeftButton)
        k = panel.session.label_names.index(answer)
        QTest.keyClick(panel.text_view, Qt.Key(Qt.Key.Key_1 + k))
        pause(250)
    wait_until(lambda: panel._advice_job is None and panel.current is not None)
    pause(300)
    win.grab().save(str(OUT / "10-label.png"))

    flipped = [list(r) for r in rows[:401]]
    names = sorted({r[3] for r in rows[1:]})
    rng = random.Random(0)
    for i in rng.sample(range(1, 401), 12):
        flipped[i][3] = rng.choice([n for n in names if n != flipped[i][3]])
    review = write(tmp / "checked.csv", flipped)
    win.open_data(review, "classify")
    wait_until(lambda: win.data_panel.result is not None and win.data_panel.path == str(review))
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    wait_until(lambda: panel.session is not None and panel._advice_job is None and not panel.busy)
    QTest.mouseClick(panel.findChild(QPushButton, "labelReview"), Qt.MouseButton.LeftButton)
    wait_until(lambda: panel.side.reviewing)
    QTest.keyClick(panel.text_view, Qt.Key.Key_K)
    pause(300)
    win.grab().save(str(OUT / "11-label-review.png"))
    win.close()
    pause(200)
    print("saved", OUT / "10-label.png", OUT / "11-label-review.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
