"""Quality, time and size of the model kinds and presets on the bundled samples, with
scikit-learn baselines (TF-IDF + logistic regression, character n-grams + linear SVM) for
the classify task, on the WordNet topics sample and on the KJV verse -> book sample.

    .venv/bin/python bench/bench_models.py [--all] [--max-time 60] [--gen-time 30]
                                          [--only classify|generate] [--json out.json]

By default (about 5 minutes on 2 cores): the baselines, fastText Tiny/Small/Base and the
Tiny Transformer and LSTM on both classify samples, then the Tiny Transformer and LSTM
language models (bench_train.py covers generate in depth). ``--all`` runs every kind x
preset (about 20 minutes). The default classifier (what Train with no settings gives) is
always run, and a last table says whether it meets the target on each sample: within
1 accuracy point of the best baseline, or better, in at most 60 s of training.

Prints one JSON object (all runs) and Markdown tables. Classify runs use the default epochs
with early stopping, capped by --max-time; generate runs train for --gen-time seconds.
Figures depend on the machine and its load (recorded in the JSON): compare runs made together.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from tinystudio.core.data import load_dataset  # noqa: E402
from tinystudio.core.models import KINDS, PRESETS, count_params  # noqa: E402
from tinystudio.core.pipeline import score_split  # noqa: E402
from tinystudio.core.training.config import TrainConfig  # noqa: E402
from tinystudio.core.training.loop import train  # noqa: E402
from tinystudio.resources import sample_path  # noqa: E402

CLASSIFY_SAMPLES = ("wordnet_topics.csv", "kjv_books.csv")
GENERATE_SAMPLE = "kjv_pentateuch.txt"
QUICK_CLASSIFY = [("fasttext", "tiny"), ("fasttext", "small"), ("fasttext", "base"),
                  ("transformer", "tiny"), ("lstm", "tiny")]  # fmt: skip
QUICK_GENERATE = [("transformer", "tiny"), ("lstm", "tiny")]
TARGET_POINTS = 0.01  # the default classifier: at most 1 accuracy point below the best baseline
TARGET_SECONDS = 60.0  # ... in at most this much training


def default_classifier() -> tuple[str, str]:
    """(kind, preset) of a classifier trained with no settings, as the core resolves it."""
    cfg = TrainConfig(task="classify").resolved()
    return cfg.model_kind, cfg.preset


def baselines(data, name: str) -> list[dict]:
    """TF-IDF + logistic regression and TF-IDF character n-grams + linear SVM (scikit-learn)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score
    from sklearn.svm import LinearSVC

    tr, te = data.splits.train, data.splits.test
    x_tr = [data.texts[i] for i in tr]
    x_te = [data.texts[i] for i in te]
    y_tr = [data.labels[i] for i in tr]
    y_te = [data.labels[i] for i in te]
    out = []
    for label, vec, clf in (
        ("tfidf_word_logreg", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
         LogisticRegression(C=10, max_iter=2000)),
        ("tfidf_char_svm", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True),
         LinearSVC()),
    ):  # fmt: skip
        t0 = time.perf_counter()
        clf.fit(vec.fit_transform(x_tr), y_tr)
        pred = clf.predict(vec.transform(x_te))
        seconds = time.perf_counter() - t0
        acc = sum(int(p == y) for p, y in zip(pred, y_te)) / len(y_te)
        out.append({"task": "classify", "data": name, "model": label, "preset": "-", "params": 0,
                    "accuracy": round(acc, 4), "macro_f1": round(f1_score(y_te, pred, average="macro"), 4),
                    "train_seconds": round(seconds, 1), "steps": 0, "stop_reason": "-"})  # fmt: skip
        print(json.dumps(out[-1]), file=sys.stderr, flush=True)
    return out


def classify_run(data, name: str, kind: str, preset: str, max_time: float) -> dict:
    t0 = time.perf_counter()
    cfg = TrainConfig(
        task="classify", model_kind=kind, preset=preset, max_time=max_time, checkpoint_every=0
    )
    res = train(cfg, data)
    m = score_split(res.model, data, "test")
    return {
        "task": "classify", "data": name, "model": kind, "preset": preset,
        "default": (kind, preset) == default_classifier(), "params": count_params(res.model.module),
        "accuracy": round(m["accuracy"], 4), "macro_f1": round(m["macro_f1"], 4),
        "train_seconds": round(res.seconds, 1), "steps": res.steps, "stop_reason": res.stop_reason,
        "wall_seconds": round(time.perf_counter() - t0, 1),
    }  # fmt: skip


def generate_run(data, kind: str, preset: str, seconds: float) -> dict:
    cfg = TrainConfig(task="generate", model_kind=kind, preset=preset, max_time=seconds, epochs=1000,
                      checkpoint_every=0)  # fmt: skip
    res = train(cfg, data)
    m = score_split(res.model, data, "test")
    return {
        "task": "generate", "data": GENERATE_SAMPLE, "model": kind, "preset": preset,
        "params": count_params(res.model.module),
        "bits_per_char": round(m["bits_per_char"], 4), "perplexity": round(m["perplexity"], 3),
        "train_seconds": round(res.seconds, 1), "steps": res.steps, "stop_reason": res.stop_reason,
    }  # fmt: skip


def targets(runs: list[dict]) -> list[dict]:
    """Per classify sample: does the default classifier meet the target? Computed from ``runs``."""
    out = []
    for name in dict.fromkeys(r["data"] for r in runs if r["task"] == "classify"):
        rows = [r for r in runs if r["data"] == name]
        base = [r for r in rows if r["preset"] == "-"]
        ours = next((r for r in rows if r.get("default")), None)
        if not base or ours is None:
            continue
        best = max(base, key=lambda r: r["accuracy"])
        gap = ours["accuracy"] - best["accuracy"]
        quality_ok = gap >= -TARGET_POINTS - 1e-9
        time_ok = ours["train_seconds"] <= TARGET_SECONDS
        out.append({
            "data": name, "default": f"{ours['model']} {ours['preset']}",
            "accuracy": ours["accuracy"], "seconds": ours["train_seconds"],
            "best_baseline": best["model"], "baseline_accuracy": best["accuracy"],
            "points": round(100 * gap, 1), "quality_ok": quality_ok, "time_ok": time_ok,
            "met": quality_ok and time_ok,
        })  # fmt: skip
    return out


def print_tables(runs: list[dict], goals: list[dict]) -> None:
    print("\n| data | model | preset | params | quality | train s | steps | stop |")
    print("|---|---|---|---:|---:|---:|---:|---|")
    for r in runs:
        q = (f"acc {r['accuracy']:.3f} / F1 {r['macro_f1']:.3f}" if r["task"] == "classify"
             else f"{r['bits_per_char']:.3f} bits/char")  # fmt: skip
        preset = f"**{r['preset']}** (default)" if r.get("default") else r["preset"]
        print(f"| {r['data']} | {r['model']} | {preset} | {r['params']:,} | {q} | {r['train_seconds']} "
              f"| {r['steps']} | {r['stop_reason']} |")  # fmt: skip
    if goals:
        print(f"\nTarget: the default classifier within {100 * TARGET_POINTS:.0f} point of the best "
              f"baseline (or better) in ≤ {TARGET_SECONDS:.0f} s of training.\n")  # fmt: skip
        print("| data | default | accuracy | best baseline | points | train s | met? |")
        print("|---|---|---:|---|---:|---:|---|")
        for g in goals:
            checks = (("accuracy", g["quality_ok"]), ("time", g["time_ok"]))
            missed = [what for what, ok in checks if not ok]
            verdict = "**met**" if g["met"] else f"**not met** ({', '.join(missed)})"
            print(f"| {g['data']} | {g['default']} | {g['accuracy']:.3f} | {g['best_baseline']} "
                  f"{g['baseline_accuracy']:.3f} | {g['points']:+.1f} | {g['seconds']} | {verdict} |")  # fmt: skip


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--all", action="store_true", help="every model kind x preset (about 20 min)")
    ap.add_argument("--max-time", type=float, default=60.0, help="cap per classify run (s)")
    ap.add_argument("--gen-time", type=float, default=30.0, help="budget per generate run (s)")
    ap.add_argument("--only", choices=["classify", "generate"])
    ap.add_argument("--json", help="also write the JSON here")
    args = ap.parse_args()
    import torch

    grid = [(k, p) for k in KINDS for p in PRESETS] if args.all else list(QUICK_CLASSIFY)
    if default_classifier() not in grid:
        grid.append(default_classifier())
    load_before = os.getloadavg()
    runs = []
    if args.only != "generate":
        for name in CLASSIFY_SAMPLES:
            data = load_dataset(sample_path(name), task="classify", seed=0)
            runs.extend(baselines(data, name))
            for kind, preset in grid:
                runs.append(classify_run(data, name, kind, preset, args.max_time))
                print(json.dumps(runs[-1]), file=sys.stderr, flush=True)
    if args.only != "classify":
        data = load_dataset(sample_path(GENERATE_SAMPLE), task="generate", seed=0)
        gen_grid = QUICK_GENERATE
        if args.all:
            gen_grid = [(k, p) for k in ("transformer", "lstm") for p in PRESETS]
        for kind, preset in gen_grid:
            runs.append(generate_run(data, kind, preset, args.gen_time))
            print(json.dumps(runs[-1]), file=sys.stderr, flush=True)
    goals = targets(runs)
    out = {
        "machine": {"cpu_count": os.cpu_count(), "platform": platform.platform(), "torch": torch.__version__,
                    "torch_threads": torch.get_num_threads(),
                    "load_average_before": load_before, "load_average_after": os.getloadavg()},
        "runs": runs,
        "targets": goals,
    }  # fmt: skip
    print(json.dumps(out, indent=2))
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(out, fh, indent=2)
    print_tables(runs, goals)
    return 0


if __name__ == "__main__":
    sys.exit(main())
