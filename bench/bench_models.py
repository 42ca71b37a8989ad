"""Quality, time and size of every model kind and preset on the bundled samples, with
scikit-learn baselines (TF-IDF + logistic regression, character n-grams + linear SVM) for
the classify task, on the WordNet topics sample and on the KJV verse -> book sample.

    .venv/bin/python bench/bench_models.py [--max-time 120] [--only classify|generate] [--json out.json]

Prints one JSON object (all runs) and a Markdown table. Classify runs use the default
epochs with early stopping, capped by --max-time; generate runs train for --gen-time seconds.
Figures depend on the machine and its load: compare runs made together.
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
        ("tfidf_word_logreg", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True), LogisticRegression(C=10, max_iter=2000)),
        ("tfidf_char_svm", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True), LinearSVC()),
    ):
        t0 = time.perf_counter()
        clf.fit(vec.fit_transform(x_tr), y_tr)
        pred = clf.predict(vec.transform(x_te))
        seconds = time.perf_counter() - t0
        acc = sum(int(p == y) for p, y in zip(pred, y_te)) / len(y_te)
        out.append({"task": "classify", "data": name, "model": label, "preset": "-", "params": 0,
                    "accuracy": round(acc, 4), "macro_f1": round(f1_score(y_te, pred, average="macro"), 4),
                    "train_seconds": round(seconds, 1), "steps": 0, "stop_reason": "-"})
        print(json.dumps(out[-1]), file=sys.stderr, flush=True)
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--max-time", type=float, default=120.0, help="cap per classify run (s)")
    ap.add_argument("--gen-time", type=float, default=60.0, help="budget per generate run (s)")
    ap.add_argument("--only", choices=["classify", "generate"])
    ap.add_argument("--json", help="also write the JSON here")
    args = ap.parse_args()
    import torch

    runs = []
    if args.only != "generate":
        for sample in ("wordnet_topics.csv", "kjv_books.csv"):
            data = load_dataset(sample_path(sample), task="classify", seed=0)
            runs.extend(baselines(data, sample))
            for kind in KINDS:
                for preset in PRESETS:
                    t0 = time.perf_counter()
                    res = train(
                        TrainConfig(task="classify", model_kind=kind, preset=preset, max_time=args.max_time, checkpoint_every=0),
                        data,
                    )
                    m = score_split(res.model, data, "test")
                    runs.append(
                        {
                            "task": "classify", "data": sample, "model": kind, "preset": preset,
                            "params": count_params(res.model.module),
                            "accuracy": round(m["accuracy"], 4), "macro_f1": round(m["macro_f1"], 4),
                            "train_seconds": round(res.seconds, 1), "steps": res.steps,
                            "stop_reason": res.stop_reason, "wall_seconds": round(time.perf_counter() - t0, 1),
                        }
                    )
                    print(json.dumps(runs[-1]), file=sys.stderr, flush=True)
    if args.only != "classify":
        data = load_dataset(sample_path("kjv_pentateuch.txt"), task="generate", seed=0)
        for kind in ("transformer", "lstm"):
            for preset in PRESETS:
                res = train(
                    TrainConfig(task="generate", model_kind=kind, preset=preset, max_time=args.gen_time, epochs=1000, checkpoint_every=0),
                    data,
                )
                m = score_split(res.model, data, "test")
                runs.append(
                    {
                        "task": "generate", "data": "kjv_pentateuch.txt", "model": kind, "preset": preset,
                        "params": count_params(res.model.module),
                        "bits_per_char": round(m["bits_per_char"], 4), "perplexity": round(m["perplexity"], 3),
                        "train_seconds": round(res.seconds, 1), "steps": res.steps, "stop_reason": res.stop_reason,
                    }
                )
                print(json.dumps(runs[-1]), file=sys.stderr, flush=True)
    out = {
        "machine": {"cpu_count": os.cpu_count(), "platform": platform.platform(), "torch": torch.__version__,
                    "torch_threads": torch.get_num_threads()},
        "runs": runs,
    }
    print(json.dumps(out, indent=2))
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(out, fh, indent=2)
    print("\n| data | model | preset | params | quality | train s | steps | stop |")
    print("|---|---|---|---:|---:|---:|---:|---|")
    for r in runs:
        q = (f"acc {r['accuracy']:.3f} / F1 {r['macro_f1']:.3f}" if r["task"] == "classify"
             else f"{r['bits_per_char']:.3f} bits/char")
        print(f"| {r['data']} | {r['model']} | {r['preset']} | {r['params']:,} | {q} | {r['train_seconds']} | {r['steps']} | {r['stop_reason']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
