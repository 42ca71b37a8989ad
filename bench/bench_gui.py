"""How responsive is the window while a model trains, how fast does it start, how much memory?

Not a test: prints figures (JSON, then a small table). Three measurements, each in a fresh
subprocess so that one does not warm up the next:

* **event-loop lag** — a 10 ms QTimer in the real window records how late each tick is
  while a real training run goes on in the worker (bundled classify sample; plots, status
  line and all). Run for torch intra-op threads = 1 and 2 (OMP_WAIT_POLICY=PASSIVE both).
  Targets: p99 <= 50 ms, max <= 200 ms.
* **cold start** — from starting the Python process to the first paint of the main window
  (target <= 3 s), and whether torch was imported by then (it must not be).
* **memory** — peak RSS at the first paint, and after training.

Usage::

    .venv/bin/python bench/bench_gui.py [--seconds 20] [--preset small] [--starts 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TICK_MS = 10

_STARTUP = r"""
import os, sys, time, resource
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, sys.argv[1])
from PySide6.QtCore import QEvent, QObject, QSettings, QTimer
from tinystudio.gui.app import make_app
app = make_app()
from tinystudio.gui.main_window import MainWindow
import tempfile
tmp = tempfile.mkdtemp()
win = MainWindow(settings=QSettings(tmp + "/s.ini", QSettings.Format.IniFormat), workspace=tmp)

class FirstPaint(QObject):
    def eventFilter(self, obj, ev):
        if ev.type() == QEvent.Type.Paint:
            # Printed after this paint returns: the window's pixels are drawn.
            QTimer.singleShot(0, lambda: (print(time.time(), "torch" in sys.modules,
                resource.getrusage(resource.RUSAGE_SELF).ru_maxrss), sys.stdout.flush(), app.exit(0)))
            obj.removeEventFilter(self)
        return False

f = FirstPaint()
win.installEventFilter(f)
win.show()
app.exec()
"""


def cold_start(runs: int) -> dict:
    times, rss, torch_loaded = [], [], []
    for _ in range(runs):
        t0 = time.time()
        out = subprocess.run(
            [sys.executable, "-c", _STARTUP, str(ROOT)], capture_output=True, text=True, timeout=120
        )
        line = out.stdout.strip().splitlines()[-1].split()
        times.append(float(line[0]) - t0)
        torch_loaded.append(line[1] == "True")
        rss.append(int(line[2]) / 1024)
    return {
        "cold_start_s_median": round(statistics.median(times), 3),
        "cold_start_s_min": round(min(times), 3),
        "cold_start_s_all": [round(t, 3) for t in times],
        "torch_imported_at_first_paint": any(torch_loaded),
        "rss_at_first_paint_mb": round(statistics.median(rss), 1),
    }


def lag_run(seconds: int, preset: str, threads: int) -> dict:
    """In this process (a child started by :func:`main`): train in the window, time the ticks."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    import resource
    import tempfile

    sys.path.insert(0, str(ROOT))
    from PySide6.QtCore import QEventLoop, QSettings, Qt, QTimer

    from tinystudio.core.training.events import StepEvent, TrainFinished
    from tinystudio.gui import worker
    from tinystudio.gui.app import make_app
    from tinystudio.resources import sample_path

    worker.TORCH_THREADS = threads
    app = make_app()  # noqa: F841 - keep a reference: the QApplication must outlive the window
    from tinystudio.gui.main_window import MainWindow

    tmp = tempfile.mkdtemp()
    win = MainWindow(settings=QSettings(tmp + "/s.ini", QSettings.Format.IniFormat), workspace=tmp)
    win.resize(1280, 820)
    win.show()

    def wait(signal) -> list:
        loop, got = QEventLoop(), []
        signal.connect(lambda *a: (got.append(a), loop.quit()))
        QTimer.singleShot(600_000, loop.quit)
        loop.exec()
        return got[0] if got else []

    win.open_data(sample_path("wordnet_topics.csv"), "classify")
    wait(win.data_panel.data_ready)
    panel = win.train_panel
    panel.time_limit.setValue(seconds)
    for b in panel.preset_group.buttons():
        b.setChecked(b.property("preset") == preset)
    win.show_tab(1)  # the plots are on screen, so every redraw really paints

    late: list[float] = []  # while training steps run
    late_after: list[float] = []  # after: scoring the test split, saving, filling the tabs
    speeds: list[float] = []
    state = {"last": None, "phase": "before"}

    def tick() -> None:
        now = time.perf_counter()
        if state["last"] is not None and state["phase"] != "before":
            lag = max(0.0, (now - state["last"]) * 1000 - TICK_MS)
            (late if state["phase"] == "training" else late_after).append(lag)
        state["last"] = now

    def on_event(ev) -> None:
        if isinstance(ev, StepEvent):
            if state["phase"] == "before":
                state["phase"] = "training"  # from the first step: model building is not training
            speeds.append(ev.items_per_sec)
        elif isinstance(ev, TrainFinished):
            state["phase"] = "after"

    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(TICK_MS)
    timer.timeout.connect(tick)
    timer.start()
    panel.training_started.connect(lambda: panel.handle.progress.connect(on_event))
    t0 = time.perf_counter()
    panel.start_training()
    result = wait(panel.training_finished)[0]
    wall = time.perf_counter() - t0
    timer.stop()
    redraws = panel.plots.redraws
    win.close()
    late.sort()

    def pct(p: float) -> float:
        return round(late[min(len(late) - 1, int(p / 100 * len(late)))], 1) if late else float("nan")

    return {
        "threads": threads,
        "preset": preset,
        "ticks": len(late),
        "lag_ms_p50": pct(50),
        "lag_ms_p99": pct(99),
        "lag_ms_max": round(late[-1], 1) if late else float("nan"),
        "after_training_lag_ms_max": round(max(late_after), 1) if late_after else float("nan"),
        "examples_per_s_median": round(statistics.median(speeds), 0) if speeds else 0,
        "steps": result["history"][-1].get("steps") if result["history"] else None,
        "test_accuracy": round(result["metrics"].get("accuracy", float("nan")), 3),
        "plot_redraws_per_s": round(redraws / max(wall, 1e-9), 1),
        "train_wall_s": round(wall, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=int, default=20, help="training time limit per run")
    ap.add_argument("--preset", default="small")
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--starts", type=int, default=3, help="cold starts to time")
    ap.add_argument("--lag-child", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.lag_child is not None:
        print(json.dumps(lag_run(args.seconds, args.preset, args.lag_child)))
        return 0

    report = {"cpu_count": os.cpu_count(), "load_avg_at_start": [round(x, 2) for x in os.getloadavg()]}
    report.update(cold_start(args.starts))
    runs = []
    for threads in args.threads:
        out = subprocess.run(
            [sys.executable, __file__, "--lag-child", str(threads), "--seconds", str(args.seconds),
             "--preset", args.preset],
            capture_output=True, text=True, timeout=900,
        )
        if out.returncode != 0:
            print(out.stderr, file=sys.stderr)
            return 1
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    report["lag_runs"] = runs
    report["load_avg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(report, indent=2))

    print(f"\ncold start to first paint: median {report['cold_start_s_median']} s "
          f"(runs {report['cold_start_s_all']}), torch imported: {report['torch_imported_at_first_paint']}, "
          f"RSS {report['rss_at_first_paint_mb']} MB")
    cols = ["threads", "lag_ms_p50", "lag_ms_p99", "lag_ms_max", "examples_per_s_median",
            "plot_redraws_per_s", "test_accuracy", "peak_rss_mb"]
    print(" | ".join(cols))
    for r in runs:
        print(" | ".join(str(r[c]) for c in cols))
    return 0


if __name__ == "__main__":
    sys.exit(main())
