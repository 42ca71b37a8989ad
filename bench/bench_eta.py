"""How good is the time estimate shown before training? Estimate, then train, compare.

    .venv/bin/python bench/bench_eta.py [--json F] [--only fasttext]

Each setting is trained without early stopping and without a time budget (patience=0,
max_time=None), so the real run does exactly the steps and evaluations that were estimated,
on one torch thread as the app trains. The estimate's error is against that run's training
loop (``TrainResult.seconds``; tokenizer training and encoding are the separate setup).

The machine is shared, so part of an error is other jobs' load rather than the method: the
estimate is made again after the run (how far two estimates of the same run differ), and the
share of a core the process got while estimating and while training is shown (a run that
got 0.5 of a core while its estimate got 0.7 takes 1.4x longer than estimated).

Early stopping is reported beside it, not compared: with the same seed a run with the
default patience follows the same steps until it stops, so the time at which it would have
stopped is read off the same run (the evaluation that ends it, plus the final one).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import torch  # noqa: E402

from tinystudio.core.data import load_dataset  # noqa: E402
from tinystudio.core.training.config import TrainConfig  # noqa: E402
from tinystudio.core.training.estimate import estimate_run  # noqa: E402
from tinystudio.core.training.events import EvalEvent, StepEvent, TrainFinished, TrainStarted  # noqa: E402
from tinystudio.core.training.loop import train  # noqa: E402
from tinystudio.core.training.taskdata import TaskData  # noqa: E402
from tinystudio.resources import sample_path  # noqa: E402

THREADS = None  # torch's default, as the app and the CLI train (gui/worker.py TORCH_THREADS)
PATIENCE = TrainConfig().patience  # the default, for the "with early stopping" column

# Epochs so that each run takes roughly 5-20 s on a 2-core machine.
CASES = [
    ("classify", dict(model_kind="fasttext", preset="tiny", epochs=30)),
    ("classify", dict(model_kind="fasttext", preset="small", epochs=15)),
    ("classify", dict(model_kind="fasttext", preset="base", epochs=8)),
    ("classify", dict(model_kind="transformer", preset="tiny", epochs=2)),
    ("classify", dict(model_kind="lstm", preset="tiny", epochs=2)),
    ("generate", dict(model_kind="transformer", preset="tiny", epochs=1)),
    ("generate", dict(model_kind="lstm", preset="tiny", epochs=1)),
]


def early_stop_seconds(
    events: list[tuple[float, object]], patience: int, eval_s: float
) -> float | None:
    """When a run with ``patience`` would have stopped (seconds into the loop), else None.

    ``events`` are (perf_counter, event) pairs of a run with early stopping off; ``eval_s``
    is the time of one validation pass (the loop scores the final weights after stopping).
    """
    offset = next((t - e.elapsed for t, e in events if isinstance(e, StepEvent)), None)
    since_best = 0
    for t, e in events:
        if isinstance(e, EvalEvent):
            since_best = 0 if e.is_best else since_best + 1
            if since_best >= patience and offset is not None:
                return t - offset + eval_s
    return None


class _EvalTimer:
    """Times every validation pass of the real run (TaskData.validate, patched for the bench)."""

    def __init__(self) -> None:
        self.seconds: list[float] = []
        self._orig = TaskData.validate
        timer = self

        def timed(task, module, device):
            t = time.perf_counter()
            try:
                return timer._orig(task, module, device)
            finally:
                timer.seconds.append(time.perf_counter() - t)

        TaskData.validate = timed

    def close(self) -> None:
        TaskData.validate = self._orig


def run_case(task: str, kw: dict, data) -> dict:
    cfg = TrainConfig(
        task=task, patience=0, checkpoint_every=0, sample_every=0, threads=THREADS, **kw
    )
    t0, c0 = time.perf_counter(), time.process_time()
    est = estimate_run(cfg, data)
    cost = time.perf_counter() - t0
    share_est = (time.process_time() - c0) / cost
    events: list[tuple[float, object]] = []
    cpu: dict[str, float] = {}

    def on_event(e) -> None:
        events.append((time.perf_counter(), e))
        if isinstance(e, (TrainStarted, TrainFinished)):
            cpu[type(e).__name__] = time.process_time()

    t1 = time.perf_counter()
    timer = _EvalTimer()
    try:
        res = train(cfg, data, on_event=on_event)
    finally:
        timer.close()
    wall = time.perf_counter() - t1
    # Other jobs on the machine: the share of a core this process got (1 thread: at most 1).
    share_run = (cpu["TrainFinished"] - cpu["TrainStarted"]) / res.seconds
    # The same estimate once more: how much two estimates differ on this machine right now.
    again = estimate_run(cfg, data)
    eval_actual = sum(timer.seconds) / max(len(timer.seconds), 1)
    early = early_stop_seconds(events, PATIENCE, eval_actual)
    return {
        "task": task,
        **kw,
        "steps": res.steps,
        "evals": len(timer.seconds),
        "estimate_evals": est.evals,
        "estimate_s": round(est.seconds, 2),
        "actual_s": round(res.seconds, 2),
        "error_pct": round((est.seconds - res.seconds) / res.seconds * 100, 1),
        "estimate_after_s": round(again.seconds, 2),
        "error_after_pct": round((again.seconds - res.seconds) / res.seconds * 100, 1),
        "cpu_share_estimate": round(share_est, 2),
        "cpu_share_run": round(share_run, 2),
        "step_ms": round(est.step_seconds * 1e3, 2),
        "actual_step_ms": round((res.seconds - sum(timer.seconds)) / max(res.steps, 1) * 1e3, 2),
        "eval_ms": round(est.eval_seconds * 1e3, 1),
        "actual_eval_ms": round(eval_actual * 1e3, 1),
        "estimate_setup_s": round(est.setup_seconds, 2),
        "actual_wall_s": round(wall, 2),  # setup + loop + building the result
        "early_stop_s": round(early, 2) if early is not None else None,
        "estimate_cost_s": round(cost, 2),
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json")
    ap.add_argument("--only", help="run only the settings whose model kind or preset is this")
    args = ap.parse_args()
    cases = [(t, kw) for t, kw in CASES if not args.only or args.only in kw.values()]
    sets = {
        "classify": load_dataset(sample_path("wordnet_topics.csv"), task="classify", seed=0),
        "generate": load_dataset(sample_path("kjv_pentateuch.txt"), task="generate", seed=0),
    }
    # Paid once per process by the first optimizer (torch imports its compiler): not a cost
    # of estimating.
    torch.optim.AdamW([torch.zeros(1, requires_grad=True)])
    t0 = time.perf_counter()
    rows = []
    for task, kw in cases:
        rows.append(run_case(task, kw, sets[task]))
        print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    print(json.dumps(rows, indent=2))
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(rows, fh, indent=2)
    print(f"\n(bench took {time.perf_counter() - t0:.0f} s; {torch.get_num_threads()} torch threads)")
    print(
        "\n| task | model | preset | epochs | steps | estimate s | actual s | error "
        "| estimate again after the run s (error) | CPU share estimate → run "
        f"| with early stopping (patience {PATIENCE}) s | cost of estimating s |"
    )
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        early = "no stop" if r["early_stop_s"] is None else r["early_stop_s"]
        print(
            f"| {r['task']} | {r['model_kind']} | {r['preset']} | {r['epochs']} | {r['steps']} "
            f"| {r['estimate_s']:.1f} | {r['actual_s']:.1f} | {r['error_pct']:+.0f}% "
            f"| {r['estimate_after_s']:.1f} ({r['error_after_pct']:+.0f}%) "
            f"| {r['cpu_share_estimate']:.2f} → {r['cpu_share_run']:.2f} | {early} "
            f"| {r['estimate_cost_s']:.1f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
