"""How long will a run take? Time a few real steps of the real model, then extrapolate.

Shown before training starts (the GUI's "estimated time") and measured against real runs
in ``bench/bench_eta.py``. The model is deliberately plain, so that a step made faster or
slower elsewhere shows up in the measurement rather than in constants kept here::

    seconds = total_steps * step_seconds + evals * eval_seconds

with ``step_seconds`` and ``eval_seconds`` measured on this data (the same step as the loop's:
forward, backward, gradient clipping, optimizer), and ``total_steps`` and ``evals`` counted as
the training loop schedules them. The estimate is for the full run; early stopping can only
make the real run shorter.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

import torch
from torch import nn

from ..augment import encode_augmented
from ..models import build_model, count_params
from ..tokenize import TextTokenizer
from .batches import batch_indices, pad_batch
from .building import make_optimizer, model_config_for, pick_device
from .config import TrainConfig
from .schedule import planned_evals
from .taskdata import TaskData

WARMUP_STEPS = 2  # untimed: the first steps allocate buffers and are up to 2x slower
MIN_PROBE_SECONDS = 0.5  # keep timing steps until this much time has passed (fast steps are noisy)
MAX_PROBE_STEPS = 200  # ...but never more steps than this
PROBE_BATCHES = 5  # classify: distinct batches timed, from the shortest fifth to the longest


@dataclass(frozen=True)
class RunEstimate:
    params: int
    total_steps: int
    evals: int  # validation passes the run will make (the loop's schedule, no time budget)
    step_seconds: float  # measured mean time of one training step, on batches of typical size
    eval_seconds: float  # measured time of one validation pass
    setup_seconds: float  # tokenizer training and encoding, measured
    seconds: float  # predicted length of the training loop (setup excluded)

    @property
    def total_seconds(self) -> float:
        """What the user waits for: setup and the training loop."""
        return self.setup_seconds + self.seconds

    def to_dict(self) -> dict:
        return asdict(self)


def estimate_run(
    config: TrainConfig, data, *, probe_steps: int = 5, tokenizer: TextTokenizer | None = None
) -> RunEstimate:
    """Time real training steps of the real model on this data, and one validation pass.

    Parameters
    ----------
    config, data
        As for :func:`~tinystudio.core.training.loop.train`.
    probe_steps
        At least this many timed steps (after ``WARMUP_STEPS`` untimed ones); more when they
        take under ``MIN_PROBE_SECONDS`` in all, and whole cycles of the probe's batches.
    tokenizer
        Skips learning one (when estimating several sizes on the same data).

    Notes
    -----
    Classify batches are padded to their longest text, so a step's cost varies with the
    batch: the probe times batches from across the range of one epoch's sizes (see
    ``_typical_batches``), not the run's first batches, which may all be long or short.
    """
    cfg = config.resolved()
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    device = pick_device(cfg.device)
    t0 = time.perf_counter()
    if tokenizer is None:
        train_texts = [data.texts[i] for i in data.splits.train]
        tokenizer = TextTokenizer.train(train_texts, cfg.tokenizer, cfg.vocab_size)
    task = TaskData(cfg, data, tokenizer)
    setup = time.perf_counter() - t0
    module = build_model(model_config_for(cfg, tokenizer, data)).to(device)
    optimizer = make_optimizer(module, cfg, device)
    trainable = [p for p in module.parameters() if p.requires_grad]
    gen = torch.Generator().manual_seed(cfg.seed)
    make_batch, cycle = _typical_batches(task, cfg, gen)

    def one_step(k: int) -> None:
        # What one iteration of the training loop does (events and evaluations aside).
        loss = task.loss(module, make_batch(k), device)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if cfg.grad_clip:
            nn.utils.clip_grad_norm_(trainable, cfg.grad_clip)
        optimizer.step()
        loss.item()  # wait for the device

    module.train()
    for k in range(WARMUP_STEPS):
        one_step(k)
    t1 = time.perf_counter()
    n = 0
    while n < MAX_PROBE_STEPS and (
        n < probe_steps or n % cycle or time.perf_counter() - t1 < MIN_PROBE_SECONDS
    ):
        one_step(n)
        n += 1
    step_seconds = (time.perf_counter() - t1) / max(n, 1)
    t2 = time.perf_counter()
    task.validate(module, device)
    eval_seconds = time.perf_counter() - t2

    total_steps = cfg.epochs * task.steps_per_epoch
    evals = planned_evals(total_steps, cfg.evals_per_run)
    seconds = total_steps * step_seconds + evals * eval_seconds
    if cfg.max_time:
        seconds = min(seconds, cfg.max_time + eval_seconds)  # stops at the budget, then scores
    return RunEstimate(
        params=count_params(module),
        total_steps=total_steps,
        evals=evals,
        step_seconds=step_seconds,
        eval_seconds=eval_seconds,
        setup_seconds=setup,
        seconds=seconds if math.isfinite(seconds) else float("inf"),
    )


def _typical_batches(
    task: TaskData, cfg: TrainConfig, gen: torch.Generator
) -> tuple[Callable, int]:
    """A function ``k -> batch`` for the probe's k-th step, and how many distinct batches it
    cycles through (time whole cycles of them).

    Generate batches all have the same shape: fresh random windows. Classify batches are
    padded to their longest text, so their cost varies several-fold (and the first batches of
    a run may all be long): the epoch's batches are sorted by padded token count and cut into
    ``PROBE_BATCHES`` equal strata, and each stratum gives the batch nearest its mean. A
    step's cost is about linear in the tokens within a stratum, so the mean over the cycle is
    the epoch's mean, including the few long batches (a cost that grows faster than the
    length, as attention's does, is followed too). Making the batch is part of a step (with
    augmentation, re-encoding the texts is a real cost).
    """
    if cfg.task == "generate":
        return (lambda k: task.next_batch(gen)), 1
    lengths = [len(s) for s in task.train_seqs]
    epoch = list(batch_indices(lengths, cfg.batch_size, gen))
    tokens = [len(idx) * max(lengths[i] for i in idx) for idx in epoch]  # B x T, padded
    order = sorted(range(len(epoch)), key=tokens.__getitem__)
    k_strata = min(PROBE_BATCHES, len(order))
    picked = []
    for s in range(k_strata):
        stratum = order[len(order) * s // k_strata : len(order) * (s + 1) // k_strata]
        mean = sum(tokens[b] for b in stratum) / len(stratum)
        picked.append(epoch[min(stratum, key=lambda b: abs(tokens[b] - mean))])
    tok = task.tokenizer

    def make(k: int):
        idx = picked[k % len(picked)]
        if cfg.augment:  # as TaskData._augmented_batches does
            seqs = [
                encode_augmented(tok, task.train_texts[i], cfg.augment, task.rng)[: cfg.max_len]
                or [tok.unk_id]
                for i in idx
            ]
        else:
            seqs = [task.train_seqs[i] for i in idx]
        ids, mask = pad_batch(seqs, tok.pad_id)
        return ids, mask, torch.tensor([task.train_labels[i] for i in idx], dtype=torch.long)

    return make, len(picked)
