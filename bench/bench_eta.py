"""How good is the time estimate shown before training? Estimate, then train, compare.

    .venv/bin/python bench/bench_eta.py [--json F]

For a few settings (no early stopping, no time budget, so the run really does the steps that
were estimated) prints the estimate, the real training time and the error in percent.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from tinystudio.core.data import load_dataset  # noqa: E402
from tinystudio.core.training.config import TrainConfig  # noqa: E402
from tinystudio.core.training.estimate import estimate_run  # noqa: E402
from tinystudio.core.training.loop import train  # noqa: E402
from tinystudio.resources import sample_path  # noqa: E402

CASES = [
    ("classify", dict(model_kind="fasttext", preset="small", epochs=10)),
    ("classify", dict(model_kind="transformer", preset="tiny", epochs=3)),
    ("classify", dict(model_kind="lstm", preset="tiny", epochs=2)),
    ("generate", dict(model_kind="transformer", preset="tiny", epochs=1)),
]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json")
    args = ap.parse_args()
    sets = {
        "classify": load_dataset(sample_path("wordnet_topics.csv"), task="classify", seed=0),
        "generate": load_dataset(sample_path("kjv_pentateuch.txt"), task="generate", seed=0),
    }
    rows = []
    for task, kw in CASES:
        cfg = TrainConfig(task=task, patience=0, checkpoint_every=0, sample_every=0, **kw)
        t0 = time.perf_counter()
        est = estimate_run(cfg, sets[task])
        est_cost = time.perf_counter() - t0
        res = train(cfg, sets[task])
        err = (est.seconds - res.seconds) / res.seconds * 100
        rows.append({"task": task, **kw, "estimate_s": round(est.seconds, 1), "actual_s": round(res.seconds, 1),
                     "error_pct": round(err, 1), "estimate_cost_s": round(est_cost, 1), "steps": res.steps})
        print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    print(json.dumps(rows, indent=2))
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(rows, fh, indent=2)
    print("\n| task | model | preset | epochs | estimate s | actual s | error | cost of estimating s |")
    print("|---|---|---|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['task']} | {r['model_kind']} | {r['preset']} | {r['epochs']} | {r['estimate_s']} | {r['actual_s']} | {r['error_pct']:+.0f}% | {r['estimate_cost_s']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
