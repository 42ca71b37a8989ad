"""Few labels: accuracy with 20 labelled examples per class, from scratch vs pre-trained.

    .venv/bin/python bench/bench_fewlabels.py [--per-class 20] [--pretrain-time 120] [--json F]

The pool is the train+validation split of the bundled WordNet sample; the test split is the
yardstick. Pre-training reads every pool text (no labels); the classifiers see only N
labelled examples per class. Target: pre-training helps by >= 5 accuracy points at N=20.
Also prints the whole curve (10, 20, 50, 100, 200, all) unless --quick.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import replace

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from tinystudio.core.data import Splits, load_dataset  # noqa: E402
from tinystudio.core.fewlabels import learning_curve  # noqa: E402
from tinystudio.resources import sample_path  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-class", type=int, nargs="+", default=[10, 20, 50, 100, 200])
    ap.add_argument("--all", action="store_true", help="add a point with every labelled row")
    ap.add_argument("--pretrain-time", type=float, default=120.0)
    ap.add_argument("--epochs", type=int, default=40)
    ap.add_argument("--preset", default="tiny")
    ap.add_argument("--augment", nargs="*", default=[])
    ap.add_argument("--json")
    args = ap.parse_args()
    data = load_dataset(sample_path("wordnet_topics.csv"), task="classify", seed=0)
    pool_idx = tuple(data.splits.train) + tuple(data.splits.val)
    pool = replace(data, splits=Splits(train=pool_idx, val=(), test=()))
    test = data.splits.test
    t0 = time.perf_counter()
    result = learning_curve(
        pool,
        [data.texts[i] for i in test],
        [data.label_names[data.labels[i]] for i in test],
        per_class=list(args.per_class) + ([None] if args.all else []),
        preset=args.preset,
        epochs=args.epochs,
        pretrain_time=args.pretrain_time,
        augment=tuple(args.augment),
        on_point=lambda p: print(json.dumps(p.to_dict()), file=sys.stderr, flush=True),
    )
    result["seconds"] = time.perf_counter() - t0
    result["settings"] = vars(args)
    print(json.dumps(result, indent=2))
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(result, fh, indent=2)
    print("\n| labels per class | labels | from scratch | pre-trained | gain (points) |")
    print("|---:|---:|---:|---:|---:|")
    for p in result["points"]:
        gain = (p["pretrained_accuracy"] - p["scratch_accuracy"]) * 100
        n = "all" if p["per_class"] is None else p["per_class"]
        print(f"| {n} | {p['n_labels']} | {p['scratch_accuracy']:.3f} | {p['pretrained_accuracy']:.3f} | {gain:+.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
