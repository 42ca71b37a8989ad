"""Screenshots of the Chinese interface from a real X window, for README.zh-CN.md and
docs/user-guide.zh-CN.md.

The app runs in Simplified Chinese in a real window on an X server (Xvfb), is driven by mouse
clicks and typing delivered as Qt input events (QTest), and each picture is taken by the X
server itself (ImageMagick's ``import -window root``), so it shows what a screen would show,
fonts included. Needs the Debian packages ``xvfb xauth imagemagick fonts-noto-cjk`` and Qt's
window libraries (``scripts/setup.sh --window``)::

    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python scripts/screenshots_zh.py

Takes a minute or two (it trains a small model and compresses it).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["TINYSTUDIO_LANG"] = "zh_CN"  # as `tinystudio --lang zh_CN`
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
if not os.environ.get("DISPLAY"):
    sys.exit("screenshots_zh: no X display; run it under xvfb-run (see the docstring)")
os.environ["QT_QPA_PLATFORM"] = "xcb"  # a real window, not offscreen

from PySide6.QtCore import QEventLoop, QPoint, QSettings, Qt, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402

from tinystudio.gui.app import make_app  # noqa: E402

WIDTH, HEIGHT = 1280, 800


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


def click(widget, pos: QPoint | None = None) -> None:
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     pos if pos is not None else widget.rect().center())
    pause(0.2)


def click_tab(win, index: int) -> None:
    bar = win.tabs.tabBar()
    click(bar, bar.tabRect(index).center())


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(ROOT / "docs" / "screenshots" / "zh"))
    ap.add_argument("--seconds", type=int, default=20, help="training time limit")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if shutil.which("import") is None:
        sys.exit("screenshots_zh: ImageMagick's `import` is missing (apt-get install imagemagick)")

    app = make_app()  # noqa: F841 - keep a reference: the QApplication must outlive the window
    from tinystudio.gui.main_window import MainWindow

    tmp = Path(tempfile.mkdtemp(prefix="tinystudio-shots-zh-"))
    win = MainWindow(settings=QSettings(str(tmp / "s.ini"), QSettings.Format.IniFormat), workspace=tmp)
    win.setGeometry(0, 0, WIDTH, HEIGHT)  # no window manager on Xvfb: the window is the screen
    win.show()
    pause(1.0)

    def shot(name: str) -> None:
        pause(0.6)  # let the plots' redraw timer and the layout settle
        path = out / f"{name}.png"
        subprocess.run(["import", "-window", "root", "-crop", f"{WIDTH}x{HEIGHT}+0+0", str(path)],
                       check=True)
        print("saved", path, flush=True)

    # 1. Data: File > Open the sample data (the menu's action), then click a row of the table.
    win.actions["sample"].trigger()
    wait_for(win.data_panel.data_ready)
    win.data_panel.show_row(2)
    shot("1-data")

    # 2. Train: click the tab, the smallest size, Start; a picture mid-run and one after.
    click_tab(win, 1)
    panel = win.train_panel
    panel.time_limit.setValue(args.seconds)
    t0 = time.monotonic()
    while panel._estimate_handle is not None and time.monotonic() - t0 < 120:
        pause(0.5)  # the time estimates are measured in a worker
    click(panel.start_button)
    t0 = time.monotonic()
    while panel.plots.point_count() < 15 and time.monotonic() - t0 < 60:
        pause(0.1)
    shot("2-train-running")
    if panel.running:
        wait_for(panel.training_finished)
    shot("3-train-done")

    # 3. Evaluate, then click the first cell of the confusion matrix.
    click_tab(win, 2)
    ev = win.evaluate_panel
    ev.show_cell(0, 0)
    shot("4-evaluate")

    # 4. Try it: type a definition.
    click_tab(win, 3)
    click(win.try_panel.input)
    QTest.keyClicks(win.try_panel.input, "a large wild cat of the mountains with a short tail")
    wait_for(win.try_panel.prediction_shown)
    shot("5-try")

    # 5. Compress: int8 only (ticked by default), Run.
    click_tab(win, 4)
    cp = win.compress_panel
    for box in (cp.prune, cp.units, cp.distil):
        box.setChecked(False)
    click(cp.run_button)
    wait_for(cp.finished, 600)
    shot("6-compress")

    # 6. View > Language: the menu a person uses to switch languages.
    view = next(a.menu() for a in win.menuBar().actions() if a.menu() is not None
                and any(x.objectName() == "languageMenu" for x in a.menu().findChildren(type(a.menu()))))
    bar = win.menuBar()
    click(bar, bar.actionGeometry(view.menuAction()).center())
    pause(0.3)
    lang = view.findChild(type(view), "languageMenu")
    view.setActiveAction(lang.menuAction())
    lang.popup(view.mapToGlobal(view.actionGeometry(lang.menuAction()).topRight()))
    shot("7-language-menu")
    lang.close()
    view.close()

    # 7. A file that is not a table: the error dialog (Qt's own buttons in Chinese too).
    bad = tmp / "照片.csv"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    win.open_data(bad)  # as when the file is dropped on the window
    wait_for(win.error_shown)
    pause(0.5)
    shot("8-error")
    from PySide6.QtWidgets import QApplication, QMessageBox

    for w in QApplication.topLevelWidgets():
        if isinstance(w, QMessageBox) and w.isVisible():
            click(w.button(QMessageBox.StandardButton.Ok))

    win.close()
    while win.isVisible():
        pause(0.2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
