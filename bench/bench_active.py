"""Active labelling against random labelling: does the Label tab's choice of rows pay?

    .venv/bin/python bench/bench_active.py DATA --test TEST --start 20 --labels 200 --seeds 3 [--json]
    .venv/bin/python bench/bench_active.py --suite en_intent_chatterbot ... --start 20 --labels 200

A simulated user labels rows of DATA: its labels are the answers, hidden until a row is
chosen. Both runs start from the same ``--start`` random labels (seeded); then one asks the
rows the app would ask (``Learner.advise`` in "smart" mode: the same code as the Label tab,
retraining every ``--every`` answers), the other random rows. At every ``--step`` labels
the quick model is fitted on the labels so far and scored on TEST. With ``--suite NAME``
the suite's own split is used (train + validation rows as DATA, test rows as TEST; see
bench/suite/README.md; ``TINYSTUDIO_SUITE_DATA`` says where the built sets are).

The last line of output is one JSON object: ``active_accuracy`` and ``random_accuracy``
(means over seeds on TEST at ``--labels``), and the whole curves, per set.
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

from tinystudio.core.labelling import Learner, Snapshot, choose_rows  # noqa: E402
from tinystudio.core.labelling.model import fit  # noqa: E402


def read_labelled(path: str) -> tuple[list[str], list[str]]:
    """Texts and labels of a labelled file, read as the app reads it (rows without a label dropped)."""
    from tinystudio.core.labelling import read_source

    src = read_source(path)
    if src.label_column is None:
        sys.exit(f"{path}: no label column")
    keep = [i for i, (t, g) in enumerate(zip(src.texts, src.given)) if t and g is not None]
    return [src.texts[i] for i in keep], [src.given[i] for i in keep]


def suite_split(name: str) -> tuple[tuple[list[str], list[str]], tuple[list[str], list[str]]]:
    import manifest as M

    s = next(x for x in M.SETS if x.name == name)
    texts, labels = M.read_classify(s.path)
    train, val, test = M.stratified_split(labels)
    pool = sorted(train + val)
    return ([texts[i] for i in pool], [labels[i] for i in pool]), ([texts[i] for i in test], [labels[i] for i in test])


def simulate(texts, labels, test_texts, test_labels, *, start: int, until: int, every: int,
             step: int, seed: int, strategy: str) -> list[tuple[int, float]]:  # fmt: skip
    """Accuracy on the test texts after each ``step`` labels, from ``start`` to ``until``."""
    names = sorted(set(labels))
    ids = {n: k for k, n in enumerate(names)}
    y = np.asarray([ids[v] for v in labels])
    y_test = np.asarray([ids.get(v, -1) for v in test_labels])
    learner = Learner(texts, seed=seed)
    test_rows = learner.featurizer.transform(test_texts)
    rng = np.random.default_rng(seed)
    labelled = {int(i): int(y[i]) for i in rng.choice(len(texts), start, replace=False)}
    curve = []
    while True:
        n = len(labelled)
        if (n - start) % step == 0 or n >= until:
            rows = sorted(labelled)
            model = fit(learner.matrix(rows), [labelled[r] for r in rows])
            acc = float((model.predict_proba(test_rows, len(names)).argmax(1) == y_test).mean())
            curve.append((n, acc))
        if n >= until:
            return curve
        candidates = [i for i in range(len(texts)) if i not in labelled]
        ask = min(every, until - n, len(candidates))
        # Common random numbers: both runs draw random rows from the same stream (the app
        # seeds its random picks with seed + labels so far), so while the app's choice is
        # random too (its warm-up) both runs label the same rows, and the curves differ
        # only by what choosing by doubt changed, not by the luck of the draw.
        if strategy == "random":
            picks = choose_rows(candidates, ask, mode="random", seed=seed * 7919 + n)
        else:
            snap = Snapshot(dict(labelled), names, candidates)
            picks = learner.advise(snap, n=ask, mode="smart", seed=seed * 7919).picks
        for p in picks:
            labelled[p.row] = int(y[p.row])


def run_set(name, pool, test, args) -> dict:
    texts, labels = pool
    t0 = time.perf_counter()
    curves = {"active": [], "random": []}
    for seed in range(args.seeds):
        for strategy in curves:
            c = simulate(texts, labels, *test, start=args.start, until=args.labels, every=args.every,
                         step=args.step, seed=seed, strategy=strategy)  # fmt: skip
            curves[strategy].append(c)
            print(f"{name} seed {seed} {strategy}: " + " ".join(f"{n}:{a:.3f}" for n, a in c),
                  file=sys.stderr, flush=True)  # fmt: skip
    xs = [n for n, _ in curves["active"][0]]
    mean = {k: [statistics.mean(c[j][1] for c in v) for j in range(len(xs))] for k, v in curves.items()}
    return {
        "set": name,
        "rows": len(texts),
        "test_rows": len(test[0]),
        "classes": len(set(labels)),
        "active_accuracy": mean["active"][-1],
        "random_accuracy": mean["random"][-1],
        "labels": xs,
        "active_curve": mean["active"],
        "random_curve": mean["random"],
        "per_seed": {k: [[a for _, a in c] for c in v] for k, v in curves.items()},
        "seconds": round(time.perf_counter() - t0, 1),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data", nargs="?", help="labelled CSV: the rows to label (labels = hidden answers)")
    ap.add_argument("--test", help="labelled CSV to score on")
    ap.add_argument("--suite", nargs="+", default=[], help="suite set names instead of DATA/--test")
    ap.add_argument("--start", type=int, default=20, help="random labels to start from")
    ap.add_argument("--labels", type=int, default=200, help="labels at the end")
    ap.add_argument("--every", type=int, default=5, help="answers between retrains (the Label tab's)")
    ap.add_argument("--step", type=int, default=20, help="labels between points of the curve")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--json", action="store_true", help="(the last line is always the JSON object)")
    args = ap.parse_args()
    sets = []
    if args.data:
        if not args.test:
            ap.error("--test is needed with DATA")
        sets.append((os.path.basename(args.data), read_labelled(args.data), read_labelled(args.test)))
    for name in args.suite:
        sets.append((name, *suite_split(name)))
    if not sets:
        ap.error("give DATA --test TEST, or --suite NAME")
    load = os.getloadavg()[0]
    results = [run_set(name, pool, test, args) for name, pool, test in sets]
    out = dict(results[0]) if len(results) == 1 else {
        "active_accuracy": statistics.median(r["active_accuracy"] for r in results),
        "random_accuracy": statistics.median(r["random_accuracy"] for r in results),
        "sets": results,
    }  # fmt: skip
    out["settings"] = {k: v for k, v in vars(args).items() if k != "json"}
    out["load_average"] = round(load, 2)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
