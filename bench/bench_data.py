"""Data path cost: CSV load + tokenization for 10k, 100k and 1M rows made from the sample.

    .venv/bin/python bench/bench_data.py [--rows 10000 100000 1000000] [--texts dup unique] [--json F]

Each size runs in its own process so peak memory (ru_maxrss) is per size. Reports load
seconds, tokenize seconds (the BPE tokenizer trained on 20k texts, then every text encoded
with ``encode_batch``, 50k at a time), the training path (``encode_for_classify`` of all
texts at once), rows/s for each, and peak RSS. Target: cost linear in rows, >= 200k rows/s
tokenization.

``--texts dup`` repeats the sample's ~5.6k glosses (real data repeats texts too, and
identical texts are encoded once); ``unique`` appends the row number to each gloss, so that
no two texts are the same (an honest worst case: every row also brings a new word).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def make_csv(path: str, rows: int, unique: bool = False) -> None:
    from tinystudio.resources import sample_path

    with open(sample_path("wordnet_topics.csv"), encoding="utf-8") as fh:
        src = list(csv.DictReader(fh))
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "gloss", "category"])
        for i in range(rows):
            r = src[i % len(src)]
            w.writerow([i, f"{r['gloss']} {i}" if unique else r["gloss"], r["category"]])


def measure(path: str) -> dict:
    import resource

    from tinystudio.core.data import load_dataset
    from tinystudio.core.tokenize import TextTokenizer
    from tinystudio.core.training.batches import encode_for_classify

    t0 = time.perf_counter()
    data = load_dataset(path, task="classify", seed=0)
    t1 = time.perf_counter()
    tok = TextTokenizer.train(data.texts[:20_000], "bpe", 4000)
    t2 = time.perf_counter()
    n_tokens = 0
    for s in range(0, len(data.texts), 50_000):
        n_tokens += sum(len(ids) for ids in tok.encode_batch(data.texts[s : s + 50_000]))
    t3 = time.perf_counter()
    tok = TextTokenizer.from_json(tok.to_json())  # the same tokenizer, nothing remembered
    t4 = time.perf_counter()
    encode_for_classify(tok, data.texts, 128)
    t5 = time.perf_counter()
    rows = len(data.texts)
    return {
        "rows": rows,
        "load_seconds": t1 - t0,
        "load_rows_per_sec": rows / (t1 - t0),
        "tokenizer_train_seconds": t2 - t1,
        "tokenize_seconds": t3 - t2,
        "tokenize_rows_per_sec": rows / (t3 - t2),
        "classify_encode_seconds": t5 - t4,
        "classify_encode_rows_per_sec": rows / (t5 - t4),
        "tokens": n_tokens,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "file_mb": os.path.getsize(path) / 2**20,
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--texts", nargs="+", choices=["dup", "unique"], default=["dup", "unique"])
    ap.add_argument("--json")
    ap.add_argument("--one", help=argparse.SUPPRESS)  # child process: measure this file
    args = ap.parse_args()
    if args.one:
        print(json.dumps(measure(args.one)))
        return 0
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for kind in args.texts:
            for n in args.rows:
                path = os.path.join(tmp, f"rows_{n}_{kind}.csv")
                make_csv(path, n, unique=kind == "unique")
                out = subprocess.run([sys.executable, __file__, "--one", path], capture_output=True, text=True, check=True)
                results.append({"texts": kind, **json.loads(out.stdout)})
                print(json.dumps(results[-1]), file=sys.stderr, flush=True)
    for r in results:
        base = next(b for b in results if b["texts"] == r["texts"])
        for what in ("load", "tokenize"):
            r[f"{what}_cost_ratio_per_row"] = (r[f"{what}_seconds"] / r["rows"]) / (base[f"{what}_seconds"] / base["rows"])
    print(json.dumps({"runs": results}, indent=2))
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"runs": results}, fh, indent=2)
    print("\n| texts | rows | file MB | load s | load rows/s | tokenize s | tokenize rows/s | encode_for_classify rows/s "
          "| peak RSS MB | cost/row vs first size: load, tokenize |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r['texts']} | {r['rows']:,} | {r['file_mb']:.0f} | {r['load_seconds']:.2f} | {r['load_rows_per_sec']:,.0f} | "
              f"{r['tokenize_seconds']:.2f} | {r['tokenize_rows_per_sec']:,.0f} | {r['classify_encode_rows_per_sec']:,.0f} | "
              f"{r['peak_rss_mb']:.0f} | {r['load_cost_ratio_per_row']:.2f}, {r['tokenize_cost_ratio_per_row']:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
