"""Compression on the bundled samples: int8, 50% pruning and a distilled student, measured.

    .venv/bin/python bench/bench_compress.py [--train-time 60] [--distill-time 60]
        [--classify-model DIR] [--generate-model DIR] [--json out.json]

Trains a small transformer on each sample (or uses the given model folders), runs the
compression lab (the same code as ``tinystudio compress`` and the Compress tab) and prints a
Markdown table with ratios against the original and the issue's targets:

* int8: size ≤ 0.35 of fp32 (transformer), batch-1 latency ≤ 0.8, quality change ≤ 1 accuracy
  point / ≤ 0.02 bits per character;
* the same figures for 50% magnitude pruning and for a distilled "tiny" student.

It also times the ONNX fp32 and ONNX int8 exports with ONNX Runtime (one thread, batch 1),
since that is the int8 path that runs on users' devices. Timings use one thread, models timed
in turn in 10 short rounds (300 batch-1 calls each); the machine's other load shows up as noise, so compare runs made together.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import torch  # noqa: E402

from tinystudio.core.compress import parse_method, run_lab  # noqa: E402
from tinystudio.core.compress.lab import dataset_for_model, evalset_for  # noqa: E402
from tinystudio.core.compress.measure import Inputs  # noqa: E402
from tinystudio.core.export import export_model  # noqa: E402
from tinystudio.core.modelio import load_model  # noqa: E402
from tinystudio.core.pipeline import train_on_file  # noqa: E402
from tinystudio.core.training.config import TrainConfig  # noqa: E402
from tinystudio.resources import sample_path  # noqa: E402

TARGETS = {"int8": {"size": 0.35, "latency": 0.8}}


def train_sample(task: str, out: Path, seconds: float) -> Path:
    path = sample_path("wordnet_topics.csv" if task == "classify" else "kjv_pentateuch.txt")
    cfg = TrainConfig(task=task, model_kind="transformer", preset="small", max_time=seconds, threads=1,
                      checkpoint_every=0, sample_every=0)
    print(f"training a small transformer ({task}) for {seconds:.0f} s…", file=sys.stderr, flush=True)
    train_on_file(path, cfg, out_dir=out)
    return out


def ort_latency(folder: Path, inputs: Inputs, runs: int = 300) -> float:
    """Median batch-1 latency (ms) of an ONNX export with ONNX Runtime, one thread."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    s = ort.InferenceSession(str(folder / "model.onnx"), opts, providers=["CPUExecutionProvider"])

    def feeds(i):
        ids, mask = inputs.single[i % len(inputs.single)]
        f = {"ids": ids.numpy()}
        if mask is not None:
            f["mask"] = mask.numpy()
        return f

    for i in range(10):
        s.run(None, feeds(i))
    times = []
    for i in range(runs):
        f = feeds(i)
        t = time.perf_counter()
        s.run(None, f)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def bench_model(model_dir: Path, work: Path, distill_time: float) -> dict:
    steps = [parse_method("int8"), parse_method("prune:0.5"), parse_method("distill:tiny")]
    steps[2] = replace(steps[2], seconds=distill_time)
    result = run_lab(model_dir, steps, work / "variants", stack=False,
                     on_progress=lambda p: print(f"  [{p.fraction:4.0%}] {p.message}", file=sys.stderr, flush=True))
    # ONNX Runtime: fp32 and int8 exports of the same model, timed on the same inputs.
    model = load_model(model_dir)
    evalset = evalset_for(model, dataset_for_model(model))
    inputs = Inputs(model, evalset)
    onnx = {}
    for fmt in ("onnx", "onnx-int8"):
        exp = export_model(model_dir, fmt, work / fmt, texts=evalset.texts)
        onnx[fmt] = {"size_bytes": exp.size_bytes, "agreement": exp.agreement,
                     "latency_ms_p50": ort_latency(work / fmt, inputs)}
    return {"lab": result.to_dict(with_flips=False), "onnx": onnx}


def rows_for(task: str, res: dict) -> list[dict]:
    lab = res["lab"]
    base = lab["original"]
    q_key = "accuracy" if task == "classify" else "bits_per_char"
    rows = []
    for v in [base, *lab["variants"]]:
        dq = v[q_key] - base[q_key]
        rows.append({
            "task": task,
            "variant": v["name"],
            "size_mb": v["size_bytes"] / 1e6,
            "size_ratio": v["size_bytes"] / base["size_bytes"],
            "embedding_share": v["embedding_bytes"] / v["size_bytes"],
            "nonzero_ratio": v["nonzero_params"] / base["nonzero_params"],
            "p50_ms": v["latency_ms_p50"],
            "latency_ratio": v["latency_ms_p50"] / base["latency_ms_p50"],
            "throughput": v["throughput"],
            "quality": v[q_key],
            "quality_change": dq * 100 if task == "classify" else dq,
            "changed": None if v.get("agreement") is None else 1 - v["agreement"],
            "notes": v["notes"],
        })
    o = res["onnx"]
    for fmt in ("onnx", "onnx-int8"):
        rows.append({
            "task": task, "variant": f"ONNX Runtime {fmt.replace('onnx-', '')}",
            "size_mb": o[fmt]["size_bytes"] / 1e6,
            "size_ratio": o[fmt]["size_bytes"] / o["onnx"]["size_bytes"],
            "p50_ms": o[fmt]["latency_ms_p50"],
            "latency_ratio": o[fmt]["latency_ms_p50"] / o["onnx"]["latency_ms_p50"],
            "changed": 1 - o[fmt]["agreement"],
        })
    return rows


def verdict(row: dict) -> str:
    name = row["variant"]
    if name == "original":
        return ""
    checks = []
    if name == "int8" or name.endswith("int8"):
        checks.append(("size", row["size_ratio"] <= TARGETS["int8"]["size"]))
        checks.append(("speed", row["latency_ratio"] <= TARGETS["int8"]["latency"]))
    elif "prune" in name or "distil" in name:
        checks.append(("speed", row["latency_ratio"] <= 0.8))
    if "quality_change" in row:
        ok = (row["quality_change"] >= -1.0) if row["task"] == "classify" else (row["quality_change"] <= 0.02)
        checks.append(("quality", ok))
    return " ".join(f"{k} {'✓' if ok else '✗'}" for k, ok in checks)


def markdown(rows: list[dict]) -> str:
    head = ("| task | variant | size MB | × size | word table | non-zero | p50 ms | × time | batch-32 /s "
            "| quality | Δ quality | changed | targets |")
    out = [head, "|" + "---|" * 13]
    for r in rows:
        q = r.get("quality")
        qtext = "" if q is None else (f"{q:.1%}" if r["task"] == "classify" else f"{q:.3f} bpc")
        dq = r.get("quality_change")
        dtext = "" if dq is None or r["variant"] == "original" else (
            f"{dq:+.1f} pt" if r["task"] == "classify" else f"{dq:+.3f}")
        out.append(
            f"| {r['task']} | {r['variant']} | {r['size_mb']:.2f} | {r['size_ratio']:.2f} | "
            f"{'' if 'embedding_share' not in r else format(r['embedding_share'], '.0%')} | "
            f"{'' if 'nonzero_ratio' not in r else format(r['nonzero_ratio'], '.0%')} | "
            f"{r['p50_ms']:.2f} | {r['latency_ratio']:.2f} | "
            f"{'' if 'throughput' not in r else format(r['throughput'], ',.0f')} | {qtext} | {dtext} | "
            f"{'' if r.get('changed') is None else format(r['changed'], '.1%')} | {verdict(r)} |"
        )
    return "\n".join(out)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--train-time", type=float, default=60.0)
    ap.add_argument("--distill-time", type=float, default=60.0)
    ap.add_argument("--classify-model")
    ap.add_argument("--generate-model")
    ap.add_argument("--json")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-compress-"))
    rows, raw = [], {}
    for task, given in (("classify", args.classify_model), ("generate", args.generate_model)):
        model_dir = Path(given) if given else train_sample(task, work / f"{task}-model", args.train_time)
        print(f"compressing {model_dir}…", file=sys.stderr, flush=True)
        raw[task] = bench_model(model_dir, work / task, args.distill_time)
        rows += rows_for(task, raw[task])
    print(f"Machine: {platform.machine()} {platform.processor() or ''}, torch {torch.__version__}, "
          f"int8 engine {torch.backends.quantized.engine}, {os.cpu_count()} CPUs; one thread.\n")
    print(markdown(rows))
    print("\nWhy (from the measurements):")
    for r in rows:
        for note in r.get("notes") or []:
            print(f"- {r['task']} / {r['variant']}: {note}")
    if args.json:
        Path(args.json).write_text(json.dumps({"rows": rows, "raw": raw}, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
