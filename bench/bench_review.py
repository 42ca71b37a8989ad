"""Label review: does it find labels flipped on purpose?

    .venv/bin/python bench/bench_review.py DATA [--flip 0.05] [--seeds 3] [--max-rows 4000]
    .venv/bin/python bench/bench_review.py --suite NAME ... [--flip 0.05]

``--flip`` of the rows get another label (chosen at random, seeded); the review (the same
code as ``tinystudio check-labels`` and the Label tab) ranks its suspects; precision is the
share of flipped rows among the top K suspects (K = the number flipped), recall the share of
flipped rows among all suspects. The quick model's cross-validated accuracy on the clean
labels says whether the set is one "where the model is >= 90 % accurate". Sets larger than
``--max-rows`` are sub-sampled (seeded). The last line of output is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(HERE, "suite"), os.path.dirname(HERE)]

import numpy as np  # noqa: E402

from tinystudio.core.labelling import review  # noqa: E402
from tinystudio.core.labelling.features import Featurizer  # noqa: E402
from tinystudio.core.labelling.model import cross_val_proba  # noqa: E402


def load(name_or_path: str, suite: bool) -> tuple[list[str], list[str]]:
    if suite:
        import manifest as M

        s = next(x for x in M.SETS if x.name == name_or_path)
        return M.read_classify(s.path)
    from bench_active import read_labelled

    return read_labelled(name_or_path)


def run_set(name: str, texts: list[str], labels: list[str], args) -> dict:
    t0 = time.perf_counter()
    rng = np.random.default_rng(0)
    if len(texts) > args.max_rows:
        keep = np.sort(rng.choice(len(texts), args.max_rows, replace=False))
        texts, labels = [texts[i] for i in keep], [labels[i] for i in keep]
    names = sorted(set(labels))
    ids = {n: k for k, n in enumerate(names)}
    y = np.asarray([ids[v] for v in labels])
    clean = cross_val_proba(Featurizer().transform(texts), y, len(names))
    accuracy = float((clean.argmax(1) == y).mean())
    runs = []
    for seed in range(args.seeds):
        r = np.random.default_rng(seed + 1)
        k = max(1, int(round(args.flip * len(texts))))
        flipped = set(r.choice(len(texts), k, replace=False).tolist())
        noisy = {}
        for i, v in enumerate(labels):
            if i in flipped:
                others = [n for n in names if n != v]
                v = others[int(r.integers(len(others)))]
            noisy[i] = v
        suspects = [s["row"] for s in review(noisy, texts, seed=seed)]
        top = suspects[:k]
        runs.append({
            "flipped": k,
            "suspects": len(suspects),
            "precision_at_k": len(flipped & set(top)) / k,
            "recall": len(flipped & set(suspects)) / k,
        })  # fmt: skip
        print(f"{name} seed {seed}: {runs[-1]}", file=sys.stderr, flush=True)
    return {
        "set": name,
        "rows": len(texts),
        "classes": len(names),
        "model_accuracy": accuracy,
        "precision_at_k": statistics.mean(x["precision_at_k"] for x in runs),
        "recall": statistics.mean(x["recall"] for x in runs),
        "suspects": statistics.mean(x["suspects"] for x in runs),
        "flipped": runs[0]["flipped"],
        "runs": runs,
        "seconds": round(time.perf_counter() - t0, 1),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data", nargs="*", help="labelled CSV files")
    ap.add_argument("--suite", nargs="+", default=[], help="suite set names")
    ap.add_argument("--flip", type=float, default=0.05)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--max-rows", type=int, default=4000)
    ap.add_argument("--json", action="store_true", help="(the last line is always the JSON object)")
    args = ap.parse_args()
    jobs = [(os.path.basename(p), *load(p, False)) for p in args.data]
    jobs += [(n, *load(n, True)) for n in args.suite]
    if not jobs:
        ap.error("give DATA files or --suite NAME")
    load_avg = round(os.getloadavg()[0], 2)
    results = [run_set(name, t, y, args) for name, t, y in jobs]
    print(json.dumps({"sets": results, "settings": {k: v for k, v in vars(args).items() if k != "json"},
                      "load_average": load_avg}))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
