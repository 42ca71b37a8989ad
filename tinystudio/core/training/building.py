"""Building blocks of a run: device, seeds, schedule, model shape, weight transfer, optimizer."""

from __future__ import annotations

import math
import os
import random
from dataclasses import replace

import numpy as np
import torch
from torch import nn

from tinystudio.i18n import tr

from ..errors import ConfigError
from ..models import ModelConfig, preset_config
from ..tokenize import TextTokenizer
from .config import TrainConfig


def pick_device(requested: str = "auto") -> torch.device:
    """CUDA, then Apple's MPS, then the CPU; or exactly what was asked for."""
    if requested == "auto":
        if torch.cuda.is_available():
            # Under torchrun each process takes its own GPU.
            return torch.device("cuda", int(os.environ.get("LOCAL_RANK", "0")) % torch.cuda.device_count())
        mps = getattr(torch.backends, "mps", None)
        if mps is not None and mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    if requested == "cuda" and not torch.cuda.is_available():
        raise ConfigError(tr("No CUDA graphics card is available on this computer; use 'cpu'."))
    return torch.device(requested)


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed % (2**32))
    torch.manual_seed(seed)


def lr_factor(progress: float, warmup: float) -> float:
    """Linear warm-up to 1, then cosine decay to 0.1, as a function of run progress 0..1."""
    if warmup > 0 and progress < warmup:
        return max(progress / warmup, 0.01)
    t = min((progress - warmup) / max(1.0 - warmup, 1e-9), 1.0)
    return 0.1 + 0.9 * 0.5 * (1.0 + math.cos(math.pi * t))


def model_config_for(cfg: TrainConfig, tokenizer: TextTokenizer, data) -> ModelConfig:
    """The model shape for resolved settings ``cfg``, sized to the tokenizer and the labels."""
    extra: dict = {}
    if cfg.ngrams:
        from ..models.ngrams import alphabet_facts
        from .config import NGRAM_BUCKETS, parse_ngrams

        if tokenizer.kind != "char":
            raise ConfigError("Hashed n-gram features need the character tokenizer.")
        words, cmin, cmax = parse_ngrams(cfg.ngrams)
        extra = dict(
            features="ngrams", word_ngrams=words, char_min=cmin, char_max=cmax,
            ngram_buckets=cfg.ngram_buckets or NGRAM_BUCKETS, **alphabet_facts(tokenizer),
        )
    elif cfg.ngram_buckets:
        extra = dict(ngram_buckets=cfg.ngram_buckets)
    if cfg.hidden:
        extra["hidden"] = cfg.hidden
    return preset_config(
        cfg.task,
        cfg.model_kind,
        cfg.preset,
        vocab_size=tokenizer.vocab_size,
        n_classes=len(data.label_names),
        max_len=cfg.max_len,
        dropout=cfg.dropout,
        pad_id=tokenizer.pad_id,
        **extra,
    )


def derived_config(source: ModelConfig, cfg: TrainConfig, data) -> ModelConfig:
    """The shape of ``source`` (an earlier model), for this task and these labels."""
    return replace(
        source,
        task=cfg.task,
        n_classes=len(data.label_names) if cfg.task == "classify" else 0,
        dropout=cfg.dropout,
        # A language model's layers learned to read left to right: keep it that way.
        causal=source.causal or (source.task == "generate" and cfg.task == "classify"),
    )


def transfer_weights(source: nn.Module, target: nn.Module) -> list[str]:
    """Copy every tensor of ``source`` whose name and shape exist in ``target``; return the names.

    The output layer is copied only when it fits (same task and number of labels).
    """
    src = source.state_dict()
    dst = target.state_dict()
    copied = [k for k, v in src.items() if k in dst and dst[k].shape == v.shape]
    target.load_state_dict({**dst, **{k: src[k].detach().to(dst[k].dtype) for k in copied}})
    return copied


def make_optimizer(module: nn.Module, cfg: TrainConfig, device: torch.device) -> torch.optim.Optimizer:
    # Weight decay on matrices only: biases and LayerNorm gains are left alone. Frozen
    # weights (requires_grad=False) are not given to the optimizer at all.
    params = [p for p in module.parameters() if p.requires_grad]
    decay = [p for p in params if p.dim() >= 2]
    no_decay = [p for p in params if p.dim() < 2]
    groups = [
        {"params": decay, "weight_decay": cfg.weight_decay},
        {"params": no_decay, "weight_decay": 0.0},
    ]
    # The fused kernel updates every tensor in one pass: on a CPU it took 0.6-1.5 ms a step
    # where the foreach version took 10-13 ms (Tiny/Small Transformer, bench notes in
    # docs/benchmarks.md). Devices without it get the foreach version.
    try:
        return torch.optim.AdamW(groups, lr=cfg.lr, betas=(0.9, 0.99), fused=True)
    except (RuntimeError, ValueError):
        return torch.optim.AdamW(groups, lr=cfg.lr, betas=(0.9, 0.99), foreach=True)
