"""Inference speed of every model kind, float32 against int8, on one torch thread.

    .venv/bin/python bench/bench_infer.py [--train-seconds 10] [--preset small] [--json out.json]

For each model kind (classify: fasttext, transformer, lstm on ``wordnet_topics.csv``; generate:
transformer, lstm on ``kjv_pentateuch.txt``) a model is trained for a few seconds with the core
pipeline, turned into int8 by the compression lab (``run_lab`` with ``int8``: the same code as
``tinystudio compress`` and the Compress tab), and both are measured in the same run:

* **the real inference path** (what the Try tab and a script call), fp32 and int8 timed in turn
  over several rounds, order swapped every round:
    - classify: ``TrainedModel.predict([text])`` — one text in, probabilities of every label out
      (tokenizing, forward, softmax, sorting) — batch-1 p50/p95 ms; ``predict(32 texts)`` → texts/s;
    - generate: ``TrainedModel.generate`` with a prompt as long as the context window, so every
      token is predicted from a full window (the steady state of a long generation); p50/p95 ms
      per generated token (the char tokenizer yields one piece per token). Batch 32: the app has
      no batched generation, so 32 streams are decoded greedily in a bench loop on the same
      module (new tokens/s).
* **the model's forward pass alone**, from the lab (``compress.measure.time_models``: prepared
  inputs, 10 interleaved rounds): batch-1 p50/p95 and batch-32 texts/s or tokens scored/s.
* **quality and size**, from the lab: accuracy / bits per character on the held-out split (the
  int8 folder reloaded from disk), share of answers that changed, bytes of ``model.safetensors``.

**Generation with and without the cache** (with ``--cache``, or alone with ``--cache-only``): for the Transformer
language model at its default window and at a 256-token window, and the LSTM language model,
``generate`` makes 128 tokens at batch 1 from an 8-character prompt, with the cache and the
uncached path (the window re-read for every token) taking turns over several rounds; tokens/s,
their ratio, and whether both wrote the same text. The cache serves only while the text fits
the window: past it every token re-reads the window, as before (same tokens either way).

Real-path calls are timed in wall time (what a user waits for) and in the CPU time of the
timing thread (what the model costs: it hardly moves when other programs share the cores,
while wall-time p95 mostly measures them). Prints JSON, then a Markdown table with int8/fp32
ratios. A few seconds of training give weak models; the point is that int8 gives the *same*
answers, and how fast each kind is. About 2–3 minutes with the defaults on an idle 2-core
machine (``phase_seconds`` in the JSON says where the time went).
"""

from __future__ import annotations

import argparse
import copy
import gc
import json
import math
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import torch  # noqa: E402

from tinystudio.core.compress import dataset_for_model, evalset_for, parse_method, run_lab  # noqa: E402
from tinystudio.core.inference import TrainedModel  # noqa: E402
from tinystudio.core.modelio import load_model  # noqa: E402
from tinystudio.core.pipeline import train_on_file  # noqa: E402
from tinystudio.core.training.config import TrainConfig  # noqa: E402
from tinystudio.resources import sample_path  # noqa: E402

MODELS = [
    ("classify", "fasttext"),
    ("classify", "transformer"),
    ("classify", "lstm"),
    ("generate", "transformer"),
    ("generate", "lstm"),
]
SAMPLES = {"classify": "wordnet_topics.csv", "generate": "kjv_pentateuch.txt"}
BATCH = 32
ROUNDS = 5  # timed rounds of the real path; fp32 and int8 take turns within each
SINGLE_PER_ROUND = 40  # classify: predict([text]) calls per model per round
BATCHES_PER_ROUND = 2  # classify: predict(32 texts) calls per model per round
TOKENS_PER_ROUND = 40  # generate: tokens generated one at a time per model per round
DECODE_STEPS = 6  # generate: batch-32 decoding steps per model per round


def say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, math.ceil(p / 100 * len(s)) - 1))]


# -- training and the int8 variant ----------------------------------------------------------------
def train_one(task: str, kind: str, preset: str, seconds: float, out: Path) -> dict:
    cfg = TrainConfig(task=task, model_kind=kind, preset=preset, max_time=seconds, threads=1,
                      checkpoint_every=0, sample_every=0)
    say(f"training {task} {kind} {preset} for {seconds:.0f} s…")
    outcome = train_on_file(sample_path(SAMPLES[task]), cfg, out_dir=out)
    r = outcome.result
    return {"model_dir": str(outcome.model_dir), "steps": r.steps, "seconds": round(r.seconds, 1),
            "stop_reason": r.stop_reason,
            "params": sum(p.numel() for p in r.model.module.parameters())}


# -- the real inference path ----------------------------------------------------------------------
# Each call is timed twice: wall time (what a user waits for) and this thread's CPU time (what
# the model costs; hardly changed when other programs take turns on the same cores).
def now() -> tuple[float, float]:
    return time.perf_counter(), time.thread_time()


def since(t0: tuple[float, float]) -> tuple[float, float]:
    """(wall ms, CPU ms) since ``t0``."""
    wall, cpu = now()
    return (wall - t0[0]) * 1000, (cpu - t0[1]) * 1000


def classify_round(model: TrainedModel, texts: list[str], offset: int) -> dict:
    """Batch-1 ``predict`` times, then texts and time of batch-32 ``predict`` calls."""
    wall, cpu = [], []
    for i in range(SINGLE_PER_ROUND):
        text = texts[(offset + i) % len(texts)]
        t = now()
        model.predict([text])
        w, c = since(t)
        wall.append(w)
        cpu.append(c)
    n, t = 0, now()
    for b in range(BATCHES_PER_ROUND):
        j = ((offset // SINGLE_PER_ROUND + b) * BATCH) % max(len(texts) - BATCH, 1)
        n += len(model.predict(texts[j : j + BATCH]))
    w, c = since(t)
    return {"wall": wall, "cpu": cpu, "items": n, "batch_ms": w, "batch_cpu_ms": c, "pieces": len(wall)}


def generate_round(model: TrainedModel, prompts: list[str], contexts: torch.Tensor, r: int) -> dict:
    """Per-token times of one streamed generation, then new tokens and time of batch-32 greedy
    decoding in a plain loop (the app generates one stream at a time)."""
    wall, cpu = [], []
    t = now()
    for _ in model.generate(prompts[r % len(prompts)], max_tokens=TOKENS_PER_ROUND, temperature=0.8,
                            top_k=40, seed=r):
        w, c = since(t)
        wall.append(w)
        cpu.append(c)
        t = now()
    window = model.config.max_len
    ids, t = contexts, now()
    with torch.no_grad():
        for _ in range(DECODE_STEPS):
            logits = model.module(ids[:, -window:])[:, -1]  # (B, vocab)
            ids = torch.cat([ids, logits.argmax(dim=-1, keepdim=True)], dim=1)
    w, c = since(t)
    return {"wall": wall, "cpu": cpu, "items": ids.shape[0] * DECODE_STEPS, "batch_ms": w,
            "batch_cpu_ms": c, "pieces": len(wall)}


def time_real_path(models: dict[str, TrainedModel], task: str, texts: list[str]) -> dict:
    """Time every model in ``models`` on the same inputs, in ROUNDS rounds, order swapped each
    round so that the machine's other load falls evenly on all of them."""
    names = list(models)
    first = models[names[0]]
    acc = {n: {"wall": [], "cpu": [], "items": 0, "batch_ms": 0.0, "batch_cpu_ms": 0.0, "pieces": 0}
           for n in names}
    if task == "generate":
        window = first.config.max_len
        stream = "\n".join(texts)
        prompts = [stream[i : i + window] for i in range(0, len(stream) - window, len(stream) // 16)][:16]
        ids = [first.tokenizer.encode(stream[i * 997 : i * 997 + 4 * window])[:window] for i in range(BATCH)]
        contexts = torch.tensor([row for row in ids if len(row) == window][:BATCH])
    for r in range(-1, ROUNDS):  # round -1: warm-up, not counted
        gc.collect()
        for n in names if r % 2 == 0 else names[::-1]:
            if task == "classify":
                got = classify_round(models[n], texts, max(r, 0) * SINGLE_PER_ROUND)
            else:
                got = generate_round(models[n], prompts, contexts, max(r, 0))
            if r >= 0:
                for key, value in got.items():
                    acc[n][key] += value
    out = {}
    for n in names:
        a = acc[n]
        out[n] = {
            "latency_ms_p50": statistics.median(a["wall"]),
            "latency_ms_p95": pct(a["wall"], 95),
            "cpu_ms_p50": statistics.median(a["cpu"]),
            "cpu_ms_p95": pct(a["cpu"], 95),
            "latency_unit": "ms per text" if task == "classify" else "ms per token",
            "latency_samples": len(a["wall"]),
            "throughput": a["items"] / max(a["batch_ms"] / 1000, 1e-9),
            "throughput_per_cpu_s": a["items"] / max(a["batch_cpu_ms"] / 1000, 1e-9),
            "throughput_unit": "texts/s" if task == "classify" else "new tokens/s (batch-32 greedy loop)",
        }
        if task == "generate":
            # One streamed piece per token with the char tokenizer; fewer pieces would mean
            # some intervals cover several tokens.
            out[n]["pieces_per_token"] = a["pieces"] / (ROUNDS * TOKENS_PER_ROUND)
    return out


# -- one model kind -------------------------------------------------------------------------------
def bench_kind(task: str, kind: str, preset: str, seconds: float, work: Path) -> dict:
    folder = work / f"{task}-{kind}"
    t0 = time.perf_counter()
    trained = train_one(task, kind, preset, seconds, folder)
    t1 = time.perf_counter()
    say("  int8 variant and the lab's measurements (size, quality, forward pass)…")
    lab = run_lab(trained["model_dir"], [parse_method("int8")], folder / "variants", timing_rounds=10)
    t2 = time.perf_counter()
    fp32_m, int8_m = lab.original, lab.variants[0]
    fp32, int8 = load_model(fp32_m.folder), load_model(int8_m.folder)
    evalset = evalset_for(fp32, dataset_for_model(fp32))
    say("  timing the real inference path…")
    old = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        real = time_real_path({"fp32": fp32, "int8": int8}, task, evalset.texts)
    finally:
        torch.set_num_threads(old)
    phases = {"train": t1 - t0, "lab": t2 - t1, "real_path": time.perf_counter() - t2}

    def variant(m, name: str) -> dict:
        return {
            "size_bytes": m.size_bytes,
            "params": m.params,
            "quality": m.quality,
            "agreement_with_fp32": m.agreement,
            "real_path": real[name],
            "forward": {
                "latency_ms_p50": m.latency_ms_p50,
                "latency_ms_p95": m.latency_ms_p95,
                "throughput": m.throughput,
                "throughput_unit": m.throughput_unit,
            },
            "peak_memory_bytes": m.peak_memory_bytes,
        }

    res = {"task": task, "kind": kind, "preset": preset, "train": trained,
           "evaluated_on": lab.evaluated_on, "fp32": variant(fp32_m, "fp32"),
           "int8": variant(int8_m, "int8"), "notes": int8_m.notes,
           "phase_seconds": {k: round(v, 1) for k, v in phases.items()}}
    a, b = res["fp32"], res["int8"]
    q = "accuracy" if task == "classify" else "bits_per_char"
    res["int8_over_fp32"] = {
        "size": b["size_bytes"] / a["size_bytes"],
        "latency_p50": b["real_path"]["latency_ms_p50"] / a["real_path"]["latency_ms_p50"],
        "latency_p95": b["real_path"]["latency_ms_p95"] / a["real_path"]["latency_ms_p95"],
        "cpu_p50": b["real_path"]["cpu_ms_p50"] / a["real_path"]["cpu_ms_p50"],
        "throughput": b["real_path"]["throughput"] / a["real_path"]["throughput"],
        "throughput_per_cpu_s": b["real_path"]["throughput_per_cpu_s"] / a["real_path"]["throughput_per_cpu_s"],
        "forward_latency_p50": b["forward"]["latency_ms_p50"] / a["forward"]["latency_ms_p50"],
        "forward_throughput": b["forward"]["throughput"] / a["forward"]["throughput"],
        f"{q}_change": b["quality"][q] - a["quality"][q],
    }
    return res


# -- report ---------------------------------------------------------------------------------------
def quality_text(v: dict, task: str) -> str:
    q = v["quality"]
    return f"acc {q['accuracy']:.1%}" if task == "classify" else f"{q['bits_per_char']:.3f} bpc"


def markdown(results: list[dict]) -> str:
    head = ("| model | variant | size MB | batch-1 p50 | batch-1 p95 | batch-1 CPU p50 | batch-32 "
            "| forward b1 p50 ms | forward b32 | quality | changed |")
    out = [head, "|" + "---|" * 11]
    for r in results:
        task = r["task"]
        per = "text" if task == "classify" else "token"
        b32 = "texts/s" if task == "classify" else "tok/s"
        fwd32 = "texts/s" if task == "classify" else "tok/s scored"
        name = f"{task} {r['kind']} {r['preset']}"

        for label in ("fp32", "int8"):
            v = r[label]
            rp, fw = v["real_path"], v["forward"]
            changed = "" if v["agreement_with_fp32"] is None else f"{1 - v['agreement_with_fp32']:.1%}"
            out.append(
                f"| {name} | {label} | {v['size_bytes'] / 1e6:.2f} | {rp['latency_ms_p50']:.2f} ms/{per} | "
                f"{rp['latency_ms_p95']:.2f} ms/{per} | {rp['cpu_ms_p50']:.2f} ms | {rp['throughput']:,.0f} {b32} | "
                f"{fw['latency_ms_p50']:.2f} | {fw['throughput']:,.0f} {fwd32} | {quality_text(v, task)} | {changed} |"
            )
        x = r["int8_over_fp32"]
        dq = (f"{x['accuracy_change'] * 100:+.1f} pt" if task == "classify"
              else f"{x['bits_per_char_change']:+.3f} bpc")
        out.append(
            f"| {name} | **int8/fp32** | {x['size']:.2f}× | {x['latency_p50']:.2f}× | {x['latency_p95']:.2f}× | "
            f"{x['cpu_p50']:.2f}× | "
            f"{x['throughput']:.2f}× | {x['forward_latency_p50']:.2f}× | {x['forward_throughput']:.2f}× | {dq} | |"
        )
    return "\n".join(out)


# -- generation with and without the cache (issue 17) -------------------------------------------
GEN_TOKENS = 128  # tokens generated per call
GEN_ROUNDS = 5  # timed rounds; cached and uncached take turns, order swapped every round


class Uncached(TrainedModel):
    """The same model generating the way it did before the cache: the window re-read per token."""

    uses_cache = False


def uncached(model: TrainedModel) -> TrainedModel:
    twin = copy.copy(model)
    twin.__class__ = Uncached
    return twin


def time_generation(model: TrainedModel, prompts: list[str]) -> dict:
    """Batch-1 tokens/s of ``generate`` (GEN_TOKENS tokens per call), cached against uncached."""
    runs = {"cached": model, "uncached": uncached(model)}
    acc = {n: {"tokens": 0, "wall": 0.0, "cpu": 0.0, "per_call": []} for n in runs}
    same = True
    for r in range(-1, GEN_ROUNDS):  # round -1: warm-up, not counted
        gc.collect()
        got = {}
        for n in runs if r % 2 == 0 else list(runs)[::-1]:
            drawn = []
            t = now()
            for piece in runs[n].generate(prompts[max(r, 0) % len(prompts)], max_tokens=GEN_TOKENS,
                                          temperature=0.8, top_k=40, seed=r):
                drawn.append(piece)
            w, c = since(t)
            got[n] = "".join(drawn)
            if r >= 0:
                acc[n]["tokens"] += GEN_TOKENS
                acc[n]["wall"] += w
                acc[n]["cpu"] += c
                acc[n]["per_call"].append(GEN_TOKENS / (w / 1000))
        same = same and got["cached"] == got["uncached"]
    out = {n: {"tokens_per_s": a["tokens"] / (a["wall"] / 1000),
               "tokens_per_cpu_s": a["tokens"] / (a["cpu"] / 1000),
               "tokens_per_s_per_call": [round(x, 1) for x in a["per_call"]]} for n, a in acc.items()}
    out["speedup"] = out["cached"]["tokens_per_s"] / out["uncached"]["tokens_per_s"]
    out["speedup_cpu"] = out["cached"]["tokens_per_cpu_s"] / out["uncached"]["tokens_per_cpu_s"]
    out["same_text"] = same
    return out


def bench_cache(preset: str, seconds: float, work: Path) -> list[dict]:
    """Generation tokens/s at batch 1, with and without the cache, for the language models: the
    Transformer at its default window and at a window long enough for the whole 128 tokens (the
    cache only serves while the text fits the window; past it each token re-reads the window, as
    before), and the LSTM."""
    cases = [("transformer", None), ("transformer", 256), ("lstm", None)]
    out = []
    for kind, window in cases:
        folder = work / f"cache-{kind}-{window}"
        extra = {"max_len": window} if window else {}
        cfg = TrainConfig(task="generate", model_kind=kind, preset=preset, max_time=seconds, threads=1,
                          checkpoint_every=0, sample_every=0, **extra)
        say(f"training generate {kind} {preset} (window {window or 'default'}) for {seconds:.0f} s…")
        outcome = train_on_file(sample_path(SAMPLES["generate"]), cfg, out_dir=folder)
        model = load_model(outcome.model_dir)
        stream = sample_path(SAMPLES["generate"]).read_text(encoding="utf-8")
        prompts = [stream[i : i + 8] for i in range(1000, len(stream), len(stream) // 8)][:8]
        say("  timing generate with and without the cache…")
        old = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            res = time_generation(model, prompts)
        finally:
            torch.set_num_threads(old)
        res.update(kind=kind, preset=preset, window=model.config.max_len, tokens=GEN_TOKENS,
                   prompt_chars=8, tokenizer=model.tokenizer.kind)
        out.append(res)
    return out


def cache_markdown(rows: list[dict]) -> str:
    out = ["| model | window | tokens | uncached tok/s | cached tok/s | cached/uncached | CPU-time ratio "
           "| same text |", "|" + "---|" * 8]
    for r in rows:
        out.append(f"| generate {r['kind']} {r['preset']} | {r['window']} | {r['tokens']} | "
                   f"{r['uncached']['tokens_per_s']:,.0f} | {r['cached']['tokens_per_s']:,.0f} | "
                   f"**{r['speedup']:.2f}×** | {r['speedup_cpu']:.2f}× | {'yes' if r['same_text'] else 'NO'} |")
    return "\n".join(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--train-seconds", type=float, default=10.0, help="training time budget per model")
    ap.add_argument("--preset", default="small", choices=["tiny", "small", "base"])
    ap.add_argument("--only", nargs="+", metavar="TASK:KIND",
                    help="subset of models, e.g. classify:fasttext generate:lstm")
    ap.add_argument("--json", help="also write the JSON here")
    ap.add_argument("--cache", action="store_true",
                    help="also generation tokens/s with and without the cache (3 more models, ~2.5 min)")
    ap.add_argument("--cache-only", action="store_true", help="only that generation comparison")
    args = ap.parse_args()
    models = [] if args.cache_only else [
        m for m in MODELS if not args.only or f"{m[0]}:{m[1]}" in args.only]
    t0 = time.perf_counter()
    report = {
        "machine": {"cpu": platform.machine(), "cpu_count": os.cpu_count(), "torch": torch.__version__,
                    "int8_engine": None, "torch_threads": 1,
                    "load_avg_at_start": [round(x, 2) for x in os.getloadavg()]},
        "settings": {"train_seconds": args.train_seconds, "preset": args.preset, "rounds": ROUNDS,
                     "batch": BATCH},
        "models": [],
    }
    with tempfile.TemporaryDirectory(prefix="bench-infer-") as tmp:
        for task, kind in models:
            report["models"].append(bench_kind(task, kind, args.preset, args.train_seconds, Path(tmp)))
        if args.cache or args.cache_only:
            report["generation_cache"] = bench_cache(args.preset, args.train_seconds, Path(tmp))
    report["machine"]["int8_engine"] = torch.backends.quantized.engine
    report["machine"]["load_avg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    report["total_seconds"] = round(time.perf_counter() - t0, 1)
    text = json.dumps(report, indent=2, default=str)
    print(text)
    if args.json:
        Path(args.json).write_text(text)
    m = report["machine"]
    print(f"\nMachine: {m['cpu']}, {m['cpu_count']} CPUs, torch {m['torch']}, int8 engine {m['int8_engine']}, "
          f"one torch thread; load {m['load_avg_at_start']} → {m['load_avg_at_end']}; "
          f"whole run {report['total_seconds']:.0f} s.\n")
    if report["models"]:
        print(markdown(report["models"]))
    if report.get("generation_cache"):
        print(f"\nGeneration at batch 1, {GEN_TOKENS} tokens from an 8-character prompt, with and without "
              "the cache (same run, interleaved rounds):\n")
        print(cache_markdown(report["generation_cache"]))
    print("\nWhy (the lab's explanations, from the forward-pass measurements):")
    for r in report["models"]:
        for note in r["notes"]:
            print(f"- {r['task']} {r['kind']}: {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
