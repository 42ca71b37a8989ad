"""How long will a run take? Time a few real steps of the real model, then extrapolate.

Shown before training starts (the GUI's "estimated time") and measured against real runs
in ``bench/bench_eta.py``. The estimate is for the full run; early stopping can only make the
real run shorter.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import torch

from ..models import build_model, count_params
from ..tokenize import TextTokenizer
from .building import make_optimizer, model_config_for, pick_device
from .config import TrainConfig
from .taskdata import TaskData


@dataclass(frozen=True)
class RunEstimate:
    params: int
    total_steps: int
    step_seconds: float  # measured mean time of one training step
    eval_seconds: float  # measured time of one validation pass
    setup_seconds: float  # tokenizer training and encoding, measured
    seconds: float  # predicted length of the training loop (setup excluded)

    def to_dict(self) -> dict:
        from dataclasses import asdict

        return asdict(self)


def estimate_run(
    config: TrainConfig, data, *, probe_steps: int = 5, tokenizer: TextTokenizer | None = None
) -> RunEstimate:
    """Measure ``probe_steps`` training steps (after one warm-up step) and one validation pass.

    ``tokenizer`` skips learning one (when estimating several sizes on the same data).
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
    model_cfg = model_config_for(cfg, tokenizer, data)
    module = build_model(model_cfg).to(device)
    optimizer = make_optimizer(module, cfg, device)
    gen = torch.Generator().manual_seed(cfg.seed)

    def one_step() -> None:
        loss = task.loss(module, task.next_batch(gen), device)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        loss.item()  # wait for the device

    module.train()
    one_step()  # warm-up: first-call costs (allocations, kernels) are not typical
    t1 = time.perf_counter()
    for _ in range(probe_steps):
        one_step()
    step_seconds = (time.perf_counter() - t1) / probe_steps
    t2 = time.perf_counter()
    task.validate(module, device)
    eval_seconds = time.perf_counter() - t2

    total_steps = cfg.epochs * task.steps_per_epoch
    n_evals = min(cfg.evals_per_run, total_steps) + 1
    seconds = total_steps * step_seconds + n_evals * eval_seconds
    if cfg.max_time:
        seconds = min(seconds, cfg.max_time + eval_seconds)
    return RunEstimate(
        params=count_params(module),
        total_steps=total_steps,
        step_seconds=step_seconds,
        eval_seconds=eval_seconds,
        setup_seconds=setup,
        seconds=seconds if math.isfinite(seconds) else float("inf"),
    )
