"""Pruning: zero the smallest weights, or remove whole hidden units so matrices really shrink.

magnitude (unstructured)
    One threshold over all weight matrices of Linear and LSTM layers (embeddings and the
    output layer are left alone: they hold the vocabulary and the labels). The architecture does
    not change: zeros are stored as zeros, so the file keeps its size (it *compresses* better,
    which the measurement reports) and dense matrix maths runs at the same speed.

units (structured, transformer)
    Each block keeps the feed-forward hidden units with the largest ``‖W_in[j]‖·‖W_out[:, j]‖``;
    ``d_ff`` shrinks, so the model is really smaller and faster. Attention heads are not
    removed: in these models the head size is tied to the width (``d_model / n_heads``), so a
    head cannot go without changing every other layer.
"""

from __future__ import annotations

from dataclasses import replace

import torch
from torch import nn

from tinystudio.i18n import tr

from ..inference import TrainedModel
from ..models import build_model
from .common import CompressError, copy_model


def prunable_weights(module: nn.Module) -> dict[str, torch.Tensor]:
    """Weight matrices that magnitude pruning may zero: Linear and LSTM, minus the output layer."""
    out = {}
    for mod_name, mod in module.named_modules():
        if mod_name == "head":
            continue
        if isinstance(mod, nn.Linear):
            out[f"{mod_name}.weight"] = mod.weight
        elif isinstance(mod, nn.LSTM):
            for name, p in mod.named_parameters():
                if name.startswith("weight"):
                    out[f"{mod_name}.{name}"] = p
    return out


@torch.no_grad()
def magnitude_prune(trained: TrainedModel, sparsity: float) -> tuple[TrainedModel, dict]:
    """A copy of ``trained`` with the ``sparsity`` fraction of prunable weights set to zero.

    Returns the new model and the keep-masks (name -> bool tensor), for a fine-tune that must
    keep the pruned weights at zero.
    """
    _check_float(trained)
    if not 0.0 < sparsity < 1.0:
        raise CompressError(tr("The pruning amount must be between 0% and 100% (for example 50%)."))
    new = copy_model(trained, step={"method": "prune", "sparsity": float(sparsity)})
    weights = prunable_weights(new.module)
    if not weights:
        raise CompressError(
            tr("This model has no weight matrices to prune besides its word table and output "
            "layer (a fastText model is one table lookup); try int8 or distillation instead."),
            code="nothing_to_prune",
        )
    scores = torch.cat([w.detach().abs().flatten().float() for w in weights.values()])
    k = int(round(sparsity * scores.numel()))
    threshold = torch.kthvalue(scores, max(k, 1)).values if k > 0 else torch.tensor(-1.0)
    masks = {}
    for name, w in weights.items():
        mask = w.abs() > threshold
        w.mul_(mask)
        masks[name] = mask
    return new, masks


def apply_masks(module: nn.Module, masks: dict[str, torch.Tensor]) -> None:
    """Zero again what pruning removed (after each fine-tuning step)."""
    with torch.no_grad():
        params = dict(module.named_parameters())
        for name, mask in masks.items():
            params[name].mul_(mask)


@torch.no_grad()
def prune_units(trained: TrainedModel, fraction: float) -> TrainedModel:
    """A smaller transformer: each block drops ``fraction`` of its feed-forward hidden units."""
    _check_float(trained)
    cfg = trained.config
    if cfg.kind != "transformer":
        raise CompressError(
            tr("Removing hidden units works on transformer models only. For this model use "
            "magnitude pruning, distillation or int8."),
            code="units_not_supported",
        )
    if not 0.0 < fraction < 1.0:
        raise CompressError(tr("The share of units to remove must be between 0% and 100%."))
    keep = max(1, int(round(cfg.d_ff * (1.0 - fraction))))
    new_cfg = replace(cfg, d_ff=keep)
    new = copy_model(trained, step={"method": "prune-units", "fraction": float(fraction), "d_ff": keep})
    old_module = trained.module.float()
    module = build_model(new_cfg).eval()
    state = old_module.state_dict()
    target = module.state_dict()
    for name in target:
        target[name] = state[name]  # everything outside the feed-forward layers is unchanged
    for i, block in enumerate(old_module.blocks):
        fc1, fc2 = block.mlp[0], block.mlp[2]
        importance = fc1.weight.norm(dim=1) * fc2.weight.norm(dim=0)  # (d_ff,)
        idx = torch.topk(importance, keep).indices.sort().values
        p = f"blocks.{i}.mlp"
        target[f"{p}.0.weight"] = fc1.weight[idx].clone()  # (keep, C)
        target[f"{p}.0.bias"] = fc1.bias[idx].clone()
        target[f"{p}.2.weight"] = fc2.weight[:, idx].clone()  # (C, keep)
    module.load_state_dict(target)
    new.config = new_cfg
    new.module = module
    return new


def _check_float(trained: TrainedModel) -> None:
    if (trained.variant or {}).get("storage") == "int8":
        raise CompressError(
            tr("Prune before quantizing: an int8 model cannot be pruned. Put int8 last in the stack."),
            code="already_int8",
        )
