"""The model zoo: build any TinyStudio model from its :class:`ModelConfig`."""

from __future__ import annotations

from torch import nn

from .config import KINDS, PRESETS, TASKS, ModelConfig, preset_config
from .fasttext import FastTextModel
from .lstm import LSTMModel
from .transformer import TransformerModel

__all__ = [
    "KINDS",
    "PRESETS",
    "TASKS",
    "ModelConfig",
    "build_model",
    "count_params",
    "preset_config",
]

_CLASSES = {"fasttext": FastTextModel, "transformer": TransformerModel, "lstm": LSTMModel}


def build_model(cfg: ModelConfig) -> nn.Module:
    """A freshly initialised model for ``cfg`` (on the CPU, in float32)."""
    return _CLASSES[cfg.kind](cfg)


def count_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
