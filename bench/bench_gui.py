"""How responsive is the window while a model trains, how fast does it start, how much memory?

Not a test: prints figures (JSON, then small tables). Four measurements, each in a fresh
subprocess so that one does not warm up the next:

* **event-loop lag** — a 10 ms QTimer in the real window records how late each tick is
  while a real training run goes on in the worker (bundled classify sample; plots, status
  line and all). Run for torch intra-op threads = 1 and 2 (OMP_WAIT_POLICY=PASSIVE both).
  Targets: p99 <= 50 ms, max <= 200 ms.
* **cold start** — from starting the Python process to the first paint of the main window
  (target <= 3 s), and whether torch was imported by then (it must not be).
* **memory** — peak RSS at the first paint, and after training.
* **training throughput, app against CLI** — the same settings (those the Train tab sends for
  the bundled classify sample: its "Automatic" kind, i.e. fastText, and a transformer, each at
  the tab's default size unless ``--tp-preset``; same time budget; torch's default thread count, as the
  app and the CLI use) trained in the window's worker (Qt event loop running, live plots and
  status line updating, no lag timer) and called straight from the core as ``tinystudio train``
  does (``train_on_file`` with the CLI's progress printer). The app run must resolve to exactly
  the CLI's settings, or the bench stops. Steps/s is steps over the loop's own training seconds
  (validation passes included in both), also step time between validation passes (see
  ``_Meter``); examples/s is the median of its StepEvents; CPU ms per step of the training
  thread, and of the other threads (the app's GUI thread).
  Runs alternate CLI, app, app, CLI (the reverse for the next kind) so drift in the machine's
  load cancels; ratios are app/CLI of the means. Each app run starts once the size estimates
  (started by opening the file) are done, as do the lag runs.

Usage::

    .venv/bin/python bench/bench_gui.py [--seconds 20] [--preset small] [--starts 3] [--json FILE]
        [--parts start lag throughput] [--tp-kinds auto transformer] [--tp-preset P]
        [--tp-seconds S] [--tp-repeats 2]
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


def lag_run(
    seconds: int, preset: str, threads: int | None, *, kind: str | None = None,
    expected: dict | None = None, lag_timer: bool = True,
) -> dict:
    """In this process (a child started by :func:`main`): train in the window, time the ticks.

    ``threads`` None keeps the worker's own setting. ``kind`` picks the model kind (None: the
    app's "Automatic"). With ``expected``, the Train tab's settings must equal it (so that the
    CLI run trains with exactly the same). ``lag_timer=False``: no 10 ms timer (throughput runs).
    """
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

    if threads is not None:
        worker.TORCH_THREADS = threads
    app = make_app()  # noqa: F841 - keep a reference: the QApplication must outlive the window
    from tinystudio.gui.main_window import MainWindow

    tmp = tempfile.mkdtemp()
    win = MainWindow(settings=QSettings(tmp + "/s.ini", QSettings.Format.IniFormat), workspace=tmp)
    win.resize(1280, 820)
    win.show()

    def wait(*signals) -> tuple:
        """The arguments of whichever signal comes first (empty after 10 minutes)."""
        loop, got = QEventLoop(), []
        for sig in signals:
            sig.connect(lambda *a, sig=sig: (got.append((sig, a)), loop.quit()))
        QTimer.singleShot(600_000, loop.quit)
        loop.exec()
        return got[0] if got else (None, ())

    win.open_data(sample_path("wordnet_topics.csv"), "classify")
    wait(win.data_panel.data_ready, win.data_panel.load_failed)
    panel = win.train_panel
    panel.time_limit.setValue(seconds)
    panel.kind.setCurrentIndex(max(panel.kind.findData(kind), 0))  # first: it re-picks the size
    if preset is not None:  # None: the size the Train tab picks by default
        for b in panel.preset_group.buttons():
            b.setChecked(b.property("preset") == preset)
    if expected is not None:
        from tinystudio.core.training.config import TrainConfig

        got, want = (TrainConfig.from_dict(d).resolved() for d in (panel.settings(), expected))
        if got != want:
            raise SystemExit(f"the Train tab would train with {got}, not {want}")
    # Opening a file (and changing the kind) starts the size estimates: a few real training
    # steps of each preset in a worker. Start when they are done, as a user reading the
    # screen would, so that they do not compete with the run measured here.
    t_est = time.perf_counter()
    for h in worker.active_handles():
        if h.is_running():
            wait(h.done)
    estimates_wait = time.perf_counter() - t_est
    win.show_tab(1)  # the plots are on screen, so every redraw really paints

    late: list[float] = []  # while training steps run
    late_after: list[float] = []  # after: scoring the test split, saving, filling the tabs
    speeds: list[float] = []
    meter = _Meter(lambda: _thread_cpu("tinystudio-train"))
    state = {"last": None, "phase": "before"}

    def tick() -> None:
        now = time.perf_counter()
        if state["last"] is not None and state["phase"] != "before":
            lag = max(0.0, (now - state["last"]) * 1000 - TICK_MS)
            (late if state["phase"] == "training" else late_after).append(lag)
        state["last"] = now

    def on_event(ev) -> None:
        meter(ev)
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
    if lag_timer:
        timer.start()
    panel.training_started.connect(lambda: panel.handle.progress.connect(on_event))
    t0 = time.perf_counter()
    if not panel.start_training():
        raise SystemExit("the Train tab did not start training")
    which, args = wait(panel.training_finished, panel.training_failed)
    if which is not panel.training_finished:
        raise SystemExit(f"training in the app failed or hung: {args}")
    result = args[0]
    wall = time.perf_counter() - t0
    timer.stop()
    redraws = panel.plots.redraws
    win.close()
    late.sort()

    def pct(p: float) -> float:
        return round(late[min(len(late) - 1, int(p / 100 * len(late)))], 1) if late else float("nan")

    return {
        "threads": worker.TORCH_THREADS,
        "preset": preset,
        **meter.result(),
        "kind": result["model"].config.kind,
        "config": _config_facts(result["model"].train_config),
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
        "estimates_wait_s": round(estimates_wait, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def _thread_cpu(name: str) -> float:
    """CPU seconds used so far by this process's thread called ``name`` (Linux names a
    QThread after its objectName, cut to 15 characters); NaN when there is none."""
    for tid in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{tid}/comm") as fh:
                if fh.read().strip() != name[:15]:
                    continue
            with open(f"/proc/self/task/{tid}/stat") as fh:
                after_name = fh.read().rsplit(")", 1)[1].split()
        except OSError:  # the thread ended meanwhile
            continue
        return (int(after_name[11]) + int(after_name[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
    return float("nan")


class _Meter:
    """Training speed from the loop's own events.

    * ``steps_per_s``: steps over the loop's training seconds (its validation passes included);
    * ``step_ms`` / ``train_cpu_ms_per_step``: wall time (the loop's own clock) and training-
      thread CPU time per step, summed over the intervals between two StepEvents that hold no
      validation pass or sample. Validation runs by the clock (every ``max_time / 20`` s), so
      a run slowed by anything gets more of them per step; these two leave them out;
    * ``extra_cpu_ms_per_step``: CPU of every other thread of the process per step (the app's
      GUI thread: plots, status line, event loop), first StepEvent to TrainFinished.
    """

    def __init__(self, train_cpu) -> None:
        self.train_cpu = train_cpu
        self.speeds: list[float] = []
        self.first = self.end = self.prev = None
        self.dirty = False  # a validation pass or sample since the previous StepEvent
        self.clean = [0, 0.0, 0.0]  # steps, wall s, training-thread CPU s

    def __call__(self, ev) -> None:
        from tinystudio.core.training.events import EvalEvent, SampleEvent, StepEvent, TrainFinished

        if isinstance(ev, StepEvent):
            self.speeds.append(ev.items_per_sec)
            cpu = self.train_cpu()
            if self.first is None:
                self.first = (ev.step, time.perf_counter(), cpu, time.process_time())
            elif not self.dirty:
                step, elapsed, cpu0 = self.prev
                self.clean[0] += ev.step - step
                self.clean[1] += ev.elapsed - elapsed
                self.clean[2] += cpu - cpu0
            self.prev, self.dirty = (ev.step, ev.elapsed, cpu), False
        elif isinstance(ev, (EvalEvent, SampleEvent)):
            self.dirty = True
        elif isinstance(ev, TrainFinished):
            self.end = (ev, time.perf_counter(), self.train_cpu(), time.process_time())

    def result(self) -> dict:
        nan = float("nan")
        out = {"kind": None, "steps_per_s": nan, "train_seconds": nan, "stop_reason": None,
               "step_ms": nan, "train_cpu_ms_per_step": nan, "extra_cpu_ms_per_step": nan,
               "process_cpu_share": nan,
               "items_per_s_median": round(statistics.median(self.speeds), 0) if self.speeds else 0}
        steps, wall_s, cpu_s = self.clean
        if steps:
            out.update(step_ms=round(wall_s / steps * 1000, 3), train_cpu_ms_per_step=round(cpu_s / steps * 1000, 3))
        if self.end is None:
            return out
        ev, wall, cpu, proc = self.end
        out.update(steps_per_s=round(ev.steps / max(ev.seconds, 1e-9), 2),
                   train_seconds=round(ev.seconds, 1), stop_reason=ev.stop_reason)
        if self.first is not None and ev.steps > self.first[0]:
            n = ev.steps - self.first[0]
            train, total = cpu - self.first[2], proc - self.first[3]
            out.update(
                extra_cpu_ms_per_step=round((total - train) / n * 1000, 3),
                # CPU used over wall time passed: 1.0 = one core busy all the time.
                process_cpu_share=round(total / max(wall - self.first[1], 1e-9), 2),
            )
        return out


def _config_facts(train_config: dict) -> dict:
    """The resolved settings a run really used (defaults filled in by the core)."""
    keys = ("model_kind", "preset", "batch_size", "lr", "epochs", "max_time", "threads")
    return {k: train_config.get(k) for k in keys}


def app_settings(kind: str | None, preset: str | None, seconds: int) -> dict:
    """The settings the Train tab sends for the classify sample (``TrainPanel.settings``;
    ``preset`` None: the tab's default size for the kind). The app child checks that the tab
    trains with exactly these once the core has filled in its defaults."""
    return {
        "task": "classify", "preset": preset, "model_kind": kind, "epochs": None,
        "max_time": float(seconds), "lr": None, "batch_size": None, "seed": 0, "threads": None,
        "sample_every": min(10.0, max(2.0, seconds / 10)),
    }


def cli_run(settings: dict) -> dict:
    """In this process: train with the same settings the way ``tinystudio train`` does."""
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # as tinystudio/cli.py sets it
    import tempfile

    sys.path.insert(0, str(ROOT))
    from tinystudio.commands import ProgressPrinter
    from tinystudio.core.pipeline import train_on_file
    from tinystudio.core.training.config import TrainConfig
    from tinystudio.core.training.control import RunControl
    from tinystudio.resources import sample_path

    printer = ProgressPrinter()
    meter = _Meter(time.thread_time)  # the CLI trains on this (the main) thread

    def on_event(ev) -> None:
        printer(ev)
        meter(ev)

    t0 = time.perf_counter()
    outcome = train_on_file(
        sample_path("wordnet_topics.csv"), TrainConfig.from_dict(settings),
        out_dir=tempfile.mkdtemp(), on_event=on_event, control=RunControl(),
    )
    return {
        **meter.result(),
        "kind": outcome.result.model.config.kind,
        "config": _config_facts(outcome.result.model.train_config),
        "test_accuracy": round(outcome.test_metrics.get("accuracy", float("nan")), 3),
        "train_wall_s": round(time.perf_counter() - t0, 1),
    }


def _child(args: list[str]) -> dict:
    out = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, timeout=900)
    if out.returncode != 0:
        raise RuntimeError(f"child {args} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def throughput(kinds: list[str], preset: str | None, seconds: int, repeats: int) -> list[dict]:
    """App worker against direct core calls, same settings, order alternated (see the top)."""
    results = []
    for k, kind in enumerate(kinds):
        settings = app_settings(None if kind == "auto" else kind, preset, seconds)
        pair = ["cli", "gui"] if k % 2 == 0 else ["gui", "cli"]
        order = [m for r in range(repeats) for m in (pair if r % 2 == 0 else pair[::-1])]
        runs = []
        for mode in order:
            flag = "--tp-gui-child" if mode == "gui" else "--tp-cli-child"
            print(f"throughput: {kind} in the {'app' if mode == 'gui' else 'CLI path'}…",
                  file=sys.stderr, flush=True)
            run = _child([flag, json.dumps(settings)])
            runs.append({"mode": mode, **run})
        by = {m: [r for r in runs if r["mode"] == m] for m in ("gui", "cli")}

        def mean(mode: str, key: str, by=by) -> float:
            return statistics.fmean(r[key] for r in by[mode])

        configs = {json.dumps(r["config"], sort_keys=True) for r in runs}
        if len(configs) > 1:
            raise RuntimeError(f"the app and CLI runs of {kind} used different settings: {configs}")
        row = {"kind": kind, "model_kind": runs[0]["kind"], "preset": runs[0]["config"]["preset"],
               "config": runs[0]["config"], "seconds": seconds,
               "order": order, "settings": settings, "runs": runs}
        for key in ("steps_per_s", "step_ms", "items_per_s_median", "train_cpu_ms_per_step",
                    "extra_cpu_ms_per_step"):
            gui, cli = mean("gui", key), mean("cli", key)
            row[f"gui_{key}"], row[f"cli_{key}"] = round(gui, 3), round(cli, 3)
            if key != "extra_cpu_ms_per_step":
                row[f"ratio_{key}_gui_over_cli"] = round(gui / cli, 3)
        # Speed ratios (higher = the app is faster): step time and CPU per step inverted.
        row["speed_ratio_gui_over_cli"] = {
            "steps_per_s": row["ratio_steps_per_s_gui_over_cli"],
            "between_evals": round(1 / row["ratio_step_ms_gui_over_cli"], 3),
            "examples_per_s_median": row["ratio_items_per_s_median_gui_over_cli"],
        }
        results.append(row)
    return results


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=int, default=20, help="training time limit per run")
    ap.add_argument("--preset", default="small")
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--starts", type=int, default=3, help="cold starts to time")
    ap.add_argument("--parts", nargs="+", choices=["start", "lag", "throughput"],
                    default=["start", "lag", "throughput"], help="which measurements to make")
    ap.add_argument("--tp-kinds", nargs="+", default=["auto", "transformer"],
                    help="model kinds for app-vs-CLI throughput (auto: the app's default)")
    ap.add_argument("--tp-seconds", type=int, help="time budget of each throughput run (default --seconds)")
    ap.add_argument("--tp-preset", help="model size for throughput runs (default: the app's for the kind)")
    ap.add_argument("--tp-repeats", type=int, default=2, help="runs of each of app and CLI per kind")
    ap.add_argument("--json", help="also write the JSON here")
    ap.add_argument("--lag-child", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--tp-gui-child", help=argparse.SUPPRESS)
    ap.add_argument("--tp-cli-child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.lag_child is not None:
        print(json.dumps(lag_run(args.seconds, args.preset, args.lag_child)))
        return 0
    if args.tp_gui_child:
        s = json.loads(args.tp_gui_child)
        run = lag_run(int(s["max_time"]), s["preset"], None, kind=s["model_kind"], expected=s,
                      lag_timer=False)
        print(json.dumps(run))
        return 0
    if args.tp_cli_child:
        print(json.dumps(cli_run(json.loads(args.tp_cli_child))))
        return 0

    report = {"cpu_count": os.cpu_count(), "load_avg_at_start": [round(x, 2) for x in os.getloadavg()]}
    if "start" in args.parts:
        report.update(cold_start(args.starts))
    runs = []
    for threads in args.threads if "lag" in args.parts else []:
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
    if "throughput" in args.parts:
        try:
            report["throughput"] = throughput(
                args.tp_kinds, args.tp_preset, args.tp_seconds or args.seconds, args.tp_repeats)
        except RuntimeError as exc:
            print(exc, file=sys.stderr)
            return 1
    report["load_avg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(report, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2))

    if "start" in args.parts:
        print(f"\ncold start to first paint: median {report['cold_start_s_median']} s "
              f"(runs {report['cold_start_s_all']}), torch imported: {report['torch_imported_at_first_paint']}, "
              f"RSS {report['rss_at_first_paint_mb']} MB")
    if runs:
        cols = ["threads", "lag_ms_p50", "lag_ms_p99", "lag_ms_max", "examples_per_s_median",
                "plot_redraws_per_s", "test_accuracy", "peak_rss_mb"]
        print(" | ".join(cols))
        for r in runs:
            print(" | ".join(str(r[c]) for c in cols))
    if report.get("throughput"):
        print("\ntraining throughput, app worker vs CLI path (same settings, torch default threads). Ratios "
              "app/CLI of the means; > 1 = the app is faster (for ms: the app takes longer):")
        print("| model | steps/s per run, in order | steps/s app · CLI | app/CLI | step ms between evals "
              "app · CLI | app/CLI speed | examples/s app/CLI | train-thread CPU ms/step app · CLI | "
              "app's other threads CPU ms/step |")
        print("|" + "---|" * 9)
        for t in report["throughput"]:
            seq = ", ".join(f"{'app' if r['mode'] == 'gui' else 'CLI'} {r['steps_per_s']}" for r in t["runs"])
            sp = t["speed_ratio_gui_over_cli"]
            print(f"| {t['model_kind']} {t['preset']} | {seq} | {t['gui_steps_per_s']:.2f} · "
                  f"{t['cli_steps_per_s']:.2f} | {sp['steps_per_s']} | {t['gui_step_ms']:.1f} · "
                  f"{t['cli_step_ms']:.1f} | {sp['between_evals']} | {sp['examples_per_s_median']} | "
                  f"{t['gui_train_cpu_ms_per_step']:.1f} · {t['cli_train_cpu_ms_per_step']:.1f} | "
                  f"{t['gui_extra_cpu_ms_per_step']:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
