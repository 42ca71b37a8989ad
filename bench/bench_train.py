"""Generate-task training: TinyStudio's trainer against a plain PyTorch reference loop.

    .venv/bin/python bench/bench_train.py [--seconds 90] [--json out.json]

Same corpus (the bundled KJV sample), same split, same wall-clock budget, one run after the
other on this machine. Reports tokens/s and validation bits per character for:

* ``reference``: ``reference_nanogpt.py`` (4x128, 4 heads, context 64, batch 12, AdamW 1e-3);
* ``tinystudio_same_model``: our trainer on exactly that model shape and batch (fused AdamW,
  gradient clipping, evaluations, events: everything a real run does), compiling off;
* ``tinystudio_same_model_compiled``: the same with ``torch.compile`` from the first step
  (its compile time is inside the budget; tokens/s is the steady rate after it);
* ``tinystudio_defaults``: what a user gets by pressing Train with no settings.
* with ``--threads-sweep``: the reference and ours on one thread too (see shared/PLATFORM.md).

Ratios are against the reference measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import torch  # noqa: E402

sys.path.insert(0, os.path.dirname(__file__))
from reference_nanogpt import run_reference  # noqa: E402

from tinystudio.core.data import load_dataset  # noqa: E402
from tinystudio.core.pipeline import score_split  # noqa: E402
from tinystudio.core.training.config import TrainConfig  # noqa: E402
from tinystudio.core.training.loop import train  # noqa: E402
from tinystudio.resources import sample_path  # noqa: E402


def ours(data, seconds: float, threads: int | None, **overrides) -> dict:
    default_threads = torch.get_num_threads()
    cfg = TrainConfig(task="generate", max_time=seconds, epochs=10_000, checkpoint_every=0,
                      sample_every=0, threads=threads, **overrides)
    res = train(cfg, data)
    torch.set_num_threads(default_threads)
    events = res.history
    compiled_at = next((h["step"] for h in events if h.get("kind") == "compile"), None)
    compile_notes = [h["message"] for h in events if h.get("kind") == "compile"]
    # Raw rate: intervals between progress events, after the first two (and after compiling).
    steady = [h for h in events if h["event"] == "StepEvent" and (compiled_at is None or h["step"] > compiled_at + 1)]
    rates = [h["items_per_sec"] for h in steady]
    test = score_split(res.model, data, "test")
    batch = res.model.train_config["batch_size"]
    ctx = res.model.config.max_len
    return {
        "steps": res.steps,
        "seconds": res.seconds,
        "tokens_per_sec": statistics.median(rates[2:] or rates),  # raw training throughput
        "tokens_per_sec_overall": res.steps * batch * ctx / res.seconds,  # evaluations included
        "bits_per_char": test["bits_per_char"],
        "params": sum(p.numel() for p in res.model.module.parameters()),
        "settings": {k: res.model.train_config[k] for k in ("model_kind", "preset", "batch_size", "max_len", "lr")},
        "threads": threads or default_threads,
        "compile": compile_notes,
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=90.0)
    ap.add_argument("--json")
    ap.add_argument("--threads-sweep", action="store_true", help="also run both on one thread")
    args = ap.parse_args()
    data = load_dataset(sample_path("kjv_pentateuch.txt"), task="generate", seed=0)
    train_text = "".join(data.texts[i] + "\n" for i in data.splits.train)
    test_text = "".join(data.texts[i] + "\n" for i in data.splits.test)
    results = {}
    for threads in (None, 1) if args.threads_sweep else (None,):
        key = "reference" if threads is None else "reference_1thread"
        if threads:
            torch.set_num_threads(threads)
        results[key] = run_reference(train_text, test_text, args.seconds)
        results[key]["threads"] = torch.get_num_threads()
        torch.set_num_threads(os.cpu_count() or 1)
        print(key, json.dumps(results[key]), file=sys.stderr, flush=True)
    same = dict(model_kind="transformer", preset="small", max_len=64, batch_size=12, lr=1e-3)
    runs = {"tinystudio_same_model": (None, dict(same, compile="off")),
            "tinystudio_same_model_compiled": (None, dict(same, compile="on"))}
    if args.threads_sweep:
        runs["tinystudio_same_model_1thread"] = (1, dict(same, compile="off"))
    runs["tinystudio_defaults"] = (None, {})
    for key, (threads, overrides) in runs.items():
        results[key] = ours(data, args.seconds, threads, **overrides)
        print(key, json.dumps(results[key]), file=sys.stderr, flush=True)

    ref = results["reference"]
    same_keys = [k for k in results if k.startswith("tinystudio_same_model")]
    best_same = max(results[k]["tokens_per_sec"] for k in same_keys)
    summary = {
        "throughput_ratio_same_model": best_same / ref["tokens_per_sec"],
        "throughput_ratio_same_model_eager": results["tinystudio_same_model"]["tokens_per_sec"] / ref["tokens_per_sec"],
        "defaults_bpc": results["tinystudio_defaults"]["bits_per_char"],
        "reference_bpc": ref["bits_per_char"],
        "defaults_beat_reference": results["tinystudio_defaults"]["bits_per_char"] < ref["bits_per_char"],
    }
    out = {"seconds_each": args.seconds, "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
           "torch": torch.__version__}, "runs": results, "summary": summary}
    print(json.dumps(out, indent=2))
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(out, fh, indent=2)
    print("\n| run | threads | tokens/s (steady) | vs reference | tokens/s (whole run) | steps | bits/char |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, r in results.items():
        whole = r.get("tokens_per_sec_overall", r["tokens_per_sec"])
        print(f"| {name} | {r['threads']} | {r['tokens_per_sec']:,.0f} | {r['tokens_per_sec'] / ref['tokens_per_sec']:.2f}x "
              f"| {whole:,.0f} | {r['steps']} | {r['bits_per_char']:.3f} |")
    for name, r in results.items():
        for note in r.get("compile", []):
            print(f"{name}: {note}")
    print(f"\nthroughput ratio (same model, best of eager/compiled): {summary['throughput_ratio_same_model']:.2f}x (target >= 1.2); "
          f"eager {summary['throughput_ratio_same_model_eager']:.2f}x")
    print(f"defaults {summary['defaults_bpc']:.3f} vs reference {summary['reference_bpc']:.3f} bits/char (target: lower)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
