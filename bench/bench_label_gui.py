"""Does the Label tab answer a key press at once while the quick model retrains?

    .venv/bin/python bench/bench_label_gui.py [--presses 150] [--gap-ms 150] [--labelled 60]

The real window (offscreen) opens the bundled WordNet sample with only ``--labelled`` rows
keeping their label, in the Label tab. A simulated user presses "1" every ``--gap-ms``;
each press is posted to the event loop and timed from posting to the end of its handling
(the row saved to the labels file, the next row shown): that is what the user waits for.
A 10 ms timer measures event-loop lag at the same time. Presses and ticks are split by
whether a retrain was running in the worker. Target: key press answered in < 50 ms while
retraining (p99). The last line of output is one JSON object.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return round(s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))], 1)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--presses", type=int, default=150)
    ap.add_argument("--gap-ms", type=int, default=150)
    ap.add_argument("--labelled", type=int, default=60)
    args = ap.parse_args()

    from PySide6.QtCore import QEventLoop, QSettings, Qt, QTimer
    from PySide6.QtTest import QTest

    from tinystudio.gui.app import make_app
    from tinystudio.gui.main_window import MainWindow
    from tinystudio.resources import sample_path

    tmp = Path(tempfile.mkdtemp(prefix="bench-label-"))
    rows = list(csv.reader(sample_path("wordnet_topics.csv").open(encoding="utf-8")))
    data = tmp / "topics.csv"
    with data.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(rows[0])
        for i, r in enumerate(rows[1:]):
            w.writerow(r[:3] + [r[3] if i < args.labelled else ""])

    app = make_app()  # noqa: F841 - kept alive for the whole run
    win = MainWindow(settings=QSettings(str(tmp / "s.ini"), QSettings.Format.IniFormat), workspace=tmp / "ws")
    win.show()
    panel = win.label_panel

    def wait(ms: int) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    panel.open_file(data)
    win.show_tab(6)
    t0 = time.monotonic()
    while panel.current is None and time.monotonic() - t0 < 300:
        wait(50)

    ticks = {"retraining": [], "idle": []}
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        lag = max(0.0, (now - last[0]) * 1000 - 10)
        ticks["retraining" if panel._advice_job is not None else "idle"].append(lag)
        last[0] = now

    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(10)
    timer.timeout.connect(tick)
    timer.start()
    presses = {"retraining": [], "idle": []}

    def press(posted: float, busy: bool) -> None:
        if panel.current is None:
            return
        QTest.keyClick(panel.text_view, Qt.Key.Key_1)
        presses["retraining" if busy else "idle"].append((time.perf_counter() - posted) * 1000)

    for _ in range(args.presses):
        posted = time.perf_counter()
        busy = panel._advice_job is not None
        QTimer.singleShot(0, lambda p=posted, b=busy: press(p, b))
        wait(args.gap_ms)
    timer.stop()
    retrains = panel.retrains
    labelled = len(panel.session.labelled())
    panel.shutdown()
    win.close()
    t0 = time.monotonic()
    while win.isVisible() and time.monotonic() - t0 < 60:
        wait(50)

    out = {
        "presses": {k: len(v) for k, v in presses.items()},
        "press_ms_retraining_p50": pct(presses["retraining"], 50),
        "press_ms_retraining_p99": pct(presses["retraining"], 99),
        "press_ms_retraining_max": pct(presses["retraining"], 100),
        "press_ms_idle_p50": pct(presses["idle"], 50),
        "press_ms_idle_p99": pct(presses["idle"], 99),
        "lag_ms_retraining_p50": pct(ticks["retraining"], 50),
        "lag_ms_retraining_p99": pct(ticks["retraining"], 99),
        "lag_ms_retraining_max": pct(ticks["retraining"], 100),
        "lag_ms_idle_p99": pct(ticks["idle"], 99),
        "retrains": retrains,
        "labelled_at_end": labelled,
        "rows": len(rows) - 1,
        "mean_press_ms": round(statistics.mean(presses["retraining"] + presses["idle"]), 1),
        "load_average": round(os.getloadavg()[0], 2),
        "settings": vars(args),
    }
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
