"""The model zoo: build any TinyStudio model from its :class:`ModelConfig`.

Importing this package (or its ``config``) does not import torch: the window reads presets
and defaults at start-up, long before torch is needed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .config import KINDS, PRESETS, TASKS, ModelConfig, preset_config

if TYPE_CHECKING:
    from torch import nn

__all__ = [
    "KINDS",
    "PRESETS",
    "TASKS",
    "ModelConfig",
    "build_model",
    "count_params",
    "preset_config",
]


def build_model(cfg: ModelConfig) -> nn.Module:
    """A freshly initialised model for ``cfg`` (on the CPU, in float32)."""
    if cfg.kind == "fasttext" and cfg.features == "ngrams":
        from .ngrams import NgramModel as cls
    elif cfg.kind == "fasttext":
        from .fasttext import FastTextModel as cls
    elif cfg.kind == "lstm":
        from .lstm import LSTMModel as cls
    else:
        from .transformer import TransformerModel as cls
    return cls(cfg)


def count_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
