"""Screenshots of every step of the app, for the README and docs/user-guide.md.

Runs the real window (under Xvfb when DISPLAY is set, else Qt's offscreen platform) on the
bundled samples and saves PNGs with ``QWidget.grab()`` into ``docs/screenshots/``::

    .venv/bin/python scripts/screenshots.py            # offscreen
    xvfb-run -s "-screen 0 1400x900x24" .venv/bin/python scripts/screenshots.py

Takes about two minutes (it trains two small models).
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

from PySide6.QtCore import QEventLoop, QSettings, QTimer  # noqa: E402

from tinystudio.gui.app import make_app  # noqa: E402
from tinystudio.resources import sample_path  # noqa: E402


def wait_for(signal, timeout_s: float = 300.0):
    """Run the event loop until ``signal`` fires; returns its arguments."""
    loop, got = QEventLoop(), []

    def on(*args):
        got.append(args)
        loop.quit()

    signal.connect(on)
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    loop.exec()
    signal.disconnect(on)
    if not got:
        raise TimeoutError(f"no signal within {timeout_s} s")
    return got[0]


def pause(seconds: float) -> None:
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    ap.add_argument("--seconds", type=int, default=30, help="training time limit of the classifier")
    ap.add_argument("--generate-seconds", type=int, default=90, help="training time limit of the writer")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    app = make_app()  # noqa: F841 - keep a reference: the QApplication must outlive the window
    from tinystudio.gui.main_window import MainWindow

    tmp = Path(tempfile.mkdtemp(prefix="tinystudio-shots-"))
    win = MainWindow(settings=QSettings(str(tmp / "s.ini"), QSettings.Format.IniFormat), workspace=tmp)
    win.resize(1280, 820)
    win.show()

    def shot(name: str) -> None:
        pause(0.4)  # let the plots' redraw timer and the layout settle
        path = out / f"{name}.png"
        win.grab().save(str(path))
        print("saved", path)

    # 1. Data: the classify sample.
    win.open_data(sample_path("wordnet_topics.csv"), "classify")
    wait_for(win.data_panel.data_ready)
    win.data_panel.show_row(2)
    shot("1-data")

    # 2. Train: mid-run and after.
    panel = win.train_panel
    panel.time_limit.setValue(args.seconds)
    win.show_tab(1)
    t0 = time.monotonic()
    while panel._estimate_handle is not None and time.monotonic() - t0 < 120:
        pause(0.5)  # the time estimates are measured in a worker
    panel.start_training()
    t0 = time.monotonic()
    while panel.plots.point_count() < 15 and time.monotonic() - t0 < 60:
        pause(0.1)  # the default classifier trains in seconds: catch it mid-run
    shot("2-train-running")
    if panel.running:  # the default classifier may be done already
        wait_for(panel.training_finished)
    shot("3-train-done")

    # 3. Evaluate.
    win.show_tab(2)
    shot("4-evaluate")

    # 4. Try it: classify.
    win.show_tab(3)
    win.try_panel.input.setPlainText("a large wild cat of the mountains with a short tail")
    wait_for(win.try_panel.prediction_shown)
    shot("5-try-classify")

    # 5. Generate: the King James sample.
    win.open_data(sample_path("kjv_pentateuch.txt"), "generate")
    wait_for(win.data_panel.data_ready)
    shot("6-data-generate")
    win.show_tab(1)
    panel.time_limit.setValue(args.generate_seconds)
    pause(2)
    panel.start_training()
    wait_for(panel.training_finished)
    shot("7-train-generate")
    win.show_tab(2)
    shot("8-evaluate-generate")
    win.show_tab(3)
    win.try_panel.prompt.setPlainText("And the LORD said unto Moses,")
    win.try_panel.length.setValue(250)
    win.try_panel.start_generation()
    wait_for(win.try_panel.generation_finished)
    shot("9-try-generate")

    win.close()
    while win.isVisible():
        pause(0.2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
