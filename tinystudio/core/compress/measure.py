"""Measuring a model folder on this computer, now: size, speed, memory, quality, changed answers.

Nothing here is estimated from a formula. Sizes are read from the files on disk; speed is timed
with one torch thread after a warm-up (batch 1: ≥ 100 timed calls; batch 32: whole batches);
memory is the operating system's high-water mark while loading the model and running a batch;
quality is scored on the held-out split the caller passes in.
"""

from __future__ import annotations

import gc
import json
import math
import statistics
import struct
import sys
import time
import zlib
from dataclasses import asdict, dataclass, field
from pathlib import Path

import torch

from tinystudio.i18n import tr_noop

from ..evaluate import evaluate_classifier
from ..inference import TrainedModel
from ..modelio import load_model
from ..training.batches import encode_for_classify, eval_batches, sequential_windows, token_stream

WARMUP = 10
RUNS = 100  # timed batch-1 calls (the issue asks for at least 100)
BATCH = 32
BATCH_RUNS = 8  # timed batch-32 calls
MAX_FLIPS = 50  # changed answers kept for display
FLIP_WINDOWS = 32  # generate: windows compared token by token


@dataclass(frozen=True)
class EvalSet:
    """The held-out texts every variant is scored on (labels are label names; None to generate)."""

    texts: list[str]
    labels: list[str] | None
    description: str = "test split"


@dataclass
class Measurement:
    name: str
    folder: str
    task: str
    storage: str  # float32 | float16 | bfloat16 | int8
    compute_dtype: str
    size_bytes: int  # model.safetensors on disk
    folder_bytes: int  # config + tokenizer + weights
    embedding_bytes: int  # of size_bytes: the word (and position) tables
    other_bytes: int  # of size_bytes: everything else
    compressed_bytes: int  # size_bytes after zlib (what a zip of the weights would take)
    params: int
    nonzero_params: int
    latency_ms_p50: float  # batch 1
    latency_ms_p95: float
    throughput: float  # batch 32
    throughput_unit: str  # "texts/s" | "tokens/s"
    peak_memory_bytes: int | None  # high-water mark while loading + one batch; None: OS can't tell
    resident_bytes: int | None  # memory still held once loaded (model + buffers)
    quality: dict  # accuracy, macro_f1 | val_loss, bits_per_char, perplexity
    agreement: float | None = None  # share of answers equal to the original's
    n_flips: int = 0
    flips: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # plain-words explanations
    facts: dict = field(default_factory=dict)  # model facts used by the explanations

    def to_dict(self, *, with_flips: bool = True) -> dict:
        d = asdict(self)
        d.update(self.quality)
        if not with_flips:
            d.pop("flips")
        return d


# -- sizes ------------------------------------------------------------------------------------
def tensor_sizes(weights: Path) -> dict[str, tuple[list[int], str, int]]:
    """name -> (shape, dtype, bytes on disk), read from the safetensors header only."""
    with open(weights, "rb") as fh:
        (n,) = struct.unpack("<Q", fh.read(8))
        header = json.loads(fh.read(n))
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        out[name] = (info["shape"], info["dtype"], end - begin)
    return out


def size_facts(folder: Path, model: TrainedModel) -> dict:
    weights = folder / "model.safetensors"
    sizes = tensor_sizes(weights)
    emb_names = {
        f"{name}.weight"
        for name, mod in model.module.named_modules()
        if isinstance(mod, torch.nn.Embedding)
    }
    emb = sum(b for n, (_, _, b) in sizes.items() if n in emb_names or n[: -len("_scale")] in emb_names)
    total = weights.stat().st_size
    folder_bytes = sum(
        (folder / f).stat().st_size for f in ("config.json", "tokenizer.json", "model.safetensors")
    )
    compressed = len(zlib.compress(weights.read_bytes(), 6))
    params = sum(math.prod(s) for n, (s, _, _) in sizes.items() if not n.endswith("_scale"))
    matrices = [
        (s[0], s[1]) for n, (s, _, _) in sizes.items()
        if len(s) == 2 and n not in emb_names and not n.endswith("_scale")
    ]
    largest = max(matrices, key=lambda s: s[0] * s[1], default=(0, 0))
    nonzero = _nonzero(weights, [n for n in sizes if not n.endswith("_scale")])
    return {
        "size_bytes": total,
        "folder_bytes": folder_bytes,
        "embedding_bytes": emb,
        "other_bytes": total - emb,
        "compressed_bytes": compressed,
        "params": params,
        "nonzero_params": nonzero,
        "largest_matrix": list(largest),
        "embedding_share": emb / max(total, 1),
    }


def _nonzero(weights: Path, names: list[str]) -> int:
    from safetensors import safe_open

    with safe_open(str(weights), framework="pt") as fh:
        return int(sum(int(torch.count_nonzero(fh.get_tensor(n))) for n in names))


# -- memory -----------------------------------------------------------------------------------
def _proc_status(key: str) -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _reset_peak() -> bool:
    """Linux lets a process reset its own peak-memory mark (``VmHWM``); elsewhere we cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


# -- timing -----------------------------------------------------------------------------------
class Inputs:
    """Fixed model inputs built once from the held-out texts, shared by every variant."""

    def __init__(self, model: TrainedModel, evalset: EvalSet) -> None:
        self.task = model.task
        tok, cfg = model.tokenizer, model.config
        if self.task == "classify":
            seqs = encode_for_classify(tok, evalset.texts[: max(RUNS, BATCH * BATCH_RUNS)], cfg.max_len)
            self.single = [(torch.tensor([s]), torch.ones(1, len(s), dtype=torch.bool)) for s in seqs[:RUNS]]
            batches = [(ids, mask) for _, ids, mask in eval_batches(seqs, BATCH, tok.pad_id)]
            self.batches = [b for b in batches if b[0].shape[0] == BATCH][:BATCH_RUNS] or batches[:1]
            self.unit = tr_noop("texts/s")  # shown through tr() by the Compress tab
        else:
            stream = token_stream(tok, evalset.texts)
            x, _ = sequential_windows(stream, cfg.max_len, BATCH * 2)
            self.single = [(x[i : i + 1], None) for i in range(min(len(x), 16))]
            self.batches = [(x[:BATCH], None)]
            self.unit = tr_noop("tokens/s")

    def per_batch_items(self, ids: torch.Tensor) -> int:
        return ids.shape[0] if self.task == "classify" else ids.numel()


@torch.no_grad()
def time_model(
    module: torch.nn.Module, inputs: Inputs, *, calls: int = RUNS, warmup: int = WARMUP,
    batch_calls: int = BATCH_RUNS, offset: int = 0,
) -> tuple[list[float], int, float]:
    """Batch-1 call times in ms (``calls`` of them, after ``warmup`` untimed calls), and the
    batch-32 items and seconds of ``batch_calls`` batches. ``offset`` picks up the input cycle
    where the previous round left it."""
    module.eval()

    def call(ids, mask):
        return module(ids) if mask is None else module(ids, mask)

    singles = inputs.single
    for i in range(warmup):
        call(*singles[(offset + i) % len(singles)])
    times = []
    for i in range(calls):
        ids, mask = singles[(offset + i) % len(singles)]
        t = time.perf_counter()
        call(ids, mask)
        times.append((time.perf_counter() - t) * 1000.0)
    call(*inputs.batches[0])  # warm-up at the batch size
    items, start = 0, time.perf_counter()
    for i in range(batch_calls):
        ids, mask = inputs.batches[(offset + i) % len(inputs.batches)]
        call(ids, mask)
        items += inputs.per_batch_items(ids)
    return times, items, time.perf_counter() - start


# -- quality ----------------------------------------------------------------------------------
def answers(model: TrainedModel, evalset: EvalSet):
    """Per-example answers used for the flip list: (labels, confidences) or next-token ids."""
    if model.task == "classify":
        probs = model.predict_proba(evalset.texts)
        conf, pred = probs.max(dim=1)
        return pred.tolist(), conf.tolist()
    stream = token_stream(model.tokenizer, evalset.texts)
    x, _ = sequential_windows(stream, model.config.max_len, FLIP_WINDOWS)
    with torch.no_grad():
        pred = model.module(x).argmax(dim=-1)  # (N, T)
    return pred, x


def quality(model: TrainedModel, evalset: EvalSet) -> dict:
    if model.task == "classify":
        m = evaluate_classifier(model, evalset.texts, evalset.labels or [])
        return {"accuracy": m["accuracy"], "macro_f1": m["macro_f1"], "n": m["n"]}
    m = model.score_text(evalset.texts)
    return {k: m[k] for k in ("val_loss", "bits_per_char", "perplexity", "tokens")}


def flips(original_answers, variant_answers, model: TrainedModel, evalset: EvalSet) -> tuple[float, int, list]:
    """(agreement, number changed, up to MAX_FLIPS examples) versus the original's answers."""
    names = model.label_names
    if model.task == "classify":
        (p0, c0), (p1, c1) = original_answers, variant_answers
        changed = [i for i in range(len(p0)) if p0[i] != p1[i]]
        out = [
            {
                "index": i,
                "text": evalset.texts[i],
                "true": evalset.labels[i] if evalset.labels else None,
                "original": names[p0[i]],
                "variant": names[p1[i]],
                "original_confidence": c0[i],
                "variant_confidence": c1[i],
            }
            for i in changed[:MAX_FLIPS]
        ]
        return 1.0 - len(changed) / max(len(p0), 1), len(changed), out
    (t0, x), (t1, _) = original_answers, variant_answers
    n = min(t0.shape[0], t1.shape[0])
    same = t0[:n] == t1[:n]
    changed = (~same).nonzero().tolist()
    tok = model.tokenizer
    out = []
    for w, pos in changed[:MAX_FLIPS]:
        context = tok.decode(x[w, max(0, pos - 40) : pos + 1].tolist())
        out.append(
            {
                "index": int(w * x.shape[1] + pos),
                "text": context,
                "original": tok.decode([int(t0[w, pos])]),
                "variant": tok.decode([int(t1[w, pos])]),
            }
        )
    return float(same.float().mean()), len(changed), out


# -- all of it --------------------------------------------------------------------------------
def prepare_process() -> None:
    """Make memory measurements comparable between models measured one after the other.

    glibc raises its mmap threshold after large frees, so memory freed by one model would be
    silently reused by the next and hidden from the peak; pinning the threshold at its
    documented default (128 KiB) makes every large tensor a fresh mapping again.
    """
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL("libc.so.6").mallopt(-3, 128 * 1024)  # M_MMAP_THRESHOLD
        except (OSError, AttributeError):
            pass


def measure_folder(
    folder: str | Path,
    evalset: EvalSet,
    inputs: Inputs,
    *,
    name: str = "",
    original_answers=None,
    threads: int = 1,
) -> tuple[Measurement, object, TrainedModel]:
    """Measure one model folder, except its speed (see :func:`time_models`).

    Returns the measurement, its answers (for later flip lists) and the loaded model. The model
    is loaded from disk here, so what is measured is exactly what was saved.
    """
    folder = Path(folder)
    old_threads = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        gc.collect()
        can_peak = _reset_peak()
        base = _proc_status("VmRSS") if can_peak else None
        model = load_model(folder)
        with torch.no_grad():
            ids, mask = inputs.batches[0]
            model.module(ids) if mask is None else model.module(ids, mask)
        peak = _proc_status("VmHWM") if can_peak else None
        now = _proc_status("VmRSS") if can_peak else None
        peak_bytes = max(peak - base, 0) if (peak is not None and base is not None) else None
        resident = max(now - base, 0) if (now is not None and base is not None) else None
        q = quality(model, evalset)
        ans = answers(model, evalset)
    finally:
        torch.set_num_threads(old_threads)
    sizes = size_facts(folder, model)
    facts = model_facts(model)
    facts["largest_matrix"] = sizes.pop("largest_matrix")
    facts["embedding_share"] = sizes.pop("embedding_share")
    variant = model.variant or {}
    m = Measurement(
        name=name or folder.name,
        folder=str(folder),
        task=model.task,
        storage=variant.get("storage", "float32"),
        compute_dtype=variant.get("compute_dtype", "float32"),
        **sizes,
        latency_ms_p50=math.nan,
        latency_ms_p95=math.nan,
        throughput=math.nan,
        throughput_unit=inputs.unit,
        peak_memory_bytes=peak_bytes,
        resident_bytes=resident,
        quality=q,
        facts=facts,
    )
    if original_answers is not None:
        m.agreement, m.n_flips, m.flips = flips(original_answers, ans, model, evalset)
    return m, ans, model


def time_models(
    pairs: list[tuple[Measurement, torch.nn.Module]], inputs: Inputs, *, rounds: int = 10,
    threads: int = 1, should_stop=None,
) -> None:
    """Time every model in turn, in ``rounds`` short rounds, and fill in the speed fields.

    Switching models every few dozen calls spreads whatever else the computer is doing evenly
    over all of them, so the ratios stay fair on a busy machine (three long rounds were not
    enough here: a model that does the same arithmetic as the original measured 0.6×).
    Each model gets ``RUNS`` batch-1 calls with one round, 3 × ``RUNS`` with more; p50 and p95
    are over all of its calls together.
    """
    total = RUNS if rounds <= 1 else 3 * RUNS
    per_round = math.ceil(total / rounds)
    batch_per_round = max(1, math.ceil(BATCH_RUNS / rounds))
    old_threads = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        lat: list[list[float]] = [[] for _ in pairs]
        items = [0] * len(pairs)
        seconds = [0.0] * len(pairs)
        for r in range(rounds):
            for i, (_, module) in enumerate(pairs):
                if should_stop is not None and should_stop():
                    return
                times, n, sec = time_model(
                    module, inputs, calls=per_round, warmup=WARMUP if r == 0 else 3,
                    batch_calls=batch_per_round, offset=r * per_round,
                )
                lat[i].extend(times)
                items[i] += n
                seconds[i] += sec
    finally:
        torch.set_num_threads(old_threads)
    for (m, _), times, n, sec in zip(pairs, lat, items, seconds, strict=True):
        times.sort()
        m.latency_ms_p50 = statistics.median(times)
        m.latency_ms_p95 = times[min(len(times) - 1, math.ceil(0.95 * len(times)) - 1)]
        m.throughput = n / max(sec, 1e-9)


def model_facts(model: TrainedModel) -> dict:
    """The few facts about a model that explain its speed (for :mod:`.explain`)."""
    cfg = model.config
    variant = model.variant or {}
    return {
        "kind": cfg.kind,
        "d_model": cfg.d_model,
        "d_ff": cfg.d_ff,
        "n_layers": cfg.n_layers,
        "steps": list(variant.get("steps", [])),
        "engine": (variant.get("quantization") or {}).get("engine"),
    }
